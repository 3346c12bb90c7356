"""Expert group pages: propose (with the quality check), the consensus draft and its conflicts, the item-by-item
vote, the tally, the regional review and publication, each form refused politely to the wrong account with
nothing stored; then an expert voting in headless Chromium against a real server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from httpx import Response
from playwright.sync_api import Page

from cpms_kg import accounts
from cpms_kg.accounts import Role
from cpms_kg.standards.model import Status, Text
from cpms_kg.standards.rdf import load_standard
from cpms_kg.standards.spreadsheet import write_standard
from cpms_kg.workflow import audit, groups, proposals, review
from cpms_kg.workflow.groups import Phase
from cpms_kg.workflow.review import Choice
from tests.browser import login, screenshot_check
from tests.conftest import ADMIN_TOKEN, Server, app_client
from tests.page_site import Site as PageSite
from tests.test_workflow_e2e import Client, xlsx
from tests.workflow_data import EXPERTS, FIRMS, proposal

STANDARD = "qz-bearings"


class Site(PageSite):
    def post(
        self, path: str, *, data: dict[str, str] | None = None, files: dict[str, tuple[str, bytes]] | None = None
    ) -> Response:
        return self.client.post(path, data=data, files=files, follow_redirects=False)

    def phase(self) -> Phase:
        return groups.load(self.store, "g").phase


@pytest.fixture
def site(store_dir: Path) -> Iterator[Site]:
    with app_client(store_dir) as (client, store):
        tokens = {"admin": ADMIN_TOKEN}
        people = [("lead", Role.EXPERT_LEAD), ("reviewer", Role.REGIONAL_REVIEWER), ("steward", Role.FIRM_STEWARD)]
        for name, role in [*people, *((e, Role.EXPERT) for e in EXPERTS), ("outsider", Role.EXPERT)]:
            accounts.add_user(store, name, [role], firm="acme" if role is Role.FIRM_STEWARD else None)
            tokens[name] = accounts.issue_token(store, name)
        groups.create(
            store, "g", name=Text("衢州轴承专家组", "Quzhou bearings experts"), standard_id=STANDARD, version="1.0",
            lead="lead",
        )  # fmt: skip
        for expert, firm in zip(EXPERTS, FIRMS, strict=True):
            groups.add_member(store, "g", expert, firm)
        yield Site(client, store, tokens)


def test_from_proposals_to_publication_in_pages(site: Site, tmp_path: Path) -> None:
    client, store = site.client, site.store
    listing = client.get("/groups")
    assert listing.status_code == 401 and 'role="alert"' in listing.text and "/login?next=/groups" in listing.text
    site.as_("steward")
    assert client.get("/groups/g").status_code == 403

    site.as_(EXPERTS[0])
    listing = client.get("/groups")
    assert listing.status_code == 200 and 'href="/groups/g"' in listing.text and "收集提案" in listing.text
    page = client.get("/groups/g").text
    assert '<li aria-current="step">收集提案</li>' in page and "15 / 至少 15" in page
    assert '<label for="proposal">' in page and 'action="/groups/g/seminar/close"' not in page  # not the lead

    broken = client.post("/groups/g/proposals", files={"file": ("p.xlsx", b"not a workbook")})
    assert broken.status_code == 400 and 'role="alert"' in broken.text
    assert EXPERTS[0] in proposals.missing(store, groups.load(store, "g"))
    sent = site.post("/groups/g/proposals", files={"file": ("p.xlsx", xlsx(0, tmp_path))})
    assert sent.status_code == 303 and sent.headers["location"] == f"/groups/g/proposals/{EXPERTS[0]}"
    mine = client.get(sent.headers["location"]).text
    assert f"{EXPERTS[0]} 的提案" in mine and "质量检查" in mine and "<dt>属性</dt>" in mine
    assert [r.account for r in audit.records(store, action="proposal.submit")] == [EXPERTS[0]]
    for index, expert in enumerate(EXPERTS[1:], start=1):
        proposals.submit(store, "g", expert, proposal(index))

    assert site.post("/groups/g/seminar/close").status_code == 403
    assert site.phase() is Phase.PROPOSALS
    site.as_("lead")
    assert 'action="/groups/g/seminar/close"' in client.get("/groups/g").text
    assert site.post("/groups/g/seminar/close").headers["location"] == "/groups/g#draft"
    page = client.get("/groups/g").text
    assert "共识草案" in page and "个冲突待组长处理" in page and 'action="/groups/g/resolutions"' in page
    assert "代码相同" in page and "/ 15</td>" in page  # match reasons and support counts

    early = site.post("/groups/g/vote/open")
    assert early.status_code == 422 and "mass" in early.text and "unit" in early.text
    assert site.phase() is Phase.DRAFT
    open_conflicts = review.draft(store, groups.load(store, "g")).open_conflicts
    assert len(open_conflicts) == 2
    item, conflict = open_conflicts[0]
    form = {"kind": item.kind, "key": item.key, "field": conflict.field, "value": conflict.options[0][0]}
    no_reason = site.post("/groups/g/resolutions", data={**form, "reason": " "})
    assert no_reason.status_code == 400 and "理由" in no_reason.text
    for item, conflict in open_conflicts:
        form = {"kind": item.kind, "key": item.key, "field": conflict.field, "value": conflict.options[0][0]}
        assert site.post("/groups/g/resolutions", data={**form, "reason": "多数意见"}).status_code == 303
    assert "已解决" in client.get("/groups/g").text
    assert site.post("/groups/g/vote/open").status_code == 303
    assert site.phase() is Phase.VOTING

    site.as_(EXPERTS[1])
    client.cookies.set("cpms_lang", "en")
    page = client.get("/groups/g").text
    assert '<li aria-current="step">item-by-item vote</li>' in page and 'action="/groups/g/votes"' in page
    draft = review.draft(store, groups.load(store, "g"))
    n_items = len(draft.items)
    assert page.count('type="radio" name="vote-') == 3 * n_items
    assert '<label class="sr-only" for="comment-0">Comment</label>' in page
    nothing = site.post("/groups/g/votes", data={f"item-{n}": f"{i.kind}|{i.key}" for n, i in enumerate(draft.items)})
    assert nothing.status_code == 400 and "at least one item" in nothing.text
    ballot = {f"item-{n}": f"{i.kind}|{i.key}" for n, i in enumerate(draft.items)}
    ballot |= {f"vote-{n}": "approve" for n in range(n_items)}
    ballot |= {"vote-0": "reject", "comment-0": "范围过宽 · too broad"}
    assert site.post("/groups/g/votes", data=ballot).headers["location"] == "/groups/g#tally"
    page = client.get("/groups/g").text
    assert re.search(r'name="vote-0" value="reject" checked', page) and "范围过宽 · too broad" in page
    tally = {(t.kind, t.key): t for t in review.tally(store, "g")[2]}
    first = draft.items[0]
    assert (tally[(first.kind, first.key)].reject, tally[(first.kind, first.key)].approve) == (1, 0)
    assert "Tally" in page and "undecided" in page

    site.as_("outsider")  # an expert, but not of this group
    refused = site.post("/groups/g/votes", data=ballot)
    assert refused.status_code == 403 and "not a member" in refused.text
    for expert in EXPERTS[2:]:
        review.vote(store, "g", expert, [(i.kind, i.key, Choice.APPROVE, "") for i in draft.items])
    site.as_("lead")
    assert site.post("/groups/g/vote/close").status_code == 303
    assert site.phase() is Phase.REGIONAL_REVIEW
    page = client.get("/groups/g").text
    assert "adopted" in page and "Waiting for the regional reviewer" in page

    site.as_("reviewer")
    client.cookies.set("cpms_lang", "zh")
    page = client.get("/groups/g").text
    assert 'action="/groups/g/regional-review"' in page and '<label for="comment">' in page
    returned = site.post("/groups/g/regional-review", data={"decision": "return", "comment": ""})
    assert returned.status_code == 400 and "退回草案时须填写" in returned.text
    assert site.phase() is Phase.REGIONAL_REVIEW
    assert site.post("/groups/g/regional-review", data={"decision": "approve"}).status_code == 303
    published = site.post("/groups/g/publish")
    assert published.status_code == 303, published.text
    assert load_standard(store, STANDARD, "1.0").info.status is Status.PUBLISHED_PROVINCIAL
    page = client.get("/groups/g").text
    assert '<li aria-current="step">已发布</li>' in page and 'href="/standards/qz-bearings/1.0"' in page
    actions = [r.action for r in audit.records(store)]
    for done in ("seminar.close", "draft.resolve", "vote.open", "vote.cast", "vote.close", "regional.review",
                 "standard.publish"):  # fmt: skip
        assert done in actions, done


# --- in the browser -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def voting(live_server: Server, tmp_path_factory: pytest.TempPathFactory) -> Client:
    """A group of 15 on the live server, every member proposing the demo standard as it is, vote open (REST)."""
    c = Client(live_server.url)
    folder = tmp_path_factory.mktemp("proposals")
    c.user("b-lead", "expert-lead")
    c.user("b-bureau", "pilot-authority")
    experts = [f"b-{e}" for e in EXPERTS]
    for expert in experts:
        c.user(expert, "expert")
    body = {"id": "bg", "name_zh": "轴承专家组", "name_en": "Bearings experts", "standard": "b-bearings",
            "lead": "b-lead"}  # fmt: skip
    c.ok("POST", "/api/groups", "b-bureau", json=body)
    path = folder / "same.xlsx"
    write_standard(proposal(14), path, format="xlsx")
    for expert, firm in zip(experts, FIRMS, strict=True):
        c.ok("POST", "/api/groups/bg/members", "b-lead", json={"account": expert, "firm": firm})
        c.ok("PUT", f"/api/groups/bg/proposals/{expert}", expert, files={"file": ("p.xlsx", path.read_bytes())})
    c.ok("POST", "/api/groups/bg/seminar/close", "b-lead")
    c.ok("POST", "/api/groups/bg/vote/open", "b-lead")
    return c


@pytest.mark.xdist_group("browser")
def test_an_expert_votes_in_the_browser(browser_page: Page, live_server: Server, voting: Client) -> None:
    page = browser_page
    expert = f"b-{EXPERTS[0]}"
    login(page, live_server, voting.tokens[expert])
    page.goto("/")
    page.click("header nav >> text=专家组")
    page.wait_for_url("**/groups")
    page.click("main a[href='/groups/bg']")
    page.wait_for_url("**/groups/bg")
    rows = page.locator("form.vote tbody tr")
    count = rows.count()
    assert count > 20
    screenshot_check(page, "group-voting")
    for n in range(count):
        page.check(f"input[name='vote-{n}'][value='approve']")
    page.check("input[name='vote-1'][value='abstain']")
    page.fill("#comment-1", "需要再讨论")
    with page.expect_navigation():
        page.click("form.vote button[type=submit]")
    assert page.locator("input[name='vote-1'][value='abstain']").is_checked()
    assert page.input_value("#comment-1") == "需要再讨论"
    tally = voting.ok("GET", "/api/groups/bg/tally", "b-lead")
    assert sum(i["approve"] for i in tally["items"]) == count - 1 and sum(i["abstain"] for i in tally["items"]) == 1
    screenshot_check(page, "group-tally")
