"""The learner's first run, in Portuguese, in a real browser with the real engine: after a visit
to the Build page (no edits), Train still offers the quick demo as its main action, and the
validation curve appears before the first epoch ends."""

from __future__ import annotations

import re

import pytest

from cnn_core import locales
from tests.e2e.conftest import open_page, wait_for_app

pytestmark = pytest.mark.e2e


def _pt(key: str, **kwargs) -> str:
    return locales.t(key, "pt", **kwargs)


def _sidebar_to(page, nav_key: str, url_path: str) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_text(_pt(nav_key)).click()
    page.wait_for_url(f"**/{url_path}**")
    wait_for_app(page)


def test_home_build_train_quick_demo_shows_validation_within_the_first_epoch(page, app_url):
    page.set_default_timeout(120_000)  # TensorFlow's first import on a shared machine
    open_page(page, app_url, "", lang="pt")
    _sidebar_to(page, "nav.build", "build")
    _sidebar_to(page, "nav.train", "train")
    # The blog's own design leaves no design in the address bar.
    assert "design=" not in page.url, page.url

    # The main (primary) action is the short first run, whatever the Build page holds.
    quick = page.locator('.st-key-train_quick [data-testid="stBaseButton-primary"]')
    assert quick.inner_text().strip().endswith(_pt("trainp.quick_demo"))  # after its icon
    assert page.locator('.st-key-train_start [data-testid="stBaseButton-primary"]').count() == 0
    quick.click()

    # Before any epoch ends the curves count images, and a validation point is already there.
    val = _pt("trainp.caption.val_accuracy", value="VALUE", n="500").split("VALUE")[0]
    after = _pt("trainp.caption.images", images="IMAGES").split("IMAGES")[0]
    early = page.locator('[data-testid="stCaptionContainer"]').filter(
        has_text=re.compile("^" + re.escape(after) + ".*" + re.escape(val))
    )
    early.first.wait_for(state="visible", timeout=150_000)
    legend = page.get_by_text(_pt("trainp.curve.val_sample", n="500")).first
    assert legend.count()
    # The first epoch has not ended: no "Época 1: ..." caption yet.
    epoch_one = _pt("trainp.caption.accuracy", epoch=1, train="X", val="Y").split("X")[0]
    captions = page.locator('[data-testid="stCaptionContainer"]').all_inner_texts()
    assert not any(c.startswith(epoch_one) for c in captions), captions

    # Free the server's slot for the next test.
    page.locator(".st-key-train_stop button").click()
    page.get_by_text(re.compile(_pt("train.status.stopped") + "|" + "Você parou")).first.wait_for(
        state="visible", timeout=120_000
    )
