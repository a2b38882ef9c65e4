"""Two visitors on one server in real browsers: the second waits in line with a place and a wait,
keeps it across a reload, and can leave the line; the first one's run is untouched."""

from __future__ import annotations

import re

import pytest

from cnn_core import locales
from tests.e2e.conftest import open_page, wait_for_app
from tests.e2e.test_train_e2e import _design, _train_design

pytestmark = pytest.mark.e2e


def _text(key: str, **kwargs) -> str:
    return locales.t(key, "en", **kwargs)


def test_a_second_visitor_waits_in_line_keeps_the_place_and_can_leave(page, browser, app_url):
    page.set_default_timeout(90_000)  # a shared machine may be slow to import TensorFlow
    # Visitor A trains a long run (40,000 images, 3 epochs): the only slot is taken.
    _train_design(page, app_url, _design(filters=32, train_size=40000, epochs=3))
    page.get_by_text(re.compile(r"^After [\d,]+ images:")).first.wait_for()  # inside epoch 1

    other = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    try:
        visitor_b = other.new_page()
        visitor_b.set_default_timeout(60_000)
        open_page(visitor_b, app_url, "train")
        visitor_b.get_by_role("button", name=_text("trainp.quick_demo")).click()
        in_line = visitor_b.get_by_text(re.compile(r"^In line: you are number 1\. "))
        in_line.wait_for()
        assert "Estimated wait:" in in_line.inner_text()
        # Closing the tab (here: a reload) keeps the place.
        visitor_b.reload()
        wait_for_app(visitor_b)
        in_line.wait_for()
        # Leaving the line: nothing trained, and B may start again.
        visitor_b.get_by_role("button", name=_text("queue.page.cancel")).click()
        visitor_b.get_by_text(_text("queue.msg.cancelled")).first.wait_for()
        visitor_b.get_by_role("button", name=_text("trainp.quick_demo")).wait_for()
    finally:
        other.close()
    # A's run was never disturbed: still training, and it stops as usual.
    assert page.get_by_role("button", name=_text("trainp.stop")).is_visible()
    page.get_by_role("button", name=_text("trainp.stop")).click()
    page.get_by_text(re.compile(r"^You stopped training during epoch 1[.,]")).wait_for()
