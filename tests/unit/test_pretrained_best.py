"""Which shipped model Classify opens with: the best recorded test accuracy per dataset."""

from __future__ import annotations

import json
import shutil

import pytest

import cnn_core.pretrained as pretrained
from cnn_core.pretrained import best_pretrained


@pytest.mark.parametrize("dataset", ["cifar10", "mnist", "fashion_mnist"])
def test_best_is_the_highest_accuracy_recorded_in_the_json_files(dataset):
    recorded = {}
    for path in pretrained.MODELS_DIR.glob("*.json"):
        meta = json.loads(path.read_text())
        if meta["dataset"] == dataset:
            recorded[path.stem] = meta["metrics"]["accuracy"]
    best = best_pretrained(dataset)
    assert best.name == max(recorded, key=recorded.get)
    assert best.dataset == dataset


def test_best_follows_the_numbers_not_the_names(tmp_path, monkeypatch):
    # Copy the CIFAR-10 metadata and swap the scores: the choice must follow them.
    for path in pretrained.MODELS_DIR.glob("*cifar10.json"):
        shutil.copy(path, tmp_path / path.name)
        (tmp_path / f"{path.stem}.keras").write_bytes(b"")  # listed only with its model file
    scores = {"blog_original_cifar10": 0.95, "fast_cifar10": 0.5, "blog_better_cifar10": 0.7}
    for name, accuracy in scores.items():
        path = tmp_path / f"{name}.json"
        meta = json.loads(path.read_text())
        meta["metrics"]["accuracy"] = accuracy
        path.write_text(json.dumps(meta))
    monkeypatch.setattr(pretrained, "MODELS_DIR", tmp_path)
    assert best_pretrained("cifar10").name == "blog_original_cifar10"
    assert best_pretrained("mnist") is None
