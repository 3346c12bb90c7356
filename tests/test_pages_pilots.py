"""The pilot dashboard: targets as bars against the guide's numbers, growth over time from the data's dates, the
acceptance-readiness report in zh and en; then the dashboard in headless Chromium and the report printed to PDF."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page
from pypdf import PdfReader

from cpms_kg import accounts
from cpms_kg.accounts import ADMIN, Role
from cpms_kg.namespaces import CPMS, DCTERMS
from cpms_kg.store.embedded import EmbeddedStore
from cpms_kg.web.charts import Point
from cpms_kg.web.pilots_series import growth
from cpms_kg.workflow import audit
from cpms_kg.workflow.pilots import add_firms, create, read
from cpms_kg.workflow.targets import target_sheet
from tests.browser import login, screenshot_check
from tests.conftest import BASE, Server, app_client
from tests.test_workflow_e2e import Client
from tests.test_workflow_pilots import BEARINGS_V1, application, dataset, experts, full_pilot, load, registration

C = str(CPMS)
XSD = "http://www.w3.org/2001/XMLSchema#"  # the closed rdflib namespace as a module global makes pytest warn


def dated(store: EmbeddedStore, iri: str, predicate: str, day: str, datatype: str = "date") -> None:
    literal = ox.Literal(day, datatype=ox.NamedNode(f"{XSD}{datatype}"))
    load(store, f"{BASE}graph/test-dates", [ox.Triple(ox.NamedNode(iri), ox.NamedNode(predicate), literal)])


@pytest.fixture
def site(store_dir: Path) -> Iterator[tuple[TestClient, EmbeddedStore, dict[str, str]]]:
    with app_client(store_dir) as (client, store):
        tokens = {}
        for name, role in (("bureau", Role.PILOT_AUTHORITY), ("expert", Role.EXPERT)):
            accounts.add_user(store, name, [role])
            tokens[name] = accounts.issue_token(store, name)
        yield client, store, tokens


def test_growth_counts_each_thing_from_its_own_date(store_dir: Path) -> None:
    store = EmbeddedStore(store_dir, base_iri=BASE, query_workers=1)
    try:
        create(store, application(firms=("acme", "globex")))
        early = dataset(store, "acme", "d1", BEARINGS_V1, 2)
        late = dataset(store, "globex", "d2", BEARINGS_V1, 3)
        dated(store, early, f"{DCTERMS}issued", "2024-06-01T08:00:00Z", "dateTime")  # before the pilot: its start
        dated(store, late, f"{DCTERMS}issued", "2025-03-10T08:00:00Z", "dateTime")
        dated(store, late, f"{DCTERMS}modified", "2025-05-01T08:00:00Z", "dateTime")  # a re-share: not a new entry
        dated(store, registration(store, "r1", "acme", early), f"{C}registrationDate", "2025-04-02")
        experts(store, "bearings", ["e1", "e2"])
        audit.record(store, ADMIN, "group.member.add", f"{BASE}expert/e2")  # added today, over REST
        add_firms(store, "yiwu-bearings", ["initech"])
        series = {
            g.metric: g.points
            for g in growth(store, read(store, "yiwu-bearings"), target_sheet(store, "yiwu-bearings"))
        }
    finally:
        store.close()
    start = date(2025, 1, 1)
    assert series["catalogue-entries"] == (Point(start, 1), Point(date(2025, 3, 10), 2))
    assert series["data-items"] == (Point(start, 2), Point(date(2025, 3, 10), 5))
    assert series["data-ip-registrations"] == (Point(start, 0), Point(date(2025, 4, 2), 1))
    assert series["experts"] == (Point(start, 1), Point(date.today(), 2))
    assert series["firms"] == (Point(start, 3),)  # no dates of their own: counted from the start


def test_pages_for_the_bureau_only(site: tuple[TestClient, EmbeddedStore, dict[str, str]]) -> None:
    client, store, tokens = site
    full_pilot(store)
    anonymous = client.get("/pilots")
    assert anonymous.status_code == 401 and "/login?next=/pilots" in anonymous.text and 'role="alert"' in anonymous.text
    client.cookies.set("cpms_token", tokens["expert"])
    refused = client.get("/pilots/yiwu-bearings")
    assert refused.status_code == 403 and "pilot-authority" in refused.text
    assert "试点企业数" not in refused.text  # nothing of the pilot's data
    assert client.get("/pilots/yiwu-bearings/acceptance").status_code == 403

    client.cookies.set("cpms_token", tokens["bureau"])
    listing = client.get("/pilots")
    assert listing.status_code == 200 and 'href="/pilots/yiwu-bearings"' in listing.text
    board = client.get("/pilots/yiwu-bearings").text
    bars = re.findall(r'role="progressbar" aria-label="([^"]+)" aria-valuemin="0" aria-valuemax="(\d+)" '
                      r'aria-valuenow="(\d+)"', board)  # fmt: skip
    assert bars == [
        ("专家人数", "15", "15"), ("试点企业数", "20", "20"), ("应用场景数", "3", "3"),
        ("数据知识产权登记数", "3", "3"), ("数据目录数", "80", "80"), ("数据项数", "400", "400"),
    ]  # fmt: skip
    assert board.count("✓ 已达到") == 6 and "数据项数：400 / 指南要求 400" in board and "各项目标均已达到" in board
    assert board.count('role="img"') == 6 and '<line class="goal"' in board  # one chart per target, goal drawn
    assert "<summary>日期 / 数量</summary>" in board  # each chart's numbers as a table
    assert 'href="/pilots/yiwu-bearings/acceptance"' in board and 'href="/groups/bearings"' in board

    report = client.get("/pilots/yiwu-bearings/acceptance")
    assert report.status_code == 200 and "验收准备情况报告" in report.text and 'onclick="window.print()"' in report.text
    assert report.text.count("<tr><td>") == 9 and "试点期已满或即将期满" in report.text
    client.cookies.set("cpms_lang", "en")
    english = client.get("/pilots/yiwu-bearings/acceptance").text
    assert '<html lang="en">' in english and "Print / save as PDF" in english and "standard published" in english
    assert "验收" not in english.split("<main")[1]
    missing = client.get("/pilots/nowhere")
    assert missing.status_code == 404 and "nowhere" in missing.text


def test_a_pilot_short_of_its_targets(site: tuple[TestClient, EmbeddedStore, dict[str, str]]) -> None:
    client, store, tokens = site
    create(store, replace(application(), firms=("acme",)))
    client.cookies.set("cpms_token", tokens["bureau"])
    board = client.get("/pilots/yiwu-bearings").text
    assert 'aria-valuemax="20" aria-valuenow="1"' in board and "试点企业数：1 / 指南要求 20" in board
    assert board.count("✗ 未达到") == 6 and "已达到 0 / 6 项目标" in board
    report = client.get("/pilots/yiwu-bearings/acceptance").text
    assert "✗ 尚不具备验收条件" in report


# --- in the browser -----------------------------------------------------------------------------------


@pytest.mark.xdist_group("browser")
def test_dashboard_and_printed_report_in_the_browser(browser_page: Page, live_server: Server) -> None:
    c = Client(live_server.url)
    c.user("p-bureau", "pilot-authority")
    demo = ["demo-bearing-a", "demo-bearing-b", "demo-bearing-c"]  # their shared catalogue entries count
    pilot = {
        "id": "cixi-bearings", "county": "330282", "industry": "cpc21:4331", "year": 2025,
        "industry_output": "15000000000", "start": "2025-01-01", "end": "2027-12-31", "expert_group": "cixi-experts",
        "standard": "zj-rolling-bearings", "firms": demo,
        "scenarios": [{"id": "s1", "name": {"zh": "采购协同", "en": "procurement"}, "firms": demo[:1]}],
    }  # fmt: skip
    c.ok("POST", "/api/pilots", "p-bureau", json=pilot)
    page = browser_page
    login(page, live_server, c.tokens["p-bureau"])
    page.goto("/")
    page.click("header nav >> text=试点")
    page.wait_for_url("**/pilots")
    page.click("main a[href='/pilots/cixi-bearings']")
    page.wait_for_url("**/pilots/cixi-bearings")
    bars = page.locator("[role=progressbar]")
    assert bars.count() == 6
    entries = page.locator("#target-catalogue-entries [role=progressbar]")
    assert entries.get_attribute("aria-valuenow") == "3" and entries.get_attribute("aria-valuemax") == "80"
    width = page.eval_on_selector("#target-firms .bar > span", "e => e.getBoundingClientRect().width")
    full = page.eval_on_selector("#target-firms .bar", "e => e.getBoundingClientRect().width")
    assert 0.1 < width / full < 0.2  # 3 of 20 firms
    assert page.locator("svg.line path").count() == 6
    screenshot_check(page, "pilot-dashboard")

    page.click("main a[href='/pilots/cixi-bearings/acceptance']")
    page.wait_for_url("**/acceptance")
    assert page.locator("#print").is_visible()
    screenshot_check(page, "pilot-acceptance")
    page.emulate_media(media="print")
    assert not page.locator("#print").is_visible() and not page.locator("body > header").is_visible()
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "cixi-bearings" in text and "尚不具备验收条件" in text.replace(" ", "")

    # The same job in English, through the page's own switch.
    page.emulate_media(media="screen")
    page.click("header a[hreflang=en]")
    page.wait_for_url("**/acceptance")
    assert page.locator("html").get_attribute("lang") == "en" and "Print / save as PDF" in page.inner_text("#print")
    page.click("header nav >> text=Pilots")
    page.wait_for_url("**/pilots")
    page.click("main a[href='/pilots/cixi-bearings']")
    page.wait_for_url("**/pilots/cixi-bearings")
    headings = page.locator("main h1, main h2, main h3, header nav").all_inner_texts()
    assert headings and not any(re.search("[\u4e00-\u9fff]", h) for h in headings), headings
    assert page.locator("[role=progressbar]").count() == 6
    screenshot_check(page, "pilot-dashboard-en")
