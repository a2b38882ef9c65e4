"""The Fully connected page: runs in both languages, Flatten lengths, dense sums, parameter counts
and softmax bars are cnn_core results, widgets change them, and no TensorFlow is imported."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_core import data, locales, ops
from cnn_core.presets import get_preset
from cnn_core.spec import summarize
from tests.app.test_activation_page import (
    LANGS,
    array,
    charts,
    num,
    open_page,
    rerun,
)
from tests.conftest import no_tensorflow_after

PAGE = "pages/05_fully_connected.py"


def integer(value: int, lang: str) -> str:
    text = f"{int(value):,}"
    return text.replace(",", ".") if lang == "pt" else text


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("lang", LANGS)
def test_page_opens_in_both_languages(lang, monkeypatch):
    at = open_page(PAGE, lang, monkeypatch)
    assert at.title[0].value == locales.t("nav.fully_connected", lang)
    headers = [h.value for h in at.header]
    for key in ("fc.flatten.header", "fc.dense.header", "fc.params.header", "fc.out.header"):
        assert locales.t(key, lang) in headers
    assert set(charts(at)) == {
        "fully_connected_weights",
        "fully_connected_scores",
        "fully_connected_probs",
    }


@pytest.mark.parametrize("lang", LANGS)
def test_flatten_length_follows_the_volume(lang, monkeypatch):
    at = open_page(PAGE, lang, monkeypatch)
    label = locales.t("fc.flatten.length", lang)
    assert metrics(at)[label] == integer(ops.flatten(np.zeros((4, 4, 32))).size, lang) == "512"
    at.number_input(key="fully_connected_h").set_value(7)
    at.number_input(key="fully_connected_c").set_value(128)
    rerun(at)
    length = ops.flatten(np.zeros((7, 4, 128))).size
    assert metrics(at)[label] == integer(length, lang)
    written = [m.value for m in at.markdown]
    assert locales.t("fc.flatten.result", lang, h=7, w=4, c=128, n=integer(length, lang)) in written
    # The article's model: the last convolution's 4x4x32 becomes 512 numbers.
    flat = next(r for r in summarize(get_preset("blog")).rows if r.type == "Flatten")
    assert locales.t("fc.flatten.blog", lang, shape="4x4x32", n=flat.output_shape[0]) in written


@pytest.mark.parametrize("lang", LANGS)
def test_dense_outputs_are_ops_dense(lang, monkeypatch):
    at = open_page(PAGE, lang, monkeypatch)
    table = array(charts(at)["fully_connected_weights"]["data"][0]["z"])
    weights, bias = table[:4], table[4]
    assert weights.shape == (4, 3)
    neurons = [locales.t("fc.dense.neuron", lang, j=j) for j in (1, 2, 3)]
    for x2, activation in ((2.0, "relu"), (-1.5, "sigmoid"), (3.0, "linear")):
        at.select_slider(key="fully_connected_x2").set_value(x2)
        at.selectbox(key="fully_connected_activation").set_value(activation)
        rerun(at)
        x = np.array([at.select_slider(key=f"fully_connected_x{i}").value for i in (1, 2, 3, 4)])
        assert x[1] == x2
        expected = ops.dense(x, weights, bias, activation)
        shown = metrics(at)
        assert [shown[n] for n in neurons] == [num(v, lang) for v in expected]
        # The written-out sum ends with the pre-activation total from ops.dense.
        z = ops.dense(x, weights, bias)
        assert any(f"= {num(z[0], lang)} →" in m.value for m in at.markdown)


@pytest.mark.parametrize("lang", LANGS)
def test_parameter_counts(lang, monkeypatch):
    at = open_page(PAGE, lang, monkeypatch)
    written = [m.value for m in at.markdown]
    params = ops.dense_params(512, 64)
    assert params == 512 * 64 + 64
    assert (
        locales.t("fc.params.formula", lang, inputs=512, units=64, params=integer(params, lang))
        in written
    )
    at.number_input(key="fully_connected_in").set_value(2304)
    at.number_input(key="fully_connected_units").set_value(128)
    rerun(at)
    expected = locales.t(
        "fc.params.formula",
        lang,
        inputs=integer(2304, lang),
        units=128,
        params=integer(ops.dense_params(2304, 128), lang),
    )
    assert expected in [m.value for m in at.markdown]
    summary = summarize(get_preset("blog"))
    dense = [r for r in summary.rows if r.type == "Dense"]
    info = at.info[0].value
    assert f"**{integer(dense[0].params, lang)}**" in info
    assert f"**{integer(dense[-1].params, lang)}**" in info
    assert integer(summary.total_params, lang) in info


@pytest.mark.parametrize("lang", LANGS)
def test_output_layer_scores_and_softmax(lang, monkeypatch):
    at = open_page(PAGE, lang, monkeypatch)
    names = data.class_names("cifar10", lang)
    figures = charts(at)
    scores = array(figures["fully_connected_scores"]["data"][0]["y"])
    probs = array(figures["fully_connected_probs"]["data"][0]["y"])
    assert list(figures["fully_connected_probs"]["data"][0]["x"]) == names
    assert len(scores) == len(probs) == 10
    np.testing.assert_allclose(probs, ops.softmax(scores))
    assert probs.sum() == pytest.approx(1.0)

    at.selectbox(key="fully_connected_class").set_value(3)
    at.select_slider(key="fully_connected_boost").set_value(5.0)
    rerun(at)
    pushed = array(charts(at)["fully_connected_scores"]["data"][0]["y"])
    np.testing.assert_allclose(pushed - scores, np.eye(10)[3] * 5.0, atol=1e-12)
    pushed_probs = array(charts(at)["fully_connected_probs"]["data"][0]["y"])
    np.testing.assert_allclose(pushed_probs, ops.softmax(pushed))
    assert pushed_probs[3] > probs[3]

    at.number_input(key="fully_connected_seed").set_value(7)
    rerun(at)
    other = array(charts(at)["fully_connected_scores"]["data"][0]["y"])
    assert not np.allclose(other, pushed)
    best = int(np.argmax(other))
    best_prob = ops.softmax(other)[best]
    expected = locales.t(
        "fc.out.caption",
        lang,
        name=names[best],
        score=num(other[best], lang, 2),
        prob=num(100 * best_prob, lang, 1),
        total=num(1.0, lang),
    )
    assert expected in [c.value for c in at.caption]


@pytest.mark.parametrize("lang", LANGS)
def test_self_check_is_marked_against_ops(lang, monkeypatch):
    at = open_page(PAGE, lang, monkeypatch)
    length = ops.flatten(np.zeros((6, 6, 64))).size  # the article model's third convolution
    at.number_input(key="fully_connected_quiz_flatten").set_value(length)
    at.number_input(key="fully_connected_quiz_params").set_value(length * 128)  # forgot the bias
    rerun(at)
    assert [s.value for s in at.success] == [locales.t("concepts.quiz.right", lang)]
    assert [e.value for e in at.error] == [locales.t("concepts.quiz.wrong", lang)]
    at.number_input(key="fully_connected_quiz_params").set_value(ops.dense_params(length, 128))
    rerun(at)
    assert [s.value for s in at.success].count(locales.t("concepts.quiz.right", lang)) == 2


def test_page_does_not_import_tensorflow():
    report = no_tensorflow_after(PAGE)
    assert report == {"errors": [], "tensorflow": False, "keras": False}
