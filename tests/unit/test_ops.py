"""cnn_core.ops computes what the Keras layers compute (checked against the real layers)."""

from __future__ import annotations

import subprocess
import sys
import zlib

import numpy as np
import pytest

from cnn_core import ops

TOL = {"rtol": 1e-5, "atol": 1e-5}
KERNELS = [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (2, 3), (3, 1), (5, 2)]
# Odd, even and non-square inputs; one per kernel so the grid stays small.
INPUTS = [(7, 7), (8, 9), (11, 6), (9, 12), (13, 10), (6, 5), (10, 11), (12, 7)]
STRIDES = [1, 2, 3, (1, 2), (3, 2)]


@pytest.fixture(scope="module")
def keras():
    import keras as _keras

    return _keras


def _rng(*parts) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(repr(parts).encode()))


def _run_layer(layer, x: np.ndarray) -> np.ndarray:
    return np.asarray(layer(x[None].astype("float32")))[0]


@pytest.mark.parametrize("padding", ops.PADDINGS)
@pytest.mark.parametrize("stride", STRIDES, ids=str)
@pytest.mark.parametrize(("kernel", "size"), list(zip(KERNELS, INPUTS, strict=True)), ids=str)
def test_conv2d_matches_keras(keras, kernel, size, stride, padding):
    rng = _rng("conv", kernel, size, stride, padding)
    channels, filters = 3, 4
    x = rng.normal(size=(*size, channels))
    w = rng.normal(size=(*kernel, channels, filters)).astype("float32")
    b = rng.normal(size=(filters,)).astype("float32")
    layer = keras.layers.Conv2D(filters, kernel, strides=stride, padding=padding)
    layer.build((1, *size, channels))
    layer.set_weights([w, b])

    got = ops.conv2d(x, w, b, stride=stride, padding=padding)
    want = _run_layer(layer, x)

    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, **TOL)
    # The size formula agrees with the array that came out.
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    assert got.shape[0] == ops.conv_output_size(size[0], kernel[0], sh, padding)
    assert got.shape[1] == ops.conv_output_size(size[1], kernel[1], sw, padding)


@pytest.mark.parametrize("padding", ops.PADDINGS)
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("kernel", [(3, 3), (2, 2), (5, 3)], ids=str)
def test_cell_terms_and_receptive_field_rebuild_every_cell(kernel, stride, padding):
    rng = _rng("cells", kernel, stride, padding)
    x = rng.normal(size=(9, 8, 2))
    w = rng.normal(size=(*kernel, 2, 3))
    b = rng.normal(size=(3,))
    out = ops.conv2d(x, w, b, stride=stride, padding=padding)
    xp = np.pad(x, ((10, 10), (10, 10), (0, 0)))  # zeros all round, wider than any padding
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            r0, r1, c0, c1 = ops.receptive_field(i, j, x.shape, kernel, stride, padding)
            assert (r1 - r0, c1 - c0) == kernel
            window = xp[r0 + 10 : r1 + 10, c0 + 10 : c1 + 10]
            for f in range(3):
                by_hand = float(np.sum(window * w[:, :, :, f]) + b[f])
                assert by_hand == pytest.approx(out[i, j, f], abs=1e-9)
                terms = ops.conv_cell_terms(x, w, b, i, j, f, stride, padding)
                assert terms.total == pytest.approx(out[i, j, f], abs=1e-9)
                np.testing.assert_allclose(terms.window, window)
                np.testing.assert_allclose(terms.products.sum(axis=(0, 1)), terms.channel_sums)
    with pytest.raises(IndexError):
        ops.conv_cell_terms(x, w, b, out.shape[0], 0, 0, stride, padding)


def test_cell_terms_mark_padding_cells():
    x = np.arange(16, dtype=float).reshape(4, 4)
    terms = ops.conv_cell_terms(x, np.ones((3, 3)), None, 0, 0, 0, 1, "same")
    assert terms.bounds == (-1, 2, -1, 2)
    assert terms.inside.tolist() == [[False] * 3, [False, True, True], [False, True, True]]
    assert terms.total == 0 + 1 + 4 + 5  # only the real pixels count; padding adds zeros
    assert "total=10" in repr(terms)


@pytest.mark.parametrize(
    ("n", "k", "s", "padding", "expected"),
    [
        (32, 5, 1, "valid", 28),  # what the blog meant
        (32, 5, 2, "valid", 14),  # what the blog actually wrote (stride 2)
        (32, 3, 1, "same", 32),
        (32, 3, 2, "same", 16),
        (33, 2, 2, "same", 17),
        (4, 5, 1, "valid", 0),
        (30, 3, 1, "valid", 28),
    ],
)
def test_conv_output_size_hand_computed(n, k, s, padding, expected):
    assert ops.conv_output_size(n, k, s, padding) == expected


def test_same_padding_puts_the_extra_zero_after():
    assert ops.same_padding(32, 3, 1) == (1, 1)
    assert ops.same_padding(32, 4, 1) == (1, 2)
    assert ops.same_padding(8, 3, 2) == (0, 1)
    assert ops.same_padding(5, 1, 1) == (0, 0)
    with pytest.raises(ValueError):
        ops.conv_output_size(8, 3, 1, "full")


def test_conv_params_matches_keras(keras):
    layer = keras.layers.Conv2D(16, 3)
    layer.build((1, 32, 32, 3))
    assert ops.conv_params(3, 3, 16) == layer.count_params() == 448
    dense = keras.layers.Dense(64)
    dense.build((1, 128))
    assert ops.dense_params(128, 64) == dense.count_params()


POOLS = [(2, None), (3, None), (2, 1), (3, 2), ((2, 3), None), ((3, 2), (1, 2))]


@pytest.mark.parametrize("padding", ops.PADDINGS)
@pytest.mark.parametrize(("pool", "strides"), POOLS, ids=str)
@pytest.mark.parametrize("size", [(7, 7), (8, 11)], ids=str)
def test_pooling_matches_keras(keras, size, pool, strides, padding):
    x = _rng("pool", size, pool, strides, padding).normal(size=(*size, 3))
    kw = {"pool_size": pool, "strides": strides, "padding": padding}
    want_max = _run_layer(keras.layers.MaxPooling2D(**kw), x)
    want_avg = _run_layer(keras.layers.AveragePooling2D(**kw), x)

    got_max = ops.max_pool2d(x, pool, strides, padding)
    np.testing.assert_allclose(got_max, want_max, **TOL)
    np.testing.assert_allclose(ops.avg_pool2d(x, pool, strides, padding), want_avg, **TOL)

    rows, cols = ops.max_pool2d_argmax(x, pool, strides, padding)
    picked = np.take_along_axis(x[rows, cols], np.arange(3)[None, None, :, None], axis=-1).squeeze(
        -1
    )
    np.testing.assert_array_equal(picked, got_max)
    cell = ops.pool_cell_terms(x, 0, 0, 1, pool, strides, padding)
    assert cell["max"] == got_max[0, 0, 1]
    assert cell["argmax"] == (rows[0, 0, 1], cols[0, 0, 1])


def test_pool_one_by_one_changes_nothing():
    # The blog's MaxPooling2D((1, 1)) layers: same numbers in, same numbers out.
    x = np.random.default_rng(0).normal(size=(5, 6, 2))
    np.testing.assert_array_equal(ops.max_pool2d(x, 1), x)


def test_argmax_breaks_ties_in_reading_order():
    rows, cols = ops.max_pool2d_argmax(np.ones((4, 4)), 2)
    assert rows[:, :, 0].tolist() == [[0, 0], [2, 2]]
    assert cols[:, :, 0].tolist() == [[0, 2], [0, 2]]


def test_avg_pool_same_ignores_padding_by_hand():
    x = np.arange(9, dtype=float).reshape(3, 3)
    out = ops.avg_pool2d(x, 2, padding="same")
    assert out[:, :, 0].tolist() == [[(0 + 1 + 3 + 4) / 4, (2 + 5) / 2], [(6 + 7) / 2, 8.0]]


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh", "softmax", "linear"])
def test_activations_match_keras(keras, name):
    x = _rng("act", name).normal(scale=4, size=(5, 10))
    want = np.asarray(keras.activations.get(name)(x.astype("float32")))
    np.testing.assert_allclose(ops.get_activation(name)(x), want, **TOL)


def test_softmax_and_sigmoid_are_stable_for_huge_values():
    p = ops.softmax([1000.0, 1001.0])
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p, [1 / (1 + np.e), np.e / (1 + np.e)])
    assert ops.softmax([[1e308, -1e308]]).tolist() == [[1.0, 0.0]]
    s = ops.sigmoid([-1000.0, 0.0, 1000.0])
    assert np.all(np.isfinite(s)) and s.tolist() == [0.0, 0.5, 1.0]


def test_softmax_temperature():
    logits = np.array([2.0, 1.0, 0.1])
    np.testing.assert_allclose(ops.softmax(logits, temperature=2), ops.softmax(logits / 2))
    hot, cold = ops.softmax(logits, temperature=5), ops.softmax(logits, temperature=0.2)
    assert hot.max() < ops.softmax(logits).max() < cold.max()
    np.testing.assert_allclose(ops.softmax(np.ones((2, 3)), axis=0), np.full((2, 3), 0.5))
    with pytest.raises(ValueError):
        ops.softmax(logits, temperature=0)


@pytest.mark.parametrize("act", [None, "relu", "softmax", "sigmoid"])
def test_dense_matches_keras(keras, act):
    rng = _rng("dense", act)
    x = rng.normal(size=(4, 12))
    w = rng.normal(size=(12, 5)).astype("float32")
    b = rng.normal(size=(5,)).astype("float32")
    layer = keras.layers.Dense(5, activation=act)
    layer.build((None, 12))
    layer.set_weights([w, b])
    want = np.asarray(layer(x.astype("float32")))
    np.testing.assert_allclose(ops.dense(x, w, b, act), want, **TOL)
    np.testing.assert_allclose(ops.dense(x[0], w, b, act), want[0], **TOL)


def test_flatten_matches_keras(keras):
    x = _rng("flat").normal(size=(3, 4, 2))
    want = np.asarray(keras.layers.Flatten()(x[None].astype("float32")))[0]
    np.testing.assert_allclose(ops.flatten(x), want, **TOL)


@pytest.mark.parametrize("name", ops.KERNEL_NAMES)
@pytest.mark.parametrize("size", [3, 5])
def test_named_kernels(name, size):
    k = ops.make_kernel(name, size)
    assert k.shape == (size, size)
    flat = np.full((9, 9), 7.0)
    response = ops.conv2d(flat, k)[:, :, 0]
    if name in ("sobel_x", "sobel_y", "laplacian"):
        np.testing.assert_allclose(response, 0.0, atol=1e-12)  # edge filters ignore flat areas
    if name in ("identity", "blur", "sharpen"):
        np.testing.assert_allclose(response, 7.0)  # these keep the brightness of flat areas
    if size == 3 and name == "sobel_x":
        assert k.tolist() == [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
    with pytest.raises(ValueError):
        ops.make_kernel("nope")


def test_ops_imports_without_tensorflow():
    code = "import sys, cnn_core.ops; assert 'tensorflow' not in sys.modules; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"
