"""The Classify page in a real browser: upload a photo, see the prediction, survive a bad file."""

import io
import os

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import open_page, wait_for_app

pytestmark = pytest.mark.e2e


def _jpeg() -> bytes:
    rng = np.random.default_rng(0)
    small = rng.integers(0, 256, (6, 8, 3), np.uint8)
    im = Image.fromarray(small).resize((320, 240), Image.Resampling.BICUBIC)
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def test_upload_a_photo_and_see_the_answer(page, app_url):
    open_page(page, app_url, "classify", lang="en")
    main = page.locator('[data-testid="stMain"]')
    assert "Classify your photos" in main.locator("h1").first.inner_text()

    dropzone = main.locator('[data-testid="stFileUploaderDropzoneInput"]')
    dropzone.set_input_files(
        [
            {"name": "street.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()},
            {"name": "notes.png", "mimeType": "image/png", "buffer": b"not a picture at all"},
        ]
    )
    page.get_by_text("Most likely:").first.wait_for(timeout=90_000)
    wait_for_app(page)

    # The bad file is reported in words, and the good one is still analysed.
    alerts = main.locator('[data-testid="stAlertContentError"]').all_inner_texts()
    assert any("notes.png" in a and "does not look like a picture" in a for a in alerts), alerts
    assert main.get_by_text("The photo: 320×240 pixels.").is_visible()
    # Probabilities and Grad-CAM are Plotly charts drawn by the browser.
    charts = main.locator('[data-testid="stPlotlyChart"]')
    charts.first.locator(".main-svg").first.wait_for()
    assert charts.count() == 2
    assert charts.first.locator("g.trace.bars").count() == 1
    # The pictures (photo, small input, enlarged input, feature maps, Grad-CAM) load.
    images = main.locator('[data-testid="stImage"] img')
    assert images.count() >= 5
    assert images.first.evaluate("img => img.complete && img.naturalWidth") > 0
    if os.environ.get("CNN_STUDIO_SCREENSHOTS"):
        page.screenshot(
            path=os.environ["CNN_STUDIO_SCREENSHOTS"] + "/classify_en.png", full_page=True
        )


def test_sample_photo_in_portuguese(page, app_url):
    open_page(page, app_url, "classify", lang="pt")
    main = page.locator('[data-testid="stMain"]')
    main.get_by_role("button", name="Usar uma foto de exemplo do CIFAR-10").click()
    page.get_by_text("Mais provável:").first.wait_for(timeout=90_000)
    wait_for_app(page)
    expect(main.get_by_text("Dentro da rede")).to_be_visible()
    expect(main.get_by_text("Para onde o modelo olhou (Grad-CAM)")).to_be_visible()
