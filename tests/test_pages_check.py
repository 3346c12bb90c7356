"""Check my data in the browser: upload, confirm the column mapping, progress, report, downloads, commit, share.

In-process first (every page and form, zh and en, refusals and bad input shown in the page with the store
unchanged), then the whole job of a firm steward in headless Chromium against a real server."""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pyoxigraph as ox
import pytest
from playwright.sync_api import Page

from cpms_kg import accounts
from cpms_kg.accounts import Role
from cpms_kg.conformance.datasets import private_graph, public_graph
from cpms_kg.jobs import Job
from cpms_kg.web.check import progress_page
from cpms_kg.web.check_session import CheckSession
from cpms_kg.web.layout import Viewer
from cpms_kg.workflow import audit
from tests.browser import login, screenshot_check
from tests.conftest import ADMIN_TOKEN, BASE, Server, app_client
from tests.page_site import Site as PageSite
from tests.test_conformance_e2e import HEADER, ROWS
from tests.test_workflow_e2e import Client

STANDARD = "zj-rolling-bearings@1.0"
SH_REPORT = "http://www.w3.org/ns/shacl#ValidationReport"


def table(*rows: list[str], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode("utf-8")


class Site(PageSite):
    def upload(self, data: bytes, name: str = "products.csv", **form: str) -> str:
        fields = {"standard": STANDARD, "firm": "acme", **form}
        sent = self.client.post("/check", files={"file": (name, data)}, data=fields, follow_redirects=False)
        assert sent.status_code == 303, sent.text
        return sent.headers["location"].split("/")[2]

    def selected(self, session: str) -> dict[str, str]:
        """The mapping form's preselected choice per field."""
        page = self.client.get(f"/check/{session}/mapping")
        assert page.status_code == 200, page.text
        selects = re.findall(r'<select id="(col-\d+)" name="col-\d+">(.*?)</select>', page.text)
        chosen = {}
        for field, options in selects:
            picked = re.search(r'<option value="([^"]*)" selected>', options)
            chosen[field] = picked.group(1) if picked else ""
        return chosen

    def report(self, session: str, query: str = "") -> str:
        for _ in range(300):
            page = self.client.get(f"/check/{session}{query}")
            if 'id="job"' not in page.text:
                assert page.status_code == 200, page.text
                return page.text
            time.sleep(0.05)
        raise AssertionError("the check did not finish")


@pytest.fixture
def site(store_dir: Path) -> Iterator[Site]:
    with app_client(store_dir, max_upload_bytes=200_000) as (client, store):
        tokens = {"admin": ADMIN_TOKEN}
        for name, roles, firm in (
            ("acme-steward", [Role.FIRM_STEWARD], "acme"),
            ("globex-steward", [Role.FIRM_STEWARD], "globex"),
            ("expert1", [Role.EXPERT], None),
        ):
            accounts.add_user(store, name, roles, firm=firm)
            tokens[name] = accounts.issue_token(store, name)
        yield Site(client, store, tokens)


def test_a_steward_checks_commits_and_shares(site: Site) -> None:
    client, store = site.client, site.store
    start = client.get("/check")
    assert start.status_code == 200 and '<html lang="zh">' in start.text and "检查我的数据" in start.text
    for field in ("file", "standard", "firm", "category"):  # every input has its label
        assert f'<label for="{field}">' in start.text and f'id="{field}"' in start.text
    assert f'<option value="{STANDARD}"' in start.text

    session = site.upload(table(ROWS[0], header=[*HEADER[:-1], "备注说明"]))
    chosen = site.selected(session)
    assert chosen["col-0"] == "product" and chosen["col-1"] == "category"
    assert chosen["col-3"] == "attribute:bore_diameter" and chosen["col-9"] == ""  # 备注说明 matched nothing
    mapping = client.get(f"/check/{session}/mapping").text
    assert '<label class="sr-only" for="col-3">列“内径 d”对应</label>' in mapping
    confirmed = client.post(f"/check/{session}/mapping", data=chosen, follow_redirects=False)
    assert confirmed.status_code == 303 and confirmed.headers["location"] == f"/check/{session}"

    report = site.report(session)
    assert "✓ 符合标准" in report and "<dd>1</dd>" in report  # one product
    assert 'role="img"' in report and "各规则的问题数" in report  # warnings charted, with their table
    assert f'action="/check/{session}/commit"' not in report  # not signed in: the login is offered instead
    assert f"/login?next=/check/{session}" in report

    graph = private_graph(BASE, "acme", "q4")
    refused = client.post(f"/check/{session}/commit", data={"dataset": "q4"})
    assert refused.status_code == 401 and 'role="alert"' in refused.text and "请先登录" in refused.text
    site.as_("globex-steward")
    refused = client.post(f"/check/{session}/commit", data={"dataset": "q4"})
    assert refused.status_code == 403 and "globex" in refused.text and "acme" in refused.text
    site.as_("acme-steward")
    bad = client.post(f"/check/{session}/commit", data={"dataset": "../x"})
    assert bad.status_code == 400 and "数据集标识" in bad.text
    assert graph not in store.named_graphs()

    report = site.report(session)
    assert f'action="/check/{session}/commit"' in report and '<label for="dataset">' in report
    done = client.post(f"/check/{session}/commit", data={"dataset": "q4"}, follow_redirects=False)
    assert done.status_code == 303 and graph in store.named_graphs()
    assert [r.account for r in audit.records(store, action="dataset.commit")] == ["acme-steward"]
    report = site.report(session)
    assert "q4" in report and f'action="/check/{session}/share"' in report

    shared = client.post(f"/check/{session}/share", follow_redirects=False)
    assert shared.status_code == 303 and public_graph(BASE, "acme", "q4") in store.named_graphs()
    assert [r.target for r in audit.records(store, action="dataset.share")] == [f"{BASE}dataset/acme/q4"]
    assert 'href="/id/dataset/acme/q4"' in site.report(session)


def test_report_in_english_with_charts_filters_and_downloads(site: Site) -> None:
    client = site.client
    client.cookies.set("cpms_lang", "en")
    session = site.upload(table(*ROWS))
    client.post(f"/check/{session}/mapping", data=site.selected(session))
    report = site.report(session)
    assert '<html lang="en">' in report and "✗ Does not conform to the standard" in report
    assert "cannot be committed" in report and "/commit" not in report
    assert 'aria-labelledby="chart-rules"' in report and 'aria-labelledby="chart-attributes"' in report
    # the findings link to their row and column; the charts to their rule and attribute
    assert (
        'href="?row=3#findings">3</a>' in report
        and 'href="?column=%E5%AF%86%E5%B0%81%E5%9E%8B%E5%BC%8F#findings"' in report
    )
    assert 'href="?rule=seal_type%2Fin#findings"' in report
    seal = site.report(session, "?rule=seal_type/in")
    assert "Filtered by rule seal_type/in" in seal and seal.count('<tr id="f') == 1
    assert "XX" in seal and "must be a code of the list" in seal  # value and the English message
    row = site.report(session, "?row=4")
    assert "bore_diameter/required" in row and "P001" not in row.split('id="findings"')[1]

    csv_bytes = client.get(f"/check/{session}/report.csv")
    assert (
        csv_bytes.headers["content-type"].startswith("text/csv")
        and "attachment" in csv_bytes.headers["content-disposition"]
    )
    lines = csv_bytes.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("行 row,列 column") and any("seal_type/in" in line for line in lines)
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/check/{session}/report.xlsx").content))
    assert any("designation/pattern" in str(c.value) for r in book.active.iter_rows() for c in r)
    turtle = client.get(f"/check/{session}/report.ttl")
    assert turtle.headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(turtle.content, format=ox.RdfFormat.TURTLE))
    assert any(t.object == ox.NamedNode(SH_REPORT) for t in triples)
    assert client.get(f"/check/{session}/report.pdf").status_code == 404


def test_bad_input_is_shown_in_the_page_and_nothing_is_kept(site: Site) -> None:
    client = site.client
    no_extension = client.post(
        "/check", files={"file": ("products", table(ROWS[0]))}, data={"standard": STANDARD, "firm": "acme"}
    )
    assert no_extension.status_code == 400 and 'role="alert"' in no_extension.text and "扩展名" in no_extension.text
    assert '<form method="post" action="/check"' in no_extension.text  # the form again, to try once more
    sessions_before = sorted(client.app.state.check_sessions.root.iterdir())  # type: ignore[attr-defined]
    assert sessions_before == []  # the refused upload's folder is gone
    unknown = client.post(
        "/check",
        files={"file": ("p.csv", table(ROWS[0]))},
        data={"standard": STANDARD, "firm": "acme", "category": "no-such"},
    )
    assert unknown.status_code == 400 and "no-such" in unknown.text
    firm = client.post("/check", files={"file": ("p.csv", table(ROWS[0]))}, data={"standard": STANDARD, "firm": "a b"})
    assert firm.status_code == 400 and "企业标识" in firm.text
    draft = client.post("/check", files={"file": ("p.csv", table(ROWS[0]))}, data={"standard": "nope@1", "firm": "a"})
    assert draft.status_code == 404 and 'role="alert"' in draft.text
    too_big = client.post("/check", files={"file": ("p.csv", b"x" * 300_000)}, data={"standard": STANDARD, "firm": "a"})
    assert too_big.status_code == 413 and "CPMS_KG_MAX_UPLOAD_BYTES" in too_big.text

    session = site.upload(table(ROWS[0]))
    chosen = site.selected(session)
    twice = {**chosen, "col-2": "product"}
    refused = client.post(f"/check/{session}/mapping", data=twice)
    assert refused.status_code == 400 and "请恰好选择一个产品编码列" in refused.text
    assert '<option value="product" selected>' in refused.text  # the reader's choices are kept
    duplicate = {**chosen, "col-4": chosen["col-3"]}
    refused = client.post(f"/check/{session}/mapping", data=duplicate)
    assert refused.status_code == 400 and "外径 D" in refused.text and "bore_diameter" in refused.text
    assert not (client.app.state.check_sessions.root / session / "mapping.json").exists()  # type: ignore[attr-defined]

    repeated = site.upload(table(ROWS[0], ROWS[0]))
    client.post(f"/check/{repeated}/mapping", data=site.selected(repeated))
    for _ in range(300):
        failed = client.get(f"/check/{repeated}")
        if 'id="job"' not in failed.text:
            break
        time.sleep(0.05)
    assert failed.status_code == 400 and "第 3 行" in failed.text and "P001" in failed.text  # located in the page
    assert client.get("/check/AAAAAAAAAAAAAAAAAAAAAA").status_code == 404
    assert client.get("/check/not-an-id!").status_code == 404
    assert not any(g.startswith(BASE + "graph/private/firm/") and "/acme/" in g for g in site.store.named_graphs())


def test_progress_page_reads_without_script() -> None:
    job = Job("j1", "check-page", status="running", phase="validating (5 rows)", progress=0.42)
    body = progress_page(Viewer(lang="en"), CheckSession("s" * 22, "big.csv", "data.csv", STANDARD, "acme"), job)
    assert '<progress id="progress" max="100" value="42">42%</progress>' in body
    assert '<label for="progress">Progress</label>' in body and 'aria-live="polite"' in body
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in body and 'data-job="j1"' in body


# --- in the browser -----------------------------------------------------------------------------------


@pytest.mark.xdist_group("browser")
def test_a_steward_does_it_all_in_the_browser(browser_page: Page, live_server: Server, tmp_path: Path) -> None:
    c = Client(live_server.url)
    c.user("zeta-steward", "firm-steward", firm="zeta")
    page = browser_page
    login(page, live_server, c.tokens["zeta-steward"])
    page.goto("/")
    page.click("header nav >> text=数据检查")
    page.wait_for_url("**/check")
    screenshot_check(page, "check-upload")
    source = tmp_path / "产品.csv"
    source.write_bytes(table(ROWS[0]))
    page.set_input_files("#file", str(source))
    page.select_option("#standard", STANDARD)
    assert page.input_value("#firm") == "zeta"  # the steward's own firm
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url.endswith("/mapping")
    assert page.locator("#col-0").input_value() == "product"
    screenshot_check(page, "check-mapping")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.wait_for_selector("#summary", timeout=60_000)  # the progress page follows the job, then shows the report
    assert "符合标准" in page.inner_text(".verdict")
    screenshot_check(page, "check-report")

    for kind, check in (
        ("csv", lambda data: data.decode("utf-8-sig").startswith("行 row")),
        ("xlsx", lambda data: data[:2] == b"PK"),
        ("ttl", lambda data: SH_REPORT.encode() in data or b"sh:ValidationReport" in data),
    ):
        with page.expect_download() as caught:
            page.click(f"a[href$='report.{kind}']")
        saved = Path(caught.value.path())
        assert check(saved.read_bytes()), kind

    page.fill("#dataset", "browser-q1")
    with page.expect_navigation():
        page.click("form[action$='/commit'] button")
    assert "browser-q1" in page.inner_text("section[aria-labelledby=commit]")
    with page.expect_navigation():
        page.click("form[action$='/share'] button")
    assert page.locator("a[href='/id/dataset/zeta/browser-q1']").count() == 1
    screenshot_check(page, "check-shared")
    entry = c.http.get("/id/dataset/zeta/browser-q1", headers={"Accept": "text/turtle"})
    assert entry.status_code == 200 and "CatalogueEntry" in entry.text
