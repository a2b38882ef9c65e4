"""Training settings: the ONE schema of every setting, and :class:`TrainSettings` built on it.

The schema (:data:`SCHEMA`) says, for each setting, its kind, default, allowed choices or range,
and its catalog keys. Everything that checks or offers a setting reads it from here: the engine
(:meth:`TrainSettings.check`), the Build page's design checks (``cnn_core.design.check_settings``),
the command line's ``argparse`` choices, and the pages' widgets. No TensorFlow here.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from cnn_core.data import DATASETS
from cnn_core.train.errors import SettingsError

__all__ = [
    "DATASETS",
    "OPTIMIZERS",
    "PRECISIONS",
    "SCHEDULES",
    "SCHEMA",
    "SHORT_RUN_S",
    "Setting",
    "TrainSettings",
    "check_value",
    "default_settings",
    "fast_settings",
    "quick_demo_settings",
]

OPTIMIZERS = ("sgd", "sgd_momentum", "adam", "adamw")
SCHEDULES = ("constant", "onecycle", "cosine")
PRECISIONS = ("auto", "float32", "mixed_bfloat16")


@dataclass(frozen=True)
class Setting:
    """One training setting: what values it takes and how pages name it.

    Attributes:
        name: the :class:`TrainSettings` field.
        kind: ``"choice"``, ``"int"``, ``"float"`` or ``"bool"``.
        default: the blog's value.
        choices: allowed values of a ``"choice"``.
        low, high: inclusive range of a number.
        optional: ``None`` is allowed (no limit / all images).
        label_key: catalog key naming the setting (``build.field.<name>``).
        help_key: catalog key of a longer explanation, when there is one.
        option_prefix: catalog prefix naming each choice (``<prefix>.<choice>``), if any.
    """

    name: str
    kind: str
    default: object
    choices: tuple = ()
    low: float | None = None
    high: float | None = None
    optional: bool = False
    help_key: str | None = None
    option_prefix: str | None = None

    @property
    def label_key(self) -> str:
        return f"build.field.{self.name}"


def _schema(*settings: Setting) -> dict[str, Setting]:
    return {s.name: s for s in settings}


#: Every training setting, in :class:`TrainSettings` field order. Defaults are the blog's recipe:
#: plain SGD at 0.01, batches of 32, 40 epochs, all 45,000 training images.
SCHEMA: dict[str, Setting] = _schema(
    Setting("dataset", "choice", "cifar10", choices=DATASETS, option_prefix="data.dataset"),
    Setting("optimizer", "choice", "sgd", choices=OPTIMIZERS, option_prefix="build.optimizer"),
    Setting("learning_rate", "float", 0.01, low=1e-5, high=1.0),
    Setting("momentum", "float", 0.9, low=0.0, high=0.999),
    Setting("weight_decay", "float", 5e-4, low=0.0, high=0.1),
    Setting("schedule", "choice", "constant", choices=SCHEDULES, option_prefix="build.schedule"),
    Setting("batch_size", "int", 32, low=16, high=512),
    Setting("epochs", "int", 40, low=1, high=200),
    Setting("time_budget_s", "float", None, low=1.0, high=3 * 3600.0, optional=True),
    Setting("train_size", "int", None, low=100, high=60_000, optional=True),
    Setting("val_size", "int", 5000, low=0, high=20_000),
    Setting("augment", "bool", False, help_key="build.set.augment_help"),
    Setting("label_smoothing", "float", 0.0, low=0.0, high=0.5),
    Setting("seed", "int", 0, low=0, high=2**31 - 1),
    Setting("precision", "choice", "auto", choices=PRECISIONS),
    Setting("whiten", "bool", False, help_key="build.set.whiten_help"),
    Setting("low_res", "float", 0.0, low=0.0, high=0.9, help_key="build.set.low_res_help"),
)


def default_settings() -> dict:
    """Returns the blog's settings as a fresh dict (every schema default)."""
    return {name: s.default for name, s in SCHEMA.items()}


def _fmt(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def check_value(name: str, value) -> tuple[object, tuple[str, dict] | None]:
    """Checks one setting against :data:`SCHEMA`.

    Integral floats are accepted for integer settings (JSON from elsewhere) and ints for float
    settings; the returned value has the schema's type.

    Args:
        name: a key of :data:`SCHEMA`.
        value: the value to check.

    Returns:
        ``(clean value, None)`` when it is valid, else ``(value, (code, args))`` with ``code``
        ``"choice"`` (args ``allowed``), ``"range"`` (``low``, ``high``) or ``"boolean"``.

    Raises:
        KeyError: if ``name`` is not a setting.
    """
    s = SCHEMA[name]
    if s.optional and value is None:
        return None, None
    if s.kind == "choice":
        ok = isinstance(value, str) and value in s.choices
        return value, None if ok else ("choice", {"allowed": ", ".join(s.choices)})
    if s.kind == "bool":
        return value, None if isinstance(value, bool) else ("boolean", {})
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and not math.isfinite(float(value)):
        number = False
    if number and s.kind == "int":
        if float(value).is_integer():
            value = int(value)
        else:
            number = False
    elif number:
        value = float(value)
    if not number or not s.low <= value <= s.high:
        return value, ("range", {"low": _fmt(s.low), "high": _fmt(s.high)})
    return value, None


@dataclass
class TrainSettings:
    """How to train: optimizer, schedule, batch size, epochs, data, augmentation, precision.

    Every value is checked against :data:`SCHEMA` (allowed choices and ranges) on creation.

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
            has native bfloat16, where it is faster).
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
        """Checks every value against :data:`SCHEMA` and normalises number types.

        Raises:
            SettingsError: for the first invalid value.
        """
        for name in SCHEMA:
            clean, problem = check_value(name, getattr(self, name))
            if problem is not None:
                raise SettingsError(name, getattr(self, name))
            object.__setattr__(self, name, clean)

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
    """The recipe for the ``fast`` presets: whitened first layer, half-size images for the first
    part of the run, a one-cycle schedule, flips and crops, label smoothing.

    A time budget of :data:`SHORT_RUN_S` or less trains with Nesterov SGD (peak 0.2, momentum
    0.85, as airbench) on batches of 128 with 70% of the run at half size (more, cheaper steps):
    in 60 s it scored 66.5% against AdamW's 62.2% (``bench/README.md``). Longer runs use AdamW
    (peak 0.003, weight decay 0.05) on batches of 256 with half the run at half size, the recipe
    of the 10-minute runs.

    Args:
        **changes: settings to override (e.g. ``time_budget_s=60``).

    Returns:
        The :class:`TrainSettings`.
    """
    budget = changes.get("time_budget_s")
    short = budget is not None and budget <= SHORT_RUN_S
    base = TrainSettings(
        optimizer="sgd_momentum" if short else "adamw",
        learning_rate=0.2 if short else 0.003,
        momentum=0.85,
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

    Returns:
        The :class:`TrainSettings`.
    """
    return fast_settings(time_budget_s=30, epochs=10, **changes)
