"""Training in a child process: one warm, low-priority TensorFlow process per training slot.

On a small shared server the app process both trains and draws pages. Making the training threads
nicer (:mod:`cnn_core.priority`) is not enough there: Keras's fit loop and the numpy batch
generator hold the one GIL the page scripts need too, so pages drew 3x slower while a quick demo
trained. Here the training loop runs in a child process instead, niced as a whole, and the app
process only follows it, exactly as the Ray backend's driver follows a Ray task
(:mod:`cnn_core.train.relay`):

- **The parent** (the app server) sends the run over a pipe, replays the child's events into the
  run's :class:`~cnn_core.train.local.LocalControl` (live snapshots, every file of the run store,
  the liveness lock: all here, so nothing else changes), forwards a Stop, and notices a dead
  child: the run then ends ``"interrupted"``, its last saved epoch kept for Continue.
- **The child** runs :func:`~cnn_core.train.worker.run_training` against a
  :class:`~cnn_core.train.relay.TaskControl` and sends its events back a few times a second. It
  stays alive between runs, so TensorFlow is imported and the dataset loaded once (the dataset is
  kept by :func:`cnn_core.data.load_dataset`'s own per-process cache); it exits when the pipe
  closes (the parent is gone).

The pool keeps at most one idle child per training slot (``scheduler().slots``); a dead one is
replaced on the next run. ``CNN_STUDIO_TRAIN_PROCESS`` (``1``/``0``) turns it on or off; the app
has it on (:func:`cnn_core.train.engine.get_engine`), a plain ``LocalEngine()`` off. Children are
started with ``spawn`` (a fresh interpreter), which imports the parent's main script again: a
script that trains this way needs the usual ``if __name__ == "__main__":`` guard
(``streamlit run`` and ``pytest`` have theirs).

No TensorFlow in the parent here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import queue
import socket
import threading
import time
import traceback

from cnn_core import runs as _runs
from cnn_core.priority import TRAINING_NICENESS, lower_training_priority, process_threads
from cnn_core.spec import ModelSpec
from cnn_core.train.relay import Pusher, Replay, TaskControl, far_state, lost_message
from cnn_core.train.settings import TrainSettings
from cnn_core.train.snapshot import ACTIVE_STATUSES
from cnn_core.train.worker import Resume, failure_message, run_training

__all__ = [
    "PROCESS_ENV",
    "ChildPool",
    "TrainingChild",
    "pool",
    "run_in_child",
    "shutdown",
    "use_child_process",
]

#: ``1``: runs train in a child process; ``0``: in a thread of this process.
PROCESS_ENV = "CNN_STUDIO_TRAIN_PROCESS"
# How often the parent looks for news: the child pushes every PUSH_S, pages redraw every second.
POLL_S = 0.25
# A child still training this long after its run's cap is stuck (the loop ends itself well before
# the cap, test included): it is killed so the slot comes back. A thread could not be killed.
STUCK_AFTER_CAP_S = 120.0
# Seconds a closed child gets to exit by itself before it is killed.
CLOSE_WAIT_S = 5.0


def use_child_process(default: bool) -> bool:
    """Whether runs train in a child process (``CNN_STUDIO_TRAIN_PROCESS``).

    Args:
        default: the answer when the variable is not set.

    Returns:
        ``True`` for ``1`` (or ``true``, ``yes``, ``on``), ``False`` for ``0`` (or ``false``,
        ``no``, ``off``).

    Raises:
        ValueError: if the variable holds anything else.
    """
    raw = os.environ.get(PROCESS_ENV, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{PROCESS_ENV} must be 1 or 0, got {raw!r}")


# -- the child ------------------------------------------------------------------------------------


def _lower_process_priority() -> None:
    """The whole child yields to the app's page drawing.

    On Linux a nice value belongs to a thread, and new threads inherit their creator's. Threads
    can exist before ``child_main`` runs (importing numpy starts OpenBLAS's workers while the
    spawned child unpickles its target), so every thread there is now is lowered too; the ones
    started later inherit it.
    """
    target = TRAINING_NICENESS
    if target <= 0 or not hasattr(os, "nice"):
        return
    with contextlib.suppress(OSError):
        now = os.nice(0)
        if now < target:
            os.nice(target - now)
    lower_training_priority(target, extra_tids=process_threads())


class _Sender:
    """The child's end of the pipe, shared by the pusher and the main thread (one send at a time:
    two interleaved messages would corrupt the stream)."""

    def __init__(self, conn):
        self.conn = conn
        self.lock = threading.Lock()

    def send(self, message) -> None:
        try:
            with self.lock:
                self.conn.send(message)
        except (OSError, ValueError):
            os._exit(0)  # the parent is gone: nobody would hear of this run


@dataclasses.dataclass
class _RunOrder:
    """What the parent's ``("run", order)`` message gives the child: everything the run needs,
    nothing the child cannot rebuild. It crosses the pipe pickled: a module-level class, so the
    child finds it by name.

    Attributes:
        run_id: the run's id.
        epochs: epochs planned.
        metrics: a continued run's logs and ``stride``, or ``None``.
        spec: ``ModelSpec.to_dict()``.
        settings: ``TrainSettings.to_dict()``.
        resume: ``{"initial_epoch", "extra_epochs"}`` for a continued run, or ``None``.
        checkpoint: a continued run's ``.keras`` bytes, or ``None``.
        run_seconds: the time left under the run's cap, or ``None``.
        data: the dataset (tests), or ``None``: the child loads the settings' dataset.
    """

    run_id: str
    epochs: int
    metrics: dict | None
    spec: dict
    settings: dict
    resume: dict | None
    checkpoint: bytes | None
    run_seconds: float | None
    data: object


class _Job:
    """One run the parent sent, and whether a stop for it arrived (before or while it trains)."""

    def __init__(self, order: _RunOrder):
        self.run_id = order.run_id
        # Dropped once trained: the reader keeps the latest job (to match a late stop), which
        # must not keep its dataset and weights alive until the next run.
        self.order: _RunOrder | None = order
        self.lock = threading.Lock()
        self.control: TaskControl | None = None
        self.stop_asked = False
        self.ended = False

    def begin(self, control: TaskControl) -> None:
        with self.lock:
            self.control = control
            if self.stop_asked:  # Stop was pressed while the message crossed
                control.request_stop()

    def stop(self) -> None:
        # A late stop for an ended run is dropped: a Continue of the same run id comes later.
        with self.lock:
            if self.ended:
                return
            self.stop_asked = True
            if self.control is not None:
                self.control.request_stop()

    def end(self) -> None:
        with self.lock:
            self.ended = True


def _read(conn, jobs: queue.Queue) -> None:
    """The child's reader thread: runs go to the main thread, stops to the run they name."""
    latest: _Job | None = None
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            os._exit(0)  # the parent is gone (or closed the pipe): so is this process
        if message[0] == "run":
            latest = _Job(message[1])
            jobs.put(latest)
        elif message[0] == "stop" and latest is not None and latest.run_id == message[1]:
            latest.stop()


class _Pusher(Pusher):
    """Sends the run's events to the parent over the pipe (see :class:`~.relay.Pusher`)."""

    def __init__(self, sender: _Sender, run_id: str, control: TaskControl):
        super().__init__(run_id, control)
        self.sender = sender

    def send(self, events: list, first: int) -> None:
        # A pipe delivers or the parent is gone: ``first`` (for retries) is not needed here.
        if events:  # nothing new: no message (each one wakes the parent)
            self.sender.send(("events", self.run_id, events))


def _train(sender: _Sender, job: _Job) -> None:
    """Trains one run to its end in this (child) process."""
    order = job.order
    state = far_state(order.run_id, order.epochs, order.metrics)
    control = TaskControl(state, order.checkpoint, order.run_seconds)
    job.begin(control)
    pusher = _Pusher(sender, order.run_id, control)
    pusher.start()
    try:
        settings = TrainSettings.from_dict(order.settings)
        run_training(
            ModelSpec.from_dict(order.spec),
            settings,
            control,
            data=order.data,  # None: load_data, cached by load_dataset for the next runs
            resume=None if order.resume is None else Resume(**order.resume),
        )
    except BaseException as exc:  # the loop never raises; reading the message might
        if state.status in ACTIVE_STATUSES:
            key, args = failure_message(exc, TrainSettings())
            control.finish("failed", key, args, details=traceback.format_exc())
    finally:
        job.end()
        pusher.close()
        sender.send(("done", job.run_id, state.status))
        job.order = None
        with contextlib.suppress(Exception):
            import keras

            keras.backend.clear_session()  # this process trains the next run: start it clean


def child_main(conn) -> None:
    """The child process's whole life: trains the runs its parent sends, one at a time, until the
    pipe closes.

    Args:
        conn: the child's end of a ``multiprocessing.Pipe``.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    _lower_process_priority()  # first, before any thread exists: they all inherit it
    jobs: queue.Queue = queue.Queue()
    threading.Thread(target=_read, args=(conn, jobs), name="child-read", daemon=True).start()
    sender = _Sender(conn)
    while True:
        _train(sender, jobs.get())


# -- the parent -----------------------------------------------------------------------------------


class TrainingChild:
    """One training process and the parent's end of its pipe.

    Attributes:
        pid: the child's process id.
    """

    def __init__(self):
        # spawn, not fork: the app process has threads (Streamlit's, TensorFlow's) a fork would
        # copy mid-lock; a fresh interpreter imports only what training needs.
        context = multiprocessing.get_context("spawn")
        self.conn, child_end = context.Pipe(duplex=True)
        self.process = context.Process(
            target=child_main, args=(child_end,), name="cnn-studio-train", daemon=True
        )
        self.process.start()
        # Only the child holds its end now: when the child dies, the parent reads EOF.
        child_end.close()
        self.pid = self.process.pid

    @property
    def alive(self) -> bool:
        return self.process.exitcode is None

    def send(self, message) -> None:
        """Sends ``message``; raises ``OSError`` (or ``EOFError``) if the child is gone."""
        self.conn.send(message)

    def exit_text(self) -> str:
        """How the child ended, for the run's ``error.log``."""
        code = self.process.exitcode
        how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        return f"training process {self.pid} ended ({how})"

    def kill(self) -> None:
        """Kills the child and waits for it (so it never goes back to the pool half dead)."""
        with contextlib.suppress(OSError, ValueError):
            self.process.kill()
        self.process.join(CLOSE_WAIT_S)

    def close(self) -> None:
        """Ends the child: it exits when its pipe closes; killed if it does not."""
        with contextlib.suppress(OSError):
            self.conn.close()
        self.process.join(CLOSE_WAIT_S)
        if self.process.exitcode is None:
            self.kill()


class ChildPool:
    """The idle training processes of this process, reused run after run."""

    def __init__(self):
        self._idle: list[TrainingChild] = []
        self._lock = threading.Lock()

    def take(self) -> TrainingChild:
        """An idle live child, else a new one (started here: spawning takes a fraction of a
        second; TensorFlow is imported by the first run)."""
        with self._lock:
            while self._idle:
                child = self._idle.pop()
                if child.alive:
                    return child
                child.close()
        return TrainingChild()

    def give_back(self, child: TrainingChild, keep: int) -> None:
        """Keeps ``child`` for the next run, unless it died or ``keep`` children already wait."""
        with self._lock:
            if child.alive and len(self._idle) < keep:
                self._idle.append(child)
                return
        child.close()

    def idle_pids(self) -> list[int]:
        """The process ids of the idle children."""
        with self._lock:
            return [c.pid for c in self._idle]

    def shutdown(self) -> None:
        """Ends every idle child (a busy one ends when its run does and it is given back)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for child in idle:
            child.close()


_POOL = ChildPool()


def pool() -> ChildPool:
    """This process's :class:`ChildPool`."""
    return _POOL


def shutdown() -> None:
    """Ends this process's idle training children (tests; they also die with this process)."""
    _POOL.shutdown()


def _message(handle, control, spec, settings, data, resume) -> tuple:
    """The ``("run", order)`` message of a run (see :class:`_RunOrder`)."""
    state = control.state
    metrics = None
    checkpoint = None
    if resume is not None:
        metrics = {**control.metrics(), "stride": state.stride}
        checkpoint = (handle.path / "model.keras").read_bytes()
        resume = {"initial_epoch": resume.initial_epoch, "extra_epochs": resume.extra_epochs}
    left = None if handle.deadline is None else max(0.0, handle.deadline - time.monotonic())
    order = _RunOrder(
        run_id=handle.run_id,
        epochs=state.epochs,
        metrics=metrics,
        spec=spec.to_dict(),
        settings=settings.to_dict(),
        resume=resume,
        checkpoint=checkpoint,
        run_seconds=left,
        data=data,
    )
    return ("run", order)


def _send_run(message: tuple, keep: int) -> TrainingChild:
    """Gives the run to an idle child; one that died while idle is replaced once."""
    child = _POOL.take()
    try:
        child.send(message)
        return child
    except (OSError, EOFError):  # it died while it waited for a run
        child.close()
    except BaseException:  # the message would not pickle: nothing was written, the child is fine
        _POOL.give_back(child, keep)
        raise
    child = TrainingChild()
    try:
        child.send(message)
    except BaseException:
        child.close()
        raise
    return child


def _receive(conn, timeout: float) -> tuple[list, bool]:
    """The messages waiting in the pipe (waiting up to ``timeout`` for the first), and whether
    the child's end closed (the child is gone; what it sent before is still returned)."""
    messages: list = []
    try:
        ready = conn.poll(timeout)
        while ready:
            messages.append(conn.recv())
            ready = conn.poll()
    except (EOFError, OSError):
        return messages, True
    return messages, False


def _follow(handle, child: TrainingChild, replay: Replay) -> str | None:
    """Replays the child's news until it says the run is done; returns ``None`` then, or why the
    run was lost (the child died, or was killed stuck past its cap). Raises what replaying here
    raises (say, a full disk)."""
    asked_stop = False
    while True:
        if handle.stop_requested and not asked_stop:
            asked_stop = True
            with contextlib.suppress(OSError, ValueError):
                child.send(("stop", handle.run_id))
        messages, gone = _receive(child.conn, POLL_S)
        for message in messages:
            if message[0] == "done":
                return None
            if message[0] == "events":
                replay.apply_all(message[2])
                if replay.stop_seen_step is not None:
                    handle.stop_seen_step = replay.stop_seen_step
        # A dead child's last messages are read first (the next round), then its end.
        if gone or (not child.alive and not child.conn.poll()):
            child.process.join(CLOSE_WAIT_S)
            return child.exit_text()
        if handle.deadline is not None and time.monotonic() > handle.deadline + STUCK_AFTER_CAP_S:
            child.kill()
            return f"training process {child.pid} killed: still running past its cap"


def run_in_child(handle, control, spec, settings, *, data=None, resume=None, keep=1) -> None:
    """Trains one run in a training child process and follows it to its end; never raises.

    Called from the run's thread in this process, in place of
    :func:`~cnn_core.train.worker.run_training` (which the child runs).

    Args:
        handle: the run's :class:`~cnn_core.train.local.LocalRunHandle` (its ``deadline``, Stop
            request and folder; ``where`` and ``stop_seen_step`` are set here).
        control: the run's control in this process; the child's events are replayed into it.
        spec: the model design.
        settings: the ``TrainSettings``.
        data: a dataset object sent to the child (tests); ``None``: the child loads (and keeps)
            the settings' dataset.
        resume: a :class:`~cnn_core.train.worker.Resume` for a continued run (its weights are
            sent from ``model.keras``), or ``None``.
        keep: idle children to keep afterwards (the scheduler's training slots).
    """
    try:
        child = _send_run(_message(handle, control, spec, settings, data, resume), keep)
    except BaseException as exc:  # no process, a missing checkpoint, data that will not travel
        key, args = failure_message(exc, settings)
        control.finish("failed", key, args, details=traceback.format_exc())
        return
    try:
        handle.where = {"host": socket.gethostname(), "pid": child.pid}
        # Which process trains it: a diagnostic (liveness is this process's lock, never a pid).
        with contextlib.suppress(Exception):
            _runs.update_meta(handle.path, backend="process", train_pid=child.pid)
        replay = Replay(control)
        try:
            lost = _follow(handle, child, replay)
        except BaseException as exc:  # replaying failed here (say, a full disk): end it readably
            child.kill()
            if not replay.finished:
                key, args = failure_message(exc, settings)
                control.finish("failed", key, args, details=traceback.format_exc())
            return
        if replay.finished:
            return
        if lost is None:  # "done" without a finish: the loop's promise was broken
            control.finish("failed", "train.error.unexpected", {"kind": "TrainingProcess"})
            return
        key, args = lost_message("train.msg.process_lost", handle.path)
        control.finish("interrupted", key, args, details=lost)
    finally:
        _POOL.give_back(child, keep)
