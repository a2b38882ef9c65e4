"""The cluster side of the Ray backend: one run's training loop in a Ray task, and the relay.

:func:`train_task` runs :func:`cnn_core.train.worker.run_training`, the same loop as the
in-process backend, against a :class:`~cnn_core.train.relay.TaskControl` that keeps the live state
the loop reads back and records every call as an event (:mod:`cnn_core.train.relay`, shared with
the child-process backend). A thread of the task pushes the events to the driver's
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
import threading
import time

from cnn_core.spec import ModelSpec
from cnn_core.train.relay import Pusher, TaskControl, far_state, model_bytes
from cnn_core.train.settings import TrainSettings
from cnn_core.train.worker import Resume, run_training

__all__ = ["Relay", "TaskControl", "model_bytes", "relay_class", "task_function", "train_task"]

# A worker that cannot reach the relay for this long stops its run (nobody would hear of it).
LOST_RELAY_S = 60.0
# Longest wait for one push's answer before it is sent again.
PUSH_TIMEOUT_S = 15.0


class Relay:
    """One per driver (a Ray actor made by :func:`relay_class`): the mailbox between the runs'
    workers and the driver. Workers ``push`` events and learn whether to stop; the driver
    ``take``s them and asks for stops."""

    def __init__(self):
        self._runs: dict[str, dict] = {}
        self._lock = threading.Lock()

    def _box(self, run_id: str) -> dict:
        return self._runs.setdefault(run_id, {"events": [], "base": 0, "stop": False, "at": None})

    def push(self, run_id: str, events: list, where: dict | None = None, first: int = 0) -> bool:
        """A worker's news, ``events`` numbered from ``first`` on; returns whether the run should
        stop. A push sent again (its first try timed out, yet arrived) adds only what is new."""
        with self._lock:
            box = self._box(run_id)
            have = box["base"] + len(box["events"])
            box["events"].extend(events[max(0, have - first) :])
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


class _Pusher(Pusher):
    """Sends a run's events to the relay and relays stop requests back (see
    :class:`~cnn_core.train.relay.Pusher`); stops the run when the relay stays out of reach."""

    def __init__(self, relay, run_id: str, control: TaskControl):
        super().__init__(run_id, control)
        self.relay = relay
        import ray

        node = ray.get_runtime_context().get_node_id()
        self.where = {"host": socket.gethostname(), "pid": os.getpid(), "node": node}
        self.last_ok = time.monotonic()

    def send(self, events: list, first: int) -> None:
        import ray

        # Even with no events: the answer says whether the run should stop. Bounded: a reply
        # lost on the way must not hold the run's news (and its stop) for good; the push is
        # sent again, and the relay keeps only what it did not have.
        ref = self.relay.push.remote(self.run_id, events, self.where, first)
        stop = ray.get(ref, timeout=PUSH_TIMEOUT_S)
        self.last_ok = time.monotonic()
        if stop:
            self.control.request_stop()

    def push_failed(self, exc: Exception) -> None:
        # One failed push may pass (the loop tries again PUSH_S later); a relay out of reach for
        # LOST_RELAY_S leaves a run nobody would hear of, so it stops.
        if time.monotonic() - self.last_ok > LOST_RELAY_S:
            self.control.request_stop()

    def close(self) -> None:
        """Stops the thread, then pushes the last events, trying again while the relay may
        still come back (the ``finish`` event must not be lost to one failed push)."""
        self.done.set()
        self.join()
        while True:
            try:
                self.push()
                return
            except Exception:
                if time.monotonic() - self.last_ok > LOST_RELAY_S:
                    raise
                time.sleep(1.0)


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
    state = far_state(run_id, epochs, metrics)
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
