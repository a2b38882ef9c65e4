"""Number widgets that write and read numbers the visitor's way (``0,8`` in Portuguese).

Streamlit's ``st.slider`` and ``st.number_input`` format numbers with printf-style patterns (or
the browser's locale), never with the app's chosen language: a Portuguese page would show
``1.50`` next to a text saying ``1,5``, and ``st.number_input`` cannot read ``0,80`` at all. So:

- :func:`decimal_slider` is a ``st.select_slider`` over the slider's steps, each shown through
  :func:`cnn_core.locales.format_number`;
- :func:`number_box` is a ``st.text_input`` read by :func:`cnn_core.locales.parse_number`, which
  takes either decimal mark; after a change the box is rewritten the language's way.
"""

from __future__ import annotations

import functools
import math

import streamlit as st

from cnn_core import locales
from ui.frame import current_language


def step_decimals(step: float) -> int:
    """Digits after the decimal mark that a slider step needs (``0.05`` -> 2, ``1.0`` -> 0)."""
    text = f"{step:.10f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def slider_steps(low: float, high: float, step: float) -> list[float]:
    """The values from ``low`` to ``high`` (both included) every ``step``, rounded cleanly."""
    decimals = step_decimals(step)
    count = math.floor((high - low) / step + 1e-9)
    return [round(low + i * step, decimals) for i in range(count + 1)]


def decimal_slider(
    label: str,
    low: float,
    high: float,
    value: float,
    step: float,
    *,
    key: str,
    container=st,
    **options,
) -> float:
    """A slider of decimals that shows its values with the visitor's decimal mark.

    Args:
        label: translated label.
        low, high: the ends (included).
        value: the starting value (moved to the nearest step).
        step: the distance between two values.
        key: widget key.
        container: where to draw it (``st`` or a column).
        **options: more ``st.select_slider`` arguments (``help``, ``on_change``, ...).

    Returns:
        The chosen value (a float from :func:`slider_steps`).
    """
    steps = slider_steps(low, high, step)
    start = min(steps, key=lambda v: abs(v - value))
    # Bound now: AppTest calls format functions outside the script run.
    shown = functools.partial(
        locales.format_number, lang=current_language(), decimals=step_decimals(step)
    )
    if key in st.session_state:
        if st.session_state[key] not in steps:  # e.g. a value kept from an older widget
            st.session_state[key] = min(steps, key=lambda v: abs(v - st.session_state[key]))
        return container.select_slider(label, steps, format_func=shown, key=key, **options)
    return container.select_slider(label, steps, value=start, format_func=shown, key=key, **options)


def _rewrite(key: str, decimals: int | None, lang: str) -> None:
    """After a change: writes the typed number back the language's way (``0.8`` -> ``0,8``)."""
    try:
        value = locales.parse_number(st.session_state.get(key), lang)
    except locales.NumberParseError:
        return  # left as typed, with the message under it
    if value is not None:
        st.session_state[key] = locales.format_number(value, lang, decimals, grouping=False)


def number_box(
    label: str,
    *,
    key: str,
    default: float | None = None,
    low: float | None = None,
    high: float | None = None,
    decimals: int | None = None,
    container=st,
    **options,
) -> float | None:
    """A box for a typed number, in either decimal mark; a clear message when it is not one.

    Args:
        label: translated label.
        key: widget key (its state is the text as typed).
        default: the number the box starts with (``None``: empty).
        low, high: the accepted range, both or neither (a number outside it gets a message
            and counts as none).
        decimals: digits shown when the box is rewritten (``None``: as many as needed).
        container: where to draw it (``st`` or a column).
        **options: more ``st.text_input`` arguments (``help``, ``placeholder``, ...).

    Returns:
        The number typed, or ``None`` while the box is empty, not a number, or out of range.
    """
    lang = current_language()
    if key not in st.session_state:
        start = "" if default is None else locales.format_number(default, lang, decimals)
        st.session_state[key] = start.replace("\u2212", "-")
    text = container.text_input(
        label, key=key, on_change=_rewrite, args=(key, decimals, lang), **options
    )
    try:
        value = locales.parse_number(text, lang)
    except locales.NumberParseError as error:
        container.error(error.message(lang), icon=":material/error:")
        return None
    if value is None:
        return None
    if low is not None and high is not None and not low <= value <= high:
        shown = functools.partial(locales.format_number, lang=lang)
        container.error(
            locales.t("number.out_of_range", lang, low=shown(low), high=shown(high)),
            icon=":material/error:",
        )
        return None
    return value
