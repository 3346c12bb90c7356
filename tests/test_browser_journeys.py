"""Each remaining user's main job in headless Chromium, from the home page, in Chinese and in English (issue 8's
"done when"): an expert uploads a proposal and reads its checks, the lead resolves the draft's conflicts with
reasons and runs the vote, the regional reviewer signs off and publishes, and the published version is found on
the standards pages; a firm steward's check in English. Every journey starts at "/" and then only clicks (a
person's reload aside); the English runs switch through the page's own link and find no Chinese in the chrome."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from cpms_kg.standards.model import Standard, Text
from cpms_kg.standards.spreadsheet import write_standard
from tests.browser import new_page, screenshot_check
from tests.conftest import Server
from tests.test_pages_check import STANDARD, table
from tests.test_workflow_e2e import Client, xlsx
from tests.workflow_data import EXPERTS, FIRMS, proposal

pytestmark = pytest.mark.xdist_group("browser")

HEADER_EN = ["Product code", "Category", "Bearing designation", "Bore diameter d", "Outside diameter D", "Width B",
             "Seal type", "Tolerance class", "Basic dynamic load rating"]  # fmt: skip
ROWS_EN = [
    ["P001", "Single row deep groove ball bearings", "6205", "25mm", "5.2 cm", "15", "2RS", "P0", "14"],
    ["P002", "Single row deep groove ball bearings", "6206", "30", "62", "16", "XX", "P6", "19.5"],
]

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_UI_TEXTS = """() => {
  const sel = 'header, footer, main h1, main h2, main h3, button, label, legend, caption, summary, th[scope=col]';
  return [...document.querySelectorAll(sel)].map(e => {
    const copy = e.cloneNode(true);
    // Text marked as the other language is meant to be: the switch back to 中文, the name in both languages.
    copy.querySelectorAll('[hreflang], [lang]').forEach(a => a.remove());
    return copy.textContent.trim();
  });
}"""


@dataclass(frozen=True)
class Words:
    """The visible words each journey clicks and looks for, in one language."""

    groups: str
    standards: str
    phase_proposals: str
    upload: str
    back: str
    quality: str
    passed: str
    close_seminar: str
    draft: str
    conflicts: str
    no_conflicts: str
    resolved: str
    reason: str
    open_vote: str
    phase_voting: str
    phase_review: str
    phase_approved: str
    close_vote: str
    adopted: str
    waiting: str
    submit_review: str
    publish: str
    phase_published: str
    status_published: str
    empty_name: str


_PAIRS = {  # what a reader sees, (zh, en), as the pages' viewer.t(zh, en) says it
    "groups": ("专家组", "Expert groups"),
    "standards": ("标准", "Standards"),
    "phase_proposals": ("收集提案", "collecting proposals"),
    "upload": ("上传并检查", "Upload and check"),
    "back": ("返回", "Back"),
    "quality": ("质量检查", "Quality check"),
    "passed": ("质量检查通过，没有问题。", "The quality check found nothing to fix."),
    "close_seminar": ("结束研讨，合并为共识草案", "Close the seminar and merge the draft"),
    "draft": ("共识草案", "Consensus draft"),
    "conflicts": ("2 个冲突待组长处理。", "2 conflicts to resolve."),
    "no_conflicts": ("没有未决冲突。", "No open conflicts."),
    "resolved": ("已解决", "Resolved"),
    "reason": ("研讨会多数意见", "the seminar's majority"),
    "open_vote": ("开始逐项表决", "Open the item-by-item vote"),
    "phase_voting": ("逐项表决", "item-by-item vote"),
    "phase_review": ("区域审核", "regional review"),
    "phase_approved": ("审核通过，待发布", "approved, to publish"),
    "close_vote": ("结束表决，形成送审稿", "Close the vote: the version for review"),
    "adopted": ("通过", "adopted"),
    "waiting": ("等待区域推进组审核。", "Waiting for the regional reviewer."),
    "submit_review": ("提交审核意见", "Submit the review"),
    "publish": ("发布为省级标准", "Publish as a provincial standard"),
    "phase_published": ("已发布", "published"),
    "status_published": ("省级发布", "published (provincial)"),
    "empty_name": ("英文名称为空", "empty name_en"),
}
WORDS = {lang: Words(**{k: pair[n] for k, pair in _PAIRS.items()}) for n, lang in enumerate(("zh", "en"))}


def chinese_in_ui(page: Page) -> list[str]:
    """Texts of the page's chrome (header, footer, headings, buttons, labels, table heads) holding Chinese, leaving
    out what is marked as written in another language (`lang`, `hreflang`)."""
    return [text for text in page.evaluate(_UI_TEXTS) if CJK.search(text)]


def visit(page: Page, lang: str, name: str) -> None:
    """What every page of a journey must pass: the layout check, and in English an English page."""
    assert page.locator("html").get_attribute("lang") == lang, page.url
    if lang == "en":
        assert chinese_in_ui(page) == [], (page.url, chinese_in_ui(page))
    screenshot_check(page, f"{name}-{lang}")


@contextmanager
def signed_in(chromium: Browser, server: Server, shots: Path, *, lang: str, c: Client, user: str) -> Iterator[Page]:
    """A person opening the home page, switching the language with its own link, then signing in from the header;
    their browser context is closed afterwards, whatever happened."""
    page = new_page(chromium, server, shots=shots)
    try:
        page.goto("/")
        if lang == "en":
            with page.expect_navigation():
                page.click("header a[hreflang=en]")
            assert page.locator("main h1").inner_text().startswith("CPMS knowledge graph")
        with page.expect_navigation():
            page.click("header .side a[href^='/login']")
        page.fill("#token", c.tokens[user])
        with page.expect_navigation():
            page.click("form[action='/login'] button[type=submit]")
        assert page.url == server.url + "/", page.url
        assert page.locator("header .side span").inner_text() == user
        visit(page, lang, f"home-{user}")
        yield page
    finally:
        page.context.close()


def _workbook(standard: Standard, path: Path) -> Path:
    write_standard(standard, path, format="xlsx")
    return path


def _without_english_name(standard: Standard) -> Standard:
    """A workbook the reader refuses: an attribute with no English name."""
    attributes = tuple(replace(a, name=Text(a.name.zh, "")) if a.code == "mass" else a for a in standard.attributes)
    return replace(standard, attributes=attributes)


def _mapped_outside_the_industry(standard: Standard) -> Standard:
    """A workbook that reads but breaks a quality rule (Q07): a category mapped outside the industry's subtree."""
    categories = tuple(
        replace(c, mappings=(replace(c.mappings[0], code="4332"),)) if c.code == "RB0101" else c
        for c in standard.categories
    )
    return replace(standard, categories=categories)


@dataclass(frozen=True)
class Group:
    id: str
    standard: str
    lead: str
    reviewer: str
    experts: list[str]


def prepare(c: Client, lang: str, folder: Path) -> Group:
    """A group of 15 in the proposal phase, all but the first expert having proposed (REST, as a bureau would)."""
    p = f"j{lang}-"
    group = Group(f"journey-{lang}", f"journey-bearings-{lang}", p + "lead", p + "reviewer", [p + e for e in EXPERTS])
    c.user(p + "bureau", "pilot-authority")
    c.user(group.lead, "expert-lead")
    c.user(group.reviewer, "regional-reviewer")
    for expert in group.experts:
        c.user(expert, "expert")
    body = {"id": group.id, "name_zh": "旅程轴承专家组", "name_en": "Journey bearings experts",
            "standard": group.standard, "lead": group.lead}  # fmt: skip
    c.ok("POST", "/api/groups", p + "bureau", json=body)
    for index, (expert, firm) in enumerate(zip(group.experts, FIRMS, strict=True)):
        c.ok("POST", f"/api/groups/{group.id}/members", group.lead, json={"account": expert, "firm": firm})
        if index:
            files = {"file": ("p.xlsx", xlsx(index, folder))}
            c.ok("PUT", f"/api/groups/{group.id}/proposals/{expert}", expert, files=files)
    return group


def _step(page: Page) -> str:
    return page.inner_text("main ol.steps [aria-current=step]")


def _button(page: Page, label: str) -> None:
    with page.expect_navigation():
        page.click(f"main button:text-is('{label}')")


def _open_group(page: Page, w: Words, group: Group) -> None:
    page.click(f"header nav a:text-is('{w.groups}')")
    page.wait_for_url("**/groups")
    page.click(f"main a[href='/groups/{group.id}']")
    page.wait_for_url(f"**/groups/{group.id}")


def expert_proposes(page: Page, w: Words, lang: str, group: Group, folder: Path) -> None:
    """From the home page's task list to the group; a workbook the reader refuses (the row and column named), one
    that breaks a quality rule (the finding listed), then a clean one."""
    page.click("main ul.tasks a[href='/groups']")
    page.wait_for_url("**/groups")
    visit(page, lang, "groups")
    page.click(f"main a[href='/groups/{group.id}']")
    page.wait_for_url(f"**/groups/{group.id}")
    assert _step(page) == w.phase_proposals
    visit(page, lang, "group-proposals")

    page.set_input_files("#proposal", str(_workbook(_without_english_name(proposal(0)), folder / "broken.xlsx")))
    _button(page, w.upload)
    said = page.inner_text("main [role=alert]")
    assert w.empty_name in said and re.search(r"第 \d+ 行|row \d+", said) and "英文名称" in said, said
    visit(page, lang, "proposal-refused")
    with page.expect_navigation():
        page.click(f"main a:text-is('{w.back}')")

    flawed = _workbook(_mapped_outside_the_industry(proposal(0)), folder / "flawed.xlsx")
    page.set_input_files("#proposal", str(flawed))
    _button(page, w.upload)
    assert page.url.endswith(f"/groups/{group.id}/proposals/{group.experts[0]}")
    assert page.inner_text("main h2#quality") == w.quality
    findings = page.locator("section[aria-labelledby=quality] tbody tr")
    assert findings.count() == 1 and page.locator("main p.bad").count() == 1
    assert "Q07" in findings.inner_text() and findings.inner_text().count("RB0101") == 1
    visit(page, lang, "proposal-flawed")

    with page.expect_navigation():
        page.click(f"main a[href='/groups/{group.id}']")
    page.set_input_files("#proposal", str(_workbook(proposal(0), folder / "clean.xlsx")))
    _button(page, w.upload)
    assert page.inner_text("section[aria-labelledby=quality] p.ok").endswith(w.passed)
    visit(page, lang, "proposal-clean")


def lead_resolves_and_opens_the_vote(page: Page, w: Words, lang: str, group: Group) -> None:
    """The draft with support counts and conflicts; the vote refused while they are open; each resolved with a
    reason (the majority's value); then the vote opened."""
    _open_group(page, w, group)
    _button(page, w.close_seminar)
    draft = page.locator("section[aria-labelledby=draft]")
    assert page.inner_text("main h2#draft") == w.draft and w.conflicts in draft.inner_text()
    support = set(draft.locator("tbody tr > td:nth-child(2)").all_inner_texts())
    assert {"15 / 15", "14 / 15", "1 / 15"} <= support  # all; all but the one without GTIN; colour's one
    visit(page, lang, "draft")

    _button(page, w.open_vote)
    assert "mass" in page.inner_text("main [role=alert]")
    visit(page, lang, "vote-refused")
    with page.expect_navigation():
        page.click(f"main a:text-is('{w.back}')")

    forms = page.locator("form.resolve")
    assert forms.count() == 2
    chosen = []
    while forms.count():
        form = forms.first
        majority = form.locator("input[type=radio]").first  # options are ranked by support
        chosen.append(majority.get_attribute("value") or "")
        majority.check()
        form.locator("input[name=reason]").fill(w.reason)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
    resolved = draft.locator("p.ok", has_text=w.resolved).all_inner_texts()
    assert len(resolved) == 2 and all(w.reason in r and group.lead in r for r in resolved)
    assert sorted(chosen) == sorted(re.findall(r"“(.*?)”", r)[0] for r in resolved)
    assert "KiloGM" in chosen and w.no_conflicts in draft.inner_text()
    visit(page, lang, "draft-resolved")
    _button(page, w.open_vote)
    assert _step(page) == w.phase_voting
    visit(page, lang, "voting")


def everyone_votes(c: Client, group: Group) -> int:
    draft = c.ok("GET", f"/api/groups/{group.id}/draft", group.lead)
    votes = [{"kind": i["kind"], "key": i["key"], "choice": "approve"} for i in draft["items"]]
    for expert in group.experts:
        c.ok("POST", f"/api/groups/{group.id}/votes", expert, json={"votes": votes})
    return len(votes)


def lead_closes_the_vote(page: Page, w: Words, lang: str, items: int) -> None:
    page.reload()  # the experts voted meanwhile
    tally = page.locator("section[aria-labelledby=tally] tbody tr > td:nth-child(2)").all_inner_texts()
    assert tally == ["15"] * items
    _button(page, w.close_vote)
    assert _step(page) == w.phase_review and w.waiting in page.inner_text("main")
    outcomes = page.locator("section[aria-labelledby=tally] tbody tr > td:last-child").all_inner_texts()
    assert outcomes == [w.adopted] * items
    visit(page, lang, "tally")


def reviewer_signs_off_and_publishes(page: Page, w: Words, lang: str, group: Group) -> None:
    """Approval, publication, then the standards pages: the list, the standard, the published version."""
    _open_group(page, w, group)
    assert _step(page) == w.phase_review
    visit(page, lang, "regional-review")
    page.check("input[name=decision][value=approve]")
    _button(page, w.submit_review)
    assert _step(page) == w.phase_approved
    visit(page, lang, "approved")
    _button(page, w.publish)
    assert _step(page) == w.phase_published
    visit(page, lang, "published")

    page.click(f"header nav a:text-is('{w.standards}')")
    page.wait_for_url("**/standards")
    row = page.locator("main tr", has=page.locator(f"a[href='/standards/{group.standard}']"))
    assert w.status_published in row.inner_text()
    visit(page, lang, "standards")
    row.locator("a").first.click()
    page.wait_for_url(f"**/standards/{group.standard}")
    visit(page, lang, "standard")
    page.click(f"main a[href='/standards/{group.standard}/1.0']")
    page.wait_for_url(f"**/standards/{group.standard}/1.0")
    assert w.status_published in page.inner_text("main")
    assert "KGM" in page.inner_text("#attribute-mass")  # the resolved unit, not the grams of two proposals
    assert page.locator("#attribute-colour").count() == 1  # an item one expert proposed and all adopted
    visit(page, lang, "standard-published")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_experts_lead_and_reviewer_from_the_home_page(
    lang: str, chromium: Browser, live_server: Server, tmp_path: Path
) -> None:
    w = WORDS[lang]
    c = Client(live_server.url)
    group = prepare(c, lang, tmp_path)
    with signed_in(chromium, live_server, tmp_path, lang=lang, c=c, user=group.experts[0]) as page:
        expert_proposes(page, w, lang, group, tmp_path)
    with signed_in(chromium, live_server, tmp_path, lang=lang, c=c, user=group.lead) as page:
        lead_resolves_and_opens_the_vote(page, w, lang, group)
        items = everyone_votes(c, group)
        lead_closes_the_vote(page, w, lang, items)
    listed = c.http.get("/standards", headers={"Cookie": f"cpms_lang={lang}"}).text
    assert f'href="/standards/{group.standard}"' not in listed  # under review: not public yet
    with signed_in(chromium, live_server, tmp_path, lang=lang, c=c, user=group.reviewer) as page:
        reviewer_signs_off_and_publishes(page, w, lang, group)


def test_a_firm_checks_its_data_in_english(chromium: Browser, live_server: Server, tmp_path: Path) -> None:
    """A steward's check in English from the home page: upload, the suggested mapping, the report, a download."""
    c = Client(live_server.url)
    c.user("jen-steward", "firm-steward", firm="jen-firm")
    with signed_in(chromium, live_server, tmp_path, lang="en", c=c, user="jen-steward") as page:
        check_in_english(page, tmp_path)


def check_in_english(page: Page, folder: Path) -> None:
    page.click("main ul.tasks a[href='/check']")
    page.wait_for_url("**/check")
    assert page.inner_text("main h1") == "Check my data"
    visit(page, "en", "check-upload")
    source = folder / "products.csv"
    source.write_bytes(table(*ROWS_EN, header=HEADER_EN))
    page.set_input_files("#file", str(source))
    page.select_option("#standard", STANDARD)
    assert page.input_value("#firm") == "jen-firm"
    _button(page, "Upload and map columns")
    assert page.url.endswith("/mapping") and page.inner_text("main h1") == "Confirm the column mapping"
    chosen = [page.input_value(f"#col-{n}") for n in range(len(HEADER_EN))]
    attributes = ["designation", "bore_diameter", "outside_diameter", "width", "seal_type", "precision_class",
                  "dynamic_load_rating"]  # fmt: skip
    assert chosen == ["product", "category", *(f"attribute:{a}" for a in attributes)]  # suggested by English names
    visit(page, "en", "check-mapping")
    _button(page, "Confirm the mapping and check")
    page.wait_for_selector("#summary", timeout=60_000)  # the progress page follows the job, then shows the report
    assert page.inner_text(".verdict") == "✗ Does not conform to the standard"
    violation = page.locator("section[aria-labelledby=findings] tbody tr", has_text="XX")
    assert violation.count() == 1 and "Seal type must be a code of the list" in violation.inner_text()
    assert re.search(r"page 1 of 1, \d+ findings", page.inner_text("section[aria-labelledby=findings]"))
    visit(page, "en", "check-report")
    with page.expect_download() as caught:
        page.click("a[href$='report.csv']")
    assert Path(caught.value.path()).read_bytes().decode("utf-8-sig").startswith("行 row")
