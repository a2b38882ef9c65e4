"""The one model picker of the Evaluate and Classify pages: the shipped models and this visitor's
runs that saved a model, listed through the engine interface and :mod:`cnn_core.pretrained`.

Nothing here imports TensorFlow until a model is actually loaded (:func:`load_model`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cnn_core.train.engine import Engine, get_engine
from cnn_core.train.errors import EngineUnavailableError
from cnn_core.train.snapshot import ACTIVE_STATUSES

UNTRAINED_PRESET = "blog"


@dataclass(frozen=True)
class ModelChoice:
    """One entry of the model picker.

    Attributes:
        kind: ``"pretrained"`` (shipped in ``models/``), ``"run"`` (trained by this visitor) or
            ``"untrained"`` (the blog's model with random weights).
        name: the pretrained name, the run id or the preset name.
        dataset: the dataset it was trained for (decides class names and input size).
        accuracy: test accuracy (0..1) when known.
        epochs: full epochs trained (runs).
        steps: epoch-log entries (runs): part of the key, so more training means a new score.
        partial: the run's last epoch ended early (part of the key too).
        info: the run's ``RunInfo`` or the shipped model's ``PretrainedInfo`` (not compared).
    """

    kind: str
    name: str
    dataset: str = "cifar10"
    accuracy: float | None = None
    epochs: int = 0
    steps: int = 0
    partial: bool = False
    info: object = field(default=None, compare=False, hash=False, repr=False)

    @property
    def key(self) -> str:
        """The picker's value: stable for a model, new when a run trains further."""
        if self.kind == "pretrained":
            return f"pre:{self.name}"
        if self.kind == "run":
            return f"run:{self.name}:{self.steps}{'p' if self.partial else ''}"
        return f"{self.kind}:{self.name}"


def untrained_choice() -> ModelChoice:
    """The blog's network with random weights (Classify offers it: what an untrained net says)."""
    return ModelChoice("untrained", UNTRAINED_PRESET, "cifar10")


def has_model(info) -> bool:
    """Whether a run can be picked: it ended and saved a model, even mid-epoch."""
    return info.status not in ACTIVE_STATUSES and info.has_model


def _run_choice(info) -> ModelChoice:
    log = list(info.epoch_log or [])
    accuracy = (info.evaluation or {}).get("accuracy")
    return ModelChoice(
        "run",
        info.run_id,
        (info.settings or {}).get("dataset", "cifar10"),
        accuracy,
        int(info.epochs_done),
        len(log),
        bool(log and log[-1].get("partial")),
        info,
    )


def model_choices(
    owner: str, *, eng: Engine | None = None, untrained: bool = False
) -> list[ModelChoice]:
    """Every model this visitor may use: their runs (newest first), then the shipped models.

    Missing or broken parts (no ``models/`` yet, a run store that cannot be read, a backend that
    is not available) are left out rather than breaking the page.

    Args:
        owner: the visitor id.
        eng: the training engine (default :func:`cnn_core.train.get_engine`).
        untrained: also offer the blog's untrained network, last.

    Returns:
        A list of :class:`ModelChoice`.
    """
    choices: list[ModelChoice] = []
    try:
        eng = eng if eng is not None else get_engine()
        choices += [_run_choice(info) for info in eng.list_runs(owner) if has_model(info)]
    except (EngineUnavailableError, OSError, ValueError):
        pass
    try:
        from cnn_core.pretrained import list_pretrained

        for item in list_pretrained():
            metrics = item.metrics if isinstance(item.metrics, dict) else {}
            choices.append(
                ModelChoice(
                    "pretrained",
                    item.name,
                    item.dataset,
                    metrics.get("accuracy"),
                    item.epochs,
                    info=item,
                )
            )
    except Exception:  # the pages must work before any model ships
        pass
    if untrained:
        choices.append(untrained_choice())
    return choices


def default_choice(choices: list[ModelChoice], dataset: str) -> ModelChoice:
    """The model a picker opens with: the shipped one with the best recorded test accuracy for
    ``dataset`` (:func:`cnn_core.pretrained.best_pretrained`), else the first shipped one, else
    the first."""
    try:
        from cnn_core.pretrained import best_pretrained

        best = best_pretrained(dataset)
    except Exception:  # no readable models folder: fall back below
        best = None
    shipped = [c for c in choices if c.kind == "pretrained"]
    for choice in shipped:
        if best is not None and choice.name == best.name:
            return choice
    return (shipped or choices)[0]


def load_model(choice: ModelChoice, owner: str, *, eng: Engine | None = None):
    """Loads the chosen model (TensorFlow from here on).

    Args:
        choice: a :class:`ModelChoice`.
        owner: the visitor id (a run is loaded only for its owner).
        eng: the training engine (default :func:`cnn_core.train.get_engine`).

    Returns:
        A ``keras.Model`` taking uint8 images.

    Raises:
        ValueError: for an unknown kind.
    """
    if choice.kind == "pretrained":
        from cnn_core.pretrained import load_pretrained

        return load_pretrained(choice.name)
    if choice.kind == "run":
        return (eng if eng is not None else get_engine()).load_model(choice.name, owner)
    if choice.kind == "untrained":
        from cnn_core.model import build_model
        from cnn_core.presets import get_preset

        return build_model(get_preset(choice.name))
    raise ValueError(f"unknown model kind {choice.kind!r}")
