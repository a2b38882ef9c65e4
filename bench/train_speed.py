"""Training speed benchmark (not a test): prints a table and a JSON line.

Measures, on the real CIFAR-10 (``CNN_STUDIO_DATA``):

1. the blog model's training images/s in float32 and in mixed bfloat16 (bare ``train_on_batch``);
2. the engine's throughput against a bare ``model.fit`` on the same images in the same process;
3. the peak memory (RSS) of this process while the engine trains on the full training set;
4. the fast preset's test accuracy after time-budgeted runs (``--budgets 30 60``);
5. time to 60% and 75% validation accuracy in recorded runs (``--runs-dir``, any owner).

Usage::

    CNN_STUDIO_DATA=/work/shared/data python bench/train_speed.py            # full (~10 min)
    CNN_STUDIO_DATA=/work/shared/data python bench/train_speed.py --short    # ~3 min

Timings depend on what else runs on the machine; run it on an idle one and say when it was not.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# The shared app's cap on one run (10 minutes, test included) would cut the 10-minute budget short.
os.environ.setdefault("CNN_STUDIO_MAX_RUN_S", "off")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def precision_speed(steps: int, preset: str = "blog", batch: int = 32) -> dict:
    """Images/s of a preset's training steps in float32 and mixed bfloat16."""
    import keras

    from cnn_core.presets import get_preset
    from cnn_core.train import TrainSettings, _compile, build_for_training, native_bf16

    spec = get_preset(preset)
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(batch, 32, 32, 3)).astype(np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, batch)]
    out = {"native_bf16": native_bf16()}
    for policy in ("float32", "mixed_bfloat16"):
        keras.utils.set_random_seed(0)
        model = build_for_training(spec, policy)
        _compile(model, TrainSettings())
        for _ in range(5):
            model.train_on_batch(x, y)
        t0 = time.perf_counter()
        for _ in range(steps):
            model.train_on_batch(x, y)
        out[policy] = steps * batch / (time.perf_counter() - t0)
    out["bf16_speedup"] = out["mixed_bfloat16"] / out["float32"]
    return out


def engine_vs_fit(n_images: int) -> dict:
    """Same model, images and batch size: the engine's epoch-2 speed vs a bare model.fit."""
    import keras

    from cnn_core.data import Dataset, load_dataset
    from cnn_core.presets import get_preset
    from cnn_core.train import (
        TrainSettings,
        _compile,
        build_for_training,
        resolve_precision,
        start_training,
    )

    full = load_dataset("cifar10")
    data = Dataset(
        "cifar10",
        full.x_train[:n_images],
        full.y_train[:n_images],
        full.x_val[:32],
        full.y_val[:32],
        full.x_test[:32],
        full.y_test[:32],
        (32, 32, 3),
    )
    spec = get_preset("blog")
    settings = TrainSettings(epochs=3, batch_size=32, val_size=32)
    precision = resolve_precision(spec, settings)
    handle = start_training(spec, settings, owner="bench", runs_dir=ROOT / "runs", data=data)
    handle.join()
    log = handle.snapshot().epoch_log
    engine = n_images / min(e["seconds"] for e in log[1:])

    keras.utils.set_random_seed(0)
    model = build_for_training(spec, precision)
    _compile(model, settings)
    y = np.eye(10, dtype=np.float32)[data.y_train]
    times = []

    class Timer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.t0 = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self.t0)

    model.fit(data.x_train, y, batch_size=32, epochs=3, verbose=0, callbacks=[Timer()])
    bare = n_images / min(times[1:])
    from cnn_core.train import delete_run

    delete_run(handle.run_id, "bench", ROOT / "runs")
    return {
        "precision": precision,
        "images": n_images,
        "engine_img_s": engine,
        "bare_fit_img_s": bare,
        "ratio": engine / bare,
    }


def memory_during_training(seconds: float) -> dict:
    """Peak RSS of this process while the engine trains the fast preset on all of CIFAR-10."""
    from cnn_core.data import load_dataset
    from cnn_core.presets import get_preset
    from cnn_core.train import TrainSettings, delete_run, fast_settings, start_training

    before = rss_mb()
    load_dataset("cifar10")
    peak = [rss_mb()]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak.append(rss_mb())
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out = {}
    for name, settings in (
        # The long-run variant (batches of 256): the most memory the fast recipe uses.
        ("fast", fast_settings().replace(time_budget_s=seconds)),
        ("blog", TrainSettings(time_budget_s=seconds)),  # the blog's recipe: batches of 32
    ):
        handle = start_training(get_preset(name), settings, owner="bench", runs_dir=ROOT / "runs")
        handle.join()
        out[f"{name}_peak_rss_mb"] = max(peak)
        delete_run(handle.run_id, "bench", ROOT / "runs")
    done.set()
    out["rss_before_tf_mb"] = before
    return out


def fast_budgets(
    budgets, precisions=("auto",), export: str | None = None, preset: str = "fast"
) -> list[dict]:
    """Test accuracy of a fast preset after runs with each time budget (and precision).

    The runs train on all 50,000 training images with no validation split (the clock would
    otherwise include validating after each epoch); the clock starts with the first training
    step and includes tracing. ``test_accuracy_flip`` adds test-time flips. ``export`` saves the
    longest run's model under ``models/`` (as ``python -m cnn_core.train --export`` does).
    """
    from cnn_core.data import load_dataset
    from cnn_core.evaluate import evaluate_model
    from cnn_core.presets import get_preset
    from cnn_core.train import delete_run, fast_settings, load_run_model, start_training

    data = load_dataset("cifar10", val_size=0)
    rows = []
    for budget, precision in [(b, p) for b in budgets for p in precisions]:
        settings = fast_settings(time_budget_s=budget, precision=precision, val_size=0)
        handle = start_training(
            get_preset(preset), settings, owner="bench", runs_dir=ROOT / "runs", data=data
        )
        handle.join()
        snap = handle.snapshot()
        model = load_run_model(handle.run_id, "bench", ROOT / "runs")
        flip = evaluate_model(model, data.x_test, data.y_test, flip=True)
        rows.append(
            {
                "preset": preset,
                "budget_s": budget,
                "precision": precision,
                "batch_size": settings.batch_size,
                "low_res": settings.low_res,
                "elapsed_s": round(snap.elapsed_s, 1),
                "epochs": round(
                    len(snap.batch_log) and snap.batch_log[-1]["step"] / snap.batches_per_epoch, 2
                ),
                "test_accuracy": snap.evaluation["accuracy"] if snap.evaluation else None,
                "test_accuracy_flip": flip.accuracy,
                "status": snap.status,
            }
        )
        if export:
            from cnn_core.pretrained import export_run

            command = "CNN_STUDIO_DATA=../shared/data python " + " ".join(sys.argv)
            export_run(handle, export, command=command, tta=True, note=EXPORT_NOTE)
        delete_run(handle.run_id, "bench", ROOT / "runs")
    return rows


EXPORT_NOTE = (
    "The fast preset with the fast recipe and a time budget, trained by the speed benchmark on "
    "all 50,000 training images (no validation split)."
)


def _error_log(handle) -> str | None:
    log = Path(handle.path) / "error.log"
    return log.read_text()[-800:] if log.exists() else None


def quick_demo(runs: int = 2) -> dict:
    """The Train page's quick demo as a visitor runs it, click to final result.

    Through the app's engine set-up (a warm training process beside this one, as in the server):
    the first run starts that process (TensorFlow, the dataset); the figures are the last run's,
    from ``start()`` to the run recorded as ended with its test score.
    """
    import tempfile

    from cnn_core.presets import get_preset
    from cnn_core.train import quick_demo_settings
    from cnn_core.train.local import LocalEngine

    settings = quick_demo_settings()
    spec = get_preset("fast_small")
    with tempfile.TemporaryDirectory(prefix="cnn-bench-demo-") as folder:
        engine = LocalEngine(runs_dir=folder, process=True)
        for i in range(runs):
            t0 = time.perf_counter()
            handle = engine.start(spec, settings, owner=f"bench{i}")
            while not handle.snapshot().done:
                time.sleep(0.05)
            wall = time.perf_counter() - t0
            handle.join(60)
        snap = handle.snapshot()
        return {
            "preset": spec.name,
            "budget_s": settings.time_budget_s,
            "click_to_result_s": round(wall, 1),
            "val_accuracy": [e["val_accuracy"] for e in snap.epoch_log],
            "test_accuracy": snap.evaluation["accuracy"] if snap.evaluation else None,
            "status": snap.status,
            "message": snap.message_key,
            "error": _error_log(handle),
        }


def _time_to_targets(log: list, targets=(0.6, 0.75)) -> dict:
    row = {f"to_{int(t * 100)}": None for t in targets}
    spent = 0.0
    for entry in log:
        spent += entry.get("seconds", 0.0)
        for target in targets:
            key = f"to_{int(target * 100)}"
            if row[key] is None and (entry.get("val_accuracy") or 0) >= target:
                row[key] = {"seconds": round(spent), "epoch": entry["epoch"]}
    row["epochs"] = len(log)
    row["best_val"] = max((e.get("val_accuracy") or 0) for e in log)
    return row


def recorded_runs(runs_dir: Path) -> list[dict]:
    """Time to 60% / 75% validation accuracy in finished full-data runs of any owner, and in the
    shipped models' training logs (``models/*.json``)."""
    from cnn_core.runs import read_json, valid_run_id

    rows = []
    for folder in sorted(runs_dir.glob("*")):
        if not valid_run_id(folder.name):
            continue
        spec = read_json(folder / "spec.json", {}) or {}
        settings = read_json(folder / "settings.json", {}) or {}
        log = (read_json(folder / "metrics.json", {}) or {}).get("epoch_log", [])
        if settings.get("train_size") or not log:
            continue
        row = {"run": folder.name, "model": spec.get("name"), "optimizer": settings["optimizer"]}
        row.update(_time_to_targets(log))
        ev = read_json(folder / "evaluation.json")
        row["test_accuracy"] = ev["accuracy"] if ev else None
        rows.append(row)
    for path in sorted((ROOT / "models").glob("*.json")):
        meta = json.loads(path.read_text())
        log = meta.get("epoch_log") or []
        if meta.get("dataset") != "cifar10" or not any(e.get("val_accuracy") for e in log):
            continue
        row = {"run": f"models/{path.name}", "model": meta["spec"]["name"]}
        row["optimizer"] = meta["settings"]["optimizer"]
        row.update(_time_to_targets(log))
        row["test_accuracy"] = meta["metrics"]["accuracy"]
        rows.append(row)
    return rows


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--short", action="store_true", help="fewer steps and a 30 s budget only")
    p.add_argument("--budgets", type=float, nargs="*", help="time budgets (s), default 10 60 600")
    p.add_argument(
        "--presets", nargs="*", default=["fast", "fast_small"], help="for the budget runs"
    )
    p.add_argument("--precisions", nargs="*", default=["auto"], help="for the budget runs")
    p.add_argument("--skip", nargs="*", default=[], help="precision engine memory budgets runs")
    p.add_argument("--runs-dir", type=Path, default=ROOT / "runs", help="recorded runs to read")
    p.add_argument("--export", metavar="NAME", help="ship the longest budget's model as NAME")
    args = p.parse_args(argv)
    budgets = args.budgets if args.budgets is not None else ([30] if args.short else [10, 60, 600])
    result = {"load_average": os.getloadavg()}
    # Memory first, while this process holds nothing but the data: the app's server is in the
    # same position when a visitor starts a run.
    if "memory" not in args.skip:
        result["memory"] = r = memory_during_training(15 if args.short else 40)
        print(
            f"peak RSS while training on all of CIFAR-10: fast preset {r['fast_peak_rss_mb']:.0f}"
            f" MB, blog preset {r['blog_peak_rss_mb']:.0f} MB",
            flush=True,
        )
    if "precision" not in args.skip:
        result["precision"] = {}
        for preset, batch, steps in (("blog", 32, 60), ("fast", 256, 10)):
            steps = steps // 3 if args.short else steps
            r = result["precision"][preset] = precision_speed(steps, preset, batch)
            print(
                f"{preset} preset, batch {batch}: float32 {r['float32']:.0f} img/s, "
                f"mixed_bfloat16 {r['mixed_bfloat16']:.0f} img/s (x{r['bf16_speedup']:.2f}; "
                f"native bf16: {r['native_bf16']})",
                flush=True,
            )
    if "engine" not in args.skip:
        result["engine"] = r = engine_vs_fit(1600 if args.short else 4800)
        print(
            f"engine {r['engine_img_s']:.0f} img/s vs bare model.fit {r['bare_fit_img_s']:.0f} "
            f"img/s on {r['images']} images ({r['precision']}): {r['ratio'] * 100:.0f}%",
            flush=True,
        )
    if "budgets" not in args.skip and budgets:
        print("\ntime-budgeted runs on all 50,000 training images (test accuracy):", flush=True)
        print(
            f"{'preset':>11} {'budget s':>9} {'precision':>15} {'batch':>6} {'elapsed s':>10} "
            f"{'epochs':>7} {'test acc':>9} {'+flips':>7}",
            flush=True,
        )
        rows = result["fast_budgets"] = []
        for budget in budgets:
            for preset in args.presets:
                export = args.export if budget == max(budgets) and preset == "fast" else None
                for row in fast_budgets([budget], args.precisions, export, preset):
                    rows.append(row)
                    print(
                        f"{preset:>11} {row['budget_s']:>9.0f} {row['precision']:>15} "
                        f"{row['batch_size']:>6} {row['elapsed_s']:>10.1f} {row['epochs']:>7} "
                        f"{row['test_accuracy'] * 100:>8.2f}% "
                        f"{row['test_accuracy_flip'] * 100:>6.2f}%",
                        flush=True,
                    )
    if "demo" not in args.skip:
        result["quick_demo"] = r = quick_demo()
        if r["test_accuracy"] is None:
            print(f"\nquick demo ended {r['status']} ({r['message']}): {r['error']}", flush=True)
        else:
            print(
                f"\nquick demo as the Train page runs it ({r['preset']}, {r['budget_s']:.0f} s, "
                f"45,000 images, warm training process): click to final result "
                f"{r['click_to_result_s']:.1f} s; test {r['test_accuracy'] * 100:.2f}%",
                flush=True,
            )
    goal_table(result)
    if "runs" not in args.skip:
        result["recorded_runs"] = rows = recorded_runs(args.runs_dir)
        if rows:
            print(
                "\nrecorded full-data runs (time = training seconds, validation excluded; the "
                "shipped models' times depend on how busy the machine was when they trained):"
            )
            for row in rows:
                marks = []
                for key in ("to_60", "to_75"):
                    hit = row[key]
                    target = key[3:]
                    marks.append(
                        f"{target}%: {hit['seconds']} s (epoch {hit['epoch']})"
                        if hit
                        else f"{target}%: not reached"
                    )
                test = row["test_accuracy"]
                print(
                    f"  {row['run']} {row['model']} {row['optimizer']} epochs {row['epochs']}: "
                    f"{', '.join(marks)}; best val {row['best_val'] * 100:.2f}%"
                    + (f", test {test * 100:.2f}%" if test is not None else "")
                )
    result["load_average_after"] = os.getloadavg()
    print("\nJSON " + json.dumps(result, default=float))
    return 0


GOALS = {10: 0.60, 60: 0.80, 600: 0.92}  # issue 15: test accuracy by budget


def goal_table(result: dict) -> None:
    """Prints the goals' table: the best test accuracy (plain, and with flips) per budget."""
    rows = result.get("fast_budgets") or []
    demo = result.get("quick_demo")
    if not rows and not demo:
        return
    print("\n| budget | best test accuracy (preset) | with flips | goal |\n|---|---|---|---|")
    for budget in sorted({row["budget_s"] for row in rows}):
        mine = [row for row in rows if row["budget_s"] == budget and row["test_accuracy"]]
        if not mine:
            continue
        best = max(mine, key=lambda row: row["test_accuracy"])
        goal = GOALS.get(int(budget))
        print(
            f"| {budget:.0f} s | {best['test_accuracy'] * 100:.1f}% ({best['preset']}) | "
            f"{best['test_accuracy_flip'] * 100:.1f}% | "
            + (f">= {goal * 100:.0f}%" if goal else "-")
            + " |"
        )
    if demo and demo.get("click_to_result_s"):
        print(
            f"| quick demo, click to final result | {demo['click_to_result_s']:.1f} s for a "
            f"{demo['budget_s']:.0f} s budget | - | <= {demo['budget_s'] + 5:.0f} s |"
        )


if __name__ == "__main__":
    raise SystemExit(main())
