"""The command line trains with the engine, writes the run folder and prints the blog's line."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cnn_core.runs import list_runs
from cnn_core.spec import ModelSpec
from cnn_core.train import Snapshot
from cnn_core.train.cli import build_parser, progress_line

ROOT = Path(__file__).resolve().parents[2]


def test_cli_trains_a_tiny_design_and_prints_the_blog_line(data_dir, tmp_path):
    design = ModelSpec(
        [
            {"type": "Conv2D", "filters": 2, "kernel_size": 3, "strides": 2},
            {"type": "Flatten"},
            {"type": "Dense", "units": 10, "activation": "softmax"},
        ],
        name="cli_tiny",
    )
    (tmp_path / "design.json").write_text(design.to_json())
    runs = tmp_path / "runs"
    env = {**os.environ, "CNN_STUDIO_DATA": str(data_dir), "TF_CPP_MIN_LOG_LEVEL": "3"}
    cmd = [sys.executable, "-m", "cnn_core.train", "--design", str(tmp_path / "design.json")]
    cmd += ["--epochs", "2", "--train-size", "128", "--val-size", "32", "--batch-size", "32"]
    cmd += ["--optimizer", "adam", "--lr", "0.001", "--runs-dir", str(runs), "--owner", "tester"]
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert re.search(r"^epoch 2: loss \d+\.\d{4} acc", out.stdout, re.M), out.stdout
    line = re.search(
        r"test \(10000 images\) Accuracy: (\d+\.\d\d)% \| Loss: (\d+\.\d{5})$", out.stdout, re.M
    )
    assert line, out.stdout
    (info,) = list_runs("tester", runs)
    assert info.status == "finished"
    assert [e["epoch"] for e in info.epoch_log] == [1, 2]
    assert info.settings["train_size"] == 128 and info.settings["optimizer"] == "adam"
    assert f"{info.evaluation['accuracy'] * 100:.2f}" == line.group(1)
    assert json.loads((info.path / "spec.json").read_text())["name"] == "cli_tiny"


def test_presets_pick_their_recipe():
    from cnn_core.train.cli import _settings

    blog = _settings(build_parser().parse_args(["--preset", "blog"]))
    assert (blog.optimizer, blog.learning_rate, blog.batch_size, blog.epochs) == (
        "sgd",
        0.01,
        32,
        40,
    )
    fast = _settings(build_parser().parse_args(["--preset", "fast", "--time-budget", "60"]))
    assert fast.optimizer == "sgd_momentum" and fast.augment and fast.time_budget_s == 60
    mixed = _settings(build_parser().parse_args(["--preset", "blog", "--recipe", "fast"]))
    assert mixed.optimizer == "adamw"
    long = _settings(build_parser().parse_args(["--preset", "fast", "--time-budget", "600"]))
    assert (fast.batch_size, fast.low_res) == (128, 0.7)  # the short-run variant
    assert (long.batch_size, long.low_res, long.optimizer) == (256, 0.5, "adamw")
    assert fast.whiten and long.whiten
    plain = _settings(
        build_parser().parse_args(["--preset", "fast", "--no-whiten", "--low-res", "0"])
    )
    assert not plain.whiten and plain.low_res == 0
    blog = _settings(build_parser().parse_args(["--preset", "blog", "--low-res", "0.25"]))
    assert not blog.whiten and blog.low_res == 0.25


def test_progress_line_shows_epoch_batch_loss_and_time_left():
    snap = Snapshot(
        run_id="r",
        status="running",
        epoch=3,
        epochs=40,
        batch=120,
        batches_per_epoch=1407,
        batch_log=[{"step": 2934, "loss": 1.23456, "accuracy": 0.5612}],
        images_per_second=812.4,
        elapsed_s=75,
        eta_s=3725,
        progress=0.25,
    )
    line = progress_line(snap, width=8)
    assert line == (
        "[##------] epoch 3/40 batch 120/1407 loss 1.2346 acc 0.5612 | 812 img/s | "
        "01:15 elapsed, 1:02:05 left"
    )


def test_a_setting_out_of_range_is_refused_with_the_schema_range(capsys, tmp_path):
    from cnn_core.train.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["--preset", "blog", "--epochs", "500", "--runs-dir", str(tmp_path)])
    assert exit_info.value.code == 2
    assert "epochs = 500. Allowed: (1-200)" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # nothing was started
