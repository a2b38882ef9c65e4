"""The ONE engine interface the pages and the command line talk to, and :func:`get_engine`.

Three backends implement :class:`Engine`: the in-process one (:mod:`cnn_core.train.local`, the
default), a Ray cluster (``cnn_core.train.ray_backend``, when ``CNN_STUDIO_RAY_ADDRESS`` is set)
and the test fake (named by ``CNN_STUDIO_FAKE_ENGINE``). Pages never ask which one they have.

>>> eng = get_engine()
>>> handle = eng.start(spec, settings, owner="visitor-id", tags={"lesson": "1"})
>>> handle.snapshot().status      # "waiting", "queued", "running", ... never blocks
>>> handle.stop()                  # after the batch in flight; the weights so far are kept

No TensorFlow here.
"""

from __future__ import annotations

import importlib
import os
import threading
from typing import Protocol, runtime_checkable

from cnn_core.runs import RunInfo
from cnn_core.spec import ModelSpec
from cnn_core.train.errors import EngineUnavailableError
from cnn_core.train.settings import TrainSettings
from cnn_core.train.snapshot import QueueEntry, Snapshot

__all__ = [
    "FAKE_ENGINE_ENV",
    "RAY_ADDRESS_ENV",
    "Engine",
    "QueueEntry",
    "RunHandle",
    "get_engine",
    "reset_engine",
]

#: Names a test fake: ``"package.module"`` (the module is the engine) or
#: ``"package.module:attribute"``. Server-side environment only, never user input.
FAKE_ENGINE_ENV = "CNN_STUDIO_FAKE_ENGINE"
#: ``HOST:PORT`` of a Ray cluster's head: runs train on the cluster.
RAY_ADDRESS_ENV = "CNN_STUDIO_RAY_ADDRESS"


@runtime_checkable
class RunHandle(Protocol):
    """A run started or re-attached through an :class:`Engine` (never blocks).

    Attributes:
        run_id: the run's id (its folder name in the run store).
        owner: the visitor it belongs to.
    """

    run_id: str
    owner: str

    def snapshot(self) -> Snapshot:
        """Returns the run's current :class:`~cnn_core.train.snapshot.Snapshot`."""

    def stop(self) -> None:
        """Asks the run to stop after the batch in flight; the weights so far are kept."""

    def cancel(self) -> None:
        """Takes a waiting run out of the line (status ``"cancelled"``); a training run stops."""


@runtime_checkable
class Engine(Protocol):
    """Starts, follows and stores training runs, per owner. Every method returns at once."""

    def start(
        self,
        spec: ModelSpec,
        settings: TrainSettings,
        *,
        owner: str,
        tags: dict[str, str] | None = None,
    ) -> RunHandle:
        """Starts training ``spec`` with ``settings`` for ``owner``.

        Args:
            spec: the model design.
            settings: how to train.
            owner: the visitor id that owns the run.
            tags: a small dict of strings stored with the run (``meta.json``, ``RunInfo.tags``).

        Returns:
            A :class:`RunHandle`; on a full host its snapshot says ``"waiting"``.

        Raises:
            SpecError, SettingsError, RecipeError, AdmissionError: the run cannot start.
            TrainingBusyError: no slot and no line to wait in (the in-process backend).
        """

    def attach(self, owner: str) -> RunHandle | None:
        """Returns ``owner``'s active or waiting run, else their latest run of this process."""

    def list_runs(self, owner: str) -> list[RunInfo]:
        """Returns ``owner``'s runs, newest first."""

    def load_run(self, run_id: str, owner: str) -> RunInfo:
        """Returns one run of ``owner`` (``RunNotFoundError`` for anyone else's)."""

    def load_model(self, run_id: str, owner: str):
        """Returns the saved ``keras.Model`` of one of ``owner``'s runs (``safe_mode``)."""

    def continue_run(self, run_id: str, extra_epochs: int, *, owner: str) -> RunHandle:
        """Trains a saved run of ``owner`` for ``extra_epochs`` more epochs (same run id)."""

    def delete_run(self, run_id: str, owner: str) -> None:
        """Deletes a run of ``owner`` that is not training."""

    def queue(self) -> list[QueueEntry]:
        """The runs training and waiting, in order (training ones first)."""


_ENGINES: dict[str, Engine] = {}
_ENGINES_LOCK = threading.Lock()


def _fake(name: str):
    module_name, _, attribute = name.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attribute) if attribute else module


def _ray(address: str):
    try:
        backend = importlib.import_module("cnn_core.train.ray_backend")
    except ModuleNotFoundError as error:
        missing = error.name or ""
        if missing == "cnn_core.train.ray_backend":
            detail = f"{RAY_ADDRESS_ENV} is set, but this version has no Ray backend"
        elif missing.split(".")[0] == "ray":
            detail = (
                f"{RAY_ADDRESS_ENV} is set, but Ray is not installed "
                "(pip install -r requirements-cluster.txt)"
            )
        else:
            raise
        raise EngineUnavailableError(detail) from error
    return backend.make_engine(address)


def get_engine() -> Engine:
    """Returns the training backend of this process (one per configuration, made once).

    In order: the object named by ``CNN_STUDIO_FAKE_ENGINE`` (tests); a Ray backend when
    ``CNN_STUDIO_RAY_ADDRESS`` is set (``cnn_core.train.ray_backend.make_engine(address)``,
    imported only then); else the in-process backend, training in a child process unless
    ``CNN_STUDIO_TRAIN_PROCESS=0`` (:mod:`cnn_core.train.child`).

    Returns:
        An :class:`Engine`.

    Raises:
        EngineUnavailableError: Ray was asked for but is not available.
        ValueError: if ``CNN_STUDIO_TRAIN_PROCESS`` is set to something other than 1 or 0.
    """
    fake = os.environ.get(FAKE_ENGINE_ENV)
    if fake:
        return _fake(fake)  # not cached: a test may swap the fake between runs
    address = os.environ.get(RAY_ADDRESS_ENV, "").strip()
    key = f"ray:{address}" if address else "local"
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            if address:
                engine = _ray(address)
            else:
                from cnn_core.train.child import use_child_process
                from cnn_core.train.local import LocalEngine

                # The app trains in a niced child process: pages draw without sharing its GIL.
                engine = LocalEngine(process=use_child_process(default=True))
            _ENGINES[key] = engine
    return engine


def reset_engine() -> None:
    """Forgets the backends made so far (tests that change the environment)."""
    with _ENGINES_LOCK:
        _ENGINES.clear()
