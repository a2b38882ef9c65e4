"""Bilingual string catalog (pt-BR and en) for everything CNN Studio shows.

Each module in this package defines ``STRINGS = {key: {"pt": ..., "en": ...}}`` for one area of the
app. They are merged once; a key defined twice is an error, so two areas cannot silently overwrite
each other's text.
"""

from __future__ import annotations

import importlib
import pkgutil
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


def t(key: str, lang: str, /, **kwargs) -> str:
    """Looks up ``key`` in ``lang`` and fills ``{placeholders}`` from ``kwargs``.

    Args:
        key: catalog key, e.g. ``"home.title"``.
        lang: ``"pt"`` or ``"en"`` (anything else falls back to the default language).
        **kwargs: values for the placeholders in the text.

    Returns:
        The translated text.

    Raises:
        MissingStringError: if the key is not in the catalog.
    """
    entry = catalog().get(key)
    if entry is None:
        raise MissingStringError(key)
    text = entry.get(normalize_language(lang) or DEFAULT_LANGUAGE) or entry[DEFAULT_LANGUAGE]
    return text.format(**kwargs) if kwargs else text


def placeholders(text: str) -> set[str]:
    """Returns the placeholder names used in a catalog text (for consistency checks)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}
