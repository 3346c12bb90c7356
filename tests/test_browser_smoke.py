"""The browser harness itself, in headless Chromium against a real server: the home page in Chinese, the English
switch remembered on the next page, the layout check, and reading with JavaScript disabled."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.browser import login, new_page, requested, screenshot_check
from tests.conftest import ADMIN_TOKEN, Server

pytestmark = pytest.mark.xdist_group("browser")


def test_home_in_zh_then_en_remembered(browser_page: Page, live_server: Server) -> None:
    page = browser_page
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh"
    assert page.title().startswith("首页")
    assert page.locator("main h1").inner_text().startswith("产品主数据标准知识图谱")
    shot = screenshot_check(page, "home-zh")
    assert shot.stat().st_size > 10_000

    page.click("header a[hreflang=en]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("main h1").inner_text().startswith("CPMS knowledge graph")
    page.click("header nav >> text=Standards")
    page.wait_for_url("**/standards")
    assert page.locator("html").get_attribute("lang") == "en"  # the choice is remembered on the next page
    assert page.locator("header nav a[aria-current=page]").inner_text() == "Standards"
    screenshot_check(page, "standards-en")
    assert all(url.startswith(live_server.url) for url in requested(page))


def test_reads_without_javascript(
    chromium: Browser, live_server: Server, tmp_path_factory: pytest.TempPathFactory
) -> None:
    page = new_page(chromium, live_server, javascript=False, shots=tmp_path_factory.mktemp("nojs"))
    try:
        page.goto("/")
        assert page.evaluate("typeof document.querySelector") == "function"  # the harness can still measure
        page.click("main a[href='/browse/cpc21']")
        page.wait_for_url("**/browse/cpc21")
        assert page.locator("main h1").inner_text()
        assert page.locator("main ul.tree > li").count() >= 10  # CPC's ten sections, rendered by the server
        screenshot_check(page, "browse-cpc21-nojs")
    finally:
        page.context.close()


def test_login_form_signs_in(browser_page: Page, live_server: Server) -> None:
    browser_page.goto("/")
    browser_page.click("header a[href^='/login']")  # the header's link, then the page in the shared layout
    assert browser_page.locator("main h1").inner_text() == "登录"
    screenshot_check(browser_page, "login")
    login(browser_page, live_server, ADMIN_TOKEN)
    browser_page.goto("/")
    assert browser_page.locator("header .side span").inner_text() == "admin"
    assert browser_page.locator("header form[action='/logout']").count() == 1


def test_layout_check_catches_overflow(browser_page: Page) -> None:
    browser_page.goto("/")
    browser_page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<div style=\"width:4000px\">wide</div>')"
    )
    with pytest.raises(AssertionError, match="horizontal overflow"):
        screenshot_check(browser_page, "overflow")


def test_layout_check_catches_a_blank_page(browser_page: Page) -> None:
    browser_page.goto("/")
    browser_page.evaluate("document.body.style.visibility = 'hidden'")
    with pytest.raises(AssertionError, match="blank page"):
        screenshot_check(browser_page, "blank")
