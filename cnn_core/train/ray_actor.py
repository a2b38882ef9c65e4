"""The actor side of the Ray backend: one run's training loop inside a Ray actor.

:class:`TrainActor` runs :func:`cnn_core.train.worker.run_training`, the same loop as the
in-process backend, against an :class:`ActorControl` that keeps the live state the loop reads back
and records every call as an event. The driver (:mod:`cnn_core.train.ray_backend`) polls those
events and replays them into the run's snapshots and the run store; the weights travel back as
``.keras`` bytes. Nothing here touches the run store: the actor may be on another machine.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from pathlib import Path

from cnn_core.spec import ModelSpec
from cnn_core.train.control import StateControl
from cnn_core.train.settings import TrainSettings
from cnn_core.train.snapshot import RunState
from cnn_core.train.worker import Resume, run_training

__all__ = ["ActorControl", "TrainActor", "actor_class", "model_bytes"]


def model_bytes(model) -> bytes:
    """The ``.keras`` file of ``model``, as bytes (how weights travel back to the driver)."""
    with tempfile.TemporaryDirectory(prefix="cnn-ray-") as folder:
        path = Path(folder) / "model.keras"
        model.save(path)
        return path.read_bytes()


class ActorControl(StateControl):
    """The :class:`~cnn_core.train.control.RunControl` of a run inside a Ray actor.

    It keeps the live state the loop reads back (``snapshot``, ``metrics``) and records every call
    as an event for the driver to replay: ``("report", changes)``, ``("batch", step, loss, acc)``,
    ``("epoch", entry)``, ``("started", precision)``, ``("checkpoint", bytes | None, metrics)``,
    ``("evaluation", dict, probs)``, ``("finish", status, key, args, advice, details)``, and
    ``("stop_seen", step)`` when a stop request arrives.

    Args:
        state: the actor's copy of the run's state (a continued run's logs included).
        checkpoint: the ``.keras`` bytes a continued run starts from, or ``None``.
        run_seconds: a cap on the whole run in seconds (``deadline``), or ``None``.
    """

    def __init__(self, state: RunState, checkpoint: bytes | None, run_seconds: float | None):
        super().__init__(state)
        self.stop_event = threading.Event()
        self._checkpoint = checkpoint
        self._deadline = None if run_seconds is None else time.monotonic() + run_seconds
        self._events: list = []
        self._base = 0  # events before this index were delivered and dropped
        self._lock = threading.Lock()

    def _emit(self, *event) -> None:
        with self._lock:
            self._events.append(event)

    def drain(self, cursor: int) -> list:
        """The events from number ``cursor`` on (those before it are dropped: delivered)."""
        with self._lock:
            drop = max(0, min(cursor - self._base, len(self._events)))
            del self._events[:drop]
            self._base += drop
            return list(self._events)

    def report(self, **changes) -> None:
        super().report(**changes)
        self._emit("report", changes)

    def log_batch(self, step: int, loss: float, accuracy: float) -> None:
        super().log_batch(step, loss, accuracy)
        self._emit("batch", step, loss, accuracy)

    def log_epoch(self, entry: dict) -> None:
        super().log_epoch(entry)
        self._emit("epoch", dict(entry))

    def should_stop(self) -> bool:
        return self.stop_event.is_set()

    def deadline(self) -> float | None:
        return self._deadline

    def load_checkpoint(self):
        import keras

        with tempfile.TemporaryDirectory(prefix="cnn-ray-") as folder:
            path = Path(folder) / "model.keras"
            path.write_bytes(self._checkpoint or b"")
            return keras.saving.load_model(path, safe_mode=True)

    def started(self, precision: str) -> None:
        self._emit("started", precision)

    def save_checkpoint(self, model, metrics: dict) -> None:
        self._emit("checkpoint", None if model is None else model_bytes(model), metrics)

    def save_evaluation(self, evaluation: dict, test_probs) -> None:
        self.state.update(evaluation=evaluation)
        self._emit("evaluation", evaluation, test_probs)

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
        super().finish(status, key, args, evaluation, advice=advice, details=details)
        self._emit("finish", status, key, dict(args), tuple(advice), details)


class TrainActor:
    """One run, in a Ray actor (made remote by :func:`actor_class`).

    Calls arrive on several threads: ``run`` trains while ``poll`` and ``stop`` answer.

    Args:
        run_id: the run's id.
        epochs: epochs planned.
        metrics: a continued run's logs (``epoch_log``, ``batch_log``, ``stride``), or ``None``.
        cpus: CPUs Ray gave this actor; TensorFlow uses as many threads.
    """

    def __init__(self, run_id: str, epochs: int, metrics: dict | None, cpus: int):
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import tensorflow as tf

        # TensorFlow would otherwise use every core of the node, not the CPUs Ray reserved.
        tf.config.threading.set_intra_op_parallelism_threads(max(1, cpus))
        tf.config.threading.set_inter_op_parallelism_threads(max(1, min(2, cpus)))
        self.state = RunState(run_id, epochs)
        if metrics:
            self.state.epoch_log = list(metrics.get("epoch_log", []))
            self.state.batch_log = list(metrics.get("batch_log", []))
            self.state.stride = int(metrics.get("stride", 1))
        self.control: ActorControl | None = None
        self._stop_early = False

    def where(self) -> dict:
        """The node and process this actor runs in."""
        import socket

        return {"host": socket.gethostname(), "pid": os.getpid()}

    def run(self, spec: dict, settings: dict, data, resume, checkpoint, run_seconds) -> str:
        """Trains the run to its end (never raises: the end arrives as a ``finish`` event)."""
        control = ActorControl(self.state, checkpoint, run_seconds)
        if self._stop_early:
            control.stop_event.set()
        self.control = control
        run_training(
            ModelSpec.from_dict(spec),
            TrainSettings.from_dict(settings),
            control,
            data=data,
            resume=None if resume is None else Resume(**resume),
        )
        return self.state.status

    def poll(self, cursor: int) -> tuple[list, float]:
        """Events from number ``cursor`` on, and this process's ``perf_counter`` now."""
        events = [] if self.control is None else self.control.drain(cursor)
        return events, time.perf_counter()

    def stop(self) -> None:
        """Stop after the batch in flight (an event says at which step the request arrived)."""
        self._stop_early = True
        control = self.control
        if control is not None:
            control.stop_event.set()  # first: a batch ending meanwhile is counted before it
            log = control.state.metrics()["batch_log"]
            control._emit("stop_seen", log[-1]["step"] if log else 0)


_ACTOR = None
_ACTOR_LOCK = threading.Lock()


def actor_class():
    global _ACTOR
    with _ACTOR_LOCK:
        if _ACTOR is None:
            import ray

            # Threaded: run() trains on one thread while poll() and stop() answer on others.
            # No restarts: a dead worker means an interrupted run, never a silent re-run.
            _ACTOR = ray.remote(max_concurrency=4, max_restarts=0, max_task_retries=0)(TrainActor)
        return _ACTOR
