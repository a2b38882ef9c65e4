"""The Build page in a real browser: edit a layer, the summary follows; the link carries it."""

from __future__ import annotations

import re

import pytest

from cnn_core import design as designs
from cnn_core.presets import get_preset
from cnn_core.spec import summarize
from tests.e2e.conftest import open_page, wait_for_app

pytestmark = pytest.mark.e2e


def _total(page) -> int:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Weights")
    return int(re.sub(r"\D", "", metric.locator('[data-testid="stMetricValue"]').inner_text()))


def test_editing_the_first_convolution_changes_the_total(page, app_url):
    open_page(page, app_url, "build", lang="en")
    blog = get_preset("blog")
    assert _total(page) == summarize(blog).total_params

    first_card = page.locator('[class*="st-key-build_card_"]').first
    field = first_card.locator('[data-testid="stNumberInputField"]')
    assert field.input_value() == "128"
    field.fill("64")
    field.press("Enter")
    wait_for_app(page)

    changed = blog.to_dict()
    changed["layers"][0]["filters"] = 64
    expected = summarize(blog.replace(layers=changed["layers"])).total_params
    page.wait_for_function(
        """(expected) => [...document.querySelectorAll('[data-testid="stMetricValue"]')]
            .some(e => e.innerText.replace(/\\D/g, '') === String(expected))""",
        arg=expected,
    )
    assert _total(page) == expected != summarize(blog).total_params

    # The page URL now carries the edited design, and the share link leaves the visitor id out.
    token = re.search(r"design=([A-Za-z0-9_-]+)", page.url).group(1)
    assert designs.decode(token)["spec"]["layers"][0]["filters"] == 64
    share = page.locator('[data-testid="stCode"]').filter(has_text="design=").first.inner_text()
    assert "vid=" not in share and "/build?" in share


def test_a_shared_link_opens_keeps_lang_but_no_vid_in_the_url_and_says_so_once(page, app_url):
    from cnn_core import locales

    design = designs.default_design("lenet")
    design["spec"]["layers"][0]["filters"] = 8  # edited: a custom network based on LeNet-5
    token = designs.encode(design)
    page.goto(f"{app_url}/build?lang=pt&design={token}")
    wait_for_app(page)
    page.wait_for_timeout(1500)  # the URL is rewritten after the run
    assert "vid=" not in page.url, page.url
    assert "lang=pt" in page.url and "design=" in page.url
    title = locales.t(
        "build.current.based_on", "pt", preset=locales.t("spec.preset.lenet.title", "pt")
    )
    loaded = locales.t("build.url.loaded", "pt", name=title)
    assert page.get_by_text(loaded).count() == 1

    # A reload of one's own tab (same visitor, by cookie; same design) restores the design
    # without the message.
    page.reload()
    wait_for_app(page)
    page.wait_for_timeout(1000)
    assert "vid=" not in page.url
    assert page.get_by_text(loaded).count() == 0
    first_card = page.locator('[class*="st-key-build_card_"]').first
    assert first_card.locator('[data-testid="stNumberInputField"]').input_value() == "8"
