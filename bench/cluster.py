"""Training on a Ray cluster against the in-process backend (not a test): a table and a JSON line.

Measures, on the real CIFAR-10 (``CNN_STUDIO_DATA``), with real local Ray nodes that this script
starts and stops itself (token authentication on, loopback addresses only):

1. **overhead**: the same short run (the ``fast`` preset, ``--epochs`` on ``--train-size``
   images) through the in-process backend and through a Ray head with 2 CPUs, in ``--repeat``
   pairs with the head up for both ("once the cluster is up"), the order alternating from pair
   to pair; the in-process side trains as the app does (a niced child process) or, with
   ``--local thread``, as the command line does. The overhead is the median of the warm pairs'
   differences in wall time from ``start()`` to the run recorded as ended, split into the
   training itself and everything around it (dispatch, streaming, the test, saving); the time
   until a worker takes the run is shown on its own. The first pair also pays for TensorFlow
   and the data (a fresh Ray worker) and is left out (goal: <= 3 s for warm runs). Also
   measured: the share of a core Ray's own processes use, idle and during the runs.
   ``--dumps DIR`` writes ``py-spy`` stacks of any run that shows no change for ``--quiet``
   seconds (runs sometimes stall for seconds to a minute between an epoch's end and the test,
   on either backend);
2. **two nodes on this machine** (a head and a second ``ray start``, one CPU each): two visitors'
   runs started together, and whether they trained at the same time, on which nodes;
3. **jobs per hour** for a line of ``--demos`` quick demos (``fast_small``, ``--demo-seconds``
   budget each): the in-process backend (one at a time) against the two-node cluster
   (everything submitted at once).

Usage::

    CNN_STUDIO_DATA=../shared/data python bench/cluster.py                 # ~10 min on 2 idle cores
    CNN_STUDIO_DATA=../shared/data python bench/cluster.py --tiny          # proves it works, ~3 min

Timings depend on what else runs on the machine; run it on an idle one and say when it was not.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _wait(handles, timeout: float = 3600) -> dict:
    """Waits until every handle's run has ended; returns ``{run_id: seconds both trained}``."""
    end = time.monotonic() + timeout
    running_together = 0.0
    last = time.monotonic()
    while time.monotonic() < end:
        snaps = [h.snapshot() for h in handles]
        now = time.monotonic()
        if sum(s.status == "running" for s in snaps) >= 2:
            running_together += now - last
        last = now
        if all(s.done for s in snaps):
            for handle in handles:  # and its slot released (the in-process one: just after)
                handle.join(60)
            return {"together_s": running_together}
        time.sleep(0.1)
    raise TimeoutError("runs did not end")


def _timed_run(engine, spec, settings, owner: str, dumps: Path | None = None, quiet: float = 20):
    """One run, start to recorded end, with the moment its worker took it (``dispatch_s``: the
    snapshot leaves ``waiting``) and the phases its worker reported. With ``dumps``, whenever
    the run shows no change for ``quiet`` seconds, ``py-spy dump`` of the process training it
    (and of this one, the driver) is written there: a stall leaves its stacks."""
    from bench.stall_hunt import StallWatch

    t0 = time.perf_counter()
    handle = engine.start(spec, settings, owner=owner)

    def pids() -> list:
        return [os.getpid(), (getattr(handle, "where", None) or {}).get("pid") or os.getpid()]

    watch = StallWatch(dumps, owner, quiet, pids)
    dispatch = None
    phases: dict[str, float] = {}
    while True:
        snap = handle.snapshot()
        now = time.perf_counter()
        if dispatch is None and snap.status != "waiting":
            dispatch = now - t0
        if snap.message_key and snap.message_key not in phases:
            phases[snap.message_key] = round(now - t0, 2)
        watch.see(snap)
        if snap.done:
            break
        time.sleep(0.05)
    handle.join(60)
    wall = time.perf_counter() - t0
    if snap.status not in ("finished", "stopped"):
        raise RuntimeError(f"{owner}: {snap.status} {snap.message_key} {snap.message_args}")
    return {
        "wall_s": wall,
        "dispatch_s": dispatch,
        "phases": phases,
        "train_s": sum(e.get("seconds", 0.0) for e in snap.epoch_log),
        "accuracy": (snap.evaluation or {}).get("accuracy"),
        "where": getattr(handle, "where", None),
    }


def _session_cpu(session: int) -> dict[int, float]:
    """CPU seconds so far of every process in the session ``session`` (Linux ``/proc``): a Ray
    node started by :class:`LocalCluster` is one session, its services and workers included."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[3]) == session:
            out[int(name)] = (int(fields[11]) + int(fields[12])) / tick
    return out


def _services_cpu(session: int, before: dict, seconds: float, training_pid=None) -> float:
    """Share of one core the node's processes used since ``before``, the training worker left
    out: what Ray's own services (raylet, GCS, relay actor, idle workers, agents) cost."""
    after = _session_cpu(session)
    used = sum(t - before.get(pid, 0.0) for pid, t in after.items() if pid != training_pid)
    return used / seconds


def overhead(args, runs_dir: Path, token: Path) -> dict:
    from cnn_core.presets import get_preset
    from cnn_core.train import fast_settings
    from cnn_core.train.local import LocalEngine
    from cnn_core.train.ray_backend import make_engine
    from tests.cluster.local_ray import LocalCluster

    spec = get_preset("fast")
    settings = fast_settings(epochs=args.epochs, train_size=args.train_size)
    # The app's embedded default trains in a niced child process; the CLI's in a thread.
    local = LocalEngine(runs_dir=runs_dir, process=args.local == "process")
    runs = max(2, args.repeat)
    out: dict = {"local": [], "ray": [], "ray_services_cpu": []}
    cluster = LocalCluster(token_path=token)
    try:
        t0 = time.perf_counter()
        address = cluster.start_head(num_cpus=2)
        out["head_start_s"] = time.perf_counter() - t0
        os.environ.update(cluster.env())
        engine = make_engine(address, runs_dir=runs_dir, cpus=2)
        t0 = time.perf_counter()
        engine.connect()
        out["connect_s"] = time.perf_counter() - t0
        session = cluster.node_pids()[0]
        time.sleep(5)  # past the start-up's own work
        before, t0 = _session_cpu(session), time.perf_counter()
        time.sleep(args.idle_seconds)
        out["idle_services_cpu"] = _services_cpu(session, before, time.perf_counter() - t0)
        # In pairs, with the head up for both backends ("once the cluster is up"), alternating
        # which goes first: both see the same machine, and a drift of its speed cancels out.
        for i in range(runs):
            for name in ("local", "ray") if i % 2 == 0 else ("ray", "local"):
                before, t0 = _session_cpu(session), time.perf_counter()
                run = _timed_run(
                    engine if name == "ray" else local, spec, settings, f"{name}{i}",
                    args.dumps, args.quiet,
                )  # fmt: skip
                out[name].append(run)
                if name == "ray":
                    pid = (run["where"] or {}).get("pid")
                    seconds = time.perf_counter() - t0
                    out["ray_services_cpu"].append(_services_cpu(session, before, seconds, pid))
                print(
                    f"{name}{i}: {run['wall_s']:.1f} s, training {run['train_s']:.1f} s", flush=True
                )
    finally:
        _disconnect()
        cluster.stop()
    # Warm pairs only (the first pair loads TensorFlow and the data on both sides); medians of
    # the pairs' differences, because a run sometimes stalls for seconds, on either backend.
    warm = list(zip(out["local"][1:], out["ray"][1:], strict=True))
    out["overhead_cold_s"] = out["ray"][0]["wall_s"] - statistics.median(
        r["wall_s"] for r in out["local"][1:]
    )

    def paired(of) -> float:
        return statistics.median(of(ray) - of(loc) for loc, ray in warm)

    out["overhead_warm_s"] = paired(lambda r: r["wall_s"])
    # The same split into training (the epochs' own seconds) and everything around it: start-up,
    # dispatch, streaming, the test and saving, the parts the goal names.
    for name in ("local", "ray"):
        runs_ = out[name][1:]
        out[f"train_warm_{name}_s"] = statistics.median(r["train_s"] for r in runs_)
        out[f"outside_warm_{name}_s"] = statistics.median(r["wall_s"] - r["train_s"] for r in runs_)
    out["overhead_outside_warm_s"] = paired(lambda r: r["wall_s"] - r["train_s"])
    out["overhead_train_warm_s"] = paired(lambda r: r["train_s"])
    out["dispatch_warm_s"] = statistics.median(r["dispatch_s"] for r in out["ray"][1:])
    out["ray_services_cpu_median"] = statistics.median(out["ray_services_cpu"][1:])
    return out


def two_nodes(args, runs_dir: Path, token: Path) -> dict:
    from cnn_core.presets import get_preset
    from cnn_core.train import fast_settings
    from cnn_core.train.local import LocalEngine
    from cnn_core.train.ray_backend import make_engine
    from tests.cluster.local_ray import LocalCluster

    spec = get_preset("fast_small")
    # The Train page's quick demo (quick_demo_settings), with the budget asked for.
    demo = fast_settings(time_budget_s=args.demo_seconds, epochs=10)
    out: dict = {}
    # The in-process backend: one slot, the demos one after another.
    local = LocalEngine(runs_dir=runs_dir)
    t0 = time.perf_counter()
    for i in range(args.demos):
        handle = local.start(spec, demo, owner=f"local-demo{i}")
        _wait([handle])
    out["local_line_s"] = time.perf_counter() - t0
    cluster = LocalCluster(token_path=token)
    try:
        address = cluster.start_head(num_cpus=1)
        cluster.add_node(num_cpus=1)
        os.environ.update(cluster.env())
        engine = make_engine(address, runs_dir=runs_dir, cpus=1)
        engine.connect()
        # Two visitors at once.
        pair = [engine.start(spec, demo, owner=f"visitor{i}") for i in range(2)]
        waited = _wait(pair)
        out["pair_trained_together_s"] = waited["together_s"]
        out["pair_nodes"] = sorted({(h.where or {}).get("node", "?")[:8] for h in pair})
        out["pair_pids"] = [(h.where or {}).get("pid") for h in pair]
        out["pair_status"] = [h.snapshot().status for h in pair]
        # The line of demos, all submitted at once: the cluster runs two at a time.
        t0 = time.perf_counter()
        line = [engine.start(spec, demo, owner=f"demo{i}") for i in range(args.demos)]
        _wait(line)
        out["cluster_line_s"] = time.perf_counter() - t0
        out["cluster_line_status"] = sorted({h.snapshot().status for h in line})
    finally:
        _disconnect()
        cluster.stop()
    out["local_jobs_per_hour"] = args.demos / out["local_line_s"] * 3600
    out["cluster_jobs_per_hour"] = args.demos / out["cluster_line_s"] * 3600
    return out


def _disconnect() -> None:
    import ray

    from cnn_core.train.engine import reset_engine

    ray.shutdown()
    reset_engine()


def _token_env(folder: Path) -> Path:
    """One token for both clusters this script starts, in the environment BEFORE Ray is
    imported (Ray reads the mode and the token once per process)."""
    from tests.cluster.local_ray import write_token

    token = write_token(folder / "auth_token")
    os.environ.update({"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN_PATH": str(token)})
    return token


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train-size", type=int, default=5000, help="images of the short run")
    parser.add_argument("--epochs", type=int, default=2, help="epochs of the short run")
    parser.add_argument("--demos", type=int, default=10, help="quick demos in the line")
    parser.add_argument("--demo-seconds", type=float, default=30, help="each demo's budget")
    parser.add_argument("--repeat", type=int, default=3, help="pairs of runs (overhead)")
    parser.add_argument(
        "--local",
        choices=("process", "thread"),
        default="process",
        help="the in-process backend as the app runs it (a niced child process) or as the "
        "command line does (a thread)",
    )
    parser.add_argument("--idle-seconds", type=float, default=20, help="idle head measured")
    parser.add_argument("--dumps", type=Path, help="a folder for py-spy stacks of stalled runs")
    parser.add_argument("--quiet", type=float, default=20, help="seconds without change = stall")
    parser.add_argument("--tiny", action="store_true", help="tiny sizes: proves it works")
    parser.add_argument("--skip", nargs="*", default=[], choices=("overhead", "nodes"))
    args = parser.parse_args(argv)
    if args.tiny:
        args.train_size, args.epochs, args.demos, args.demo_seconds = 500, 1, 3, 3
        args.repeat = 2
    if args.dumps:
        args.dumps.mkdir(parents=True, exist_ok=True)
    report: dict = {"settings": {k: v for k, v in vars(args).items() if k != "skip"}}
    report["load_average"] = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="cnn-bench-cluster-") as runs_dir:
        token = _token_env(Path(runs_dir))
        if "overhead" not in args.skip:
            report["overhead"] = overhead(args, Path(runs_dir), token)
            print("overhead:", json.dumps(report["overhead"], default=str), flush=True)
        if "nodes" not in args.skip:
            report["nodes"] = two_nodes(args, Path(runs_dir), token)
    _print_table(report)
    print(json.dumps(report, default=str))
    return report


def _walls(runs: list) -> str:
    return " / ".join(f"{r['wall_s']:.1f}" for r in runs) + " s"


def _print_table(report: dict) -> None:
    rows = []
    ov = report.get("overhead")
    if ov:
        local, ray = ov["local"], ov["ray"]
        pct = 100 * ov["ray_services_cpu_median"]
        rows += [
            ("Ray head start (ray start --head)", f"{ov['head_start_s']:.1f} s"),
            ("driver connects (ray.init)", f"{ov['connect_s']:.1f} s"),
            ("Ray's own processes, idle head", f"{100 * ov['idle_services_cpu']:.1f}% of a core"),
            ("Ray's own processes, during a warm run", f"{pct:.1f}% of a core"),
            (f"short run, in-process ({report['settings']['local']}), each", _walls(local)),
            ("short run, Ray (cold first), each", _walls(ray)),
            ("Ray: start() to a worker on it, warm", f"{ov['dispatch_warm_s']:.2f} s"),
            ("overhead per Ray run, cold worker", f"{ov['overhead_cold_s']:+.1f} s"),
            (
                "overhead per Ray run, warm, median of pairs (goal <= 3 s)",
                f"{ov['overhead_warm_s']:+.1f} s",
            ),
            (
                "training itself, warm medians, in-process / Ray",
                f"{ov['train_warm_local_s']:.1f} / {ov['train_warm_ray_s']:.1f} s"
                f" (pairs: {ov['overhead_train_warm_s']:+.1f} s)",
            ),
            (
                "around training (start-up, dispatch, streaming, test, saving), in-process / Ray",
                f"{ov['outside_warm_local_s']:.1f} / {ov['outside_warm_ray_s']:.1f} s",
            ),
            (
                "overhead around training, median of pairs",
                f"{ov['overhead_outside_warm_s']:+.1f} s",
            ),
        ]
    nodes = report.get("nodes")
    if nodes:
        rows += [
            ("two visitors: both training at once", f"{nodes['pair_trained_together_s']:.1f} s"),
            ("two visitors: Ray nodes they trained on", ", ".join(nodes["pair_nodes"])),
            ("line of demos, in-process (one at a time)", f"{nodes['local_line_s']:.1f} s"),
            ("line of demos, 2 Ray nodes x 1 CPU", f"{nodes['cluster_line_s']:.1f} s"),
            (
                "jobs per hour, in-process / cluster",
                f"{nodes['local_jobs_per_hour']:.0f} / {nodes['cluster_jobs_per_hour']:.0f}",
            ),
        ]
    print(f"Ray cluster vs in-process backend (load average {report['load_average']:.1f})")
    width = max(len(r[0]) for r in rows) + 2 if rows else 10
    for name, value in rows:
        print(f"{name:<{width}}{value}")


if __name__ == "__main__":
    main()
