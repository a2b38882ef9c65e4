"""The run-time cap's arithmetic and the deadline-aware test pass (no TensorFlow needed)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cnn_core.evaluate import evaluate_probs
from cnn_core.train.cap import (
    MIN_TEST_IMAGES,
    Deadline,
    capped_test,
    fitting_test_images,
    predict_until,
    reserve_for_test_s,
)


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class ClockedModel:
    """A stand-in classifier: each forward pass costs ``per_image`` seconds of the fake clock.

    Its "prediction" is a fixed function of the pixels, so scores can be checked by hand.
    """

    output_shape = (None, 10)

    def __init__(self, clock, per_image):
        self.clock, self.per_image, self.seen = clock, per_image, 0

    def predict_on_batch(self, batch):
        self.clock.now += self.per_image * len(batch)
        self.seen += len(batch)
        logits = np.zeros((len(batch), 10), np.float32)
        logits[np.arange(len(batch)), batch[:, 0, 0, 0].astype(int) % 10] = 5.0
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)


def images(n, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, size=(n, 4, 4, 3), dtype=np.uint8)
    y = rng.integers(0, 10, size=n)
    return x, y


def direct(model, x, y):
    return evaluate_probs(model.predict_on_batch(x.astype(np.float32)), y, num_classes=10)


def test_deadline_counts_from_the_slot_and_can_be_off():
    clock = FakeClock()
    d = Deadline(20, clock=clock)
    clock.now += 5
    assert (d.left(), d.used(), d.capped) == (15.0, 5.0, True)
    assert not d.passed() and d.passed(reserve_s=15)
    clock.now += 16
    assert d.left() == -1.0 and d.passed()
    free = Deadline(None, clock=clock)
    assert math.isinf(free.left()) and not free.passed(1e9) and not free.capped
    with pytest.raises(ValueError):
        Deadline(0)
    later = Deadline.at(clock.now + 30, clock=clock)
    assert later.left() == 30.0 and later.capped
    assert not Deadline.at(None, clock=clock).capped


def test_reserve_is_the_test_time_but_at_most_a_quarter_of_the_cap():
    assert reserve_for_test_s(10_000, 0.001, None) == 0.0
    assert reserve_for_test_s(10_000, 0.001, 600) == pytest.approx(10 / 0.8)
    assert reserve_for_test_s(10_000, 0.1, 600) == 150.0  # would need 1,000 s: subsample instead
    assert reserve_for_test_s(10_000, None, 20) == 5.0


def test_fitting_images_all_some_or_the_minimum():
    assert fitting_test_images(10_000, math.inf, 0.01) == 10_000
    assert fitting_test_images(10_000, 500.0, 0.001) == 10_000
    # 10 s left at 0.01 s per image, planning for 80% of it: 800 images.
    assert fitting_test_images(10_000, 10.0, 0.01) == 800
    # Past the deadline: still the minimum, never more than the set.
    assert fitting_test_images(10_000, -3.0, 0.01) == MIN_TEST_IMAGES
    assert fitting_test_images(40, -3.0, 0.01) == 40
    assert fitting_test_images(10_000, 10.0, None) == 10_000


def test_full_test_in_the_test_sets_order_when_it_fits():
    clock = FakeClock()
    x, y = images(1200)
    model = ClockedModel(clock, per_image=0.001)
    ev, idx = capped_test(
        model, x, y, Deadline(600, clock=clock), seconds_per_image=0.001, batch_size=100
    )
    assert idx is None and ev.num_examples == 1200
    want = direct(ClockedModel(FakeClock(), 0), x, y)
    np.testing.assert_allclose(ev.probs, want.probs)
    assert ev.accuracy == want.accuracy and ev.loss == pytest.approx(want.loss)


def test_a_subsample_when_the_full_test_does_not_fit():
    clock = FakeClock()
    x, y = images(2000)
    model = ClockedModel(clock, per_image=0.01)
    deadline = Deadline(20, clock=clock)
    clock.now += 15  # 5 s left: 400 images planned at 0.01 s each
    ev, idx = capped_test(model, x, y, deadline, seconds_per_image=0.01, batch_size=100)
    assert len(idx) == ev.num_examples == 400 == len(set(idx.tolist()))
    assert model.seen == 400
    want = direct(ClockedModel(FakeClock(), 0), x[idx], y[idx])
    assert ev.accuracy == want.accuracy
    np.testing.assert_array_equal(ev.confusion, want.confusion)
    # Not just the first images of the set.
    assert idx.max() > 1000


def test_a_pass_cut_short_by_the_deadline_scores_what_it_did():
    clock = FakeClock()
    x, y = images(3000)
    # The plan says everything fits, but the machine is slower than measured: 10x.
    model = ClockedModel(clock, per_image=0.01)
    deadline = Deadline(30, clock=clock)
    clock.now += 20
    ev, idx = capped_test(model, x, y, deadline, seconds_per_image=0.001, batch_size=100)
    # Chunks of 500 images take 5 s each: two chunks reach the deadline.
    assert ev.num_examples == len(idx) == 1000
    assert deadline.left() <= 0


def test_at_least_the_minimum_is_scored_past_the_deadline():
    clock = FakeClock()
    x, _y = images(1000)
    model = ClockedModel(clock, per_image=0.01)
    deadline = Deadline(10, clock=clock)
    clock.now += 60
    probs, idx = predict_until(
        model, x, np.arange(1000), deadline, batch_size=50, minimum=100, chunk=50
    )
    assert len(idx) == len(probs) == 100


def test_predict_until_reports_progress_and_keeps_a_reserve():
    clock = FakeClock()
    x, _ = images(1000)
    model = ClockedModel(clock, per_image=0.01)
    deadline = Deadline(12, clock=clock)
    seen = []
    _probs, idx = predict_until(
        model,
        x,
        np.arange(1000),
        deadline,
        batch_size=100,
        minimum=0,
        chunk=100,
        reserve_s=7,
        on_chunk=lambda done, total: seen.append((done, total)),
    )
    # 1 s per chunk; it stops once 7 s or less are left: after 5 chunks.
    assert len(idx) == 500 and seen[-1] == (500, 1000)
