"""The learner's path on a phone (390x844, touch, a phone browser's User-Agent), in Portuguese.

Nothing wider than the screen, Home's links readable in full, the CIFAR-10 samples small, no
Plotly tool bar over the charts, sliders that write "1,5", and no inner scroll box trapping swipes.
"""

from __future__ import annotations

import pytest

from cnn_core.data import class_names
from tests.e2e.conftest import wait_for_app
from ui.frame import PAGES

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 390, 844
PHONE_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
# Scrolling boxes inside the page (a fixed-height container): a thumb swiping there scrolls the
# box, not the page. Tables and code blocks may scroll sideways; vertical boxes are what trap.
INNER_SCROLL_BOXES = """() => [...document.querySelectorAll('[data-testid="stMain"] *')]
    .filter(el => {
        const style = getComputedStyle(el);
        return ['auto', 'scroll'].includes(style.overflowY) && el.scrollHeight > el.clientHeight + 4
            && el.clientHeight > 100;
    })
    .map(el => (el.getAttribute('data-testid') || el.tagName) + ' ' + el.clientHeight)"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        user_agent=PHONE_AGENT,
        locale="pt-BR",
    )
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    yield tab
    context.close()


def open_phone(tab, app_url: str, url_path: str) -> None:
    tab.goto(f"{app_url}/{url_path}?lang=pt")
    wait_for_app(tab, timeout=120_000)


def page_width(tab) -> int:
    """The widest of the document and Streamlit's main scrolling areas, in CSS pixels."""
    return tab.evaluate(
        """() => Math.max(document.documentElement.scrollWidth, ...[
            'stAppViewContainer', 'stMain', 'stMainBlockContainer'
        ].map(id => document.querySelector(`[data-testid="${id}"]`))
         .filter(Boolean).map(el => el.scrollWidth))"""
    )


def test_home_fits_a_phone(phone, app_url):
    open_phone(phone, app_url, "")
    main = phone.locator('[data-testid="stMain"]')
    assert page_width(phone) <= WIDTH
    # Every path link shows its whole label (nothing cut with an ellipsis).
    links = main.locator('[data-testid="stPageLink"] a')
    assert links.count() == len(PAGES) - 1  # every page but Home itself
    clipped = links.evaluate_all(
        """links => links.flatMap(a => [...a.querySelectorAll('*')]
            .filter(el => el.scrollWidth > el.clientWidth + 1 && el.textContent.trim())
            .map(el => el.textContent.trim()))"""
    )
    assert not clipped, clipped
    # What each page teaches is readable too, and inside the screen.
    boxes = main.locator('[data-testid="stCaptionContainer"]').evaluate_all(
        "els => els.map(el => el.getBoundingClientRect().right)"
    )
    assert boxes and max(boxes) <= WIDTH
    # The ten samples stay small (a 32x32 picture shown at 96 px), several to a row.
    images = main.locator('[data-testid="stImage"] img')
    assert images.count() == len(class_names("cifar10", "pt"))
    widths = images.evaluate_all("imgs => imgs.map(img => img.getBoundingClientRect().width)")
    assert max(widths) <= 100, widths
    tops = images.evaluate_all(
        "imgs => imgs.map(img => Math.round(img.getBoundingClientRect().top))"
    )
    assert len(set(tops)) <= 4, tops  # 10 pictures in at most 4 rows
    # No Plotly tool bar over the chart (nor over its title, which is text above it).
    main.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for()
    assert main.locator(".modebar-container .modebar-btn").count() == 0


@pytest.mark.parametrize(
    "url_path", ["inputs", "convolution", "activation", "pooling", "fully_connected", "data"]
)
def test_concept_pages_fit_a_phone(phone, app_url, url_path):
    open_phone(phone, app_url, url_path)
    main = phone.locator('[data-testid="stMain"]')
    assert main.locator("h1").first.is_visible()
    assert page_width(phone) <= WIDTH
    assert phone.evaluate(INNER_SCROLL_BOXES) == []
    charts = main.locator('[data-testid="stPlotlyChart"]')
    if charts.count():
        charts.first.locator(".main-svg").first.wait_for()
        # The charts keep inside the screen and show no Plotly tool bar.
        rights = charts.evaluate_all("els => els.map(el => el.getBoundingClientRect().right)")
        assert max(rights) <= WIDTH
        assert main.locator(".modebar-container .modebar-btn").count() == 0


def test_activation_sliders_write_the_decimal_comma(phone, app_url):
    open_phone(phone, app_url, "activation")
    main = phone.locator('[data-testid="stMain"]')
    shown = main.locator('[data-testid="stSliderThumbValue"]').all_inner_texts()
    assert "1,5" in shown, shown
    assert not any("." in value for value in shown), shown


def test_build_cards_do_not_trap_swipes(phone, app_url):
    open_phone(phone, app_url, "build")
    assert page_width(phone) <= WIDTH
    assert phone.evaluate(INNER_SCROLL_BOXES) == []
