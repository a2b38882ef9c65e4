"""The three image datasets (CIFAR-10, MNIST, Fashion-MNIST), their splits and a bundled sample.

Where the data comes from, in order:

1. the folder named by the environment variable ``CNN_STUDIO_DATA``, holding ``cifar10.npz``,
   ``mnist.npz`` and ``fashion_mnist.npz`` (arrays ``x_train``, ``y_train``, ``x_test``,
   ``y_test``, uint8, no pickle);
2. Keras's own cache, or a download through ``keras.datasets.<name>.load_data()``.

Each dataset is read once per process and kept in memory as read-only uint8 arrays; every
:class:`Dataset` handed out holds views (slices) of those arrays, never copies, so a page, a
training thread and a test all share the same ~184 MB for CIFAR-10.

When neither source is there (no folder, no internet), :class:`DataUnavailableError` explains
what to do, and :func:`load_sample` still gives 100 real CIFAR-10 test images per class that ship
with the repository.

TensorFlow/Keras is imported only inside the Keras fallback.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cnn_core import locales

DATASETS = ("cifar10", "mnist", "fashion_mnist")
DEFAULT_DATASET = "cifar10"
DEFAULT_VAL_SIZE = 5000
DATA_ENV = "CNN_STUDIO_DATA"
SAMPLE_DIR = Path(__file__).resolve().parent / "assets"

_SHAPES = {"cifar10": (32, 32, 3), "mnist": (28, 28, 1), "fashion_mnist": (28, 28, 1)}
_NUM_CLASSES = 10
_ARRAYS = ("x_train", "y_train", "x_test", "y_test")

# What Keras downloads (files under <keras home>/datasets) and their sizes in bytes, so that a
# first download can report a real fraction by watching the file grow.
_KERAS_FILES = {
    "cifar10": {"cifar-10-batches-py-target_archive": 170_498_071},
    "mnist": {"mnist.npz": 11_490_434},
    "fashion_mnist": {
        "fashion-mnist/train-labels-idx1-ubyte.gz": 29_515,
        "fashion-mnist/train-images-idx3-ubyte.gz": 26_421_880,
        "fashion-mnist/t10k-labels-idx1-ubyte.gz": 5_148,
        "fashion-mnist/t10k-images-idx3-ubyte.gz": 4_422_102,
    },
}
# What is left in Keras's cache once a download has finished (and extracted).
_KERAS_CACHED = {
    "cifar10": ("cifar-10-batches-py-target/cifar-10-batches-py/test_batch",),
    "mnist": ("mnist.npz",),
    "fashion_mnist": tuple(_KERAS_FILES["fashion_mnist"]),
}


def _check_name(name: str) -> str:
    if name not in DATASETS:
        raise ValueError(f"Unknown dataset {name!r}; expected one of {DATASETS}.")
    return name


def class_names(dataset: str = DEFAULT_DATASET, lang: str = locales.DEFAULT_LANGUAGE) -> list[str]:
    """Returns the ten class names of a dataset, in label order, in the given language.

    Args:
        dataset: one of :data:`DATASETS`.
        lang: ``"pt"`` or ``"en"``.

    Returns:
        A list of 10 names; index ``i`` names label ``i``.

    Raises:
        ValueError: for an unknown dataset.
    """
    _check_name(dataset)
    return [locales.t(f"data.class.{dataset}.{i}", lang) for i in range(_NUM_CLASSES)]


# --------------------------------------------------------------------------------------------
# Progress and errors


@dataclass(frozen=True)
class LoadProgress:
    """One step of loading a dataset, handed to the ``progress`` callback of :func:`load_dataset`.

    Attributes:
        dataset: the dataset being loaded.
        stage: ``"folder"`` (found in ``CNN_STUDIO_DATA``), ``"loading"`` (reading the folder's
            file), ``"keras_cache"`` (found in Keras's cache), ``"downloading"`` (Keras is
            downloading it) or ``"done"``.
        fraction: how far along, 0..1, or ``None`` when unknown.
        megabytes: size of the file being read or downloaded, in MB (0 when unknown).
    """

    dataset: str
    stage: str
    fraction: float | None
    megabytes: float = 0.0

    def message(self, lang: str) -> str:
        """Returns the step as a sentence in ``lang``."""
        name = locales.t(f"data.dataset.{self.dataset}", lang)
        return locales.t(f"data.progress.{self.stage}", lang, name=name, mb=round(self.megabytes))


ProgressCallback = Callable[[LoadProgress], None]


class DataUnavailableError(RuntimeError):
    """Raised when a dataset is neither in ``CNN_STUDIO_DATA`` nor obtainable through Keras.

    Attributes:
        dataset: the dataset that was asked for.
        folder: the value of ``CNN_STUDIO_DATA`` (or ``None``).
        cause: a short description of why Keras could not get it.
    """

    def __init__(self, dataset: str, folder: str | None, cause: str):
        self.dataset = dataset
        self.folder = folder
        self.cause = cause
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        """Tells the user, in ``lang``, what is missing and what to do about it."""
        name = locales.t(f"data.dataset.{self.dataset}", lang)
        file = f"{self.dataset}.npz"
        where = (
            locales.t("data.error.folder_set", lang, folder=self.folder, file=file)
            if self.folder
            else locales.t("data.error.folder_unset", lang, env=DATA_ENV)
        )
        return locales.t(
            "data.error.unavailable", lang, name=name, where=where, file=file, env=DATA_ENV
        )


# --------------------------------------------------------------------------------------------
# Raw arrays: read once per process, shared read-only


@dataclass(frozen=True, eq=False)
class _Raw:
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str


_RAW: dict[tuple[str, str], _Raw] = {}
_DATASETS: dict[tuple, Dataset] = {}
_LOCK = threading.Lock()
# One lock per dataset so two sessions asking for CIFAR-10 at once read it once, while a
# request for MNIST does not wait behind it.
_NAME_LOCKS = {name: threading.Lock() for name in DATASETS}


def _freeze(x: np.ndarray, y: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    if x.ndim == 3:  # MNIST-like (N, H, W): the channel axis is a view, not a copy
        x = x[..., np.newaxis]
    y = y.reshape(-1)  # Keras gives (N, 1) for CIFAR-10; a view of contiguous labels
    x = np.asarray(x, dtype=np.uint8)
    y = np.asarray(y, dtype=np.uint8)
    if x.shape[1:] != _SHAPES[name] or len(x) != len(y):
        raise ValueError(f"{name}: unexpected shapes {x.shape} / {y.shape}.")
    # Read-only, because the same arrays are shared by every page, thread and session.
    x.flags.writeable = False
    y.flags.writeable = False
    return x, y


def _folder() -> str | None:
    return os.environ.get(DATA_ENV) or None


def _folder_file(name: str) -> Path | None:
    folder = _folder()
    if folder:
        path = Path(folder).expanduser() / f"{name}.npz"
        if path.is_file():
            return path
    return None


def _keras_datasets_dir() -> Path:
    # Mirrors keras.src.backend.config: KERAS_HOME, else ~/.keras, else /tmp/.keras.
    home = os.environ.get("KERAS_HOME")
    if not home:
        base = os.path.expanduser("~")
        home = os.path.join(base if os.access(base, os.W_OK) else "/tmp", ".keras")
    return Path(home).expanduser() / "datasets"


def locate(name: str = DEFAULT_DATASET) -> str | None:
    """Tells where a dataset would be loaded from, without loading or downloading anything.

    Args:
        name: one of :data:`DATASETS`.

    Returns:
        ``"folder"`` (in ``CNN_STUDIO_DATA``), ``"keras"`` (already in memory from Keras or in
        Keras's download cache), or ``None`` when loading it would need a download.
    """
    _check_name(name)
    if _folder_file(name) is not None:
        return "folder"
    if (name, "keras") in _RAW:
        return "keras"
    root = _keras_datasets_dir()
    if all((root / rel).exists() for rel in _KERAS_CACHED[name]):
        return "keras"
    return None


def is_loaded(name: str = DEFAULT_DATASET) -> bool:
    """Tells whether :func:`load_dataset` would return at once (the arrays are in memory)."""
    _check_name(name)
    path = _folder_file(name)
    return (name, str(path) if path is not None else "keras") in _RAW


def download_megabytes(name: str = DEFAULT_DATASET) -> float:
    """Returns how many MB Keras downloads for ``name`` the first time."""
    return sum(_KERAS_FILES[_check_name(name)].values()) / 1e6


def _read_folder(name: str, path: Path, progress: ProgressCallback | None) -> _Raw:
    size_mb = path.stat().st_size / 1e6
    _report(progress, name, "folder", 0.0, size_mb)
    arrays = {}
    with np.load(path, allow_pickle=False) as npz:
        # Uncompressed sizes of the members give a fraction that tracks the time spent.
        sizes = {k: npz.zip.getinfo(f"{k}.npy").file_size for k in _ARRAYS}
        total, done = sum(sizes.values()), 0
        for key in _ARRAYS:
            arrays[key] = npz[key]
            done += sizes[key]
            _report(progress, name, "loading", done / total, size_mb)
    x_train, y_train = _freeze(arrays["x_train"], arrays["y_train"], name)
    x_test, y_test = _freeze(arrays["x_test"], arrays["y_test"], name)
    return _Raw(x_train, y_train, x_test, y_test, "folder")


def _keras_load_data(name: str):
    """Calls ``keras.datasets.<name>.load_data()`` (downloads into Keras's cache if needed)."""
    import keras  # only this fallback needs Keras (and TensorFlow)

    return getattr(keras.datasets, name).load_data()


def _downloaded_bytes(name: str) -> int:
    root = _keras_datasets_dir()
    total = 0
    for rel, expected in _KERAS_FILES[name].items():
        path = root / rel
        if path.exists():
            total += min(path.stat().st_size, expected)
    return total


def _read_keras(name: str, progress: ProgressCallback | None) -> _Raw:
    cached = locate(name) == "keras"
    expected = sum(_KERAS_FILES[name].values())
    stage = "keras_cache" if cached else "downloading"
    _report(progress, name, stage, None if cached else 0.0, expected / 1e6)
    # Keras runs in a worker thread so that this (the caller's) thread can report the download's
    # progress by watching the file grow: Streamlit only lets the script thread draw.
    box: dict = {}

    def work():
        try:
            box["result"] = _keras_load_data(name)
        except BaseException as exc:  # handed back to the caller below
            box["error"] = exc

    worker = threading.Thread(target=work, name=f"cnn-studio-keras-{name}", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.25)
        if not cached and worker.is_alive():
            _report(
                progress, name, "downloading", _downloaded_bytes(name) / expected, expected / 1e6
            )
    if "error" in box:
        exc = box["error"]
        raise DataUnavailableError(name, _folder(), f"{type(exc).__name__}: {exc}") from exc
    (x_train, y_train), (x_test, y_test) = box["result"]
    x_train, y_train = _freeze(x_train, y_train, name)
    x_test, y_test = _freeze(x_test, y_test, name)
    return _Raw(x_train, y_train, x_test, y_test, "keras")


def _report(progress, name, stage, fraction, megabytes=0.0):
    if progress is not None:
        progress(LoadProgress(name, stage, fraction, megabytes))


def _raw(name: str, progress: ProgressCallback | None) -> _Raw:
    with _NAME_LOCKS[name]:
        path = _folder_file(name)
        key = (name, str(path)) if path is not None else (name, "keras")
        raw = _RAW.get(key)
        if raw is None:
            raw = _read_folder(name, path, progress) if path else _read_keras(name, progress)
            _RAW[key] = raw
        elif progress is not None:
            _report(progress, name, raw.source, 1.0)
        return raw


# --------------------------------------------------------------------------------------------
# Public datasets


@dataclass(frozen=True, eq=False, repr=False)
class Dataset:
    """A dataset split into train / validation / test, as read-only uint8 views.

    Attributes:
        name: ``"cifar10"``, ``"mnist"`` or ``"fashion_mnist"``.
        x_train, y_train: training images ``(N, H, W, C)`` and labels ``(N,)``.
        x_val, y_val: validation split (the FIRST ``val_size`` training images, as in the blog).
        x_test, y_test: the official test set.
        input_shape: ``(H, W, C)``.
        num_classes: 10.
        source: ``"folder"`` (``CNN_STUDIO_DATA``), ``"keras"`` or ``"sample"`` (the bundled
            test-image sample only; train and validation are empty).
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    input_shape: tuple[int, int, int]
    num_classes: int = _NUM_CLASSES
    source: str = "folder"
    splits: tuple[str, ...] = field(default=("train", "val", "test"), init=False)

    @property
    def val_size(self) -> int:
        return len(self.y_val)

    def split(self, which: str) -> tuple[np.ndarray, np.ndarray]:
        """Returns ``(x, y)`` of ``"train"``, ``"val"`` or ``"test"``."""
        if which not in self.splits:
            raise ValueError(f"Unknown split {which!r}; expected one of {self.splits}.")
        return getattr(self, f"x_{which}"), getattr(self, f"y_{which}")

    def sizes(self) -> dict[str, int]:
        """Returns the number of images in each split."""
        return {s: len(self.split(s)[1]) for s in self.splits}

    def class_names(self, lang: str) -> list[str]:
        """Returns the class names in ``lang`` (see :func:`class_names`)."""
        return class_names(self.name, lang)

    def __repr__(self) -> str:
        shapes = ", ".join(f"{s}={self.split(s)[0].shape}" for s in self.splits)
        return (
            f"Dataset({self.name!r}, source={self.source!r}, {shapes}, dtype=uint8, "
            f"num_classes={self.num_classes})"
        )


def load_dataset(
    name: str = DEFAULT_DATASET,
    *,
    val_size: int = DEFAULT_VAL_SIZE,
    progress: ProgressCallback | None = None,
) -> Dataset:
    """Loads a dataset (once per process) and splits it like the blog.

    The validation split is the FIRST ``val_size`` training images and the training split the
    rest (CIFAR-10 with the default: 45,000 / 5,000 / 10,000). All arrays are read-only views of
    one shared copy; calling again with the same arguments returns the same object.

    Args:
        name: one of :data:`DATASETS`.
        val_size: how many of the first training images form the validation split (0 allowed).
        progress: optional callback receiving :class:`LoadProgress` steps (on this thread).

    Returns:
        A :class:`Dataset`.

    Raises:
        ValueError: for an unknown dataset or a ``val_size`` out of range.
        DataUnavailableError: when the data is neither in ``CNN_STUDIO_DATA`` nor available
            through Keras (e.g. offline on a first run).
    """
    _check_name(name)
    val_size = int(val_size)
    raw = _raw(name, progress)
    if not 0 <= val_size < len(raw.y_train):
        raise ValueError(f"val_size must be in [0, {len(raw.y_train)}), got {val_size}.")
    key = (name, id(raw), val_size)
    with _LOCK:
        dataset = _DATASETS.get(key)
        if dataset is None:
            dataset = Dataset(
                name=name,
                x_train=raw.x_train[val_size:],
                y_train=raw.y_train[val_size:],
                x_val=raw.x_train[:val_size],
                y_val=raw.y_train[:val_size],
                x_test=raw.x_test,
                y_test=raw.y_test,
                input_shape=_SHAPES[name],
                source=raw.source,
            )
            _DATASETS[key] = dataset
    _report(progress, name, "done", 1.0)
    return dataset


# --------------------------------------------------------------------------------------------
# The bundled sample


def sample_path(dataset: str = DEFAULT_DATASET) -> Path:
    """Returns the path of the bundled sample file of ``dataset``."""
    return SAMPLE_DIR / f"{_check_name(dataset)}_sample.npz"


_SAMPLES: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}


def _sample(dataset: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with _LOCK:
        if dataset not in _SAMPLES:
            with np.load(sample_path(dataset), allow_pickle=False) as npz:
                x, y = _freeze(npz["x"], npz["y"], dataset)
                idx = npz["indices"]
                idx.flags.writeable = False
            _SAMPLES[dataset] = (x, y, idx)
        return _SAMPLES[dataset]


def load_sample(dataset: str = DEFAULT_DATASET) -> tuple[np.ndarray, np.ndarray]:
    """Returns the bundled sample: the first test images of each class, shipped in the repo.

    Made by ``scripts/make_sample.py`` from the real test set, so the app has real pictures
    without any download.

    Args:
        dataset: one of :data:`DATASETS`.

    Returns:
        ``(x, y)``: read-only uint8 images ``(N, H, W, C)`` and labels ``(N,)``, in test-set order.
    """
    x, y, _ = _sample(_check_name(dataset))
    return x, y


def load_sample_indices(dataset: str = DEFAULT_DATASET) -> np.ndarray:
    """Returns the positions in the official test set of the sample images of ``dataset``."""
    return _sample(_check_name(dataset))[2]


def load_sample_dataset(dataset: str = DEFAULT_DATASET) -> Dataset:
    """Wraps the bundled sample in a :class:`Dataset` (``source="sample"``, empty train/val)."""
    x, y = load_sample(dataset)
    return Dataset(
        name=dataset,
        x_train=x[:0],
        y_train=y[:0],
        x_val=x[:0],
        y_val=y[:0],
        x_test=x,
        y_test=y,
        input_shape=_SHAPES[dataset],
        source="sample",
    )


# --------------------------------------------------------------------------------------------
# Statistics


def class_counts(y: np.ndarray, num_classes: int = _NUM_CLASSES) -> np.ndarray:
    """Returns how many labels of each class ``y`` holds (length ``num_classes``)."""
    return np.bincount(np.asarray(y).reshape(-1), minlength=num_classes)[:num_classes]


def channel_histogram(x: np.ndarray, *, chunk: int = 4096) -> np.ndarray:
    """Counts how often each pixel value 0..255 occurs in each channel of uint8 images.

    Works through ``chunk`` images at a time, so memory stays at a few MB even for 50,000 images.
    Histograms of disjoint splits add up, so the statistics of train + validation come for free.

    Args:
        x: uint8 images ``(N, H, W, C)``.
        chunk: images per step.

    Returns:
        An int64 array ``(C, 256)``.

    Raises:
        ValueError: if ``x`` is not a uint8 array ``(N, H, W, C)``.
    """
    if x.dtype != np.uint8 or x.ndim != 4:
        raise ValueError("channel_histogram needs a uint8 array (N, H, W, C).")
    channels = x.shape[-1]
    hist = np.zeros((channels, 256), dtype=np.int64)
    for start in range(0, len(x), chunk):
        block = x[start : start + chunk]
        for c in range(channels):
            hist[c] += np.bincount(block[..., c].ravel(), minlength=256)
    return hist


def stats_from_histogram(hist: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel mean and population standard deviation, on the [0, 1] scale, of a histogram.

    Args:
        hist: ``(C, 256)`` counts from :func:`channel_histogram`.

    Returns:
        ``(mean, std)``, float64 arrays of length ``C``.

    Raises:
        ValueError: if the histogram is empty.
    """
    n = hist.sum(axis=1).astype(np.float64)
    if not np.all(n > 0):
        raise ValueError("Cannot compute statistics of an empty set of images.")
    values = np.arange(256, dtype=np.float64) / 255.0
    mean = hist @ values / n
    var = hist @ (values**2) / n - mean**2
    return mean, np.sqrt(np.maximum(var, 0.0))


def channel_stats(x: np.ndarray, *, chunk: int = 4096) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel mean and standard deviation of uint8 images, on the [0, 1] scale.

    Exact (from 256-bin histograms, no float drift) and low on memory (see
    :func:`channel_histogram`).

    Args:
        x: uint8 images ``(N, H, W, C)``.
        chunk: images per step.

    Returns:
        ``(mean, std)``, each a float64 array of length ``C`` (population std, ``ddof=0``).

    Raises:
        ValueError: if ``x`` is empty or not uint8 ``(N, H, W, C)``.
    """
    return stats_from_histogram(channel_histogram(x, chunk=chunk))
