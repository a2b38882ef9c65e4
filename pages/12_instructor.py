import datetime as dt

import streamlit as st

from cnn_core import workshop as ws
from cnn_core.data import DATASETS
from cnn_core.workshop import lesson as lessons
from ui import frame, t
from ui import workshop as uw
from ui import workshop_board as wb

lang = frame("instructor")
st.title(t("workshop.instr.title"))
st.markdown(t("workshop.instr.intro"))

# --- What the class will see -------------------------------------------------------------------
st.text_input(t("workshop.instr.lesson_title"), key="instructor_title", max_chars=lessons.MAX_TITLE)
st.multiselect(
    t("workshop.instr.pages"),
    ws.STEP_PAGES,
    default=["convolution", "build", "train", "evaluate"],
    format_func=wb.translator("nav.", lang),
    max_selections=lessons.MAX_STEPS,
    key="instructor_pages",
    placeholder=t("a11y.choose"),
    help=t("workshop.instr.pages_help"),
)
pages = st.session_state.get("instructor_pages") or []
if pages:
    with st.expander(t("workshop.instr.notes"), icon=":material/edit_note:", expanded=True):
        for number_, page in enumerate(pages, start=1):
            st.text_area(
                t("workshop.instr.note", n=number_, page=t(f"nav.{page}")),
                key=f"instructor_note_{page}",
                max_chars=lessons.MAX_NOTE,
                height=68,
            )
st.radio(
    t("workshop.instr.language"),
    ["free", "pt", "en"],
    format_func=wb.translator("workshop.instr.language.", lang),
    horizontal=True,
    key="instructor_language",
)

# --- The network and its training ---------------------------------------------------------------
st.subheader(t("workshop.instr.design_title"))
choices = [
    c for c in wb.DESIGN_CHOICES if c != "build" or isinstance(st.session_state.get("design"), dict)
]
st.selectbox(
    t("workshop.instr.design"),
    choices,
    format_func=wb.translator("workshop.instr.design.", lang),
    key="instructor_design",
    placeholder=t("a11y.choose"),
    help=t("workshop.instr.design_help"),
)
budget_col, seconds_col = st.columns(2, vertical_alignment="bottom")
budget_col.toggle(t("workshop.instr.budget_on"), value=True, key="instructor_budget_on")
seconds_col.number_input(
    t("workshop.instr.budget_s"),
    min_value=int(lessons.BUDGET_MIN_S),
    max_value=int(lessons.BUDGET_MAX_S),
    value=60,
    step=30,
    key="instructor_budget_s",
    disabled=not st.session_state.get("instructor_budget_on", True),
)
st.markdown(t("workshop.instr.controls"))
control_cols = st.columns(len(ws.CONTROLS))
for column, name in zip(control_cols, ws.CONTROLS, strict=True):
    column.selectbox(
        t(f"workshop.control.{name}"),
        ws.CONTROL_STATES,
        format_func=wb.translator("workshop.control_state.", lang),
        key=wb.control_widget_key(name),
        placeholder=t("a11y.choose"),
    )

# --- The challenge -----------------------------------------------------------------------------
st.subheader(t("workshop.instr.challenge_title"))
st.toggle(t("workshop.instr.challenge_on"), key="instructor_challenge_on")
if st.session_state.get("instructor_challenge_on"):
    weights_col, seconds_col, data_col = st.columns(3)
    weights_col.number_input(
        t("workshop.instr.ch_weights"),
        min_value=1,
        max_value=20_000_000,
        value=100_000,
        step=10_000,
        key="instructor_ch_weights",
    )
    seconds_col.number_input(
        t("workshop.instr.ch_seconds"),
        min_value=1,
        max_value=3 * 3600,
        value=60,
        step=30,
        key="instructor_ch_seconds",
    )
    data_col.selectbox(
        t("workshop.instr.ch_dataset"),
        DATASETS,
        format_func=wb.translator("data.dataset.", lang),
        key="instructor_ch_dataset",
        placeholder=t("a11y.choose"),
    )
    st.caption(t("workshop.instr.challenge_help"))

today = dt.datetime.now(dt.UTC).date()
st.date_input(
    t("workshop.instr.expires"),
    value=today + dt.timedelta(days=lessons.DEFAULT_DAYS),
    min_value=today,
    max_value=today + dt.timedelta(days=lessons.MAX_DAYS - 1),
    key="instructor_expires",
    format="DD/MM/YYYY" if lang == "pt" else "YYYY-MM-DD",
)

st.button(
    t("workshop.instr.save"),
    key="instructor_save",
    type="primary",
    icon=":material/save:",
    on_click=wb.save_lesson,
)
error = st.session_state.get(wb.SAVE_ERROR_KEY)
if isinstance(error, ws.WorkshopError):
    st.error(error.message(lang), icon=":material/error:")

# --- The links ---------------------------------------------------------------------------------
saved = st.session_state.get(wb.SAVED_KEY)
if saved:
    code, key = saved
    lesson = uw.store().get_lesson(code)
    st.divider()
    st.success(t("workshop.instr.saved", code=code), icon=":material/check_circle:")
    link = wb.student_link(code, lesson.language)
    qr_col, links_col = st.columns([1, 2])
    qr = wb.qr_png(link)
    with qr_col:
        st.image(qr, caption=t("workshop.instr.qr_caption", code=code), width=260)
        st.download_button(
            t("workshop.instr.qr_download"),
            data=qr,
            file_name=f"lesson-{code}.png",
            mime="image/png",
            key="instructor_qr_download",
            on_click="ignore",
            icon=":material/qr_code_2:",
        )
    with links_col:
        st.markdown(t("workshop.instr.student_link"))
        st.code(link, language=None, wrap_lines=True)
        st.markdown(t("workshop.instr.instructor_link"))
        st.warning(t("workshop.instr.instructor_link_private"), icon=":material/key:")
        st.code(wb.instructor_link(code, key, lang), language=None, wrap_lines=True)
        st.caption(
            t(
                "workshop.instr.expires_on",
                date=dt.datetime.fromtimestamp(lesson.expires_at, dt.UTC).strftime(
                    "%d/%m/%Y" if lang == "pt" else "%Y-%m-%d"
                ),
            )
        )
