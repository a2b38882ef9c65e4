"""The exported Keras code is a whole program: it loads the data, trains, tests, and prints the
blog's line. These tests RUN it (in a fresh Python) on a small slice of the real data."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap

import pytest

from cnn_core import design as designs
from cnn_core.model import to_keras_code
from cnn_core.presets import get_preset
from tests.conftest import ROOT

BLOG_LINE = re.compile(r"^Accuracy: \d{1,3}\.\d\d% \| Loss: \d+\.\d{5}$")

# Runs the program with keras.datasets.<name>.load_data() returning a small slice of the real
# data (in Keras's own shapes: CIFAR-10 labels (N, 1), MNIST images (N, 28, 28)), then reports
# what the program did as JSON on the last line.
RUNNER = """
import json, sys
import numpy as np
import keras

dataset, data_dir, path = sys.argv[1:4]
stored = np.load(f"{data_dir}/{dataset}.npz")

def load_data():
    x_train, y_train = stored["x_train"][:700], stored["y_train"][:700]
    x_test, y_test = stored["x_test"][:200], stored["y_test"][:200]
    if dataset == "cifar10":
        y_train, y_test = y_train.reshape(-1, 1), y_test.reshape(-1, 1)
    else:
        x_train, x_test = x_train.reshape(-1, 28, 28), x_test.reshape(-1, 28, 28)
    return (x_train, y_train), (x_test, y_test)

getattr(keras.datasets, dataset).load_data = load_data
code = open(path).read()
scope = {"__name__": "__main__"}
exec(compile(code, path, "exec"), scope)
model, history = scope["model"], scope["history"]
lr = model.optimizer.learning_rate
print(json.dumps({
    "epochs": len(history.history["loss"]),
    "validated": "val_loss" in history.history,
    "train_images": int(len(scope["x_train"])),
    "val_images": int(len(scope["x_val"])),
    "steps": int(model.optimizer.iterations.numpy()),
    "optimizer": type(model.optimizer).__name__,
    "smoothing": float(model.loss.label_smoothing),
    "params": int(model.count_params()),
    "first_val_label": int(np.argmax(scope["y_val"][0])),
}))
"""


def run_program(code: str, dataset: str, data_dir, tmp_path, **constants) -> tuple[list, dict]:
    for name, value in constants.items():  # fewer epochs / images, as a reader would try first
        code, count = re.subn(rf"^{name} = .*$", f"{name} = {value}", code, flags=re.M)
        assert count == 1, name
    path = tmp_path / "exported.py"
    path.write_text(code)
    runner = tmp_path / "runner.py"
    runner.write_text(textwrap.dedent(RUNNER))
    out = subprocess.run(
        [sys.executable, str(runner), dataset, str(data_dir), str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    lines = out.stdout.strip().splitlines()
    return lines[:-1], json.loads(lines[-1])


def test_the_blogs_model_and_recipe_train_and_print_the_blogs_line(data_dir, tmp_path):
    import numpy as np

    settings = designs.default_settings()  # SGD 0.01, batches of 32, 40 epochs, 5,000 to check
    code = to_keras_code(get_preset("blog"), settings, lang="pt")
    # What a reader sees: the whole recipe, in the visitor's language.
    for part in (
        "keras.datasets.cifar10.load_data()",
        "VALIDATION_IMAGES = 5000",
        "x_val, y_val = x_train[:VALIDATION_IMAGES], y_train[:VALIDATION_IMAGES]",
        "EPOCHS = 40",
        "BATCH_SIZE = 32",
        "LEARNING_RATE = 0.01",
        "keras.optimizers.SGD(learning_rate=learning_rate)",
        "label_smoothing=0.0",
        "validation_data=(x_val, y_val)",
        "model.evaluate(x_test, y_test",
        "# A divisão do post: as primeiras 5.000 imagens de treino ficam para validação.",
    ):
        assert part in code, part
    printed, did = run_program(code, "cifar10", data_dir, tmp_path, EPOCHS=2, VALIDATION_IMAGES=100)
    assert BLOG_LINE.match(printed[-1]), printed[-1]
    stored = np.load(data_dir / "cifar10.npz")
    assert did == {
        "epochs": 2,
        "validated": True,
        "train_images": 600,
        "val_images": 100,
        "steps": 2 * 19,  # ceil(600 / 32) batches per epoch: the chosen batch size
        "optimizer": "SGD",
        "smoothing": 0.0,
        "params": 229_834,
        "first_val_label": int(stored["y_train"][0]),  # the FIRST training images validate
    }


def test_another_recipe_on_mnist_is_exported_faithfully(data_dir, tmp_path):
    settings = {
        **designs.default_settings(),
        "dataset": "mnist",
        "optimizer": "adamw",
        "learning_rate": 0.002,
        "schedule": "onecycle",
        "batch_size": 64,
        "epochs": 3,
        "label_smoothing": 0.1,
        "train_size": 300,
        "augment": True,
    }
    spec = get_preset("lenet", (28, 28, 1))
    code = to_keras_code(spec, settings, lang="en")
    assert "keras.datasets.mnist.load_data()" in code
    assert "x_train[..., np.newaxis]" in code
    assert "weight_decay=0.0005" in code and "warmup_target=LEARNING_RATE" in code
    assert "# Label smoothing: 10% of each target" in code
    assert all(len(line) <= 100 for line in code.splitlines())
    printed, did = run_program(code, "mnist", data_dir, tmp_path, EPOCHS=1, VALIDATION_IMAGES=100)
    assert BLOG_LINE.match(printed[-1]), printed[-1]
    assert did["optimizer"] == "AdamW" and did["smoothing"] == pytest.approx(0.1)
    assert did["train_images"] == 300 and did["steps"] == 5  # ceil(300 / 64)
    assert did["validated"] and did["epochs"] == 1


def test_without_settings_only_the_model_is_written_as_before():
    spec = get_preset("blog")
    code = to_keras_code(spec)
    assert code == to_keras_code(spec, None, "en")
    assert "load_data" not in code and "fit(" not in code and "model.summary()" in code
    # The old call with the language second still works (comments in Portuguese).
    assert to_keras_code(spec, "pt") == to_keras_code(spec, lang="pt")
    assert "Total: 229.834 pesos." in to_keras_code(spec, "pt")
