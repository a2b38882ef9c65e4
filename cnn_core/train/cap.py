"""The hard cap on how long one run holds the machine (``CNN_STUDIO_MAX_RUN_S``).

On a shared server a run must end by itself: a 40-epoch blog run would otherwise hold the only
training slot for an hour and a half while the class waits. The cap counts everything the run does
once it has its slot — loading, building, training, validation after each epoch and the final
test — so the worker checks it after every batch (not only between epochs), validates in chunks
that check it, keeps enough time for the final test, and when even that would not fit, scores a
random subsample of the test set (and says how many images it scored). The weights are kept and the
run ends ``finished``, with a message saying the cap ended it.

The arithmetic (:class:`Deadline`, :func:`reserve_for_test_s`, :func:`fitting_test_images`) is plain
Python; :func:`predict_until` and :func:`capped_test` need a Keras model but import nothing heavy
themselves.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

__all__ = [
    "MIN_TEST_IMAGES",
    "Deadline",
    "capped_test",
    "fitting_test_images",
    "predict_until",
    "reserve_for_test_s",
]

#: A capped run still scores at least this many test images (or the whole set if smaller), even a
#: little past its deadline: a run that ends without any test score teaches nothing.
MIN_TEST_IMAGES = 100
#: Images per deadline check while validating or testing (well under a second for these models).
CHUNK = 500
# Training never keeps more than this share of the cap for the final test: past it, the test is
# subsampled rather than the training cut short.
_MAX_RESERVE_SHARE = 0.25
# Estimates of the test's time are rough (the machine is shared): plan for a bit less than is left.
_MARGIN = 0.8


class Deadline:
    """When a run must be over, counted from when it got its slot.

    Args:
        max_run_s: the cap in seconds (``None``: no cap; :meth:`left` is then infinite).
        clock: seconds, monotonic (tests pass a fake one).
    """

    def __init__(self, max_run_s: float | None, *, clock: Callable[[], float] = time.monotonic):
        if max_run_s is not None and not max_run_s > 0:
            raise ValueError(f"max_run_s must be positive or None, got {max_run_s!r}")
        self.max_run_s = None if max_run_s is None else float(max_run_s)
        self._clock = clock
        self.start = clock()
        self.end = None if max_run_s is None else self.start + self.max_run_s

    @classmethod
    def at(cls, end: float | None, *, clock: Callable[[], float] = time.monotonic) -> Deadline:
        """A deadline at a clock value (``RunControl.deadline()``), ``None`` for no cap."""
        deadline = cls(None, clock=clock)
        if end is not None:
            deadline.end = float(end)
            deadline.max_run_s = max(deadline.end - deadline.start, 0.0)
        return deadline

    @property
    def capped(self) -> bool:
        """Whether there is a cap at all."""
        return self.end is not None

    def left(self) -> float:
        """Seconds until the deadline (negative past it; ``inf`` without a cap)."""
        if self.end is None:
            return math.inf
        return self.end - self._clock()

    def used(self) -> float:
        """Seconds since this deadline was made (when the run got its slot)."""
        return self._clock() - self.start

    def passed(self, reserve_s: float = 0.0) -> bool:
        """Whether fewer than ``reserve_s`` seconds are left."""
        return self.left() <= reserve_s

    def __repr__(self) -> str:
        return f"Deadline(max_run_s={self.max_run_s}, left={self.left():.1f})"


def reserve_for_test_s(
    n_test: int, seconds_per_image: float | None, max_run_s: float | None
) -> float:
    """Seconds that training leaves for the final test under a cap.

    The full test's estimated time, but never more than a quarter of the cap (past that, the test
    is subsampled instead of training being cut shorter).

    Args:
        n_test: test images.
        seconds_per_image: measured (or estimated) forward-pass seconds per image; ``None`` when
            nothing is known yet (then a quarter of the cap is kept).
        max_run_s: the cap (``None``: no cap, nothing is reserved).

    Returns:
        Seconds to keep free at the end of training.
    """
    if max_run_s is None:
        return 0.0
    most = _MAX_RESERVE_SHARE * max_run_s
    if seconds_per_image is None or not seconds_per_image > 0:
        return most
    return min(most, n_test * seconds_per_image / _MARGIN)


def fitting_test_images(
    n_test: int,
    seconds_left: float,
    seconds_per_image: float | None,
    *,
    minimum: int = MIN_TEST_IMAGES,
) -> int:
    """How many test images to score in the time left: all of them when they fit.

    Args:
        n_test: images in the test set.
        seconds_left: seconds until the deadline (``inf`` without a cap; may be negative).
        seconds_per_image: forward-pass seconds per image (``None``: unknown, plan for all and let
            the chunked pass stop at the deadline).
        minimum: score at least this many (or all, if fewer), even past the deadline.

    Returns:
        A number of images between ``min(minimum, n_test)`` and ``n_test``.
    """
    floor = min(minimum, n_test)
    if math.isinf(seconds_left) or seconds_per_image is None or not seconds_per_image > 0:
        return n_test
    fit = int(max(0.0, seconds_left) * _MARGIN / seconds_per_image)
    return max(floor, min(n_test, fit))


def predict_until(
    model,
    x: np.ndarray,
    order: np.ndarray,
    deadline: Deadline,
    *,
    batch_size: int,
    minimum: int = MIN_TEST_IMAGES,
    chunk: int = CHUNK,
    reserve_s: float = 0.0,
    on_chunk: Callable[[int, int], None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Predicts ``x[order]`` chunk by chunk, stopping at the deadline.

    Args:
        model: a Keras model taking 0-255 images.
        x: the images.
        order: indices of ``x`` to predict, in the order to predict them (a random order keeps a
            cut-short prefix a fair sample).
        deadline: the run's :class:`Deadline`.
        batch_size: images per forward pass.
        minimum: images predicted even past the deadline.
        chunk: images between two deadline checks.
        reserve_s: stop when fewer seconds than this are left.
        on_chunk: called with ``(done, total)`` after each chunk.

    Returns:
        ``(probs, indices)``: the probabilities of the images predicted and their indices into
        ``x`` (a prefix of ``order``).
    """
    from cnn_core.evaluate import predict_probs

    parts, done = [], 0
    chunk = max(chunk, batch_size)
    for start in range(0, len(order), chunk):
        if done >= minimum and deadline.passed(reserve_s):
            break
        part = order[start : start + chunk]
        parts.append(predict_probs(model, x[part], batch_size=batch_size))
        done += len(part)
        if on_chunk is not None:
            on_chunk(done, len(order))
    if not parts:
        return np.zeros((0, int(model.output_shape[-1])), np.float32), order[:0]
    return np.concatenate(parts), order[:done]


def capped_test(
    model,
    x_test: np.ndarray,
    y_test: np.ndarray,
    deadline: Deadline,
    *,
    seconds_per_image: float | None,
    batch_size: int,
    seed: int = 0,
    minimum: int = MIN_TEST_IMAGES,
):
    """Scores the test set within the deadline: all of it when it fits, else a random subsample.

    Args:
        model: a Keras model taking 0-255 images.
        x_test, y_test: the test set.
        deadline: the run's :class:`Deadline`.
        seconds_per_image: forward-pass seconds per image, to plan the subsample up front
            (``None``: start with all and stop at the deadline).
        batch_size: images per forward pass.
        seed: seed of the subsample.
        minimum: images scored even past the deadline.

    Returns:
        ``(evaluation, indices)``: the :class:`cnn_core.evaluate.Evaluation` and the indices of the
        images scored (``None`` when the whole test set was scored, in its order).
    """
    from cnn_core.evaluate import evaluate_probs

    y_test = np.asarray(y_test).reshape(-1)
    n_total = len(x_test)
    n = fitting_test_images(n_total, deadline.left(), seconds_per_image, minimum=minimum)
    if n >= n_total and not deadline.capped:
        order = np.arange(n_total)
    else:
        # A random order: if the pass is cut short, what was scored is still a fair sample.
        order = np.random.default_rng(seed).permutation(n_total)[:n]
    probs, idx = predict_until(
        model, x_test, order, deadline, batch_size=batch_size, minimum=minimum
    )
    classes = int(model.output_shape[-1])
    if len(idx) == n_total:
        # Everything was scored: back in the test set's own order.
        back = np.empty_like(probs)
        back[idx] = probs
        return evaluate_probs(back, y_test, num_classes=classes), None
    return evaluate_probs(probs, y_test[idx], num_classes=classes), idx
