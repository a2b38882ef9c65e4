"""The visitor's identity lives in a cookie: an address-bar URL hands over none of their runs."""

from __future__ import annotations

import time

import pytest

from cnn_core import design, locales, runs
from tests.e2e.conftest import wait_for_app

COOKIE = "cnn_studio_vid"


def _text(key: str, **kwargs) -> str:
    return locales.t(key, "en", **kwargs)


def _cookie(context, timeout: float = 30.0) -> str:
    """The visitor id the app's script stored in the browser (waits until it is there)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [c for c in context.cookies() if c["name"] == COOKIE]
        if found:
            (cookie,) = found
            assert cookie["sameSite"] == "Strict" and cookie["path"] == "/"
            assert cookie["expires"] > time.time() + 300 * 24 * 3600  # kept for a year
            return cookie["value"]
        time.sleep(0.2)
    raise AssertionError("the app never set its visitor cookie")


def _finished_run(owner: str, runs_dir) -> str:
    """A finished one-epoch run of ``owner``, written straight into the server's run store."""
    chosen = design.default_design("lenet")
    folder = runs.create_run_folder(owner, chosen["spec"], chosen["settings"], runs_dir)
    epoch = {"epoch": 1, "loss": 1.9, "accuracy": 0.31, "val_loss": 1.8, "val_accuracy": 0.35}
    runs.write_json(folder / "metrics.json", {"epoch_log": [{**epoch, "seconds": 2.0}]})
    runs.update_meta(folder, status="finished", message_key="train.msg.finished")
    return folder.name


def _open_train(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page, timeout=90_000)
    page.get_by_text(_text("trainp.history.title"), exact=True).wait_for(timeout=90_000)
    wait_for_app(page, timeout=90_000)


@pytest.mark.e2e
def test_an_address_bar_url_hands_over_none_of_the_visitors_runs(browser, app_url, app_runs_dir):
    first = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    second = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    try:
        page = first.new_page()
        page.set_default_timeout(60_000)
        _open_train(page, f"{app_url}/train?lang=en")
        vid = _cookie(first)
        run_id = _finished_run(vid, app_runs_dir)
        mine = page.get_by_text(_text("trainp.history.caption", n=1))
        empty = page.get_by_text(_text("trainp.history.empty"))

        # The first visitor reloads: the cookie (not the URL) brings their run back.
        page.reload()
        wait_for_app(page, timeout=90_000)
        mine.wait_for()
        assert vid not in page.url and "vid=" not in page.url
        address_bar = page.url

        # Someone else opens that exact address: none of the runs, and an id of their own.
        other = second.new_page()
        other.set_default_timeout(60_000)
        _open_train(other, address_bar)
        other.get_by_text(_text("trainp.history.empty")).wait_for()
        assert not other.get_by_text(_text("trainp.history.caption", n=1)).count()
        assert not other.get_by_text(run_id).count()
        assert _cookie(second) != vid

        # An old-style link with the id in it is not adopted either, and loses the id.
        _open_train(other, f"{app_url}/train?lang=en&vid={vid}")
        other.get_by_text(_text("trainp.history.empty")).wait_for()
        assert "vid=" not in other.url
        assert _cookie(second) != vid

        # The first visitor still has their run after another reload.
        page.reload()
        wait_for_app(page, timeout=90_000)
        mine.wait_for()
        assert not empty.count()
        assert _cookie(first) == vid
    finally:
        first.close()
        second.close()


@pytest.mark.e2e
def test_a_resume_code_moves_the_runs_to_another_browser_on_purpose(browser, app_url, app_runs_dir):
    first = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    second = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    try:
        page = first.new_page()
        page.set_default_timeout(60_000)
        _open_train(page, f"{app_url}/train?lang=en")
        vid = _cookie(first)
        _finished_run(vid, app_runs_dir)
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text(_text("identity.resume.title")).click()
        sidebar.get_by_role("button", name=_text("identity.resume.make")).click()
        code_box = sidebar.locator('[data-testid="stCode"]')
        code_box.wait_for()
        code = code_box.inner_text().strip()
        # The code, never the id itself, is what the visitor sees.
        assert len(code) == 14 and vid not in page.locator("body").inner_text()

        other = second.new_page()
        other.set_default_timeout(60_000)
        _open_train(other, f"{app_url}/train?lang=en")
        other.get_by_text(_text("trainp.history.empty")).wait_for()
        side = other.locator('[data-testid="stSidebar"]')
        side.get_by_text(_text("identity.resume.title")).click()
        side.get_by_label(_text("identity.resume.enter")).fill(code)
        side.get_by_label(_text("identity.resume.enter")).press("Enter")
        wait_for_app(other)
        side.get_by_role("button", name=_text("identity.resume.use")).click()
        side.get_by_text(_text("identity.resume.adopted")).wait_for()
        other.get_by_text(_text("trainp.history.caption", n=1)).wait_for()
        # The new cookie keeps it after a reload, and the URL never carried anything.
        deadline = time.monotonic() + 30
        while _cookie(second) != vid and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _cookie(second) == vid
        other.reload()
        wait_for_app(other, timeout=90_000)
        other.get_by_text(_text("trainp.history.caption", n=1)).wait_for()
        assert "vid=" not in other.url and code.replace("-", "") not in other.url
    finally:
        first.close()
        second.close()
