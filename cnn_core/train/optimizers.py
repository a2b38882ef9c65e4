"""Optimizers and learning-rate schedules."""

from __future__ import annotations

import math

from cnn_core.train.settings import TrainSettings

__all__ = ["compile_model", "learning_rate_at", "make_optimizer"]


def make_optimizer(settings: TrainSettings):
    """Returns the Keras optimizer for ``settings`` (at the peak learning rate).

    Args:
        settings: the training settings (``optimizer``, ``learning_rate``, ``momentum``,
            ``weight_decay``).

    Returns:
        A ``keras.optimizers.Optimizer``.
    """
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

    Args:
        settings: the training settings (``schedule``, ``learning_rate``).
        fraction: how much of the run is done.

    Returns:
        The learning rate.
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


def compile_model(model, settings: TrainSettings) -> None:
    """Compiles ``model`` with the settings' optimizer and (label-smoothed) cross-entropy."""
    import keras

    model.compile(
        optimizer=make_optimizer(settings),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=settings.label_smoothing),
        metrics=[keras.metrics.CategoricalAccuracy(name="accuracy")],
        jit_compile=False,  # XLA compiled 2-4x slower code on these CPUs
    )
