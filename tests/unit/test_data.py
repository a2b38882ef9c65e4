"""cnn_core.data on the real datasets: splits, sharing, the bundled sample, missing data."""

from __future__ import annotations

import os
import threading
import time

import numpy as np
import pytest

from cnn_core import data

CIFAR_FIRST_TRAIN = [6, 9, 9, 4, 1, 1, 2, 7, 8, 3]
CIFAR_FIRST_TEST = [3, 8, 8, 0, 6, 6, 1, 6, 3, 1]


@pytest.fixture
def cifar(data_dir):
    # The module cache keeps the arrays for the whole test session (read once, ~1.5 s).
    return data.load_dataset("cifar10")


@pytest.fixture
def offline(tmp_path, monkeypatch):
    """No data folder content, an empty Keras cache, and a Keras download that fails as offline."""
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("CNN_STUDIO_DATA", str(empty))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))

    def no_network(name):
        # What keras.utils.get_file raises when the host cannot be resolved.
        raise Exception(
            "URL fetch failure on https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz: "
            "None -- [Errno -2] Name or service not known"
        )

    monkeypatch.setattr(data, "_keras_load_data", no_network)
    return empty


def test_cifar10_shapes_dtype_and_blog_split(cifar):
    assert cifar.x_train.shape == (45000, 32, 32, 3)
    assert cifar.x_val.shape == (5000, 32, 32, 3)
    assert cifar.x_test.shape == (10000, 32, 32, 3)
    assert cifar.y_train.shape == (45000,) and cifar.y_val.shape == (5000,)
    assert cifar.y_test.shape == (10000,)
    for x, y in (cifar.split(s) for s in cifar.splits):
        assert x.dtype == np.uint8 and y.dtype == np.uint8
    assert cifar.sizes() == {"train": 45000, "val": 5000, "test": 10000}
    assert cifar.input_shape == (32, 32, 3) and cifar.num_classes == 10
    assert cifar.source == "folder"
    assert set(np.unique(cifar.y_train)) == set(range(10))


def test_validation_is_the_first_5000_training_images(cifar, data_dir):
    assert cifar.y_val[:10].tolist() == CIFAR_FIRST_TRAIN
    assert cifar.y_test[:10].tolist() == CIFAR_FIRST_TEST
    with np.load(data_dir / "cifar10.npz") as f:
        y_train, y_test = f["y_train"], f["y_test"]  # the labels only: quick to read
    np.testing.assert_array_equal(cifar.y_val, y_train[:5000])
    np.testing.assert_array_equal(cifar.y_train, y_train[5000:])
    np.testing.assert_array_equal(cifar.y_test, y_test)
    whole = data.load_dataset("cifar10", val_size=0)
    assert whole.y_train[:10].tolist() == CIFAR_FIRST_TRAIN
    # Same memory at the same offsets (cheaper than comparing 150 MB byte by byte).
    address = lambda a: a.__array_interface__["data"][0]  # noqa: E731
    assert address(cifar.x_val) == address(whole.x_train)
    assert address(cifar.x_train) == address(whole.x_train[5000:])
    np.testing.assert_array_equal(cifar.x_train[:3], whole.x_train[5000:5003])


def test_arrays_are_shared_read_only_views(cifar):
    assert data.load_dataset("cifar10") is cifar
    assert data.load_dataset("cifar10", val_size=5000, progress=lambda step: None) is cifar
    other = data.load_dataset("cifar10", val_size=1000)
    assert other is not cifar and other.sizes() == {"train": 49000, "val": 1000, "test": 10000}
    # Different splits of one shared copy: no new image memory per call.
    assert np.shares_memory(other.x_val, cifar.x_val)
    assert np.shares_memory(other.x_train, cifar.x_train)
    assert other.x_test is cifar.x_test
    for array in (cifar.x_train, cifar.y_train, cifar.x_val, cifar.x_test, other.x_train):
        assert not array.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        cifar.x_train[0, 0, 0, 0] = 1
    with pytest.raises(ValueError, match="read-only"):
        cifar.y_test[0] = 1


def test_val_size_zero_and_out_of_range(cifar):
    whole = data.load_dataset("cifar10", val_size=0)
    assert whole.x_val.shape == (0, 32, 32, 3) and whole.sizes()["train"] == 50000
    for bad in (-1, 50000):
        with pytest.raises(ValueError):
            data.load_dataset("cifar10", val_size=bad)
    with pytest.raises(ValueError):
        data.load_dataset("imagenet")


def test_repr_names_shapes_and_source(cifar):
    text = repr(cifar)
    assert "cifar10" in text and "'folder'" in text
    assert "(45000, 32, 32, 3)" in text and "(5000, 32, 32, 3)" in text
    assert "(10000, 32, 32, 3)" in text


@pytest.mark.parametrize(
    ("name", "first_train", "first_test"),
    [
        ("mnist", [5, 0, 4, 1, 9, 2, 1, 3, 1, 4], [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]),
        ("fashion_mnist", [9, 0, 0, 3, 0, 2, 7, 2, 5, 5], [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]),
    ],
)
def test_grayscale_sets_get_a_channel_axis_as_a_view(data_dir, name, first_train, first_test):
    ds = data.load_dataset(name)
    assert ds.x_train.shape == (55000, 28, 28, 1) and ds.x_val.shape == (5000, 28, 28, 1)
    assert ds.x_test.shape == (10000, 28, 28, 1) and ds.input_shape == (28, 28, 1)
    assert ds.y_val[:10].tolist() == first_train and ds.y_test[:10].tolist() == first_test
    # The channel axis is a view of the file's (N, 28, 28) array, not a copy.
    assert not ds.x_test.flags.owndata and ds.x_test.base.nbytes == ds.x_test.nbytes
    assert not ds.x_test.flags.writeable
    assert data.load_dataset(name) is ds


def test_class_names_in_both_languages():
    assert data.class_names("cifar10", "en") == [
        "airplane", "automobile", "bird", "cat", "deer",
        "dog", "frog", "horse", "ship", "truck",
    ]  # fmt: skip
    assert data.class_names("cifar10", "pt") == [
        "avião", "automóvel", "pássaro", "gato", "cervo",
        "cachorro", "sapo", "cavalo", "navio", "caminhão",
    ]  # fmt: skip
    assert data.class_names("fashion_mnist", "pt") == [
        "camiseta/top", "calça", "pulôver", "vestido", "casaco",
        "sandália", "camisa", "tênis", "bolsa", "bota",
    ]  # fmt: skip
    assert data.class_names("fashion_mnist", "en")[9] == "ankle boot"
    assert data.class_names("mnist", "pt") == [str(i) for i in range(10)]
    with pytest.raises(ValueError):
        data.class_names("cifar100", "en")


@pytest.mark.parametrize("name", data.DATASETS)
def test_sample_is_the_first_100_test_images_of_each_class(data_dir, name):
    x, y = data.load_sample(name)
    indices = data.load_sample_indices(name)
    assert x.dtype == np.uint8 and y.dtype == np.uint8 and not x.flags.writeable
    assert x.shape[1:] == data.load_dataset(name).input_shape
    assert np.bincount(y, minlength=10).tolist() == [100] * 10
    full = data.load_dataset(name)
    expected = np.sort(np.concatenate([np.flatnonzero(full.y_test == c)[:100] for c in range(10)]))
    np.testing.assert_array_equal(indices, expected)
    np.testing.assert_array_equal(x, full.x_test[indices])
    np.testing.assert_array_equal(y, full.y_test[indices])
    assert data.load_sample(name)[0] is x  # read once


def test_sample_dataset_has_only_the_test_split():
    ds = data.load_sample_dataset("cifar10")
    assert ds.source == "sample"
    assert ds.sizes() == {"train": 0, "val": 0, "test": 1000}
    assert "sample" in repr(ds)


def test_channel_stats_match_published_values_and_numpy(cifar):
    whole = data.load_dataset("cifar10", val_size=0)
    hist = data.channel_histogram(whole.x_train, chunk=999)
    mean, std = data.stats_from_histogram(hist)
    # Published CIFAR-10 training-set statistics (shared/data/README.md).
    np.testing.assert_allclose(mean, [0.4914, 0.4822, 0.4465], atol=5e-5)
    np.testing.assert_allclose(std, [0.2470, 0.2435, 0.2616], atol=5e-5)
    # Histograms of disjoint splits add up to the whole.
    parts = data.channel_histogram(cifar.x_train) + data.channel_histogram(cifar.x_val)
    np.testing.assert_array_equal(parts, hist)
    x, _ = data.load_sample("cifar10")
    direct = x.astype(np.float64) / 255.0
    mean, std = data.channel_stats(x, chunk=7)
    np.testing.assert_allclose(mean, direct.mean(axis=(0, 1, 2)), rtol=1e-12)
    np.testing.assert_allclose(std, direct.std(axis=(0, 1, 2)), rtol=1e-10)
    with pytest.raises(ValueError):
        data.channel_stats(cifar.x_val[:0])


def test_class_counts(cifar):
    counts = data.class_counts(cifar.y_test)
    assert counts.tolist() == [1000] * 10
    assert data.class_counts(cifar.y_train).sum() == 45000
    expected = [0, 0, 0, 2, 0, 0, 0, 0, 0, 1]
    assert data.class_counts(np.array([3, 3, 9], dtype=np.uint8)).tolist() == expected


def test_progress_while_reading_a_folder(data_dir, tmp_path, monkeypatch):
    # A fresh folder path means a fresh read, so the steps are reported from the start.
    (tmp_path / "mnist.npz").symlink_to(data_dir / "mnist.npz")
    monkeypatch.setenv("CNN_STUDIO_DATA", str(tmp_path))
    assert data.locate("mnist") == "folder" and not data.is_loaded("mnist")
    steps = []
    try:
        ds = data.load_dataset("mnist", progress=steps.append)
        assert ds.source == "folder" and data.is_loaded("mnist")
        assert steps[0].stage == "folder" and steps[-1].stage == "done"
        fractions = [s.fraction for s in steps if s.stage == "loading"]
        assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(fractions) == 4
        assert round(steps[0].megabytes) == round(os.path.getsize(data_dir / "mnist.npz") / 1e6)
        assert "MNIST" in steps[0].message("en") and "pasta" in steps[0].message("pt")
        # Loading again reports at once that the data is there.
        again = []
        assert data.load_dataset("mnist", progress=again.append) is ds
        assert [s.stage for s in again] == ["folder", "done"]
    finally:
        data._RAW.pop(("mnist", str(tmp_path / "mnist.npz")), None)


def test_missing_data_raises_a_translated_error(offline, monkeypatch):
    assert data.locate("cifar10") is None
    steps = []
    with pytest.raises(data.DataUnavailableError) as info:
        data.load_dataset("cifar10", progress=steps.append)
    err = info.value
    assert steps[0].stage == "downloading" and round(steps[0].megabytes) == 170
    en, pt = err.message("en"), err.message("pt")
    assert en != pt
    for text in (en, pt):
        assert "CNN_STUDIO_DATA" in text and "cifar10.npz" in text and str(offline) in text
    assert "internet" in en and "sample" in en
    assert "internet" in pt and "amostra" in pt
    assert "Name or service not known" in err.cause
    # Without the variable at all, the message says so.
    monkeypatch.delenv("CNN_STUDIO_DATA")
    with pytest.raises(data.DataUnavailableError) as info:
        data.load_dataset("fashion_mnist")
    assert "não está definida" in info.value.message("pt")
    assert "is not set" in info.value.message("en")
    # The sample still works offline.
    assert data.load_sample("cifar10")[0].shape == (1000, 32, 32, 3)


def test_keras_fallback_reports_download_progress(data_dir, offline, monkeypatch, tmp_path):
    """When the folder lacks the file, Keras's load_data is used and its download is watched."""
    with np.load(data_dir / "mnist.npz") as f:
        arrays = {k: f[k] for k in f.files}
    target = tmp_path / "keras" / "datasets" / "mnist.npz"
    size = data._KERAS_FILES["mnist"]["mnist.npz"]
    started = threading.Event()

    def fake_keras_download(name):
        # Writes the file in pieces the way urlretrieve does, then returns Keras's layout:
        # ((x_train, y_train), (x_test, y_test)) with labels shaped (N, 1) as for CIFAR-10.
        assert name == "mnist"
        target.parent.mkdir(parents=True, exist_ok=True)
        started.set()
        with open(target, "wb") as out:
            for _ in range(4):
                out.write(b"\0" * (size // 4))
                out.flush()
                time.sleep(0.3)
        return (arrays["x_train"], arrays["y_train"][:, None]), (
            arrays["x_test"],
            arrays["y_test"][:, None],
        )

    monkeypatch.setattr(data, "_keras_load_data", fake_keras_download)
    steps = []
    try:
        ds = data.load_dataset("mnist", progress=steps.append)
        assert started.is_set()
        assert ds.source == "keras" and ds.y_train.shape == (55000,)
        assert ds.x_test.shape == (10000, 28, 28, 1) and not ds.x_test.flags.writeable
        downloading = [s.fraction for s in steps if s.stage == "downloading"]
        assert downloading[0] == 0.0 and downloading == sorted(downloading)
        assert any(0 < f < 1 for f in downloading)
        assert steps[-1].stage == "done"
        assert data.locate("mnist") == "keras"  # now in memory
    finally:
        data._RAW.pop(("mnist", "keras"), None)


def test_data_module_imports_without_tensorflow():
    import subprocess
    import sys

    code = (
        "import sys, cnn_core.data as d; d.load_sample('cifar10'); d.class_names('cifar10', 'pt');"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=os.getcwd())
