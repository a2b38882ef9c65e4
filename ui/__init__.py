"""Streamlit helpers shared by the pages: the frame (sidebar, language), string lookup, charts."""

# pandas is imported whole before any page draws. Plotly looks pandas up in ``sys.modules``
# without waiting for an import in progress, so when a class arrives at a fresh server, a chart
# built while another visitor's script thread was still importing pandas failed with "partially
# initialized module 'pandas' has no attribute 'Series'". Every page imports ``ui`` first, and
# Python makes other threads wait until this package (and pandas with it) is fully imported.
import pandas  # noqa: F401

from ui.frame import PAGES, current_language, number, percent, t, visitor_id
from ui.frame import frame as _draw_frame
from ui.safety import guard_page_run

__all__ = ["PAGES", "current_language", "frame", "number", "percent", "t", "visitor_id"]


def frame(page_id: str) -> str:
    """Draws the shared frame (see :func:`ui.frame.frame`) after arming the page's safety net.

    Visitor text filled into catalog texts is escaped for Markdown, and an unexpected error shows
    a friendly, translated message instead of a traceback (:mod:`ui.safety`).

    Returns:
        The session's language.
    """
    guard_page_run()
    return _draw_frame(page_id)
