"""The frame every page draws first: page config, translated navigation, language toggle.

The language lives in ``st.session_state["lang"]`` and in the URL (``?lang=en``), so it survives
page switches, reloads and shared links. The visitor's private id lives in
``st.session_state["vid"]`` and in a cookie, never in the URL (see :mod:`ui.identity`).
"""

from __future__ import annotations

import streamlit as st

from cnn_core import locales
from ui import identity, runtime

# (script path, catalog key of the label, icon). Order follows the learning path.
PAGES: list[tuple[str, str, str]] = [
    ("app.py", "nav.home", ":material/home:"),
    ("pages/01_inputs.py", "nav.inputs", ":material/image:"),
    ("pages/02_convolution.py", "nav.convolution", ":material/grid_on:"),
    ("pages/03_activation.py", "nav.activation", ":material/show_chart:"),
    ("pages/04_pooling.py", "nav.pooling", ":material/compress:"),
    ("pages/05_fully_connected.py", "nav.fully_connected", ":material/hub:"),
    ("pages/06_data.py", "nav.data", ":material/dataset:"),
    ("pages/07_build.py", "nav.build", ":material/construction:"),
    ("pages/08_train.py", "nav.train", ":material/model_training:"),
    ("pages/09_evaluate.py", "nav.evaluate", ":material/fact_check:"),
    ("pages/10_classify.py", "nav.classify", ":material/photo_camera:"),
    ("pages/11_lesson.py", "nav.lesson", ":material/school:"),
    ("pages/12_instructor.py", "nav.instructor", ":material/co_present:"),
]
# Where the concept pages end and the hands-on part begins (a divider in the sidebar).
_SECTIONS = {1: "nav.section.concepts", 6: "nav.section.practice", 11: "nav.section.workshop"}

LANG_KEY = "lang"
VISITOR_KEY = identity.VISITOR_KEY


def _initial_language() -> str:
    from_url = locales.normalize_language(st.query_params.get(LANG_KEY))
    if from_url:
        return from_url
    try:
        from_browser = locales.normalize_language(st.context.locale)
    except Exception:  # no browser context (bare mode, old clients)
        from_browser = None
    return from_browser or locales.DEFAULT_LANGUAGE


def current_language() -> str:
    """Returns the language of this session (``"pt"`` or ``"en"``), deciding it on first use."""
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = _initial_language()
    return st.session_state[LANG_KEY]


def t(key: str, /, **kwargs) -> str:
    """Translates ``key`` into the session's language (see :func:`cnn_core.locales.t`)."""
    return locales.t(key, current_language(), **kwargs)


def number(value, decimals: int | None = None, **options) -> str:
    """Writes a number in the session's language (see :func:`cnn_core.locales.format_number`)."""
    return locales.format_number(value, current_language(), decimals, **options)


def percent(fraction, decimals: int = 1, **options) -> str:
    """Writes a fraction as a percentage in the session's language (``87,3%`` / ``87.3%``)."""
    return locales.format_percent(fraction, current_language(), decimals, **options)


def visitor_id() -> str:
    """Returns this visitor's private id (from the session or the cookie; never from the URL)."""
    return identity.visitor_id()


def _on_language_change() -> None:
    chosen = st.session_state.get("lang_toggle")
    if chosen in locales.LANGUAGES:
        st.session_state[LANG_KEY] = chosen


def frame(page_id: str) -> str:
    """Draws the shared frame and returns the session's language.

    Call it first on every page: it sets the page config (title from ``nav.<page_id>``), keeps
    ``lang`` in the URL (and any old ``vid`` out of it), makes sure the visitor's id is in the
    session and the cookie, and draws the sidebar with the language toggle, our own translated
    links to every page and the resume-code expander.
    """
    runtime.keep_keras_state()
    lang = current_language()
    st.set_page_config(
        page_title=t("app.page_title", page=t(f"nav.{page_id}")),
        page_icon=":material/neurology:",
        layout="wide",
    )
    visitor_id()
    identity.drop_id_from_url(lang)
    if st.query_params.get(LANG_KEY) != lang:
        st.query_params[LANG_KEY] = lang

    with st.sidebar:
        st.markdown(f"### {t('app.name')}")
        st.radio(
            t("frame.language"),
            options=list(locales.LANGUAGES),
            index=list(locales.LANGUAGES).index(lang),
            format_func=lambda code: locales.LANGUAGE_NAMES[code],
            horizontal=True,
            key="lang_toggle",
            on_change=_on_language_change,
        )
        for position, (path, label_key, icon) in enumerate(PAGES):
            if position in _SECTIONS:
                st.caption(t(_SECTIONS[position]))
            st.page_link(
                path,
                label=t(label_key),
                icon=icon,
                query_params={LANG_KEY: lang},
            )
        identity.resume_panel(lang)
        identity.keep_cookie()
    from ui import workshop  # a lesson's step box and control locks (only inside a lesson)

    workshop.banner(page_id)
    return lang
