"""Patch whitening: checked through a real Keras Conv2D on real CIFAR-10 images."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_core.whiten import max_whitening_filters, whitening_filters


@pytest.fixture
def images(data_dir):
    return np.load(data_dir / "cifar10.npz")["x_train"][:2000]


def _keras_outputs(images, kernel, bias):
    import keras

    layer = keras.layers.Conv2D(kernel.shape[-1], kernel.shape[:2], padding="valid")
    layer.build((None, *images.shape[1:]))
    layer.set_weights([kernel, bias])
    out = np.asarray(layer(images.astype(np.float32) / 255))
    return out.reshape(-1, out.shape[-1]).astype(np.float64)


def test_whitened_channels_are_uncorrelated_with_unit_variance(images):
    kernel, bias = whitening_filters(images, (2, 2), epsilon=1e-9)
    assert kernel.shape == (2, 2, 3, 24) and bias.shape == (24,)
    out = _keras_outputs(images, kernel, bias)
    plus = out[:, 0::2]  # one filter of each +/- pair
    cov = np.cov(plus, rowvar=False)
    np.testing.assert_allclose(cov, np.eye(12), atol=0.08)
    np.testing.assert_allclose(plus.mean(axis=0), 0, atol=0.05)
    np.testing.assert_allclose(out[:, 1::2], -plus, atol=1e-4)


def test_epsilon_damps_the_weakest_directions_only(images):
    kernel, bias = whitening_filters(images, (2, 2))
    variances = np.var(_keras_outputs(images, kernel, bias)[:, 0::2], axis=0)
    assert variances[0] == pytest.approx(1, abs=0.1)  # the brightness direction: huge eigenvalue
    assert variances[-1] < 0.9  # the finest colour-edge direction: comparable to epsilon
    assert np.all(np.diff(variances) < 0.05)  # largest eigenvalue first


def test_fewer_filters_keep_the_main_pairs(images):
    full, _ = whitening_filters(images, (2, 2))
    part, bias = whitening_filters(images, (2, 2), filters=6)
    assert part.shape == (2, 2, 3, 6) and bias.shape == (6,)
    np.testing.assert_allclose(part, full[..., :6], rtol=1e-5, atol=1e-6)


def test_counts_and_errors():
    assert max_whitening_filters((2, 2), 3) == 24
    assert max_whitening_filters((3, 3), 1) == 18
    x = np.zeros((4, 8, 8, 3), np.uint8)
    with pytest.raises(ValueError, match="1 to 24 filters"):
        whitening_filters(x, (2, 2), filters=25)
    with pytest.raises(ValueError, match="within the 8x8"):
        whitening_filters(x, (9, 9))
    with pytest.raises(ValueError, match="N, height, width, channels"):
        whitening_filters(np.zeros((8, 8, 3)), (2, 2))
