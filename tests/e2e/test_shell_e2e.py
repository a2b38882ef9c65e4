"""The app shell in a real browser: home page, translated navigation, language that sticks."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import open_page, wait_for_app

pytestmark = pytest.mark.e2e


def test_home_navigation_and_language_stick(page, app_url):
    open_page(page, app_url, "", lang="pt")
    assert "entenda redes convolucionais" in page.locator("h1").first.inner_text()
    sidebar = page.locator('[data-testid="stSidebar"]')
    # Our translated links, not Streamlit's default page list.
    assert sidebar.get_by_text("2. Convolução").is_visible()
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0

    sidebar.get_by_text("English").click()
    # expect() retries until the rerun the click started has drawn the page.
    expect(page.locator("h1").first).to_contain_text("understand convolutional networks")
    expect(page).to_have_url(re.compile(r"lang=en"))

    sidebar.get_by_text("2. Convolution").click()
    page.wait_for_url("**/convolution**")
    wait_for_app(page)
    assert "lang=en" in page.url
    expect(sidebar.get_by_text("6. Data")).to_be_visible()

    page.reload()
    wait_for_app(page)
    expect(sidebar.get_by_text("2. Convolution")).to_be_visible()


def test_browser_locale_picks_the_default_language(browser, app_url):
    context = browser.new_context(locale="en-US")
    tab = context.new_page()
    tab.goto(app_url)
    wait_for_app(tab)
    assert "understand convolutional networks" in tab.locator("h1").first.inner_text()
    context.close()
    context = browser.new_context(locale="pt-BR")
    tab = context.new_page()
    tab.goto(app_url)
    wait_for_app(tab)
    assert "entenda redes convolucionais" in tab.locator("h1").first.inner_text()
    context.close()
