"""A lesson: the guided path an instructor prepares for a class, as plain data (no TensorFlow).

A lesson lists the pages to visit in order (a short note per step), fixes the language or leaves
it free, brings a starting design (network + training settings), says which Build and Train
controls are locked or hidden, caps the time of each run and may carry a challenge. Lessons are
reached by a short code (the student link) and managed with a long secret key (the instructor
link), of which only a hash is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import time
import unicodedata
from dataclasses import dataclass, field, replace

from cnn_core import design as designs
from cnn_core.locales import LANGUAGES
from cnn_core.spec import ModelSpec, summarize
from cnn_core.workshop.challenge import Challenge
from cnn_core.workshop.errors import WorkshopError

#: Pages a lesson can visit (page ids, as in ``nav.<id>``), in the app's own order.
STEP_PAGES = (
    "inputs",
    "convolution",
    "activation",
    "pooling",
    "fully_connected",
    "data",
    "build",
    "train",
    "evaluate",
    "classify",
)
#: Groups of controls an instructor can lock (shown, not editable) or hide.
CONTROLS = (
    "build.presets",
    "build.layers",
    "build.settings",
    "train.quick_demo",
    "train.history",
)
CONTROL_STATES = ("free", "locked", "hidden")
MAX_STEPS = 12
MAX_TITLE = 80
MAX_NOTE = 600
# Lesson codes: read aloud and typed from a projector, so no 0/O, 1/I/L, 5/S or 2/Z look-alikes.
CODE_ALPHABET = "ABCDEFGHJKMNPQRTUVWXY346789"
CODE_LENGTH = 7
KEY_BYTES = 24  # the instructor key: 32 URL-safe characters, 192 random bits
DEFAULT_DAYS = 7
MAX_DAYS = 90
BUDGET_MIN_S, BUDGET_MAX_S = designs.BUDGET_MIN_S, designs.BUDGET_MAX_S


@dataclass(frozen=True)
class Step:
    """One stop on the lesson's path.

    Attributes:
        page: a page id from :data:`STEP_PAGES`.
        note: the instructor's note shown on that page (plain text, escaped when shown).
    """

    page: str
    note: str = ""


@dataclass(frozen=True)
class Lesson:
    """Everything a lesson says; :func:`check_lesson` validates it.

    Attributes:
        title: shown to the students (plain text).
        steps: the path, in order.
        language: ``"pt"``/``"en"`` to fix the language, ``None`` to leave it free.
        design: the starting ``{"spec": ..., "settings": ...}`` (see :mod:`cnn_core.design`).
        controls: control group -> ``"free"``, ``"locked"`` or ``"hidden"`` (missing: free).
        time_budget_s: seconds each run may train (``None``: the design's own settings).
        challenge: the contest, or ``None``.
        expires_at: Unix time after which the student link stops working.
        code: the short lesson code (set when stored).
        created_at: Unix time it was stored.
        frozen_at: Unix time the leaderboard was frozen, or ``None``.
    """

    title: str
    steps: tuple[Step, ...]
    design: dict
    language: str | None = None
    controls: dict = field(default_factory=dict)
    time_budget_s: float | None = None
    challenge: Challenge | None = None
    expires_at: float | None = None
    code: str = ""
    created_at: float = 0.0
    frozen_at: float | None = None

    def control(self, name: str) -> str:
        """Returns ``"free"``, ``"locked"`` or ``"hidden"`` for a control group."""
        state = self.controls.get(name, "free")
        return state if state in CONTROL_STATES else "free"

    def expired(self, now: float | None = None) -> bool:
        """True once the expiry time has passed."""
        return self.expires_at is not None and (now or time.time()) >= self.expires_at

    def run_settings(self, settings: dict) -> dict:
        """Returns ``settings`` with the lesson's time budget (what a student's run uses)."""
        out = dict(settings)
        if self.time_budget_s is not None:
            out["time_budget_s"] = float(self.time_budget_s)
        return out

    def to_dict(self) -> dict:
        """Returns the lesson as JSON-ready values (the code and times are stored apart)."""
        return {
            "title": self.title,
            "steps": [{"page": s.page, "note": s.note} for s in self.steps],
            "design": self.design,
            "language": self.language,
            "controls": dict(self.controls),
            "time_budget_s": self.time_budget_s,
            "challenge": None if self.challenge is None else self.challenge.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict, **extra) -> Lesson:
        """Rebuilds a lesson from :meth:`to_dict` output (plus ``code``, times as keywords).

        Raises:
            WorkshopError: ``bad_lesson`` when the data is not a lesson.
        """
        try:
            challenge = data.get("challenge")
            return cls(
                title=str(data["title"]),
                steps=tuple(Step(str(s["page"]), str(s.get("note", ""))) for s in data["steps"]),
                design=dict(data["design"]),
                language=data.get("language"),
                controls=dict(data.get("controls") or {}),
                time_budget_s=data.get("time_budget_s"),
                challenge=None if challenge is None else Challenge.from_dict(challenge),
                **extra,
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise WorkshopError("bad_lesson") from error


def clean_text(text, limit: int) -> str:
    """Trims, normalises (NFC) and drops control characters except newlines; caps the length."""
    text = unicodedata.normalize("NFC", str(text or "")).strip()
    text = "".join(c for c in text if c == "\n" or unicodedata.category(c) != "Cc")
    return text[:limit]


def check_lesson(lesson: Lesson, now: float | None = None) -> Lesson:
    """Checks a lesson before it is stored and returns a clean copy.

    Args:
        lesson: the lesson as the instructor filled it in.
        now: the current Unix time (for the expiry check; default: the clock).

    Returns:
        The lesson with trimmed texts and a checked design.

    Raises:
        WorkshopError: ``title_empty``, ``no_steps``, ``too_many_steps``, ``bad_page``,
            ``bad_language``, ``bad_control``, ``bad_budget``, ``bad_expiry`` or
            ``design_invalid`` (with the design's own reasons as ``detail``).
    """
    now = time.time() if now is None else now
    title = clean_text(lesson.title, MAX_TITLE)
    if not title:
        raise WorkshopError("title_empty")
    if not lesson.steps:
        raise WorkshopError("no_steps")
    if len(lesson.steps) > MAX_STEPS:
        raise WorkshopError("too_many_steps", max=MAX_STEPS)
    steps = []
    for step in lesson.steps:
        if step.page not in STEP_PAGES:
            raise WorkshopError("bad_page", page=str(step.page)[:40])
        steps.append(Step(step.page, clean_text(step.note, MAX_NOTE)))
    if lesson.language is not None and lesson.language not in LANGUAGES:
        raise WorkshopError("bad_language")
    for name, state in lesson.controls.items():
        if name not in CONTROLS or state not in CONTROL_STATES:
            raise WorkshopError("bad_control", name=str(name)[:40])
    budget = lesson.time_budget_s
    if budget is not None and not (
        isinstance(budget, int | float)
        and not isinstance(budget, bool)
        and math.isfinite(budget)
        and BUDGET_MIN_S <= budget <= BUDGET_MAX_S
    ):
        raise WorkshopError("bad_budget", low=BUDGET_MIN_S, high=BUDGET_MAX_S)
    if lesson.expires_at is not None and not (now < lesson.expires_at <= now + MAX_DAYS * 86400):
        raise WorkshopError("bad_expiry", days=MAX_DAYS)
    try:
        design = designs.check_design(lesson.design)
    except designs.DesignError as error:
        raise WorkshopError("design_invalid", detail=error) from error
    # A readable network can still be one that cannot train (a kernel larger than its input):
    # every student would start from a dead end, so the instructor hears it now.
    errors = summarize(ModelSpec.from_dict(design["spec"])).errors
    if errors:
        detail = designs.DesignError(
            [designs.DesignProblem("spec", spec_problem=p) for p in errors]
        )
        raise WorkshopError("design_invalid", detail=detail)
    if lesson.challenge is not None:
        lesson.challenge.check()
    return replace(lesson, title=title, steps=tuple(steps), design=design)


def new_code() -> str:
    """Returns a fresh lesson code: 7 characters from :data:`CODE_ALPHABET` (~33 bits)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text) -> str | None:
    """Reads a code as typed or linked (any case, spaces, dashes); ``None`` if malformed."""
    code = "".join(str(text or "").upper().split()).replace("-", "")
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def new_key() -> str:
    """Returns a fresh instructor key (32 URL-safe characters); only its hash is ever stored."""
    return secrets.token_urlsafe(KEY_BYTES)


def hash_key(key: str) -> str:
    """Returns the SHA-256 of an instructor key, hex (the key itself is long and random, so a
    plain hash is enough; no password stretching needed)."""
    return hashlib.sha256(str(key).encode("utf-8")).hexdigest()


def key_matches(key, stored_hash: str) -> bool:
    """Compares a key against a stored hash in constant time."""
    if not isinstance(key, str) or not key or len(key) > 200:
        return False
    return hmac.compare_digest(hash_key(key), stored_hash)
