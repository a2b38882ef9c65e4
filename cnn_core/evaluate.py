"""Evaluation of a trained classifier: loss, accuracy, per-class accuracy, confusion, mistakes.

The arithmetic works on predicted probabilities (:func:`evaluate_probs`), so it can be checked by
hand without a model; only :func:`predict_probs` / :func:`evaluate_model` need Keras.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Evaluation",
    "Mistake",
    "blog_line",
    "confident_mistakes",
    "evaluate_model",
    "evaluate_probs",
    "predict_probs",
]

# Keras clips probabilities to [eps, 1 - eps] before the log; doing the same keeps our loss equal
# to model.evaluate's.
_EPSILON = 1e-7


@dataclass(repr=False)
class Evaluation:
    """Scores of a classifier on a labelled set.

    Attributes:
        loss: mean categorical cross-entropy (natural log, no label smoothing).
        accuracy: fraction of correct top-1 predictions (0..1).
        per_class_accuracy: accuracy of each true class (``nan`` for a class with no example).
        confusion: ``(classes, classes)`` ints; row = true class, column = predicted class.
        probs: ``(N, classes)`` predicted probabilities.
        y_true: ``(N,)`` true labels.
        y_pred: ``(N,)`` predicted labels (argmax of ``probs``).
    """

    loss: float
    accuracy: float
    per_class_accuracy: np.ndarray
    confusion: np.ndarray
    probs: np.ndarray
    y_true: np.ndarray
    y_pred: np.ndarray

    @property
    def num_examples(self) -> int:
        return int(self.y_true.shape[0])

    def to_dict(self) -> dict:
        """Returns the scores as JSON-ready values (without the per-example arrays)."""
        return {
            "loss": float(self.loss),
            "accuracy": float(self.accuracy),
            "per_class_accuracy": [
                None if math.isnan(v) else float(v) for v in self.per_class_accuracy
            ],
            "confusion": self.confusion.astype(int).tolist(),
            "num_examples": self.num_examples,
            "blog_line": blog_line(self),
        }

    def __repr__(self) -> str:
        return (
            f"Evaluation(accuracy={self.accuracy:.4f}, loss={self.loss:.5f}, "
            f"examples={self.num_examples}, classes={self.confusion.shape[0]})"
        )


@dataclass(frozen=True)
class Mistake:
    """A wrong prediction: example ``index``, ``true`` and ``pred`` labels, ``prob`` of ``pred``."""

    index: int
    true: int
    pred: int
    prob: float


def evaluate_probs(probs, y, num_classes: int | None = None) -> Evaluation:
    """Scores predicted probabilities against true labels.

    Args:
        probs: ``(N, classes)`` probabilities (rows are renormalised to sum to 1, as Keras does).
        y: ``(N,)`` integer labels.
        num_classes: number of classes; ``probs.shape[1]`` when ``None``.

    Returns:
        An :class:`Evaluation`.

    Raises:
        ValueError: if the shapes do not match or a label is out of range.
    """
    probs = np.asarray(probs, dtype=np.float64)
    y = np.asarray(y).reshape(-1).astype(np.int64)
    if probs.ndim != 2 or probs.shape[0] != y.shape[0]:
        raise ValueError(f"probs {probs.shape} and labels {y.shape} do not match")
    classes = int(num_classes or probs.shape[1])
    if y.size and (y.min() < 0 or y.max() >= classes):
        raise ValueError("a label is outside 0..classes-1")
    total = probs.sum(axis=1, keepdims=True)
    normalised = probs / np.where(total > 0, total, 1.0)
    picked = np.clip(normalised[np.arange(y.size), y], _EPSILON, 1.0 - _EPSILON)
    loss = float(-np.log(picked).mean()) if y.size else float("nan")
    y_pred = probs.argmax(axis=1).astype(np.int64)
    confusion = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(confusion, (y, y_pred), 1)
    per_class_total = confusion.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_class = np.where(
            per_class_total > 0, np.diag(confusion) / np.maximum(per_class_total, 1), np.nan
        )
    accuracy = float((y_pred == y).mean()) if y.size else float("nan")
    return Evaluation(
        loss=loss,
        accuracy=accuracy,
        per_class_accuracy=per_class.astype(np.float64),
        confusion=confusion,
        probs=probs.astype(np.float32),
        y_true=y,
        y_pred=y_pred,
    )


def blog_line(ev) -> str:
    """Formats accuracy and loss the way the blog printed them.

    Args:
        ev: an :class:`Evaluation` (or a dict with ``accuracy`` and ``loss``).

    Returns:
        E.g. ``"Accuracy: 75.24% | Loss: 0.71711"``.
    """
    accuracy = ev["accuracy"] if isinstance(ev, dict) else ev.accuracy
    loss = ev["loss"] if isinstance(ev, dict) else ev.loss
    return "Accuracy: %.2f%% | Loss: %.5f" % (accuracy * 100, loss)  # noqa: UP031 - the blog's


def confident_mistakes(ev: Evaluation, k: int = 12) -> list[Mistake]:
    """Returns the ``k`` wrong predictions the model was most sure about.

    Args:
        ev: an :class:`Evaluation`.
        k: how many to return.

    Returns:
        Mistakes sorted by the probability of the wrong class, highest first (ties by index).
    """
    wrong = np.flatnonzero(ev.y_pred != ev.y_true)
    if wrong.size == 0 or k <= 0:
        return []
    conf = ev.probs[wrong, ev.y_pred[wrong]]
    order = np.lexsort((wrong, -conf))[:k]
    return [
        Mistake(int(wrong[i]), int(ev.y_true[wrong[i]]), int(ev.y_pred[wrong[i]]), float(conf[i]))
        for i in order
    ]


def predict_probs(model, x, *, batch_size: int = 256, flip: bool = False) -> np.ndarray:
    """Predicts class probabilities batch by batch, casting each uint8 batch to float32.

    Args:
        model: a Keras model whose input takes 0-255 pixels.
        x: ``(N, H, W, C)`` images (uint8).
        batch_size: images per forward pass.
        flip: also predict the mirrored images and average (test-time augmentation).

    Returns:
        ``(N, classes)`` float32 probabilities.
    """
    chunks = []
    for start in range(0, len(x), batch_size):
        batch = np.asarray(x[start : start + batch_size], dtype=np.float32)
        n = len(batch)
        if n < batch_size and len(x) > batch_size:
            # One batch shape for every call: a short last batch would trace the model again.
            batch = np.concatenate([batch, np.zeros((batch_size - n, *batch.shape[1:]), "float32")])
        out = np.asarray(model.predict_on_batch(batch), dtype=np.float32)
        if flip:
            mirrored = np.asarray(model.predict_on_batch(batch[:, :, ::-1]), dtype=np.float32)
            out = (out + mirrored) / 2
        chunks.append(out[:n])
    if not chunks:
        return np.zeros((0, int(model.output_shape[-1])), dtype=np.float32)
    return np.concatenate(chunks)


def evaluate_model(model, x, y, *, batch_size: int = 256, flip: bool = False) -> Evaluation:
    """Predicts ``x`` with ``model`` and scores the result against ``y``.

    Args:
        model: a Keras model ending in a softmax.
        x: ``(N, H, W, C)`` uint8 images.
        y: ``(N,)`` labels.
        batch_size: images per forward pass.
        flip: average with the mirrored images' predictions.

    Returns:
        An :class:`Evaluation`.
    """
    probs = predict_probs(model, x, batch_size=batch_size, flip=flip)
    return evaluate_probs(probs, y, num_classes=probs.shape[1])
