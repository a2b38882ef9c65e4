"""Early validation: the validation curve starts within seconds, before the first epoch ends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cnn_core.evaluate import evaluate_model
from cnn_core.train import TrainSettings, load_run, start_training, worker
from cnn_core.train.local import reset_scheduler
from cnn_core.train.snapshot import RunState
from tests.engine_helpers import TINY, small_cifar, wait_for


@pytest.fixture(autouse=True)
def fresh_scheduler():
    reset_scheduler()
    yield
    reset_scheduler()


def test_validation_points_come_before_the_first_epoch_ends(data_dir, tmp_path, monkeypatch):
    # Every batch is "a few seconds" here: the schedule's spacing is what is under test below.
    monkeypatch.setattr(worker, "EARLY_VAL_EVERY_S", 0.0)
    monkeypatch.setattr(worker, "EARLY_VAL_SHARE", 1.0)
    monkeypatch.setattr(worker, "EARLY_VAL_IMAGES", 150)
    data = small_cifar(data_dir, 600, n_val=300)
    settings = TrainSettings(optimizer="adam", learning_rate=0.003, batch_size=50, epochs=1)
    handle = start_training(TINY, settings, owner="eva", runs_dir=tmp_path, data=data)
    early = wait_for(handle, lambda s: s.val_log, timeout=120)
    assert not early.epoch_log  # the first epoch has not ended yet
    assert handle.join(120)
    snap = handle.snapshot()
    assert snap.status == "finished", snap.message_key
    points = snap.val_log
    steps = [p["step"] for p in points]
    # Between batches, never after the last batch of an epoch (the full validation runs there).
    assert steps == sorted(steps) and max(steps) < snap.batches_per_epoch
    assert all(p["sample"] == 150 and p["images"] == p["step"] * 50 for p in points)
    assert all(0 <= p["val_accuracy"] <= 1 and p["val_loss"] > 0 for p in points)
    assert snap.epoch_log[0]["val_accuracy"] is not None  # the full set at the epoch's end
    # The saved logs carry the points too, so a reloaded run draws the same curve.
    info = load_run(handle.run_id, "eva", tmp_path)
    saved = json.loads((Path(info.path) / "metrics.json").read_text())
    assert saved["val_log"] == points


def test_the_early_sample_is_scored_like_keras_does(data_dir):
    import keras

    from cnn_core.model import build_model

    data = small_cifar(data_dir, 100, n_val=300)
    x, y = worker._early_sample(data.x_val, data.y_val, seed=0)
    assert len(x) == min(worker.EARLY_VAL_IMAGES, 300)
    again, _ = worker._early_sample(data.x_val, data.y_val, seed=0)
    assert (again == x).all()  # the same images all run long: points are comparable
    keras.utils.set_random_seed(0)
    model = build_model(TINY)
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    loop = worker.LoopState(
        steps=10, epochs=1, n_train=100, first_step=0, x_val=None, y_val=None, explode_at=1e9
    )
    loop.early_val = (x, y)
    state = RunState("r1", 1)

    class Control:
        def report(self, **changes):
            state.update(**changes)

    worker._early_validation(model, loop, Control(), step=4, images=200)
    (point,) = state.snapshot().val_log
    loss, acc = model.evaluate(x, y, verbose=0)
    assert point["val_accuracy"] == pytest.approx(acc, abs=1e-6)
    assert point["val_loss"] == pytest.approx(loss, rel=1e-4)
    assert evaluate_model(model, x, y).accuracy == pytest.approx(acc, abs=1e-6)


def test_the_schedule_keeps_under_five_percent_and_every_few_seconds():
    loop = worker.LoopState(
        steps=100, epochs=1, n_train=1, first_step=0, x_val=None, y_val=None, explode_at=1e9
    )
    assert not loop.early_val_due(100.0)  # no sample (no validation split): never
    loop.early_val = ("x", "y")
    assert not loop.early_val_due(worker.EARLY_VAL_EVERY_S - 0.1)
    assert loop.early_val_due(worker.EARLY_VAL_EVERY_S)
    # One that cost 1 s waits 20 s of training: 1 / (20 + 1) < 5% of the time.
    loop.early_val_after, loop.early_val_cost = 10.0, 1.0
    assert not loop.early_val_due(10.0 + 19.9)
    assert loop.early_val_due(10.0 + 20.0)
    loop.time_up = True
    assert not loop.early_val_due(1000.0)
