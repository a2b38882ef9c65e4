"""A training process killed with SIGKILL mid-run: the run reads "interrupted", keeps its last
saved epoch, its weights load, and Continue trains on from them in another process."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import numpy as np
import pytest

from cnn_core import runs
from tests.conftest import ROOT
from tests.engine_helpers import small_cifar

# The engine, in its own process, training a tiny network for many epochs on 300 real images.
TRAINER = """
import sys
from pathlib import Path
from cnn_core.spec import ModelSpec
from cnn_core.train import TrainSettings, start_training
from tests.engine_helpers import small_cifar

spec = ModelSpec.from_json(sys.argv[3])
settings = TrainSettings(optimizer="adam", learning_rate=0.003, batch_size=50, epochs=200,
                         val_size=100)
data = small_cifar(Path(sys.argv[2]), 300)
handle = start_training(spec, settings, owner="gil", runs_dir=sys.argv[1], data=data)
print(handle.run_id, flush=True)
handle.join()
"""
SPEC = {
    "layers": [
        {"type": "Conv2D", "filters": 4, "kernel_size": 3, "activation": "relu"},
        {"type": "MaxPooling2D", "pool_size": 2},
        {"type": "Flatten"},
        {"type": "Dense", "units": 10, "activation": "softmax"},
    ],
    "input_shape": [32, 32, 3],
    "num_classes": 10,
    "name": "tiny",
}


@pytest.mark.slow
def test_a_killed_training_process_leaves_an_interrupted_run_that_continues(data_dir, tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-c", TRAINER, str(tmp_path), str(data_dir), json.dumps(SPEC)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        run_id = proc.stdout.readline().strip()
        assert runs.valid_run_id(run_id), run_id
        folder = tmp_path / run_id
        deadline = time.monotonic() + 240
        while runs.epochs_saved(folder) < 2 and time.monotonic() < deadline:
            assert proc.poll() is None, "the trainer ended by itself"
            time.sleep(0.2)
        assert runs.epochs_saved(folder) >= 2, "no checkpoint within the deadline"
        assert runs.load_run(run_id, "gil", tmp_path).status == "running"
    finally:
        proc.kill()  # SIGKILL: no handler, no clean-up, mid-epoch
        proc.wait()

    from cnn_core.train import continue_training, load_run_model

    info = runs.load_run(run_id, "gil", tmp_path)
    assert info.status == "interrupted"
    assert info.has_model
    saved = info.epochs_done
    assert saved >= 2
    assert info.message_args == {"epochs": saved}
    # The weights of the last saved epoch load and predict.
    data = small_cifar(data_dir, 300)
    model = load_run_model(run_id, "gil", tmp_path)
    probs = np.asarray(model.predict(data.x_test[:8], verbose=0))
    assert probs.shape == (8, 10) and np.allclose(probs.sum(axis=1), 1, atol=1e-3)
    # Continue trains on from them (epoch numbers go on from the saved ones) and finishes.
    handle = continue_training(run_id, 1, owner="gil", runs_dir=tmp_path, data=data)
    assert handle.join(180)
    assert handle.snapshot().status == "finished"
    again = runs.load_run(run_id, "gil", tmp_path)
    assert again.status == "finished"
    assert [e["epoch"] for e in again.epoch_log] == list(range(1, saved + 2))
    assert again.evaluation is not None
