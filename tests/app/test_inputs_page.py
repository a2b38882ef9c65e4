"""The Inputs page shows the picture's real numbers and reacts to its controls."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from cnn_core import data, locales
from tests.conftest import app_test, no_tensorflow_after
from ui.concepts import make_pattern

PAGE = "pages/01_inputs.py"


def chart(at, key: str) -> dict:
    """The Plotly figure (as a dict) that the page drew with ``key``."""
    for element in at.get("plotly_chart"):
        if element.proto.id.endswith(f"-{key}"):
            return json.loads(element.proto.spec)
    raise AssertionError(f"no chart with key {key!r}")


def trace_array(trace: dict, name: str = "z") -> np.ndarray:
    """A trace's array, decoded from Plotly's typed-array JSON when needed."""
    value = trace[name]
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = [int(s) for s in str(value.get("shape", len(flat))).split(",")]
        return flat.reshape(shape)
    return np.asarray(value, dtype=np.float64)


def all_text(at) -> str:
    parts = [e.value for kind in ("markdown", "caption", "subheader") for e in at.get(kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(str(p) for p in parts)


def first_sample_of_class(label: int) -> np.ndarray:
    x, y = data.load_sample()
    return np.asarray(x[np.flatnonzero(y == label)[0]])


@pytest.mark.parametrize("lang", locales.LANGUAGES)
def test_page_renders_the_tensor_facts_in_each_language(lang):
    at = app_test(PAGE, lang).run()
    assert not at.exception, [e.value for e in at.exception]
    text = all_text(at)
    assert "{" not in text  # every placeholder was filled
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[locales.t("inputs.tensor.shape", lang)] == "32 × 32 × 3"
    assert metrics[locales.t("inputs.tensor.count", lang)] == {"en": "3,072", "pt": "3.072"}[lang]
    assert locales.t("inputs.tensor.header", lang) in text


def test_patch_numbers_are_the_pictures_numbers_and_follow_the_sliders():
    at = app_test(PAGE, "en").run()
    image = first_sample_of_class(int(at.selectbox(key="inputs_class").value))
    at.slider(key="inputs_patch").set_value(3)
    at.slider(key="inputs_row").set_value(5)
    at.slider(key="inputs_col").set_value(30)  # too far right: the patch is clamped inside
    at.run()
    assert not at.exception
    r0, c0 = 5, 32 - 3
    for index, name in enumerate("RGB"):
        fig = chart(at, f"inputs_patch_{name}")
        shown = trace_array(fig["data"][0])
        np.testing.assert_array_equal(shown, image[r0 : r0 + 3, c0 : c0 + 3, index])
        assert list(trace_array(fig["data"][0], "x")) == [29, 30, 31]
        assert fig["data"][0]["text"][0][0] == str(image[r0, c0, index])
    full = trace_array(chart(at, "inputs_ch_G")["data"][0])
    np.testing.assert_array_equal(full, image[:, :, 1])
    pixel = image[r0, c0]
    assert f"= [{pixel[0]}, {pixel[1]}, {pixel[2]}]" in all_text(at)

    at.toggle(key="inputs_scaled").set_value(True).run()
    shown = trace_array(chart(at, "inputs_patch_B")["data"][0])
    np.testing.assert_allclose(shown, image[r0 : r0 + 3, c0 : c0 + 3, 2] / 255.0)


def test_other_sample_and_test_pattern_change_the_numbers():
    at = app_test(PAGE, "en").run()
    at.selectbox(key="inputs_class").set_value(3).run()  # cat
    at.slider(key="inputs_index").set_value(2).run()
    x, y = data.load_sample()
    cat = x[np.flatnonzero(y == 3)[1]]
    np.testing.assert_array_equal(trace_array(chart(at, "inputs_ch_R")["data"][0]), cat[:, :, 0])
    assert data.class_names("cifar10", "en")[3] in at.caption[0].value

    at.radio(key="inputs_source").set_value("pattern").run()
    at.selectbox(key="inputs_pattern").set_value("gradient").run()
    assert not at.exception
    pattern = make_pattern("gradient")
    np.testing.assert_array_equal(
        trace_array(chart(at, "inputs_ch_R")["data"][0]), pattern[:, :, 0]
    )
    metrics = {m.label: m.value for m in at.metric}
    lo, hi = pattern.min(), pattern.max()
    assert metrics["Before: min / max"] == f"{lo} / {hi}"


def test_self_checks_accept_the_right_numbers_only():
    at = app_test(PAGE, "pt").run()
    at.text_input(key="inputs_quiz_count").input(str(3000)).run()
    assert [e.value for e in at.error] == [locales.t("concepts.quiz.wrong", "pt")]
    at.text_input(key="inputs_quiz_count").input(str(32 * 32 * 3)).run()
    assert [s.value for s in at.success] == [locales.t("concepts.quiz.right", "pt")]

    image = first_sample_of_class(int(at.selectbox(key="inputs_class").value))
    red = int(image[16 - 2, 16 - 2, 0])  # the default patch corner
    at.text_input(key="inputs_quiz_scale").input(str(round(red / 255, 2))).run()
    assert len(at.success) == 2 and not at.error


@pytest.mark.parametrize(
    ("lang", "write"),
    [
        ("pt", lambda v: f"{v:.2f}".replace(".", ",")),  # 0,80: the Brazilian way
        ("pt", lambda v: f"{v:.2f}"),  # 0.80 typed on an English keyboard: still 0.8
        ("en", lambda v: f"{v:.2f}"),
    ],
)
def test_scale_quiz_reads_the_languages_decimal_mark(lang, write):
    at = app_test(PAGE, lang).run()
    image = first_sample_of_class(int(at.selectbox(key="inputs_class").value))
    red = int(image[16 - 2, 16 - 2, 0])
    at.text_input(key="inputs_quiz_scale").input(write(red / 255)).run()
    assert [s.value for s in at.success] == [locales.t("concepts.quiz.right", lang)]
    assert not at.error
    # The box is written back with the language's decimal mark (and two decimals).
    expected = locales.format_number(round(red / 255, 2), lang, 2)
    assert at.text_input(key="inputs_quiz_scale").value == expected
    # A wrong answer by 100x (what the number box made of "0,80") is still wrong.
    at.text_input(key="inputs_quiz_scale").input(str(round(100 * red / 255))).run()
    assert [e.value for e in at.error] == [locales.t("concepts.quiz.wrong", lang)]


def test_quiz_says_what_a_number_looks_like_when_the_text_is_not_one():
    at = app_test(PAGE, "pt").run()
    at.text_input(key="inputs_quiz_count").input("três mil").run()
    assert [e.value for e in at.error] == [locales.t("number.bad", "pt", example="1.234,5")]
    assert not at.success
    at.text_input(key="inputs_quiz_count").input("3.072").run()  # thousands grouped, pt
    assert [s.value for s in at.success] == [locales.t("concepts.quiz.right", "pt")]


def test_upload_without_a_file_falls_back_to_a_pattern():
    # (Uploading itself is driven in the browser test: AppTest cannot upload files.)
    at = app_test(PAGE, "pt").run()
    at.radio(key="inputs_source").set_value("upload").run()
    assert not at.exception
    assert locales.t("concepts.picker.upload_wait", "pt") in [c.value for c in at.caption]
    pattern = make_pattern(at.selectbox(key="inputs_pattern").value)
    np.testing.assert_array_equal(
        trace_array(chart(at, "inputs_ch_B")["data"][0]), pattern[:, :, 2]
    )


def test_page_does_not_import_tensorflow():
    report = no_tensorflow_after(PAGE)
    assert report == {"errors": [], "tensorflow": False, "keras": False}
