"""Patch whitening: first-layer filters computed from the training images instead of learned.

Neighbouring pixels are strongly correlated, so a network's first filters spend their early
training steps learning to tell colour and edge directions apart. The eigenvectors of the
covariance of small image patches do that at once: projecting each patch on them, scaled by
``1/sqrt(eigenvalue)``, gives channels that are uncorrelated and of equal variance. Keller
Jordan's airbench uses such a frozen 2x2 layer; the fast preset does the same.

Pure numpy: the engine puts the result into the first ``Conv2D`` of a Keras model.
"""

from __future__ import annotations

import numpy as np

__all__ = ["DEFAULT_EPSILON", "max_whitening_filters", "whitening_filters"]

#: Added to each eigenvalue before the square root, so near-constant directions are not blown up.
DEFAULT_EPSILON = 5e-4


def max_whitening_filters(kernel_size, channels: int) -> int:
    """How many filters whitening can fill: each patch direction and its opposite.

    Args:
        kernel_size: ``(height, width)`` of the filters.
        channels: channels of the images.

    Returns:
        ``2 * height * width * channels`` (24 for 2x2 filters on RGB images).
    """
    kh, kw = (int(v) for v in kernel_size)
    return 2 * kh * kw * int(channels)


def whitening_filters(
    images,
    kernel_size=(2, 2),
    filters: int | None = None,
    *,
    epsilon: float = DEFAULT_EPSILON,
    max_patches: int = 200_000,
    scale: float = 1 / 255,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Computes whitening filters and biases for a ``Conv2D`` with ``padding="valid"``.

    Filters come in pairs, ``+v`` and ``-v`` for each eigenvector ``v`` of the patch covariance
    (largest eigenvalue first), so that a ReLU after the layer keeps both signs.

    Args:
        images: ``(N, height, width, channels)`` images, as stored (uint8 0-255 is fine).
        kernel_size: ``(kh, kw)`` of the layer's filters.
        filters: how many filters to fill; at most :func:`max_whitening_filters` (the default).
        epsilon: added to the eigenvalues (see :data:`DEFAULT_EPSILON`).
        max_patches: patches sampled to estimate the covariance.
        scale: what the model multiplies pixels by before this layer (its ``Rescaling``).
        seed: seed for sampling the patches.

    Returns:
        ``(kernel, bias)``: ``kernel`` shaped ``(kh, kw, channels, filters)`` and ``bias`` shaped
        ``(filters,)``, float32, in Keras's ``Conv2D`` layout. With the bias, every output channel
        has mean 0 over the training patches.

    Raises:
        ValueError: if the images are not a 4-D batch, the kernel does not fit in them, or
            ``filters`` is out of range.
    """
    x = np.asarray(images)
    if x.ndim != 4:
        raise ValueError(f"expected images shaped (N, height, width, channels), got {x.shape}")
    kh, kw = (int(v) for v in kernel_size)
    n, height, width, channels = x.shape
    if not (0 < kh <= height and 0 < kw <= width):
        raise ValueError(f"expected a kernel within the {height}x{width} images, got {kh}x{kw}")
    most = max_whitening_filters((kh, kw), channels)
    filters = most if filters is None else int(filters)
    if not 0 < filters <= most:
        raise ValueError(f"expected 1 to {most} filters for {kh}x{kw}x{channels}, got {filters}")

    rng = np.random.default_rng(seed)
    rows, cols = height - kh + 1, width - kw + 1
    count = min(max_patches, n * rows * cols)
    which = rng.integers(0, n, count)
    dy = rng.integers(0, rows, count)
    dx = rng.integers(0, cols, count)
    patch_rows = dy[:, None] + np.arange(kh)[None, :]
    patch_cols = dx[:, None] + np.arange(kw)[None, :]
    patches = x[which[:, None, None], patch_rows[:, :, None], patch_cols[:, None, :]]
    patches = patches.reshape(count, -1).astype(np.float64) * scale  # (count, kh*kw*c)

    mean = patches.mean(axis=0)
    centred = patches - mean
    cov = centred.T @ centred / count
    eigenvalues, eigenvectors = np.linalg.eigh(cov)  # ascending
    order = np.argsort(eigenvalues)[::-1]
    eigenvalues, eigenvectors = eigenvalues[order], eigenvectors[:, order]
    scaled = eigenvectors / np.sqrt(np.maximum(eigenvalues, 0.0) + epsilon)  # columns
    # Interleave +v, -v so that taking fewer filters keeps whole pairs of the main directions.
    interleaved = np.empty((scaled.shape[0], 2 * scaled.shape[1]))
    interleaved[:, 0::2] = scaled
    interleaved[:, 1::2] = -scaled
    chosen = interleaved[:, :filters]
    kernel = chosen.reshape(kh, kw, channels, filters)
    bias = -(mean @ chosen)
    return kernel.astype(np.float32), bias.astype(np.float32)
