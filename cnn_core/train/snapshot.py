"""A run's live state: the status vocabulary, :class:`Snapshot` (a frozen copy the pages read) and
:class:`RunState` (the mutable, locked state a worker updates). No TensorFlow here."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

__all__ = [
    "ACTIVE_STATUSES",
    "DIVERGE_ADVICE",
    "ENDED_STATUSES",
    "STATUSES",
    "QueueEntry",
    "RunState",
    "Snapshot",
]

#: Every status a run can have. ``waiting``: in line for a training slot; ``queued``: has its slot
#: and is loading data or building the model; ``interrupted``: the process training it died.
STATUSES = (
    "waiting",
    "queued",
    "running",
    "stopping",
    "stopped",
    "finished",
    "diverged",
    "failed",
    "cancelled",
    "interrupted",
)
#: Statuses of a run that still holds (or waits for) a training slot.
ACTIVE_STATUSES = ("waiting", "queued", "running", "stopping")
ENDED_STATUSES = tuple(s for s in STATUSES if s not in ACTIVE_STATUSES)
DIVERGE_ADVICE = ("train.advice.lower_lr", "train.advice.batchnorm", "train.advice.adam")
# Points kept in Snapshot.batch_log: older points are thinned out, so a 40-epoch run stays light.
MAX_BATCH_POINTS = 1200


@dataclass(frozen=True)
class QueueEntry:
    """One run in the host's (or cluster's) line: training, or waiting for a slot.

    Attributes:
        run_id: the run's id.
        owner: the visitor who started it.
        status: ``"waiting"`` or an active status (``"queued"``, ``"running"``, ``"stopping"``).
        position: 1-based place in line while waiting; ``None`` for a run that trains.
        eta_s: while waiting, the estimated wait; while training, the estimated time left.
        tags: the run's tags.
    """

    run_id: str
    owner: str
    status: str
    position: int | None = None
    eta_s: float | None = None
    tags: dict = field(default_factory=dict)


@dataclass(frozen=True, repr=False)
class Snapshot:
    """The state of a run at one moment (a copy; safe to keep).

    Attributes:
        run_id: the run's id.
        status: one of :data:`STATUSES`.
        message_key, message_args: what is happening or how it ended (translate with ``t``).
        advice: catalog keys of advice after a divergence.
        epoch: epochs started (1-based while running).
        epochs: epochs planned.
        batch: batches done in the current epoch.
        batches_per_epoch: batches in one epoch.
        batch_log: ``{step, loss, accuracy}`` (running means over the epoch so far), thinned out
            on long runs.
        epoch_log: ``{epoch, loss, accuracy, val_loss, val_accuracy, seconds, partial, batches}``.
        images_per_second: recent training speed.
        elapsed_s: seconds since training started (model building excluded).
        eta_s: estimated seconds left (``None`` when unknown); while waiting, the estimated wait.
        progress: 0..1.
        evaluation: test-set scores when the run ended (``Evaluation.to_dict()``) or ``None``.
        queue_position: 1-based place in line while ``waiting``, else ``None``.
        tags: the small dict of strings the run was started with (e.g. a lesson's name).
        val_log: early validation points between epoch ends, ``{step, images, epoch,
            val_loss, val_accuracy, sample}`` (a fixed sample of the validation images), so the
            validation curve starts within seconds; epoch ends score the full set (``epoch_log``).
    """

    run_id: str
    status: str
    message_key: str | None = None
    message_args: dict = field(default_factory=dict)
    advice: tuple = ()
    epoch: int = 0
    epochs: int = 0
    batch: int = 0
    batches_per_epoch: int = 0
    batch_log: list = field(default_factory=list)
    epoch_log: list = field(default_factory=list)
    images_per_second: float = 0.0
    elapsed_s: float = 0.0
    eta_s: float | None = None
    progress: float = 0.0
    evaluation: dict | None = None
    queue_position: int | None = None
    tags: dict = field(default_factory=dict)
    val_log: list = field(default_factory=list)

    @property
    def done(self) -> bool:
        """True once the run has ended (whatever the way)."""
        return self.status not in ACTIVE_STATUSES

    def __repr__(self) -> str:
        return (
            f"Snapshot({self.run_id!r}, {self.status}, epoch {self.epoch}/{self.epochs}, "
            f"batch {self.batch}/{self.batches_per_epoch}, {self.images_per_second:.0f} img/s, "
            f"progress={self.progress:.2f})"
        )


class RunState:
    """Mutable run state shared by a worker and its readers (every access under ``lock``).

    The worker changes it through :meth:`update`, :meth:`log_batch` and :meth:`log_epoch`;
    readers take :meth:`snapshot` copies. ``t_start``/``t_end`` are ``time.perf_counter`` values
    of this process.
    """

    def __init__(self, run_id: str, epochs: int, *, status: str = "queued", tags=None):
        self.lock = threading.Lock()
        self.run_id = run_id
        self.status = status
        self.message_key: str | None = "train.msg.loading_data"
        self.message_args: dict = {}
        self.advice: tuple = ()
        self.epoch = 0
        self.epochs = epochs
        self.batch = 0
        self.batches_per_epoch = 0
        self.batch_log: list = []
        self.epoch_log: list = []
        self.images_per_second = 0.0
        self.t_start: float | None = None
        self.t_end: float | None = None
        self.eta_s: float | None = None
        self.progress = 0.0
        self.evaluation: dict | None = None
        self.queue_position: int | None = None
        self.tags: dict = dict(tags or {})
        self.val_log: list = []
        self.stride = 1

    def update(self, **changes) -> None:
        """Sets some fields at once (e.g. ``status=``, ``message_key=``, ``eta_s=``).

        A run asked to stop stays ``stopping`` until it ends: a late ``status="running"`` from
        the worker does not undo the request.
        """
        with self.lock:
            for key, value in changes.items():
                if not hasattr(self, key) or key == "lock":
                    raise AttributeError(f"RunState has no field {key!r}")
                if key == "status" and self.status == "stopping" and value in ACTIVE_STATUSES:
                    continue
                setattr(self, key, value)

    def log_batch(self, step: int, loss: float, accuracy: float) -> None:
        """Records one batch point, keeping at most ``MAX_BATCH_POINTS`` (older ones thinned)."""
        with self.lock:
            if step % self.stride == 0:
                self.batch_log.append({"step": step, "loss": loss, "accuracy": accuracy})
                if len(self.batch_log) >= MAX_BATCH_POINTS:
                    self.batch_log = self.batch_log[1::2]
                    self.stride *= 2

    def log_epoch(self, entry: dict) -> None:
        """Appends one epoch's entry to the epoch log."""
        with self.lock:
            self.epoch_log.append(dict(entry))

    def metrics(self) -> dict:
        """The logs as saved in ``metrics.json``: ``{"epoch_log": [...], "batch_log": [...],
        "val_log": [...]}``."""
        with self.lock:
            return {
                "epoch_log": list(self.epoch_log),
                "batch_log": list(self.batch_log),
                "val_log": list(self.val_log),
            }

    def snapshot(self) -> Snapshot:
        """Returns a :class:`Snapshot` copy (never blocks on training for long)."""
        with self.lock:
            if self.t_start is None:
                elapsed = 0.0
            else:
                elapsed = (self.t_end or time.perf_counter()) - self.t_start
            return Snapshot(
                run_id=self.run_id,
                status=self.status,
                message_key=self.message_key,
                message_args=dict(self.message_args),
                advice=tuple(self.advice),
                epoch=self.epoch,
                epochs=self.epochs,
                batch=self.batch,
                batches_per_epoch=self.batches_per_epoch,
                batch_log=list(self.batch_log),
                epoch_log=[dict(e) for e in self.epoch_log],
                images_per_second=self.images_per_second,
                elapsed_s=elapsed,
                eta_s=self.eta_s,
                progress=self.progress,
                evaluation=self.evaluation,
                queue_position=self.queue_position,
                tags=dict(self.tags),
                val_log=list(self.val_log),
            )
