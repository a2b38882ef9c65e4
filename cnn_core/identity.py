"""The visitor's private id, and one-time resume codes that carry it to another device.

A visitor id is a random 32-character token made on the server; the app keeps it in a cookie
(never in the URL), and the run store files each run under it. It is the visitor's only key to
their runs, so it is never shown.

To see the same runs on another device, the visitor asks for a **resume code** on purpose:
12 characters from Crockford's base-32 alphabet (60 random bits, no look-alike letters), shown as
``XXXX-XXXX-XXXX``. The store keeps only the code's SHA-256, next to the visitor id it opens and an
expiry time, in a small SQLite file in the runs folder. A code works **once** and for
**10 minutes** (then it is deleted): short enough that a code seen over a shoulder or left in a
chat log is soon worthless, long enough to type it on a phone. Guessing is hopeless: 2^60 codes
against a handful of live ones, each try a page rerun. The raw id never leaves the server.

No Streamlit and no TensorFlow here.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
import sqlite3
import time
from pathlib import Path

__all__ = [
    "CODE_SECONDS",
    "ResumeCodes",
    "new_visitor_id",
    "normalize_code",
    "resume_codes",
    "valid_visitor_id",
]

_VISITOR_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# Crockford's base 32: no I, L, O or U, so nothing reads as another symbol.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_LENGTH = 12
CODE_SECONDS = 10 * 60
DB_NAME = ".identity.sqlite3"


def new_visitor_id() -> str:
    """Returns a fresh, unguessable visitor id (32 URL-safe characters, about 190 random bits).

    Never starting with ``-``, so it can be typed as a command-line argument.
    """
    while True:
        vid = secrets.token_urlsafe(24)
        if not vid.startswith("-"):
            return vid


def valid_visitor_id(value) -> bool:
    """True for a string shaped like a visitor id (16-64 of ``A-Z a-z 0-9 _ -``)."""
    return isinstance(value, str) and bool(_VISITOR_ID.match(value))


def normalize_code(text) -> str | None:
    """Reads a typed resume code the forgiving way; ``None`` when it cannot be one.

    Case, spaces and dashes do not matter, and the look-alikes ``O``/``I``/``L`` read as
    ``0``/``1``/``1``.

    Args:
        text: what the visitor typed.

    Returns:
        The 12 canonical characters, or ``None``.
    """
    if not isinstance(text, str) or len(text) > 64:
        return None
    code = re.sub(r"[\s-]", "", text).upper().translate(str.maketrans("OIL", "011"))
    if len(code) != _CODE_LENGTH or any(ch not in _ALPHABET for ch in code):
        return None
    return code


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


class ResumeCodes:
    """One-time resume codes, stored as hashes in a SQLite file.

    Args:
        path: the SQLite file (created on first use).
        seconds: how long a code works.
    """

    def __init__(self, path: Path, *, seconds: float = CODE_SECONDS):
        self.path = Path(path)
        self.seconds = seconds

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        db.execute(
            "CREATE TABLE IF NOT EXISTS resume_codes ("
            " digest TEXT PRIMARY KEY, visitor TEXT NOT NULL, expires REAL NOT NULL)"
        )
        return db

    def issue(self, visitor_id: str, *, now: float | None = None) -> tuple[str, float]:
        """Makes a new code for ``visitor_id`` (the visitor's earlier codes stop working).

        Args:
            visitor_id: the id the code will open.
            now: the current time (``time.time()``), for tests.

        Returns:
            ``(code, expires)``: the code as ``XXXX-XXXX-XXXX`` and its expiry (epoch seconds).

        Raises:
            ValueError: if ``visitor_id`` is not a visitor id.
        """
        if not valid_visitor_id(visitor_id):
            raise ValueError("not a visitor id")
        now = time.time() if now is None else now
        code = "".join(secrets.choice(_ALPHABET) for _ in range(_CODE_LENGTH))
        expires = now + self.seconds
        with contextlib.closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                "DELETE FROM resume_codes WHERE visitor = ? OR expires <= ?", (visitor_id, now)
            )
            db.execute(
                "INSERT INTO resume_codes (digest, visitor, expires) VALUES (?, ?, ?)",
                (_digest(code), visitor_id, expires),
            )
            db.execute("COMMIT")
        return f"{code[:4]}-{code[4:8]}-{code[8:]}", expires

    def redeem(self, typed: str, *, now: float | None = None) -> str | None:
        """Uses up a code: returns the visitor id it opens, or ``None`` (wrong, used, expired).

        Args:
            typed: the code as the visitor typed it (see :func:`normalize_code`).
            now: the current time (``time.time()``), for tests.

        Returns:
            The visitor id, or ``None``.
        """
        code = normalize_code(typed)
        if code is None:
            return None
        now = time.time() if now is None else now
        with contextlib.closing(self._connect()) as db:
            # One transaction: two devices typing the same code at once get it once between them.
            db.execute("BEGIN IMMEDIATE")
            row = db.execute(
                "SELECT visitor, expires FROM resume_codes WHERE digest = ?", (_digest(code),)
            ).fetchone()
            db.execute(
                "DELETE FROM resume_codes WHERE digest = ? OR expires <= ?", (_digest(code), now)
            )
            db.execute("COMMIT")
        if row is None or row[1] <= now:
            return None
        return row[0]


def resume_codes(runs_dir=None) -> ResumeCodes:
    """The resume codes of the runs folder ``runs_dir`` (see :func:`cnn_core.runs.runs_root`)."""
    from cnn_core.runs import runs_root

    return ResumeCodes(runs_root(runs_dir) / DB_NAME)


def main(argv=None) -> int:
    """``python -m cnn_core.identity new | code OWNER [--runs-dir DIR]``.

    ``new`` prints a fresh visitor id (use it as the CLI's ``--owner``); ``code`` prints a
    one-time resume code that opens ``OWNER``'s runs in the app (typed in the sidebar's
    "Your runs on another device").
    """
    import argparse

    parser = argparse.ArgumentParser(prog="python -m cnn_core.identity", description=main.__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("new", help="print a fresh visitor id")
    code = sub.add_parser("code", help="print a one-time resume code for OWNER")
    code.add_argument("owner")
    code.add_argument("--runs-dir", default=None)
    args = parser.parse_args(argv)
    if args.command == "new":
        print(new_visitor_id())
        return 0
    if not valid_visitor_id(args.owner):
        parser.error("OWNER must be a visitor id (16-64 of A-Z a-z 0-9 _ -): see `new`")
    text, _ = resume_codes(args.runs_dir).issue(args.owner)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
