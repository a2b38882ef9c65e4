"""The in-process backend: runs train in background threads of this process, a few at a time.

Runs share this process's training slots (``CNN_STUDIO_TRAIN_SLOTS``, one on a 2-core host)
through the fair queue of :mod:`cnn_core.scheduler`: :func:`start_training` always returns at
once, with a run that trains or that waits (status ``"waiting"``, its place in line and estimated
wait in the snapshot) and starts by itself when its turn comes. One active or waiting run per
owner. Each run may hold its slot for at most ``CNN_STUDIO_MAX_RUN_S`` seconds, test included
(:mod:`cnn_core.train.cap`). Each run lives in a folder of the run store (:mod:`cnn_core.runs`),
written after every epoch, so a page reload or a restart loses at most the epoch in flight.
:class:`LocalEngine` wraps these functions as an :class:`~cnn_core.train.engine.Engine`.

With ``process=True`` (the app's engine, ``CNN_STUDIO_TRAIN_PROCESS``) a run's thread does not
train: it hands the run to a warm, niced training process (:mod:`cnn_core.train.child`) and
replays its news here, so training never holds this process's GIL while pages draw. Everything
else (the queue, the cap, the run store and its liveness lock, Stop, Continue) stays here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import socket
import threading
import time
from pathlib import Path

import numpy as np

from cnn_core import runs as _runs
from cnn_core.admission import check_admission
from cnn_core.runs import RunInfo, RunNotFoundError, list_runs, load_run, prune_runs
from cnn_core.scheduler import Job, OwnerBusyError, Scheduler, estimate_run_seconds, max_run_seconds
from cnn_core.spec import ModelSpec, SpecError
from cnn_core.train.child import run_in_child, use_child_process
from cnn_core.train.control import StateControl
from cnn_core.train.errors import SettingsError, TrainingBusyError
from cnn_core.train.recipes import check_recipe
from cnn_core.train.settings import SCHEMA, TrainSettings
from cnn_core.train.snapshot import ACTIVE_STATUSES, QueueEntry, RunState, Snapshot
from cnn_core.train.worker import Resume, run_training

__all__ = [
    "LocalControl",
    "LocalEngine",
    "LocalRunHandle",
    "continue_training",
    "current_run",
    "load_run_model",
    "reset_scheduler",
    "scheduler",
    "start_training",
]

# Seconds a run spends outside its training epochs (data, model, final test): a rough figure for
# the estimated wait of the runs behind it.
RUN_OVERHEAD_S = 15.0
# Read the cap from CNN_STUDIO_MAX_RUN_S when the run is started.
_FROM_ENV = object()


class LocalRunHandle:
    """A run in progress (or finished) in this process.

    Attributes:
        run_id: the run's id (its folder name).
        owner: the visitor who started it.
        path: the run folder.
        where: the process training it once it has its slot (``{"host", "pid"}``: a training
            child's pid, or this process's).
        stop_seen_step: in a training child, the last step trained when Stop reached it.
    """

    def __init__(self, run_id: str, owner: str, path: Path, state: RunState):
        self.run_id = run_id
        self.owner = owner
        self.path = path
        self._state = state
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._scheduler: Scheduler | None = None
        # time.monotonic() value the run must end by (set when it gets its slot), or None.
        self.deadline: float | None = None
        self.where: dict | None = None
        self.stop_seen_step: int | None = None

    def snapshot(self) -> Snapshot:
        """Returns the current :class:`Snapshot` (never blocks on training).

        While the run waits, ``queue_position`` is its place in line and ``eta_s`` the estimated
        wait, both from the queue as it is now.
        """
        snap = self._state.snapshot()
        if snap.status != "waiting" or self._scheduler is None:
            return snap
        line = self._scheduler.entry(self.run_id)
        if line is None or line.status != "waiting":  # its turn came meanwhile
            return self._state.snapshot()
        return dataclasses.replace(snap, queue_position=line.position, eta_s=line.eta_s)

    def stop(self) -> None:
        """Asks the run to stop after the batch in flight; the weights so far are kept. A run
        still waiting for its turn leaves the line instead."""
        if self._leave_line():
            return
        self._stop.set()
        with self._state.lock:
            if self._state.status in ("queued", "running"):
                self._state.status = "stopping"

    def cancel(self) -> None:
        """Takes a waiting run out of the line (status ``"cancelled"``); a training run stops."""
        self.stop()

    def _leave_line(self) -> bool:
        with self._state.lock:
            waiting = self._state.status == "waiting"
        if not (waiting and self._scheduler and self._scheduler.cancel(self.run_id, self.owner)):
            return False
        self._state.update(
            status="cancelled",
            message_key="queue.msg.cancelled",
            message_args={},
            eta_s=0.0,
            queue_position=None,
        )
        with contextlib.suppress(OSError):
            _runs.update_meta(self.path, status="cancelled", message_key="queue.msg.cancelled")
        return True

    def join(self, timeout: float | None = None) -> bool:
        """Waits for the run to end (waiting for its turn first); returns ``True`` when it has."""
        end = None if timeout is None else time.monotonic() + timeout
        while self._thread is None and not self.done:
            if end is not None and time.monotonic() >= end:
                return False
            time.sleep(0.05)
        if self._thread is not None:
            self._thread.join(None if end is None else max(0.0, end - time.monotonic()))
        return self.done

    @property
    def done(self) -> bool:
        if self._thread is None:  # still in line, or taken out of it
            return self._state.snapshot().status == "cancelled"
        return not self._thread.is_alive()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def __repr__(self) -> str:
        return f"LocalRunHandle({self.run_id!r}, owner={self.owner!r}, {self.snapshot()!r})"


class LocalControl(StateControl):
    """The :class:`~cnn_core.train.control.RunControl` of a run trained in this process: live
    state in the handle's :class:`RunState`, files in the run folder."""

    def __init__(self, handle: LocalRunHandle):
        super().__init__(handle._state)
        self.handle = handle
        self.folder = handle.path

    def should_stop(self) -> bool:
        return self.handle.stop_requested

    def deadline(self) -> float | None:
        return self.handle.deadline

    def load_checkpoint(self):
        import keras

        return keras.saving.load_model(self.folder / "model.keras", safe_mode=True)

    def started(self, precision: str) -> None:
        _runs.update_meta(self.folder, status="running", precision=precision, pid=os.getpid())

    def save_checkpoint(self, model, metrics: dict) -> None:
        _runs.save_checkpoint(self.folder, None if model is None else model.save, metrics)

    def save_evaluation(self, evaluation: dict, test_probs) -> None:
        _runs.write_json(self.folder / "evaluation.json", evaluation)
        tmp = self.folder / ".test_probs.tmp.npy"
        np.save(tmp, np.asarray(test_probs))
        tmp.replace(self.folder / "test_probs.npy")
        self.state.update(evaluation=evaluation)

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
        with contextlib.suppress(OSError):
            if details:
                (self.folder / "error.log").write_text(details)
            _runs.update_meta(
                self.folder,
                status=status,
                message_key=key,
                message_args=dict(args),
                advice=list(advice),
            )


# The process's training slots and line (made on first use, from CNN_STUDIO_TRAIN_SLOTS).
_SCHEDULER: Scheduler | None = None
_SCHEDULER_LOCK = threading.Lock()
_HANDLES: dict[str, LocalRunHandle] = {}
_HANDLES_LOCK = threading.Lock()


def scheduler() -> Scheduler:
    """Returns this process's :class:`~cnn_core.scheduler.Scheduler` (made on first use).

    Raises:
        ValueError: if ``CNN_STUDIO_TRAIN_SLOTS`` is not a positive whole number.
    """
    global _SCHEDULER
    with _SCHEDULER_LOCK:
        if _SCHEDULER is None:
            _SCHEDULER = Scheduler()
        return _SCHEDULER


def reset_scheduler(slots: int | None = None) -> Scheduler:
    """Replaces the process's scheduler with an empty one (tests; no run may be active).

    Args:
        slots: training slots (default: from ``CNN_STUDIO_TRAIN_SLOTS``).

    Returns:
        The new scheduler.
    """
    global _SCHEDULER
    with _SCHEDULER_LOCK:
        _SCHEDULER = Scheduler(slots)
    with _HANDLES_LOCK:
        _HANDLES.clear()
    return _SCHEDULER


def current_run(owner: str) -> LocalRunHandle | None:
    """Returns the latest run ``owner`` started in this process (running or ended), if any."""
    with _HANDLES_LOCK:
        return _HANDLES.get(owner)


def _thread_main(handle: LocalRunHandle, spec, settings, data, resume, process: bool) -> None:
    try:
        control = LocalControl(handle)
        if process:
            # At most one busy child per slot; as many kept idle, warm for the next runs.
            keep = scheduler().slots
            run_in_child(handle, control, spec, settings, data=data, resume=resume, keep=keep)
        else:
            handle.where = {"host": socket.gethostname(), "pid": os.getpid()}
            run_training(spec, settings, control, data=data, resume=resume)
    finally:
        # Frees the slot; the next run in line starts from here.
        scheduler().finished(handle.run_id)


def _launch(handle: LocalRunHandle, spec, settings, data, resume, max_run_s, process) -> None:
    """The scheduler's launcher: the run has a slot now; its clock (the cap) starts here."""
    if max_run_s is not None:
        handle.deadline = time.monotonic() + max_run_s
    handle._state.update(
        status="queued", message_key="train.msg.loading_data", message_args={}, eta_s=None
    )
    with contextlib.suppress(OSError):
        _runs.update_meta(handle.path, status="queued", message_key=None, pid=os.getpid())
    thread = threading.Thread(
        target=_thread_main,
        args=(handle, spec, settings, data, resume, process),
        name=f"train-{handle.run_id}",
        daemon=True,
    )
    handle._thread = thread
    thread.start()


def _time_left(handle: LocalRunHandle) -> float | None:
    """A running job's seconds left for the queue: its own estimate, within its deadline."""
    snap = handle._state.snapshot()
    left = snap.eta_s if snap.status in ("running", "stopping") else None
    if handle.deadline is not None:
        cap_left = max(0.0, handle.deadline - time.monotonic())
        left = cap_left if left is None else min(left, cap_left)
    return left


def _cap(max_run_s) -> float | None:
    return max_run_seconds() if max_run_s is _FROM_ENV else max_run_s


def _enqueue(
    handle: LocalRunHandle, spec, settings, data, resume, *, max_run_s, process: bool
) -> LocalRunHandle:
    """Puts a run in line (it starts at once when a slot is free); registers it for attach()."""
    epochs = settings.epochs if resume is None else resume.extra_epochs
    sched = scheduler()
    handle._scheduler = sched
    estimate = estimate_run_seconds(
        time_budget_s=settings.time_budget_s,
        epochs=epochs,
        epoch_seconds=cached_epoch_seconds(spec, settings),
        max_run_s=max_run_s,
        overhead_s=RUN_OVERHEAD_S,
    )
    job = Job(
        handle.run_id,
        handle.owner,
        launch=lambda job: _launch(handle, spec, settings, data, resume, max_run_s, process),
        estimate_s=estimate,
        remaining=lambda: _time_left(handle),
        tags=dict(handle._state.tags),
    )
    with _HANDLES_LOCK:
        before = _HANDLES.get(handle.owner)
        _HANDLES[handle.owner] = handle
    try:
        sched.submit(job)
    except BaseException:
        with _HANDLES_LOCK:
            if before is not None:
                _HANDLES[handle.owner] = before
            else:
                _HANDLES.pop(handle.owner, None)
        raise
    return handle


def _refuse_second_run(owner: str) -> None:
    line = scheduler().owner_entry(owner)
    if line is not None:
        raise OwnerBusyError(line.run_id)


def cached_epoch_seconds(spec: ModelSpec, settings: TrainSettings) -> float | None:
    """Seconds per epoch if this design was already measured in this process, else ``None``
    (measuring builds a model: not something to do while another run trains)."""
    from cnn_core.train import estimates

    try:
        return estimates.cached_epoch_seconds(spec, settings)
    except Exception:  # an estimate is a nicety; the wait falls back to the budget or the cap
        return None


def _check_tags(tags) -> dict:
    if tags is None:
        return {}
    if not isinstance(tags, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in tags.items()
    ):
        raise SettingsError("tags", tags)
    return dict(tags)


def check_start(spec: ModelSpec, settings, *, owner: str, tags=None) -> dict[str, str]:
    """Every check a new run passes before anything is created, for every backend.

    Args:
        spec: the model design.
        settings: the ``TrainSettings``.
        owner: the visitor id.
        tags: the run's tags.

    Returns:
        The checked tags.

    Raises:
        ValueError, TypeError, SpecError, SettingsError, RecipeError, AdmissionError: as for
            :func:`start_training`.
    """
    from cnn_core.spec import summarize

    if not owner or not isinstance(owner, str):
        raise ValueError("owner must be a non-empty string")
    if not isinstance(spec, ModelSpec):
        raise TypeError(f"expected a ModelSpec, got {type(spec).__name__}")
    tags = _check_tags(tags)
    settings.check()
    errors = summarize(spec).errors
    if errors:
        raise SpecError(errors)
    check_recipe(spec, settings)
    check_admission(spec, settings)
    return tags


def start_training(
    spec: ModelSpec,
    settings: TrainSettings,
    *,
    owner: str,
    runs_dir=None,
    data=None,
    tags=None,
    max_run_s=_FROM_ENV,
    process: bool = False,
) -> LocalRunHandle:
    """Starts training ``spec`` in a background thread, or puts it in line; returns at once.

    Args:
        spec: the model design.
        settings: how to train.
        owner: the visitor id that will own the run.
        runs_dir: runs folder (default ``$CNN_STUDIO_RUNS`` or ``<repo>/runs``).
        data: a dataset object (``x_train``, ``y_train``, ``x_val``, ``y_val``, ``x_test``,
            ``y_test``); loaded with :func:`cnn_core.data.load_dataset` when ``None``.
        tags: a small dict of strings kept with the run (``meta.json``, ``RunInfo.tags``).
        max_run_s: the most seconds the run may hold its slot, test included (default:
            ``CNN_STUDIO_MAX_RUN_S``, 600 s; ``None``: no cap).
        process: train in a training child process (:mod:`cnn_core.train.child`) that the
            background thread follows, instead of in the thread itself.

    Returns:
        A :class:`LocalRunHandle`; poll ``handle.snapshot()`` (``"waiting"`` while in line).

    Raises:
        OwnerBusyError: if ``owner`` already has a run training or waiting.
        SpecError: if the design has errors.
        SettingsError: if a setting (or the tags) is invalid.
        RecipeError: if ``whiten`` or ``low_res`` do not suit the network.
        AdmissionError: if this host will not run it (:func:`cnn_core.admission.check_admission`).
        ValueError: if ``owner`` is empty.
    """
    tags = check_start(spec, settings, owner=owner, tags=tags)
    cap = _cap(max_run_s)
    _refuse_second_run(owner)
    prune_runs(runs_dir)
    folder = _runs.create_run_folder(owner, spec.to_dict(), settings.to_dict(), runs_dir, tags=tags)
    _runs.update_meta(folder, status="waiting", pid=os.getpid())
    state = RunState(folder.name, settings.epochs, status="waiting", tags=tags)
    state.message_key = "queue.msg.waiting"
    handle = LocalRunHandle(folder.name, owner, folder, state)
    try:
        return _enqueue(handle, spec, settings, data, None, max_run_s=cap, process=process)
    except OwnerBusyError:  # a second press from the same visitor won the race
        _runs.delete_run(folder.name, owner, runs_dir)
        raise


def _no_model(run_id: str) -> RunNotFoundError:
    err = RunNotFoundError(run_id)
    err.key = "train.error.no_model"
    return err


def continue_training(
    run_id: str,
    extra_epochs: int,
    *,
    owner: str,
    runs_dir=None,
    data=None,
    max_run_s=_FROM_ENV,
    process: bool = False,
) -> LocalRunHandle:
    """Trains a saved run for ``extra_epochs`` more epochs, from its weights and optimizer state.

    The learning-rate schedule (if any) runs again over the extra epochs, and the time budget does
    not apply (the host's cap does). It waits in line like a new run. Metrics are appended to the
    same run folder.

    Args:
        run_id: a run of ``owner`` with saved weights.
        extra_epochs: how many more epochs.
        owner: the visitor id.
        runs_dir: runs folder.
        data: dataset object, as for :func:`start_training`.
        max_run_s: as for :func:`start_training`.
        process: as for :func:`start_training`.

    Returns:
        A :class:`LocalRunHandle` with the same ``run_id``.

    Raises:
        RunNotFoundError: if the run is not ``owner``'s, or has no saved weights (``.key`` is
            ``"train.error.no_model"``).
        SettingsError: if ``extra_epochs`` is not a whole number within the settings schema's
            epochs (1-200).
        AdmissionError: if this host will not run it.
        TrainingBusyError: if this run is itself training or waiting.
        OwnerBusyError: if ``owner`` has another run training or waiting.
    """
    most = _EPOCHS_SETTING.high
    if (
        not isinstance(extra_epochs, int)
        or isinstance(extra_epochs, bool)
        or not 1 <= extra_epochs <= most
    ):
        raise SettingsError("extra_epochs", extra_epochs)
    info = load_run(run_id, owner, runs_dir)
    if not info.has_model:
        raise _no_model(run_id)
    if info.status in ACTIVE_STATUSES:
        raise TrainingBusyError()
    spec = ModelSpec.from_dict(info.spec)
    # More epochs at full size, from the learned (and, if whitened, kept) first-layer filters.
    settings = TrainSettings.from_dict(info.settings).replace(time_budget_s=None, low_res=0.0)
    check_admission(spec, settings, purpose="continue", extra_epochs=extra_epochs)
    cap = _cap(max_run_s)
    _refuse_second_run(owner)
    state = RunState(run_id, info.epochs_done + extra_epochs, status="waiting", tags=info.tags)
    state.message_key = "queue.msg.waiting"
    state.epoch_log = [e for e in info.epoch_log if not e.get("partial")]
    metrics = _runs.read_json(info.path / "metrics.json", {}) or {}
    state.batch_log = list(metrics.get("batch_log", []))
    state.val_log = list(metrics.get("val_log", []))
    state.stride = max(1, _stride_of(state.batch_log))
    handle = LocalRunHandle(run_id, owner, info.path, state)
    resume = Resume(initial_epoch=len(state.epoch_log), extra_epochs=extra_epochs)
    _runs.update_meta(info.path, status="waiting", pid=os.getpid())
    try:
        return _enqueue(handle, spec, settings, data, resume, max_run_s=cap, process=process)
    except OwnerBusyError:
        _runs.update_meta(info.path, status=info.status)
        raise


_EPOCHS_SETTING = SCHEMA["epochs"]


def _stride_of(batch_log: list) -> int:
    if len(batch_log) < 2:
        return 1
    return int(batch_log[-1]["step"] - batch_log[-2]["step"])


def load_run_model(run_id: str, owner: str, runs_dir=None):
    """Loads the saved Keras model of one of ``owner``'s runs (``safe_mode=True``).

    Args:
        run_id: the run's id.
        owner: the visitor asking.
        runs_dir: runs folder.

    Returns:
        The ``keras.Model``.

    Raises:
        RunNotFoundError: if the run is not ``owner``'s or has no saved model.
    """
    import keras

    info = load_run(run_id, owner, runs_dir)
    if not info.has_model:
        raise _no_model(run_id)
    return keras.saving.load_model(info.path / "model.keras", safe_mode=True)


class LocalEngine:
    """The in-process :class:`~cnn_core.train.engine.Engine` (what :func:`get_engine` returns
    without a cluster). Every instance shares this process's one training slot.

    Args:
        runs_dir: runs folder (default ``$CNN_STUDIO_RUNS`` or ``<repo>/runs``).
        data: a dataset object every run trains on (tests); loaded per run when ``None``.
        max_run_s: the cap on one run in seconds (default: ``CNN_STUDIO_MAX_RUN_S`` when a run
            starts; ``None``: no cap).
        process: train each run in a warm, niced child process (:mod:`cnn_core.train.child`)
            instead of a thread of this process; ``None``: ``CNN_STUDIO_TRAIN_PROCESS`` (``1`` or
            ``0``), off when unset (the app's :func:`~cnn_core.train.engine.get_engine` turns it
            on).

    Raises:
        ValueError: if ``CNN_STUDIO_TRAIN_PROCESS`` is set to something other than 1 or 0.
    """

    def __init__(self, runs_dir=None, data=None, max_run_s=_FROM_ENV, process: bool | None = None):
        self.runs_dir = runs_dir
        self.data = data
        self.max_run_s = max_run_s
        self.process = use_child_process(default=False) if process is None else bool(process)

    def start(
        self,
        spec: ModelSpec,
        settings: TrainSettings,
        *,
        owner: str,
        tags: dict[str, str] | None = None,
    ) -> LocalRunHandle:
        return start_training(
            spec,
            settings,
            owner=owner,
            runs_dir=self.runs_dir,
            data=self.data,
            tags=tags,
            max_run_s=self.max_run_s,
            process=self.process,
        )

    def attach(self, owner: str) -> LocalRunHandle | None:
        return current_run(owner)

    def list_runs(self, owner: str) -> list[RunInfo]:
        return list_runs(owner, self.runs_dir)

    def load_run(self, run_id: str, owner: str) -> RunInfo:
        return load_run(run_id, owner, self.runs_dir)

    def load_model(self, run_id: str, owner: str):
        return load_run_model(run_id, owner, self.runs_dir)

    def continue_run(self, run_id: str, extra_epochs: int, *, owner: str) -> LocalRunHandle:
        return continue_training(
            run_id,
            extra_epochs,
            owner=owner,
            runs_dir=self.runs_dir,
            data=self.data,
            max_run_s=self.max_run_s,
            process=self.process,
        )

    def delete_run(self, run_id: str, owner: str) -> None:
        _runs.delete_run(run_id, owner, self.runs_dir)

    def queue(self) -> list[QueueEntry]:
        with _HANDLES_LOCK:
            handles = {h.run_id: h for h in _HANDLES.values()}
        entries = []
        for line in scheduler().entries():
            handle = handles.get(line.run_id)
            status = line.status
            if handle is not None and status != "waiting":
                status = handle._state.snapshot().status  # queued, running or stopping
            entries.append(
                QueueEntry(
                    run_id=line.run_id,
                    owner=line.owner,
                    status=status,
                    position=line.position,
                    eta_s=line.eta_s,
                    tags=dict(line.tags),
                )
            )
        return entries
