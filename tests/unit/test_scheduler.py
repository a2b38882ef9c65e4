"""The fair training queue: order, auto-start, cancel, one run per visitor, waits, several slots."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest

from cnn_core.scheduler import (
    DEFAULT_MAX_RUN_S,
    Job,
    OwnerBusyError,
    Scheduler,
    default_slots,
    estimate_run_seconds,
    max_run_seconds,
    train_slots,
    wait_estimates,
)


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class Launcher:
    """Records the order in which jobs were launched (the real backend starts a thread here)."""

    def __init__(self):
        self.started: list[str] = []

    def __call__(self, job):
        self.started.append(job.run_id)


def job(run_id, owner, launcher, estimate_s=None, **kw):
    return Job(run_id, owner, launch=launcher, estimate_s=estimate_s, **kw)


# -- pure arithmetic -----------------------------------------------------------------------


def test_estimate_takes_whatever_ends_the_run_first():
    # A 30 s budget ends before 40 epochs of 135 s.
    assert estimate_run_seconds(time_budget_s=30, epochs=40, epoch_seconds=135) == 30
    # No budget: the epochs times the measured speed, plus the overhead.
    assert estimate_run_seconds(epochs=3, epoch_seconds=20, overhead_s=5) == 65
    # The budget gets the overhead too, but the cap already counts everything.
    assert estimate_run_seconds(time_budget_s=100, overhead_s=10, max_run_s=600) == 110
    assert estimate_run_seconds(epochs=40, epoch_seconds=135, max_run_s=600, overhead_s=10) == 600
    # Nothing measured or planned, but the cap still bounds it.
    assert estimate_run_seconds(epochs=40, max_run_s=600) == 600
    assert estimate_run_seconds(epochs=40) is None
    assert estimate_run_seconds(time_budget_s=0, epoch_seconds=0) is None


def test_wait_estimates_one_slot_adds_up_the_runs_ahead():
    # A run with 20 s left; then runs of 30 s and 50 s wait ahead of the third.
    assert wait_estimates([20.0], [30.0, 50.0, 10.0], slots=1) == [20.0, 50.0, 100.0]
    # A free slot: the first waiting job would start at once.
    assert wait_estimates([], [30.0, 50.0], slots=1) == [0.0, 30.0]


def test_wait_estimates_several_slots_take_the_slot_that_frees_first():
    # Two slots free at 10 s and 40 s; jobs of 30, 5 and 100 s.
    # Job 1 -> slot A at 10 (free again at 40); job 2 -> slot at 40 (B or A, free at 45);
    # job 3 -> the other one at 40.
    assert wait_estimates([40.0, 10.0], [30.0, 5.0, 100.0], slots=2) == [10.0, 40.0, 40.0]
    # Three slots, one busy: two waiting jobs start at once.
    assert wait_estimates([60.0], [30.0, 30.0, 30.0], slots=3) == [0.0, 0.0, 30.0]


def test_wait_estimates_unknown_times_stay_unknown():
    assert wait_estimates([None], [30.0], slots=1) == [None]
    assert wait_estimates([10.0], [None, 5.0], slots=1) == [10.0, None]
    # With two slots the known one still gives an answer.
    assert wait_estimates([None, 10.0], [5.0, 5.0], slots=2) == [10.0, 15.0]


def test_default_slots_one_per_four_cores():
    assert default_slots(1) == 1
    assert default_slots(2) == 1
    assert default_slots(4) == 1
    assert default_slots(8) == 2
    assert default_slots(None) >= 1


def test_settings_from_the_environment(monkeypatch):
    monkeypatch.delenv("CNN_STUDIO_TRAIN_SLOTS", raising=False)
    monkeypatch.delenv("CNN_STUDIO_MAX_RUN_S", raising=False)
    assert train_slots() == default_slots()
    assert max_run_seconds() == DEFAULT_MAX_RUN_S
    assert max_run_seconds(default=None) is None
    monkeypatch.setenv("CNN_STUDIO_TRAIN_SLOTS", "3")
    monkeypatch.setenv("CNN_STUDIO_MAX_RUN_S", "20")
    assert train_slots() == 3
    assert max_run_seconds() == 20.0
    assert max_run_seconds(default=None) == 20.0
    assert Scheduler().slots == 3
    monkeypatch.setenv("CNN_STUDIO_MAX_RUN_S", "off")
    assert max_run_seconds() is None
    for bad in ("0", "-1", "two"):
        monkeypatch.setenv("CNN_STUDIO_TRAIN_SLOTS", bad)
        with pytest.raises(ValueError, match="CNN_STUDIO_TRAIN_SLOTS"):
            train_slots()
    monkeypatch.setenv("CNN_STUDIO_MAX_RUN_S", "nan")
    with pytest.raises(ValueError, match="CNN_STUDIO_MAX_RUN_S"):
        max_run_seconds()


def test_bad_slot_count_is_refused():
    for bad in (0, -2, 1.5, True):
        with pytest.raises(ValueError):
            Scheduler(slots=bad)


# -- the scheduler ----------------------------------------------------------------------------


def test_first_job_starts_at_once_and_the_next_waits_its_turn():
    launcher, clock = Launcher(), FakeClock()
    sched = Scheduler(slots=1, clock=clock)
    first = sched.submit(job("a", "alice", launcher, estimate_s=30.0))
    assert first.status == "running" and first.position is None
    assert launcher.started == ["a"]
    second = sched.submit(job("b", "bob", launcher, estimate_s=60.0))
    assert (second.status, second.position, second.eta_s) == ("waiting", 1, 30.0)
    assert launcher.started == ["a"]  # bob's run has not started


def test_waiting_jobs_start_by_themselves_in_order():
    launcher, clock = Launcher(), FakeClock()
    sched = Scheduler(slots=1, clock=clock)
    for run_id, owner in [("a", "alice"), ("b", "bob"), ("c", "carol"), ("d", "dan")]:
        sched.submit(job(run_id, owner, launcher, estimate_s=10.0))
    assert [(e.run_id, e.status, e.position) for e in sched.entries()] == [
        ("a", "running", None),
        ("b", "waiting", 1),
        ("c", "waiting", 2),
        ("d", "waiting", 3),
    ]
    sched.finished("a")
    assert launcher.started == ["a", "b"]
    assert sched.entry("c").position == 1
    sched.finished("b")
    sched.finished("b")  # twice is harmless
    sched.finished("c")
    sched.finished("d")
    assert launcher.started == ["a", "b", "c", "d"]
    assert sched.entries() == []


def test_auto_start_across_two_owners_from_another_thread():
    # The real worker calls finished() from its own thread; the next run's launch runs there.
    started = threading.Event()
    sched = Scheduler(slots=1)
    sched.submit(job("a", "alice", lambda j: None))
    sched.submit(job("b", "bob", lambda j: started.set()))
    worker = threading.Thread(target=sched.finished, args=("a",))
    worker.start()
    worker.join()
    assert started.is_set()
    assert sched.owner_entry("bob").status == "running"
    assert sched.owner_entry("alice") is None


def test_one_active_or_waiting_job_per_owner():
    launcher = Launcher()
    sched = Scheduler(slots=1)
    sched.submit(job("a", "alice", launcher))
    with pytest.raises(OwnerBusyError) as running:
        sched.submit(job("a2", "alice", launcher))
    assert running.value.run_id == "a"
    assert running.value.key == "queue.error.owner_busy"
    assert "already" in running.value.message("en")
    sched.submit(job("b", "bob", launcher))
    with pytest.raises(OwnerBusyError) as waiting:
        sched.submit(job("b2", "bob", launcher))
    assert waiting.value.run_id == "b"
    assert [e.run_id for e in sched.entries()] == ["a", "b"]
    # Once alice's run ends she may start another (it waits behind bob).
    sched.finished("a")
    assert sched.submit(job("a3", "alice", launcher)).position == 1


def test_the_same_run_id_twice_is_refused():
    sched = Scheduler(slots=1)
    sched.submit(job("a", "alice", Launcher()))
    with pytest.raises(ValueError, match="already"):
        sched.submit(job("a", "bob", Launcher()))


def test_cancel_takes_a_waiting_job_out_of_line():
    launcher = Launcher()
    sched = Scheduler(slots=1, clock=FakeClock())
    sched.submit(job("a", "alice", launcher, estimate_s=10.0))
    sched.submit(job("b", "bob", launcher, estimate_s=20.0))
    sched.submit(job("c", "carol", launcher, estimate_s=30.0))
    assert sched.entry("c").position == 2 and sched.entry("c").eta_s == 30.0
    assert not sched.cancel("b", "carol")  # not carol's
    assert not sched.cancel("a", "alice")  # running: stop it instead
    assert sched.cancel("b", "bob")
    assert not sched.cancel("b", "bob")  # already out
    assert sched.entry("b") is None
    assert (sched.entry("c").position, sched.entry("c").eta_s) == (1, 10.0)
    sched.finished("a")
    assert launcher.started == ["a", "c"]
    # Bob may queue again after cancelling.
    assert sched.submit(job("b2", "bob", launcher)).position == 1


def test_waits_follow_the_running_job_live_progress_and_the_clock():
    clock = FakeClock()
    left = {"a": None}
    sched = Scheduler(slots=1, clock=clock)
    sched.submit(job("a", "alice", Launcher(), estimate_s=100.0, remaining=lambda: left["a"]))
    sched.submit(job("b", "bob", Launcher(), estimate_s=50.0))
    sched.submit(job("c", "carol", Launcher(), estimate_s=50.0))
    # No live figure yet: the estimate minus the time the run has had.
    clock.now += 30
    assert [e.eta_s for e in sched.entries()] == [70.0, 70.0, 120.0]
    # The run's own progress says 12 s left.
    left["a"] = 12.0
    assert [e.eta_s for e in sched.entries()] == [12.0, 12.0, 62.0]
    # Over its estimate: never a negative wait.
    left["a"] = None
    clock.now += 500
    assert sched.entry("b").eta_s == 0.0


def test_a_progress_reader_that_fails_does_not_break_the_queue():
    def broken():
        raise RuntimeError("boom")

    sched = Scheduler(slots=1, clock=FakeClock())
    sched.submit(job("a", "alice", Launcher(), estimate_s=40.0, remaining=broken))
    sched.submit(job("b", "bob", Launcher(), estimate_s=40.0))
    assert sched.entry("b").eta_s == 40.0


def test_a_launcher_that_fails_frees_its_slot_for_the_next():
    launcher = Launcher()

    def fails(j):
        raise RuntimeError("could not start")

    sched = Scheduler(slots=1)
    sched.submit(job("a", "alice", launcher))
    sched.submit(job("b", "bob", fails))
    sched.submit(job("c", "carol", launcher))
    sched.finished("a")
    assert launcher.started == ["a", "c"]
    assert [e.run_id for e in sched.entries()] == ["c"]


def test_two_slots_run_two_jobs_at_once():
    launcher, clock = Launcher(), FakeClock()
    sched = Scheduler(slots=2, clock=clock)
    assert sched.submit(job("a", "alice", launcher, estimate_s=40.0)).status == "running"
    assert sched.submit(job("b", "bob", launcher, estimate_s=10.0)).status == "running"
    c = sched.submit(job("c", "carol", launcher, estimate_s=30.0))
    d = sched.submit(job("d", "dan", launcher, estimate_s=30.0))
    assert launcher.started == ["a", "b"]
    # c takes bob's slot at 10 s; d takes the next to free: alice's at 40 s (c's ends at 40 too).
    assert (c.position, c.eta_s) == (1, 10.0)
    assert (d.position, d.eta_s) == (2, 40.0)
    sched.finished("b")
    assert launcher.started == ["a", "b", "c"]
    assert sched.waiting_count() == 1
    sched.finished("a")
    assert launcher.started == ["a", "b", "c", "d"]


def test_many_threads_submitting_at_once_get_distinct_places():
    sched = Scheduler(slots=1, clock=FakeClock())
    errors = []

    def submit(i):
        try:
            sched.submit(job(f"r{i}", f"owner{i}", lambda j: None, estimate_s=10.0))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(30)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    entries = sched.entries()
    assert [e.status for e in entries].count("running") == 1
    assert [e.position for e in entries if e.status == "waiting"] == list(range(1, 30))
    assert sorted(e.eta_s for e in entries if e.status == "waiting") == [
        10.0 * i for i in range(1, 30)
    ]


def test_the_scheduler_imports_without_tensorflow_or_streamlit():
    code = (
        "import json, sys, cnn_core.scheduler; "
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "cnn_core" in loaded
    assert not loaded & {"tensorflow", "keras", "streamlit", "numpy"}
