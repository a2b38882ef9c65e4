"""A lesson's challenge: the rules a run must keep to rank (no TensorFlow).

For example "best test accuracy with at most 100,000 weights and 60 s of training on CIFAR-10".
The rules are checked when a run starts; a run that breaks them still trains (the student still
learns from it) but does not rank, and the student is told which rule it broke.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cnn_core.data import DATASETS
from cnn_core.spec import ModelSpec, SpecError, summarize
from cnn_core.workshop.errors import WorkshopError

MAX_WEIGHTS_LIMIT = 20_000_000
MAX_SECONDS_LIMIT = 3 * 3600


@dataclass(frozen=True)
class Violation:
    """One broken rule.

    Attributes:
        code: ``"weights"``, ``"seconds"``, ``"no_budget"``, ``"dataset"`` or ``"design"``.
        key: the catalog key, ``workshop.rule.<code>``.
        args: values for the placeholders (numbers stay numbers: the page formats them).
    """

    code: str
    args: dict

    @property
    def key(self) -> str:
        return f"workshop.rule.{self.code}"

    def to_dict(self) -> dict:
        return {"code": self.code, "args": dict(self.args)}

    @classmethod
    def from_dict(cls, data: dict) -> Violation:
        return cls(str(data["code"]), dict(data.get("args") or {}))


@dataclass(frozen=True)
class Challenge:
    """The rules of a lesson's contest; ``None`` for a rule means "no limit".

    Attributes:
        max_weights: most weights (parameters) a network may have.
        max_seconds: most seconds of training (the run's time budget must be set and within it).
        dataset: the dataset every run must use.
    """

    max_weights: int | None = None
    max_seconds: float | None = None
    dataset: str | None = "cifar10"

    def check(self) -> Challenge:
        """Validates the rules themselves.

        Raises:
            WorkshopError: ``bad_challenge`` when a limit is out of range.
        """
        weights_ok = self.max_weights is None or (
            isinstance(self.max_weights, int)
            and not isinstance(self.max_weights, bool)
            and 1 <= self.max_weights <= MAX_WEIGHTS_LIMIT
        )
        seconds_ok = self.max_seconds is None or (
            isinstance(self.max_seconds, int | float)
            and not isinstance(self.max_seconds, bool)
            and math.isfinite(self.max_seconds)
            and 1 <= self.max_seconds <= MAX_SECONDS_LIMIT
        )
        dataset_ok = self.dataset is None or self.dataset in DATASETS
        if not (weights_ok and seconds_ok and dataset_ok):
            raise WorkshopError("bad_challenge")
        return self

    def to_dict(self) -> dict:
        return {
            "max_weights": self.max_weights,
            "max_seconds": self.max_seconds,
            "dataset": self.dataset,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Challenge:
        """Rebuilds a challenge from :meth:`to_dict` output and checks it.

        Raises:
            WorkshopError: ``bad_challenge`` when the data is not a valid challenge.
        """
        if not isinstance(data, dict):
            raise WorkshopError("bad_challenge")
        return cls(
            max_weights=data.get("max_weights"),
            max_seconds=data.get("max_seconds"),
            dataset=data.get("dataset"),
        ).check()


def count_weights(spec) -> int | None:
    """Returns the weight count of a spec (dict or ``ModelSpec``); ``None`` if it has errors."""
    try:
        model_spec = spec if isinstance(spec, ModelSpec) else ModelSpec.from_dict(spec)
        summary = summarize(model_spec)
    except (SpecError, TypeError, ValueError, KeyError):
        return None
    return summary.total_params if summary.ok else None


def check_challenge(spec, settings: dict, challenge: Challenge | None) -> list[Violation]:
    """Lists the rules a run would break.

    Args:
        spec: the network (``ModelSpec`` or its dict).
        settings: the training settings (a dict, as ``TrainSettings.to_dict()``).
        challenge: the lesson's challenge (``None``: no rules, nothing broken).

    Returns:
        The broken rules, in a fixed order (weights, seconds, dataset); empty when the run ranks.
    """
    if challenge is None:
        return []
    found = []
    if challenge.max_weights is not None:
        weights = count_weights(spec)
        if weights is None:
            found.append(Violation("design", {}))
        elif weights > challenge.max_weights:
            found.append(Violation("weights", {"weights": weights, "max": challenge.max_weights}))
    if challenge.max_seconds is not None:
        budget = settings.get("time_budget_s")
        if budget is None:
            found.append(Violation("no_budget", {"max": challenge.max_seconds}))
        elif float(budget) > challenge.max_seconds:
            found.append(
                Violation("seconds", {"seconds": float(budget), "max": challenge.max_seconds})
            )
    dataset = settings.get("dataset", "cifar10")
    if challenge.dataset is not None and dataset != challenge.dataset:
        found.append(Violation("dataset", {"dataset": dataset, "required": challenge.dataset}))
    return found
