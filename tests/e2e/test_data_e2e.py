"""The Data page in a real browser: the blog's split, real pictures, the class filter, the chart."""

import os

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import open_page

pytestmark = pytest.mark.e2e


def _captions(page) -> list[str]:
    return page.locator('[data-testid="stImageCaption"]').all_inner_texts()


def test_data_page_shows_split_images_filter_and_chart(page, app_url):
    open_page(page, app_url, "data", lang="en")
    main = page.locator('[data-testid="stMain"]')
    assert "The data" in main.locator("h1").first.inner_text()
    metrics = main.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert metrics == ["45,000", "5,000", "10,000"]

    # The grid: 40 real pictures, loaded by the browser, each with a CIFAR-10 label.
    images = main.locator('[data-testid="stImage"] img')
    assert images.count() == 40
    images.first.wait_for()
    assert images.first.evaluate("img => img.complete && img.naturalWidth") == 128
    labels = {c.split(" · ")[0] for c in _captions(page)}
    assert labels <= {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog"} | {
        "horse",
        "ship",
        "truck",
    }

    # Filter on one class: every caption changes to it.
    main.get_by_role("combobox", name="Class").click()
    page.get_by_role("option", name="ship", exact=True).click()
    # expect() retries until the rerun the click started has drawn the page.
    other = page.locator('[data-testid="stImageCaption"]').filter(has_not_text="ship · ")
    expect(other).to_have_count(0)
    assert {c.split(" · ")[0] for c in _captions(page)} == {"ship"}

    # The class-count chart is drawn by Plotly with one bar group per split.
    chart = main.locator('[data-testid="stPlotlyChart"]')
    chart.locator(".main-svg").first.wait_for()
    assert chart.locator("g.trace.bars").count() == 3
    if os.environ.get("CNN_STUDIO_SCREENSHOTS"):
        page.screenshot(path=os.environ["CNN_STUDIO_SCREENSHOTS"] + "/data_en.png", full_page=True)

    # Portuguese: class names and number format follow the language.
    open_page(page, app_url, "data", lang="pt")
    metrics = main.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert metrics == ["45.000", "5.000", "10.000"]
    assert any(c.startswith(("gato", "navio", "sapo", "avião")) for c in _captions(page))
