"""Admission control: one check that every path which starts work goes through.

Before a run (or the Build page's speed measurement) allocates anything, :func:`check_admission`
works out from the spec alone (no TensorFlow, no Keras) whether this host can take it:

- the network's input and classes are the dataset's (a 28x28x1 design cannot train on CIFAR-10);
- memory at the run's **real** batch size: every layer's activations for one batch (kept for
  backpropagation), plus weights, their gradients and the optimizer's slots; and the test-set
  pass, which runs batches of :data:`EVAL_BATCH` images whatever the training batch;
- compute: the smallest useful piece of the run must fit in the host's run-time cap
  (:func:`max_run_seconds`): :data:`MIN_TRAIN_IMAGES` training images (or the whole epoch, or the
  time budget, when shorter) and the smallest test the engine scores (:data:`MIN_TEST_IMAGES`).
  Longer runs are admitted: the cap ends them by itself, keeping their weights (validation and
  test subsampled to fit), and :func:`estimate_run` says beforehand how far they will get.

A refusal is an :class:`AdmissionError` that names what is too big, by how much, and a fix, in the
visitor's language (catalog ``cnn_core/locales/admission.py``).

Example:

>>> from cnn_core.presets import get_preset
>>> check_admission(get_preset("blog"), {"batch_size": 32})  # admitted: returns None
"""

from __future__ import annotations

import itertools
import math
import os
import threading
from dataclasses import dataclass

from cnn_core import locales

# One run-time cap, read in one place (the scheduler enforces it; admission plans within it).
from cnn_core.scheduler import DEFAULT_MAX_RUN_S, MAX_RUN_ENV  # noqa: F401 -- re-exported
from cnn_core.scheduler import max_run_seconds as engine_cap
from cnn_core.spec import BYTES_PER_VALUE, ModelSpec, Summary, summarize

__all__ = [
    "DATASET_CLASSES",
    "DATASET_SHAPES",
    "DEFAULT_MACS_PER_S",
    "EVAL_BATCH",
    "MIN_TEST_IMAGES",
    "MIN_TRAIN_IMAGES",
    "AdmissionError",
    "RunEstimate",
    "check_admission",
    "estimate_run",
    "host_macs_per_second",
    "max_run_seconds",
    "max_training_bytes",
    "record_epoch_seconds",
    "record_speed",
    "training_memory",
]

#: Input shape of each dataset's images (as in :mod:`cnn_core.data`).
DATASET_SHAPES = {"cifar10": (32, 32, 3), "mnist": (28, 28, 1), "fashion_mnist": (28, 28, 1)}
#: Classes of every dataset the app trains on.
DATASET_CLASSES = 10
# Images in each dataset's training and test sets.
_TRAIN_IMAGES = {"cifar10": 50_000, "mnist": 60_000, "fashion_mnist": 60_000}
_TEST_IMAGES = 10_000

#: The least training that is worth a place in the queue: about 9% of CIFAR-10's training split.
#: A network that cannot see this many images within the cap is refused; counted in images, not
#: epochs, so runs on a small ``train_size`` and tests with a few hundred images are judged alike.
MIN_TRAIN_IMAGES = 4000
#: The smallest test subsample the engine scores when the full test set does not fit in the cap.
MIN_TEST_IMAGES = 1000
_DEFAULT_VAL_SIZE = 5000

# Without a cap, a run is still bounded by the longest time budget the settings allow (3 h).
UNCAPPED_RUN_S = 3 * 3600.0

#: Memory a run may plan for when ``CNN_STUDIO_MAX_TRAIN_MB`` is not set. The app's host (Streamlit
#: Community Cloud) has ~2.7 GB for everyone: TensorFlow takes ~640 MB, CIFAR-10 and the app a few
#: hundred more; 600 MiB is the activation cap the spec already used, now at the run's real batch
#: size and counting weights, gradients and optimizer state too.
DEFAULT_MAX_TRAIN_MB = 600
MAX_TRAIN_ENV = "CNN_STUDIO_MAX_TRAIN_MB"

#: Batch size of the test-set pass (``cnn_core.evaluate.evaluate_model``'s default).
EVAL_BATCH = 256

#: Training speed assumed until one is measured on this host: forward multiply-accumulates of the
#: images trained per second (``summary.total_macs * training images per second``).
#:
#: Why a constant and not a calibration here: a numpy loop measures numpy, not TensorFlow's
#: convolutions (they differ by orders of magnitude), and importing TensorFlow to measure would
#: cost this check 3-5 s and 640 MB. Measured on the project machine (2 cores, idle, float32,
#: README "Measured figures"): the blog model 33.9 M MACs x 714 img/s = 24 G/s; the fast preset
#: 65.4 M x 500 img/s = 33 G/s. 10 G/s is ~2.5x below the slower of those, for a host shared with
#: other visitors or without AVX-512. The check only refuses what misses the cap by a lot, and the
#: cap itself ends anything this figure misjudges. ``CNN_STUDIO_MACS_PER_S`` overrides it; a real
#: measurement (:func:`record_speed`, fed by the Build page's speed check) replaces it.
DEFAULT_MACS_PER_S = 10e9
MACS_PER_S_ENV = "CNN_STUDIO_MACS_PER_S"
# A forward pass (validation, test) costs about a third of a training step (forward + backward).
_FORWARD_SHARE = 1 / 3
# Measurements on networks smaller than this are dominated by per-step overhead: not recorded.
_MIN_MEASURED_MACS = 5_000_000

#: The Build page's speed measurement: warm-up steps plus timed steps of ``estimate_epoch_seconds``
#: (3 warm-up, then ``max(3, min(20, 2048 // batch))``), allowed at most this long.
MEASURE_MAX_S = 60.0

_PURPOSES = ("train", "continue", "measure")
_SPEED_LOCK = threading.Lock()
_MEASURED: list[float] = []


# ---------------------------------------------------------------------------------------------
# Host limits, read in one place so the engine, the queue and the pages agree.


def _env_float(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except (TypeError, ValueError):
        return float(default)
    return value if math.isfinite(value) and value > 0 else float(default)


def max_run_seconds() -> float:
    """Returns the longest a single run may hold the machine, in seconds.

    The engine's cap (:func:`cnn_core.scheduler.max_run_seconds`: ``$CNN_STUDIO_MAX_RUN_S``, 600 s
    by default), which covers training, validation and the final test; with the cap ``off`` (a
    private machine), the longest time budget a run may ask for (:data:`UNCAPPED_RUN_S`).
    """
    cap = engine_cap()
    return UNCAPPED_RUN_S if cap is None else float(cap)


def max_training_bytes() -> int:
    """Returns the memory one run may plan for (``$CNN_STUDIO_MAX_TRAIN_MB``, default 600 MiB)."""
    return int(_env_float(MAX_TRAIN_ENV, DEFAULT_MAX_TRAIN_MB) * 2**20)


def host_macs_per_second() -> float:
    """Returns this host's training speed in forward MACs of trained images per second.

    ``$CNN_STUDIO_MACS_PER_S`` when set; else the best figure measured in this process
    (:func:`record_speed`; the best, because a measurement taken while others trained
    understates the host); else :data:`DEFAULT_MACS_PER_S`.
    """
    if os.environ.get(MACS_PER_S_ENV):
        return _env_float(MACS_PER_S_ENV, DEFAULT_MACS_PER_S)
    with _SPEED_LOCK:
        return max(_MEASURED) if _MEASURED else DEFAULT_MACS_PER_S


def record_speed(spec: ModelSpec, seconds_per_image: float) -> float | None:
    """Records a real training-speed measurement of ``spec`` on this host.

    Args:
        spec: the network measured.
        seconds_per_image: training seconds per image (e.g. from ``estimate_epoch_seconds``:
            seconds per epoch divided by the images of the epoch).

    Returns:
        The speed recorded (forward MACs per second), or ``None`` when the measurement cannot
        stand for the host (a network too small to keep the cores busy, a non-positive time).
    """
    macs = summarize(spec).total_macs
    if macs < _MIN_MEASURED_MACS or not seconds_per_image or seconds_per_image <= 0:
        return None
    speed = macs / seconds_per_image
    if not math.isfinite(speed):
        return None
    with _SPEED_LOCK:
        _MEASURED.append(speed)
        del _MEASURED[:-20]  # the last few are enough
    return speed


def record_epoch_seconds(spec: ModelSpec, settings, seconds: float) -> float | None:
    """Records the result of ``cnn_core.train.estimate_epoch_seconds`` as this host's speed.

    That estimate times real training steps and scales them to the epoch's training images plus
    a third of its validation images (a forward pass); this undoes the scaling.

    Args:
        spec: the network measured.
        settings: the settings it was measured with (``train_size``, ``val_size``, ``dataset``).
        seconds: the estimated seconds per epoch.

    Returns:
        The speed recorded, or ``None`` (see :func:`record_speed`).
    """
    train, val = _images(settings)
    images = train + val * _FORWARD_SHARE
    return record_speed(spec, seconds / images) if images > 0 else None


def _forget_measurements() -> None:
    """Drops the recorded measurements (for tests)."""
    with _SPEED_LOCK:
        _MEASURED.clear()


# ---------------------------------------------------------------------------------------------
# Estimates from the spec alone.


def _setting(settings, name: str, default):
    if isinstance(settings, dict):
        value = settings.get(name, default)
    else:
        value = getattr(settings, name, default)
    return default if value is None and default is not None else value


@dataclass(frozen=True)
class TrainingMemory:
    """What one run needs in memory, in bytes.

    Attributes:
        activations: every layer's output for one training batch (backpropagation keeps them).
        weights: weights, their gradients and the optimizer's slots.
        evaluation: the biggest layer input and output together for one test batch, plus weights.
        per_image: ``activations`` for one image.
    """

    activations: int
    weights: int
    evaluation: int
    per_image: int

    @property
    def training(self) -> int:
        """Memory while training."""
        return self.activations + self.weights

    @property
    def peak(self) -> int:
        """The larger of training and the test pass."""
        return max(self.training, self.evaluation)


# Optimizer slots per weight (Keras 3): SGD none, momentum one, Adam/AdamW two moments.
_SLOTS = {"sgd": 0, "sgd_momentum": 1, "adam": 2, "adamw": 2}


def training_memory(summary: Summary, batch_size: int, optimizer: str = "adamw") -> TrainingMemory:
    """Estimates the memory of training ``summary.spec`` on batches of ``batch_size``.

    Args:
        summary: :func:`cnn_core.spec.summarize` of the network.
        batch_size: the run's batch size.
        optimizer: the run's optimizer (its slots per weight).

    Returns:
        A :class:`TrainingMemory` (float32 values throughout: mixed precision only lowers it).
    """
    per_image = summary.activation_bytes
    # weights + gradients + optimizer slots, float32
    copies = 2 + _SLOTS.get(optimizer, 2)
    weights = summary.total_params * BYTES_PER_VALUE * copies
    # Inference keeps only the tensor going into a layer and the one coming out.
    sizes = [summary.input_bytes] + [r.activation_bytes or 0 for r in summary.rows]
    pair = max((a + b for a, b in itertools.pairwise(sizes)), default=sizes[0])
    evaluation = pair * EVAL_BATCH + summary.total_params * BYTES_PER_VALUE
    return TrainingMemory(per_image * batch_size, weights, evaluation, per_image)


@dataclass(frozen=True)
class RunEstimate:
    """How long a run will hold the machine, from its MACs and this host's speed.

    Attributes:
        epoch_s: one epoch of training.
        train_s: all the training asked for (epochs, or the time budget when that ends first).
        eval_s: the validation passes plus the test pass.
        minimum_s: the smallest useful piece: :data:`MIN_TRAIN_IMAGES` training images (or the
            epoch, or the time budget, when shorter) and :data:`MIN_TEST_IMAGES` test images.
        cap_s: the host's run-time cap (:func:`max_run_seconds`).
        macs_per_s: the speed assumed.
    """

    epoch_s: float
    train_s: float
    eval_s: float
    minimum_s: float
    cap_s: float
    macs_per_s: float

    @property
    def total_s(self) -> float:
        """The whole run: training, validation and test."""
        return self.train_s + self.eval_s

    @property
    def fits(self) -> bool:
        """Whether the whole run ends before the cap (if not, the cap ends it)."""
        return self.total_s <= self.cap_s


def _images(settings) -> tuple[int, int]:
    dataset = _setting(settings, "dataset", "cifar10")
    val = int(_setting(settings, "val_size", _DEFAULT_VAL_SIZE) or 0)
    available = max(0, _TRAIN_IMAGES.get(dataset, 50_000) - val)
    train_size = _setting(settings, "train_size", None)
    train = min(int(train_size), available) if train_size else available
    return train, val


def estimate_run(
    spec: ModelSpec, settings, *, extra_epochs: int | None = None, summary: Summary | None = None
) -> RunEstimate:
    """Estimates the seconds a run of ``spec`` with ``settings`` takes on this host.

    Args:
        spec: the network.
        settings: ``TrainSettings`` or a settings dict (``dataset``, ``epochs``,
            ``time_budget_s``, ``train_size``, ``val_size``).
        extra_epochs: for a continued run, the epochs asked for (its time budget does not apply).
        summary: ``summarize(spec)`` when the caller has it.

    Returns:
        A :class:`RunEstimate`.
    """
    summary = summary or summarize(spec)
    macs = max(summary.total_macs, 1)
    speed = host_macs_per_second()
    train_images, val_images = _images(settings)
    epoch_s = train_images * macs / speed
    val_s = val_images * macs * _FORWARD_SHARE / speed
    test_s = _TEST_IMAGES * macs * _FORWARD_SHARE / speed
    budget = None if extra_epochs else _setting(settings, "time_budget_s", None)
    epochs = int(extra_epochs or _setting(settings, "epochs", 1) or 1)
    train_s = epochs * epoch_s
    if budget:
        train_s = min(train_s, float(budget))
        epochs_run = max(1, math.ceil(train_s / epoch_s)) if epoch_s > 0 else epochs
    else:
        epochs_run = epochs
    first = min(train_images, MIN_TRAIN_IMAGES) * macs / speed
    if budget:
        first = min(first, float(budget))
    least_test_s = min(_TEST_IMAGES, MIN_TEST_IMAGES) * macs * _FORWARD_SHARE / speed
    return RunEstimate(
        epoch_s=epoch_s,
        train_s=train_s,
        eval_s=epochs_run * val_s + test_s,
        minimum_s=first + least_test_s,
        cap_s=max_run_seconds(),
        macs_per_s=speed,
    )


# ---------------------------------------------------------------------------------------------
# The check.


class AdmissionError(ValueError):
    """A run that this host will not start.

    Attributes:
        code: what is too big or wrong (for example ``"memory"``); the catalog has
            ``admission.error.<code>`` and ``admission.fix.<code>``.
        key: ``"admission.error.<code>"``.
        args_dict: numbers for the message (what was asked, the limit), JSON-friendly. Keys
            ending in ``_s`` are durations in seconds, ``_mb`` megabytes, ``dataset`` a dataset id;
            :meth:`message` writes them in the visitor's language.
    """

    def __init__(self, code: str, **args):
        super().__init__(code)
        self.code = code
        self.key = f"admission.error.{code}"
        self.args_dict = args

    def _args(self, lang: str) -> dict:
        shown = {}
        for name, value in self.args_dict.items():
            if name.endswith("_s") and isinstance(value, int | float):
                shown[name] = format_duration(value, lang)
            elif name == "dataset" or name.endswith("_dataset"):
                shown[name] = locales.t(f"data.dataset.{value}", lang)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                shown[name] = locales.format_number(value, lang, None if _whole(value) else 1)
            else:
                shown[name] = value
        return shown

    def message(self, lang: str) -> str:
        """Says what is too big or wrong, and by how much, in ``lang``."""
        return locales.t(self.key, lang, **self._args(lang))

    def fix(self, lang: str) -> str:
        """Suggests what to change, in ``lang``."""
        return locales.t(f"admission.fix.{self.code}", lang, **self._args(lang))

    def __repr__(self) -> str:
        return f"AdmissionError({self.code!r}, {self.args_dict!r})"


def _whole(value) -> bool:
    return isinstance(value, int) or float(value).is_integer()


def format_duration(seconds: float, lang: str) -> str:
    """Writes an estimate for people: ``45 s``, ``12 min``, ``3,5 h`` (pt) / ``3.5 h`` (en)."""
    return locales.format_duration(seconds, lang, rough=True)


def _mb(n: float) -> int:
    return max(1, math.ceil(n / 2**20))


def _shape(shape) -> str:
    return "x".join(str(v) for v in shape)


def _check_dataset(spec: ModelSpec, settings) -> None:
    dataset = _setting(settings, "dataset", "cifar10")
    if dataset not in DATASET_SHAPES:
        raise AdmissionError("dataset", dataset_name=str(dataset)[:40], known="cifar10, mnist")
    want = DATASET_SHAPES[dataset]
    if tuple(spec.input_shape) != want:
        raise AdmissionError(
            "input_shape", shape=_shape(spec.input_shape), dataset=dataset, expected=_shape(want)
        )
    if spec.num_classes != DATASET_CLASSES:
        raise AdmissionError(
            "num_classes", classes=spec.num_classes, dataset=dataset, expected=DATASET_CLASSES
        )


def _check_memory(summary: Summary, settings) -> None:
    batch = int(_setting(settings, "batch_size", 32) or 32)
    optimizer = str(_setting(settings, "optimizer", "adamw"))
    need = training_memory(summary, batch, optimizer)
    limit = max_training_bytes()
    if need.peak <= limit:
        return
    biggest = max(summary.rows, key=lambda r: r.activation_bytes or 0, default=None)
    layer = biggest.name if biggest is not None else "-"
    room = limit - need.weights
    fit_batch = max(0, room // need.per_image) if need.per_image else 0
    if need.evaluation <= limit and fit_batch >= 1:
        # Training is what does not fit, and a smaller batch would make it fit.
        raise AdmissionError(
            "memory_batch",
            need_mb=_mb(need.peak),
            limit_mb=_mb(limit),
            times=round(need.peak / limit, 1),
            batch=batch,
            fit_batch=int(min(fit_batch, batch - 1)),
            layer=layer,
        )
    raise AdmissionError(
        "memory",
        need_mb=_mb(need.peak),
        limit_mb=_mb(limit),
        times=round(need.peak / limit, 1),
        batch=batch,
        layer=layer,
    )


def _check_compute(spec: ModelSpec, summary: Summary, settings, purpose, extra_epochs) -> None:
    if purpose == "measure":
        # The measurement itself: warm-up and timed steps of one batch each.
        batch = int(_setting(settings, "batch_size", 32) or 32)
        steps = 3 + max(3, min(20, 2048 // batch))
        need = steps * batch * max(summary.total_macs, 1) / host_macs_per_second()
        limit = min(MEASURE_MAX_S, max_run_seconds())
        if need > limit:
            raise AdmissionError(
                "measure_time", need_s=need, limit_s=limit, times=round(need / limit, 1)
            )
        return
    estimate = estimate_run(spec, settings, extra_epochs=extra_epochs, summary=summary)
    if estimate.minimum_s <= estimate.cap_s:
        return
    # How many training images fit in the cap beside the smallest test.
    per_image = max(summary.total_macs, 1) / estimate.macs_per_s
    spare = estimate.cap_s - MIN_TEST_IMAGES * per_image * _FORWARD_SHARE
    fit_images = int(spare / per_image) if spare > 0 else 0
    raise AdmissionError(
        # Too few images to learn anything from: only a smaller network helps.
        "compute" if fit_images >= 1000 else "compute_network",
        need_s=estimate.minimum_s,
        limit_s=estimate.cap_s,
        times=round(estimate.minimum_s / estimate.cap_s, 1),
        mmacs=round(summary.total_macs / 1e6, 1),
        fit_images=fit_images,
        least=min(_images(settings)[0], MIN_TRAIN_IMAGES),
    )


def check_admission(spec, settings, *, purpose: str = "train", extra_epochs: int | None = None):
    """Checks, before anything is allocated, that this host can run ``spec`` with ``settings``.

    No TensorFlow, no Keras: everything comes from :func:`cnn_core.spec.summarize`. Checks, in
    order: the dataset's input shape and classes; memory at the run's batch size (training and the
    test pass); for ``"train"`` and ``"continue"``, that the smallest useful run (see
    :class:`RunEstimate`, ``minimum_s``) fits in :func:`max_run_seconds`; for ``"measure"``,
    that the speed measurement itself takes at most :data:`MEASURE_MAX_S`.

    Args:
        spec: the :class:`cnn_core.spec.ModelSpec`.
        settings: the run's ``TrainSettings`` (or a settings dict with the same names).
        purpose: ``"train"``, ``"continue"`` or ``"measure"`` (the Build page's speed check).
        extra_epochs: for ``"continue"``, the epochs asked for.

    Raises:
        AdmissionError: what is too big, by how much, with a fix (``.message``/``.fix``).
        ValueError: if ``purpose`` is not one of the three.
    """
    if purpose not in _PURPOSES:
        raise ValueError(f"purpose must be one of {_PURPOSES}, got {purpose!r}")
    bad_extra = isinstance(extra_epochs, bool) or not isinstance(extra_epochs, int | None)
    if purpose == "continue" and (bad_extra or (extra_epochs is not None and extra_epochs < 1)):
        raise AdmissionError("extra_epochs", value=str(extra_epochs)[:20])
    _check_dataset(spec, settings)
    summary = summarize(spec)
    if not summary.rows or any(r.output_shape is None for r in summary.rows):
        # Sizes unknown past a broken layer: the spec's own problems say why, and they block
        # building and training; the check runs again once the stack is whole.
        return None
    _check_memory(summary, settings)
    _check_compute(
        spec, summary, settings, purpose, extra_epochs if purpose == "continue" else None
    )
    return None
