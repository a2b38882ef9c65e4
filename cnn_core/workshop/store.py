"""Where lessons, students and their runs live: one small interface and its SQLite version.

Everything the class board shows is kept here, never in a browser session, so it survives a
restart and is shared by every session of the server. :class:`ClassStore` is the interface the
app uses; :class:`SQLiteClassStore` implements it with the standard library's ``sqlite3`` in WAL
mode (readers never block the writer), one short transaction per call and a busy timeout, so 30
students writing at once are safe. A server database can replace it for several app replicas by
implementing the same protocol.

The file is ``$CNN_STUDIO_CLASS_DB``, else ``class.sqlite3`` inside the runs folder
(``$CNN_STUDIO_RUNS``, default ``runs/``).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Protocol

from cnn_core.runs import runs_root
from cnn_core.workshop.challenge import Violation
from cnn_core.workshop.errors import WorkshopError
from cnn_core.workshop.leaderboard import RunRecord
from cnn_core.workshop.lesson import (
    DEFAULT_DAYS,
    Lesson,
    check_lesson,
    hash_key,
    key_matches,
    new_code,
    new_key,
    normalize_code,
)
from cnn_core.workshop.roster import Student, clean_nickname, new_student_id, nickname_key

DB_ENV = "CNN_STUDIO_CLASS_DB"
BUSY_TIMEOUT_S = 10.0
_SCHEMA = """
CREATE TABLE IF NOT EXISTS lessons (
    code TEXT PRIMARY KEY,
    key_hash TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL,
    frozen_at REAL
);
CREATE TABLE IF NOT EXISTS students (
    student_id TEXT PRIMARY KEY,
    lesson TEXT NOT NULL REFERENCES lessons(code) ON DELETE CASCADE,
    nickname TEXT NOT NULL,
    nick_key TEXT NOT NULL,
    owner TEXT NOT NULL,
    step INTEGER NOT NULL DEFAULT 0,
    joined_at REAL NOT NULL,
    seen_at REAL NOT NULL,
    UNIQUE (lesson, nick_key),
    UNIQUE (lesson, owner)
);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    lesson TEXT NOT NULL REFERENCES lessons(code) ON DELETE CASCADE,
    student_id TEXT NOT NULL REFERENCES students(student_id) ON DELETE CASCADE,
    owner TEXT NOT NULL,
    started_at REAL NOT NULL,
    weights INTEGER,
    violations TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL,
    test_accuracy REAL,
    train_seconds REAL NOT NULL DEFAULT 0,
    finished_at REAL
);
CREATE INDEX IF NOT EXISTS runs_by_lesson ON runs (lesson);
CREATE INDEX IF NOT EXISTS students_by_owner ON students (owner);
"""


class ClassStore(Protocol):
    """What the workshop pages need from storage (SQLite here; a server database elsewhere)."""

    def create_lesson(self, lesson: Lesson, *, now: float | None = None) -> tuple[Lesson, str]:
        """Checks and stores a lesson; returns it (with its code) and the instructor key."""

    def get_lesson(self, code: str, *, now: float | None = None) -> Lesson:
        """The lesson behind a student link; ``unknown_lesson`` / ``lesson_expired`` otherwise."""

    def open_board(self, code: str, key: str) -> Lesson:
        """The lesson, if ``key`` is its instructor key; ``wrong_key`` otherwise."""

    def set_frozen(self, code: str, frozen: bool, *, now: float | None = None) -> Lesson:
        """Freezes (or unfreezes) the lesson's leaderboard."""

    def join(self, code: str, nickname: str, owner: str, *, now: float | None = None) -> Student:
        """Adds a student (or renames this owner's student); ``nickname_*`` errors."""

    def find_student(self, code: str, owner: str) -> Student | None:
        """This visitor's student in this lesson, if they joined."""

    def set_step(self, student_id: str, step: int, *, now: float | None = None) -> None:
        """Records the step a student is on."""

    def roster(self, code: str) -> list[Student]:
        """The lesson's students, in joining order."""

    def add_run(self, record: RunRecord) -> None:
        """Records a run a student started."""

    def update_run(self, run_id: str, **changes) -> None:
        """Updates ``status``, ``test_accuracy``, ``train_seconds``, ``finished_at``."""

    def runs(self, code: str) -> list[RunRecord]:
        """Every run of the lesson, oldest first."""


def class_db_path() -> Path:
    """Returns the class database file: ``$CNN_STUDIO_CLASS_DB``, else in the runs folder."""
    named = os.environ.get(DB_ENV)
    return Path(named) if named else runs_root() / "class.sqlite3"


_STORES: dict[str, SQLiteClassStore] = {}
_STORES_LOCK = threading.Lock()


def get_store(path: str | os.PathLike | None = None) -> SQLiteClassStore:
    """Returns the (process-wide) store for ``path`` (default :func:`class_db_path`)."""
    target = str(Path(path) if path else class_db_path())
    with _STORES_LOCK:
        if target not in _STORES:
            _STORES[target] = SQLiteClassStore(target)
        return _STORES[target]


class SQLiteClassStore:
    """:class:`ClassStore` on one SQLite file (WAL, one transaction per call, busy timeout).

    Args:
        path: the database file (its folder is created).
        busy_timeout_s: how long a writer waits for another writer before giving up.
    """

    def __init__(self, path: str | os.PathLike, busy_timeout_s: float = BUSY_TIMEOUT_S):
        self.path = Path(path)
        self.busy_timeout_s = busy_timeout_s
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            # WAL is a property of the file: set once, every later connection uses it.
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)

    # -- connections ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def _connect(self):
        # A connection per call: sqlite3 connections must not be shared between threads, and
        # Streamlit runs every session in its own thread. Opening one costs well under 1 ms.
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout_s, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout={int(self.busy_timeout_s * 1000)}")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")
            yield conn
        finally:
            conn.close()

    @contextlib.contextmanager
    def _write(self):
        # BEGIN IMMEDIATE takes the write lock up front, so a read-then-write cannot be
        # overtaken by another writer between the two (no lost updates, no upgrade deadlock).
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # -- lessons -------------------------------------------------------------------------------
    def create_lesson(self, lesson: Lesson, *, now: float | None = None) -> tuple[Lesson, str]:
        """Checks and stores a lesson.

        Args:
            lesson: the lesson (its ``code`` and times are set here); with no expiry, it
                expires :data:`DEFAULT_DAYS` days from now.
            now: the current Unix time (default: the clock).

        Returns:
            ``(stored lesson with its code, instructor key)``. The key is not stored, only
            its hash: show it once.

        Raises:
            WorkshopError: anything :func:`check_lesson` refuses.
        """
        now = time.time() if now is None else now
        clean = check_lesson(lesson, now=now)
        expires = clean.expires_at or now + DEFAULT_DAYS * 86400
        key = new_key()
        data = json.dumps(clean.to_dict())
        for _ in range(20):  # a collision among 27**7 codes is rare; try another
            code = new_code()
            try:
                with self._write() as conn:
                    conn.execute(
                        "INSERT INTO lessons (code, key_hash, data, created_at, expires_at)"
                        " VALUES (?, ?, ?, ?, ?)",
                        (code, hash_key(key), data, now, expires),
                    )
            except sqlite3.IntegrityError:
                continue
            return self.get_lesson(code, now=now), key
        raise RuntimeError("could not find a free lesson code")

    def _lesson_row(self, code):
        clean = normalize_code(code)
        if clean is None:
            raise WorkshopError("unknown_lesson")
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM lessons WHERE code = ?", (clean,)).fetchone()
        if row is None:
            raise WorkshopError("unknown_lesson")
        return row

    @staticmethod
    def _lesson(row) -> Lesson:
        return Lesson.from_dict(
            json.loads(row["data"]),
            code=row["code"],
            created_at=row["created_at"],
            expires_at=row["expires_at"],
            frozen_at=row["frozen_at"],
        )

    def get_lesson(self, code: str, *, now: float | None = None) -> Lesson:
        """Returns the lesson behind a code.

        Raises:
            WorkshopError: ``unknown_lesson`` (malformed or not stored) or ``lesson_expired``.
        """
        lesson = self._lesson(self._lesson_row(code))
        if lesson.expired(now):
            raise WorkshopError("lesson_expired")
        return lesson

    def open_board(self, code: str, key: str) -> Lesson:
        """Returns the lesson if ``key`` is its instructor key (expired lessons too).

        Raises:
            WorkshopError: ``wrong_key`` (an unknown code says the same, so codes leak nothing).
        """
        try:
            row = self._lesson_row(code)
        except WorkshopError:
            raise WorkshopError("wrong_key") from None
        if not key_matches(key, row["key_hash"]):
            raise WorkshopError("wrong_key")
        return self._lesson(row)

    def set_frozen(self, code: str, frozen: bool, *, now: float | None = None) -> Lesson:
        """Freezes the leaderboard at ``now`` (runs finishing later do not count) or unfreezes."""
        row = self._lesson_row(code)
        with self._write() as conn:
            conn.execute(
                "UPDATE lessons SET frozen_at = ? WHERE code = ?",
                ((time.time() if now is None else now) if frozen else None, row["code"]),
            )
        return self._lesson(self._lesson_row(code))

    # -- students ------------------------------------------------------------------------------
    @staticmethod
    def _student(row) -> Student:
        return Student(
            student_id=row["student_id"],
            lesson=row["lesson"],
            nickname=row["nickname"],
            owner=row["owner"],
            step=row["step"],
            joined_at=row["joined_at"],
            seen_at=row["seen_at"],
        )

    def join(self, code: str, nickname: str, owner: str, *, now: float | None = None) -> Student:
        """Adds this visitor to the lesson under ``nickname``; a second call renames them.

        Raises:
            WorkshopError: ``unknown_lesson``, ``lesson_expired``, ``nickname_empty``,
                ``nickname_too_long``, ``nickname_bad_chars`` or ``nickname_taken``.
        """
        now = time.time() if now is None else now
        lesson = self.get_lesson(code, now=now)
        name = clean_nickname(nickname)
        if not owner:
            raise WorkshopError("no_identity")
        try:
            with self._write() as conn:
                mine = conn.execute(
                    "SELECT student_id FROM students WHERE lesson = ? AND owner = ?",
                    (lesson.code, owner),
                ).fetchone()
                if mine is None:
                    student_id = new_student_id()
                    conn.execute(
                        "INSERT INTO students (student_id, lesson, nickname, nick_key, owner,"
                        " step, joined_at, seen_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
                        (student_id, lesson.code, name, nickname_key(name), owner, now, now),
                    )
                else:
                    student_id = mine["student_id"]
                    conn.execute(
                        "UPDATE students SET nickname = ?, nick_key = ?, seen_at = ?"
                        " WHERE student_id = ?",
                        (name, nickname_key(name), now, student_id),
                    )
        except sqlite3.IntegrityError:
            raise WorkshopError("nickname_taken") from None
        return self.find_student(lesson.code, owner)

    def find_student(self, code: str, owner: str) -> Student | None:
        """Returns this visitor's student in the lesson, or ``None``."""
        clean = normalize_code(code)
        if clean is None or not owner:
            return None
        with self._connect() as conn:
            row = conn.execute(
                "SELECT * FROM students WHERE lesson = ? AND owner = ?", (clean, owner)
            ).fetchone()
        return None if row is None else self._student(row)

    def set_step(self, student_id: str, step: int, *, now: float | None = None) -> None:
        """Records which step (0-based) a student is on."""
        with self._write() as conn:
            conn.execute(
                "UPDATE students SET step = ?, seen_at = ? WHERE student_id = ?",
                (int(step), time.time() if now is None else now, student_id),
            )

    def roster(self, code: str) -> list[Student]:
        """Returns the lesson's students in joining order."""
        clean = normalize_code(code)
        if clean is None:
            return []
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT * FROM students WHERE lesson = ? ORDER BY joined_at, rowid", (clean,)
            ).fetchall()
        return [self._student(r) for r in rows]

    # -- runs ----------------------------------------------------------------------------------
    def add_run(self, record: RunRecord) -> None:
        """Records a run a student started (its rules were checked by the caller)."""
        with self._write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO runs (run_id, lesson, student_id, owner, started_at,"
                " weights, violations, status, test_accuracy, train_seconds, finished_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.run_id,
                    record.lesson,
                    record.student_id,
                    record.owner,
                    record.started_at,
                    record.weights,
                    json.dumps([v.to_dict() for v in record.violations]),
                    record.status,
                    record.test_accuracy,
                    record.train_seconds,
                    record.finished_at,
                ),
            )

    _RUN_FIELDS = ("status", "test_accuracy", "train_seconds", "finished_at")

    def update_run(self, run_id: str, **changes) -> None:
        """Updates what is known about a run.

        Args:
            run_id: the run.
            **changes: any of ``status``, ``test_accuracy``, ``train_seconds``, ``finished_at``.

        Raises:
            ValueError: for any other field name.
        """
        unknown = set(changes) - set(self._RUN_FIELDS)
        if unknown:
            raise ValueError(f"cannot update {sorted(unknown)}")
        if not changes:
            return
        names = sorted(changes)
        assignments = ", ".join(f"{name} = ?" for name in names)  # names from the fixed list
        with self._write() as conn:
            conn.execute(
                f"UPDATE runs SET {assignments} WHERE run_id = ?",
                (*[changes[n] for n in names], run_id),
            )

    def runs(self, code: str) -> list[RunRecord]:
        """Returns every run of the lesson, oldest first."""
        clean = normalize_code(code)
        if clean is None:
            return []
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT * FROM runs WHERE lesson = ? ORDER BY started_at, rowid", (clean,)
            ).fetchall()
        return [
            RunRecord(
                run_id=r["run_id"],
                lesson=r["lesson"],
                student_id=r["student_id"],
                owner=r["owner"],
                started_at=r["started_at"],
                weights=r["weights"],
                violations=tuple(Violation.from_dict(v) for v in json.loads(r["violations"])),
                status=r["status"],
                test_accuracy=r["test_accuracy"],
                train_seconds=r["train_seconds"],
                finished_at=r["finished_at"],
            )
            for r in rows
        ]
