"""The Ray backend through the Engine interface, against the session's real local Ray head."""

from __future__ import annotations

import os
import signal
import time

import numpy as np
import pytest

from tests.conftest import require_data_dir
from tests.engine_helpers import TINY, small_cifar, tiny_settings, wait_for

# A run waits for a Ray worker, which imports TensorFlow for its first task, on 2 shared cores.
WAIT_S = 240.0


@pytest.fixture(scope="module")
def small_data():
    return small_cifar(require_data_dir(), 300)


def engine(ray_cluster, tmp_path, small_data, **options):
    from cnn_core.train.engine import Engine
    from cnn_core.train.ray_backend import make_engine

    eng = make_engine(ray_cluster.address, runs_dir=tmp_path, data=small_data, **options)
    assert isinstance(eng, Engine)
    return eng


def test_a_tiny_run_streams_live_and_lands_in_the_run_store(ray_cluster, tmp_path, small_data):
    eng = engine(ray_cluster, tmp_path, small_data)
    # 10 epochs of 12 small batches: long enough (a second or more) to be watched while it trains.
    handle = eng.start(
        TINY, tiny_settings(batch_size=25, epochs=10), owner="ana", tags={"lesson": "ray"}
    )
    seen: set[int] = set()

    def watch(snap) -> bool:
        if snap.status == "running" and snap.batch_log:
            seen.add(snap.batch_log[-1]["step"])
        return snap.done

    wait_for(handle, watch, timeout=WAIT_S)
    # Live, batch by batch: the page saw the run at several steps before it ended.
    assert len(seen - {120}) >= 2, sorted(seen)
    assert handle.join(240)
    snap = handle.snapshot()
    assert snap.status == "finished", (snap.message_key, snap.message_args)
    assert [e["epoch"] for e in snap.epoch_log] == list(range(1, 11))
    assert snap.batches_per_epoch == 12 and len(snap.batch_log) == 120  # 300 images / 25
    assert snap.progress == 1.0 and snap.elapsed_s > 0 and snap.tags == {"lesson": "ray"}
    # It trained in another process (a Ray worker), not in this one.
    assert handle.where and handle.where["pid"] != os.getpid()
    # The same run store as the in-process backend: Evaluate and Classify read it unchanged.
    info = eng.load_run(handle.run_id, "ana")
    assert info.status == "finished" and info.has_model and info.tags == {"lesson": "ray"}
    assert [e["epoch"] for e in info.epoch_log] == list(range(1, 11))
    assert info.evaluation["num_examples"] == 200
    assert [r.run_id for r in eng.list_runs("ana")] == [handle.run_id]
    assert eng.attach("ana") is handle and eng.queue() == []
    from cnn_core.evaluate import evaluate_model

    model = eng.load_model(handle.run_id, "ana")
    ev = evaluate_model(model, small_data.x_test, small_data.y_test)
    assert ev.accuracy == pytest.approx(snap.evaluation["accuracy"], abs=1e-9)
    probs = np.load(info.path / "test_probs.npy")
    assert probs.shape == (200, 10)
    assert np.allclose(probs.astype(np.float32), ev.probs, atol=1e-3)  # stored as float16


def test_stop_takes_effect_within_a_batch_and_keeps_the_weights(ray_cluster, tmp_path, small_data):
    eng = engine(ray_cluster, tmp_path, small_data)
    handle = eng.start(TINY, tiny_settings(epochs=200, batch_size=16), owner="bia")
    wait_for(handle, lambda s: s.status == "running" and s.batch >= 3, timeout=WAIT_S)
    handle.stop()
    assert handle.snapshot().status == "stopping"
    assert handle.join(120)
    snap = handle.snapshot()
    assert snap.status == "stopped", snap.message_key
    # The worker stopped after the batch in flight when the request reached it.
    assert handle.stop_seen_step is not None
    assert snap.batch_log[-1]["step"] - handle.stop_seen_step <= 1
    assert snap.epoch < 200
    info = eng.load_run(handle.run_id, "bia")
    assert info.status == "stopped" and info.has_model and info.evaluation is not None


def test_a_full_cluster_keeps_the_next_run_waiting_and_a_killed_worker_frees_its_place(
    ray_cluster, tmp_path, small_data
):
    # Each run asks for both CPUs of the head: one trains, the next waits for its place.
    eng = engine(ray_cluster, tmp_path, small_data, cpus=2)
    first = eng.start(TINY, tiny_settings(epochs=200, batch_size=16), owner="caio")
    wait_for(first, lambda s: s.status == "running" and len(s.epoch_log) >= 1, timeout=WAIT_S)
    second = eng.start(TINY, tiny_settings(epochs=200, batch_size=16), owner="duda")
    third = eng.start(TINY, tiny_settings(), owner="eva")
    time.sleep(3)
    assert second.snapshot().status == "waiting" and second.snapshot().queue_position == 1
    assert third.snapshot().queue_position == 2
    line = eng.queue()
    assert [(e.run_id, e.status, e.position) for e in line] == [
        (first.run_id, "running", None),
        (second.run_id, "waiting", 1),
        (third.run_id, "waiting", 2),
    ]
    third.cancel()
    assert third.join(60) and third.snapshot().status == "cancelled"
    assert eng.load_run(third.run_id, "eva").status == "cancelled"

    # Kill the process training the first run, as a crashed or lost node would.
    os.kill(first.where["pid"], signal.SIGKILL)
    assert first.join(120)
    snap = first.snapshot()
    assert snap.status == "interrupted"
    assert snap.message_key == "cluster.msg.worker_lost" and snap.message_args["epoch"] >= 1
    info = eng.load_run(first.run_id, "caio")
    assert info.status == "interrupted" and info.has_model  # the last saved epoch is kept

    # Its CPUs are free again: the waiting run gets them and trains.
    wait_for(second, lambda s: s.status == "running" and s.batch >= 1, timeout=WAIT_S)
    assert [e.run_id for e in eng.queue()] == [second.run_id]
    second.stop()
    assert second.join(120) and second.snapshot().status == "stopped"
    assert eng.queue() == []

    # The interrupted run continues from its last saved epoch, on the cluster.
    done = len([e for e in info.epoch_log if not e.get("partial")])
    more = eng.continue_run(first.run_id, 1, owner="caio")
    assert more.run_id == first.run_id and more.join(240)
    snap = more.snapshot()
    assert snap.status == "finished", (snap.message_key, snap.message_args)
    assert [e["epoch"] for e in snap.epoch_log] == list(range(1, done + 2))
    assert eng.load_run(first.run_id, "caio").evaluation is not None
    assert eng.data_puts == 1  # four runs, one copy of the dataset in the object store
