"""The training engine: live snapshots, stop, divergence, the queue, seeds, the run store."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from cnn_core import locales
from cnn_core.runs import RunNotFoundError, prune_runs
from cnn_core.spec import ModelSpec
from cnn_core.train import (
    DIVERGE_ADVICE,
    SettingsError,
    TrainSettings,
    continue_training,
    current_run,
    delete_run,
    estimate_epoch_seconds,
    flip_and_crop,
    learning_rate_at,
    list_runs,
    load_run,
    load_run_model,
    resolve_precision,
    start_training,
)
from cnn_core.train.local import reset_scheduler
from tests.engine_helpers import TINY, small_cifar, tiny_settings, wait_for

LINEAR = ModelSpec([{"type": "Flatten"}, {"type": "Dense", "units": 10, "activation": "softmax"}])


@pytest.fixture
def small_data(data_dir):
    """A few hundred real CIFAR-10 images, split like the app's datasets."""
    return small_cifar(data_dir, 500)


def test_run_reports_live_progress_and_finishes(small_data, tmp_path):
    handle = start_training(TINY, tiny_settings(), owner="ana", runs_dir=tmp_path, data=small_data)
    first = wait_for(handle, lambda s: s.status == "running" and s.batch >= 1)
    later = wait_for(handle, lambda s: s.epoch == 2 and s.batch >= 2)
    assert later.batch_log[-1]["step"] > first.batch_log[-1]["step"]
    assert handle.join(120)
    snap = handle.snapshot()
    assert snap.status == "finished", snap.message_key
    assert snap.message_key == "train.msg.finished"
    assert [e["epoch"] for e in snap.epoch_log] == [1, 2]
    assert snap.batches_per_epoch == 10  # 500 images / 50
    assert len(snap.batch_log) == 20
    assert all(0 <= e["val_accuracy"] <= 1 for e in snap.epoch_log)
    assert snap.images_per_second > 0 and snap.progress == 1.0
    # The stored evaluation is the test set's, and it agrees with the saved model.
    assert snap.evaluation["num_examples"] == 200
    from cnn_core.evaluate import evaluate_model

    model = load_run_model(handle.run_id, "ana", tmp_path)
    ev = evaluate_model(model, small_data.x_test, small_data.y_test)
    assert ev.accuracy == pytest.approx(snap.evaluation["accuracy"], abs=1e-9)
    assert current_run("ana") is handle


def test_stop_takes_effect_within_one_batch(small_data, tmp_path):
    long = tiny_settings(epochs=200, batch_size=16)
    handle = start_training(TINY, long, owner="bia", runs_dir=tmp_path, data=small_data)
    wait_for(handle, lambda s: s.status == "running" and s.batch >= 3)
    handle.stop()
    at_stop = handle.snapshot().batch_log[-1]["step"]
    assert handle.join(60)
    snap = handle.snapshot()
    assert snap.status == "stopped"
    assert snap.batch_log[-1]["step"] - at_stop <= 1
    assert snap.epoch < 200
    info = load_run(handle.run_id, "bia", tmp_path)
    assert info.status == "stopped" and info.has_model  # the weights so far are kept


def test_huge_learning_rate_diverges_with_advice(small_data, tmp_path):
    # The largest learning rate allowed, on a linear model over 3,072 raw pixel values.
    wild = tiny_settings(optimizer="sgd", learning_rate=1.0, epochs=3)
    handle = start_training(LINEAR, wild, owner="caio", runs_dir=tmp_path, data=small_data)
    assert handle.join(60)
    snap = handle.snapshot()
    assert snap.status == "diverged"
    assert snap.message_key == "train.msg.diverged"
    assert set(snap.advice) == set(DIVERGE_ADVICE)
    for key in (snap.message_key, *snap.advice):
        assert locales.t(key, "pt", **snap.message_args) != locales.t(
            key, "en", **snap.message_args
        )
    assert load_run(handle.run_id, "caio", tmp_path).status == "diverged"


def test_second_run_waits_its_turn_and_starts_by_itself(small_data, tmp_path):
    reset_scheduler(1)  # one training slot, as on a 2-core host
    long = tiny_settings(epochs=200, batch_size=16)
    first = start_training(TINY, long, owner="davi", runs_dir=tmp_path, data=small_data)
    second = start_training(
        TINY, tiny_settings(epochs=1), owner="eva", runs_dir=tmp_path, data=small_data
    )
    try:
        waiting = second.snapshot()
        assert (waiting.status, waiting.queue_position) == ("waiting", 1)
        assert current_run("eva") is second
        assert load_run(second.run_id, "eva", tmp_path).status == "waiting"
    finally:
        first.stop()
        assert first.join(60)
    assert second.join(60) and second.snapshot().status == "finished"


def test_same_seed_same_metrics_other_seed_differs(small_data, tmp_path):
    def run(seed):
        s = tiny_settings(seed=seed, augment=True, schedule="onecycle")
        handle = start_training(TINY, s, owner="fe", runs_dir=tmp_path, data=small_data)
        assert handle.join(120)
        snap = handle.snapshot()
        assert snap.status == "finished"
        return [(e["loss"], e["val_loss"]) for e in snap.epoch_log], snap.evaluation["loss"]

    a, b, c = run(7), run(7), run(8)
    assert a == b
    assert a != c


def test_time_budget_ends_the_run(small_data, tmp_path):
    s = tiny_settings(epochs=200, batch_size=16, time_budget_s=1.5, schedule="cosine")
    handle = start_training(TINY, s, owner="gil", runs_dir=tmp_path, data=small_data)
    assert handle.join(120)
    snap = handle.snapshot()
    assert snap.status == "finished" and snap.message_key == "train.msg.time_up"
    assert snap.epoch < 200
    last = snap.epoch_log[-1]
    assert last["partial"] is True
    assert 0 < last["batches"] < snap.batches_per_epoch


def test_run_folder_reloads_and_continues(small_data, tmp_path):
    handle = start_training(TINY, tiny_settings(), owner="hana", runs_dir=tmp_path, data=small_data)
    assert handle.join(120)
    info = load_run(handle.run_id, "hana", tmp_path)
    assert info.status == "finished" and info.epochs_done == 2
    assert ModelSpec.from_dict(info.spec) == TINY
    assert TrainSettings.from_dict(info.settings) == tiny_settings()
    metrics = json.loads((info.path / "metrics.json").read_text())
    assert len(metrics["epoch_log"]) == 2
    more = continue_training(handle.run_id, 1, owner="hana", runs_dir=tmp_path, data=small_data)
    assert more.run_id == handle.run_id
    assert more.join(120)
    assert more.snapshot().status == "finished"
    again = load_run(handle.run_id, "hana", tmp_path)
    assert [e["epoch"] for e in again.epoch_log] == [1, 2, 3]
    assert [r.run_id for r in list_runs("hana", tmp_path)] == [handle.run_id]


def test_runs_belong_to_their_owner(small_data, tmp_path):
    tags = {"lesson": "aula 1", "student": "Iara"}
    handle = start_training(
        TINY, tiny_settings(epochs=1), owner="iara", runs_dir=tmp_path, data=small_data, tags=tags
    )
    assert handle.join(60)
    assert handle.snapshot().tags == tags
    assert load_run(handle.run_id, "iara", tmp_path).tags == tags  # kept in meta.json
    with pytest.raises(SettingsError):
        start_training(TINY, tiny_settings(), owner="iara", runs_dir=tmp_path, tags={"n": 1})
    assert list_runs("joao", tmp_path) == []
    with pytest.raises(RunNotFoundError):
        load_run(handle.run_id, "joao", tmp_path)
    with pytest.raises(RunNotFoundError):
        delete_run(handle.run_id, "joao", tmp_path)
    with pytest.raises(RunNotFoundError):
        continue_training(handle.run_id, 1, owner="joao", runs_dir=tmp_path, data=small_data)
    for bad in ("../" + handle.run_id, handle.run_id + "/../x", "", "20260101-000000-zzzzzz"):
        with pytest.raises(RunNotFoundError):
            load_run(bad, "iara", tmp_path)
    assert load_run(handle.run_id, "iara", tmp_path).owner == "iara"
    delete_run(handle.run_id, "iara", tmp_path)
    assert list_runs("iara", tmp_path) == []


def test_a_failure_ends_readably_and_logs_the_traceback(small_data, tmp_path):
    # Images that are not the dataset's shape (a design of the wrong shape is refused before it
    # starts: cnn_core.admission), so the failure happens inside the run.
    cut = dataclasses.replace(
        small_data, **{k: getattr(small_data, k)[:, :28, :28] for k in ("x_train", "x_val")}
    )
    handle = start_training(TINY, tiny_settings(), owner="kai", runs_dir=tmp_path, data=cut)
    assert handle.join(60)
    snap = handle.snapshot()
    assert snap.status == "failed"
    assert snap.message_key == "train.error.shape"
    assert "28" in locales.t(snap.message_key, "en", **snap.message_args)
    assert "Traceback" in (handle.path / "error.log").read_text()


def test_pruning_deletes_the_oldest_runs_past_the_cap(tmp_path):
    ids = ["20260101-000000-aaaaaa", "20260102-000000-bbbbbb", "20260103-000000-cccccc"]
    for run_id in ids:
        folder = tmp_path / run_id
        folder.mkdir()
        (folder / "meta.json").write_text(json.dumps({"owner": "x", "status": "finished"}))
        (folder / "model.keras").write_bytes(b"0" * 100_000)
    deleted = prune_runs(tmp_path, max_bytes=250_000)
    assert deleted == ids[:1]
    deleted = prune_runs(tmp_path, max_bytes=50_000, keep=(ids[1],))
    assert deleted == ids[2:]
    assert [p.name for p in tmp_path.iterdir()] == [ids[1]]


def test_settings_validate_and_round_trip():
    s = TrainSettings(optimizer="adamw", schedule="onecycle", time_budget_s=60, augment=True)
    assert TrainSettings.from_dict(json.loads(json.dumps(s.to_dict()))) == s
    for bad in (
        {"optimizer": "rmsprop"},
        {"learning_rate": 0},
        {"batch_size": 0},
        {"schedule": "step"},
        {"label_smoothing": 1.0},
        {"time_budget_s": -1},
        {"precision": "float16"},
    ):
        with pytest.raises(SettingsError):
            TrainSettings(**bad)


def test_learning_rate_schedules():
    const = TrainSettings(learning_rate=0.1)
    assert learning_rate_at(const, 0.7) == 0.1
    cos = const.replace(schedule="cosine")
    assert learning_rate_at(cos, 0) == pytest.approx(0.1)
    assert learning_rate_at(cos, 0.5) == pytest.approx(0.05)
    assert learning_rate_at(cos, 1) == pytest.approx(0.0)
    one = const.replace(schedule="onecycle")
    assert learning_rate_at(one, 0) == pytest.approx(0.01)
    assert learning_rate_at(one, 0.25) == pytest.approx(0.1)
    assert learning_rate_at(one, 0.625) == pytest.approx(0.05)
    assert learning_rate_at(one, 1) == pytest.approx(0.0)


def test_flip_and_crop_moves_whole_images():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 256, size=(64, 8, 8, 3), dtype=np.uint8)
    out = flip_and_crop(x, np.random.default_rng(0), pad=2)
    assert out.shape == x.shape and out.dtype == np.uint8
    padded = np.pad(x, ((0, 0), (2, 2), (2, 2), (0, 0)), mode="reflect")
    for i in range(len(x)):
        windows = [padded[i, dy : dy + 8, dx : dx + 8] for dy in range(5) for dx in range(5)]
        windows += [w[:, ::-1] for w in windows]
        assert any(np.array_equal(out[i], w) for w in windows)
    assert not np.array_equal(out, x)


def test_precision_auto_uses_bf16_only_where_native(monkeypatch):
    import cnn_core.train.precision as engine
    from cnn_core.presets import get_preset

    auto = TrainSettings(precision="auto")
    monkeypatch.setattr(engine, "native_bf16", lambda: True)
    assert resolve_precision(get_preset("blog"), auto) == "mixed_bfloat16"
    assert resolve_precision(get_preset("fast"), auto) == "mixed_bfloat16"
    assert resolve_precision(get_preset("blog"), auto.replace(precision="float32")) == "float32"
    monkeypatch.setattr(engine, "native_bf16", lambda: False)
    assert resolve_precision(get_preset("blog"), auto) == "float32"
    assert resolve_precision(get_preset("blog"), auto.replace(precision="mixed_bfloat16")) == (
        "float32"
    )


def test_native_bf16_reads_the_cpu_flags():
    import cnn_core.train.precision as engine

    text = Path("/proc/cpuinfo").read_text()
    assert engine.native_bf16() == any(f in text.split() for f in ("avx512_bf16", "amx_bf16"))


def test_bf16_copy_keeps_weights_and_a_float32_softmax():
    import keras

    from cnn_core.train import build_for_training

    keras.utils.set_random_seed(1)
    model = build_for_training(TINY, "mixed_bfloat16")
    assert model.layers[1].dtype_policy.name == "mixed_bfloat16"
    assert model.layers[-1].dtype_policy.name == "float32"
    x = np.random.default_rng(0).integers(0, 256, size=(4, 32, 32, 3)).astype(np.float32)
    probs = np.asarray(model(x))
    assert probs.dtype == np.float32
    np.testing.assert_allclose(probs.sum(axis=1), 1, rtol=1e-5)


def test_estimate_epoch_seconds_measures_and_caches():
    s = tiny_settings(batch_size=32, precision="float32")
    first = estimate_epoch_seconds(TINY, s, train_images=1000)
    assert first > 0
    assert estimate_epoch_seconds(TINY, s, train_images=2000) == pytest.approx(
        first * (2000 + s.val_size / 3) / (1000 + s.val_size / 3)
    )
