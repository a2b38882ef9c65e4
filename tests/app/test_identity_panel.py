"""The sidebar's "Your runs on another device": a one-time code carries the identity, on purpose."""

from __future__ import annotations

import pytest

from cnn_core import locales
from tests.conftest import app_test


@pytest.fixture(autouse=True)
def runs_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CNN_STUDIO_RUNS", str(tmp_path))
    return tmp_path


def _texts(elements) -> list[str]:
    return [e.value for e in elements]


def test_a_code_made_on_one_device_adopts_that_identity_on_another(runs_dir):
    first = app_test(None, "en").run()
    mine = first.session_state["vid"]
    first.sidebar.button(key="identity_make_code").click().run()
    assert not first.exception
    (code,) = _texts(first.sidebar.code)
    assert mine not in code and len(code) == 14
    assert (runs_dir / ".identity.sqlite3").exists()

    other = app_test("pages/04_pooling.py", "pt").run()
    assert other.session_state["vid"] != mine
    other.sidebar.text_input(key="identity_code_input").input(code.lower())
    other.sidebar.button(key="identity_use_code").click().run()
    assert not other.exception
    assert other.session_state["vid"] == mine
    assert locales.t("identity.resume.adopted", "pt") in _texts(other.sidebar.success)
    assert other.sidebar.text_input(key="identity_code_input").value == ""  # not kept

    # Used once: a third device gets nothing from the same code.
    third = app_test(None, "en").run()
    third.sidebar.text_input(key="identity_code_input").input(code)
    third.sidebar.button(key="identity_use_code").click().run()
    assert third.session_state["vid"] != mine
    assert locales.t("identity.resume.bad", "en") in _texts(third.sidebar.error)


def test_too_many_wrong_codes_stop_the_tries(runs_dir):
    at = app_test(None, "en").run()
    mine = at.session_state["vid"]
    for _ in range(5):
        at.sidebar.text_input(key="identity_code_input").input("AAAA-BBBB-CCCC")
        at.sidebar.button(key="identity_use_code").click().run()
        assert locales.t("identity.resume.bad", "en") in _texts(at.sidebar.error)
    # Even a right code is refused now, in this tab.
    maker = app_test(None, "en").run()
    maker.sidebar.button(key="identity_make_code").click().run()
    (code,) = _texts(maker.sidebar.code)
    at.sidebar.text_input(key="identity_code_input").input(code)
    at.sidebar.button(key="identity_use_code").click().run()
    assert locales.t("identity.resume.too_many", "en") in _texts(at.sidebar.error)
    assert at.session_state["vid"] == mine
