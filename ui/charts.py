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


# Plotly's ``separators`` is "<decimal><thousands>": pt-BR writes 1.234,5 and en 1,234.5.
SEPARATORS = {"pt": ",.", "en": ".,"}


def style(fig, *, height: int | None = None, lang: str | None = None):
    """Applies the common layout (palette, margins, font, the language's number separators).

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
        **({"height": height} if height else {}),
    )
    return fig
