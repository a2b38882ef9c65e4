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


def follow(handle, out: Path, run: int, quiet: float) -> list:
    """Waits for the run's end, dumping this process's stacks when it stops moving; returns the
    phases as ``(seconds, message_key, epoch, batch)``."""
    t0 = time.perf_counter()
    last, changed, dumped, phases = None, t0, 0.0, []
    while True:
        snap = handle.snapshot()
        now = time.perf_counter()
        state = _moving(snap)
        if state != last:
            if not phases or phases[-1][1] != snap.message_key:
                phases.append((round(now - t0, 2), snap.message_key, snap.epoch, snap.batch))
            last, changed = state, now
        elif now - changed >= quiet and now - dumped >= quiet and not snap.done:
            dumped = now
            command = ["py-spy", "dump", "--native", "--pid", str(os.getpid())]
            dump = subprocess.run(command, capture_output=True, text=True, check=False).stdout
            (out / f"run{run}_t{now - t0:.0f}.txt").write_text(f"{state}\n{dump}")
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
