"""The load bench's protocol client against the real server: it reports what really happened.

``bench/load.py`` trusts :mod:`bench.st_client` for every figure it prints, so its reading of the
protocol is checked here on the app itself: a page drawn, a slider moved, a button pressed, the
visitor cookie, and the mistakes it must report rather than hide. No timing is asserted.
"""

from __future__ import annotations

import asyncio
import concurrent.futures

import pytest

from bench.st_client import FINISHED, StreamlitSession, new_visitor_id
from cnn_core import locales

pytestmark = pytest.mark.e2e

COOKIE = "cnn_studio_vid"  # ui/identity.py


def _text(key: str, **kwargs) -> str:
    return locales.t(key, "en", **kwargs)


def _metric(session: StreamlitSession, label: str) -> str:
    (body,) = [m.body for m in session.elements("metric") if m.label == label]
    return body


def _metric_labels(session: StreamlitSession) -> list[str]:
    return [m.label for m in session.elements("metric")]


def _visit(app_url: str, scenario, *, cookie: bool = True):
    """Runs ``scenario(session)`` in a fresh session (a new visitor) and closes it."""

    async def main():
        cookies = {COOKIE: new_visitor_id()} if cookie else {}
        async with StreamlitSession(app_url, cookies=cookies) as session:
            return await scenario(session)

    # In its own thread: the session's Playwright (sync API) keeps an event loop running in this
    # one once a browser test has run, and asyncio.run refuses to start inside it.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result()


def test_a_concept_page_draws_and_a_moved_slider_reruns_with_its_new_value(app_url):
    async def scenario(session):
        opened = await session.open("convolution")
        assert opened.status == FINISHED and opened.ok, opened
        assert opened.page_not_found is None and session.exceptions == []
        filters = session.widget("conv_filters")
        assert (filters.kind, filters.value) == ("slider", 3)
        assert _metric(session, _text("conv.depth.shape")).endswith("× 3")

        moved = await session.set_value("conv_filters", 2)
        assert moved.ok, moved
        assert session.widget("conv_filters").value == 2
        # The script read the new value: the output now has two channels.
        assert _metric(session, _text("conv.depth.shape")).endswith("× 2")

        # A select slider (decimals shown as option labels) moves one stop.
        await session.open("activation")
        before = session.widget("activation_x")
        assert (before.kind, before.value) == ("select_slider", "1.5")
        nudged = await session.nudge("activation_x", 1)
        assert nudged.ok and session.widget("activation_x").value == "2.0"
        assert any("x = 2" in text for text in session.texts())

    _visit(app_url, scenario)


def test_a_pressed_button_runs_its_callback_and_the_page_shows_the_new_value(app_url):
    async def scenario(session):
        await session.open("convolution")
        assert session.widget("conv_cell").value == 0
        labels = _metric_labels(session)
        pressed = await session.click("conv_next")
        assert pressed.ok, pressed
        # The callback moved the cell in session state; the page adopted the server's value.
        assert session.widget("conv_cell").value == 1
        assert _metric_labels(session) != labels
        assert _text("conv.step.value", i=0, j=1) in _metric_labels(session)

    _visit(app_url, scenario)


def test_the_cookie_header_reaches_the_app_as_the_visitors_id(app_url):
    def cookie_scripts(session):
        return [h for h in session.elements("html") if f"{COOKIE}=" in h.body]

    async def scenario(session):
        await session.open("inputs")
        return cookie_scripts(session)

    # Without the cookie the app makes an id and draws the script that stores it; with the
    # cookie it reads the id from st.context.cookies and has nothing to store.
    assert len(_visit(app_url, scenario, cookie=False)) == 1
    assert _visit(app_url, scenario, cookie=True) == []


def test_an_unknown_page_and_an_unknown_key_are_reported_not_hidden(app_url):
    async def scenario(session):
        lost = await session.open("no_such_page")
        # The server says so, then draws the home page instead (as a browser shows it).
        assert lost.page_not_found is not None and session.pages_not_found
        assert lost.status == FINISHED
        await session.open("pooling")
        with pytest.raises(KeyError, match="no_such_key"):
            session.widget("no_such_key")
        with pytest.raises(KeyError, match="no_such_key"):
            await session.set_value("no_such_key", 1)
        with pytest.raises(ValueError, match="not a button"):
            await session.click("pooling_size")

    _visit(app_url, scenario)
