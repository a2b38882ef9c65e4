"""The Evaluate page on a tiny real Keras model: its numbers are cnn_core.evaluate's."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from cnn_core import locales
from cnn_core.data import class_names, load_dataset
from cnn_core.evaluate import blog_line, evaluate_model
from tests.app import fake_engine as fe
from tests.app.test_train_page import TINY_SPEC, VID, figures, no_errors, texts
from tests.conftest import app_test

PAGE = "pages/09_evaluate.py"


@pytest.fixture(autouse=True)
def fake_engine(monkeypatch):
    monkeypatch.setenv("CNN_STUDIO_FAKE_ENGINE", fe.MODULE)
    fe.reset()
    yield fe
    fe.reset()


def plotly_array(value) -> np.ndarray:
    """Plotly sends numpy arrays as base64 typed arrays ({"dtype", "bdata", "shape"})."""
    if isinstance(value, dict) and "bdata" in value:
        shape = [int(n) for n in str(value.get("shape", "-1")).split(",")]
        raw = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        return raw.reshape(shape)
    return np.asarray(value)


def open_evaluate(lang="en"):
    at = app_test(PAGE, lang=lang, timeout=120)
    at.session_state["vid"] = VID
    return at.run()


def test_without_models_the_page_points_to_training(monkeypatch, tmp_path):
    from cnn_core import pretrained

    # A deployment without the shipped models (and a visitor with no runs yet).
    monkeypatch.setattr(pretrained, "MODELS_DIR", tmp_path)
    assert pretrained.list_pretrained() == []
    at = open_evaluate()
    no_errors(at)
    assert locales.t("evalp.nothing", "en") in texts(at.info)


@pytest.mark.parametrize("lang", ["en", "pt"])
def test_blog_line_per_class_and_confusion_match_cnn_core(data_dir, lang):
    run_id = fe.add_finished_run(TINY_SPEC, VID, epochs=1)
    at = open_evaluate(lang)
    no_errors(at)
    assert at.selectbox(key="evaluate_model").value.startswith(f"run:{run_id}:")

    ds = load_dataset("cifar10")
    expected = evaluate_model(fe.load_run_model(run_id, VID), ds.x_test, ds.y_test)
    code = [c.value for c in at.code]
    assert blog_line(expected) in code
    assert "Accuracy: 75.24% | Loss: 0.71711" in code

    names = class_names("cifar10", lang)
    per_class = next(
        f
        for f in figures(at)
        if f["layout"]["title"]["text"] == locales.t("evalp.per_class.title", lang)
    )
    assert per_class["data"][0]["x"] == names
    assert per_class["data"][0]["y"] == pytest.approx(100 * expected.per_class_accuracy)

    confusion = next(
        f
        for f in figures(at)
        if f["layout"]["title"]["text"] == locales.t("evalp.confusion.title", lang)
    )
    assert np.array_equal(plotly_array(confusion["data"][0]["z"]), expected.confusion)

    # The cell selectboxes start on the most common confusion; their images are that cell's.
    cm = expected.confusion.copy()
    np.fill_diagonal(cm, -1)
    i, j = np.unravel_index(np.argmax(cm), cm.shape)
    assert (at.selectbox(key="evaluate_true").value, at.selectbox(key="evaluate_pred").value) == (
        i,
        j,
    )
    at.selectbox(key="evaluate_true").set_value(2)
    at.selectbox(key="evaluate_pred").set_value(2).run()
    no_errors(at)
    count = locales.t(
        "evalp.cell.count", lang, n=int(expected.confusion[2, 2]), true=names[2], pred=names[2]
    )
    assert count in texts(at.markdown)
    assert {b.proto.label for b in at.download_button} == {
        locales.t(k, lang)
        for k in ("evalp.download.model", "evalp.download.metrics", "evalp.download.design")
    }


def test_a_clicked_cell_moves_the_selectboxes():
    from ui.evaluate import clicked_cell

    event = {"selection": {"points": [{"x": 3, "y": 5, "curve_number": 1}]}}
    assert clicked_cell(event) == (5, 3)
    assert clicked_cell({"selection": {"points": []}}) is None


def test_second_visit_uses_the_cached_evaluation(data_dir, monkeypatch):
    run_id = fe.add_finished_run(TINY_SPEC, VID, epochs=1)
    at = open_evaluate()
    no_errors(at)
    calls = []
    original = fe.load_run_model
    monkeypatch.setattr(fe, "load_run_model", lambda *a, **k: calls.append(a) or original(*a, **k))
    again = open_evaluate()
    no_errors(again)
    assert calls == []  # served from the store, not re-evaluated
    assert json.loads(json.dumps(again.selectbox(key="evaluate_model").value)).startswith(
        f"run:{run_id}"
    )


def test_shipped_model_shows_its_stored_metrics(data_dir, tmp_path, monkeypatch):
    import keras

    from cnn_core import pretrained
    from cnn_core.model import build_model
    from cnn_core.spec import ModelSpec

    keras.utils.set_random_seed(7)
    model = build_model(ModelSpec.from_dict(TINY_SPEC))
    name = f"tiny_shipped_{tmp_path.name[-6:].lower().replace('-', '_')}"
    model.save(tmp_path / f"{name}.keras")
    ds = load_dataset("cifar10")
    expected = evaluate_model(model, ds.x_test, ds.y_test)
    meta = {
        "name": name,
        "dataset": "cifar10",
        "spec": TINY_SPEC,
        "settings": fe.TrainSettings(epochs=3).to_dict(),
        "metrics": expected.to_dict(),
        "command": "python -m cnn_core.train --preset tiny",
        "epochs": 3,
        "train_seconds": 75.0,
    }
    (tmp_path / f"{name}.json").write_text(json.dumps(meta))
    monkeypatch.setattr(pretrained, "MODELS_DIR", tmp_path)

    at = open_evaluate()
    no_errors(at)
    choice = f"pre:{name}"
    # The visitor has no run, so the shipped model is the only (and chosen) one.
    assert at.selectbox(key="evaluate_model").value == choice
    assert blog_line(expected) in [c.value for c in at.code]
    stored = locales.t(
        "evalp.stored", "en", acc=f"{100 * expected.accuracy:.2f}%", loss=f"{expected.loss:.4f}"
    )
    assert stored in texts(at.caption)


def test_without_the_full_test_set_it_scores_the_bundled_sample_and_says_so(monkeypatch):
    from cnn_core import data

    def unavailable(name="cifar10", **kwargs):
        raise data.DataUnavailableError(name, None, "offline")

    monkeypatch.setattr(data, "load_dataset", unavailable)
    run_id = fe.add_finished_run(TINY_SPEC, VID, epochs=1)
    at = open_evaluate()
    no_errors(at)
    x, y = data.load_sample("cifar10")
    expected = evaluate_model(fe.load_run_model(run_id, VID), x, y)
    assert blog_line(expected) in [c.value for c in at.code]
    assert locales.t("evalp.sample_only", "en", n=f"{len(y):,}") in texts(at.warning)


MNIST_SPEC = {
    "name": "tiny_mnist",
    "input_shape": [28, 28, 1],
    "num_classes": 10,
    "layers": [
        {"type": "Conv2D", "filters": 4, "kernel_size": 3, "activation": "relu"},
        {"type": "GlobalAveragePooling2D"},
        {"type": "Dense", "units": 10, "activation": "softmax"},
    ],
}


def _figure(at, key: str, lang: str) -> dict:
    title = locales.t(key, lang)
    return next(f for f in figures(at) if f["layout"]["title"]["text"] == title)


def _most_confused(run_id: str, dataset: str) -> tuple[int, int]:
    ds = load_dataset(dataset)
    cm = evaluate_model(fe.load_run_model(run_id, VID), ds.x_test, ds.y_test).confusion.copy()
    np.fill_diagonal(cm, -1)
    i, j = np.unravel_index(np.argmax(cm), cm.shape)
    return int(i), int(j)


def test_digits_are_categories_and_a_new_model_starts_on_its_own_worst_pair(data_dir):
    cifar = fe.add_finished_run(TINY_SPEC, VID, epochs=1)
    mnist = fe.add_finished_run(MNIST_SPEC, VID, epochs=1, dataset="mnist")
    at = open_evaluate("pt")
    no_errors(at)
    model = at.selectbox(key="evaluate_model")
    assert model.value.startswith(f"run:{mnist}:")  # the newest run comes first
    per_class = _figure(at, "evalp.per_class.title", "pt")
    # Ten digit names on a category axis (a numeric axis showed only 0, 2, 4, 6, 8).
    assert per_class["layout"]["xaxis"]["type"] == "category"
    assert per_class["data"][0]["x"] == class_names("mnist", "pt")
    # The mean line's label sits right of the plot area, clear of the bar labels.
    (note,) = [a for a in per_class["layout"]["annotations"]]
    assert note["text"] == locales.t("evalp.overall", "pt")
    assert note["xref"] == "paper" and note["x"] >= 1 and note["xanchor"] == "left"
    assert per_class["layout"]["margin"]["r"] >= 60
    pair = _most_confused(mnist, "mnist")
    cell = (at.selectbox(key="evaluate_true").value, at.selectbox(key="evaluate_pred").value)
    assert cell == pair

    # AppTest cannot map a label back through format_func: pick the model by its id.
    at.session_state["evaluate_model"] = f"run:{cifar}:1"  # one epoch logged
    at.run()
    no_errors(at)
    assert at.selectbox(key="evaluate_model").value.startswith(f"run:{cifar}:")
    pair = _most_confused(cifar, "cifar10")
    cell = (at.selectbox(key="evaluate_true").value, at.selectbox(key="evaluate_pred").value)
    assert cell == pair


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_shipped_models_have_readable_names_and_widgets_a_placeholder(
    data_dir, tmp_path, monkeypatch, lang
):
    import keras

    from cnn_core import pretrained
    from cnn_core.model import build_model
    from cnn_core.spec import ModelSpec

    spec = {**TINY_SPEC, "name": "lenet"}  # the preset's name: shown by its catalog title
    keras.utils.set_random_seed(3)
    name = "lenet_cifar10"
    build_model(ModelSpec.from_dict(spec)).save(tmp_path / f"{name}.keras")
    meta = {
        "name": name,
        "dataset": "cifar10",
        "spec": spec,
        "settings": fe.TrainSettings(epochs=1).to_dict(),
        "metrics": {"accuracy": 0.1, "loss": 2.3},
        "command": "python -m cnn_core.train --preset lenet",
        "epochs": 1,
        "train_seconds": 1.0,
    }
    (tmp_path / f"{name}.json").write_text(json.dumps(meta))
    monkeypatch.setattr(pretrained, "MODELS_DIR", tmp_path)

    at = open_evaluate(lang)
    no_errors(at)
    label = locales.t(
        "evalp.choice.pretrained",
        lang,
        name=locales.t("spec.preset.lenet.title", lang),
        dataset=locales.t("data.dataset.cifar10", lang),
    )
    assert at.selectbox(key="evaluate_model").options == [label]
    assert name not in label and "«" not in label and label.count("(") <= 1
    choose = locales.t("trainp.choose", lang)
    for key in ("evaluate_model", "evaluate_true", "evaluate_pred"):
        assert at.selectbox(key=key).proto.placeholder == choose


def test_evaluate_charts_use_the_portuguese_decimal_comma(data_dir):
    fe.add_finished_run(TINY_SPEC, VID, epochs=1)
    at = open_evaluate("pt")
    no_errors(at)
    figs = figures(at)
    assert len(figs) == 2
    assert {f["layout"]["separators"] for f in figs} == {",."}
