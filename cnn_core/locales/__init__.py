"""Bilingual string catalog (pt-BR and en) for everything CNN Studio shows.

Each module in this package defines ``STRINGS = {key: {"pt": ..., "en": ...}}`` for one area of the
app. They are merged once; a key defined twice is an error, so two areas cannot silently overwrite
each other's text. Numbers are written per language here too (:func:`format_number`,
:func:`format_percent`), so every page uses the same separators.
"""

from __future__ import annotations

import contextvars
import importlib
import math
import numbers
import pkgutil
import re
import string
from functools import cache

LANGUAGES = ("pt", "en")
DEFAULT_LANGUAGE = "pt"
LANGUAGE_NAMES = {"pt": "Português (Brasil)", "en": "English"}


class MissingStringError(KeyError):
    """Raised when a key is not in the catalog."""


@cache
def catalog() -> dict[str, dict[str, str]]:
    """Returns the merged catalog of every locale module in this package.

    Returns:
        A dict mapping each key to ``{"pt": text, "en": text}``.

    Raises:
        ValueError: if two modules define the same key.
    """
    merged: dict[str, dict[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, entry in getattr(module, "STRINGS", {}).items():
            if key in merged:
                raise ValueError(f"String key {key!r} is defined twice (again in {info.name}).")
            merged[key] = entry
    return merged


def normalize_language(value: str | None) -> str | None:
    """Maps a locale such as ``"pt-BR"``, ``"en_US"`` or ``"EN"`` to ``"pt"``/``"en"``.

    Returns:
        ``"pt"`` or ``"en"``, or ``None`` when the value names neither.
    """
    if not value:
        return None
    head = str(value).strip().lower().replace("_", "-").split("-")[0]
    return head if head in LANGUAGES else None


# --- Visitor text inside Markdown ---------------------------------------------------------------
# Streamlit renders most text as Markdown (GitHub-flavoured, plus its own ``:red[...]``,
# ``:material/icon:`` and ``$LaTeX$``). Values filled into catalog texts can come from visitors (a
# design's name, an argument name from a shared link, a file name), so while a page is drawing
# they are escaped: the catalog's own Markdown stays, theirs shows as typed.

_MARKDOWN_ARGS: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "cnn_studio_markdown_args", default=False
)
# An escape already in place (backslash + ASCII punctuation) is kept, so escaping is idempotent;
# otherwise the characters that make links, images, HTML, code, emphasis, tables, LaTeX,
# Streamlit directives (":red[...]" needs its "[") and autolinks ("https://", "www.", e-mail);
# "_" only at a word's edge (inside a word, as in conv2d_1, Markdown leaves it alone).
_SPECIAL = re.compile(
    r"\\[!-/:-@\[-`{-~]|[`*\[\]<>|~$@]|:(?=//)|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])"
)
_WWW = re.compile(r"(?i)\b(www)\.")


def escape_markdown(text: str) -> str:
    """Escapes ``text`` so that Markdown (and Streamlit's extensions) show it as typed.

    Idempotent: escaping twice gives the same text as escaping once. Line breaks become spaces
    (a value is one line inside a sentence).

    Args:
        text: visitor-supplied text, e.g. ``"[Sign in](https://example.invalid)"``.

    Returns:
        The text with backslash escapes, e.g. ``"\\[Sign in\\](https\\://example.invalid)"``.
    """
    text = str(text).replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    text = _SPECIAL.sub(lambda m: m[0] if len(m[0]) == 2 else "\\" + m[0], text)
    # Block syntax (a leading "#", "-", "1.") is left alone: values sit inside sentences, and
    # escaping "-1x-1" would show a backslash in tables, which do not read Markdown.
    return _WWW.sub(r"\1\\.", text)


class Markdown(str):
    """Markdown the app builds itself from its own values (never visitor text).

    :func:`t` fills it in as is, where a plain ``str`` argument would be escaped: e.g. the names
    of a preset's layers set in code spans.
    """


def escape_markdown_args(on: bool = True) -> None:
    """Turns escaping of :func:`t`'s string arguments on (or off) for the current context.

    The app turns it on at the top of every page run (one Streamlit script thread); the library,
    the command line and training threads keep plain text.
    """
    _MARKDOWN_ARGS.set(bool(on))


def escaping_markdown_args() -> bool:
    """Whether :func:`t` escapes string arguments in the current context."""
    return _MARKDOWN_ARGS.get()


def t(key: str, lang: str, /, **kwargs) -> str:
    """Looks up ``key`` in ``lang`` and fills ``{placeholders}`` from ``kwargs``.

    Args:
        key: catalog key, e.g. ``"home.title"``.
        lang: ``"pt"`` or ``"en"`` (anything else falls back to the default language).
        **kwargs: values for the placeholders in the text. While a page draws
            (:func:`escape_markdown_args`), string values are escaped for Markdown.

    Returns:
        The translated text.

    Raises:
        MissingStringError: if the key is not in the catalog.
    """
    entry = catalog().get(key)
    if entry is None:
        raise MissingStringError(key)
    text = entry.get(normalize_language(lang) or DEFAULT_LANGUAGE) or entry[DEFAULT_LANGUAGE]
    if kwargs and _MARKDOWN_ARGS.get():
        kwargs = {
            k: escape_markdown(v) if isinstance(v, str) and not isinstance(v, Markdown) else v
            for k, v in kwargs.items()
        }
    return text.format(**kwargs) if kwargs else text


def placeholders(text: str) -> set[str]:
    """Returns the placeholder names used in a catalog text (for consistency checks)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# Portuguese swaps the English marks: 229.834 people, 0,547 of them.
_PT_MARKS = str.maketrans(",.", ".,")


def _is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return not math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def format_duration(seconds, lang: str, *, rough: bool = False) -> str:
    """Writes a duration for people: the ONE duration formatter of the app.

    Args:
        seconds: a number of seconds; ``None``, NaN or infinity is "not known yet".
        lang: ``"pt"`` or ``"en"``.
        rough: for estimates: whole minutes past 90 s and hours with one decimal past 90 min
            (``12 min``, ``3,5 h``); otherwise clock-like (``2 min 05 s``, ``1 h 05 min``).

    Returns:
        E.g. ``"45 s"``, ``"2 min 05 s"``, ``"1 h 05 min"``, or ``"calculando…"`` when unknown.
    """
    try:
        seconds = float(seconds)
    except (TypeError, ValueError):
        seconds = math.nan
    if not math.isfinite(seconds):
        return t("duration.unknown", lang)
    seconds = max(0.0, seconds)
    if rough:
        if seconds < 90:
            return t("duration.s", lang, n=format_number(round(seconds), lang))
        if seconds < 90 * 60:
            return t("duration.min", lang, n=format_number(round(seconds / 60), lang))
        if seconds < 48 * 3600:
            return t("duration.h", lang, n=format_number(seconds / 3600, lang, 1, trim=True))
        return t("duration.days", lang, n=format_number(seconds / 86400, lang, 0))
    whole = round(seconds)
    if whole < 60:
        return t("duration.s", lang, n=whole)
    if whole < 3600:
        return t("duration.min_s", lang, m=whole // 60, s=f"{whole % 60:02d}")
    return t("duration.h_min", lang, h=whole // 3600, m=f"{whole // 60 % 60:02d}")


def format_number(
    value,
    lang: str,
    decimals: int | None = None,
    *,
    grouping: bool = True,
    trim: bool = False,
    missing: str | None = None,
) -> str:
    """Writes a number the way readers of ``lang`` expect.

    English uses a comma between thousands and a point before decimals (``229,834``, ``0.547``);
    Brazilian Portuguese the other way round (``229.834``, ``0,547``). A value that rounds to
    zero is written without a minus sign.

    Args:
        value: an int or float (NumPy scalars too).
        lang: ``"pt"`` or ``"en"`` (``"pt-BR"`` and the like too; anything else falls back to
            the default language, as :func:`t` does).
        decimals: digits after the decimal mark. ``None`` writes the number as it needs: whole
            numbers in full, others to six significant digits (``0.01``, ``1e-05``).
        grouping: whether to separate thousands.
        trim: drop trailing zeros after the decimal mark (``0.500`` -> ``0.5``, ``2.000`` ->
            ``2``).
        missing: text for ``None``, NaN and infinity. When not given, those are not special
            (``None`` raises ``TypeError``).

    Returns:
        The number as text.

    Raises:
        TypeError: if ``value`` is not a number (and ``missing`` does not cover it).
    """
    if missing is not None and _is_missing(value):
        return missing
    comma = "," if grouping else ""
    if decimals is not None:
        text = f"{float(value):{comma}.{decimals}f}"
        if trim and decimals > 0:
            text = text.rstrip("0").rstrip(".")
    elif isinstance(value, numbers.Integral) or float(value).is_integer():
        text = f"{int(value):{comma}d}"
    else:
        text = f"{float(value):{comma}g}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]
    if (normalize_language(lang) or DEFAULT_LANGUAGE) == "pt":
        text = text.translate(_PT_MARKS)
    return text


def format_percent(
    fraction, lang: str, decimals: int = 1, *, missing: str | None = None, **options
) -> str:
    """Writes a fraction as a percentage: ``0.873`` -> ``87.3%`` (en), ``87,3%`` (pt).

    Args:
        fraction: the share, 0..1 (values outside are written as they are: ``1.5`` -> ``150%``).
        lang: ``"pt"`` or ``"en"``.
        decimals: digits after the decimal mark.
        missing: text for ``None``, NaN and infinity (see :func:`format_number`).
        **options: more options of :func:`format_number` (``grouping``, ``trim``).

    Returns:
        The percentage as text, with a ``%`` sign and no space (as both languages write it here).

    Raises:
        TypeError: if ``fraction`` is not a number (and ``missing`` does not cover it).
    """
    if missing is not None and _is_missing(fraction):
        return missing
    return format_number(100 * float(fraction), lang, decimals, **options) + "%"


class NumberParseError(ValueError):
    """Raised by :func:`parse_number` for text that is not a number.

    Attributes:
        text: the text as typed.
    """

    def __init__(self, text: str):
        super().__init__(f"Not a number: {text!r}")
        self.text = text

    def message(self, lang: str) -> str:
        """What went wrong, in ``lang``, with an example of a number written that way."""
        return t("number.bad", lang, example=format_number(1234.5, lang, 1))


_GROUPED = re.compile(r"[1-9]\d{0,2}(?:X\d{3})+")
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009\t")


def _grouped(digits: str, mark: str) -> bool:
    """Whether ``digits`` is written with ``mark`` between thousands (``1.234.567``)."""
    return bool(_GROUPED.fullmatch(digits.replace(mark, "X")))


def parse_number(text: str | None, lang: str) -> float | None:
    """Reads a number typed by a person who writes numbers the ``lang`` way.

    The reverse of :func:`format_number`: ``"0,80"`` and ``"1.234,5"`` in Portuguese, ``"0.80"``
    and ``"1,234.5"`` in English. Learners often type the other language's decimal mark, so an
    input that cannot be a thousands grouping is read as a decimal: ``"0.80"`` (pt) is 0.8, not
    80. When both marks appear, the last one is the decimal mark. A lone mark followed by three
    digits (``"1.234"`` in pt, ``"1,234"`` in en) follows the language: a grouping. Spaces (also
    as thousands separators), a leading ``+`` and the minus sign ``−`` are accepted, and so is
    scientific notation with a point (``1e-3``).

    Args:
        text: what was typed.
        lang: ``"pt"`` or ``"en"`` (others fall back to the default language).

    Returns:
        The number, or ``None`` for empty text.

    Raises:
        NumberParseError: if the text is not a number.
    """
    if text is None:
        return None
    raw = str(text)
    body = raw.translate(_SPACES).replace("\u2212", "-")
    if not body:
        return None
    sign = ""
    if body[0] in "+-":
        sign, body = ("-" if body[0] == "-" else ""), body[1:]
    decimal = "," if (normalize_language(lang) or DEFAULT_LANGUAGE) == "pt" else "."
    group = "." if decimal == "," else ","
    if re.fullmatch(r"(\d+\.?\d*|\.\d+)[eE][+-]?\d+", body):
        return float(sign + body)
    if not re.fullmatch(r"[\d.,]*\d[\d.,]*", body):
        raise NumberParseError(raw)
    if "." in body and "," in body:
        # Both marks: the last one is the decimal mark, the other must group thousands.
        decimal = "," if body.rfind(",") > body.rfind(".") else "."
        group = "." if decimal == "," else ","
        whole, _, fraction = body.rpartition(decimal)
        if decimal in whole or not fraction or (group in whole and not _grouped(whole, group)):
            raise NumberParseError(raw)
        return float(sign + whole.replace(group, "") + "." + fraction)
    for mark in (decimal, group):
        if mark not in body:
            continue
        if body.count(mark) > 1 or mark == group:
            if _grouped(body, mark):
                return float(sign + body.replace(mark, ""))
            if body.count(mark) > 1:
                raise NumberParseError(raw)
        # One mark that cannot group thousands: the decimal mark, whichever language it is.
        whole, _, fraction = body.partition(mark)
        return float(sign + (whole or "0") + "." + (fraction or "0"))
    return float(sign + body)
