"""Reference implementations in plain numpy of the operations a CNN is made of.

The concept pages use these to show real numbers (what a kernel multiplies, which cell a pooling
window keeps); the unit tests check every one of them against the matching Keras layer, so what the
pages show is what Keras computes. Nothing here imports TensorFlow.

Shapes follow Keras' ``channels_last`` layout for a single image: ``(height, width, channels)``;
conv kernels are ``(kernel_height, kernel_width, in_channels, filters)``. Results are float64.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from cnn_core import spec

PADDINGS = ("valid", "same")

__all__ = [
    "ACTIVATIONS",
    "KERNEL_NAMES",
    "PADDINGS",
    "CellTerms",
    "avg_pool2d",
    "conv2d",
    "conv_cell_terms",
    "conv_output_size",
    "conv_params",
    "dense",
    "dense_params",
    "flatten",
    "get_activation",
    "make_kernel",
    "max_pool2d",
    "max_pool2d_argmax",
    "pad_amounts",
    "pool_cell_terms",
    "receptive_field",
    "relu",
    "same_padding",
    "sigmoid",
    "softmax",
    "tanh",
]


# ---------------------------------------------------------------------------------------------
# Sizes and padding
# ---------------------------------------------------------------------------------------------


def _pair(value, name: str) -> tuple[int, int]:
    if isinstance(value, int | np.integer):
        pair = (int(value), int(value))
    else:
        pair = tuple(int(v) for v in value)
        if len(pair) != 2:
            raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}.")
    if min(pair) < 1:
        raise ValueError(f"{name} must be positive, got {value!r}.")
    return pair


def _check_padding(padding: str) -> str:
    padding = str(padding).lower()
    if padding not in PADDINGS:
        raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}.")
    return padding


def conv_output_size(n: int, kernel: int, stride: int = 1, padding: str = "valid") -> int:
    """Length of a convolution (or pooling) output along one axis, as Keras computes it.

    Args:
        n: input length (height or width).
        kernel: kernel (or pool window) length along that axis.
        stride: step between two windows.
        padding: ``"valid"`` (no padding: ``floor((n - kernel) / stride) + 1``) or ``"same"``
            (zero padding so that the output has ``ceil(n / stride)`` cells).

    Returns:
        The output length; 0 when a ``"valid"`` window does not fit in the input.

    Raises:
        ValueError: on a non-positive size or an unknown padding.
    """
    if n < 0 or kernel < 1 or stride < 1:
        raise ValueError(f"Bad sizes: n={n}, kernel={kernel}, stride={stride}.")
    # The shape rule lives in cnn_core.spec; here a window that does not fit gives 0 cells.
    return max(spec.conv_output_size(n, kernel, stride, _check_padding(padding)), 0)


def same_padding(n: int, kernel: int, stride: int = 1) -> tuple[int, int]:
    """Zeros TensorFlow adds before and after one axis for ``padding="same"``.

    When the total is odd the extra zero goes on the after side (bottom / right), as in TF.

    Args:
        n: input length.
        kernel: kernel length.
        stride: step between windows.

    Returns:
        ``(before, after)``.
    """
    out = conv_output_size(n, kernel, stride, "same")
    total = max((out - 1) * stride + kernel - n, 0)
    return total // 2, total - total // 2


def pad_amounts(
    in_shape, kernel, stride=1, padding: str = "valid"
) -> tuple[tuple[int, int], tuple[int, int]]:
    """Zero padding on the rows and columns of an image: ``((top, bottom), (left, right))``.

    Args:
        in_shape: ``(height, width, ...)`` of the input.
        kernel: int or ``(kh, kw)``.
        stride: int or ``(sh, sw)``.
        padding: ``"valid"`` (no padding) or ``"same"``.

    Returns:
        Two ``(before, after)`` pairs.
    """
    (kh, kw), (sh, sw) = _pair(kernel, "kernel"), _pair(stride, "stride")
    if _check_padding(padding) == "valid":
        return (0, 0), (0, 0)
    return same_padding(int(in_shape[0]), kh, sh), same_padding(int(in_shape[1]), kw, sw)


def conv_params(kernel, in_channels: int, filters: int, use_bias: bool = True) -> int:
    """Number of trainable numbers in a Conv2D layer: ``kh * kw * in_channels * filters + bias``.

    Args:
        kernel: int or ``(kh, kw)``.
        in_channels: depth of the input.
        filters: number of filters (the output depth).
        use_bias: whether each filter has a bias.

    Returns:
        The parameter count.
    """
    kh, kw = _pair(kernel, "kernel")
    return kh * kw * int(in_channels) * int(filters) + (int(filters) if use_bias else 0)


def dense_params(inputs: int, units: int, use_bias: bool = True) -> int:
    """Number of trainable numbers in a Dense layer: ``inputs * units + units``."""
    return int(inputs) * int(units) + (int(units) if use_bias else 0)


# ---------------------------------------------------------------------------------------------
# Convolution
# ---------------------------------------------------------------------------------------------


def _as_image(x) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 2:
        x = x[:, :, None]
    if x.ndim != 3:
        raise ValueError(f"Expected an image shaped (H, W) or (H, W, C), got {x.shape}.")
    return x


def _as_kernels(kernels, channels: int) -> np.ndarray:
    k = np.asarray(kernels, dtype=np.float64)
    if k.ndim == 2:
        k = k[:, :, None, None]
    elif k.ndim == 3:
        k = k[:, :, :, None]
    if k.ndim != 4:
        raise ValueError(f"Expected kernels shaped (kh, kw, C, F), got {k.shape}.")
    if k.shape[2] != channels:
        raise ValueError(f"Kernels have {k.shape[2]} input channels but the image has {channels}.")
    return k


def _windows(x: np.ndarray, window, stride, padding: str, fill: float) -> np.ndarray:
    """All windows of ``x`` (H, W, C) as an array (H', W', C, kh, kw), padded with ``fill``."""
    (kh, kw), (sh, sw) = _pair(window, "window"), _pair(stride, "stride")
    (top, bottom), (left, right) = pad_amounts(x.shape, (kh, kw), (sh, sw), padding)
    if top or bottom or left or right:
        x = np.pad(x, ((top, bottom), (left, right), (0, 0)), constant_values=fill)
    if x.shape[0] < kh or x.shape[1] < kw:
        return np.zeros((0, 0, x.shape[2], kh, kw))
    return sliding_window_view(x, (kh, kw), axis=(0, 1))[::sh, ::sw]


def conv2d(x, kernels, bias=None, stride=1, padding: str = "valid") -> np.ndarray:
    """2-D convolution of one image, exactly as ``keras.layers.Conv2D`` (no activation).

    Like every deep-learning library, it is really a cross-correlation: the kernel is not flipped.

    Args:
        x: image ``(H, W, C)`` (or ``(H, W)`` for one channel).
        kernels: ``(kh, kw, C, F)`` as in ``Conv2D.get_weights()[0]`` (``(kh, kw)`` for one
            channel and one filter; ``(kh, kw, C)`` for one filter).
        bias: ``(F,)`` or None.
        stride: int or ``(sh, sw)``.
        padding: ``"valid"`` or ``"same"``.

    Returns:
        Feature maps ``(H', W', F)``, float64.

    Raises:
        ValueError: on shapes that do not fit together or an unknown padding.
    """
    x = _as_image(x)
    k = _as_kernels(kernels, x.shape[2])
    win = _windows(x, k.shape[:2], stride, padding, 0.0)
    out = np.einsum("ijcab,abcf->ijf", win, k)
    if bias is not None:
        out = out + np.asarray(bias, dtype=np.float64).reshape(-1)
    return out


def receptive_field(
    out_row: int, out_col: int, in_shape, kernel, stride=1, padding: str = "valid"
) -> tuple[int, int, int, int]:
    """The input window that produced one output cell of a convolution or pooling.

    Args:
        out_row: output row.
        out_col: output column.
        in_shape: ``(H, W, ...)`` of the input.
        kernel: int or ``(kh, kw)`` (kernel or pool window).
        stride: int or ``(sh, sw)``.
        padding: ``"valid"`` or ``"same"``.

    Returns:
        ``(r0, r1, c0, c1)``: rows ``r0 <= r < r1`` and columns ``c0 <= c < c1`` in the unpadded
        input. With ``"same"`` the window may start before 0 or end past the image: those cells are
        the zero padding.
    """
    (kh, kw), (sh, sw) = _pair(kernel, "kernel"), _pair(stride, "stride")
    (top, _), (left, _) = pad_amounts(in_shape, (kh, kw), (sh, sw), padding)
    r0 = int(out_row) * sh - top
    c0 = int(out_col) * sw - left
    return r0, r0 + kh, c0, c0 + kw


def _window_values(x: np.ndarray, r0: int, r1: int, c0: int, c1: int, fill: float):
    """Values of ``x`` in the window (cells outside the image take ``fill``) and an inside mask."""
    h, w, c = x.shape
    values = np.full((r1 - r0, c1 - c0, c), fill, dtype=np.float64)
    inside = np.zeros((r1 - r0, c1 - c0), dtype=bool)
    rr0, rr1, cc0, cc1 = max(r0, 0), min(r1, h), max(c0, 0), min(c1, w)
    if rr0 < rr1 and cc0 < cc1:
        values[rr0 - r0 : rr1 - r0, cc0 - c0 : cc1 - c0] = x[rr0:rr1, cc0:cc1]
        inside[rr0 - r0 : rr1 - r0, cc0 - c0 : cc1 - c0] = True
    return values, inside


@dataclass(frozen=True, repr=False)
class CellTerms:
    """The arithmetic behind one output cell: ``sum(window * kernel) + bias``.

    Attributes:
        out_row: output row.
        out_col: output column.
        filter_index: which filter.
        bounds: ``(r0, r1, c0, c1)`` of the window in input coordinates (see `receptive_field`).
        window: input values under the kernel ``(kh, kw, C)``; padding cells are 0.
        inside: ``(kh, kw)`` bool, False where the window covers padding.
        kernel: the filter's weights ``(kh, kw, C)``.
        products: ``window * kernel`` ``(kh, kw, C)``.
        channel_sums: sum of the products per input channel ``(C,)``.
        bias: the filter's bias (0 without bias).
        total: ``products.sum() + bias``, equal to ``conv2d(...)[out_row, out_col, filter_index]``.
    """

    out_row: int
    out_col: int
    filter_index: int
    bounds: tuple[int, int, int, int]
    window: np.ndarray
    inside: np.ndarray
    kernel: np.ndarray
    products: np.ndarray
    channel_sums: np.ndarray
    bias: float
    total: float

    def __repr__(self) -> str:
        kh, kw, c = self.window.shape
        return (
            f"CellTerms(cell=({self.out_row}, {self.out_col}), filter={self.filter_index}, "
            f"window={kh}x{kw}x{c} at rows {self.bounds[0]}..{self.bounds[1] - 1} "
            f"cols {self.bounds[2]}..{self.bounds[3] - 1}, bias={self.bias:g}, "
            f"total={self.total:g})"
        )


def conv_cell_terms(
    x,
    kernels,
    bias=None,
    out_row: int = 0,
    out_col: int = 0,
    filter_index: int = 0,
    stride=1,
    padding: str = "valid",
) -> CellTerms:
    """Writes out the multiply-and-sum that gives one cell of `conv2d`.

    Args:
        x: image ``(H, W, C)`` or ``(H, W)``.
        kernels: ``(kh, kw, C, F)`` (or the shorter forms `conv2d` accepts).
        bias: ``(F,)`` or None.
        out_row: output row.
        out_col: output column.
        filter_index: which filter.
        stride: int or ``(sh, sw)``.
        padding: ``"valid"`` or ``"same"``.

    Returns:
        A `CellTerms` with the window, the products and their sum.

    Raises:
        IndexError: if the cell or the filter is outside the output.
    """
    x = _as_image(x)
    k = _as_kernels(kernels, x.shape[2])
    kh, kw, _, filters = k.shape
    sh, sw = _pair(stride, "stride")
    out_h = conv_output_size(x.shape[0], kh, sh, padding)
    out_w = conv_output_size(x.shape[1], kw, sw, padding)
    if not (0 <= out_row < out_h and 0 <= out_col < out_w and 0 <= filter_index < filters):
        raise IndexError(
            f"Cell ({out_row}, {out_col}) filter {filter_index} is outside the output "
            f"{out_h}x{out_w}x{filters}."
        )
    bounds = receptive_field(out_row, out_col, x.shape, (kh, kw), (sh, sw), padding)
    window, inside = _window_values(x, *bounds, fill=0.0)
    weights = k[:, :, :, filter_index]
    products = window * weights
    b = 0.0 if bias is None else float(np.asarray(bias, dtype=np.float64).reshape(-1)[filter_index])
    channel_sums = products.sum(axis=(0, 1))
    return CellTerms(
        out_row=int(out_row),
        out_col=int(out_col),
        filter_index=int(filter_index),
        bounds=bounds,
        window=window,
        inside=inside,
        kernel=weights,
        products=products,
        channel_sums=channel_sums,
        bias=b,
        total=float(channel_sums.sum() + b),
    )


# ---------------------------------------------------------------------------------------------
# Pooling
# ---------------------------------------------------------------------------------------------


def _pool_args(pool_size, strides):
    pool = _pair(pool_size, "pool_size")
    return pool, pool if strides is None else _pair(strides, "strides")


def max_pool2d(x, pool_size=2, strides=None, padding: str = "valid") -> np.ndarray:
    """Max pooling of one image, as ``keras.layers.MaxPooling2D``.

    Args:
        x: ``(H, W, C)`` or ``(H, W)``.
        pool_size: int or pair.
        strides: int or pair; None means ``pool_size`` (the Keras default).
        padding: ``"valid"`` or ``"same"`` (padded cells never win).

    Returns:
        ``(H', W', C)`` float64.
    """
    x = _as_image(x)
    pool, step = _pool_args(pool_size, strides)
    return _windows(x, pool, step, padding, -np.inf).max(axis=(3, 4))


def max_pool2d_argmax(
    x, pool_size=2, strides=None, padding: str = "valid"
) -> tuple[np.ndarray, np.ndarray]:
    """Which input cell each max-pooling output came from (for highlighting).

    Ties go to the first cell in reading order (row by row).

    Args:
        x: ``(H, W, C)`` or ``(H, W)``.
        pool_size: int or pair.
        strides: int or pair; None means ``pool_size``.
        padding: ``"valid"`` or ``"same"``.

    Returns:
        ``(rows, cols)``, two int arrays ``(H', W', C)`` of input coordinates, so that
        ``x[rows[i, j, c], cols[i, j, c], c] == max_pool2d(x)[i, j, c]``.
    """
    x = _as_image(x)
    pool, step = _pool_args(pool_size, strides)
    win = _windows(x, pool, step, padding, -np.inf)
    out_h, out_w, channels = win.shape[:3]
    flat = win.reshape(out_h, out_w, channels, -1).argmax(axis=-1)
    dr, dc = np.divmod(flat, pool[1])
    (top, _), (left, _) = pad_amounts(x.shape, pool, step, padding)
    rows = np.arange(out_h)[:, None, None] * step[0] - top + dr
    cols = np.arange(out_w)[None, :, None] * step[1] - left + dc
    return rows.astype(int), cols.astype(int)


def avg_pool2d(x, pool_size=2, strides=None, padding: str = "valid") -> np.ndarray:
    """Average pooling of one image, as ``keras.layers.AveragePooling2D``.

    With ``"same"`` padding the padded cells are left out of the mean (as TensorFlow does), so a
    border window averages only the real pixels it covers.

    Args:
        x: ``(H, W, C)`` or ``(H, W)``.
        pool_size: int or pair.
        strides: int or pair; None means ``pool_size``.
        padding: ``"valid"`` or ``"same"``.

    Returns:
        ``(H', W', C)`` float64.
    """
    x = _as_image(x)
    pool, step = _pool_args(pool_size, strides)
    sums = _windows(x, pool, step, padding, 0.0).sum(axis=(3, 4))
    ones = np.ones((*x.shape[:2], 1))
    counts = _windows(ones, pool, step, padding, 0.0).sum(axis=(3, 4))
    return sums / counts


def pool_cell_terms(
    x, out_row: int, out_col: int, channel: int = 0, pool_size=2, strides=None, padding="valid"
) -> dict:
    """The numbers behind one pooling output cell.

    Args:
        x: ``(H, W, C)`` or ``(H, W)``.
        out_row: output row.
        out_col: output column.
        channel: which channel.
        pool_size: int or pair.
        strides: int or pair; None means ``pool_size``.
        padding: ``"valid"`` or ``"same"``.

    Returns:
        A dict with ``bounds`` (as `receptive_field`), ``window`` ``(ph, pw)`` (NaN on padding),
        ``inside`` (bool mask), ``max``, ``mean`` (of the real cells) and ``argmax``
        (input ``(row, col)`` of the maximum).
    """
    x = _as_image(x)
    pool, step = _pool_args(pool_size, strides)
    bounds = receptive_field(out_row, out_col, x.shape, pool, step, padding)
    window, inside = _window_values(x[:, :, channel : channel + 1], *bounds, fill=np.nan)
    window = window[:, :, 0]
    real = window[inside]
    best = int(np.argmax(np.where(inside, window, -np.inf)))
    dr, dc = divmod(best, pool[1])
    return {
        "bounds": bounds,
        "window": window,
        "inside": inside,
        "max": float(real.max()),
        "mean": float(real.mean()),
        "argmax": (bounds[0] + dr, bounds[2] + dc),
    }


# ---------------------------------------------------------------------------------------------
# Activations, dense, flatten
# ---------------------------------------------------------------------------------------------


def relu(x) -> np.ndarray:
    """``max(x, 0)`` elementwise."""
    return np.maximum(np.asarray(x, dtype=np.float64), 0.0)


def sigmoid(x) -> np.ndarray:
    """``1 / (1 + exp(-x))`` elementwise, without overflow for large ``|x|``."""
    x = np.asarray(x, dtype=np.float64)
    # exp of a non-positive number never overflows; pick the form that needs only that.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def tanh(x) -> np.ndarray:
    """Hyperbolic tangent elementwise."""
    return np.tanh(np.asarray(x, dtype=np.float64))


def softmax(x, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    """Turns scores (logits) into probabilities that sum to 1 along ``axis``.

    Args:
        x: scores.
        axis: axis to normalise over.
        temperature: divides the scores first; > 1 flattens the distribution, < 1 sharpens it.

    Returns:
        Probabilities, float64. Stable for huge scores: the maximum is subtracted before ``exp``.

    Raises:
        ValueError: if ``temperature`` is not positive.
    """
    if not temperature > 0:
        raise ValueError(f"temperature must be positive, got {temperature!r}.")
    z = np.asarray(x, dtype=np.float64) / float(temperature)
    with np.errstate(over="ignore"):  # -inf after subtracting the max is fine: exp gives 0
        z = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)


def _linear(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "linear": _linear,
    "relu": relu,
    "sigmoid": sigmoid,
    "tanh": tanh,
    "softmax": softmax,
}


def get_activation(name: str | None) -> Callable[[np.ndarray], np.ndarray]:
    """Returns the activation function called ``name`` (None means linear).

    Raises:
        ValueError: for an unknown name.
    """
    key = "linear" if name is None else str(name).lower()
    if key not in ACTIVATIONS:
        raise ValueError(f"Unknown activation {name!r}; known: {sorted(ACTIVATIONS)}.")
    return ACTIVATIONS[key]


def dense(x, W, b=None, activation: str | Callable | None = None) -> np.ndarray:
    """A fully connected layer, as ``keras.layers.Dense``: ``activation(x @ W + b)``.

    Args:
        x: ``(inputs,)`` for one example or ``(N, inputs)`` for a batch.
        W: ``(inputs, units)`` as in ``Dense.get_weights()[0]``.
        b: ``(units,)`` or None.
        activation: a name from `ACTIVATIONS`, a function, or None (linear).

    Returns:
        ``(units,)`` or ``(N, units)`` float64.
    """
    out = np.asarray(x, dtype=np.float64) @ np.asarray(W, dtype=np.float64)
    if b is not None:
        out = out + np.asarray(b, dtype=np.float64)
    fn = activation if callable(activation) else get_activation(activation)
    return fn(out)


def flatten(x) -> np.ndarray:
    """Lays one example's values out in a row, in the order ``keras.layers.Flatten`` uses.

    Row by row, and within a pixel channel by channel (``channels_last``, C order).

    Args:
        x: ``(H, W, C)`` (any shape for one example).

    Returns:
        1-D float64 array of ``x.size`` values.
    """
    return np.asarray(x, dtype=np.float64).reshape(-1)


# ---------------------------------------------------------------------------------------------
# Named kernels for the convolution page
# ---------------------------------------------------------------------------------------------

KERNEL_NAMES = (
    "identity",
    "sobel_x",
    "sobel_y",
    "laplacian",
    "blur",
    "sharpen",
    "curve",
    "random",
)


def _curve_kernel(size: int) -> np.ndarray:
    """A curve detector like the classic example the blog shows: 0 everywhere except 30 along a
    line that comes down diagonally from the top-right corner and then turns straight down."""
    k = np.zeros((size, size))
    c = size // 2
    for row in range(size):
        k[row, max(size - 1 - row, c)] = 30.0
    return k


def make_kernel(name: str, size: int = 3, seed: int = 0) -> np.ndarray:
    """A classic hand-made image kernel, ``(size, size)``.

    Args:
        name: one of `KERNEL_NAMES`.
        size: 3 or 5 (odd sizes from 1 up work for most kernels).
        seed: for ``"random"`` (normal values, as a freshly initialised layer would have).

    Returns:
        float64 ``(size, size)``.

    Raises:
        ValueError: for an unknown name or a size below 1.
    """
    if size < 1:
        raise ValueError(f"size must be >= 1, got {size}.")
    c = size // 2
    if name == "identity":
        k = np.zeros((size, size))
        k[c, c] = 1.0
        return k
    if name in ("sobel_x", "sobel_y"):
        # Smoothing across the edge times a difference along it; for size 3 this is Sobel itself.
        smooth = np.array([math.comb(size - 1, i) for i in range(size)], dtype=np.float64)
        diff = np.arange(size, dtype=np.float64) - c
        k = np.outer(smooth, diff)
        return k if name == "sobel_x" else k.T.copy()
    if name == "laplacian":
        k = -np.ones((size, size))
        k[c, c] = size * size - 1.0
        return k
    if name == "blur":
        return np.full((size, size), 1.0 / (size * size))
    if name == "sharpen":
        k = np.zeros((size, size))
        k[c, :] = -1.0
        k[:, c] = -1.0
        k[c, c] = 2.0 * (size - 1) + 1.0
        return k
    if name == "curve":
        return _curve_kernel(size)
    if name == "random":
        return np.random.default_rng(seed).normal(0.0, 1.0, (size, size)).round(2)
    raise ValueError(f"Unknown kernel {name!r}; known: {KERNEL_NAMES}.")
