"""The in-process engine on the fair queue, and the hard cap on one run (real Keras, real CIFAR)."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_core import locales
from cnn_core.presets import get_preset
from cnn_core.runs import load_run
from cnn_core.scheduler import OwnerBusyError
from cnn_core.train import SettingsError, TrainSettings
from cnn_core.train.local import LocalEngine, reset_scheduler
from tests.engine_helpers import TINY, small_cifar, tiny_settings, wait_for


@pytest.fixture
def one_slot():
    """This process's queue, emptied, with one training slot (as on a 2-core host)."""
    return reset_scheduler(1)


def test_waiting_runs_keep_their_place_cancel_and_start_in_order(data_dir, tmp_path, one_slot):
    data = small_cifar(data_dir, 500)
    eng = LocalEngine(runs_dir=tmp_path, data=data, max_run_s=600)
    first = eng.start(TINY, tiny_settings(epochs=200, batch_size=16), owner="ana")
    second = eng.start(TINY, tiny_settings(epochs=1), owner="bia", tags={"lesson": "1"})
    third = eng.start(TINY, tiny_settings(epochs=1), owner="caio")
    try:
        wait_for(first, lambda s: s.status == "running" and s.batch >= 2, timeout=120)
        snap_b, snap_c = second.snapshot(), third.snapshot()
        assert (snap_b.status, snap_b.queue_position) == ("waiting", 1)
        assert (snap_c.status, snap_c.queue_position) == ("waiting", 2)
        assert snap_b.message_key == "queue.msg.waiting" and snap_b.tags == {"lesson": "1"}
        # Bia waits for Ana's time left (her own estimate, within the cap); Caio for that plus
        # Bia's whole run (no budget, not measured: the cap bounds it).
        assert 0 < snap_b.eta_s <= 600
        assert snap_c.eta_s == pytest.approx(snap_b.eta_s + 600, abs=5)
        # The run store says so too (a reload finds the place through attach).
        assert load_run(second.run_id, "bia", tmp_path).status == "waiting"
        assert eng.attach("bia") is second
        lines = eng.queue()
        assert [(q.run_id, q.position) for q in lines] == [
            (first.run_id, None),
            (second.run_id, 1),
            (third.run_id, 2),
        ]
        assert lines[0].status == "running" and lines[1].tags == {"lesson": "1"}
        # One active or waiting run per visitor.
        with pytest.raises(OwnerBusyError) as busy:
            eng.start(TINY, tiny_settings(epochs=1), owner="bia")
        assert busy.value.run_id == second.run_id
        assert busy.value.message("pt") != busy.value.message("en")
        # Bia leaves the line: Caio moves up, Bia's run never trains.
        second.cancel()
        assert second.snapshot().status == "cancelled" and second.join(1)
        assert load_run(second.run_id, "bia", tmp_path).status == "cancelled"
        assert third.snapshot().queue_position == 1
        assert [q.run_id for q in eng.queue()] == [first.run_id, third.run_id]
    finally:
        first.stop()
        assert first.join(60)
    # Caio's turn comes by itself.
    assert third.join(120)
    assert third.snapshot().status == "finished"
    assert (
        second.snapshot().epoch_log == [] and not load_run(second.run_id, "bia", tmp_path).has_model
    )
    assert eng.queue() == []


def test_continue_extra_epochs_are_bounded_by_the_schema(data_dir, tmp_path, one_slot):
    eng = LocalEngine(runs_dir=tmp_path, data=small_cifar(data_dir, 200), max_run_s=None)
    run = eng.start(TINY, tiny_settings(epochs=1), owner="dan")
    assert run.join(120) and run.snapshot().status == "finished"
    for bad in (0, 201, 10_000, True):
        with pytest.raises(SettingsError):
            eng.continue_run(run.run_id, bad, owner="dan")


@pytest.mark.slow
def test_cap_ends_a_40_epoch_blog_run_with_a_test_score(data_dir, tmp_path, one_slot):
    # The blog's model and recipe (SGD 0.01, batches of 32, 40 epochs) on 2,000 real images:
    # hundreds of seconds of work, under a 20 s cap that counts the test too.
    data = small_cifar(data_dir, 2000, n_val=200, n_test=2000)
    eng = LocalEngine(runs_dir=tmp_path, data=data, max_run_s=20)
    handle = eng.start(get_preset("blog"), TrainSettings(val_size=200), owner="eva")
    assert handle.join(300)
    snap = handle.snapshot()
    assert snap.status == "finished", (snap.message_key, snap.message_args)
    assert snap.message_key == "queue.msg.capped"
    assert snap.message_args["seconds"] == 20
    for lang in ("pt", "en"):
        assert "20" in locales.t(snap.message_key, lang, **snap.message_args)
    assert snap.epoch < 40
    ev = snap.evaluation
    assert ev is not None and 0.0 <= ev["accuracy"] <= 1.0
    # Either the whole test set or a stated random subsample of it was scored.
    assert ev["num_examples"] == ev.get("test_subsample", 2000)
    assert ev["num_examples"] >= 100
    info = load_run(handle.run_id, "eva", tmp_path)
    assert info.status == "finished" and info.has_model and info.evaluation == ev
    # The weights kept are the ones scored: re-scoring the same images gives the same accuracy.
    if "test_subsample" not in ev:
        from cnn_core.evaluate import evaluate_model

        model = eng.load_model(handle.run_id, "eva")
        again = evaluate_model(model, data.x_test, np.asarray(data.y_test).reshape(-1))
        assert again.accuracy == pytest.approx(ev["accuracy"], abs=1e-9)
    # Continue is capped the same way: 40 more epochs end by the cap too.
    eng.max_run_s = 10
    more = eng.continue_run(handle.run_id, 40, owner="eva")
    assert more.join(300)
    after = more.snapshot()
    assert (after.status, after.message_key) == ("finished", "queue.msg.capped")
    assert after.message_args["seconds"] == 10
    assert len([e for e in after.epoch_log if not e.get("partial")]) < snap.epoch + 40
    assert after.evaluation is not None
