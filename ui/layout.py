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


# A button drawn with an icon and no label is named by Streamlit "<icon's name> icon" ("delete
# icon"), in English, for screen readers. So such a button gets its translated label, and the
# label is hidden from sight only (kept for screen readers, the usual "visually hidden" rule).
_VISUALLY_HIDDEN = (
    "position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0; "
    "overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; border: 0;"
)


def icon_only_labels(*key_prefixes: str) -> None:
    """Hides, from sight only, the labels of the buttons whose keys start with ``key_prefixes``.

    Draw those buttons with their translated label (which names them for screen readers) and an
    icon; on screen they show the icon alone. Call once per page run.
    """
    selectors = ", ".join(
        f"[class*='st-key-{prefix}'] button [data-testid='stMarkdownContainer']"
        for prefix in key_prefixes
    )
    st.html("<style>" + selectors + " {" + _VISUALLY_HIDDEN + "}</style>")
