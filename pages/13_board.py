import streamlit as st

from cnn_core import workshop as ws
from ui import frame, t
from ui import workshop as uw
from ui import workshop_board as wb
from ui.charts import CONFIG

lang = frame("board")
st.title(t("workshop.board.title"))

# The instructor link carries the lesson code and the secret key; the key moves into this browser
# (session + cookie) and leaves the address bar before anything else is drawn.
code = ws.normalize_code(st.query_params.get(uw.URL_LESSON)) or st.session_state.get("board_code")
key = wb.board_key(code) if code else None
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
st.caption(t("workshop.board.about", code=code, link=wb.student_link(code, lesson.language)))
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


@st.fragment(run_every=wb.REFRESH_S)
def live_board() -> None:
    current = uw.store().open_board(code, key)
    runs = wb.refresh_runs(current)
    students = uw.store().roster(code)
    queue = wb.training_queue()
    rows = ws.board_rows(students, runs, frozen_at=current.frozen_at, queue=wb.queue_states(queue))
    if current.frozen_at is not None:
        st.info(t("workshop.board.frozen"), icon=":material/ac_unit:")
    st.subheader(t("workshop.board.class_title", n=len(students)))
    if not rows:
        st.caption(t("workshop.board.empty"))
        return
    st.dataframe(wb.board_table(current, rows), hide_index=True, width="stretch", key="board_table")
    st.download_button(
        t("workshop.board.csv"),
        data=wb.board_csv(current, rows),
        file_name=f"lesson-{code}.csv",
        mime="text/csv",
        key="board_csv",
        on_click="ignore",
        icon=":material/download:",
    )
    st.subheader(t("workshop.board.chart_title"))
    st.plotly_chart(wb.board_figure(rows), key="board_chart", width="stretch", config=CONFIG)
    st.caption(wb.board_caption(rows))
    st.subheader(t("workshop.board.queue_title"))
    if queue:
        st.dataframe(wb.queue_table(queue, students, code), hide_index=True, key="board_queue")
    else:
        st.caption(t("workshop.board.queue_empty"))


live_board()
