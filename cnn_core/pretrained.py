"""Models trained ahead of time and shipped in ``models/``.

Each model ``NAME`` has ``models/NAME.keras`` (float32, no optimizer), ``models/NAME.json`` (the
design, the settings, the test metrics and the exact command that trained it) and
``models/NAME.conv1.npy`` (the first convolution's filters, so pages can draw them without
TensorFlow). Only files in this folder are ever loaded, always with ``safe_mode=True``.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from cnn_core.spec import ModelSpec

__all__ = [
    "MODELS_DIR",
    "PretrainedInfo",
    "PretrainedNotFoundError",
    "best_pretrained",
    "export_run",
    "first_layer_filters",
    "list_pretrained",
    "load_pretrained",
    "title",
]

MODELS_DIR = Path(__file__).resolve().parents[1] / "models"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_]{0,63}$")
_CACHE: dict[str, object] = {}
#: Test images re-scored by the tests (``metrics["slice"]`` in each model's JSON).
SLICE = 1000
_LOCK = threading.Lock()


class PretrainedNotFoundError(LookupError):
    """No shipped model has this name."""


@dataclass(frozen=True, repr=False)
class PretrainedInfo:
    """A shipped model.

    Attributes:
        name: file name stem in ``models/``.
        dataset: the dataset it was trained on.
        spec: its design.
        metrics: test-set scores (``Evaluation.to_dict()``; ``tta`` holds the scores with flips).
        command: the exact command that trained it.
        settings: the training settings.
        epochs: epochs trained.
        train_seconds: training wall-clock time (model building and test evaluation excluded).
        note: how it was made, in English (for the README and the maintainers).
    """

    name: str
    dataset: str
    spec: ModelSpec
    metrics: dict
    command: str
    settings: dict = field(default_factory=dict)
    epochs: int = 0
    train_seconds: float = 0.0
    note: str = ""

    @property
    def accuracy(self) -> float:
        return float(self.metrics.get("accuracy", float("nan")))

    def __repr__(self) -> str:
        return (
            f"PretrainedInfo({self.name!r}, dataset={self.dataset!r}, "
            f"accuracy={self.accuracy:.4f}, epochs={self.epochs})"
        )


def _path(name: str, suffix: str, folder: Path | None = None) -> Path:
    if not isinstance(name, str) or not _NAME.match(name):
        raise PretrainedNotFoundError(str(name)[:64])
    path = (folder or MODELS_DIR) / f"{name}{suffix}"
    if not path.is_file():
        raise PretrainedNotFoundError(name)
    return path


def _info(meta: dict) -> PretrainedInfo:
    return PretrainedInfo(
        name=meta["name"],
        dataset=meta["dataset"],
        spec=ModelSpec.from_dict(meta["spec"]),
        metrics=meta["metrics"],
        command=meta["command"],
        settings=meta.get("settings", {}),
        epochs=int(meta.get("epochs", 0)),
        train_seconds=float(meta.get("train_seconds", 0.0)),
        note=meta.get("note", ""),
    )


def list_pretrained(dataset: str | None = None) -> list[PretrainedInfo]:
    """Lists the shipped models (no TensorFlow needed).

    Args:
        dataset: only models trained on this dataset, when given.

    Returns:
        :class:`PretrainedInfo` for each model with both its ``.json`` and ``.keras`` files,
        sorted by name.
    """
    found = []
    for meta_path in sorted(MODELS_DIR.glob("*.json")):
        name = meta_path.stem
        if not _NAME.match(name) or not (MODELS_DIR / f"{name}.keras").is_file():
            continue
        info = _info(json.loads(meta_path.read_text()))
        if dataset is None or info.dataset == dataset:
            found.append(info)
    return found


def best_pretrained(dataset: str = "cifar10") -> PretrainedInfo | None:
    """The shipped model with the best recorded test accuracy on ``dataset`` (no TensorFlow).

    Args:
        dataset: the dataset the model must have been trained on.

    Returns:
        Its :class:`PretrainedInfo` (ties: the first by name), or ``None`` when none ships.
    """
    scored = [info for info in list_pretrained(dataset) if info.accuracy == info.accuracy]
    return max(scored, key=lambda info: info.accuracy, default=None)


def title(name: str, lang: str) -> str:
    """A shipped model's readable name in ``lang``.

    Its own catalog title, else the title of the preset it was built from, else its file name.

    Args:
        name: a name from :func:`list_pretrained`.
        lang: ``"pt"`` or ``"en"``.
    """
    from cnn_core import locales

    for key in (f"models.{name}.title", f"spec.preset.{get_info(name).spec.name}.title"):
        if key in locales.catalog():
            return locales.t(key, lang)
    return name


def get_info(name: str) -> PretrainedInfo:
    """Returns the :class:`PretrainedInfo` of one shipped model.

    Raises:
        PretrainedNotFoundError: if there is no such model.
    """
    return _info(json.loads(_path(name, ".json").read_text()))


def load_pretrained(name: str):
    """Loads a shipped model (once per process; later calls return the same object).

    Args:
        name: a name from :func:`list_pretrained`.

    Returns:
        An uncompiled ``keras.Model`` taking 0-255 images and returning probabilities.

    Raises:
        PretrainedNotFoundError: if there is no such model in ``models/``.
    """
    path = _path(name, ".keras")
    with _LOCK:
        model = _CACHE.get(name)
        if model is None:
            import keras

            model = keras.saving.load_model(path, safe_mode=True, compile=False)
            _CACHE[name] = model
    return model


def first_layer_filters(name: str) -> np.ndarray:
    """Returns the first convolution's filters of a shipped model, without TensorFlow.

    Args:
        name: a name from :func:`list_pretrained`.

    Returns:
        float32 array ``(kernel_h, kernel_w, in_channels, filters)``.

    Raises:
        PretrainedNotFoundError: if there is no such model.
    """
    return np.load(_path(name, ".conv1.npy"), allow_pickle=False)


def export_run(handle, name: str, *, command: str, note: str = "", tta=None, folder=None) -> Path:
    """Saves a finished run as a shipped model: float32 ``.keras``, ``.json``, ``.conv1.npy``.

    Args:
        handle: the run's :class:`~cnn_core.train.RunHandle` (or anything with ``path``).
        name: the model's name (lower-case letters, digits, ``_``).
        command: the exact command that trained it.
        note: how it was made.
        tta: also store the test scores with flips (``metrics["tta"]``).
        folder: destination (default ``models/``).

    Returns:
        The path of the ``.keras`` file.
    """
    import keras

    from cnn_core.model import build_model
    from cnn_core.runs import read_json

    if not _NAME.match(name):
        raise ValueError(f"bad model name {name!r}")
    out = Path(folder or MODELS_DIR)
    out.mkdir(parents=True, exist_ok=True)
    run = Path(handle.path)
    spec = ModelSpec.from_dict(read_json(run / "spec.json"))
    settings = read_json(run / "settings.json")
    metrics = dict(read_json(run / "evaluation.json"))
    epoch_log = (read_json(run / "metrics.json", {}) or {}).get("epoch_log", [])
    trained = keras.saving.load_model(run / "model.keras", safe_mode=True, compile=False)
    # A float32 copy without optimizer state: small, and fast on CPUs without bfloat16.
    model = build_model(spec)
    model.set_weights(trained.get_weights())
    tmp = out / f".{name}.tmp.keras"
    model.save(tmp)
    tmp.replace(out / f"{name}.keras")
    # Score the float32 copy itself (the run may have trained in bfloat16), on the whole test set
    # and on its first images, which the tests re-check quickly.
    from cnn_core.data import load_dataset
    from cnn_core.evaluate import evaluate_model

    data = load_dataset(settings["dataset"], val_size=settings.get("val_size", 5000))
    run_metrics = metrics
    metrics = evaluate_model(model, data.x_test, data.y_test).to_dict()
    if tta:
        metrics["tta"] = evaluate_model(model, data.x_test, data.y_test, flip=True).to_dict()
        for key in ("confusion", "per_class_accuracy"):
            metrics["tta"].pop(key)
    head = evaluate_model(model, data.x_test[:SLICE], data.y_test[:SLICE])
    metrics["slice"] = {"n": SLICE, "accuracy": head.accuracy, "loss": head.loss}
    metrics["run"] = {k: run_metrics[k] for k in ("accuracy", "loss", "blog_line")}
    conv = next(layer for layer in model.layers if type(layer).__name__ == "Conv2D")
    np.save(out / f"{name}.conv1.npy", np.asarray(conv.get_weights()[0], dtype=np.float32))
    meta = {
        "name": name,
        "dataset": settings["dataset"],
        "spec": spec.to_dict(),
        "settings": settings,
        "metrics": metrics,
        "epochs": len(epoch_log),
        "train_seconds": round(sum(e.get("seconds", 0.0) for e in epoch_log), 1),
        "epoch_log": epoch_log,
        "command": command,
        "note": note,
        "precision": (read_json(run / "meta.json", {}) or {}).get("precision"),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    (out / f"{name}.json").write_text(json.dumps(meta, indent=1))
    return out / f"{name}.keras"
