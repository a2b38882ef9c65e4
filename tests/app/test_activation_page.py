"""The Activation page: runs in both languages, its numbers are cnn_core.ops results, its widgets
change what it shows, and it never imports TensorFlow.

The helpers at the top are shared with the Pooling and Fully connected page tests.
"""

from __future__ import annotations

import base64
import importlib
import json

import numpy as np
import pytest

from cnn_core import data, locales, ops
from tests.conftest import app_test, no_tensorflow_after

PAGE = "pages/03_activation.py"
LANGS = ("pt", "en")


# --- helpers shared with the other concept-page tests -------------------------------------


def open_page(page: str, lang: str, monkeypatch):
    """Runs ``page`` in ``lang`` and returns the AppTest.

    AppTest evaluates each selectbox/radio ``format_func`` again in the test process, outside
    any script run, when it sends the next run's widget states. There ``st.session_state`` is
    not the app's, so a ``format_func`` that calls ``t`` lazily would answer in the default
    language and AppTest would not find the English option. The pages translate their labels up
    front; as a guard, the session language is pinned to the test's outside script runs only.
    """
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    frame_module = importlib.import_module("ui.frame")
    real = frame_module.current_language

    def current_language() -> str:
        return real() if get_script_run_ctx() is not None else lang

    monkeypatch.setattr(frame_module, "current_language", current_language)
    at = app_test(page, lang=lang).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def rerun(at):
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def charts(at) -> dict[str, dict]:
    """The page's Plotly figures (as dicts) by the key the page gave them."""
    found = {}
    for element in at.get("plotly_chart"):
        key = element.proto.id.rsplit("-", 1)[-1]
        found[key] = json.loads(element.proto.spec)
    return found


def array(value) -> np.ndarray:
    """A Plotly data array: a plain list or the binary ``{"dtype", "bdata", "shape"}`` form."""
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        if isinstance(shape, str):
            shape = tuple(int(v) for v in shape.split(","))
        return flat.reshape(shape) if shape else flat
    return np.asarray(value, dtype=np.float64)


def num(value: float, lang: str, digits: int = 3) -> str:
    """A number as the pages write it: trailing zeros dropped, decimal comma in Portuguese."""
    text = f"{float(value):.{digits}f}".rstrip("0").rstrip(".")
    text = "0" if text in ("-0", "") else text
    return text.replace(".", ",") if lang == "pt" else text


def default_picture() -> np.ndarray:
    """The picture the shared image picker starts on: the first sample of the first class."""
    x, y = data.load_sample("cifar10")
    first = sorted(set(int(v) for v in y))[0]
    return np.asarray(x[np.flatnonzero(y == first)[0]])


def edge_map_by_hand(image: np.ndarray, kernel: str, bias: float = 0.0) -> np.ndarray:
    """Greyscale (ITU-R 601, rounded like Pillow's "L"), scaled to [0, 1], 3x3 valid conv."""
    grey = np.rint(image[:, :, :3].astype(np.float64) @ [0.299, 0.587, 0.114]) / 255.0
    return ops.conv2d(grey[:, :, None], ops.make_kernel(kernel, 3), bias=[bias])[:, :, 0]


# --- the Activation page -------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_page_opens_in_both_languages(lang, monkeypatch):
    at = open_page(PAGE, lang, monkeypatch)
    assert at.title[0].value == locales.t("nav.activation", lang)
    assert at.markdown[0].value == locales.t("act.intro", lang)
    headers = [h.value for h in at.header]
    for key in ("act.curves.header", "act.map.header", "act.softmax.header", "act.why.header"):
        assert locales.t(key, lang) in headers
    # Every chart has its one-line summary right under it.
    assert set(charts(at)) == {
        "activation_curves",
        "activation_before",
        "activation_after",
        "activation_softmax",
    }


@pytest.mark.parametrize("lang", LANGS)
def test_function_values_follow_the_slider(lang, monkeypatch):
    at = open_page(PAGE, lang, monkeypatch)
    at.select_slider(key="activation_x").set_value(-2.0)
    rerun(at)
    x = -2.0
    expected_softmax = ops.softmax([x, 1.0, 0.0])
    sep = "; " if lang == "pt" else ", "
    expected = locales.t(
        "act.curves.caption",
        lang,
        x=num(x, lang),
        relu=num(ops.relu(x), lang),
        sigmoid=num(ops.sigmoid(x), lang),
        tanh=num(ops.tanh(x), lang),
        softmax="(" + sep.join(num(p, lang) for p in expected_softmax) + ")",
    )
    assert expected in [c.value for c in at.caption]
    figure = charts(at)["activation_curves"]
    markers = [d for d in figure["data"] if d.get("mode") == "markers"]
    marked = [float(array(d["y"])[0]) for d in markers[:3]]
    np.testing.assert_allclose(marked, [ops.relu(x), ops.sigmoid(x), ops.tanh(x)])
    np.testing.assert_allclose(array(markers[3]["y"]), expected_softmax)


@pytest.mark.parametrize("lang", LANGS)
def test_relu_map_and_zero_count_come_from_ops(lang, monkeypatch):
    at = open_page(PAGE, lang, monkeypatch)
    image = default_picture()
    for kernel, bias in (("sobel_x", 0.0), ("sobel_x", 0.5), ("laplacian", -0.25)):
        at.selectbox(key="activation_kernel").set_value(kernel)
        at.select_slider(key="activation_bias").set_value(bias)
        rerun(at)
        before = edge_map_by_hand(image, kernel, bias)
        after = ops.relu(before)
        figures = charts(at)
        np.testing.assert_allclose(array(figures["activation_before"]["data"][0]["z"]), before)
        np.testing.assert_allclose(array(figures["activation_after"]["data"][0]["z"]), after)
        zeros = int(np.count_nonzero(after == 0))
        negatives = int(np.count_nonzero(before < 0))
        metrics = {m.label: m.value for m in at.metric}
        assert metrics[locales.t("act.map.zeros", lang)] == locales.t(
            "act.map.count", lang, count=zeros, total=after.size
        )
        assert metrics[locales.t("act.map.negatives", lang)] == locales.t(
            "act.map.count", lang, count=negatives, total=before.size
        )
        pct = num(100 * zeros / after.size, lang, 1)
        assert locales.t("act.map.percent", lang, pct=pct) in [c.value for c in at.caption]
    # A positive bias lifts the map, so fewer cells fall to zero than with a negative one.
    at.selectbox(key="activation_kernel").set_value("sobel_x")
    counts = []
    for bias in (-0.5, 0.5):
        at.select_slider(key="activation_bias").set_value(bias)
        rerun(at)
        counts.append(np.count_nonzero(array(charts(at)["activation_after"]["data"][0]["z"]) == 0))
    assert counts[0] > counts[1]


@pytest.mark.parametrize("lang", LANGS)
def test_softmax_bars_follow_the_sliders(lang, monkeypatch):
    at = open_page(PAGE, lang, monkeypatch)
    at.slider(key="activation_count").set_value(7)
    at.select_slider(key="activation_temperature").set_value(0.5)
    rerun(at)
    at.select_slider(key="activation_logit_6").set_value(4.0)
    rerun(at)
    logits = [at.select_slider(key=f"activation_logit_{i}").value for i in range(7)]
    assert logits[6] == 4.0
    bars = charts(at)["activation_softmax"]["data"][0]
    probs = array(bars["y"])
    np.testing.assert_allclose(probs, ops.softmax(logits, temperature=0.5))
    assert probs.sum() == pytest.approx(1.0)
    names = data.class_names("cifar10", lang)
    assert list(bars["x"]) == names[:7]
    assert int(np.argmax(probs)) == 6
    # A higher temperature flattens the same scores.
    at.select_slider(key="activation_temperature").set_value(5.0)
    rerun(at)
    flatter = array(charts(at)["activation_softmax"]["data"][0]["y"])
    assert flatter.max() < probs.max()
    np.testing.assert_allclose(flatter, ops.softmax(logits, temperature=5.0))


@pytest.mark.parametrize("lang", LANGS)
def test_self_check_is_marked_against_ops(lang, monkeypatch):
    at = open_page(PAGE, lang, monkeypatch)
    logits = np.round([at.select_slider(key=f"activation_logit_{i}").value for i in range(5)], 1)
    zeros = int(np.count_nonzero(ops.relu(logits) == 0))
    at.number_input(key="activation_quiz_zeros").set_value(zeros + 1)
    rerun(at)
    assert [e.value for e in at.error] == [locales.t("concepts.quiz.wrong", lang)]
    at.number_input(key="activation_quiz_zeros").set_value(zeros)
    rerun(at)
    assert locales.t("concepts.quiz.right", lang) in [s.value for s in at.success]
    # The second question: the article model's second convolution, 14x14x128, keeps its size.
    at.number_input(key="activation_quiz_shape").set_value(14 * 14 * 128)
    rerun(at)
    assert [s.value for s in at.success].count(locales.t("concepts.quiz.right", lang)) == 2


def test_page_does_not_import_tensorflow():
    report = no_tensorflow_after(PAGE)
    assert report["errors"] == []
    assert report["tensorflow"] is False
    assert report["keras"] is False


@pytest.mark.parametrize("lang", LANGS)
def test_softmax_legend_sits_under_the_softmax_panel(lang, monkeypatch):
    at = open_page(PAGE, lang, monkeypatch)
    figure = charts(at)["activation_curves"]
    named = [d["name"] for d in figure["data"] if d.get("showlegend", True) and d.get("name")]
    assert named == [locales.t("act.fn.softmax_item", lang, item=i) for i in ("x", "1", "0")]
    legend = figure["layout"]["legend"]
    softmax_panel = figure["layout"]["xaxis4"]["domain"]
    relu_panel = figure["layout"]["xaxis"]["domain"]
    assert legend["xanchor"] == "left"
    assert legend["x"] == pytest.approx(softmax_panel[0])
    assert legend["x"] > relu_panel[1]


@pytest.mark.parametrize("lang", LANGS)
def test_decimal_sliders_write_numbers_in_the_visitors_language(lang, monkeypatch):
    at = open_page(PAGE, lang, monkeypatch)
    x = at.select_slider(key="activation_x")
    bias = at.select_slider(key="activation_bias")
    assert x.value == 1.5 and bias.value == 0.0
    point, comma = ("1,5", "0,05") if lang == "pt" else ("1.5", "0.05")
    assert point in x.options and comma in bias.options
    other = "." if lang == "pt" else ","
    assert not any(other in option for option in x.options + bias.options)
