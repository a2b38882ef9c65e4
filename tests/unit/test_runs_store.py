"""The crash-safe run store: liveness by lock (not PID), interrupted runs, a full disk, pruning."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cnn_core import locales, runs
from cnn_core.runs import StoreFullError
from tests.conftest import ROOT

# A separate process that creates a run, marks it running and keeps it going until killed.
KEEPER = """
import sys, time
from cnn_core import runs
folder = runs.create_run_folder(sys.argv[2], {}, {}, sys.argv[1])
runs.update_meta(folder, status=sys.argv[3] if len(sys.argv) > 3 else "running")
if len(sys.argv) > 4:  # full epochs already trained
    log = [{"epoch": e + 1, "loss": 1.0} for e in range(int(sys.argv[4]))]
    runs.write_json(folder / "metrics.json", {"epoch_log": log})
print(folder.name, flush=True)
time.sleep(600)
"""


@pytest.fixture
def keeper(tmp_path):
    """Starts a keeper process for owner ``ana``; yields ``(process, run_id)``; kills it after."""
    proc = subprocess.Popen(
        [sys.executable, "-c", KEEPER, str(tmp_path), "ana"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    run_id = proc.stdout.readline().strip()
    assert runs.valid_run_id(run_id), run_id
    yield proc, run_id
    proc.kill()
    proc.wait()


def _finished_run(root: Path, owner: str, run_id: str, size: int = 1000) -> Path:
    folder = root / run_id
    folder.mkdir(parents=True)
    runs.write_json(folder / "meta.json", {"owner": owner, "status": "finished"})
    (folder / "model.keras").write_bytes(b"0" * size)
    return folder


def test_a_run_kept_by_a_live_process_is_alive_and_interrupted_once_it_is_killed(keeper, tmp_path):
    proc, run_id = keeper
    assert runs.load_run(run_id, "ana", tmp_path).status == "running"
    assert runs.is_alive(tmp_path / run_id)
    assert runs.prune_runs(tmp_path, max_bytes=0, max_count=0) == []  # never an active run
    with pytest.raises(RuntimeError):
        runs.delete_run(run_id, "ana", tmp_path)

    proc.kill()
    proc.wait()
    info = runs.load_run(run_id, "ana", tmp_path)
    assert info.status == "interrupted"
    # Cut off in its first epoch: it says no weights were kept (not "kept after 0 epochs").
    assert info.message_key == "runs.msg.interrupted_early"
    assert "no weights" in locales.t(info.message_key, "en", **info.message_args)
    # Written down, so every later reader (and the engine's Continue) agrees.
    meta = json.loads((tmp_path / run_id / "meta.json").read_text())
    assert meta["status"] == "interrupted" and meta["interrupted_from"] == "running"
    runs.delete_run(run_id, "ana", tmp_path)  # an interrupted run can be deleted
    assert runs.list_runs("ana", tmp_path) == []


def test_a_reused_pid_does_not_keep_a_dead_run_alive(keeper, tmp_path):
    proc, run_id = keeper
    proc.kill()
    proc.wait()
    folder = tmp_path / run_id
    meta = json.loads((folder / "meta.json").read_text())
    meta["pid"] = os.getpid()  # the dead keeper's PID now belongs to a live process (this one)
    (folder / "meta.json").write_text(json.dumps(meta))
    assert runs.recover_runs(tmp_path) == [run_id]
    assert runs.load_run(run_id, "ana", tmp_path).status == "interrupted"
    assert runs.recover_runs(tmp_path) == []  # once


def test_this_process_keeps_its_runs_alive_until_they_end(tmp_path):
    folder = runs.create_run_folder("bia", {}, {}, tmp_path)
    assert runs.is_alive(folder)
    assert runs.list_runs("bia", tmp_path)[0].status == "queued"
    runs.update_meta(folder, status="running")
    assert runs.load_run(folder.name, "bia", tmp_path).status == "running"
    runs.update_meta(folder, status="finished")
    assert not runs.is_alive(folder)
    assert runs.load_run(folder.name, "bia", tmp_path).status == "finished"
    # Continue: the same folder becomes active (and kept alive) again.
    runs.update_meta(folder, status="queued")
    assert runs.is_alive(folder)
    runs.update_meta(folder, status="stopped")
    assert not runs.is_alive(folder)


def test_json_writes_leave_no_temporary_files(tmp_path):
    runs.write_json(tmp_path / "a.json", {"x": 1})
    runs.write_json(tmp_path / "a.json", {"x": 2})
    assert json.loads((tmp_path / "a.json").read_text()) == {"x": 2}
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def _fake_free(monkeypatch, free_bytes: int) -> None:
    usage = shutil.disk_usage("/")
    monkeypatch.setattr(
        runs.shutil,
        "disk_usage",
        lambda path: type(usage)(usage.total, usage.total - free_bytes, free_bytes),
    )


def test_no_run_is_created_without_room_for_its_model(tmp_path, monkeypatch):
    monkeypatch.setenv("CNN_STUDIO_MIN_FREE_MB", "100")
    _fake_free(monkeypatch, 50 * 1024 * 1024)
    with pytest.raises(StoreFullError) as caught:
        runs.create_run_folder("caio", {}, {}, tmp_path)
    assert caught.value.free_mb == 50 and caught.value.needed_mb > 100
    assert list(tmp_path.iterdir()) == []
    assert "50 MB" in caught.value.message("en") and "50 MB" in caught.value.message("pt")
    key, args = caught.value.message_key, caught.value.message_args
    assert locales.t(key, "pt", **args) == caught.value.message("pt")


def test_a_checkpoint_is_refused_before_writing_when_the_disk_is_nearly_full(tmp_path, monkeypatch):
    folder = runs.create_run_folder("caio", {}, {}, tmp_path)
    runs.save_checkpoint(folder, lambda p: p.write_bytes(b"1" * 5000), {"epoch_log": [{"e": 1}]})
    monkeypatch.setenv("CNN_STUDIO_MIN_FREE_MB", "100")
    _fake_free(monkeypatch, 99 * 1024 * 1024)
    written = []
    with pytest.raises(StoreFullError):
        runs.save_checkpoint(folder, written.append, {"epoch_log": [{"e": 1}, {"e": 2}]})
    assert written == []  # refused before the model was written
    assert (folder / "model.keras").read_bytes() == b"1" * 5000
    assert json.loads((folder / "metrics.json").read_text())["epoch_log"] == [{"e": 1}]


@pytest.fixture
def tiny_disk(tmp_path):
    """A real 2 MB tmpfs (needs root; skipped elsewhere, where the tests above cover the checks)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_real_full_disk_mid_write_keeps_the_last_checkpoint(tiny_disk, monkeypatch):
    monkeypatch.setenv("CNN_STUDIO_MIN_FREE_MB", "0")
    folder = runs.create_run_folder("dora", {}, {}, tiny_disk)
    runs.save_checkpoint(folder, lambda p: p.write_bytes(b"1" * 100_000), {"epoch_log": [1]})

    def too_big(path):  # a model larger than the disk: the write itself runs out of space
        with open(path, "wb") as handle:
            for _ in range(40):
                handle.write(b"2" * 100_000)

    with pytest.raises(StoreFullError) as caught:
        runs.save_checkpoint(folder, too_big, {"epoch_log": [1, 2]}, expected_bytes=0)
    assert caught.value.free_mb < 2
    assert (folder / "model.keras").read_bytes() == b"1" * 100_000
    assert json.loads((folder / "metrics.json").read_text())["epoch_log"] == [1]
    assert not (folder / ".model.tmp.keras").exists()
    # The checks before writing see the real free space too.
    _fill(tiny_disk)
    with pytest.raises(StoreFullError):
        runs.create_run_folder("dora", {}, {}, tiny_disk)
    # The run can still be marked failed: its manifest is small.
    runs.update_meta(folder, status="failed", message_key=caught.value.message_key)
    assert runs.load_run(folder.name, "dora", tiny_disk).status == "failed"


def _fill(mount: Path) -> None:
    """Fills the disk but 16 KB (a manifest fits; the smallest model estimate, 256 KB, does not)."""
    free = shutil.disk_usage(mount).free
    (mount / "filler").write_bytes(b"0" * max(0, free - 16 * 1024))


def test_pruning_keeps_active_waiting_and_open_runs(keeper, tmp_path):
    _, active = keeper
    old = [
        _finished_run(tmp_path, "ana", f"2020010{i}-000000-00000{i}", 100_000).name
        for i in range(1, 5)
    ]
    # An interrupted (dead) run can go; a run a page opened a moment ago stays.
    runs.load_run(old[1], "ana", tmp_path)
    deleted = runs.prune_runs(tmp_path, max_bytes=0)
    assert deleted == [old[0], old[2], old[3]]
    assert sorted(p.name for p in tmp_path.iterdir() if runs.valid_run_id(p.name)) == sorted(
        [old[1], active]
    )
    # By count too: the oldest first, never the open or active ones.
    assert runs.prune_runs(tmp_path, max_bytes=10**9, max_count=0) == []


def test_pruning_by_count_deletes_the_oldest_first(tmp_path):
    ids = [f"2020010{i}-000000-00000{i}" for i in range(1, 6)]
    for run_id in ids:
        _finished_run(tmp_path, "x", run_id)
    assert runs.prune_runs(tmp_path, max_count=3) == ids[:2]
    assert runs.prune_runs(tmp_path, max_count=3) == []


def test_each_visitor_keeps_a_number_and_bytes_of_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("CNN_STUDIO_MAX_RUNS_PER_VISITOR", "3")
    monkeypatch.setenv("CNN_STUDIO_MAX_VISITOR_MB", "1")
    mine = [_finished_run(tmp_path, "eva", f"2020010{i}-000000-00000{i}").name for i in range(1, 5)]
    theirs = _finished_run(tmp_path, "rui", "20200101-000000-0000ff").name
    waiting = runs.create_run_folder("eva", {}, {}, tmp_path)
    runs.update_meta(waiting, status="waiting")
    # A new run for eva: her oldest ended runs go so that, with it, she keeps 3; never rui's run,
    # never her waiting one.
    new = runs.create_run_folder("eva", {}, {}, tmp_path)
    kept = {r.run_id for r in runs.list_runs("eva", tmp_path)}
    assert kept == {mine[3], waiting.name, new.name}
    assert [r.run_id for r in runs.list_runs("rui", tmp_path)] == [theirs]
    # Bytes: 1 MB per visitor; a 700 KB model and another one push the older out.
    runs.update_meta(new, status="finished")
    (new / "model.keras").write_bytes(b"0" * 700_000)
    (tmp_path / mine[3] / "model.keras").write_bytes(b"0" * 700_000)
    deleted = runs.prune_visitor_runs("eva", tmp_path)
    assert deleted == [mine[3]]
    assert runs.max_runs_per_visitor() == 3 and runs.max_visitor_bytes() == 1024 * 1024


def test_env_caps_fall_back_to_defaults_on_nonsense(monkeypatch):
    monkeypatch.setenv("CNN_STUDIO_MAX_RUNS_PER_VISITOR", "lots")
    monkeypatch.setenv("CNN_STUDIO_MAX_VISITOR_MB", "-4")
    assert runs.max_runs_per_visitor() == runs.DEFAULT_MAX_RUNS_PER_VISITOR
    assert runs.max_visitor_bytes() == runs.DEFAULT_MAX_VISITOR_MB * 1024 * 1024


def test_the_engine_ends_a_run_as_failed_when_the_disk_fills(tiny_disk, data_dir, monkeypatch):
    from cnn_core.spec import ModelSpec
    from cnn_core.train import TrainSettings, start_training
    from tests.engine_helpers import small_cifar

    monkeypatch.setenv("CNN_STUDIO_MIN_FREE_MB", "0")
    spec = ModelSpec(
        [
            {"type": "Conv2D", "filters": 4, "kernel_size": 3, "activation": "relu"},
            {"type": "Flatten"},
            {"type": "Dense", "units": 10, "activation": "softmax"},
        ],
        name="tiny",
    )
    settings = TrainSettings(optimizer="adam", batch_size=50, epochs=2, val_size=100)
    handle = start_training(
        spec, settings, owner="fia", runs_dir=tiny_disk, data=small_cifar(data_dir, 200)
    )
    _fill(tiny_disk)  # the run exists; its first checkpoint (end of epoch 1) will not fit
    assert handle.join(120)
    snap = handle.snapshot()
    assert snap.status == "failed"
    assert snap.message_key == "runs.error.disk_full"
    assert "MB" in locales.t(snap.message_key, "pt", **snap.message_args)
    info = runs.load_run(handle.run_id, "fia", tiny_disk)
    assert info.status == "failed" and info.message_key == "runs.error.disk_full"
    assert not runs.is_alive(info.path)


def test_without_flock_liveness_falls_back_to_the_pid(tmp_path, monkeypatch):
    from cnn_core import durable

    def no_flock(fd, operation):
        raise OSError(37, "No locks available")

    monkeypatch.setattr(durable.fcntl, "flock", no_flock)
    folder = runs.create_run_folder("ivo", {}, {}, tmp_path)  # works, without a lock
    assert runs.is_alive(folder)  # meta's pid is this (live) process
    runs.update_meta(folder, pid=2**22 + 12345)  # above Linux's pid_max: no process has it
    assert runs.load_run(folder.name, "ivo", tmp_path).status == "interrupted"


@pytest.mark.parametrize(
    ("status", "epochs", "key"),
    [
        ("waiting", "0", "runs.msg.interrupted_waiting"),
        ("running", "2", "runs.msg.interrupted"),
    ],
)
def test_an_interrupted_run_says_what_it_had_done(tmp_path, status, epochs, key):
    """A run still in line never began; one with full epochs kept their weights."""
    proc = subprocess.Popen(
        [sys.executable, "-c", KEEPER, str(tmp_path), "ana", status, epochs],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    run_id = proc.stdout.readline().strip()
    proc.kill()
    proc.wait()
    info = runs.load_run(run_id, "ana", tmp_path)
    assert (info.status, info.message_key) == ("interrupted", key)
    for lang in ("pt", "en"):
        text = locales.t(info.message_key, lang, **info.message_args)
        assert text and "{" not in text
    if epochs != "0":
        assert epochs in locales.t(info.message_key, "en", **info.message_args)
