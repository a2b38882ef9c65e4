import streamlit as st

from cnn_core import workshop as ws
from ui import frame, t
from ui import workshop as uw
from ui import workshop_board as wb

lang = frame("lesson")
st.title(t("workshop.lesson.title"))

raw_code = st.query_params.get(uw.URL_LESSON)
code = uw.current_code()
if raw_code and ws.normalize_code(raw_code) is None:
    st.error(t("workshop.error.unknown_lesson"), icon=":material/link_off:")
    code = None

# --- No lesson yet: type the code from the projector -------------------------------------------
if not code:
    st.markdown(t("workshop.lesson.intro"))
    with st.form(key="lesson_code_form"):
        st.text_input(t("workshop.lesson.code_label"), key="lesson_code_input", max_chars=20)
        opened = st.form_submit_button(t("workshop.lesson.open"), icon=":material/login:")
    if opened:
        typed = ws.normalize_code(st.session_state.get("lesson_code_input"))
        if typed is None:
            st.error(t("workshop.error.unknown_lesson"), icon=":material/link_off:")
        else:
            st.session_state[uw.LESSON_KEY] = typed
            st.query_params[uw.URL_LESSON] = typed
            st.rerun()
    st.page_link(
        uw.INSTRUCTOR_PAGE,
        label=t("workshop.lesson.for_instructors"),
        icon=":material/co_present:",
        query_params=uw.link_query(),
    )
    st.stop()

try:
    lesson = uw.store().get_lesson(code)
except ws.WorkshopError as error:
    st.error(error.message(lang), icon=":material/link_off:")
    st.button(t("workshop.lesson.other"), key="lesson_leave_bad", on_click=uw.leave_lesson)
    st.stop()

if lesson.language and lang != lesson.language:
    st.session_state["lang"] = lesson.language
    st.rerun()

st.header(uw.plain(lesson.title))
if lesson.language:
    st.caption(t("workshop.lesson.language_fixed"))
if lesson.challenge is not None:
    st.info(uw.challenge_text(lesson.challenge), icon=":material/emoji_events:")

student = uw.store().find_student(lesson.code, st.session_state.get("vid", ""))

# --- Pick a nickname ---------------------------------------------------------------------------
with st.container(border=True, key="lesson_join_box"):
    if student is None:
        st.subheader(t("workshop.lesson.join_title"))
        st.caption(t("workshop.lesson.join_help", max=ws.NICKNAME_MAX))
    else:
        st.markdown(t("workshop.lesson.joined_as", nickname=uw.plain(student.nickname)))
        st.caption(t("workshop.lesson.rename_help"))
    with st.form(key="lesson_join_form", border=False):
        st.text_input(t("workshop.lesson.nickname"), key="lesson_nickname", max_chars=64)
        st.form_submit_button(
            t("workshop.lesson.join") if student is None else t("workshop.lesson.rename"),
            icon=":material/badge:",
            on_click=wb.join,
            args=(lesson.code,),
        )
    error = st.session_state.get("lesson_error")
    if isinstance(error, ws.WorkshopError):
        st.error(error.message(lang), icon=":material/error:")

if student is None:
    st.stop()
uw.ensure_design(lesson)

# --- The path ----------------------------------------------------------------------------------
st.subheader(t("workshop.lesson.path_title", n=len(lesson.steps)))
for index, step in enumerate(lesson.steps):
    with st.container(border=True, key=f"lesson_step_{index}"):
        marker = t("workshop.lesson.you_are_here") if index == student.step else ""
        st.page_link(
            uw.PAGE_PATHS[step.page],
            label=t("workshop.lesson.step_label", n=index + 1, page=t(f"nav.{step.page}")) + marker,
            icon=":material/arrow_forward:",
            query_params=uw.link_query(**{uw.URL_LESSON: lesson.code}),
        )
        if step.note:
            st.markdown(uw.plain(step.note))
st.button(
    t("workshop.lesson.leave"),
    key="lesson_leave",
    on_click=uw.leave_lesson,
    icon=":material/logout:",
)
