"""The cluster side of the Ray backend: one run's training loop in a Ray task, and the relay.

:func:`train_task` runs :func:`cnn_core.train.worker.run_training`, the same loop as the
in-process backend, against a :class:`TaskControl` that keeps the live state the loop reads back
and records every call as an event. A thread of the task pushes the events to the driver's
:class:`Relay` actor a few times a second and brings back whether the run should stop; the driver
(:mod:`cnn_core.train.ray_backend`) takes them from the relay and replays them into the run's
snapshots and the run store. The weights travel as ``.keras`` bytes. Nothing here touches the
run store: the task may run on another machine.

A run is a task, not an actor, because Ray gives a finished task's worker process to the next
task: TensorFlow is imported once per worker, not once per run (3-5 s saved on every run after
the first).
"""

from __future__ import annotations

import contextlib
import os
import socket
import tempfile
import threading
import time
from pathlib import Path

from cnn_core.spec import ModelSpec
from cnn_core.train.control import StateControl
from cnn_core.train.settings import TrainSettings
from cnn_core.train.snapshot import RunState
from cnn_core.train.worker import Resume, run_training

__all__ = ["Relay", "TaskControl", "model_bytes", "relay_class", "task_function", "train_task"]

# How often a run's news leaves the worker: live enough for a page that redraws every second.
PUSH_S = 0.25
# A worker that cannot reach the relay for this long stops its run (nobody would hear of it).
LOST_RELAY_S = 60.0


def model_bytes(model) -> bytes:
    """The ``.keras`` file of ``model``, as bytes (how weights travel back to the driver)."""
    with tempfile.TemporaryDirectory(prefix="cnn-ray-") as folder:
        path = Path(folder) / "model.keras"
        model.save(path)
        return path.read_bytes()


def _wall(perf: float) -> float:
    """A ``perf_counter`` value of this process as wall-clock time (processes do not share the
    first; the driver converts back)."""
    return time.time() - (time.perf_counter() - perf)


class TaskControl(StateControl):
    """The :class:`~cnn_core.train.control.RunControl` of a run inside a Ray worker.

    It keeps the live state the loop reads back (``snapshot``, ``metrics``) and records every call
    as an event for the driver to replay: ``("report", changes)`` (``t_start``/``t_end`` as wall
    clock), ``("batch", step, loss, acc)``, ``("epoch", entry)``, ``("started", precision)``,
    ``("checkpoint", bytes | None)``, ``("evaluation", dict, probs)``, ``("finish", status, key,
    args, advice, details)``, and ``("stop_seen", step)`` when a stop request arrives.

    Args:
        state: the worker's copy of the run's state (a continued run's logs included).
        checkpoint: the ``.keras`` bytes a continued run starts from, or ``None``.
        run_seconds: a cap on the whole run in seconds (``deadline``), or ``None``.
    """

    def __init__(self, state: RunState, checkpoint: bytes | None, run_seconds: float | None):
        super().__init__(state)
        self.stop_event = threading.Event()
        self._checkpoint = checkpoint
        self._deadline = None if run_seconds is None else time.monotonic() + run_seconds
        self._events: list = []
        self._lock = threading.Lock()

    def emit(self, *event) -> None:
        with self._lock:
            self._events.append(event)

    def take_events(self) -> list:
        """The events recorded since the last call (each is handed out once)."""
        with self._lock:
            events, self._events = self._events, []
            return events

    def request_stop(self) -> None:
        """Stop after the batch in flight; records the step the request arrived at."""
        if self.stop_event.is_set():
            return
        self.stop_event.set()  # first: a batch ending meanwhile is counted before it
        log = self.state.metrics()["batch_log"]
        self.emit("stop_seen", log[-1]["step"] if log else 0)

    def report(self, **changes) -> None:
        super().report(**changes)
        sent = dict(changes)
        for name in ("t_start", "t_end"):
            if sent.get(name) is not None:
                sent[name] = _wall(sent[name])
        self.emit("report", sent)

    def log_batch(self, step: int, loss: float, accuracy: float) -> None:
        super().log_batch(step, loss, accuracy)
        self.emit("batch", step, loss, accuracy)

    def log_epoch(self, entry: dict) -> None:
        super().log_epoch(entry)
        self.emit("epoch", dict(entry))

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
        self.emit("started", precision)

    def save_checkpoint(self, model, metrics: dict) -> None:
        # The driver saves its own copy of the logs (the same calls, replayed): only the weights.
        self.emit("checkpoint", None if model is None else model_bytes(model))

    def save_evaluation(self, evaluation: dict, test_probs) -> None:
        self.state.update(evaluation=evaluation)
        self.emit("evaluation", evaluation, test_probs)

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
        self.emit("finish", status, key, dict(args), tuple(advice), details)


class Relay:
    """One per driver (a Ray actor made by :func:`relay_class`): the mailbox between the runs'
    workers and the driver. Workers ``push`` events and learn whether to stop; the driver
    ``take``s them and asks for stops."""

    def __init__(self):
        self._runs: dict[str, dict] = {}
        self._lock = threading.Lock()

    def _box(self, run_id: str) -> dict:
        return self._runs.setdefault(run_id, {"events": [], "base": 0, "stop": False, "at": None})

    def push(self, run_id: str, events: list, where: dict | None = None) -> bool:
        """A worker's news; returns whether the run should stop."""
        with self._lock:
            box = self._box(run_id)
            box["events"].extend(events)
            if where is not None:
                box["at"] = where
            return box["stop"]

    def take(self, run_id: str, cursor: int) -> tuple[list, dict | None]:
        """Events from number ``cursor`` on (earlier ones were delivered: dropped), and where the
        run trains (``{"host", "pid", "node"}``, ``None`` until a worker has it)."""
        with self._lock:
            box = self._box(run_id)
            drop = max(0, min(cursor - box["base"], len(box["events"])))
            del box["events"][:drop]
            box["base"] += drop
            return list(box["events"]), box["at"]

    def stop(self, run_id: str) -> None:
        with self._lock:
            self._box(run_id)["stop"] = True

    def close(self, run_id: str) -> None:
        with self._lock:
            self._runs.pop(run_id, None)


class _Pusher(threading.Thread):
    """Sends a run's events to the relay every :data:`PUSH_S` and relays stop requests back."""

    def __init__(self, relay, run_id: str, control: TaskControl):
        super().__init__(name=f"push-{run_id}", daemon=True)
        self.relay, self.run_id, self.control = relay, run_id, control
        import ray

        node = ray.get_runtime_context().get_node_id()
        self.where = {"host": socket.gethostname(), "pid": os.getpid(), "node": node}
        self.done = threading.Event()

    def push(self) -> None:
        import ray

        events = self.control.take_events()
        stop = ray.get(self.relay.push.remote(self.run_id, events, self.where))
        if stop:
            self.control.request_stop()

    def run(self) -> None:
        last_ok = time.monotonic()
        while not self.done.wait(PUSH_S):
            try:
                self.push()
                last_ok = time.monotonic()
            except Exception:
                if time.monotonic() - last_ok > LOST_RELAY_S:
                    self.control.request_stop()

    def close(self) -> None:
        self.done.set()
        self.join()
        self.push()  # the last events (the finish among them), synchronously


_THREADS_SET = False


def _limit_threads(cpus: int) -> None:
    """TensorFlow would otherwise use every core of the node, not the CPUs Ray reserved."""
    global _THREADS_SET
    if _THREADS_SET:
        return
    import tensorflow as tf

    with contextlib.suppress(RuntimeError):  # fixed once TensorFlow has started in this worker
        tf.config.threading.set_intra_op_parallelism_threads(max(1, int(cpus)))
        tf.config.threading.set_inter_op_parallelism_threads(max(1, min(2, int(cpus))))
    _THREADS_SET = True


def train_task(
    relay, run_id: str, epochs: int, metrics, cpus, spec, settings, data, resume, checkpoint,
    run_seconds,
) -> str:  # fmt: skip
    """One run, in a Ray worker: trains it to its end and returns the final status.

    Args:
        relay: the driver's :class:`Relay` actor.
        run_id: the run's id.
        epochs: epochs planned.
        metrics: a continued run's logs (``epoch_log``, ``batch_log``, ``stride``), or ``None``.
        cpus: CPUs Ray reserved; TensorFlow uses as many threads.
        spec: the model design (``ModelSpec.to_dict()``).
        settings: ``TrainSettings.to_dict()``.
        data: the dataset (from the object store).
        resume: ``{"initial_epoch", "extra_epochs"}`` for a continued run, or ``None``.
        checkpoint: a continued run's ``.keras`` bytes, or ``None``.
        run_seconds: a cap on the run's training time, or ``None``.

    Returns:
        The run's final status (the details arrived as events).
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    state = RunState(run_id, epochs)
    if metrics:
        state.epoch_log = list(metrics.get("epoch_log", []))
        state.batch_log = list(metrics.get("batch_log", []))
        state.stride = int(metrics.get("stride", 1))
    control = TaskControl(state, checkpoint, run_seconds)
    pusher = _Pusher(relay, run_id, control)
    pusher.push()  # at once: the driver learns the run has its place (and where)
    pusher.start()
    try:
        _limit_threads(cpus)
        run_training(
            ModelSpec.from_dict(spec),
            TrainSettings.from_dict(settings),
            control,
            data=data,
            resume=None if resume is None else Resume(**resume),
        )
    finally:
        pusher.close()
        with contextlib.suppress(Exception):
            import keras

            keras.backend.clear_session()  # this worker trains the next run: start it clean
    return state.status


_REMOTE: dict = {}
_REMOTE_LOCK = threading.Lock()


def task_function():
    """:func:`train_task` as a Ray remote function (made once)."""
    with _REMOTE_LOCK:
        if "task" not in _REMOTE:
            import ray

            # No retries: a dead worker means an interrupted run, never a silent re-run.
            _REMOTE["task"] = ray.remote(max_retries=0)(train_task)
        return _REMOTE["task"]


def relay_class():
    """:class:`Relay` as a Ray actor class (made once): threaded, no CPU of its own."""
    with _REMOTE_LOCK:
        if "relay" not in _REMOTE:
            import ray

            _REMOTE["relay"] = ray.remote(num_cpus=0, max_concurrency=16, max_restarts=0)(Relay)
        return _REMOTE["relay"]
