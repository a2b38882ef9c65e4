"""The data side of training: batches gathered, augmented and cast one at a time (uint8 in memory,
never a float32 copy of the dataset), half-size images, and the tf.data pipeline over them."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cnn_core.train.settings import TrainSettings

__all__ = [
    "SizeClock",
    "batches",
    "flip_and_crop",
    "half_size",
    "load_data",
    "make_dataset",
    "subset",
]


@dataclass
class SizeClock:
    """Shared between the pipeline and the training loop while a run has a half-size start.

    Attributes:
        time_fraction: share of the time budget used (set by the loop).
        small: whether the last batch made was half-size.
        full_batches: full-size batches made so far.
    """

    time_fraction: float = 0.0
    small: bool = False
    full_batches: int = 0


def batches(x, y, settings: TrainSettings, num_classes: int, epoch: int, half=None):
    """Yields one epoch of (uint8 images, one-hot float32 labels), shuffled and augmented.

    The order and the augmentation come from a numpy Generator seeded with (seed, epoch), so a run
    is repeatable and a continued run does not replay its first epochs. ``half()``, when given,
    is asked before each batch whether it should be half-size.
    """
    rng = np.random.default_rng([settings.seed, epoch])
    order = rng.permutation(len(x))
    eye = np.eye(num_classes, dtype=np.float32)
    bs = settings.batch_size
    for start in range(0, len(order), bs):
        idx = np.sort(order[start : start + bs])  # sorted gathers read memory in order
        idx = idx[rng.permutation(len(idx))]
        xb = x[idx]
        if settings.augment:
            xb = flip_and_crop(xb, rng)
        if half is not None and half():
            xb = half_size(xb)
        yield xb, eye[y[idx]]


def half_size(images: np.ndarray) -> np.ndarray:
    """Halves the height and width of a batch of images by averaging each 2x2 block.

    Args:
        images: ``(N, height, width, channels)`` uint8 images (an odd last row or column is
            dropped).

    Returns:
        ``(N, height // 2, width // 2, channels)`` uint8 images.
    """
    n, h, w, c = images.shape
    h2, w2 = h // 2, w // 2
    blocks = images[:, : 2 * h2, : 2 * w2].reshape(n, h2, 2, w2, 2, c)
    return (blocks.mean(axis=(2, 4)) + 0.5).astype(np.uint8)


def flip_and_crop(
    xb: np.ndarray, rng: np.random.Generator, pad: int = 4, flip: bool | np.ndarray = True
) -> np.ndarray:
    """Horizontal flips and random ``pad``-pixel crops (reflect padding) of a uint8 batch.

    ``flip`` is ``True`` for a random half of the images, ``False`` for none, or a boolean mask
    saying which images to flip (alternating flips decide it per image and epoch).
    """
    n, h, w, _ = xb.shape
    padded = np.pad(xb, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="reflect")
    dy = rng.integers(0, 2 * pad + 1, size=n)
    dx = rng.integers(0, 2 * pad + 1, size=n)
    if flip is True:
        flip = rng.random(n) < 0.5
    elif flip is False:
        flip = np.zeros(n, dtype=bool)
    rows = dy[:, None] + np.arange(h)[None, :]
    cols = dx[:, None] + np.arange(w)[None, :]
    cols = np.where(flip[:, None], cols[:, ::-1], cols)
    return padded[np.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]]


def make_dataset(
    x,
    y,
    settings: TrainSettings,
    num_classes: int,
    first_epoch: int,
    clock: SizeClock | None = None,
):
    """An endless tf.data pipeline over :func:`batches`, epoch after epoch, that casts each
    batch to float32. Returns it with the number of batches per epoch.

    With ``settings.low_res``, batches are half-size while the run is in its first ``low_res``
    part: counted in batches made (repeatable), or in ``clock.time_fraction`` of a time budget
    (set by the training loop), whichever is further.
    """
    import tensorflow as tf

    epoch = [first_epoch]
    steps = math.ceil(len(x) / settings.batch_size)
    made = [0]
    total = max(settings.epochs * steps, 1)
    clock = SizeClock() if clock is None else clock

    def half() -> bool:
        made[0] += 1
        fraction = max(made[0] / total, clock.time_fraction)
        small = clock.small = fraction <= settings.low_res
        if not small:
            clock.full_batches += 1
        return small

    def gen():
        # One endless iterator for the whole run (fit gets steps_per_epoch): opening a fresh one
        # each epoch stalled for ~13 s at every epoch boundary once an earlier run had trained in
        # the same process, as in the app's server.
        while True:
            current = epoch[0]
            epoch[0] += 1
            yield from batches(
                x, y, settings, num_classes, current, half if settings.low_res > 0 else None
            )

    # With low_res, Keras checks the model's input shape against a signature where None matches
    # both sizes; the layers themselves work at any size when the weights do not depend on it.
    shape = (None, None, None, x.shape[-1]) if settings.low_res > 0 else (None, *x.shape[1:])
    ds = tf.data.Dataset.from_generator(
        gen,
        output_signature=(
            tf.TensorSpec(shape, tf.uint8),
            tf.TensorSpec((None, num_classes), tf.float32),
        ),
    )
    ds = ds.map(lambda a, b: (tf.cast(a, tf.float32), b))
    return ds.prefetch(2), steps


def subset(data, settings: TrainSettings):
    """The training images and int64 labels the run uses (the first ``train_size``, if set)."""
    x, y = data.x_train, data.y_train
    if settings.train_size is not None:
        x, y = x[: settings.train_size], y[: settings.train_size]
    return x, np.asarray(y).reshape(-1).astype(np.int64)


def load_data(settings: TrainSettings):
    """Loads the dataset of ``settings`` with its validation split (``load_dataset``)."""
    from cnn_core.data import load_dataset

    return load_dataset(settings.dataset, val_size=settings.val_size)
