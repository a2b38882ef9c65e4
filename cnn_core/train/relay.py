"""A training loop running elsewhere: its calls recorded as events there, replayed here.

Two backends run :func:`cnn_core.train.worker.run_training` outside the process that keeps the
run store: the Ray backend (a task on a cluster node, :mod:`cnn_core.train.ray_actor`) and the
child-process backend (a warm training process beside the app, :mod:`cnn_core.train.child`). Both
talk the same small language:

- **There**, the loop reports to a :class:`TaskControl`, which keeps the live state the loop reads
  back and records every call as an event (``("report", changes)``, ``("batch", ...)``,
  ``("checkpoint", keras_bytes)``, ``("finish", ...)``, ...). Nothing there touches the run store.
- **Here**, a :class:`Replay` applies the events, in order, to the run's own
  :class:`~cnn_core.train.control.RunControl` (the in-process backend's ``LocalControl``): the
  snapshots the Train page draws and every file of the run are made here, exactly as if the loop
  had run in this process.

A :class:`Pusher` thread there sends the events a few times a second; how they travel (a Ray
actor, a pipe) is the backends' business, in their subclasses. No Ray here, and no TensorFlow
until a model is saved or loaded.
"""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path

from cnn_core.runs import epochs_saved  # the run store's count, re-exported for the backends
from cnn_core.train.control import RunControl, StateControl
from cnn_core.train.snapshot import ACTIVE_STATUSES, RunState

__all__ = [
    "PUSH_S",
    "Pusher",
    "Replay",
    "TaskControl",
    "epochs_saved",
    "far_state",
    "lost_message",
    "model_bytes",
]

# How often a run's news leaves the process that trains it: live enough for a page that redraws
# every second, rare enough that relaying costs nothing next to training.
PUSH_S = 0.25


def model_bytes(model) -> bytes:
    """The ``.keras`` file of ``model``, as bytes (how weights travel back to the run store)."""
    with tempfile.TemporaryDirectory(prefix="cnn-relay-") as folder:
        path = Path(folder) / "model.keras"
        model.save(path)
        return path.read_bytes()


def _wall(perf: float) -> float:
    """A ``perf_counter`` value of this process as wall-clock time (processes do not share the
    first; :class:`Replay` converts back)."""
    return time.time() - (time.perf_counter() - perf)


def far_state(run_id: str, epochs: int, metrics: dict | None) -> RunState:
    """The far side's copy of a run's state, with a continued run's logs.

    Args:
        run_id: the run's id.
        epochs: epochs planned.
        metrics: a continued run's logs (``epoch_log``, ``batch_log``, ``val_log``, ``stride``),
            or ``None`` for a new run.

    Returns:
        A :class:`~cnn_core.train.snapshot.RunState` the loop can read back (it reports on from
        the same step numbers and epoch count as the run store holds).
    """
    state = RunState(run_id, epochs)
    if metrics:
        state.epoch_log = list(metrics.get("epoch_log", []))
        state.batch_log = list(metrics.get("batch_log", []))
        state.val_log = list(metrics.get("val_log", []))
        state.stride = int(metrics.get("stride", 1))
    return state


def lost_message(key: str, folder: Path) -> tuple[str, dict]:
    """The message of a run whose far process died: ``key`` with the full epochs saved, or
    ``key + "_early"`` when it died in its first epoch (no weights kept, nothing to Continue)."""
    epoch = epochs_saved(folder)
    return (key if epoch else f"{key}_early"), {"epoch": epoch}


class TaskControl(StateControl):
    """The :class:`~cnn_core.train.control.RunControl` of a run trained away from the run store.

    It keeps the live state the loop reads back (``snapshot``, ``metrics``) and records every call
    as an event for :class:`Replay`: ``("report", changes)`` (``t_start``/``t_end`` as wall
    clock), ``("batch", step, loss, acc)``, ``("epoch", entry)``, ``("started", precision)``,
    ``("checkpoint", bytes | None)``, ``("evaluation", dict, probs)``, ``("finish", status, key,
    args, advice, details)``, and ``("stop_seen", step)`` when a stop request arrives.

    Args:
        state: the far side's copy of the run's state (:func:`far_state`).
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

        with tempfile.TemporaryDirectory(prefix="cnn-relay-") as folder:
            path = Path(folder) / "model.keras"
            path.write_bytes(self._checkpoint or b"")
            return keras.saving.load_model(path, safe_mode=True)

    def started(self, precision: str) -> None:
        self.emit("started", precision)

    def save_checkpoint(self, model, metrics: dict) -> None:
        # The run store keeps its own copy of the logs (the same calls, replayed): only the weights.
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


class Pusher(threading.Thread):
    """The thread beside a far training loop that sends its events home.

    Every :data:`PUSH_S` it hands the events the :class:`TaskControl` recorded since the last
    push to :meth:`send`; :meth:`close` pushes once more, after the loop has ended, so the
    ``finish`` event always leaves. How the events travel is the subclass's :meth:`send` (the
    child process's pipe, the Ray backend's relay actor).

    Args:
        run_id: the run's id (names the thread).
        control: the run's :class:`TaskControl`.
    """

    def __init__(self, run_id: str, control: TaskControl):
        super().__init__(name=f"push-{run_id}", daemon=True)
        self.run_id, self.control = run_id, control
        self.done = threading.Event()
        # Events taken from the control but not yet acknowledged: a failed push sends them again.
        self._unsent: list = []
        self.sent = 0

    def send(self, events: list, first: int) -> None:
        """Sends ``events`` (maybe none) to the process that keeps the run store.

        ``first`` is the number of this run's events sent before them: a push that failed
        after all (a timeout whose message arrived) is sent again, and the receiver keeps only
        the events it does not have yet.
        """
        raise NotImplementedError

    def push_failed(self, exc: Exception) -> None:
        """A push of the thread's loop raised ``exc``; by default the thread ends with it.

        The run trains on, and :meth:`close` still tries the last push. A transport whose
        failures can pass (a network) overrides this.
        """
        raise exc

    def push(self) -> None:
        """Sends the events recorded since the last successful push, now."""
        batch = self._unsent + self.control.take_events()
        self._unsent = batch  # kept until sent: a failed push loses nothing
        self.send(batch, self.sent)
        self.sent += len(batch)
        self._unsent = []

    def run(self) -> None:
        while not self.done.wait(PUSH_S):
            try:
                self.push()
            except Exception as exc:
                self.push_failed(exc)

    def close(self) -> None:
        """Stops the thread, then pushes the last events (the ``finish`` among them)."""
        self.done.set()
        self.join()
        self.push()


class _ModelFile:
    """Model bytes with the ``save(path)`` that a control's ``save_checkpoint`` calls on a Keras
    model: the run store writes them as it would write a model (model first, then the logs)."""

    def __init__(self, data: bytes):
        self.data = data

    def save(self, path) -> None:
        Path(path).write_bytes(self.data)


class Replay:
    """Applies a :class:`TaskControl`'s events to the run's control in this process.

    Args:
        control: the run's :class:`~cnn_core.train.control.RunControl` here (live state and run
            folder; its ``should_stop`` says whether someone here asked the run to stop).

    Attributes:
        finished: ``True`` once the ``finish`` event was applied (the run has ended).
        stop_seen_step: the last step trained when the far side got the stop request, or ``None``.
    """

    def __init__(self, control: RunControl):
        self.control = control
        self.finished = False
        self.stop_seen_step: int | None = None

    def apply(self, event: tuple) -> None:
        """Applies one event (see :class:`TaskControl` for the kinds)."""
        control = self.control
        kind, *rest = event
        if kind == "report":
            changes = dict(rest[0])
            for name in ("t_start", "t_end"):
                if changes.get(name) is not None:  # wall clock -> this process's perf_counter
                    changes[name] = time.perf_counter() - (time.time() - changes[name])
            # A stop asked here shows at once ("stopping"); a late "running" must not undo it.
            if control.should_stop() and changes.get("status") in ACTIVE_STATUSES:
                changes.pop("status")
            control.report(**changes)
        elif kind == "batch":
            control.log_batch(*rest)
        elif kind == "epoch":
            control.log_epoch(*rest)
        elif kind == "started":
            control.started(rest[0])
        elif kind == "checkpoint":
            # The logs are this process's copy (the same calls, replayed), saved with the weights.
            model = None if rest[0] is None else _ModelFile(rest[0])
            control.save_checkpoint(model, control.metrics())
        elif kind == "evaluation":
            control.save_evaluation(*rest)
        elif kind == "stop_seen":
            self.stop_seen_step = rest[0]
        elif kind == "finish":
            status, key, args, advice, details = rest
            control.finish(status, key, args, advice=advice, details=details)
            self.finished = True

    def apply_all(self, events: list) -> None:
        """Applies ``events`` in order."""
        for event in events:
            self.apply(event)
