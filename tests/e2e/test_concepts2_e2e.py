"""The Activation, Pooling and Fully connected pages in a real browser: each opens, draws its
charts, and answers one control."""

import os

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import open_page, wait_for_app

pytestmark = pytest.mark.e2e


def _metric_value(main, label: str):
    box = main.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return box.locator('[data-testid="stMetricValue"]')


def _metric(main, label: str) -> str:
    return _metric_value(main, label).inner_text()


def _captions(main) -> list[str]:
    return main.locator('[data-testid="stCaptionContainer"]').all_inner_texts()


def _choose(page, main, key: str, option: str) -> None:
    """Picks ``option`` in the selectbox ``key`` (Streamlit 1.67 draws a react-aria combobox
    whose list opens from the keyboard) and waits for the rerun."""
    box = main.locator(f".st-key-{key} [role='combobox']")
    box.click()
    box.press("ArrowDown")
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)


def _screenshot(page, name: str) -> None:
    if os.environ.get("CNN_STUDIO_SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['CNN_STUDIO_SCREENSHOTS']}/{name}.png", full_page=True)


def test_activation_kernel_changes_the_relu_map(page, app_url):
    open_page(page, app_url, "activation", lang="en")
    main = page.locator('[data-testid="stMain"]')
    assert main.locator("h1").first.inner_text() == "3. Activation"
    charts = main.locator('[data-testid="stPlotlyChart"]')
    charts.first.locator(".main-svg").first.wait_for()
    assert charts.count() == 4
    before = _metric(main, "Zeros after ReLU")
    assert before.endswith(" of 900")

    _choose(page, main, "activation_kernel", "outlines (Laplacian)")
    # The rerun may start after the first wait: wait for the new caption itself.
    expect(main.get_by_text('"outlines (Laplacian)" filter')).to_be_visible()
    wait_for_app(page)
    after = _metric(main, "Zeros after ReLU")
    assert after.endswith(" of 900") and after != before
    _screenshot(page, "activation_en")


def test_pooling_average_changes_the_example(page, app_url):
    open_page(page, app_url, "pooling", lang="pt")
    main = page.locator('[data-testid="stMain"]')
    assert main.locator("h1").first.inner_text() == "4. Pooling"
    assert "Saída lida linha por linha: 6; 8; 3; 4." in _captions(main)
    assert main.get_by_text("np.array_equal(saída, entrada)").count() == 1

    main.locator(".st-key-pooling_method").get_by_text("Média (AveragePooling2D)").click()
    # Means of the four 2x2 quarters of the example: 13/4, 21/4, 8/4, 8/4.
    expect(main.get_by_text("Saída lida linha por linha: 3,25; 5,25; 2; 2.")).to_be_visible()
    assert "Saída lida linha por linha: 6; 8; 3; 4." not in _captions(main)
    _screenshot(page, "pooling_pt")


def test_fully_connected_flatten_length_follows_the_volume(page, app_url):
    open_page(page, app_url, "fully_connected", lang="en")
    main = page.locator('[data-testid="stMain"]')
    assert main.locator("h1").first.inner_text() == "5. Fully connected"
    assert _metric(main, "Length after Flatten") == "512"
    main.locator('[data-testid="stPlotlyChart"]').first.locator(".main-svg").first.wait_for()

    box = main.locator(".st-key-fully_connected_c input")
    box.fill("64")
    box.press("Enter")
    expect(_metric_value(main, "Length after Flatten")).to_have_text("1,024")
    assert main.get_by_text("4 × 4 × 64 = 1,024 numbers in a row.").count() == 1
    _screenshot(page, "fully_connected_en")
