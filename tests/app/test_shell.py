"""The app shell under AppTest: every page opens in both languages, the toggle and URL agree."""

from __future__ import annotations

import pytest

from cnn_core import locales
from tests.conftest import app_test
from ui.frame import PAGES


@pytest.mark.parametrize("lang", locales.LANGUAGES)
def test_home_renders_in_each_language(lang):
    at = app_test(None, lang).run()
    assert not at.exception
    assert at.title[0].value == locales.t("home.title", lang)
    links = [link.label for link in at.sidebar.get("page_link")]
    assert links[: len(PAGES)] == [locales.t(key, lang) for _, key, _ in PAGES]


def test_toggle_switches_language_and_keeps_it_in_the_url():
    at = app_test(None, "pt").run()
    at.sidebar.radio(key="lang_toggle").set_value("en").run()
    assert at.title[0].value == locales.t("home.title", "en")
    assert at.query_params["lang"] == ["en"] or at.query_params["lang"] == "en"
    at.switch_page("pages/04_pooling.py").run()
    assert at.session_state["lang"] == "en"
    assert at.sidebar.radio(key="lang_toggle").value == "en"


def test_visitor_id_stays_out_of_the_url_and_an_old_url_id_is_not_adopted():
    at = app_test(None, "en").run()
    vid = at.session_state["vid"]
    assert len(vid) >= 16
    assert "vid" not in at.query_params
    at.switch_page("pages/08_train.py").run()
    assert at.session_state["vid"] == vid  # the same session keeps it across pages
    assert "vid" not in at.query_params
    # Someone's old address-bar link: the id is removed from the URL and not used, and a toast
    # says why.
    old = app_test(None, "en")
    old.query_params["vid"] = vid
    old.run()
    assert old.session_state["vid"] != vid
    assert "vid" not in old.query_params
    assert [toast.value for toast in old.toast] == [locales.t("identity.old_link", "en")]


@pytest.mark.parametrize("lang", locales.LANGUAGES)
@pytest.mark.parametrize("script", [path for path, _, _ in PAGES[1:]])
def test_every_page_opens_without_error(script, lang):
    at = app_test(script, lang, timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["lang"] == lang


@pytest.mark.parametrize(("lang", "separators"), [("pt", ",."), ("en", ".,")])
def test_charts_write_numbers_the_way_the_language_does(lang, separators):
    import json

    at = app_test(None, lang).run()
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert figure["layout"]["separators"] == separators
