import streamlit as st

from cnn_core import workshop as ws
from ui import frame, t
from ui import workshop as uw

lang = frame("board")
st.title(t("workshop.board.title"))

# The instructor link carries the lesson code and the secret key; the key moves into this browser
# (session + cookie) and leaves the address bar before anything else is drawn.
code = ws.normalize_code(st.query_params.get(uw.URL_LESSON)) or st.session_state.get("board_code")
key = uw.board_key(code) if code else None
if not code or not key:
    st.warning(t("workshop.board.need_link"), icon=":material/key:")
    st.stop()
try:
    lesson = uw.store().open_board(code, key)
except ws.WorkshopError as error:
    st.error(error.message(lang), icon=":material/key_off:")
    st.stop()
st.session_state["board_code"] = code

st.header(uw.plain(lesson.title))
st.caption(t("workshop.board.about", code=code, link=uw.student_link(code, lesson.language)))
if lesson.expired():
    st.warning(t("workshop.error.lesson_expired"), icon=":material/timer_off:")
if lesson.challenge is not None:
    st.info(uw.challenge_text(lesson.challenge), icon=":material/emoji_events:")


def _toggle_freeze(frozen: bool) -> None:
    uw.store().set_frozen(code, frozen)


if lesson.frozen_at is None:
    st.button(
        t("workshop.board.freeze"),
        key="board_freeze",
        icon=":material/ac_unit:",
        on_click=_toggle_freeze,
        args=(True,),
        help=t("workshop.board.freeze_help"),
    )
else:
    st.button(
        t("workshop.board.unfreeze"),
        key="board_unfreeze",
        icon=":material/play_arrow:",
        on_click=_toggle_freeze,
        args=(False,),
    )


@st.fragment(run_every=uw.REFRESH_S)
def live_board() -> None:
    current = uw.store().open_board(code, key)
    runs = uw.refresh_runs(current)
    students = uw.store().roster(code)
    queue = uw.queue_states(runs)
    rows = ws.board_rows(students, runs, frozen_at=current.frozen_at, queue=queue)
    if current.frozen_at is not None:
        st.info(t("workshop.board.frozen"), icon=":material/ac_unit:")
    st.subheader(t("workshop.board.class_title", n=len(students)))
    if not rows:
        st.caption(t("workshop.board.empty"))
        return
    st.dataframe(uw.board_table(current, rows), hide_index=True, width="stretch", key="board_table")
    st.download_button(
        t("workshop.board.csv"),
        data=uw.board_csv(current, rows),
        file_name=f"lesson-{code}.csv",
        mime="text/csv",
        key="board_csv",
        on_click="ignore",
        icon=":material/download:",
    )
    st.subheader(t("workshop.board.chart_title"))
    st.plotly_chart(uw.board_figure(rows), key="board_chart", width="stretch")
    st.caption(uw.board_caption(rows))
    st.subheader(t("workshop.board.queue_title"))
    busy = [r for r in rows if r.state != "idle"]
    if busy:
        for row in sorted(busy, key=lambda r: (r.state != "training", r.queue_position or 0)):
            st.text(f"{row.nickname} · {uw.state_text(row)}")
    else:
        st.caption(t("workshop.board.queue_empty"))


live_board()
