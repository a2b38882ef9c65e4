"""Helpers for the tests that train real (tiny) models, in tests/unit and tests/cluster alike.

A plain module, not a conftest: pytest loads a conftest as the plugin of its own folder and
advises against importing one from elsewhere (tests/cluster used to import tests/unit/conftest.py
for ``small_cifar``). Light on purpose: no TensorFlow is imported until a test trains.
"""

from __future__ import annotations

import time

import numpy as np

from cnn_core.data import Dataset
from cnn_core.spec import ModelSpec
from cnn_core.train import TrainSettings

# A real design's layer kinds (convolution, pooling, dense), small enough to train in seconds.
TINY = ModelSpec(
    [
        {"type": "Conv2D", "filters": 4, "kernel_size": 3, "activation": "relu"},
        {"type": "MaxPooling2D", "pool_size": 2},
        {"type": "Flatten"},
        {"type": "Dense", "units": 10, "activation": "softmax"},
    ],
    name="tiny",
)


def small_cifar(data_dir, n_train: int, n_val: int = 100, n_test: int = 200) -> Dataset:
    """A few hundred real CIFAR-10 images, split like the app's datasets (validation first)."""
    raw = np.load(data_dir / "cifar10.npz")
    n = n_val + n_train
    x, y = raw["x_train"][:n], raw["y_train"][:n].reshape(-1)
    return Dataset(
        name="cifar10",
        x_train=x[n_val:],
        y_train=y[n_val:],
        x_val=x[:n_val],
        y_val=y[:n_val],
        x_test=raw["x_test"][:n_test],
        y_test=raw["y_test"][:n_test].reshape(-1),
        input_shape=(32, 32, 3),
    )


def tiny_settings(**changes) -> TrainSettings:
    """Adam at 0.003, batches of 50, 2 epochs, 100 validation images; ``changes`` on top."""
    base = TrainSettings(
        optimizer="adam", learning_rate=0.003, batch_size=50, epochs=2, val_size=100
    )
    return base.replace(**changes)


def wait_for(handle, predicate, timeout: float = 60.0):
    """Polls ``handle``'s snapshot until ``predicate`` holds; returns that snapshot.

    Fails at once when the run has ended without it (a finished run's snapshot no longer
    changes), else after ``timeout`` seconds.
    """
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        # ``done`` before the snapshot: a run that ends between the two reads is then judged on
        # its final snapshot. The other order read a running snapshot, then saw ``done`` and
        # reported a miss for a run that did reach the condition.
        done = handle.done
        snap = handle.snapshot()
        if predicate(snap):
            return snap
        if done:
            break
        time.sleep(0.02)
    raise AssertionError(f"condition not reached: {handle.snapshot()!r}")
