"""The training engine: trains a layer-stack model in a background thread.

>>> from cnn_core.presets import get_preset
>>> handle = start_training(get_preset("fast"), fast_settings(time_budget_s=60), owner="me")
>>> handle.snapshot().status          # "queued", "running", ... never blocks
>>> handle.stop()                     # takes effect after the batch in flight

One run trains at a time per process (a second :func:`start_training` raises
:class:`TrainingBusyError`). Each run lives in a folder of the run store (:mod:`cnn_core.runs`),
written after every epoch, so a page reload or a restart loses at most the epoch in flight.

Images stay uint8 in memory; each batch is gathered, augmented and cast on its own, so training
never makes a float32 copy of the dataset. Command line: ``python -m cnn_core.train --help``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cnn_core import runs as _runs
from cnn_core.admission import check_admission
from cnn_core.runs import (
    RunInfo,
    RunNotFoundError,
    delete_run,
    list_runs,
    load_run,
    prune_runs,
)
from cnn_core.spec import ModelSpec, SpecError

__all__ = [
    "OPTIMIZERS",
    "PRECISIONS",
    "SCHEDULES",
    "RecipeError",
    "RunHandle",
    "RunInfo",
    "RunNotFoundError",
    "SettingsError",
    "Snapshot",
    "TrainSettings",
    "TrainingBusyError",
    "check_recipe",
    "continue_training",
    "current_run",
    "delete_run",
    "estimate_epoch_seconds",
    "fast_settings",
    "half_size",
    "list_runs",
    "load_run",
    "load_run_model",
    "native_bf16",
    "quick_demo_settings",
    "resolve_precision",
    "settle_batchnorm",
    "start_training",
]

OPTIMIZERS = ("sgd", "sgd_momentum", "adam", "adamw")
SCHEDULES = ("constant", "cosine", "onecycle")
PRECISIONS = ("auto", "float32", "mixed_bfloat16")
ACTIVE_STATUSES = ("queued", "running", "stopping")
DIVERGE_ADVICE = ("train.advice.lower_lr", "train.advice.batchnorm", "train.advice.adam")
# Points kept in Snapshot.batch_log: older points are thinned out, so a 40-epoch run stays light.
_MAX_BATCH_POINTS = 1200
# Small enough that a wide first layer (the blog's 128 filters at 32x32) stays ~50 MB per batch.
_VAL_BATCH = 100


class TrainingBusyError(RuntimeError):
    """Another run is training in this process; only one at a time."""

    key = "train.error.busy"

    def __init__(self):
        super().__init__("a training run is already in progress")

    def message(self, lang: str) -> str:
        from cnn_core.locales import t

        return t(self.key, lang)


class SettingsError(ValueError):
    """A training setting has an invalid value (``.key``/``.args`` for the catalog)."""

    key = "train.error.bad_setting"

    def __init__(self, name: str, value):
        super().__init__(f"invalid setting {name}={value!r}")
        self.args_dict = {"name": name, "value": repr(value)}

    def message(self, lang: str) -> str:
        from cnn_core.locales import t

        return t(self.key, lang, **self.args_dict)


class RecipeError(ValueError):
    """The settings ask for something this network cannot do (``.key``/``.args_dict``).

    Raised by :func:`start_training` when ``whiten`` needs a first ``Conv2D`` the network does not
    have, or ``low_res`` needs weights that do not depend on the image size.
    """

    def __init__(self, key: str, **args):
        super().__init__(f"{key} {args}")
        self.key = key
        self.args_dict = args

    def message(self, lang: str) -> str:
        from cnn_core.locales import t

        return t(self.key, lang, **self.args_dict)


@dataclass
class TrainSettings:
    """How to train: optimizer, schedule, batch size, epochs, data, augmentation, precision.

    Attributes:
        dataset: ``"cifar10"``, ``"mnist"`` or ``"fashion_mnist"``.
        optimizer: ``"sgd"`` (the blog's: plain SGD), ``"sgd_momentum"``, ``"adam"``, ``"adamw"``.
        learning_rate: peak learning rate.
        momentum: for ``"sgd_momentum"``.
        weight_decay: for ``"adamw"`` (decoupled weight decay).
        schedule: ``"constant"``, ``"cosine"`` (decays to 0) or ``"onecycle"`` (warms up for the
            first quarter, then decays to 0); annealed over the epochs or, with a time budget, over
            the budget, whichever ends first.
        batch_size: images per step.
        epochs: number of epochs (the most, with a time budget).
        time_budget_s: stop after this many seconds of training (``None``: no limit).
        train_size: use only the first N training images (``None``: all).
        val_size: images held out of the training split for validation.
        augment: random horizontal flips and 4-pixel crops (reflect padding) of each image.
        label_smoothing: spread this much of each target over the other classes.
        seed: random seed (weights, shuffling, augmentation, dropout).
        precision: ``"float32"``, ``"mixed_bfloat16"`` or ``"auto"`` (bfloat16 only where the CPU
            has native bfloat16, where it is faster; see :func:`resolve_precision`).
        whiten: set the first layer's filters from the training images by patch whitening
            (:mod:`cnn_core.whiten`) and keep them fixed; the first layer must be a ``Conv2D``.
        low_res: fraction of the run (0 to 0.9) trained on half-size images (each 2x2 block
            averaged), four times cheaper per image; the network must have the same weights at
            both sizes (global pooling, not ``Flatten``).
    """

    dataset: str = "cifar10"
    optimizer: str = "sgd"
    learning_rate: float = 0.01
    momentum: float = 0.9
    weight_decay: float = 5e-4
    schedule: str = "constant"
    batch_size: int = 32
    epochs: int = 40
    time_budget_s: float | None = None
    train_size: int | None = None
    val_size: int = 5000
    augment: bool = False
    label_smoothing: float = 0.0
    seed: int = 0
    precision: str = "auto"
    whiten: bool = False
    low_res: float = 0.0

    def __post_init__(self):
        self.check()

    def check(self) -> None:
        """Raises :class:`SettingsError` for the first invalid value."""
        if self.optimizer not in OPTIMIZERS:
            raise SettingsError("optimizer", self.optimizer)
        if self.schedule not in SCHEDULES:
            raise SettingsError("schedule", self.schedule)
        if self.precision not in PRECISIONS:
            raise SettingsError("precision", self.precision)
        positive = {"learning_rate": self.learning_rate, "batch_size": self.batch_size}
        positive["epochs"] = self.epochs
        for name, value in positive.items():
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not value > 0:
                raise SettingsError(name, value)
            if not math.isfinite(value):
                raise SettingsError(name, value)
        for name in ("batch_size", "epochs", "seed", "val_size"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise SettingsError(name, value)
        if self.time_budget_s is not None and not (
            isinstance(self.time_budget_s, (int, float)) and self.time_budget_s > 0
        ):
            raise SettingsError("time_budget_s", self.time_budget_s)
        if self.train_size is not None and not (
            isinstance(self.train_size, int) and self.train_size > 0
        ):
            raise SettingsError("train_size", self.train_size)
        if not 0 <= self.label_smoothing < 1:
            raise SettingsError("label_smoothing", self.label_smoothing)
        if not 0 <= self.momentum < 1:
            raise SettingsError("momentum", self.momentum)
        if not self.weight_decay >= 0:
            raise SettingsError("weight_decay", self.weight_decay)
        if not isinstance(self.whiten, bool):
            raise SettingsError("whiten", self.whiten)
        low = self.low_res
        if isinstance(low, bool) or not isinstance(low, (int, float)) or not 0 <= low <= 0.9:
            raise SettingsError("low_res", self.low_res)

    def to_dict(self) -> dict:
        """Returns the settings as a JSON-ready dict."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> TrainSettings:
        """Builds settings from :meth:`to_dict` output, ignoring unknown keys.

        Raises:
            SettingsError: if a value is invalid.
        """
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in dict(data).items() if k in names})

    def replace(self, **changes) -> TrainSettings:
        """Returns a copy with some settings changed."""
        return dataclasses.replace(self, **changes)


#: Time budgets up to this many seconds get the short-run variant of :func:`fast_settings`.
SHORT_RUN_S = 120


def fast_settings(**changes) -> TrainSettings:
    """The recipe for the ``fast`` preset: whitened first layer, half-size images for the first
    part of the run, AdamW with a one-cycle schedule, flips and crops, label smoothing.

    A time budget of :data:`SHORT_RUN_S` or less trains on batches of 128 with 70% of the run at
    half size (more, cheaper steps); longer runs use batches of 256 with half the run at half size.

    Args:
        **changes: settings to override (e.g. ``time_budget_s=60``).
    """
    budget = changes.get("time_budget_s")
    short = budget is not None and budget <= SHORT_RUN_S
    base = TrainSettings(
        optimizer="adamw",
        learning_rate=0.003,
        weight_decay=0.05,
        schedule="onecycle",
        batch_size=128 if short else 256,
        epochs=30,
        augment=True,
        label_smoothing=0.1,
        precision="auto",
        whiten=True,
        low_res=0.7 if short else 0.5,
    )
    return base.replace(**changes)


def quick_demo_settings(**changes) -> TrainSettings:
    """A 30-second run of the ``fast`` preset that shows a clearly rising curve.

    Args:
        **changes: settings to override.
    """
    return fast_settings(time_budget_s=30, epochs=10, **changes)


@dataclass(frozen=True, repr=False)
class Snapshot:
    """The state of a run at one moment (a copy; safe to keep).

    Attributes:
        run_id: the run's id.
        status: ``queued``, ``running``, ``stopping``, ``stopped``, ``finished``, ``diverged`` or
            ``failed``.
        message_key, message_args: what is happening or how it ended (translate with ``t``).
        advice: catalog keys of advice after a divergence.
        epoch: epochs started (1-based while running).
        epochs: epochs planned.
        batch: batches done in the current epoch.
        batches_per_epoch: batches in one epoch.
        batch_log: ``{step, loss, accuracy}`` (running means over the epoch so far), thinned out
            on long runs.
        epoch_log: ``{epoch, loss, accuracy, val_loss, val_accuracy, seconds, partial}``.
        images_per_second: recent training speed.
        elapsed_s: seconds since training started (model building excluded).
        eta_s: estimated seconds left (``None`` when unknown).
        progress: 0..1.
        evaluation: test-set scores when the run ended (``Evaluation.to_dict()``) or ``None``.
    """

    run_id: str
    status: str
    message_key: str | None = None
    message_args: dict = field(default_factory=dict)
    advice: tuple = ()
    epoch: int = 0
    epochs: int = 0
    batch: int = 0
    batches_per_epoch: int = 0
    batch_log: list = field(default_factory=list)
    epoch_log: list = field(default_factory=list)
    images_per_second: float = 0.0
    elapsed_s: float = 0.0
    eta_s: float | None = None
    progress: float = 0.0
    evaluation: dict | None = None

    @property
    def done(self) -> bool:
        return self.status not in ACTIVE_STATUSES

    def __repr__(self) -> str:
        return (
            f"Snapshot({self.run_id!r}, {self.status}, epoch {self.epoch}/{self.epochs}, "
            f"batch {self.batch}/{self.batches_per_epoch}, {self.images_per_second:.0f} img/s, "
            f"progress={self.progress:.2f})"
        )


class _State:
    """Mutable run state shared by the worker thread and readers (guarded by a lock)."""

    def __init__(self, run_id: str, epochs: int):
        self.lock = threading.Lock()
        self.run_id = run_id
        self.status = "queued"
        self.message_key = "train.msg.loading_data"
        self.message_args: dict = {}
        self.advice: tuple = ()
        self.epoch = 0
        self.epochs = epochs
        self.batch = 0
        self.batches_per_epoch = 0
        self.batch_log: list = []
        self.epoch_log: list = []
        self.images_per_second = 0.0
        self.t_start: float | None = None
        self.t_end: float | None = None
        self.eta_s: float | None = None
        self.progress = 0.0
        self.evaluation: dict | None = None
        self.stride = 1

    def update(self, **changes) -> None:
        with self.lock:
            for key, value in changes.items():
                setattr(self, key, value)

    def snapshot(self) -> Snapshot:
        with self.lock:
            if self.t_start is None:
                elapsed = 0.0
            else:
                elapsed = (self.t_end or time.perf_counter()) - self.t_start
            return Snapshot(
                run_id=self.run_id,
                status=self.status,
                message_key=self.message_key,
                message_args=dict(self.message_args),
                advice=tuple(self.advice),
                epoch=self.epoch,
                epochs=self.epochs,
                batch=self.batch,
                batches_per_epoch=self.batches_per_epoch,
                batch_log=list(self.batch_log),
                epoch_log=[dict(e) for e in self.epoch_log],
                images_per_second=self.images_per_second,
                elapsed_s=elapsed,
                eta_s=self.eta_s,
                progress=self.progress,
                evaluation=self.evaluation,
            )


class RunHandle:
    """A run in progress (or finished) in this process.

    Attributes:
        run_id: the run's id (its folder name).
        owner: the visitor who started it.
        path: the run folder.
    """

    def __init__(self, run_id: str, owner: str, path: Path, state: _State):
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
        return f"RunHandle({self.run_id!r}, owner={self.owner!r}, {self.snapshot()!r})"


# One training slot per process: a second run would halve the speed of both on a small server.
_SLOT = threading.Lock()
_HANDLES: dict[str, RunHandle] = {}
_HANDLES_LOCK = threading.Lock()


def current_run(owner: str) -> RunHandle | None:
    """Returns the latest run ``owner`` started in this process (running or ended), if any."""
    with _HANDLES_LOCK:
        return _HANDLES.get(owner)


# --- precision ---------------------------------------------------------------------------------


def native_bf16() -> bool:
    """True when the CPU computes bfloat16 natively (``avx512_bf16`` or ``amx_bf16``)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    flags = set()
    for line in text.splitlines():
        if line.startswith("flags"):
            flags.update(line.split(":", 1)[1].split())
    return bool(flags & {"avx512_bf16", "amx_bf16"})


def resolve_precision(spec: ModelSpec, settings: TrainSettings) -> str:
    """Returns ``"float32"`` or ``"mixed_bfloat16"`` for this model and settings.

    ``"auto"`` picks bfloat16 only on a CPU with native bfloat16 (``avx512_bf16``/``amx_bf16``):
    there it trained the blog's model 1.8-2.5x faster and the fast BatchNorm preset 1.2-1.8x
    faster (60-second runs: 60% test accuracy against 47% in float32; bench/train_speed.py).
    Emulated bfloat16 is 2.3x slower than float32, so elsewhere even an explicit
    ``"mixed_bfloat16"`` falls back to float32.

    Args:
        spec: the model design (kept for per-model rules).
        settings: the training settings.

    Returns:
        The Keras dtype policy name to train with.
    """
    if settings.precision == "float32" or not native_bf16():
        return "float32"
    return "mixed_bfloat16"


def _with_policy(model, policy: str):
    """Returns a copy of ``model`` whose layers compute in ``policy`` (same weights).

    Keras's global dtype policy would leak into other threads building models at the same time,
    so each layer gets its own policy instead; the softmax layer stays float32 for stable losses.
    """
    import keras

    if policy == "float32":
        return model
    last = model.layers[-1].name

    def clone(layer):
        config = layer.get_config()
        config["dtype"] = "float32" if layer.name == last else policy
        return layer.__class__.from_config(config)

    copy = keras.models.clone_model(model, clone_function=clone)
    copy.set_weights(model.get_weights())
    return copy


def check_recipe(spec: ModelSpec, settings: TrainSettings) -> None:
    """Checks that ``spec`` can be trained with ``settings.whiten`` and ``settings.low_res``.

    Raises:
        RecipeError: ``train.error.whiten_not_conv`` / ``train.error.whiten_filters`` when the
            first layer is not a ``Conv2D`` with at most ``2 x height x width x channels``
            filters; ``train.error.low_res`` when half-size images do not fit the network or
            would need other weights (``Flatten``).
    """
    from cnn_core.spec import summarize
    from cnn_core.whiten import max_whitening_filters

    if settings.whiten:
        first = spec.layers[0] if spec.layers else {}
        if first.get("type") != "Conv2D":
            raise RecipeError("train.error.whiten_not_conv")
        size = first["kernel_size"]
        size = [size, size] if isinstance(size, int) else list(size)
        most = max_whitening_filters(size, spec.input_shape[-1])
        if first["filters"] > most:
            kernel = "x".join(str(v) for v in size)
            raise RecipeError(
                "train.error.whiten_filters", filters=first["filters"], most=most, kernel=kernel
            )
    if settings.low_res > 0:
        h, w, c = spec.input_shape
        full = summarize(spec)
        try:
            smaller = ModelSpec(
                spec.layers, input_shape=(h // 2, w // 2, c), num_classes=spec.num_classes
            )
            half = summarize(smaller)
        except SpecError:
            half = None
        if half is None or half.errors or half.total_params != full.total_params:
            raise RecipeError("train.error.low_res", size=f"{h // 2}x{w // 2}")


def _whiten_first_layer(model, spec: ModelSpec, x: np.ndarray) -> None:
    from cnn_core.spec import layer_names
    from cnn_core.whiten import whitening_filters

    layer = model.get_layer(layer_names(spec)[0])
    kernel, bias = whitening_filters(x, layer.kernel_size, layer.filters)
    layer.set_weights([kernel, bias] if layer.use_bias else [kernel])
    # Frozen: the point is that these filters are right from the first step.
    layer.trainable = False


def build_for_training(spec: ModelSpec, precision: str):
    """Builds ``spec`` with :func:`cnn_core.model.build_model` in the given precision."""
    from cnn_core.model import build_model

    return _with_policy(build_model(spec), precision)


# --- optimizer and schedule ---------------------------------------------------------------------


def make_optimizer(settings: TrainSettings):
    """Returns the Keras optimizer for ``settings`` (at the peak learning rate)."""
    import keras

    lr = float(settings.learning_rate)
    if settings.optimizer == "sgd":
        return keras.optimizers.SGD(learning_rate=lr)
    if settings.optimizer == "sgd_momentum":
        return keras.optimizers.SGD(learning_rate=lr, momentum=settings.momentum, nesterov=True)
    if settings.optimizer == "adam":
        return keras.optimizers.Adam(learning_rate=lr)
    return keras.optimizers.AdamW(learning_rate=lr, weight_decay=settings.weight_decay)


def learning_rate_at(settings: TrainSettings, fraction: float) -> float:
    """The learning rate when ``fraction`` (0..1) of the run is done.

    ``onecycle`` rises linearly from a tenth of the peak to the peak over the first quarter, then
    falls linearly to 0; ``cosine`` falls from the peak to 0 along half a cosine.
    """
    peak = float(settings.learning_rate)
    p = min(max(fraction, 0.0), 1.0)
    if settings.schedule == "cosine":
        return peak * 0.5 * (1 + math.cos(math.pi * p))
    if settings.schedule == "onecycle":
        warm = 0.25
        if p < warm:
            return peak * (0.1 + 0.9 * p / warm)
        return peak * (1 - p) / (1 - warm)
    return peak


# --- data ---------------------------------------------------------------------------------------


def _batches(x, y, settings: TrainSettings, num_classes: int, epoch: int, half=None):
    """Yields one epoch of (uint8 images, one-hot float32 labels), shuffled and augmented.

    The order and the augmentation come from a numpy Generator seeded with (seed, epoch), so a run
    is repeatable and a continued run does not replay its first epochs. ``half()``, when given,
    is asked before each batch whether it should be half-size.
    """
    rng = np.random.default_rng([settings.seed, epoch])
    order = rng.permutation(len(x))
    eye = np.eye(num_classes, dtype=np.float32)
    bs = settings.batch_size
    for start in range(0, len(order), bs):
        idx = np.sort(order[start : start + bs])  # sorted gathers read memory in order
        idx = idx[rng.permutation(len(idx))]
        xb = x[idx]
        if settings.augment:
            xb = _flip_and_crop(xb, rng)
        if half is not None and half():
            xb = half_size(xb)
        yield xb, eye[y[idx]]


def half_size(images: np.ndarray) -> np.ndarray:
    """Halves the height and width of a batch of images by averaging each 2x2 block.

    Args:
        images: ``(N, height, width, channels)`` uint8 images (an odd last row or column is
            dropped).

    Returns:
        ``(N, height // 2, width // 2, channels)`` uint8 images.
    """
    n, h, w, c = images.shape
    h2, w2 = h // 2, w // 2
    blocks = images[:, : 2 * h2, : 2 * w2].reshape(n, h2, 2, w2, 2, c)
    return (blocks.mean(axis=(2, 4)) + 0.5).astype(np.uint8)


def _flip_and_crop(xb: np.ndarray, rng: np.random.Generator, pad: int = 4) -> np.ndarray:
    n, h, w, _ = xb.shape
    padded = np.pad(xb, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="reflect")
    dy = rng.integers(0, 2 * pad + 1, size=n)
    dx = rng.integers(0, 2 * pad + 1, size=n)
    flip = rng.random(n) < 0.5
    rows = dy[:, None] + np.arange(h)[None, :]
    cols = dx[:, None] + np.arange(w)[None, :]
    cols = np.where(flip[:, None], cols[:, ::-1], cols)
    return padded[np.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]]


def _dataset(x, y, settings: TrainSettings, num_classes: int, first_epoch: int, clock=None):
    """An endless tf.data pipeline over :func:`_batches`, epoch after epoch, that casts each
    batch to float32. Returns it with the number of batches per epoch.

    With ``settings.low_res``, batches are half-size while the run is in its first ``low_res``
    part: counted in batches made (repeatable), or in ``clock["time_fraction"]`` of a time
    budget (set by the training callback), whichever is further.
    """
    import tensorflow as tf

    epoch = [first_epoch]
    steps = math.ceil(len(x) / settings.batch_size)
    made = [0]
    total = max(settings.epochs * steps, 1)
    clock = {} if clock is None else clock

    def half() -> bool:
        made[0] += 1
        fraction = max(made[0] / total, clock.get("time_fraction", 0.0))
        small = clock["small"] = fraction <= settings.low_res
        if not small:
            clock["full_batches"] = clock.get("full_batches", 0) + 1
        return small

    def gen():
        # One endless iterator for the whole run (fit gets steps_per_epoch): opening a fresh one
        # each epoch stalled for ~13 s at every epoch boundary once an earlier run had trained in
        # the same process, as in the app's server.
        while True:
            current = epoch[0]
            epoch[0] += 1
            yield from _batches(
                x, y, settings, num_classes, current, half if settings.low_res > 0 else None
            )

    # With low_res, Keras checks the model's input shape against a signature where None matches
    # both sizes; the layers themselves work at any size when the weights do not depend on it.
    shape = (None, None, None, x.shape[-1]) if settings.low_res > 0 else (None, *x.shape[1:])
    ds = tf.data.Dataset.from_generator(
        gen,
        output_signature=(
            tf.TensorSpec(shape, tf.uint8),
            tf.TensorSpec((None, num_classes), tf.float32),
        ),
    )
    ds = ds.map(lambda a, b: (tf.cast(a, tf.float32), b))
    return ds.prefetch(2), steps


#: A run with a half-size start that saw fewer full-size batches than this (stopped early, say)
#: has its BatchNormalization statistics re-measured on full-size images before the test.
SETTLE_BATCHES = 20


def settle_batchnorm(
    model, x: np.ndarray, *, batch_size: int = 256, batches: int = SETTLE_BATCHES, seed: int = 0
) -> bool:
    """Re-measures the moving statistics of every ``BatchNormalization`` layer on ``x``.

    Passes ``batches`` random batches of ``x`` through the model in training mode, which updates
    the moving means and variances and nothing else (no optimizer step). Used after a run that
    ended while still on half-size images: their statistics differ from full-size ones.

    Args:
        model: a Keras model (taking images as stored, 0-255).
        x: training images at the size the model will be tested on.
        batch_size: images per batch.
        batches: how many batches.
        seed: seed for picking the images.

    Returns:
        Whether the model had BatchNormalization layers to settle.
    """
    import keras

    if not any(isinstance(layer, keras.layers.BatchNormalization) for layer in model.layers):
        return False
    rng = np.random.default_rng(seed)
    size = min(batch_size, len(x))
    for _ in range(batches):
        idx = np.sort(rng.choice(len(x), size, replace=False))
        model(x[idx].astype(np.float32), training=True)
    return True


def _subset(data, settings: TrainSettings):
    x, y = data.x_train, data.y_train
    if settings.train_size is not None:
        x, y = x[: settings.train_size], y[: settings.train_size]
    return x, np.asarray(y).reshape(-1).astype(np.int64)


def _load_data(settings: TrainSettings):
    from cnn_core.data import load_dataset

    return load_dataset(settings.dataset, val_size=settings.val_size)


# --- the worker ---------------------------------------------------------------------------------


class _Finished(Exception):
    pass


def _compile(model, settings: TrainSettings):
    import keras

    model.compile(
        optimizer=make_optimizer(settings),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=settings.label_smoothing),
        metrics=[keras.metrics.CategoricalAccuracy(name="accuracy")],
        jit_compile=False,  # XLA compiled 2-4x slower code on these CPUs
    )


def _make_callback(handle: RunHandle, settings: TrainSettings, ctx: dict):
    import keras

    state = handle._state

    class EngineCallback(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            now = time.perf_counter()
            ctx["t0"] = now
            ctx["window"] = []
            ctx["train_seconds"] = 0.0
            ctx["val_seconds"] = 0.0
            state.update(t_start=now - ctx.get("elapsed_before", 0.0))
            with state.lock:
                if state.status == "queued":
                    state.status = "running"

        def on_epoch_begin(self, epoch, logs=None):
            ctx["epoch"] = epoch
            ctx["epoch_t0"] = time.perf_counter()
            ctx["window"] = [(ctx["epoch_t0"], 0)]
            state.update(
                epoch=epoch + 1,
                batch=0,
                message_key="train.msg.training",
                message_args={"epoch": epoch + 1, "epochs": ctx["epochs"]},
            )

        def on_train_batch_end(self, batch, logs=None):
            now = time.perf_counter()
            logs = logs or {}
            loss = float(logs.get("loss", float("nan")))
            acc = float(logs.get("accuracy", float("nan")))
            step = ctx["epoch"] * ctx["steps"] + batch + 1
            done_images = min((batch + 1) * settings.batch_size, ctx["n_train"])
            window = ctx["window"]
            window.append((now, done_images))
            if len(window) > 30:
                del window[0]
            span = window[-1][0] - window[0][0]
            speed = (window[-1][1] - window[0][1]) / span if span > 0 else 0.0
            total_steps = ctx["epochs"] * ctx["steps"]
            done_steps = step - ctx["first_step"]
            left_steps = total_steps - step
            train_time = now - ctx["t0"] - ctx["val_seconds"]
            eta = None
            if done_steps > 0:
                eta = train_time / done_steps * left_steps
                eta += ctx["val_seconds_per_epoch"] * (ctx["epochs"] - ctx["epoch"])
            # A continued run restarts the schedule over its extra epochs (a warm restart).
            fraction = done_steps / max(total_steps - ctx["first_step"], 1)
            budget = settings.time_budget_s
            if budget:
                used = now - ctx["t0"]
                fraction = max(fraction, used / budget)
                ctx["clock"]["time_fraction"] = used / budget
                left = max(budget - used, 0.0)
                eta = left if eta is None else min(eta, left)
                if used >= budget:
                    ctx["time_up"] = True
                    self.model.stop_training = True
            if settings.schedule != "constant":
                self.model.optimizer.learning_rate = learning_rate_at(settings, fraction)
            with state.lock:
                state.batch = batch + 1
                state.images_per_second = speed
                state.eta_s = eta
                state.progress = min(fraction, 1.0)
                if step % state.stride == 0:
                    state.batch_log.append({"step": step, "loss": loss, "accuracy": acc})
                    if len(state.batch_log) >= _MAX_BATCH_POINTS:
                        state.batch_log = state.batch_log[1::2]
                        state.stride *= 2
            if not math.isfinite(loss) or loss > ctx["explode_at"]:
                ctx["diverged"] = {"epoch": ctx["epoch"] + 1, "batch": batch + 1}
                self.model.stop_training = True
            elif handle.stop_requested:
                self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            if ctx.get("diverged"):
                return
            logs = logs or {}
            t_val = time.perf_counter()
            state.update(message_key="train.msg.validating", message_args={})
            entry = {
                "epoch": epoch + 1,
                "loss": float(logs.get("loss", float("nan"))),
                "accuracy": float(logs.get("accuracy", float("nan"))),
                "val_loss": None,
                "val_accuracy": None,
                "seconds": round(t_val - ctx["epoch_t0"], 3),
                "partial": bool(state.batch < ctx["steps"]),
                "batches": int(state.batch),
            }
            if ctx["x_val"] is not None and len(ctx["x_val"]):
                from cnn_core.evaluate import evaluate_model

                x_val, judge = ctx["x_val"], self.model
                if ctx["clock"].get("small"):
                    # Still on half-size images: full-size ones would be judged with statistics
                    # (BatchNormalization's) the network has not met yet, and the curve would dip.
                    if "x_val_half" not in ctx:
                        ctx["x_val_half"] = half_size(x_val)
                        ctx["any_size"] = _any_size_twin(self.model)
                    x_val, judge = ctx["x_val_half"], ctx["any_size"]
                    entry["half_size"] = True
                ev = evaluate_model(judge, x_val, ctx["y_val"], batch_size=_VAL_BATCH)
                entry["val_loss"], entry["val_accuracy"] = ev.loss, ev.accuracy
            with state.lock:
                state.epoch_log.append(entry)
            _save_progress(handle, self.model)
            spent = time.perf_counter() - t_val
            ctx["val_seconds"] += spent
            ctx["val_seconds_per_epoch"] = spent

    return EngineCallback()


def _any_size_twin(model):
    """The same layers (the same weights) behind an input of any height and width.

    Keras checks concrete shapes against the model's input when predicting, so half-size images
    need a twin; the layer stacks here are linear, so chaining the layers rebuilds the model.
    """
    import keras

    inputs = keras.Input((None, None, model.input_shape[-1]), name="any_size")
    h = inputs
    for layer in model.layers[1:]:
        h = layer(h)
    return keras.Model(inputs, h, name=f"{model.name}_any_size")


def _save_progress(handle: RunHandle, model) -> None:
    state = handle._state
    with state.lock:
        metrics = {"epoch_log": list(state.epoch_log), "batch_log": list(state.batch_log)}
    _runs.save_checkpoint(handle.path, None if model is None else model.save, metrics)


def _check_shapes(spec: ModelSpec, data) -> None:
    expected = tuple(spec.input_shape)
    actual = tuple(data.x_train.shape[1:])
    if expected != actual:
        raise _FailWith("train.error.shape", expected=str(expected), actual=str(actual))


class _FailWith(Exception):
    def __init__(self, key: str, **args):
        super().__init__(key)
        self.key = key
        self.args_dict = args


def _failure(exc: BaseException, settings: TrainSettings) -> tuple[str, dict]:
    from cnn_core.data import DataUnavailableError

    if isinstance(exc, _FailWith):
        return exc.key, exc.args_dict
    if getattr(exc, "message_key", None):  # e.g. runs.StoreFullError: its own catalog message
        return exc.message_key, dict(getattr(exc, "message_args", None) or {})
    if isinstance(exc, DataUnavailableError):
        return "train.error.data", {"dataset": settings.dataset}
    if isinstance(exc, SpecError):
        return "train.error.spec", {}
    if isinstance(exc, SettingsError):
        return exc.key, exc.args_dict
    if isinstance(exc, MemoryError) or "ResourceExhausted" in type(exc).__name__:
        return "train.error.memory", {}
    return "train.error.unexpected", {"kind": type(exc).__name__}


def _worker(handle: RunHandle, spec: ModelSpec, settings: TrainSettings, data, resume: dict):
    state = handle._state
    folder = handle.path
    try:
        _runs.update_meta(folder, status="queued")
        if data is None:
            data = _load_data(settings)
        _check_shapes(spec, data)
        if handle.stop_requested:
            raise _Finished
        state.update(message_key="train.msg.building", message_args={})
        import keras

        x, y = _subset(data, settings)
        precision = resolve_precision(spec, settings)
        if resume:
            model = keras.saving.load_model(folder / "model.keras", safe_mode=True)
            initial_epoch = resume["initial_epoch"]
        else:
            keras.utils.set_random_seed(settings.seed)
            model = build_for_training(spec, precision)
            if settings.whiten:
                state.update(message_key="train.msg.whitening", message_args={})
                _whiten_first_layer(model, spec, x)
            _compile(model, settings)
            initial_epoch = 0
        epochs = initial_epoch + (resume.get("extra_epochs") if resume else settings.epochs)
        clock: dict = {}
        ds, steps = _dataset(x, y, settings, spec.num_classes, initial_epoch, clock)
        ctx = {
            "clock": clock,
            "steps": steps,
            "epochs": epochs,
            "n_train": len(x),
            "first_step": initial_epoch * steps,
            "x_val": data.x_val,
            "y_val": np.asarray(data.y_val).reshape(-1),
            "val_seconds_per_epoch": 0.0,
            # Guessing uniformly costs ln(classes); Keras computes the loss from the logits, so an
            # exploding model reports huge finite losses long before NaN.
            "explode_at": 50 * math.log(max(spec.num_classes, 2)),
            "elapsed_before": sum(e.get("seconds", 0) for e in state.epoch_log),
        }
        state.update(batches_per_epoch=steps, epochs=epochs, epoch=initial_epoch)
        _runs.update_meta(folder, status="running", precision=precision, pid=_getpid())
        if handle.stop_requested:
            raise _Finished
        callback = _make_callback(handle, settings, ctx)
        model.fit(
            ds,
            steps_per_epoch=steps,
            epochs=epochs,
            initial_epoch=initial_epoch,
            callbacks=[callback],
            shuffle=False,  # _batches shuffles, reproducibly
            verbose=0,
        )
        state.update(t_end=time.perf_counter())
        if ctx.get("diverged"):
            state.update(
                status="diverged",
                message_key="train.msg.diverged",
                message_args=ctx["diverged"],
                advice=DIVERGE_ADVICE,
                eta_s=0.0,
            )
            _save_progress(handle, None)
            _finish_meta(handle)
            return
        few_full = settings.low_res > 0 and clock.get("full_batches", 0) < SETTLE_BATCHES
        if few_full and settle_batchnorm(
            model, x, batch_size=settings.batch_size, seed=settings.seed
        ):
            _save_progress(handle, model)
        state.update(message_key="train.msg.evaluating", message_args={}, eta_s=None)
        _evaluate_and_store(handle, model, data)
        if handle.stop_requested and not ctx.get("time_up"):
            status, key = "stopped", "train.msg.stopped"
            args = {"epoch": state.epoch}
        elif ctx.get("time_up"):
            status, key = "finished", "train.msg.time_up"
            args = {"seconds": round(settings.time_budget_s)}
        else:
            status, key, args = "finished", "train.msg.finished", {"epochs": epochs}
        state.update(status=status, message_key=key, message_args=args, eta_s=0.0, progress=1.0)
        _finish_meta(handle)
    except _Finished:
        state.update(
            status="stopped",
            message_key="train.msg.stopped",
            message_args={"epoch": state.epoch},
            eta_s=0.0,
        )
        _finish_meta(handle)
    except BaseException as exc:  # a learner's run must end readably, whatever happened
        key, args = _failure(exc, settings)
        with contextlib.suppress(OSError):
            (folder / "error.log").write_text(traceback.format_exc())
        state.update(status="failed", message_key=key, message_args=args, eta_s=0.0)
        if state.t_end is None and state.t_start is not None:
            state.update(t_end=time.perf_counter())
        with contextlib.suppress(Exception):
            _finish_meta(handle)
    finally:
        _SLOT.release()


def _getpid() -> int:
    import os

    return os.getpid()


def _finish_meta(handle: RunHandle) -> None:
    snap = handle.snapshot()
    _runs.update_meta(
        handle.path,
        status=snap.status,
        message_key=snap.message_key,
        message_args=snap.message_args,
        advice=list(snap.advice),
    )


def _evaluate_and_store(handle: RunHandle, model, data) -> None:
    from cnn_core.evaluate import evaluate_model

    ev = evaluate_model(
        model, data.x_test, np.asarray(data.y_test).reshape(-1), batch_size=_VAL_BATCH
    )
    result = ev.to_dict()
    _runs.write_json(handle.path / "evaluation.json", result)
    tmp = handle.path / ".test_probs.tmp.npy"
    np.save(tmp, ev.probs.astype(np.float16))
    tmp.replace(handle.path / "test_probs.npy")
    handle._state.update(evaluation=result)


# --- public entry points ------------------------------------------------------------------------


def _launch(handle: RunHandle, target_args: tuple) -> RunHandle:
    thread = threading.Thread(
        target=_worker, args=(handle, *target_args), name=f"train-{handle.run_id}", daemon=True
    )
    handle._thread = thread
    with _HANDLES_LOCK:
        _HANDLES[handle.owner] = handle
    thread.start()
    return handle


def start_training(
    spec: ModelSpec, settings: TrainSettings, *, owner: str, runs_dir=None, data=None
) -> RunHandle:
    """Starts training ``spec`` in a background thread and returns at once.

    Args:
        spec: the model design.
        settings: how to train.
        owner: the visitor id that will own the run.
        runs_dir: runs folder (default ``$CNN_STUDIO_RUNS`` or ``<repo>/runs``).
        data: a dataset object (``x_train``, ``y_train``, ``x_val``, ``y_val``, ``x_test``,
            ``y_test``); loaded with :func:`cnn_core.data.load_dataset` when ``None``.

    Returns:
        A :class:`RunHandle`; poll ``handle.snapshot()``.

    Raises:
        TrainingBusyError: if another run is training in this process.
        SpecError: if the design has errors.
        SettingsError: if a setting is invalid.
        RecipeError: if ``whiten`` or ``low_res`` do not suit the network (:func:`check_recipe`).
        ValueError: if ``owner`` is empty.
    """
    from cnn_core.spec import summarize

    if not owner or not isinstance(owner, str):
        raise ValueError("owner must be a non-empty string")
    if not isinstance(spec, ModelSpec):
        raise TypeError(f"expected a ModelSpec, got {type(spec).__name__}")
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
        folder = _runs.create_run_folder(owner, spec.to_dict(), settings.to_dict(), runs_dir)
    except BaseException:
        _SLOT.release()
        raise
    state = _State(folder.name, settings.epochs)
    handle = RunHandle(folder.name, owner, folder, state)
    return _launch(handle, (spec, settings, data, {}))


def continue_training(
    run_id: str, extra_epochs: int, *, owner: str, runs_dir=None, data=None
) -> RunHandle:
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
        A :class:`RunHandle` with the same ``run_id``.

    Raises:
        RunNotFoundError: if the run is not ``owner``'s, or has no saved weights (``.key`` is
            ``"train.error.no_model"``).
        TrainingBusyError: if another run is training in this process.
    """
    if not isinstance(extra_epochs, int) or extra_epochs <= 0:
        raise SettingsError("extra_epochs", extra_epochs)
    info = load_run(run_id, owner, runs_dir)
    if not info.has_model:
        err = RunNotFoundError(run_id)
        err.key = "train.error.no_model"
        raise err
    if info.status in ACTIVE_STATUSES:
        raise TrainingBusyError()
    spec = ModelSpec.from_dict(info.spec)
    # More epochs at full size, from the learned (and, if whitened, kept) first-layer filters.
    settings = TrainSettings.from_dict(info.settings).replace(time_budget_s=None, low_res=0.0)
    if not _SLOT.acquire(blocking=False):
        raise TrainingBusyError()
    state = _State(run_id, info.epochs_done + extra_epochs)
    state.epoch_log = [e for e in info.epoch_log if not e.get("partial")]
    metrics = _runs.read_json(info.path / "metrics.json", {}) or {}
    state.batch_log = list(metrics.get("batch_log", []))
    state.stride = max(1, _stride_of(state.batch_log))
    state.evaluation = None
    handle = RunHandle(run_id, owner, info.path, state)
    resume = {"initial_epoch": len(state.epoch_log), "extra_epochs": extra_epochs}
    return _launch(handle, (spec, settings, data, resume))


def _stride_of(batch_log: list) -> int:
    if len(batch_log) < 2:
        return 1
    return int(batch_log[-1]["step"] - batch_log[-2]["step"])


def load_run_model(run_id: str, owner: str, runs_dir=None):
    """Loads the saved Keras model of one of ``owner``'s runs (``safe_mode=True``).

    Raises:
        RunNotFoundError: if the run is not ``owner``'s or has no saved model.
    """
    import keras

    info = load_run(run_id, owner, runs_dir)
    if not info.has_model:
        err = RunNotFoundError(run_id)
        err.key = "train.error.no_model"
        raise err
    return keras.saving.load_model(info.path / "model.keras", safe_mode=True)


# --- estimates ----------------------------------------------------------------------------------

_ESTIMATES: dict[tuple, float] = {}
_ESTIMATE_LOCK = threading.Lock()


def estimate_epoch_seconds(spec: ModelSpec, settings: TrainSettings, *, train_images=None) -> float:
    """Estimates the seconds one epoch takes, from a short real measurement.

    Builds the model, runs a few warm-up steps on random images, times a few more, and scales to
    the epoch (plus the validation pass). Cached per (design, batch size, precision).

    Args:
        spec: the model design.
        settings: the training settings (batch size, precision, training-set size).
        train_images: images per epoch; ``settings.train_size`` or the dataset's default split
            (45,000 for CIFAR-10, 55,000 for MNIST) when ``None``.

    Returns:
        Estimated seconds per epoch.
    """
    precision = resolve_precision(spec, settings)
    key = (spec.to_json(indent=None), settings.batch_size, precision)
    if train_images is None:
        full = 50_000 if settings.dataset == "cifar10" else 60_000
        train_images = settings.train_size or (full - settings.val_size)
    with _ESTIMATE_LOCK:
        per_image = _ESTIMATES.get(key)
        if per_image is None:
            bs = settings.batch_size
            model = build_for_training(spec, precision)
            _compile(model, settings.replace(label_smoothing=0.0))
            rng = np.random.default_rng(0)
            x = rng.integers(0, 256, size=(bs, *spec.input_shape)).astype(np.float32)
            y = np.eye(spec.num_classes, dtype=np.float32)[rng.integers(0, spec.num_classes, bs)]
            for _ in range(3):  # tracing and warm-up
                model.train_on_batch(x, y)
            steps = max(3, min(20, int(2048 / bs)))
            t0 = time.perf_counter()
            for _ in range(steps):
                model.train_on_batch(x, y)
            per_image = (time.perf_counter() - t0) / (steps * bs)
            _ESTIMATES[key] = per_image
    # A forward pass costs about a third of a training step.
    return per_image * (train_images + settings.val_size / 3)


if __name__ == "__main__":  # python -m cnn_core.train
    from cnn_core.train_cli import main

    raise SystemExit(main())
