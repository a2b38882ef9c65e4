"""Colour-blind-safe colours and small Plotly helpers shared by the pages."""

from __future__ import annotations

# Okabe & Ito (2008): distinguishable under the common colour-vision deficiencies.
PALETTE = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
]
SEQUENTIAL = "Viridis"
SEQUENTIAL_ALT = "Cividis"
DIVERGING = "RdBu"


# Plotly's tool bar ("mode bar") speaks English only ("Download plot as a PNG", "Zoom", ...):
# plotly.js ships no pt-BR locale in Streamlit's bundle, and on a phone the bar covers the chart's
# title. Pages pass ``config=CONFIG`` to ``st.plotly_chart`` to drop the bar; for a chart shown
# without it, :func:`style` still removes every Plotly button (only Streamlit's own full-screen
# button may remain; see the README, "What remains in English").
CONFIG = {"displayModeBar": False, "displaylogo": False}
_MODEBAR_BUTTONS = [
    "toImage",
    "zoom2d",
    "pan2d",
    "select2d",
    "lasso2d",
    "zoomIn2d",
    "zoomOut2d",
    "autoScale2d",
    "resetScale2d",
    "hoverClosestCartesian",
    "hoverCompareCartesian",
    "toggleSpikelines",
]

# Plotly's ``separators`` is "<decimal><thousands>": pt-BR writes 1.234,5 and en 1,234.5.
SEPARATORS = {"pt": ",.", "en": ".,"}


def style(fig, *, height: int | None = None, lang: str | None = None):
    """Applies the common layout (palette, margins, font, the language's number separators).

    Dragging does not zoom (``dragmode=False``): on a phone a swipe over a chart scrolls the page
    instead of being trapped by the chart, and Plotly's English "double-click to zoom back out"
    tip never appears. Plotly's own tool-bar buttons are removed (see :data:`CONFIG`).

    Args:
        fig: a Plotly figure.
        height: pixels, if the figure needs a fixed height.
        lang: ``"pt"`` or ``"en"``; the session's language when None.

    Returns:
        The same figure.
    """
    if lang is None:
        from ui.frame import current_language

        lang = current_language()
    fig.update_layout(
        separators=SEPARATORS.get(lang, SEPARATORS["en"]),
        colorway=PALETTE,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        font={"size": 13},
        dragmode=False,
        modebar={"remove": _MODEBAR_BUTTONS},
        **({"height": height} if height else {}),
    )
    return fig
