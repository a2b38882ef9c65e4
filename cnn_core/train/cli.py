"""Command line for the training engine: ``python -m cnn_core.train --preset blog --epochs 40``.

It trains with the same engine and writes the same run folder the app reads (owner ``--owner``,
``cli`` by default), shows a text progress bar, prints the test evaluation the blog's way, and can
export the trained model to ``models/`` as a shipped pretrained model (``--export NAME``).
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import sys
import time
from pathlib import Path

from cnn_core.train.engine import RAY_ADDRESS_ENV
from cnn_core.train.settings import SCHEMA, TrainSettings, fast_settings

__all__ = ["build_parser", "main", "progress_line"]


def _help(name: str, text: str) -> str:
    """The help text of a setting's flag, with its range or choices from the schema."""
    setting = SCHEMA[name]
    if setting.kind in ("int", "float"):
        return f"{text} ({_num(setting.low)}-{_num(setting.high)})".strip()
    return text


def _num(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def build_parser() -> argparse.ArgumentParser:
    """Returns the argument parser of ``python -m cnn_core.train``.

    Choices and ranges come from the settings schema (:data:`cnn_core.train.settings.SCHEMA`);
    values are checked by :class:`~cnn_core.train.settings.TrainSettings` itself.
    """
    from cnn_core.presets import PRESET_NAMES

    p = argparse.ArgumentParser(
        prog="python -m cnn_core.train",
        description="Train a CNN Studio model on CIFAR-10, MNIST or Fashion-MNIST.",
    )
    what = p.add_mutually_exclusive_group()
    what.add_argument("--preset", choices=PRESET_NAMES, help="a ready-made model")
    what.add_argument("--design", type=Path, help="a design JSON (ModelSpec.to_json)")
    what.add_argument("--continue", dest="continue_run", metavar="RUN_ID", help="continue a run")
    p.add_argument("--extra-epochs", type=int, default=5, help="epochs to add with --continue")
    p.add_argument("--recipe", choices=("blog", "fast"), help="start from a recipe's settings")
    p.add_argument("--dataset", default=None, choices=SCHEMA["dataset"].choices)
    p.add_argument("--epochs", type=int, help=_help("epochs", ""))
    p.add_argument(
        "--time-budget",
        type=float,
        help=_help("time_budget_s", "stop after this many seconds of training"),
    )
    p.add_argument("--optimizer", choices=SCHEMA["optimizer"].choices)
    p.add_argument("--lr", type=float, help=_help("learning_rate", "(peak) learning rate"))
    p.add_argument("--schedule", choices=SCHEMA["schedule"].choices)
    p.add_argument("--momentum", type=float, help=_help("momentum", ""))
    p.add_argument("--weight-decay", type=float, help=_help("weight_decay", ""))
    p.add_argument("--batch-size", type=int, help=_help("batch_size", ""))
    p.add_argument(
        "--train-size", type=int, help=_help("train_size", "use only the first N training images")
    )
    p.add_argument("--val-size", type=int, help=_help("val_size", ""))
    p.add_argument("--augment", action="store_true", default=None, help="flips and crops")
    p.add_argument("--label-smoothing", type=float, help=_help("label_smoothing", ""))
    p.add_argument("--seed", type=int, help=_help("seed", ""))
    p.add_argument("--precision", choices=SCHEMA["precision"].choices)
    p.add_argument(
        "--whiten",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="first layer's filters from the data, kept fixed (fast recipe: on)",
    )
    p.add_argument(
        "--low-res", type=float, help=_help("low_res", "fraction of the run on half-size images")
    )
    p.add_argument("--runs-dir", type=Path, help="runs folder (default $CNN_STUDIO_RUNS or runs/)")
    p.add_argument("--owner", default="cli", help="visitor id that owns the run (default: cli)")
    p.add_argument("--tta", action="store_true", help="also report test accuracy with flips")
    p.add_argument("--export", metavar="NAME", help="save the trained model as models/NAME")
    p.add_argument("--note", default="", help="a note stored with an exported model")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--backend",
        choices=("local", "ray"),
        help="train in this process, or on a Ray cluster (default: ray when "
        "$CNN_STUDIO_RAY_ADDRESS is set and no --runs-dir is given)",
    )
    p.add_argument("--ray-address", metavar="HOST:PORT", help="the Ray cluster's head")
    return p


def _settings(args):
    if args.recipe == "fast" or (args.recipe is None and args.preset in ("fast", "fast_small")):
        # The budget picks the fast recipe's short- or long-run variant.
        settings = fast_settings(time_budget_s=args.time_budget)
    else:
        settings = TrainSettings()  # the blog's recipe: SGD 0.01, batch 32, 40 epochs
    changes = {
        "dataset": args.dataset,
        "epochs": args.epochs,
        "time_budget_s": args.time_budget,
        "optimizer": args.optimizer,
        "learning_rate": args.lr,
        "schedule": args.schedule,
        "momentum": args.momentum,
        "weight_decay": args.weight_decay,
        "batch_size": args.batch_size,
        "train_size": args.train_size,
        "val_size": args.val_size,
        "augment": args.augment,
        "label_smoothing": args.label_smoothing,
        "seed": args.seed,
        "precision": args.precision,
        "whiten": args.whiten,
        "low_res": args.low_res,
    }
    return settings.replace(**{k: v for k, v in changes.items() if v is not None})


def _spec(args, settings):
    from cnn_core.data import load_dataset
    from cnn_core.presets import get_preset
    from cnn_core.spec import ModelSpec

    if args.design:
        return ModelSpec.from_json(args.design.read_text())
    data = load_dataset(settings.dataset, val_size=settings.val_size)
    return get_preset(args.preset or "blog", data.input_shape, data.num_classes)


def _clock(seconds) -> str:
    if seconds is None:
        return "--:--"
    seconds = int(max(seconds, 0))
    h, rest = divmod(seconds, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60:02d}:{rest % 60:02d}"


def progress_line(snap, width: int = 24) -> str:
    """One line of text progress: bar, epoch, batch, loss, accuracy, speed, time left."""
    filled = round(snap.progress * width)
    bar = "#" * filled + "-" * (width - filled)
    last = snap.batch_log[-1] if snap.batch_log else {}
    loss = last.get("loss", float("nan"))
    acc = last.get("accuracy", float("nan"))
    return (
        f"[{bar}] epoch {snap.epoch}/{snap.epochs} batch {snap.batch}/{snap.batches_per_epoch} "
        f"loss {loss:.4f} acc {acc:.4f} | {snap.images_per_second:.0f} img/s | "
        f"{_clock(snap.elapsed_s)} elapsed, {_clock(snap.eta_s)} left"
    )


def _epoch_line(entry: dict) -> str:
    val = entry.get("val_accuracy")
    val_text = "" if val is None else f" val_loss {entry['val_loss']:.4f} val_acc {val:.4f}"
    part = " (partial)" if entry.get("partial") else ""
    return (
        f"epoch {entry['epoch']}{part}: loss {entry['loss']:.4f} acc {entry['accuracy']:.4f}"
        f"{val_text} ({entry['seconds']:.1f} s)"
    )


def _engine(args):
    """The backend: the configured one (:func:`get_engine`), or a local one on ``--runs-dir``."""
    import os

    from cnn_core.scheduler import max_run_seconds
    from cnn_core.train.engine import FAKE_ENGINE_ENV, RAY_ADDRESS_ENV, get_engine
    from cnn_core.train.local import LocalEngine

    if args.backend == "ray":
        try:
            from cnn_core.train.ray_backend import make_engine
        except ModuleNotFoundError as error:  # Ray is optional: requirements-cluster.txt
            raise SystemExit(f"{error}: pip install -r requirements-cluster.txt") from error
        return make_engine(args.ray_address, runs_dir=args.runs_dir)
    elsewhere = os.environ.get(FAKE_ENGINE_ENV) or os.environ.get(RAY_ADDRESS_ENV)
    if args.backend != "local" and args.runs_dir is None and elsewhere:
        return get_engine()
    # A terminal is one person's machine: no cap on a run unless CNN_STUDIO_MAX_RUN_S sets one,
    # and one run in a thread (a training child would only add its start-up: no pages to draw).
    return LocalEngine(
        runs_dir=args.runs_dir, max_run_s=max_run_seconds(default=None), process=False
    )


def _watch(handle, quiet: bool) -> None:
    tty = sys.stdout.isatty()
    printed_epochs = 0
    last_print = 0.0
    interrupted = False

    def on_signal(signum, frame):
        nonlocal interrupted
        interrupted = True
        handle.stop()

    old = signal.signal(signal.SIGINT, on_signal)
    try:
        while True:
            snap = handle.snapshot()
            if snap.done:
                break
            for entry in snap.epoch_log[printed_epochs:]:
                if tty and not quiet:
                    print("\r" + " " * 120 + "\r", end="")
                print(_epoch_line(entry), flush=True)
            printed_epochs = len(snap.epoch_log)
            if not (quiet or snap.status in ("waiting", "queued")):
                if tty:
                    print("\r" + progress_line(snap)[:150], end="", flush=True)
                elif time.monotonic() - last_print > 30:
                    print(progress_line(snap), flush=True)
                    last_print = time.monotonic()
            time.sleep(0.5)
        if tty and not quiet:
            print()
        for entry in snap.epoch_log[printed_epochs:]:
            print(_epoch_line(entry), flush=True)
    finally:
        signal.signal(signal.SIGINT, old)
    if interrupted:
        print("stopped by Ctrl-C; the weights learned so far were kept", flush=True)


def main(argv=None) -> int:
    """Runs the command line; returns the exit code (0 when the run finished or was stopped)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from cnn_core import locales
    from cnn_core.admission import AdmissionError
    from cnn_core.spec import SpecError
    from cnn_core.train.errors import (
        RecipeError,
        RunNotFoundError,
        SettingsError,
        TrainingBusyError,
    )

    if args.backend == "ray":
        args.ray_address = args.ray_address or os.environ.get(RAY_ADDRESS_ENV, "").strip()
        if not args.ray_address:
            parser.error(f"--backend ray needs --ray-address HOST:PORT (or {RAY_ADDRESS_ENV})")
    eng = _engine(args)
    try:
        if args.continue_run:
            handle = eng.continue_run(args.continue_run, args.extra_epochs, owner=args.owner)
        else:
            settings = _settings(args)
            spec = _spec(args, settings)
            handle = eng.start(spec, settings, owner=args.owner)
    except (
        AdmissionError,
        RecipeError,
        RunNotFoundError,
        SettingsError,
        SpecError,
        TrainingBusyError,
    ) as error:
        reason = error.message("en")
        if isinstance(error, SettingsError) and error.name in SCHEMA:
            reason += " " + _help(error.name, "Allowed:")
            if SCHEMA[error.name].kind == "choice":
                reason += " " + ", ".join(SCHEMA[error.name].choices)
        parser.error(reason)  # exits with status 2 and the reason
    folder = eng.load_run(handle.run_id, args.owner).path
    print(f"run {handle.run_id} -> {folder}", flush=True)
    _watch(handle, args.quiet)
    snap = handle.snapshot()
    message = locales.t(snap.message_key, "en", **snap.message_args) if snap.message_key else ""
    print(f"status: {snap.status}. {message}", flush=True)
    for key in snap.advice:
        print(f"  - {locales.t(key, 'en')}")
    if snap.status == "failed":
        print(f"details: {folder / 'error.log'}", file=sys.stderr)
        return 1
    if snap.evaluation:
        print(f"test ({snap.evaluation['num_examples']} images) {snap.evaluation['blog_line']}")
    tta = None
    if args.tta:
        tta = _tta(eng, handle.run_id, args.owner)
        if tta is not None:
            print(f"test with flips {tta['blog_line']}")
    if args.export and snap.status in ("finished", "stopped") and snap.evaluation:
        from cnn_core.pretrained import export_run

        command = "python -m cnn_core.train " + shlex.join(argv if argv else sys.argv[1:])
        info = eng.load_run(handle.run_id, args.owner)
        path = export_run(info, args.export, command=command, note=args.note, tta=args.tta)
        print(f"exported {path}")
    return 0 if snap.status in ("finished", "stopped") else 2


def _tta(eng, run_id: str, owner: str):
    from cnn_core.data import load_dataset
    from cnn_core.evaluate import evaluate_model

    try:
        model = eng.load_model(run_id, owner)
    except LookupError:
        return None
    settings = TrainSettings.from_dict(eng.load_run(run_id, owner).settings)
    data = load_dataset(settings.dataset, val_size=settings.val_size)
    return evaluate_model(model, data.x_test, data.y_test, flip=True).to_dict()
