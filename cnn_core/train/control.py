"""The worker seam: what the training loop needs from whoever runs it.

The loop (:func:`cnn_core.train.worker.run_training`) never touches a thread, a slot, a folder or a
process directly: it talks to a :class:`RunControl`. The in-process backend gives it a control
over a local :class:`~cnn_core.train.snapshot.RunState` and the run folder
(:class:`cnn_core.train.local.LocalControl`); a training child process or a cluster backend gives
it one that records the same calls as events for the process keeping the run store to replay
(:mod:`cnn_core.train.relay`), so the same loop runs in a local thread, a child process or a
remote Ray task.

No TensorFlow here.
"""

from __future__ import annotations

import time
from typing import Protocol, runtime_checkable

from cnn_core.train.snapshot import RunState, Snapshot

__all__ = ["RunControl", "StateControl"]


@runtime_checkable
class RunControl(Protocol):
    """What a training loop reports to, and asks, the backend that runs it.

    Attributes:
        run_id: the run's id.
    """

    run_id: str

    def report(self, **changes) -> None:
        """Updates the run's live state: any :class:`~cnn_core.train.snapshot.RunState` field
        (``status``, ``message_key``, ``message_args``, ``epoch``, ``epochs``, ``batch``,
        ``batches_per_epoch``, ``images_per_second``, ``eta_s``, ``progress``, ``t_start``,
        ``t_end``, ...)."""

    def log_batch(self, step: int, loss: float, accuracy: float) -> None:
        """Records one training batch (running means over the epoch so far)."""

    def log_epoch(self, entry: dict) -> None:
        """Records one epoch (``epoch, loss, accuracy, val_loss, val_accuracy, seconds, ...``)."""

    def snapshot(self) -> Snapshot:
        """The run's state as the loop last reported it (logs included)."""

    def metrics(self) -> dict:
        """``{"epoch_log": [...], "batch_log": [...]}`` as :func:`save_checkpoint` stores it."""

    def should_stop(self) -> bool:
        """True once someone asked the run to stop (checked after every batch)."""

    def deadline(self) -> float | None:
        """A ``time.monotonic()`` value the whole run must end by (a host's cap), or ``None``."""

    def load_checkpoint(self):
        """The run's last saved Keras model (for a continued run), loaded with ``safe_mode``."""

    def started(self, precision: str) -> None:
        """Training begins (the model is built): the run's record says so."""

    def save_checkpoint(self, model, metrics: dict) -> None:
        """Saves the model (``None``: the logs alone) and the logs, through
        :func:`cnn_core.runs.save_checkpoint` (model first, then the log naming its epoch)."""

    def save_evaluation(self, evaluation: dict, test_probs) -> None:
        """Stores the test-set scores (``Evaluation.to_dict()``) and the test probabilities."""

    def finish(
        self,
        status: str,
        key: str,
        args: dict,
        evaluation: dict | None = None,
        *,
        advice: tuple = (),
        details: str | None = None,
    ) -> None:
        """The run ended: its final status, catalog message, advice, and (for a failure) the
        traceback to keep in ``error.log`` (never shown to the learner)."""


class StateControl:
    """The state-keeping half of a control: live state in a :class:`RunState`.

    Backends subclass it and add where the run's files go and how a stop arrives.

    Args:
        state: the run's live state.
    """

    def __init__(self, state: RunState):
        self.state = state
        self.run_id = state.run_id

    def report(self, **changes) -> None:
        self.state.update(**changes)

    def log_batch(self, step: int, loss: float, accuracy: float) -> None:
        self.state.log_batch(step, loss, accuracy)

    def log_epoch(self, entry: dict) -> None:
        self.state.log_epoch(entry)

    def snapshot(self) -> Snapshot:
        return self.state.snapshot()

    def metrics(self) -> dict:
        return self.state.metrics()

    def finish(
        self,
        status: str,
        key: str,
        args: dict,
        evaluation: dict | None = None,
        *,
        advice: tuple = (),
        details: str | None = None,
    ) -> None:
        """Sets the final state (subclasses also record it where the run is stored)."""
        changes = {
            "status": status,
            "message_key": key,
            "message_args": dict(args),
            "advice": tuple(advice),
            "eta_s": 0.0,
            "queue_position": None,
        }
        if evaluation is not None:
            changes["evaluation"] = evaluation
        if status == "finished":
            changes["progress"] = 1.0
        if self.state.t_end is None and self.state.t_start is not None:
            changes["t_end"] = time.perf_counter()
        self.state.update(**changes)
