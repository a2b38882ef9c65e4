"""Layout decisions that depend on the visitor's screen, made from what the server can know."""

from __future__ import annotations

import streamlit as st


def narrow_screen() -> bool:
    """Guesses whether the page is read on a phone, from the browser's User-Agent.

    Streamlit does not tell the script the viewport's width; the "Mobi" token is what phone
    browsers put in their User-Agent (the test MDN recommends). Use it only to avoid layouts that
    hurt on a phone, such as an inner scroll box that traps the thumb; the page must still work
    when the guess is wrong.

    Returns:
        True for a phone browser, False otherwise (also when there are no headers, as in AppTest).
    """
    try:
        agent = st.context.headers.get("User-Agent") or ""
    except Exception:  # no browser behind this run (bare mode)
        return False
    return "Mobi" in agent
