"""Streamlit helpers shared by the pages: the frame (sidebar, language), string lookup, charts."""

from ui.frame import PAGES, current_language, frame, number, percent, t, visitor_id

__all__ = ["PAGES", "current_language", "frame", "number", "percent", "t", "visitor_id"]
