"""The Convolution page shows what cnn_core.ops computes, for every control the reader touches."""

from __future__ import annotations

import re

import numpy as np
import pytest

from cnn_core import data, locales, ops
from tests.app.test_inputs_page import all_text, chart, trace_array
from tests.conftest import app_test, no_tensorflow_after
from ui.concepts import resize, to_gray

PAGE = "pages/02_convolution.py"


def parse_number(text: str, lang: str) -> float:
    text = text.strip()
    if lang == "pt":
        return float(text.replace(".", "").replace(",", "."))
    return float(text.replace(",", ""))


def metric(at, key: str, lang: str, **fmt) -> str:
    label = locales.t(key, lang, **fmt)
    values = [m.value for m in at.metric if m.label == label]
    assert values, f"no metric {label!r} among {[m.label for m in at.metric]}"
    return values[0]


def picture(at) -> np.ndarray:
    """The RGB picture the page starts from (the first sample of the chosen class)."""
    x, y = data.load_sample()
    label = int(at.selectbox(key="conv_class").value)
    which = int(at.slider(key="conv_index").value)
    return np.asarray(x[np.flatnonzero(y == label)[which - 1]])


@pytest.mark.parametrize("lang", locales.LANGUAGES)
def test_page_renders_and_corrects_the_blog_in_each_language(lang):
    at = app_test(PAGE, lang).run()
    assert not at.exception, [e.value for e in at.exception]
    text = all_text(at)
    assert "{" not in text.replace(r"\frac{", "")
    assert metric(at, "conv.size.out", lang) == "8 × 8"  # 10 x 10 input, 3 x 3, stride 1, valid
    assert locales.t("concepts.blog.title", lang) in text
    wrong = ops.conv_output_size(32, 5, 2, "valid")
    meant = ops.conv_output_size(32, 5, 1, "valid")
    assert (wrong, meant) == (14, 28)
    assert f"**{wrong}**" in text and f"= {meant})" in text


CASES = [
    # kernel, kernel size, stride, padding, picture side, output cell
    ("sobel_x", 3, 2, "same", 12, (2, 5)),
    ("blur", 5, 3, "valid", 16, (3, 1)),
    ("laplacian", 5, 1, "same", 10, (0, 0)),  # corner: most of the window is padding
    ("curve", 5, 2, "valid", 32, (13, 13)),
    ("sharpen", 3, 1, "same", 8, (7, 7)),
]


@pytest.mark.parametrize(("kind", "ksize", "stride", "padding", "side", "cell"), CASES)
@pytest.mark.parametrize("lang", locales.LANGUAGES)
def test_numbers_shown_equal_ops(lang, kind, ksize, stride, padding, side, cell):
    at = app_test(PAGE, lang).run()
    at.selectbox(key="conv_kind").set_value(kind)
    at.radio(key="conv_ksize").set_value(ksize)
    at.radio(key="conv_stride").set_value(stride)
    at.radio(key="conv_padding").set_value(padding)
    at.select_slider(key="conv_side").set_value(side)
    at.run()
    out_h = ops.conv_output_size(side, ksize, stride, padding)
    i, j = cell
    at.slider(key="conv_cell").set_value(i * out_h + j).run()
    assert not at.exception, [e.value for e in at.exception]

    gray = to_gray(resize(picture(at), side)).astype(float)
    kernel = ops.make_kernel(kind, ksize)
    want = ops.conv2d(gray, kernel, [0.0], stride, padding)[:, :, 0]

    # The output size, in the formula and the metric.
    assert metric(at, "conv.size.out", lang) == f"{out_h} × {out_h}"
    (top, bottom), _ = ops.pad_amounts(gray.shape, ksize, stride, padding)
    n, k, p1, p2, s, one, result = map(int, re.findall(r"\d+", at.latex[0].value))
    assert (n, k, p1, p2, s, one, result) == (side, ksize, top, bottom, stride, 1, out_h)
    assert (n - k + p1 + p2) // s + 1 == out_h  # the formula as written gives the answer
    assert metric(at, "conv.size.pad", lang) == f"{top} / {bottom}"

    # The feature map drawn is ops.conv2d, and the input drawn is the gray picture (padded).
    np.testing.assert_allclose(trace_array(chart(at, "conv_output")["data"][0]), want)
    shown_in = trace_array(chart(at, "conv_input")["data"][0])
    np.testing.assert_array_equal(shown_in[top : top + side, top : top + side], gray)

    # The worked-out cell: its value, its window and the receptive-field box.
    value = metric(at, "conv.step.value", lang, i=i, j=j)
    assert parse_number(value, lang) == pytest.approx(want[i, j], abs=0.006)
    r0, r1, c0, c1 = ops.receptive_field(i, j, gray.shape, ksize, stride, padding)
    window = trace_array(chart(at, "conv_terms_window")["data"][0])
    padded = np.pad(gray, 20)
    np.testing.assert_array_equal(window, padded[r0 + 20 : r1 + 20, c0 + 20 : c1 + 20])
    box = chart(at, "conv_input")["layout"]["shapes"][-1]
    assert (box["x0"], box["y0"]) == (c0 - 0.5, r0 - 0.5)
    sum_line = next(m.value for m in at.markdown if " = **" in m.value and "× " in m.value)
    assert sum_line.count("×") == ksize * ksize
    assert sum_line.endswith(f"**{value}**")


def test_prev_next_buttons_walk_the_cells():
    at = app_test(PAGE, "en").run()
    at.button(key="conv_next").click().run()
    at.button(key="conv_next").click().run()
    assert at.slider(key="conv_cell").value == 2
    assert metric(at, "conv.step.value", "en", i=0, j=2)
    at.button(key="conv_prev").click().run()
    at.button(key="conv_prev").click().run()
    at.button(key="conv_prev").click().run()  # wraps round to the last cell
    assert at.slider(key="conv_cell").value == 8 * 8 - 1
    assert metric(at, "conv.step.value", "en", i=7, j=7)
    # A bigger stride makes fewer cells: the position is reset instead of failing.
    at.radio(key="conv_stride").set_value(3).run()
    assert not at.exception
    assert at.slider(key="conv_cell").value == 0


def test_bias_is_added_to_every_cell():
    at = app_test(PAGE, "en").run()
    before = trace_array(chart(at, "conv_output")["data"][0])
    at.text_input(key="conv_bias").input("12.5").run()
    after = trace_array(chart(at, "conv_output")["data"][0])
    np.testing.assert_allclose(after, before + 12.5)


def test_bias_is_typed_and_shown_with_the_languages_decimal_mark():
    at = app_test(PAGE, "pt").run()
    assert at.text_input(key="conv_bias").value == "0"
    before = trace_array(chart(at, "conv_output")["data"][0])
    at.text_input(key="conv_bias").input("-2,5").run()
    np.testing.assert_allclose(trace_array(chart(at, "conv_output")["data"][0]), before - 2.5)
    assert at.text_input(key="conv_bias").value == "-2,5"  # written back the Brazilian way
    at.text_input(key="conv_bias").input("dois").run()  # not a number: said so, bias 0
    assert locales.t("number.bad", "pt", example="1.234,5") in [e.value for e in at.error]
    np.testing.assert_allclose(trace_array(chart(at, "conv_output")["data"][0]), before)


@pytest.mark.parametrize("filters", [1, 2, 4])
def test_several_filters_give_that_many_maps_from_the_weights_shown(filters):
    at = app_test(PAGE, "en").run()
    at.slider(key="conv_filters").set_value(filters).run()
    assert not at.exception
    assert metric(at, "conv.depth.shape", "en") == f"8 × 8 × {filters}"
    assert metric(at, "conv.depth.params", "en") == f"{ops.conv_params(3, 3, filters):,}"
    assert len([c for c in at.get("plotly_chart") if "conv_map_" in c.proto.id]) == filters

    # Rebuild filter 1 from its three weight slices on the page; its map must match.
    weights = np.stack(
        [trace_array(chart(at, f"conv_slice_{c}")["data"][0]) for c in range(3)], axis=-1
    )
    rgb = resize(picture(at), 10).astype(float)
    no_bias = ops.conv2d(rgb, weights[:, :, :, None])[:, :, 0]
    shown = trace_array(chart(at, "conv_map_0")["data"][0])
    offset = shown - no_bias
    np.testing.assert_allclose(offset, offset.flat[0], atol=1e-9)  # the same bias everywhere
    line = next(m.value for m in at.markdown if m.value.startswith("Filter 1, cell"))
    numbers = [float(v) for v in re.findall(r"-?\d+\.\d", line)]
    r, g, b, bias, total = numbers
    assert bias == pytest.approx(offset.flat[0], abs=0.06)
    assert total == pytest.approx(shown[0, 0], abs=0.06)
    assert r + g + b + bias == pytest.approx(total, abs=0.21)


def test_self_checks_use_cnn_core_numbers():
    at = app_test(PAGE, "pt").run()
    at.text_input(key="conv_quiz_size").input(str(14)).run()  # stride 2 on 28: not 14
    assert len(at.error) == 1 and not at.success
    at.text_input(key="conv_quiz_size").input(str(ops.conv_output_size(28, 3, 2))).run()
    at.text_input(key="conv_quiz_params").input(str(ops.conv_params(3, 3, 16))).run()
    at.radio(key="conv_quiz_same").set_value(0).run()
    assert len(at.success) == 3 and not at.error
    assert ops.conv_params(3, 3, 16) == 448 and ops.conv_output_size(28, 3, 2) == 13


def test_page_does_not_import_tensorflow():
    report = no_tensorflow_after(PAGE)
    assert report == {"errors": [], "tensorflow": False, "keras": False}


def test_learned_filters_are_offered_when_the_model_ships_them(monkeypatch):
    import ui.concepts

    filters = np.random.default_rng(3).normal(0, 0.3, (3, 3, 3, 8))
    monkeypatch.setattr(ui.concepts, "learned_filters", lambda: filters)
    at = app_test(PAGE, "en").run()
    assert "learned" in at.selectbox(key="conv_kind").options[-1].lower()
    at.selectbox(key="conv_kind").set_value("learned").run()
    at.slider(key="conv_learned").set_value(5).run()
    assert not at.exception, [e.value for e in at.exception]
    # On a gray picture (R = G = B) the three colour slices of the filter add up.
    gray = to_gray(resize(picture(at), 10)).astype(float)
    kernel = filters[:, :, :, 4].sum(axis=2)
    kernel_shown = trace_array(chart(at, "conv_terms_kernel")["data"][0])
    np.testing.assert_allclose(kernel_shown, kernel.round(3))
    want = ops.conv2d(gray, kernel.round(3))[:, :, 0]
    np.testing.assert_allclose(trace_array(chart(at, "conv_output")["data"][0]), want)
    # The colour section uses the real filters themselves.
    for c in range(3):
        shown = trace_array(chart(at, f"conv_slice_{c}")["data"][0])
        np.testing.assert_allclose(shown, filters[:, :, c, 0])


def test_learned_option_is_hidden_without_a_trained_model(monkeypatch):
    import ui.concepts

    monkeypatch.setattr(ui.concepts, "learned_filters", lambda: None)
    at = app_test(PAGE, "en").run()
    assert not at.exception
    assert len(at.selectbox(key="conv_kind").options) == len(ops.KERNEL_NAMES)


def test_cell_numbers_are_dark_on_light_cells_and_light_on_dark_ones():
    from plotly.colors import get_colorscale, sample_colorscale, unlabel_rgb

    from ui.concepts import relative_luminance

    # Hand-checked luminances: white is 1, black 0, pure green 0.7152 (WCAG's weight).
    assert relative_luminance((255, 255, 255)) == pytest.approx(1.0)
    assert relative_luminance((0, 0, 0)) == 0.0
    assert relative_luminance((0, 255, 0)) == pytest.approx(0.7152)

    at = app_test(PAGE, "en").run()
    assert not at.exception
    figure = chart(at, "conv_output")  # blue-white-red around 0: both text colours needed
    heat = next(d for d in figure["data"] if d["type"] == "heatmap")
    labels = next(d for d in figure["data"] if d.get("mode") == "text")
    z = trace_array(heat)
    colours = labels["textfont"]["color"]
    assert len(colours) == z.size
    low, high = heat["zmin"], heat["zmax"]
    scale = heat["colorscale"]
    scale = get_colorscale(scale) if isinstance(scale, str) else [list(p) for p in scale]
    for value, colour in zip(z.ravel(), colours, strict=True):
        (cell,) = sample_colorscale(scale, [min(max((value - low) / (high - low), 0), 1)])
        # The chosen text colour has at least the other one's WCAG contrast on that cell.
        lum = relative_luminance(unlabel_rgb(cell))
        contrast = {"black": (lum + 0.05) / 0.05, "white": 1.05 / (lum + 0.05)}
        other = "white" if colour == "black" else "black"
        assert contrast[colour] >= contrast[other]
    assert {"black", "white"} <= set(colours)


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_the_input_caption_says_negative_indices_are_the_padding(lang):
    at = app_test(PAGE, lang).run()
    at.radio(key="conv_padding").set_value("same").run()
    assert not at.exception
    word = {"pt": "índice negativo", "en": "negative indices"}[lang]
    assert any(word in c.value for c in at.caption)
