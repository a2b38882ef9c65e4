"""Shipped models: listing, loading, first-layer filters, and their stored scores."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import cnn_core.pretrained as pretrained
from cnn_core.pretrained import (
    PretrainedNotFoundError,
    first_layer_filters,
    list_pretrained,
    load_pretrained,
)

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = {
    "fast_cifar10",
    "blog_better_cifar10",
    "blog_original_cifar10",
    "lenet_mnist",
    "lenet_fashion_mnist",
}


def test_the_promised_models_are_shipped_small_and_documented():
    infos = {info.name: info for info in list_pretrained()}
    assert set(infos) >= SHIPPED
    for name, info in infos.items():
        assert (pretrained.MODELS_DIR / f"{name}.keras").stat().st_size < 5 * 1024 * 1024
        command = re.sub(r"^(\w+=\S+\s+)*", "", info.command)  # leading VAR=value
        bench = re.match(r"python (bench/\w+\.py) ", command)
        assert command.startswith("python -m cnn_core.train ") or (
            bench and (ROOT / bench.group(1)).is_file() and f"--export {name}" in command
        )
        assert 0 < info.accuracy <= 1 and info.epochs >= 1
        assert info.metrics["blog_line"].startswith("Accuracy: ")
    assert infos["fast_cifar10"].accuracy >= 0.75
    assert infos["blog_better_cifar10"].accuracy >= 0.75  # the blog's model, a better recipe
    assert infos["lenet_mnist"].accuracy >= 0.97


def test_first_layer_filters_need_no_tensorflow():
    code = (
        "import sys; from cnn_core.pretrained import first_layer_filters, list_pretrained;"
        "f = first_layer_filters(list_pretrained()[0].name);"
        "print(f.shape, f.dtype, 'tensorflow' in sys.modules, 'keras' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("float32 False False")


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_filters_match_the_model_and_loading_is_cached(name):
    model = load_pretrained(name)
    assert load_pretrained(name) is model
    first_conv = next(layer for layer in model.layers if type(layer).__name__ == "Conv2D")
    filters = first_layer_filters(name)
    np.testing.assert_array_equal(filters, first_conv.get_weights()[0])
    assert model.layers[0].name == "rescale" or model.layers[1].name == "rescale"


@pytest.mark.realdata
@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_stored_scores_match_a_re_evaluation(name, data_dir):
    from cnn_core.data import load_dataset
    from cnn_core.evaluate import evaluate_model

    info = pretrained.get_info(name)
    data = load_dataset(info.dataset)
    n = info.metrics["slice"]["n"]
    ev = evaluate_model(load_pretrained(name), data.x_test[:n], data.y_test[:n])
    assert ev.accuracy == pytest.approx(info.metrics["slice"]["accuracy"], abs=0.003)
    assert ev.loss == pytest.approx(info.metrics["slice"]["loss"], rel=0.01)


@pytest.mark.parametrize("bad", ["../models/fast_cifar10", "nope", "", "FAST", "a/b"])
def test_only_known_names_in_models_are_loaded(bad):
    with pytest.raises(PretrainedNotFoundError):
        load_pretrained(bad)
    with pytest.raises(PretrainedNotFoundError):
        first_layer_filters(bad)


def test_export_round_trip(data_dir, tmp_path, monkeypatch):
    """A finished run exported to a models folder lists, loads and re-scores the same."""
    from cnn_core.data import Dataset
    from cnn_core.spec import ModelSpec
    from cnn_core.train import TrainSettings, start_training

    raw = np.load(data_dir / "cifar10.npz")
    y = raw["y_train"].reshape(-1)
    data = Dataset(
        "cifar10",
        raw["x_train"][50:250],
        y[50:250],
        raw["x_train"][:50],
        y[:50],
        raw["x_test"][:100],
        raw["y_test"][:100].reshape(-1),
        (32, 32, 3),
    )
    spec = ModelSpec(
        [
            {"type": "Conv2D", "filters": 3, "kernel_size": 5, "strides": 2},
            {"type": "Flatten"},
            {"type": "Dense", "units": 10, "activation": "softmax"},
        ],
        name="export_tiny",
    )
    settings = TrainSettings(optimizer="adam", learning_rate=1e-3, epochs=1, batch_size=50)
    handle = start_training(spec, settings, owner="t", runs_dir=tmp_path / "runs", data=data)
    assert handle.join(120) and handle.snapshot().status == "finished"
    monkeypatch.setenv("CNN_STUDIO_DATA", str(data_dir))
    monkeypatch.setattr(pretrained, "MODELS_DIR", tmp_path / "models")
    monkeypatch.setattr(pretrained, "SLICE", 100)
    pretrained.export_run(handle, "tiny_export", command="python -m cnn_core.train --x")
    (info,) = list_pretrained()
    assert info.name == "tiny_export" and info.spec == spec and info.epochs == 1
    model = load_pretrained("tiny_export")
    assert first_layer_filters("tiny_export").shape == (5, 5, 3, 3)
    from cnn_core.evaluate import evaluate_model

    ev = evaluate_model(model, raw["x_test"][:100], raw["y_test"][:100].reshape(-1))
    assert ev.accuracy == pytest.approx(info.metrics["slice"]["accuracy"])


def test_every_shipped_model_has_a_distinct_readable_title_in_both_languages():
    from cnn_core import locales
    from cnn_core.pretrained import list_pretrained, title

    names = [info.name for info in list_pretrained()]
    assert names
    for lang in locales.LANGUAGES:
        titles = [title(name, lang) for name in names]
        assert len(set(titles)) == len(titles)
        assert not set(titles) & set(names)  # never the file name
