"""python -m cnn_core.train --backend ray: a separate process trains on the Ray head."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT
from tests.engine_helpers import TINY


def test_the_cli_trains_on_the_cluster_and_writes_the_run_store(ray_cluster, tmp_path, data_dir):
    design = tmp_path / "tiny.json"
    design.write_text(TINY.to_json())
    runs = tmp_path / "runs"
    env = {k: v for k, v in os.environ.items() if k != "CNN_STUDIO_RAY_ADDRESS"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cnn_core.train",
            "--design",
            str(design),
            "--epochs",
            "1",
            "--optimizer",
            "adam",
            "--lr",
            "0.003",
            "--batch-size",
            "50",
            "--train-size",
            "300",
            "--val-size",
            "100",
            "--runs-dir",
            str(runs),
            "--owner",
            "cli-ray",
            "--quiet",
            "--backend",
            "ray",
            "--ray-address",
            ray_cluster.address,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert "status: finished" in result.stdout
    assert "Accuracy: " in result.stdout and "| Loss: " in result.stdout
    (folder,) = runs.iterdir()
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["owner"] == "cli-ray" and meta["status"] == "finished"
    assert meta["backend"] == "ray" and meta.get("node")  # trained on a node of the cluster
    assert (folder / "model.keras").stat().st_size > 0
    evaluation = json.loads((folder / "evaluation.json").read_text())
    assert evaluation["num_examples"] == 10_000  # the whole test set, scored on the worker


def test_backend_ray_without_an_address_says_what_is_missing(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "CNN_STUDIO_RAY_ADDRESS"}
    result = subprocess.run(
        [sys.executable, "-m", "cnn_core.train", "--preset", "blog", "--backend", "ray"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "--ray-address" in result.stderr
