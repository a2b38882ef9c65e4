"""Helpers shared by the unit tests."""

from __future__ import annotations

import numpy as np

from cnn_core.data import Dataset


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
