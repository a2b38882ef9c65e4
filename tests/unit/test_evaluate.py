"""Evaluation arithmetic against hand-computed cases, and against Keras's own evaluate."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cnn_core.evaluate import (
    Mistake,
    blog_line,
    confident_mistakes,
    evaluate_model,
    evaluate_probs,
)

# Four examples, three classes. Predictions: 0 (right), 2 (wrong, true 1), 1 (right), 0 (wrong,
# true 2).
PROBS = np.array(
    [
        [0.7, 0.2, 0.1],
        [0.1, 0.3, 0.6],
        [0.2, 0.5, 0.3],
        [0.9, 0.05, 0.05],
    ]
)
Y = np.array([0, 1, 1, 2])


def test_loss_accuracy_and_confusion_by_hand():
    ev = evaluate_probs(PROBS, Y)
    expected_loss = -(math.log(0.7) + math.log(0.3) + math.log(0.5) + math.log(0.05)) / 4
    assert ev.loss == pytest.approx(expected_loss, rel=1e-9)
    assert ev.accuracy == 0.5
    assert ev.confusion.tolist() == [[1, 0, 0], [0, 1, 1], [1, 0, 0]]
    assert ev.per_class_accuracy.tolist() == [1.0, 0.5, 0.0]
    assert ev.y_pred.tolist() == [0, 2, 1, 0]


def test_class_without_examples_is_nan_and_json_null():
    ev = evaluate_probs(PROBS[:3], Y[:3], num_classes=3)
    assert math.isnan(ev.per_class_accuracy[2])
    assert ev.to_dict()["per_class_accuracy"] == [1.0, 0.5, None]


def test_probabilities_are_renormalised_and_clipped_like_keras():
    ev = evaluate_probs([[2.0, 0.0]], [1])  # sums to 2, true class has probability 0
    assert ev.loss == pytest.approx(-math.log(1e-7))


def test_blog_line_uses_the_blog_format():
    assert blog_line({"accuracy": 0.7524, "loss": 0.717114}) == "Accuracy: 75.24% | Loss: 0.71711"
    ev = evaluate_probs(PROBS, Y)
    assert blog_line(ev) == f"Accuracy: 50.00% | Loss: {ev.loss:.5f}"
    assert ev.to_dict()["blog_line"] == blog_line(ev)


def test_confident_mistakes_sorted_by_wrong_probability():
    ev = evaluate_probs(PROBS, Y)
    found = confident_mistakes(ev)
    assert [(m.index, m.true, m.pred) for m in found] == [(3, 2, 0), (1, 1, 2)]
    assert [m.prob for m in found] == pytest.approx([0.9, 0.6])
    assert isinstance(found[0], Mistake)
    assert [m.index for m in confident_mistakes(ev, k=1)] == [3]
    assert confident_mistakes(evaluate_probs(PROBS[[0, 2]], Y[[0, 2]])) == []


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError):
        evaluate_probs(PROBS, Y[:3])
    with pytest.raises(ValueError):
        evaluate_probs(PROBS, [0, 1, 1, 3])


def test_evaluate_model_matches_keras_evaluate():
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((6, 6, 3)),
            keras.layers.Rescaling(1 / 255),
            keras.layers.Conv2D(4, 3, activation="relu"),
            keras.layers.Flatten(),
            keras.layers.Dense(5, activation="softmax"),
        ]
    )
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(1)
    x = rng.integers(0, 256, size=(70, 6, 6, 3), dtype=np.uint8)
    y = rng.integers(0, 5, size=70)
    loss, acc = model.evaluate(x.astype("float32"), y, batch_size=70, verbose=0)
    ev = evaluate_model(model, x, y, batch_size=32)  # 32 + 32 + a padded 6
    assert ev.loss == pytest.approx(loss, rel=1e-4)
    assert ev.accuracy == pytest.approx(acc)
    assert ev.probs.shape == (70, 5)
    flipped = evaluate_model(model, x, y, flip=True)
    mirrored = np.asarray(model.predict(x[:, :, ::-1].astype("float32"), verbose=0))
    np.testing.assert_allclose(flipped.probs, (ev.probs + mirrored) / 2, rtol=1e-4, atol=1e-6)
