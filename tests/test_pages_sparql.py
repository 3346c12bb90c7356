"""The SPARQL editor page: YASGUI served from this server (never another host), prefixes, example queries,
downloads in the endpoint's formats; without JavaScript a plain form whose results show as a table."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page

from cpms_kg.queries import examples
from tests.browser import requested, screenshot_check
from tests.conftest import Server, app_client


def test_editor_page_is_local_with_prefixes_and_examples(store_dir: Path) -> None:
    with app_client(store_dir) as (client, _store):
        page = client.get("/sparql-editor").text
        assert '<html lang="zh">' in page and "<h1>SPARQL 查询</h1>" in page
        scripts = re.findall(r'<script src="([^"]+)"', page)
        styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
        assert scripts == ["/static/vendor/yasgui/yasgui.min.js", "/static/sparql.js"]  # built by `make web`
        assert all(url.startswith("/static/") for url in scripts + styles)
        for url in scripts + styles:
            assert client.get(url).status_code == 200
        assert "<code>cpms:</code>" in page and "https://w3id.org/cpms-kg/ontology#" in page
        assert "<code>xkos:</code>" in page and "<code>qudt:</code>" in page
        for shipped in examples():
            assert f'href="/sparql-editor?example={shipped.name}"' in page and shipped.question_zh in page
        assert '<label for="query">' in page and '<textarea id="query" name="query"' in page
        en = client.get("/sparql-editor", params={"lang": "en"}).text
        assert "<h1>SPARQL queries</h1>" in en and "Example queries" in en and "示例查询" not in en


def test_plain_form_runs_a_query_and_downloads(store_dir: Path) -> None:
    with app_client(store_dir) as (client, _store):
        page = client.get("/sparql-editor", params={"example": "attribute-units"}).text
        table = page[page.index('<table class="results">') :]
        assert '<th scope="col">?attribute</th>' in table and "<td>bore_diameter</td>" in table
        assert "<td>mm</td><td>MMT</td>" in table
        link = re.search(r'id="download-csv" download="results.csv" href="([^"]+)"', page)
        assert link is not None
        target = link.group(1).replace("&amp;", "&")
        assert urlsplit(target).path == "/sparql" and parse_qs(urlsplit(target).query)["format"] == ["csv"]
        answer = client.get(target)
        assert answer.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(answer.text)))
        assert {"attribute": "bore_diameter"}.items() <= next(
            r for r in rows if r["attribute"] == "bore_diameter"
        ).items()

        chosen = client.get(
            "/sparql-editor", params={"query": "ASK { ?s ?p ?o }", "format": "json"}, follow_redirects=False
        )
        assert chosen.status_code == 303 and chosen.headers["location"].startswith("/sparql?")
        assert client.get(chosen.headers["location"]).json() == {"head": {}, "boolean": True}

        graph = client.get("/sparql-editor", params={"query": "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 3"}).text
        assert "<pre>" in graph and 'id="download-ttl"' in graph

        broken = client.get("/sparql-editor", params={"query": "SELECT WHERE {"})
        assert broken.status_code == 400 and 'role="alert"' in broken.text
        assert "SELECT WHERE {" in broken.text  # the query stays in the form to be corrected
        assert client.get("/sparql-editor", params={"example": "nope"}).status_code == 404


@pytest.mark.xdist_group("browser")
def test_editor_runs_an_example_and_downloads_csv(browser_page: Page, live_server: Server) -> None:
    page = browser_page
    page.goto("/")
    page.click("header nav >> text=SPARQL 查询")
    page.wait_for_url("**/sparql-editor")
    page.locator("#yasgui .CodeMirror").wait_for()
    assert page.locator("#sparql-form").is_hidden()
    page.click('a.example[href="/sparql-editor?example=attribute-units"]')
    rows = page.locator("#yasgui .yasr table tbody tr")
    rows.first.wait_for()
    assert rows.count() > 10
    assert "bore_diameter" in page.locator("#yasgui .yasr table").inner_text()
    assert "cpms:AttributeDefinition" in page.locator("#yasgui .CodeMirror").inner_text()

    with page.expect_download() as download:
        page.click("p.downloads #download-csv")
    data = Path(download.value.path()).read_text(encoding="utf-8")
    header = data.splitlines()[0]
    assert header.split(",") == ["attribute", "nameZh", "nameEn", "symbol", "rec20"]
    assert "bore_diameter,内径 d,Bore diameter d,mm,MMT" in data
    screenshot_check(page, "sparql-editor")

    # In English, through the page's own switch: the editor, its examples and downloads around it.
    page.click("header a[hreflang=en]")
    page.wait_for_url("**/sparql-editor")
    page.locator("#yasgui .CodeMirror").wait_for()
    texts = page.locator("main h1, main h2, main label, main summary, header nav").all_inner_texts()
    assert page.locator("html").get_attribute("lang") == "en"
    assert texts and not any(re.search("[\u4e00-\u9fff]", t) for t in texts), texts
    screenshot_check(page, "sparql-editor-en")
    outside = [url for url in requested(page) if not url.startswith((live_server.url, "data:", "blob:"))]
    assert outside == []
