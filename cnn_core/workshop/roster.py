"""The class roster: students known by a nickname they pick (no real name needed).

A nickname is trimmed, 1-24 characters, unique within a lesson regardless of case; any text is
allowed (emoji too) except control characters, and it is always shown escaped, never as Markdown
or HTML. A student's private visitor id is stored beside it only to find them again after a
reload; it is never shown.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass

from cnn_core.workshop.errors import WorkshopError

NICKNAME_MAX = 24


@dataclass(frozen=True)
class Student:
    """One student in one lesson.

    Attributes:
        student_id: a random id (what run tags carry).
        lesson: the lesson code.
        nickname: as the student typed it (trimmed).
        owner: the student's private visitor id (never shown, never put in a link).
        step: the index of the step the student is on (0-based).
        joined_at, seen_at: Unix times.
    """

    student_id: str
    lesson: str
    nickname: str
    owner: str
    step: int = 0
    joined_at: float = 0.0
    seen_at: float = 0.0


def clean_nickname(text) -> str:
    """Checks a nickname and returns it trimmed (NFC-normalised).

    Args:
        text: what the student typed.

    Returns:
        The nickname to store.

    Raises:
        WorkshopError: ``nickname_empty``, ``nickname_too_long`` (``max``) or
            ``nickname_bad_chars`` (control characters such as line breaks).
    """
    nickname = unicodedata.normalize("NFC", str(text or "")).strip()
    if not nickname:
        raise WorkshopError("nickname_empty")
    if len(nickname) > NICKNAME_MAX:
        raise WorkshopError("nickname_too_long", max=NICKNAME_MAX)
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in nickname):
        raise WorkshopError("nickname_bad_chars")
    return nickname


def nickname_key(nickname: str) -> str:
    """The form two nicknames are compared in: ``"Ana"``, ``"ANA"`` and ``"ana"`` are one name."""
    return unicodedata.normalize("NFKC", nickname).casefold()


def new_student_id() -> str:
    """Returns a fresh random student id (12 hex characters)."""
    return secrets.token_hex(6)
