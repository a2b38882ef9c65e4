"""The training engine, as a package of small modules (one idea each).

>>> from cnn_core.presets import get_preset
>>> from cnn_core.train import fast_settings, get_engine
>>> handle = get_engine().start(get_preset("fast"), fast_settings(time_budget_s=60), owner="me")
>>> handle.snapshot().status          # "waiting", "queued", "running", ... never blocks
>>> handle.stop()                     # takes effect after the batch in flight

Modules: :mod:`~cnn_core.train.settings` (the settings schema and :class:`TrainSettings`),
:mod:`~cnn_core.train.errors`, :mod:`~cnn_core.train.snapshot` (statuses, :class:`Snapshot`, the
live state), :mod:`~cnn_core.train.engine` (the :class:`Engine` interface and :func:`get_engine`),
:mod:`~cnn_core.train.local` (the in-process backend), :mod:`~cnn_core.train.child` (its runs in
a warm child process), :mod:`~cnn_core.train.relay` (a loop elsewhere, replayed here),
:mod:`~cnn_core.train.control` (the worker seam, :class:`RunControl`),
:mod:`~cnn_core.train.worker` (the training loop), :mod:`~cnn_core.train.pipeline` (batches),
:mod:`~cnn_core.train.recipes`, :mod:`~cnn_core.train.optimizers`, :mod:`~cnn_core.train.precision`,
:mod:`~cnn_core.train.estimates`, :mod:`~cnn_core.train.cli` (``python -m cnn_core.train``).

Nothing here imports TensorFlow until a run trains, a model loads or an estimate is measured.
"""

from __future__ import annotations

from cnn_core.runs import RunInfo, RunNotFoundError, delete_run, list_runs, load_run
from cnn_core.train.control import RunControl, StateControl
from cnn_core.train.engine import Engine, QueueEntry, RunHandle, get_engine
from cnn_core.train.errors import (
    EngineUnavailableError,
    RecipeError,
    SettingsError,
    TrainingBusyError,
)
from cnn_core.train.estimates import estimate_epoch_seconds
from cnn_core.train.local import (
    LocalEngine,
    LocalRunHandle,
    continue_training,
    current_run,
    load_run_model,
    start_training,
)
from cnn_core.train.optimizers import compile_model, learning_rate_at, make_optimizer
from cnn_core.train.pipeline import flip_and_crop, half_size, make_dataset
from cnn_core.train.precision import build_for_training, native_bf16, resolve_precision
from cnn_core.train.recipes import SETTLE_BATCHES, check_recipe, settle_batchnorm
from cnn_core.train.settings import (
    OPTIMIZERS,
    PRECISIONS,
    SCHEDULES,
    SCHEMA,
    SHORT_RUN_S,
    Setting,
    TrainSettings,
    fast_settings,
    quick_demo_settings,
)
from cnn_core.train.snapshot import ACTIVE_STATUSES, DIVERGE_ADVICE, STATUSES, Snapshot

# The names of the single-module engine, kept for benchmarks written against it.
_compile = compile_model
_flip_and_crop = flip_and_crop

__all__ = [
    "ACTIVE_STATUSES",
    "DIVERGE_ADVICE",
    "OPTIMIZERS",
    "PRECISIONS",
    "SCHEDULES",
    "SCHEMA",
    "SETTLE_BATCHES",
    "SHORT_RUN_S",
    "STATUSES",
    "Engine",
    "EngineUnavailableError",
    "LocalEngine",
    "LocalRunHandle",
    "QueueEntry",
    "RecipeError",
    "RunControl",
    "RunHandle",
    "RunInfo",
    "RunNotFoundError",
    "Setting",
    "SettingsError",
    "Snapshot",
    "StateControl",
    "TrainSettings",
    "TrainingBusyError",
    "build_for_training",
    "check_recipe",
    "compile_model",
    "continue_training",
    "current_run",
    "delete_run",
    "estimate_epoch_seconds",
    "fast_settings",
    "get_engine",
    "half_size",
    "learning_rate_at",
    "list_runs",
    "load_run",
    "load_run_model",
    "make_dataset",
    "make_optimizer",
    "native_bf16",
    "quick_demo_settings",
    "resolve_precision",
    "settle_batchnorm",
    "start_training",
]
