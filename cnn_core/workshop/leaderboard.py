"""The class board's numbers: each student's best run, the ranking, the table (no TensorFlow).

The ranking uses the held-out test set (never the validation set the student could tune on),
ties go to the network with fewer weights, and runs that broke the challenge's rules or finished
after the board was frozen do not rank.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cnn_core.workshop.challenge import Violation
from cnn_core.workshop.roster import Student

ACTIVE = ("waiting", "queued", "running", "stopping")


@dataclass(frozen=True)
class RunRecord:
    """What the class store keeps about one student's run.

    Attributes:
        run_id: the engine's run id.
        lesson, student_id, owner: whose run it is (owner stays private).
        started_at: Unix time it was started.
        weights: the network's weight count (``None``: unreadable design).
        violations: the challenge rules it broke (empty: it ranks).
        status: the engine's last known status.
        test_accuracy: held-out test accuracy once evaluated, else ``None``.
        train_seconds: seconds of training so far.
        finished_at: Unix time it ended, or ``None``.
    """

    run_id: str
    lesson: str
    student_id: str
    owner: str
    started_at: float
    weights: int | None = None
    violations: tuple[Violation, ...] = field(default_factory=tuple)
    status: str = "waiting"
    test_accuracy: float | None = None
    train_seconds: float = 0.0
    finished_at: float | None = None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def ranks(self) -> bool:
        """True when it keeps the rules and has a test score."""
        return not self.violations and self.test_accuracy is not None


@dataclass(frozen=True)
class Standing:
    """One line of the leaderboard: a student's best ranking run."""

    rank: int
    student_id: str
    nickname: str
    run_id: str
    test_accuracy: float
    weights: int | None
    train_seconds: float


def _order(run: RunRecord) -> tuple:
    # Higher accuracy first, then fewer weights, then whoever got there first.
    weights = run.weights if run.weights is not None else float("inf")
    return (-(run.test_accuracy or 0.0), weights, run.finished_at or run.started_at)


def best_runs(runs: list[RunRecord], *, ranking_only: bool, frozen_at: float | None = None):
    """Returns ``{student_id: best run}``.

    Args:
        runs: every run of the lesson.
        ranking_only: keep only runs that rank (rules kept, test score known).
        frozen_at: when set, ignore runs that finished after this time.
    """
    best: dict[str, RunRecord] = {}
    for run in runs:
        if run.test_accuracy is None or (ranking_only and not run.ranks):
            continue
        if frozen_at is not None and (run.finished_at is None or run.finished_at > frozen_at):
            continue
        held = best.get(run.student_id)
        if held is None or _order(run) < _order(held):
            best[run.student_id] = run
    return best


def leaderboard(
    students: list[Student], runs: list[RunRecord], frozen_at: float | None = None
) -> list[Standing]:
    """Ranks the students by their best ranking run.

    Args:
        students: the lesson's roster.
        runs: every run of the lesson.
        frozen_at: the freeze time (runs that finished later do not count), or ``None``.

    Returns:
        Standings, best first. Equal accuracy and weights share a rank (1, 2, 2, 4).
    """
    names = {s.student_id: s.nickname for s in students}
    best = best_runs(runs, ranking_only=True, frozen_at=frozen_at)
    ordered = sorted(
        (run for sid, run in best.items() if sid in names), key=lambda r: _order(r)[:2]
    )
    standings: list[Standing] = []
    for position, run in enumerate(ordered, start=1):
        tied = standings and _order(ordered[position - 2])[:2] == _order(run)[:2]
        rank = standings[-1].rank if tied else position
        standings.append(
            Standing(
                rank=rank,
                student_id=run.student_id,
                nickname=names[run.student_id],
                run_id=run.run_id,
                test_accuracy=float(run.test_accuracy),
                weights=run.weights,
                train_seconds=run.train_seconds,
            )
        )
    return standings


@dataclass(frozen=True)
class BoardRow:
    """One student's line in the class table (numbers raw; the page formats them)."""

    student_id: str
    nickname: str
    step: int
    runs: int
    rank: int | None
    best_accuracy: float | None
    weights: int | None
    train_seconds: float
    state: str  # "training", "waiting" or "idle"
    queue_position: int | None


def board_rows(
    students: list[Student],
    runs: list[RunRecord],
    *,
    frozen_at: float | None = None,
    queue: dict[str, tuple[str, int | None]] | None = None,
) -> list[BoardRow]:
    """Builds the class table: one row per student, ranked students first.

    Args:
        students: the roster.
        runs: every run of the lesson.
        frozen_at: the freeze time, or ``None``.
        queue: ``{run_id: (status, position)}`` of the engine's queue (fresher than the store).

    Returns:
        Rows ordered by rank, then the unranked by nickname. ``best_accuracy`` is the student's
        best test accuracy of any evaluated run (it may not rank: see ``rank``).
    """
    queue = queue or {}
    ranks = {s.student_id: s.rank for s in leaderboard(students, runs, frozen_at)}
    best_any = best_runs(runs, ranking_only=False)
    rows = []
    for student in students:
        mine = [r for r in runs if r.student_id == student.student_id]
        state, position = "idle", None
        for run in mine:
            status, place = queue.get(run.run_id, (run.status, None))
            if status in ("running", "stopping"):
                state, position = "training", None
                break
            if status in ("waiting", "queued"):
                state, position = "waiting", place
        best = best_any.get(student.student_id)
        rows.append(
            BoardRow(
                student_id=student.student_id,
                nickname=student.nickname,
                step=student.step,
                runs=len(mine),
                rank=ranks.get(student.student_id),
                best_accuracy=None if best is None else best.test_accuracy,
                weights=None if best is None else best.weights,
                train_seconds=sum(r.train_seconds for r in mine),
                state=state,
                queue_position=position,
            )
        )
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.nickname.casefold()))
    return rows
