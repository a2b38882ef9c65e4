"""The Data page in both languages: splits, image grid, class filter, statistics, offline sample."""

from __future__ import annotations

import sys

import pytest

from cnn_core import data, locales
from tests.conftest import app_test

PAGE = "pages/06_data.py"


def _num(n: int, lang: str) -> str:
    text = f"{n:,}"
    return text.replace(",", ".") if lang == "pt" else text


def _grid_captions(at) -> list[str]:
    images = at.get("image")
    assert len(images) == 1, "the grid is drawn as one element"
    return images[0].captions


def _labels(captions: list[str]) -> list[str]:
    return [c.split(" · ")[0] for c in captions]


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_cifar10_page_shows_the_blog_split_grid_and_stats(data_dir, lang):
    tf_before = "tensorflow" in sys.modules
    at = app_test(PAGE, lang=lang).run()
    assert not at.exception
    assert tf_before or "tensorflow" not in sys.modules, "the Data page must not import TensorFlow"
    t = lambda key, **kw: locales.t(key, lang, **kw)  # noqa: E731
    assert at.title[0].value == t("data.title")
    ds = data.load_dataset("cifar10")
    metrics = _metrics(at)
    for split, n in ds.sizes().items():
        assert metrics[t(f"data.split.{split}")] == _num(n, lang)
    assert metrics[t("data.split.train")] == _num(45000, lang)

    names = data.class_names("cifar10", lang)
    captions = _grid_captions(at)
    assert len(captions) == 40
    assert set(_labels(captions)) <= set(names)
    # Each caption names the class of the training image at the shown position.
    for caption in captions:
        label, index = caption.split(" · ")
        position = int(index.lstrip("#nº "))
        assert names[int(ds.y_train[position - ds.val_size])] == label

    # Statistics table: the first row is the whole original training set (published values).
    table = at.table[0].value
    first = table.iloc[0]
    mark = "," if lang == "pt" else "."
    assert first[t("data.stats_mean", channel="R")] == f"0{mark}4914"
    assert first[t("data.stats_std", channel="B")] == f"0{mark}2616"
    assert table.iloc[2][t("data.stats_std", channel="R")] == f"0{mark}2476"  # validation
    assert first[t("data.stats_images")] == _num(50000, lang)
    assert not at.warning  # the full data is here: no "sample only" notice


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_class_filter_and_another_batch_change_the_grid(data_dir, lang):
    at = app_test(PAGE, lang=lang).run()
    before = _grid_captions(at)
    at.selectbox(key="data_class").select(3).run()
    cat = data.class_names("cifar10", lang)[3]
    after = _grid_captions(at)
    assert len(after) == 40 and set(_labels(after)) == {cat}
    assert after != before

    at.button(key="data_another").click().run()
    assert at.number_input(key="data_seed").value == 1
    shuffled = _grid_captions(at)
    assert set(_labels(shuffled)) == {cat} and shuffled != after

    at.radio(key="data_split").set_value("test").run()
    test_captions = _grid_captions(at)
    ds = data.load_dataset("cifar10")
    for caption in test_captions:
        assert int(caption.split(" · ")[1].lstrip("#nº ")) < len(ds.y_test)


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_dataset_switch_and_validation_size(data_dir, lang):
    t = lambda key, **kw: locales.t(key, lang, **kw)  # noqa: E731
    at = app_test(PAGE, lang=lang).run()
    at.selectbox(key="data_dataset").select("mnist").run()
    assert not at.exception
    assert at.caption[0].value == t("data.about.mnist")
    metrics = _metrics(at)
    assert metrics[t("data.split.train")] == _num(55000, lang)
    assert metrics[t("data.split.test")] == _num(10000, lang)
    assert set(_labels(_grid_captions(at))) <= {str(i) for i in range(10)}
    columns = at.table[0].value.columns.tolist()
    assert columns[-1] == t("data.stats_std", channel=t("data.gray"))

    at.selectbox(key="data_dataset").select("fashion_mnist").run()
    at.number_input(key="data_val_size").set_value(0).run()
    assert not at.exception
    ds = data.load_dataset("fashion_mnist", val_size=0)
    metrics = _metrics(at)
    assert metrics[t("data.split.train")] == _num(ds.sizes()["train"], lang) == _num(60000, lang)
    assert metrics[t("data.split.val")] == "0"
    assert at.radio(key="data_split").options == [t("data.split.train"), t("data.split.test")]
    assert set(_labels(_grid_captions(at))) <= set(data.class_names("fashion_mnist", lang))


@pytest.fixture
def offline(tmp_path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("CNN_STUDIO_DATA", str(empty))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))

    def no_network(name):
        raise Exception("URL fetch failure: [Errno -2] Name or service not known")

    monkeypatch.setattr(data, "_keras_load_data", no_network)
    return empty


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_offline_page_uses_the_bundled_sample_and_says_so(offline, lang):
    at = app_test(PAGE, lang=lang).run()
    assert not at.exception
    t = lambda key, **kw: locales.t(key, lang, **kw)  # noqa: E731
    name = t("data.dataset.cifar10")
    assert at.warning[0].value == t("data.sample_only", name=name)
    assert _metrics(at) == {t("data.sample_label"): _num(1000, lang)}
    captions = _grid_captions(at)
    assert len(captions) == 40
    # Positions shown are the original test indices of the sample images.
    _, y = data.load_sample("cifar10")
    indices = data.load_sample_indices("cifar10").tolist()
    names = data.class_names("cifar10", lang)
    for caption in captions:
        label, index = caption.split(" · ")
        position = int(index.lstrip("#nº "))
        assert names[int(y[indices.index(position)])] == label

    # Asking for the download offline gives the translated explanation, not a traceback.
    at.button(key="data_download").click().run()
    assert not at.exception
    expected = data.DataUnavailableError("cifar10", str(offline), "offline").message(lang)
    assert at.error[0].value == expected
    assert len(_grid_captions(at)) == 40  # the sample is still shown
