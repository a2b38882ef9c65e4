"""How long an epoch will take, from a short real measurement on this machine."""

from __future__ import annotations

import threading
import time

import numpy as np

from cnn_core.spec import ModelSpec
from cnn_core.train.optimizers import compile_model
from cnn_core.train.precision import build_for_training, resolve_precision
from cnn_core.train.settings import TrainSettings

__all__ = ["estimate_epoch_seconds"]

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
            compile_model(model, settings.replace(label_smoothing=0.0))
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
