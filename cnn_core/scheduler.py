"""The fair training queue: a few training slots shared by every visitor of one server.

A workshop of thirty presses Train at about the same moment on a host that can train one network at
a time. Instead of refusing everybody but the first, :class:`Scheduler` queues the runs: a job is
submitted and the call returns at once with its place in line; when a slot frees, the next job in
first-come-first-served order is started by itself (through the job's ``launch`` function, which
must only start the work — a thread, an actor — and return). Each visitor (``owner``) has at most
one active or waiting job, so one visitor cannot fill the line.

Every waiting job gets a place in line (1-based) and an estimated wait, computed from the jobs
ahead of it: a running job's time left (what its live progress says, else its estimate minus the
time it has run) and a waiting job's whole estimated duration (:func:`estimate_run_seconds`: the
planned time budget, the epochs times the measured seconds per epoch, and the host's cap on one
run, whichever is smallest). The arithmetic lives in small pure functions
(:func:`estimate_run_seconds`, :func:`wait_estimates`) so it is tested without threads.

Plain Python: no TensorFlow, no Streamlit. The scheduler holds no training state; the training
backend asks it for a slot and tells it when a run ends (:meth:`Scheduler.finished`).

Settings (environment variables):

- ``CNN_STUDIO_TRAIN_SLOTS``: runs trained at once. Default: one slot per 4 CPU cores available to
  this process, at least 1 — TensorFlow spreads one run over every core it is given, so two runs
  on a 2-core host would each go at half speed and hold twice the memory (~1 GB per run) for
  nothing.
- ``CNN_STUDIO_MAX_RUN_S``: the most seconds one run may hold a slot, training, validation and the
  final test included (default 600; ``0`` or ``off`` for no cap, e.g. on a private machine).

>>> sched = Scheduler(slots=1)
>>> sched.submit(Job("run-a", "alice", launch=lambda job: None, estimate_s=30.0)).status
'running'
>>> ticket = sched.submit(Job("run-b", "bob", launch=lambda job: None, estimate_s=30.0))
>>> ticket.status, ticket.position
('waiting', 1)
>>> sched.finished("run-a")  # run-b starts by itself
"""

from __future__ import annotations

import heapq
import logging
import math
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

__all__ = [
    "DEFAULT_MAX_RUN_S",
    "Job",
    "OwnerBusyError",
    "QueueEntry",
    "QueueError",
    "Scheduler",
    "default_slots",
    "estimate_run_seconds",
    "max_run_seconds",
    "train_slots",
    "wait_estimates",
]

log = logging.getLogger(__name__)

SLOTS_ENV = "CNN_STUDIO_TRAIN_SLOTS"
MAX_RUN_ENV = "CNN_STUDIO_MAX_RUN_S"
# Ten minutes: the fast preset reaches ~90% on CIFAR-10 in that time, and thirty quick demos of
# 30-40 s still get through a workshop; a 40-epoch blog run (~1.5 h here) must not hold the host.
DEFAULT_MAX_RUN_S = 600.0
# One training run uses every core TensorFlow is given; more runs than cores/4 only share them.
_CORES_PER_SLOT = 4


class QueueError(RuntimeError):
    """The queue refused a job (``.key``/``.args_dict`` for the string catalog)."""

    key = "queue.error.generic"

    def __init__(self, detail: str, **args):
        super().__init__(detail)
        self.args_dict = args

    def message(self, lang: str) -> str:
        """The refusal in the visitor's language."""
        from cnn_core.locales import t

        return t(self.key, lang, **self.args_dict)


class OwnerBusyError(QueueError):
    """This owner already has a run training or waiting; one at a time per visitor.

    Attributes:
        run_id: the owner's run that is already active or waiting.
    """

    key = "queue.error.owner_busy"

    def __init__(self, run_id: str):
        super().__init__(f"this owner already has a run training or waiting ({run_id})")
        self.run_id = run_id


@dataclass
class Job:
    """One training run asking for a slot.

    Args:
        run_id: the run's id (unique in the scheduler).
        owner: the visitor who started it; one active or waiting job per owner.
        launch: called once with the job when it gets a slot (from the thread that freed the slot
            or submitted it); must start the work and return quickly. The work must call
            :meth:`Scheduler.finished` when it ends, whatever the outcome.
        estimate_s: the run's whole estimated duration in seconds (:func:`estimate_run_seconds`),
            ``None`` when unknown.
        remaining: optional; returns the running job's seconds left from its live progress
            (``None`` while it does not know yet). Called without the scheduler's lock held.
        tags: a small dict of strings shown in the queue (e.g. a lesson and a student).
    """

    run_id: str
    owner: str
    launch: Callable[[Job], None]
    estimate_s: float | None = None
    remaining: Callable[[], float | None] | None = None
    tags: dict = field(default_factory=dict)
    # Set by the scheduler.
    submitted_at: float = 0.0
    started_at: float | None = None


@dataclass(frozen=True)
class QueueEntry:
    """One line of the queue, as the Train page and ``Engine.queue()`` show it.

    Attributes:
        run_id: the run's id.
        owner: the visitor who started it.
        status: ``"running"`` (holds a slot) or ``"waiting"``.
        position: the place in line, 1-based, while waiting; ``None`` while running.
        eta_s: while waiting, the estimated seconds until it starts; while running, the estimated
            seconds left. ``None`` when unknown.
        tags: the job's tags.
    """

    run_id: str
    owner: str
    status: str
    position: int | None
    eta_s: float | None
    tags: dict


def _positive_env(name: str, convert, default, *, allow_off: bool = False):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if allow_off and raw.lower() in ("0", "off", "none", "no"):
        return None
    try:
        value = convert(raw)
    except ValueError:
        value = None
    if value is None or not value > 0 or (isinstance(value, float) and not math.isfinite(value)):
        raise ValueError(f"{name} must be a positive number, got {raw!r}")
    return value


def default_slots(cpu_count: int | None = None) -> int:
    """The number of runs trained at once when ``CNN_STUDIO_TRAIN_SLOTS`` is not set.

    One slot per 4 cores, at least one: 1 on a 2- or 4-core host (Streamlit Community Cloud, a
    laptop), 2 on 8 cores.

    Args:
        cpu_count: cores available; by default those this process may run on.

    Returns:
        The number of slots (>= 1).
    """
    if cpu_count is None:
        try:
            cpu_count = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):  # not on Linux
            cpu_count = os.cpu_count() or 1
    return max(1, int(cpu_count) // _CORES_PER_SLOT)


def train_slots() -> int:
    """The number of runs trained at once (``CNN_STUDIO_TRAIN_SLOTS``, else :func:`default_slots`).

    Raises:
        ValueError: if the variable is set to something other than a positive whole number.
    """
    return _positive_env(SLOTS_ENV, int, None) or default_slots()


def max_run_seconds(default: float | None = DEFAULT_MAX_RUN_S) -> float | None:
    """The most seconds one run may take (``CNN_STUDIO_MAX_RUN_S``; ``None``: no cap).

    Args:
        default: when the variable is not set (600 s for the app; the command line, one person's
            machine, passes ``None``).

    Raises:
        ValueError: if the variable is set to something other than a positive number or ``off``.
    """
    return _positive_env(MAX_RUN_ENV, float, default, allow_off=True)


def estimate_run_seconds(
    *,
    time_budget_s: float | None = None,
    epochs: int | None = None,
    epoch_seconds: float | None = None,
    max_run_s: float | None = None,
    overhead_s: float = 0.0,
) -> float | None:
    """Estimates how long a whole run will hold its slot, before it starts.

    A run ends at whichever comes first: its time budget, its last epoch, or the host's cap (which
    already counts everything). Loading, building and the final test add ``overhead_s`` to the
    first two.

    Args:
        time_budget_s: the run's planned time budget (``None``: none).
        epochs: the epochs it will train.
        epoch_seconds: measured seconds per epoch on this host (``None``: not measured).
        max_run_s: the host's cap on one run (``None``: no cap).
        overhead_s: seconds outside the training epochs (data, model, final test).

    Returns:
        Seconds, or ``None`` when nothing bounds the run (no budget, no measurement, no cap).
    """
    candidates = []
    if time_budget_s is not None and time_budget_s > 0:
        candidates.append(float(time_budget_s) + overhead_s)
    if epochs and epoch_seconds is not None and epoch_seconds > 0:
        candidates.append(epochs * float(epoch_seconds) + overhead_s)
    if max_run_s is not None and max_run_s > 0:
        candidates.append(float(max_run_s))
    return min(candidates) if candidates else None


def wait_estimates(
    running_remaining: Sequence[float | None],
    waiting_durations: Sequence[float | None],
    slots: int,
) -> list[float | None]:
    """Estimates each waiting job's wait, in order, from the jobs ahead of it.

    Simulates the line: a slot is free after its running job's time left (at once when no job
    holds it); each waiting job in turn takes the slot that frees first, which then frees again
    after that job's whole duration.

    Args:
        running_remaining: seconds left of each running job (``None``: unknown).
        waiting_durations: the whole estimated duration of each waiting job, in queue order
            (``None``: unknown).
        slots: the number of slots (>= 1).

    Returns:
        The estimated seconds until each waiting job starts, in queue order; ``None`` where it
        depends on an unknown time.
    """
    free_at = [math.inf if r is None else max(0.0, float(r)) for r in running_remaining]
    free_at += [0.0] * max(0, slots - len(free_at))
    heapq.heapify(free_at)
    waits: list[float | None] = []
    for duration in waiting_durations:
        start = heapq.heappop(free_at)
        waits.append(None if math.isinf(start) else start)
        heapq.heappush(free_at, math.inf if duration is None else start + max(0.0, duration))
    return waits


class Scheduler:
    """A first-come-first-served queue of training jobs over a fixed number of slots.

    Thread-safe: ``submit``, ``cancel``, ``finished`` and the queries may be called from any
    thread (page scripts, training threads). Jobs' ``launch`` and ``remaining`` functions are
    called without the lock held, so they may call back into the scheduler.

    Args:
        slots: runs trained at once (default :func:`train_slots`).
        clock: seconds, monotonic (tests pass a fake one).

    Raises:
        ValueError: if ``slots`` is not a positive whole number.
    """

    def __init__(self, slots: int | None = None, *, clock: Callable[[], float] = time.monotonic):
        slots = train_slots() if slots is None else slots
        if not isinstance(slots, int) or isinstance(slots, bool) or slots < 1:
            raise ValueError(f"slots must be a positive whole number, got {slots!r}")
        self.slots = slots
        self._clock = clock
        self._lock = threading.Lock()
        self._running: dict[str, Job] = {}  # insertion order = start order
        self._waiting: list[Job] = []  # FIFO

    # -- changes ---------------------------------------------------------------------------

    def submit(self, job: Job) -> QueueEntry:
        """Adds a job; starts it at once when a slot is free. Never blocks on the queue.

        Args:
            job: the job (its ``run_id`` must be new).

        Returns:
            The job's line: ``status`` ``"running"`` when it got a slot, else ``"waiting"`` with
            its ``position`` and ``eta_s``.

        Raises:
            OwnerBusyError: if the same owner already has a job running or waiting.
            ValueError: if a job with this ``run_id`` is already here.
        """
        with self._lock:
            for other in (*self._running.values(), *self._waiting):
                if other.run_id == job.run_id:
                    raise ValueError(f"run {job.run_id!r} is already in the queue")
                if other.owner == job.owner:
                    raise OwnerBusyError(other.run_id)
            job.submitted_at = self._clock()
            self._waiting.append(job)
            to_launch = self._take_free_slots()
        self._launch(to_launch)
        entry = self.entry(job.run_id)
        if entry is None:  # it started and already ended (an instant failure)
            return QueueEntry(job.run_id, job.owner, "running", None, 0.0, dict(job.tags))
        return entry

    def cancel(self, run_id: str, owner: str) -> bool:
        """Takes a waiting job out of the line (a running one must be stopped instead).

        Args:
            run_id: the job's run id.
            owner: who asks; only the job's owner may cancel it.

        Returns:
            True if the job was waiting and is now out of the line; False otherwise (not here,
            already running, or another owner's).
        """
        with self._lock:
            for i, job in enumerate(self._waiting):
                if job.run_id == run_id and job.owner == owner:
                    del self._waiting[i]
                    return True
        return False

    def finished(self, run_id: str) -> None:
        """Frees the slot of a run that ended (any outcome) and starts the next waiting jobs.

        Safe to call more than once, and for a run the scheduler never saw.

        Args:
            run_id: the run that ended.
        """
        with self._lock:
            if self._running.pop(run_id, None) is None:
                return
            to_launch = self._take_free_slots()
        self._launch(to_launch)

    def _take_free_slots(self) -> list[Job]:
        # Called with the lock held: moves jobs from the head of the line into free slots.
        started = []
        while self._waiting and len(self._running) < self.slots:
            job = self._waiting.pop(0)
            job.started_at = self._clock()
            self._running[job.run_id] = job
            started.append(job)
        return started

    def _launch(self, jobs: list[Job]) -> None:
        for job in jobs:
            try:
                job.launch(job)
            except Exception:  # a launcher that fails must not keep its slot or block the line
                log.exception("launching run %s failed", job.run_id)
                self.finished(job.run_id)

    # -- queries ---------------------------------------------------------------------------

    def entries(self) -> list[QueueEntry]:
        """The running jobs (in start order), then the waiting ones in line order.

        Returns:
            A list of :class:`QueueEntry`, waiting ones with ``position`` 1, 2, … and ``eta_s``.
        """
        with self._lock:
            running = list(self._running.values())
            waiting = list(self._waiting)
            now = self._clock()
        left = [self._time_left(job, now) for job in running]
        waits = wait_estimates(left, [job.estimate_s for job in waiting], self.slots)
        lines = [
            QueueEntry(job.run_id, job.owner, "running", None, rem, dict(job.tags))
            for job, rem in zip(running, left, strict=True)
        ]
        lines += [
            QueueEntry(job.run_id, job.owner, "waiting", i, wait, dict(job.tags))
            for i, (job, wait) in enumerate(zip(waiting, waits, strict=True), start=1)
        ]
        return lines

    def entry(self, run_id: str) -> QueueEntry | None:
        """This run's line, or ``None`` when it is neither running nor waiting."""
        return next((e for e in self.entries() if e.run_id == run_id), None)

    def owner_entry(self, owner: str) -> QueueEntry | None:
        """This owner's running or waiting run's line, or ``None``."""
        return next((e for e in self.entries() if e.owner == owner), None)

    def waiting_count(self) -> int:
        """How many jobs are waiting for a slot."""
        with self._lock:
            return len(self._waiting)

    def _time_left(self, job: Job, now: float) -> float | None:
        if job.remaining is not None:
            try:
                left = job.remaining()
            except Exception:  # a progress reader must not break the queue view
                log.exception("reading the time left of run %s failed", job.run_id)
                left = None
            if left is not None:
                return max(0.0, float(left))
        if job.estimate_s is None:
            return None
        return max(0.0, job.estimate_s - (now - (job.started_at or now)))
