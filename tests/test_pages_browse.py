"""The classification and standards browsers: server-rendered pages (zh by default, en on request, content from the
demo data, paging) and, in headless Chromium, the lazy tree, instant search, concept and standard pages and a diff."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page

from cpms_kg import schemes
from cpms_kg.standards import demo, service
from cpms_kg.standards.model import Obligation, Standard
from cpms_kg.standards.rdf import to_turtle
from tests.browser import requested, screenshot_check
from tests.conftest import ADMIN_TOKEN, BASE, Server, app_client

BEARINGS = "zj-rolling-bearings"


def second_version() -> Standard:
    """Version 1.1 of the demo bearings standard, for the diff: a wider bore range, a requirement relaxed."""
    old = demo.bearings()
    attributes = tuple(
        replace(a, max_inclusive=Decimal("400")) if a.code == "bore_diameter" else a for a in old.attributes
    )
    requirements = tuple(
        replace(r, obligation=Obligation.RECOMMENDED)
        if (r.category, r.attribute) == ("RB", "dynamic_load_rating")
        else r
        for r in old.requirements
    )
    info = replace(old.info, version="1.1", previous_version="1.0")
    return replace(old, info=info, attributes=attributes, requirements=requirements)


def _codes(html: str, scheme: str) -> list[str]:
    return re.findall(rf'<details data-scheme="{scheme}" data-code="([^"]+)">', html)


def test_browse_and_scheme_pages_in_zh_and_en(store_dir: Path) -> None:
    with app_client(store_dir) as (client, _store):
        zh = client.get("/browse").text
        assert '<html lang="zh">' in zh and "<h1>分类浏览</h1>" in zh
        assert '<details data-scheme="cpc21" data-code="">' in zh and 'href="/browse/cpc21"' in zh
        assert "产品总分类（CPC）2.1版" in zh and 'action="/browse/search"' in zh and '<label for="q">' in zh
        en = client.get("/browse", params={"lang": "en"}).text
        assert '<html lang="en">' in en and "<h1>Classifications</h1>" in en and "分类浏览" not in en
        assert "Central Product Classification (CPC) Ver.2.1" in en

        top = client.get("/browse/cpc21").text
        assert _codes(top, "cpc21") == [str(n) for n in range(10)]  # CPC's ten sections, in code order
        assert "Agriculture, forestry and fishery products" in top  # English label when there is no Chinese one
        assert 'href="/browse/cpc21/4"' in top and "顶层概念 (10)" in top


def test_concept_page_path_mappings_and_linked_data(store_dir: Path) -> None:
    with app_client(store_dir) as (client, _store):
        page = client.get("/browse/cpc21/43310").text
        crumbs = page[page.index('<nav class="crumbs"') : page.index("</nav>", page.index('<nav class="crumbs"'))]
        assert [c for c in re.findall(r'href="/browse/cpc21/(\w+)"', crumbs)] == ["4", "43", "433", "4331"]
        assert '<span aria-current="page">43310</span>' in crumbs
        assert "<h1>43310 Ball or roller bearings</h1>" in page
        # HS 848210 broadMatch 43310 reads from here as a narrower match, linked to its own page.
        assert 'href="/browse/hs2017/848210"' in page and "对应到更窄的概念" in page
        # The demo standard's category maps to it and is linked to its place in the standard's page.
        assert f'href="/standards/{BEARINGS}/1.0#category-RB"' in page
        assert 'href="/id/classification/cpc21/43310"' in page
        assert 'href="/id/classification/cpc21/43310?format=ttl"' in page
        assert "没有下位概念" in page
        en = client.get("/browse/cpc21/43310", params={"lang": "en"}).text
        assert "narrower match" in en and "Linked data" in en and "对应" not in en

        missing = client.get("/browse/cpc21/99999")
        assert missing.status_code == 404 and 'role="alert"' in missing.text and "99999" in missing.text


def test_narrower_concepts_are_paged(store_dir: Path) -> None:
    with app_client(store_dir) as (client, store):
        expected = [c.code for c in schemes.children(store, "hs2017", "84", limit=1000).items]
        assert len(expected) == 85
        first = client.get("/browse/hs2017/84").text
        assert _codes(first, "hs2017") == expected[:50]
        assert "1–50 / 85" in first and 'href="/browse/hs2017/84?offset=50&amp;limit=50"' in first
        second = client.get("/browse/hs2017/84", params={"offset": 50}).text
        assert _codes(second, "hs2017") == expected[50:]
        assert "51–85 / 85" in second and 'rel="prev"' in second and 'rel="next"' not in second
        assert client.get("/browse/hs2017/84", params={"offset": -1}).status_code == 400


def test_search_page_without_script(store_dir: Path) -> None:
    with app_client(store_dir) as (client, _store):
        found = client.get("/browse/search", params={"q": "4331"}).text
        rows = re.findall(r'<tr><td><a href="([^"]+)">', found)
        assert rows[0] == "/browse/cpc21/4331" and "结果 (4)" in found
        bearings = client.get("/browse/search", params={"q": "轴承"}).text
        assert f'href="/standards/{BEARINGS}/1.0#attribute-designation"' in bearings
        assert f'href="/standards/{BEARINGS}/1.0#category-RB"' in bearings
        scoped = client.get("/browse/search", params={"q": "bearings", "scheme": "hs2017"}).text
        assert "/browse/hs2017/" in scoped and "/browse/cpc21/" not in scoped
        assert 'name="scheme" value="hs2017"' in scoped
        refused = client.get("/browse/search", params={"q": "x" * 300})
        assert refused.status_code == 400 and 'role="alert"' in refused.text and "200" in refused.text
        assert 'role="alert"' not in client.get("/browse/search").text


def test_standard_pages_categories_attributes_units_code_lists(store_dir: Path) -> None:
    with app_client(store_dir) as (client, _store):
        listing = client.get("/standards").text
        assert f'href="/standards/{BEARINGS}"' in listing and 'href="/standards/zj-fasteners/1.0"' in listing
        assert "浙江省滚动轴承产品主数据标准" in listing and "省级发布" in listing
        version = client.get(f"/standards/{BEARINGS}/1.0").text
        assert 'id="category-RB"' in version and 'id="category-RB010101"' in version
        requirement = re.search(r'<li class="required"><a href="#attribute-bore_diameter">', version)
        assert requirement is not None and "必填" in version
        row = version[version.index('<tr id="attribute-bore_diameter">') :]
        row = row[: row.index("</tr>")]
        assert ">mm</abbr>" in row and "<code>MMT</code>" in row and "340" in row and "小数" in row
        assert 'id="codelist-precision_class"' in version and 'href="#codelist-precision_class"' in version
        assert 'href="/browse/cpc21/4331"' in version  # the industry concept
        assert f'href="/api/standards/{BEARINGS}/versions/1.0/shapes"' in version
        en = client.get(f"/standards/{BEARINGS}/1.0", params={"lang": "en"}).text
        assert "Zhejiang product master data standard for rolling bearings" in en and "required" in en
        assert "必填" not in en
        assert client.get("/standards/no-such").status_code == 404
        assert client.get(f"/standards/{BEARINGS}/9.9").status_code == 404


def test_versions_and_diff(store_dir: Path) -> None:
    with app_client(store_dir) as (client, store):
        single = client.get(f"/standards/{BEARINGS}").text
        assert "只有一个版本" in single
        service.save(store, second_version())
        versions = client.get(f"/standards/{BEARINGS}").text
        assert versions.index(f"/standards/{BEARINGS}/1.1") < versions.index(f"/standards/{BEARINGS}/1.0")
        assert '<option value="1.0" selected>' in versions and '<option value="1.1" selected>' in versions
        page = client.get(f"/standards/{BEARINGS}/diff", params={"from": "1.0", "to": "1.1"}).text
        expected = service.compare(store, BEARINGS, "1.0", "1.1")
        assert {c.kind for c in expected.changes} == {"attribute", "requirement"}
        for change in expected.changes:
            assert f"<code>{change.key}</code>" in page
        assert "<code>max_inclusive</code>: <code>340</code> → <code>400</code>" in page
        assert "<code>obligation</code>: <code>required</code> → <code>recommended</code>" in page
        assert "迁移映射" in page
        assert client.get(f"/standards/{BEARINGS}/diff", params={"from": "1.0"}).status_code == 400
        assert client.get(f"/standards/{BEARINGS}/diff", params={"from": "1.0", "to": "7"}).status_code == 404


# Browser tests: one module-scoped server (tests/browser.py), pages reached by clicking from the home page.
browser = pytest.mark.xdist_group("browser")


def _publish_second_version(server: Server) -> None:
    graph = f"{BASE}graph/standard/{BEARINGS}/1.1"
    answer = httpx.put(
        f"{server.url}/graph-store",
        params={"graph": graph},
        content=to_turtle(second_version(), BASE).encode(),
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert answer.status_code in (200, 201, 204), answer.text


@browser
def test_tree_opens_lazily_and_search_answers_instantly(browser_page: Page, live_server: Server) -> None:
    page = browser_page
    page.goto("/")
    page.click("header nav >> text=分类浏览")
    page.wait_for_url("**/browse")
    cpc = page.locator('details[data-scheme="cpc21"][data-code=""]')
    cpc.locator("summary .muted").click()  # the summary, not its link: the node opens in place
    section4 = page.locator('details[data-scheme="cpc21"][data-code="4"]')
    section4.wait_for()
    assert cpc.locator(":scope > ul.children > li").count() == 10
    section4.locator("summary .code").click()
    section4.locator('details[data-code="43"]').wait_for()
    assert section4.get_attribute("open") is not None

    hs = page.locator('details[data-scheme="hs2017"][data-code=""]')
    hs.locator("summary .muted").click()
    more = hs.locator(":scope > ul.children > li.more button")
    more.wait_for()
    assert hs.locator(":scope > ul.children > li > details").count() == 50
    more.click()
    hs.locator('details[data-code="97"]').wait_for()  # the last of HS's 97 chapters, from the second page
    assert hs.locator(":scope > ul.children > li > details").count() == 97
    screenshot_check(page, "browse-tree")

    page.fill("#q", "4331")
    hit = page.locator('#q-results a[href="/browse/cpc21/4331"]')
    hit.wait_for()
    hit.click()
    page.wait_for_url("**/browse/cpc21/4331")
    assert page.locator("main h1").inner_text().startswith("4331")
    assert page.locator("nav.crumbs a").filter(has_text="433").count() == 1
    page.locator('details[data-scheme="cpc21"][data-code="43310"] summary .code').click()
    page.locator('details[data-code="43310"] li.muted').wait_for()  # a leaf: "no narrower concepts"
    screenshot_check(page, "concept-4331")
    assert all(url.startswith(live_server.url) for url in requested(page))


@browser
def test_standard_version_and_diff(browser_page: Page, live_server: Server) -> None:
    _publish_second_version(live_server)
    page = browser_page
    page.goto("/")
    page.click("header nav >> text=标准")
    page.wait_for_url("**/standards")
    page.click(f'main a[href="/standards/{BEARINGS}"]')
    page.wait_for_url(f"**/standards/{BEARINGS}")
    assert page.locator("#diff-from").input_value() == "1.0" and page.locator("#diff-to").input_value() == "1.1"
    page.click("form.diff button[type=submit]")
    page.wait_for_url("**/diff?from=1.0&to=1.1")
    assert page.locator("tr.changed").count() == 2
    assert "340" in page.locator("main").inner_text() and "400" in page.locator("main").inner_text()
    screenshot_check(page, "diff")

    page.click(f'main nav.crumbs a[href="/standards/{BEARINGS}"]')
    page.click(f'main a[href="/standards/{BEARINGS}/1.1"]')
    page.wait_for_url(f"**/standards/{BEARINGS}/1.1")
    page.click('#category-RB > details > ul.requirements a[href="#attribute-bore_diameter"]')
    assert page.url.endswith("#attribute-bore_diameter")
    assert "mm" in page.locator("#attribute-bore_diameter").inner_text()
    screenshot_check(page, "standard-1.1")
