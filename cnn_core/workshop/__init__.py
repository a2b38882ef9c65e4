"""Workshop mode: lessons, the class roster, challenges and the leaderboard (no Streamlit, no TF).

>>> from cnn_core.workshop import Lesson, Step, get_store
>>> store = get_store()  # $CNN_STUDIO_CLASS_DB, else runs/class.sqlite3
>>> lesson, key = store.create_lesson(Lesson("Intro", (Step("build"), Step("train")), design))
>>> lesson.code  # the short student code, e.g. "K7MXQ3A"; the key goes in the instructor link
"""

from cnn_core.workshop.challenge import Challenge, Violation, check_challenge, count_weights
from cnn_core.workshop.errors import WorkshopError
from cnn_core.workshop.leaderboard import (
    BoardRow,
    RunRecord,
    Standing,
    best_runs,
    board_rows,
    leaderboard,
)
from cnn_core.workshop.lesson import (
    CONTROL_STATES,
    CONTROLS,
    STEP_PAGES,
    Lesson,
    Step,
    check_lesson,
    normalize_code,
)
from cnn_core.workshop.roster import NICKNAME_MAX, Student, clean_nickname
from cnn_core.workshop.store import ClassStore, SQLiteClassStore, class_db_path, get_store

__all__ = [
    "CONTROLS",
    "CONTROL_STATES",
    "NICKNAME_MAX",
    "STEP_PAGES",
    "BoardRow",
    "Challenge",
    "ClassStore",
    "Lesson",
    "RunRecord",
    "SQLiteClassStore",
    "Standing",
    "Step",
    "Student",
    "Violation",
    "WorkshopError",
    "best_runs",
    "board_rows",
    "check_challenge",
    "check_lesson",
    "class_db_path",
    "clean_nickname",
    "count_weights",
    "get_store",
    "leaderboard",
    "normalize_code",
]
