"""The in-process backend: runs train in a background thread of this process, one at a time.

A second :func:`start_training` while one trains raises :class:`TrainingBusyError` (one slot per
process: a second run would halve the speed of both on a small server). Each run lives in a
folder of the run store (:mod:`cnn_core.runs`), written after every epoch, so a page reload or a
restart loses at most the epoch in flight. :class:`LocalEngine` wraps these functions as an
:class:`~cnn_core.train.engine.Engine`.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

import numpy as np

from cnn_core import runs as _runs
from cnn_core.admission import check_admission
from cnn_core.runs import RunInfo, RunNotFoundError, list_runs, load_run, prune_runs
from cnn_core.spec import ModelSpec, SpecError
from cnn_core.train.control import StateControl
from cnn_core.train.errors import SettingsError, TrainingBusyError
from cnn_core.train.recipes import check_recipe
from cnn_core.train.settings import TrainSettings
from cnn_core.train.snapshot import ACTIVE_STATUSES, QueueEntry, RunState, Snapshot
from cnn_core.train.worker import Resume, run_training

__all__ = [
    "LocalControl",
    "LocalEngine",
    "LocalRunHandle",
    "continue_training",
    "current_run",
    "load_run_model",
    "start_training",
]


class LocalRunHandle:
    """A run in progress (or finished) in this process.

    Attributes:
        run_id: the run's id (its folder name).
        owner: the visitor who started it.
        path: the run folder.
    """

    def __init__(self, run_id: str, owner: str, path: Path, state: RunState):
        self.run_id = run_id
        self.owner = owner
        self.path = path
        self._state = state
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def snapshot(self) -> Snapshot:
        """Returns the current :class:`Snapshot` (never blocks on training)."""
        return self._state.snapshot()

    def stop(self) -> None:
        """Asks the run to stop after the batch in flight; the weights so far are kept."""
        self._stop.set()
        with self._state.lock:
            if self._state.status in ("queued", "running"):
                self._state.status = "stopping"

    def cancel(self) -> None:
        """This backend never keeps a run waiting: cancelling a run stops it."""
        self.stop()

    def join(self, timeout: float | None = None) -> bool:
        """Waits for the run to end; returns ``True`` when it has."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.done

    @property
    def done(self) -> bool:
        return self._thread is not None and not self._thread.is_alive()

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
        return None

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


# One training slot per process: a second run would halve the speed of both on a small server.
_SLOT = threading.Lock()
_HANDLES: dict[str, LocalRunHandle] = {}
_HANDLES_LOCK = threading.Lock()


def current_run(owner: str) -> LocalRunHandle | None:
    """Returns the latest run ``owner`` started in this process (running or ended), if any."""
    with _HANDLES_LOCK:
        return _HANDLES.get(owner)


def _thread_main(handle: LocalRunHandle, spec, settings, data, resume) -> None:
    try:
        run_training(spec, settings, LocalControl(handle), data=data, resume=resume)
    finally:
        _SLOT.release()


def _launch(handle: LocalRunHandle, spec, settings, data, resume) -> LocalRunHandle:
    thread = threading.Thread(
        target=_thread_main,
        args=(handle, spec, settings, data, resume),
        name=f"train-{handle.run_id}",
        daemon=True,
    )
    handle._thread = thread
    with _HANDLES_LOCK:
        _HANDLES[handle.owner] = handle
    thread.start()
    return handle


def _check_tags(tags) -> dict:
    if tags is None:
        return {}
    if not isinstance(tags, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in tags.items()
    ):
        raise SettingsError("tags", tags)
    return dict(tags)


def start_training(
    spec: ModelSpec, settings: TrainSettings, *, owner: str, runs_dir=None, data=None, tags=None
) -> LocalRunHandle:
    """Starts training ``spec`` in a background thread and returns at once.

    Args:
        spec: the model design.
        settings: how to train.
        owner: the visitor id that will own the run.
        runs_dir: runs folder (default ``$CNN_STUDIO_RUNS`` or ``<repo>/runs``).
        data: a dataset object (``x_train``, ``y_train``, ``x_val``, ``y_val``, ``x_test``,
            ``y_test``); loaded with :func:`cnn_core.data.load_dataset` when ``None``.
        tags: a small dict of strings kept with the run (``meta.json``, ``RunInfo.tags``).

    Returns:
        A :class:`LocalRunHandle`; poll ``handle.snapshot()``.

    Raises:
        TrainingBusyError: if another run is training in this process.
        SpecError: if the design has errors.
        SettingsError: if a setting (or the tags) is invalid.
        RecipeError: if ``whiten`` or ``low_res`` do not suit the network.
        AdmissionError: if this host will not run it (:func:`cnn_core.admission.check_admission`).
        ValueError: if ``owner`` is empty.
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
    if not _SLOT.acquire(blocking=False):
        raise TrainingBusyError()
    try:
        prune_runs(runs_dir)
        folder = _runs.create_run_folder(
            owner, spec.to_dict(), settings.to_dict(), runs_dir, tags=tags
        )
    except BaseException:
        _SLOT.release()
        raise
    state = RunState(folder.name, settings.epochs, tags=tags)
    handle = LocalRunHandle(folder.name, owner, folder, state)
    return _launch(handle, spec, settings, data, None)


def _no_model(run_id: str) -> RunNotFoundError:
    err = RunNotFoundError(run_id)
    err.key = "train.error.no_model"
    return err


def continue_training(
    run_id: str, extra_epochs: int, *, owner: str, runs_dir=None, data=None
) -> LocalRunHandle:
    """Trains a saved run for ``extra_epochs`` more epochs, from its weights and optimizer state.

    The learning-rate schedule (if any) runs again over the extra epochs, and the time budget does
    not apply. Metrics are appended to the same run folder.

    Args:
        run_id: a run of ``owner`` with saved weights.
        extra_epochs: how many more epochs.
        owner: the visitor id.
        runs_dir: runs folder.
        data: dataset object, as for :func:`start_training`.

    Returns:
        A :class:`LocalRunHandle` with the same ``run_id``.

    Raises:
        RunNotFoundError: if the run is not ``owner``'s, or has no saved weights (``.key`` is
            ``"train.error.no_model"``).
        SettingsError: if ``extra_epochs`` is not a positive whole number.
        AdmissionError: if this host will not run it.
        TrainingBusyError: if another run is training in this process.
    """
    if not isinstance(extra_epochs, int) or isinstance(extra_epochs, bool) or extra_epochs <= 0:
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
    if not _SLOT.acquire(blocking=False):
        raise TrainingBusyError()
    state = RunState(run_id, info.epochs_done + extra_epochs, tags=info.tags)
    state.epoch_log = [e for e in info.epoch_log if not e.get("partial")]
    metrics = _runs.read_json(info.path / "metrics.json", {}) or {}
    state.batch_log = list(metrics.get("batch_log", []))
    state.stride = max(1, _stride_of(state.batch_log))
    handle = LocalRunHandle(run_id, owner, info.path, state)
    resume = Resume(initial_epoch=len(state.epoch_log), extra_epochs=extra_epochs)
    return _launch(handle, spec, settings, data, resume)


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
    """

    def __init__(self, runs_dir=None, data=None):
        self.runs_dir = runs_dir
        self.data = data

    def start(
        self,
        spec: ModelSpec,
        settings: TrainSettings,
        *,
        owner: str,
        tags: dict[str, str] | None = None,
    ) -> LocalRunHandle:
        return start_training(
            spec, settings, owner=owner, runs_dir=self.runs_dir, data=self.data, tags=tags
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
            run_id, extra_epochs, owner=owner, runs_dir=self.runs_dir, data=self.data
        )

    def delete_run(self, run_id: str, owner: str) -> None:
        _runs.delete_run(run_id, owner, self.runs_dir)

    def queue(self) -> list[QueueEntry]:
        with _HANDLES_LOCK:
            handles = list(_HANDLES.values())
        entries = []
        for handle in handles:
            snap = handle.snapshot()
            if snap.status in ACTIVE_STATUSES:
                entries.append(
                    QueueEntry(
                        run_id=handle.run_id,
                        owner=handle.owner,
                        status=snap.status,
                        position=snap.queue_position,
                        eta_s=snap.eta_s,
                        tags=dict(snap.tags),
                    )
                )
        return entries
