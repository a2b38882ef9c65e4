"""Concept pages 01-02 in a real browser: open each page and drive one control."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from cnn_core import locales, ops
from tests.e2e.conftest import open_page, wait_for_app

pytestmark = pytest.mark.e2e


def _metric_values(page) -> list[str]:
    return [v.inner_text().strip() for v in page.locator('[data-testid="stMetricValue"]').all()]


def test_inputs_page_shows_the_tensor_and_scales_the_patch(page, app_url):
    open_page(page, app_url, "inputs", lang="en")
    assert page.locator("h1").first.inner_text().strip() == "1. Inputs"
    assert "32 × 32 × 3" in _metric_values(page)
    assert f"{32 * 32 * 3:,}" in _metric_values(page)
    patch = page.locator('[data-testid="stPlotlyChart"]').nth(4)  # the R patch heatmap
    patch.scroll_into_view_if_needed()
    # 0-255 numbers written in the cells (SVG text drawn by Plotly).
    whole = patch.locator("text").filter(has_text=re.compile(r"^\d{1,3}$"))
    expect(whole.first).to_be_attached()

    page.get_by_text("Show what the network sees").click()
    wait_for_app(page)
    scaled = patch.locator("text").filter(has_text=re.compile(r"^[01]\.\d\d$"))
    expect(scaled.first).to_be_attached()  # now divided by 255, two decimals
    assert scaled.count() == 4 * 4  # the default 4 x 4 patch


def test_inputs_page_upload_shows_the_photo_or_a_translated_error(page, app_url):
    from cnn_core.images import ImageError

    open_page(page, app_url, "inputs", lang="pt")
    page.get_by_text("Minha foto").click()
    wait_for_app(page)
    dropzone = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    dropzone.set_input_files(
        files=[{"name": "fake.png", "mimeType": "image/png", "buffer": b"not an image at all"}]
    )
    wait_for_app(page)
    expect(page.get_by_text(ImageError("not_an_image").message("pt"))).to_be_visible()

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 10, 30)).save(buffer, format="PNG")
    dropzone.set_input_files(
        files=[{"name": "red.png", "mimeType": "image/png", "buffer": buffer.getvalue()}]
    )
    wait_for_app(page)
    expect(page.get_by_text(locales.t("concepts.picker.upload_desc", "pt")).first).to_be_visible()
    # The photo's own numbers, min 10 and max 200 (expect() retries until the rerun has drawn).
    metrics = page.locator('[data-testid="stMetricValue"]')
    expect(metrics.filter(has_text=re.compile(r"^10 / 200$")).first).to_be_visible()


def test_convolution_page_stride_changes_the_output_size(page, app_url):
    open_page(page, app_url, "convolution", lang="en")
    assert page.locator("h1").first.inner_text().strip() == "2. Convolution"
    side = 10  # the page's default picture size, 3 x 3 kernel, 'valid'
    assert f"{ops.conv_output_size(side, 3, 1)} × {ops.conv_output_size(side, 3, 1)}" in (
        _metric_values(page)
    )
    stride = page.locator('[data-testid="stRadio"]').filter(has_text="Stride")
    stride.get_by_text("2", exact=True).click()
    n = ops.conv_output_size(side, 3, 2)
    # expect() retries until the rerun the click started has drawn the page.
    metrics = page.locator('[data-testid="stMetricValue"]')
    expect(metrics.filter(has_text=re.compile(rf"^{n} × {n}$")).first).to_be_visible()

    page.get_by_role("button", name="Next ▶").click()
    expect(page.get_by_text("Feature map [0, 1]").first).to_be_visible()
