"""Hunting the intermittent stall around ``model.fit`` (not a test): stacks when a run stops moving.

Some runs stall for 8 to 60 s between an epoch's end and the final test, inside TensorFlow's native
code, in-process and on Ray alike (README, *Past one machine*). This script trains the short run of
``bench/cluster.py`` (the ``fast`` preset, ``--train-size`` images, 2 epochs) ``--runs`` times in
one process, as a warm server or Ray worker does, and follows each run's snapshot. When nothing in
it changes for ``--quiet`` seconds (normal during a validation or the test, so most dumps are
ordinary), it writes ``py-spy dump --native`` of this process to ``--out``. Each run prints one
JSON line with its wall time, training time and the time each phase began, so a stalled run stands
out, and its dumps show where every thread was.

Usage::

    CNN_STUDIO_DATA=../shared/data python bench/stall_hunt.py --runs 20 --out /tmp/stall-dumps

Needs ``py-spy`` (``pip install py-spy``) and the right to read this process's memory (root, or
``ptrace_scope`` 0).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _moving(snap) -> tuple:
    """What changes while a run makes progress."""
    val_log = getattr(snap, "val_log", None) or []
    return snap.status, snap.message_key, snap.epoch, snap.batch, len(snap.epoch_log), len(val_log)


def dump_stacks(path: Path, pids, note: str = "") -> None:
    """Writes ``py-spy dump --native`` of each process in ``pids`` to ``path`` (nothing without
    py-spy: ``pip install py-spy``)."""
    if shutil.which("py-spy") is None:
        return
    text = [note]
    for pid in sorted(set(pids)):
        command = ["py-spy", "dump", "--native", "--pid", str(pid)]
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
        text.append(f"== pid {pid}\n{done.stdout}{done.stderr}")
    path.write_text("\n".join(text))


class StallWatch:
    """Follows one run's snapshots and writes the stacks of the processes in ``pids()`` to
    ``out`` each time the run has shown no change for ``quiet`` seconds (normal during a
    validation or the test, so most dumps are ordinary; a stall stands out by their number).

    Args:
        out: the folder for the dumps, or ``None`` for no dumps.
        name: the run's name in the dump files.
        quiet: seconds without change before a dump.
        pids: returns the process ids to dump (the one training the run, this one).
    """

    def __init__(self, out: Path | None, name: str, quiet: float, pids):
        self.out, self.name, self.quiet, self.pids = out, name, quiet, pids
        self.t0 = time.perf_counter()
        self.last, self.changed, self.dumped = None, self.t0, 0.0

    def see(self, snap) -> bool:
        """Takes one snapshot; returns whether the run moved since the last one."""
        now = time.perf_counter()
        state = _moving(snap)
        if state != self.last:
            self.last, self.changed = state, now
            return True
        quiet_now = now - self.changed >= self.quiet and now - self.dumped >= self.quiet
        if self.out is not None and quiet_now and not snap.done:
            self.dumped = now
            path = self.out / f"{self.name}_t{now - self.t0:.0f}.txt"
            dump_stacks(path, self.pids(), repr(state))
        return False


def follow(handle, out: Path, run: int, quiet: float) -> list:
    """Waits for the run's end, dumping this process's stacks when it stops moving; returns the
    phases as ``(seconds, message_key, epoch, batch)``."""
    watch = StallWatch(out, f"run{run}", quiet, lambda: [os.getpid()])
    phases = []
    while True:
        snap = handle.snapshot()
        if watch.see(snap) and (not phases or phases[-1][1] != snap.message_key):
            seconds = round(time.perf_counter() - watch.t0, 2)
            phases.append((seconds, snap.message_key, snap.epoch, snap.batch))
        if snap.done:
            return phases
        time.sleep(0.25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--train-size", type=int, default=5000)
    parser.add_argument("--quiet", type=float, default=5.0, help="seconds without change")
    parser.add_argument("--out", type=Path, default=Path(tempfile.mkdtemp(prefix="stall-")))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    from cnn_core.presets import get_preset
    from cnn_core.train import fast_settings
    from cnn_core.train.local import LocalEngine

    engine = LocalEngine(runs_dir=tempfile.mkdtemp(prefix="stall-runs-"))
    spec = get_preset("fast")
    settings = fast_settings(epochs=2, train_size=args.train_size)
    print(f"dumps in {args.out}", flush=True)
    for run in range(args.runs):
        t0 = time.perf_counter()
        handle = engine.start(spec, settings, owner=f"hunt{run}")
        phases = follow(handle, args.out, run, args.quiet)
        handle.join(60)
        snap = handle.snapshot()
        line = {
            "run": run,
            "wall_s": round(time.perf_counter() - t0, 1),
            "train_s": round(sum(e.get("seconds", 0.0) for e in snap.epoch_log), 1),
            "status": snap.status,
            "phases": phases,
        }
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
