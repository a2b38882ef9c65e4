"""The app's safety net for every page run: visitor text stays text, crashes stay friendly.

:func:`guard_page_run` is called by :func:`ui.frame` before anything is drawn. It

- turns on Markdown escaping of the values filled into catalog texts
  (:func:`cnn_core.locales.escape_markdown_args`), so a name, an argument from a shared link or a
  file name is shown as typed, never as a link or HTML, wherever a page shows it;
- installs a handler for uncaught exceptions (Streamlit's own ``on_script_error`` hook of the
  script-run context, the one ``st.App(on_script_error=...)`` sets) that shows a translated,
  friendly message instead of a traceback. Streamlit logs the exception with its traceback to
  the server log before calling the handler, so the details are kept where they belong.
"""

from __future__ import annotations

import sys

import streamlit as st
from streamlit import config

from cnn_core import locales


def _under_app_test() -> bool:
    # Page tests look for crashes in ``at.exception``: keep Streamlit's own element there too.
    return "streamlit.testing.v1.app_test" in sys.modules


def hide_details() -> bool:
    """Whether to show only the friendly message (``[client] showErrorDetails = "none"``)."""
    return config.get_option("client.showErrorDetails") == "none" and not _under_app_test()


def friendly_error(exc: Exception) -> bool:
    """Shows a translated message for an uncaught exception; returns whether to hide Streamlit's.

    Args:
        exc: the exception (already logged with its traceback by Streamlit).

    Returns:
        ``True`` to suppress Streamlit's own error element (see :func:`hide_details`).
    """
    lang = st.session_state.get("lang", locales.DEFAULT_LANGUAGE)
    st.error(locales.t("safety.error.unexpected", lang), icon=":material/sentiment_dissatisfied:")
    return hide_details()


def guard_page_run() -> None:
    """Escapes visitor text in catalog values and installs :func:`friendly_error` for this run."""
    locales.escape_markdown_args(True)
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

        ctx = get_script_run_ctx(suppress_warning=True)
    except ImportError:  # another Streamlit layout: Streamlit's own (detail-free) message remains
        ctx = None
    if ctx is not None and hasattr(ctx, "on_script_error"):
        ctx.on_script_error = friendly_error
