"""The Pooling page: runs in both languages, shows cnn_core.ops results for the 4x4 example and a
real feature map, proves a 1x1 pool changes nothing, and never imports TensorFlow."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_core import locales, ops
from cnn_core.presets import get_preset
from cnn_core.spec import summarize
from tests.app.test_activation_page import (
    LANGS,
    array,
    charts,
    default_picture,
    edge_map_by_hand,
    num,
    open_page,
    rerun,
)
from tests.conftest import no_tensorflow_after

PAGE = "pages/04_pooling.py"
# The 4x4 matrix the page shows (the classic max-pooling picture).
EXAMPLE = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]], dtype=float)


def outlined_cells(figure: dict) -> set[tuple[int, int]]:
    """The single cells a figure outlines, as (row, col)."""
    cells = set()
    for shape in figure["layout"].get("shapes", []):
        if round(shape["x1"] - shape["x0"]) == 1 and round(shape["y1"] - shape["y0"]) == 1:
            cells.add((round(shape["y0"] + 0.5), round(shape["x0"] + 0.5)))
    return cells


@pytest.mark.parametrize("lang", LANGS)
def test_page_opens_in_both_languages(lang, monkeypatch):
    at = open_page(PAGE, lang, monkeypatch)
    assert at.title[0].value == locales.t("nav.pooling", lang)
    headers = [h.value for h in at.header]
    for key in ("pool.example.header", "pool.size.header", "pool.one.header", "pool.params.header"):
        assert locales.t(key, lang) in headers
    assert set(charts(at)) == {
        "pooling_example_in",
        "pooling_example_out",
        "pooling_map_in",
        "pooling_map_out",
    }


@pytest.mark.parametrize("lang", LANGS)
def test_four_by_four_example_and_winners(lang, monkeypatch):
    at = open_page(PAGE, lang, monkeypatch)
    figures = charts(at)
    out = array(figures["pooling_example_out"]["data"][0]["z"])
    np.testing.assert_array_equal(out, ops.max_pool2d(EXAMPLE, 2)[:, :, 0])
    np.testing.assert_array_equal(out, [[6, 8], [3, 4]])
    rows, cols = ops.max_pool2d_argmax(EXAMPLE, 2)
    assert outlined_cells(figures["pooling_example_in"]) == set(
        zip(rows.ravel().tolist(), cols.ravel().tolist(), strict=True)
    )
    written = [m.value for m in at.markdown]
    assert (
        locales.t(
            "pool.example.cell_max",
            lang,
            row=0,
            col=1,
            values=("2; 4; 7; 8" if lang == "pt" else "2, 4, 7, 8"),
            result="8",
        )
        in written
    )

    at.radio(key="pooling_method").set_value("avg")
    at.slider(key="pooling_size").set_value(3)
    at.slider(key="pooling_stride").set_value(1)
    rerun(at)
    figures = charts(at)
    out = array(figures["pooling_example_out"]["data"][0]["z"])
    np.testing.assert_allclose(out, ops.avg_pool2d(EXAMPLE, 3, 1)[:, :, 0])
    assert out.shape == (2, 2)
    assert outlined_cells(figures["pooling_example_in"]) == set()
    expected_first = ops.avg_pool2d(EXAMPLE, 3, 1)[0, 0, 0]
    assert any(m.value.endswith(f"= **{num(expected_first, lang, 2)}**") for m in at.markdown)


@pytest.mark.parametrize("lang", LANGS)
def test_output_size_formula(lang, monkeypatch):
    at = open_page(PAGE, lang, monkeypatch)
    written = [m.value for m in at.markdown]
    # The article's example: 24x24 with a 2x2 window becomes 12x12.
    assert ops.conv_output_size(24, 2, 2) == 12
    assert locales.t("pool.size.formula", lang, n=24, p=2, s=2, out=12) in written
    at.number_input(key="pooling_n").set_value(31)
    at.slider(key="pooling_size").set_value(3)
    rerun(at)
    side = ops.conv_output_size(31, 3, 2)
    assert locales.t("pool.size.formula", lang, n=31, p=3, s=2, out=side) in [
        m.value for m in at.markdown
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_real_feature_map_is_pooled_by_ops(lang, monkeypatch):
    at = open_page(PAGE, lang, monkeypatch)
    at.selectbox(key="pooling_kernel").set_value("sobel_y")
    at.slider(key="pooling_size").set_value(3)
    at.slider(key="pooling_stride").set_value(2)
    rerun(at)
    fmap = ops.relu(edge_map_by_hand(default_picture(), "sobel_y"))
    figures = charts(at)
    np.testing.assert_allclose(array(figures["pooling_map_in"]["data"][0]["z"]), fmap)
    pooled = array(figures["pooling_map_out"]["data"][0]["z"])
    np.testing.assert_allclose(pooled, ops.max_pool2d(fmap, 3, 2)[:, :, 0])
    assert pooled.shape == (14, 14)


@pytest.mark.parametrize("lang", LANGS)
def test_one_by_one_pool_is_identity_and_has_no_parameters(lang, monkeypatch):
    at = open_page(PAGE, lang, monkeypatch)
    fmap = ops.relu(edge_map_by_hand(default_picture(), "sobel_x"))
    assert np.array_equal(ops.max_pool2d(fmap, 1)[:, :, 0], fmap)
    assert locales.t("pool.one.yes", lang, shape="30x30") in [s.value for s in at.success]
    summary = summarize(get_preset("blog"))
    pools = [r for r in summary.rows if r.type == "MaxPooling2D"]
    same = [r for r in pools if r.output_shape == summary.rows[r.index - 1].output_shape]
    assert len(same) == 3  # the article's three MaxPooling2D((1, 1))
    blog_line = next(m.value for m in at.markdown if all(f"`{r.name}`" in m.value for r in same))
    assert blog_line.startswith(locales.t("pool.one.blog", lang, names="", shapes="")[:20])
    total = f"{summary.total_params:,}"
    total = total.replace(",", ".") if lang == "pt" else total
    expected = locales.t(
        "pool.params.blog", lang, count=len(pools), params=sum(r.params for r in pools), total=total
    )
    assert expected in [m.value for m in at.markdown]


@pytest.mark.parametrize("lang", LANGS)
def test_self_check_is_marked_against_ops(lang, monkeypatch):
    at = open_page(PAGE, lang, monkeypatch)
    at.text_input(key="pooling_quiz_size").input(str(ops.conv_output_size(14, 2, 2)))
    at.text_input(key="pooling_quiz_params").input(str(4))
    rerun(at)
    assert [s.value for s in at.success].count(locales.t("concepts.quiz.right", lang)) == 1
    assert [e.value for e in at.error] == [locales.t("concepts.quiz.wrong", lang)]
    at.text_input(key="pooling_quiz_params").input(str(0))
    rerun(at)
    assert [s.value for s in at.success].count(locales.t("concepts.quiz.right", lang)) == 2


def test_page_does_not_import_tensorflow():
    report = no_tensorflow_after(PAGE)
    assert report == {"errors": [], "tensorflow": False, "keras": False}
