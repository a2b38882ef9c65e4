"""Training in a child process (cnn_core.train.child): the same run as in a thread, trained in
another, niced process that stays warm between runs; Stop, a killed child and Continue.

One engine (and so one warm child) serves the whole module: starting a child imports TensorFlow.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from cnn_core import runs
from cnn_core.train import child
from cnn_core.train.engine import get_engine, reset_engine
from cnn_core.train.local import LocalEngine, reset_scheduler
from cnn_core.train.relay import epochs_saved
from tests.conftest import require_data_dir
from tests.engine_helpers import TINY, small_cifar, tiny_settings, wait_for

# A run's first batches wait for the child to start and import TensorFlow: slower than a thread's.
WAIT_S = 180.0


@pytest.fixture(scope="module")
def data():
    return small_cifar(require_data_dir(), 300)


@pytest.fixture(scope="module")
def runs_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("child-runs")


@pytest.fixture(scope="module")
def engine(data, runs_dir):
    """The process-mode engine of the module (one slot, as on a 2-core host): its child is
    started by the first run and kept for the others."""
    reset_scheduler(1)
    yield LocalEngine(runs_dir=runs_dir, data=data, max_run_s=600, process=True)
    child.shutdown()


def _comparable(snap) -> dict:
    """What a run's snapshot says apart from timings (seconds, speed, early-validation points)."""
    return {
        "status": snap.status,
        "message": (snap.message_key, snap.message_args),
        "epochs": (snap.epoch, snap.epochs, snap.batch, snap.batches_per_epoch, snap.progress),
        "steps": [p["step"] for p in snap.batch_log],
        "epoch_log": [{k: v for k, v in e.items() if k != "seconds"} for e in snap.epoch_log],
    }


def test_a_run_in_the_child_is_the_run_a_thread_would_train(engine, data, runs_dir):
    handle = engine.start(TINY, tiny_settings(seed=3), owner="ana", tags={"lesson": "1"})
    assert handle.join(300)
    snap = handle.snapshot()
    assert snap.status == "finished", (snap.message_key, snap.message_args)
    # Trained in another process, whose pid the run store keeps (liveness stays this process's).
    pid = handle.where["pid"]
    assert pid != os.getpid()
    meta = runs.read_json(handle.path / "meta.json", {})
    assert meta["train_pid"] == pid and meta["pid"] == os.getpid()
    assert meta["backend"] == "process"
    # The child yields to the app: the whole process, every thread TensorFlow started included.
    tasks = Path(f"/proc/{pid}/task")
    if tasks.exists():
        nice = [os.getpriority(os.PRIO_PROCESS, int(t.name)) for t in tasks.iterdir()]
        assert len(nice) > 1 and min(nice) >= 10, nice
    # The same run in a thread of this process: the same snapshot, logs and test score.
    threaded = LocalEngine(runs_dir=runs_dir, data=data, max_run_s=600, process=False)
    same = threaded.start(TINY, tiny_settings(seed=3), owner="bia", tags={"lesson": "1"})
    assert same.join(300)
    assert same.where["pid"] == os.getpid()
    other = same.snapshot()
    _assert_same_run(snap, other)
    assert snap.tags == other.tags == {"lesson": "1"}
    assert snap.batches_per_epoch == 6 and [e["epoch"] for e in snap.epoch_log] == [1, 2]
    assert snap.evaluation["num_examples"] == 200
    assert snap.evaluation["accuracy"] == pytest.approx(other.evaluation["accuracy"], abs=0.011)
    # The run store holds what the Evaluate and Classify pages read, and the weights load.
    info = engine.load_run(handle.run_id, "ana")
    assert info.status == "finished" and info.has_model and info.epochs_done == 2
    assert [e["epoch"] for e in info.epoch_log] == [1, 2]
    assert (handle.path / "evaluation.json").exists() and (handle.path / "test_probs.npy").exists()
    from cnn_core.evaluate import evaluate_model

    model = engine.load_model(handle.run_id, "ana")
    ev = evaluate_model(model, data.x_test, data.y_test)
    assert ev.accuracy == pytest.approx(snap.evaluation["accuracy"], abs=1e-9)


def _assert_same_run(a, b) -> None:
    """Same run, floating-point noise aside (two processes may sum in another order)."""
    first, second = _comparable(a), _comparable(b)
    for name in ("status", "message", "epochs", "steps"):
        assert first[name] == second[name], name
    for x, y in zip(first["epoch_log"], second["epoch_log"], strict=True):
        assert x.keys() == y.keys()
        for key in x:
            assert x[key] == pytest.approx(y[key], rel=1e-3), key


def test_runs_one_after_another_reuse_the_warm_child(engine):
    first = engine.start(TINY, tiny_settings(epochs=1), owner="caio")
    assert first.join(300) and first.snapshot().status == "finished"
    second = engine.start(TINY, tiny_settings(epochs=1), owner="caio")
    assert second.join(300) and second.snapshot().status == "finished"
    assert second.where["pid"] == first.where["pid"]
    assert child.pool().idle_pids() == [first.where["pid"]]


def test_stop_reaches_the_child_within_a_batch(engine):
    handle = engine.start(TINY, tiny_settings(epochs=200, batch_size=16), owner="dan")
    wait_for(handle, lambda s: s.status == "running" and s.batch >= 3, timeout=WAIT_S)
    handle.stop()
    assert handle.snapshot().status == "stopping"  # at once, before the child hears of it
    assert handle.join(120)
    snap = handle.snapshot()
    assert snap.status == "stopped" and snap.message_key == "train.msg.stopped"
    assert snap.epoch < 200
    assert handle.stop_seen_step is not None
    assert snap.batch_log[-1]["step"] - handle.stop_seen_step <= 1
    info = engine.load_run(handle.run_id, "dan")
    assert info.status == "stopped" and info.has_model  # the weights so far are kept


def test_a_stop_sent_before_the_child_began_still_stops_the_run(engine):
    handle = engine.start(TINY, tiny_settings(epochs=200), owner="eva")
    handle.stop()  # the run has its slot; the child gets the run and the stop back to back
    assert handle.join(120)
    assert handle.snapshot().status == "stopped"
    assert engine.load_run(handle.run_id, "eva").status == "stopped"


def test_a_killed_child_leaves_an_interrupted_run_that_continues(engine):
    handle = engine.start(TINY, tiny_settings(epochs=200, batch_size=16), owner="gil")
    wait_for(
        handle, lambda s: epochs_saved(handle.path) >= 1 and s.status == "running", timeout=WAIT_S
    )
    killed = handle.where["pid"]
    os.kill(killed, signal.SIGKILL)
    assert handle.join(60)
    snap = handle.snapshot()
    assert snap.status == "interrupted"
    assert snap.message_key == "train.msg.process_lost"
    info = engine.load_run(handle.run_id, "gil")
    assert info.status == "interrupted" and info.has_model
    assert snap.message_args == {"epoch": info.epochs_done} and info.epochs_done >= 1
    assert "signal 9" in (handle.path / "error.log").read_text()
    assert engine.queue() == []  # the slot is free again
    # Continue trains on from the last saved epoch, in a new child.
    more = engine.continue_run(handle.run_id, 1, owner="gil")
    assert more.join(300)
    again = more.snapshot()
    assert again.status == "finished", (again.message_key, again.message_args)
    assert more.where["pid"] != killed
    done = engine.load_run(handle.run_id, "gil")
    assert [e["epoch"] for e in done.epoch_log] == list(range(1, info.epochs_done + 2))
    assert engine.load_model(handle.run_id, "gil") is not None


def test_a_child_still_training_past_its_cap_is_killed(engine, monkeypatch):
    # Any run counts as stuck here (a real one would be 2 minutes past its cap): the child is
    # killed, the run ends interrupted, and the slot comes back for the next run.
    monkeypatch.setattr(child, "STUCK_AFTER_CAP_S", -1e6)
    handle = engine.start(TINY, tiny_settings(epochs=200), owner="hana")
    assert handle.join(120)
    assert handle.snapshot().status == "interrupted"
    assert "past its cap" in (handle.path / "error.log").read_text()
    assert engine.load_run(handle.run_id, "hana").status == "interrupted"
    monkeypatch.undo()
    after = engine.start(TINY, tiny_settings(epochs=1), owner="hana")
    assert after.join(300) and after.snapshot().status == "finished"
    assert after.where["pid"] != handle.where["pid"]


def test_a_full_disk_while_saving_here_ends_the_run_as_a_thread_would(engine, monkeypatch):
    from cnn_core.durable import StoreFullError
    from cnn_core.train.local import LocalControl

    def full(self, model, metrics):
        raise StoreFullError(10 * 2**20, 50 * 2**20)

    # The child trains on; the first checkpoint it sends cannot be written here.
    monkeypatch.setattr(LocalControl, "save_checkpoint", full)
    handle = engine.start(TINY, tiny_settings(epochs=200), owner="ivo")
    assert handle.join(120)
    monkeypatch.undo()
    snap = handle.snapshot()
    assert snap.status == "failed" and snap.message_key == "runs.error.disk_full"
    assert snap.message_args == {"free_mb": 10, "needed_mb": 50}
    assert engine.load_run(handle.run_id, "ivo").status == "failed"
    assert not child.pool().idle_pids()  # that child was training a lost run: not kept


def test_the_app_trains_in_a_child_and_the_library_in_a_thread(monkeypatch):
    for name in ("CNN_STUDIO_FAKE_ENGINE", "CNN_STUDIO_RAY_ADDRESS", child.PROCESS_ENV):
        monkeypatch.delenv(name, raising=False)
    reset_engine()
    try:
        assert get_engine().process is True
        assert LocalEngine().process is False
        monkeypatch.setenv(child.PROCESS_ENV, "0")
        reset_engine()
        assert get_engine().process is False
        monkeypatch.setenv(child.PROCESS_ENV, "1")
        assert LocalEngine().process is True
        assert LocalEngine(process=False).process is False
        monkeypatch.setenv(child.PROCESS_ENV, "sometimes")
        with pytest.raises(ValueError, match=child.PROCESS_ENV):
            LocalEngine()
    finally:
        reset_engine()
