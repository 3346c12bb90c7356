"""A whole pilot over REST against a running server: accounts, 15 experts' proposals, the consensus draft
with its conflicts resolved, the item-by-item vote, regional review, publication and promotion, then the
pilot with 20 firms sharing conforming data until its targets turn green and the acceptance passes.
The refusals the guide demands are checked on the way, and every step must be in the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cpms_kg.standards.spreadsheet import write_standard
from tests.conftest import ADMIN_TOKEN, BASE, Server, start_server, stop
from tests.workflow_data import EXPERTS, FIRMS, proposal

GROUP = "nb-bearings-experts"
STANDARD = "nb-rolling-bearings"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, initialised_store: Path) -> Iterator[Server]:
    import shutil

    store = tmp_path_factory.mktemp("pilot") / "store"
    shutil.copytree(initialised_store, store)
    running = start_server({"CPMS_KG_QUERY_TIMEOUT": "30"}, "--store", str(store))
    yield running
    stop(running.process)


class Client:
    """httpx against the server; `as_(name)` acts with that account's token."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=120)
        self.tokens: dict[str, str] = {"admin": ADMIN_TOKEN}

    def user(self, name: str, *roles: str, firm: str | None = None) -> None:
        made = self.http.post(
            "/api/users", json={"name": name, "roles": list(roles), "firm": firm}, headers=auth(ADMIN_TOKEN)
        )
        assert made.status_code == 201, made.text
        issued = self.http.post(f"/api/users/{name}/tokens", headers=auth(ADMIN_TOKEN))
        assert issued.status_code == 201, issued.text
        self.tokens[name] = issued.json()["token"]

    def call(self, method: str, path: str, who: str | None, **kwargs: Any) -> httpx.Response:
        headers = {**kwargs.pop("headers", {}), **(auth(self.tokens[who]) if who else {})}
        return self.http.request(method, path, headers=headers, **kwargs)

    def ok(self, method: str, path: str, who: str | None, **kwargs: Any) -> Any:
        response = self.call(method, path, who, **kwargs)
        assert response.status_code < 300, f"{method} {path} as {who}: {response.status_code} {response.text}"
        return response.json() if response.content else None


def refused(response: httpx.Response, status: int, *words: str) -> dict[str, Any]:
    body: dict[str, Any] = response.json()
    assert response.status_code == status, response.text
    assert body["ok"] is False and body["error"] and body["error_zh"]
    text = body["error"] + " " + body["error_zh"] + " ".join(p.get("message", "") for p in body.get("errors", []))
    for word in words:
        assert word in text, (word, body)
    return body


def xlsx(index: int, folder: Path) -> bytes:
    path = folder / f"proposal-{index}.xlsx"
    write_standard(proposal(index), path, format="xlsx")
    return path.read_bytes()


def test_a_whole_pilot_over_rest(served: Server, tmp_path: Path) -> None:
    c = Client(served.url)
    build_review_publish_and_promote_the_standard(c, tmp_path)
    run_the_pilot_to_acceptance(c)


def build_review_publish_and_promote_the_standard(c: Client, tmp_path: Path) -> None:
    c.user("bureau", "pilot-authority")
    c.user("lead", "expert-lead")
    c.user("reviewer", "regional-reviewer")
    c.user("outsider", "expert")
    for expert in EXPERTS:
        c.user(expert, "expert")
    c.user("expert16", "expert")

    c.ok(
        "POST",
        "/api/groups",
        "bureau",
        json={
            "id": GROUP,
            "name_zh": "宁波轴承专家组",
            "name_en": "Ningbo bearings experts",
            "standard": STANDARD,
            "version": "1.0",
            "lead": "lead",
        },
    )
    for expert, firm in zip(EXPERTS, FIRMS, strict=True):
        c.ok("POST", f"/api/groups/{GROUP}/members", "lead", json={"account": expert, "firm": firm})
    same_firm = c.call("POST", f"/api/groups/{GROUP}/members", "lead", json={"account": "expert16", "firm": FIRMS[3]})
    refused(same_firm, 422, FIRMS[3], "at most one expert per firm", "每家企业至多一名专家")

    early = c.call("POST", f"/api/groups/{GROUP}/seminar/close", "lead")
    refused(early, 422, "not submitted a proposal")
    for index, expert in enumerate(EXPERTS):
        files = {"file": (f"p{index}.xlsx", xlsx(index, tmp_path), "application/octet-stream")}
        submitted = c.ok("PUT", f"/api/groups/{GROUP}/proposals/{expert}", expert, files=files)
        assert submitted["revision"] == 1 and submitted["counts"]["attributes"] >= 26
    other = c.call("PUT", f"/api/groups/{GROUP}/proposals/{EXPERTS[0]}", EXPERTS[1], files={"file": ("x.xlsx", b"x")})
    refused(other, 403, "only its own proposal")
    revised = c.ok(
        "PUT",
        f"/api/groups/{GROUP}/proposals/{EXPERTS[14]}",
        EXPERTS[14],
        files={"file": ("p.xlsx", xlsx(14, tmp_path), "application/octet-stream")},
    )
    assert revised["revision"] == 2

    draft = c.ok("POST", f"/api/groups/{GROUP}/seminar/close", "lead")
    late = c.call(
        "PUT",
        f"/api/groups/{GROUP}/proposals/{EXPERTS[0]}",
        EXPERTS[0],
        files={"file": ("p.xlsx", xlsx(0, tmp_path), "application/octet-stream")},
    )
    refused(late, 409, "seminar")
    items = {(i["kind"], i["key"]): i for i in draft["items"]}
    bore = items[("attribute", "bore_diameter")]
    assert bore["support_count"] == 15 and ("attribute", "inner_diameter") not in items
    assert any(m["code"] == "inner_diameter" for m in bore["matches"])
    assert items[("attribute", "colour")]["support_count"] == 1
    assert items[("attribute", "gtin")]["support_count"] == 14
    open_conflicts = [(i, cf) for i in draft["items"] for cf in i["conflicts"] if cf["resolution"] is None]
    fields = {(i["key"], cf["field"]) for i, cf in open_conflicts}
    assert ("mass", "unit") in fields and ("RB/outside_diameter", "obligation") in fields

    refused(c.call("POST", f"/api/groups/{GROUP}/vote/open", "lead"), 422, "conflict")
    for item, conflict in open_conflicts:
        chosen = conflict["options"][0]["value"]
        body = {
            "kind": item["kind"],
            "key": item["key"],
            "field": conflict["field"],
            "value": chosen,
            "reason": "多数专家意见 · the majority's choice",
        }
        c.ok("POST", f"/api/groups/{GROUP}/draft/resolutions", "lead", json=body)
    c.ok("POST", f"/api/groups/{GROUP}/vote/open", "lead")

    draft = c.ok("GET", f"/api/groups/{GROUP}/draft", "lead")
    for index, expert in enumerate(EXPERTS):
        votes = [
            {
                "kind": i["kind"],
                "key": i["key"],
                "choice": "reject" if i["key"] in ("colour", "RB/colour") and index != 6 else "approve",
                "comment": "" if i["support_count"] > 1 else "仅一位专家提出 · proposed by one expert",
            }
            for i in draft["items"]
        ]
        if index == 14:
            votes[0]["choice"] = "abstain"
        assert c.ok("POST", f"/api/groups/{GROUP}/votes", expert, json={"votes": votes})["recorded"] == len(votes)
    first = draft["items"][0]
    outsider = c.call(
        "POST",
        f"/api/groups/{GROUP}/votes",
        "outsider",
        json={"votes": [{"kind": first["kind"], "key": first["key"], "choice": "approve"}]},
    )
    refused(outsider, 403, "not a member", "不是专家组")
    tally = c.ok("GET", f"/api/groups/{GROUP}/tally", "reviewer")
    by_key = {t["key"]: t for t in tally["items"]}
    assert by_key["colour"]["outcome"] == "rejected" and by_key["colour"]["reject"] == 14
    assert by_key[first["key"]]["abstain"] == 1 and by_key[first["key"]]["outcome"] == "adopted"
    assert tally["summary"]["undecided"] == 0

    closed = c.ok("POST", f"/api/groups/{GROUP}/vote/close", "lead")
    assert closed["status"] == "under-review"
    assert c.call("GET", f"/api/standards/{STANDARD}/versions/1.0", None).status_code == 404  # not public yet
    refused(c.call("POST", f"/api/groups/{GROUP}/publish", "reviewer"), 409, "approved")
    c.ok(
        "POST",
        f"/api/groups/{GROUP}/regional-review",
        "reviewer",
        json={"approve": True, "comment": "同意发布 · approved"},
    )
    published = c.ok("POST", f"/api/groups/{GROUP}/publish", "reviewer")
    assert published["status"] == "published-provincial"

    version = c.ok("GET", f"/api/standards/{STANDARD}/versions/1.0", None)
    codes = {a["code"] for a in version["attributes"]}
    assert "colour" not in codes and {"bore_diameter", "gtin", "mass"} <= codes
    mass = next(a for a in version["attributes"] if a["code"] == "mass")
    assert mass["unit"] == "KiloGM"

    refused(
        c.call("POST", f"/api/standards/{STANDARD}/versions/1.0/promote", "reviewer", json={"to": "recommended"}), 403
    )
    for step in ("recommended", "published-national"):
        c.ok("POST", f"/api/standards/{STANDARD}/versions/1.0/promote", "admin", json={"to": step})
    iri = f"{BASE}standard/{STANDARD}/1.0"
    provenance = c.http.get(
        "/sparql",
        params={
            "query": f"""PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?label WHERE {{ ?a prov:used <{iri}> ; <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"""
        },
        headers={"Accept": "application/sparql-results+json"},
    ).json()
    labels = {b["label"]["value"] for b in provenance["results"]["bindings"]}
    assert {"publish", "recommended", "published-national"} <= labels
    status = c.ok("GET", f"/api/standards/{STANDARD}/versions/1.0", None)["info"]["status"]
    assert status == "published-national"

    trail = c.ok("GET", "/api/audit", "admin")
    actions = {r["action"] for r in trail["records"]}
    assert {
        "group.create",
        "group.member.add",
        "proposal.submit",
        "proposal.revise",
        "seminar.close",
        "draft.resolve",
        "vote.open",
        "vote.cast",
        "vote.close",
        "regional.review",
        "standard.publish",
        "standard.promote",
        "user.add",
        "user.token",
    } <= actions
    votes_cast = [r for r in trail["records"] if r["action"] == "vote.cast"]
    assert len(votes_cast) == 15 and all(r["role"] == "expert" for r in votes_cast)
    refused(c.call("GET", "/api/audit", "lead"), 403)
    assert c.call("GET", "/api/audit", None).status_code == 401
    hidden = c.http.get(
        "/sparql",
        params={"query": "ASK { ?r a <https://w3id.org/cpms-kg/ontology#AuditRecord> }"},
        headers={"Accept": "application/sparql-results+json"},
    ).json()
    assert hidden["boolean"] is False


PILOT_FIRMS = [f"pilotfirm{i:02d}" for i in range(1, 21)]
PRODUCT_HEADER = "产品编码,类目,轴承型号,内径 d,外径 D,宽度 B,密封型式,公差等级,基本额定动载荷\n"


def products(firm: str, batch: int) -> bytes:
    rows = [f"{firm}-{batch}-{n},单列深沟球轴承,620{n},25mm,52,15,2RS,P0,14\n" for n in range(3)]
    return (PRODUCT_HEADER + "".join(rows)).encode()


def run_the_pilot_to_acceptance(c: Client) -> None:
    today = dt.date.today()
    end = today - dt.timedelta(days=30)
    start = end.replace(year=end.year - 2)
    pilot = {
        "id": "cixi-bearings",
        "county": "330282",
        "industry": "cpc21:4331",
        "year": start.year,
        "industry_output": "12000000000",
        "start": start.isoformat(),
        "end": end.isoformat(),
        "expert_group": GROUP,
        "standard": STANDARD,
    }
    c.ok("POST", "/api/pilots", "bureau", json=pilot)
    breach = {**pilot, "id": "cixi-fasteners", "industry": "cpc21:4294", "industry_output": "4000000000"}
    body = refused(c.call("POST", "/api/pilots", "bureau", json=breach), 422)
    problems = " ".join(p["message"] + p.get("message_zh", "") for p in body["errors"])
    assert "10 billion" in problems and "100 亿元" in problems  # the output threshold
    assert "same year" in problems and "pilot/cixi-bearings" in problems  # one industry per county per year
    assert c.call("GET", "/api/pilots/cixi-fasteners", "bureau").status_code == 404

    for firm in PILOT_FIRMS:
        c.user(f"steward-{firm}", "firm-steward", firm=firm)
    c.ok("POST", "/api/pilots/cixi-bearings/firms", "bureau", json={"firms": PILOT_FIRMS})
    scenarios = [
        {"id": f"s{i}", "name": {"zh": zh, "en": en}, "firms": PILOT_FIRMS[i * 5 : i * 5 + 5]}
        for i, (zh, en) in enumerate(
            [
                ("供应链采购协同", "Supply-chain procurement"),
                ("产品选型", "Product selection"),
                ("质量追溯", "Quality tracing"),
            ]
        )
    ]
    c.ok("POST", "/api/pilots/cixi-bearings/scenarios", "bureau", json={"scenarios": scenarios})
    before = {r["metric"]: r for r in c.ok("GET", "/api/pilots/cixi-bearings/targets", "bureau")["targets"]}
    assert before["experts"]["met"] and before["firms"]["met"]
    assert not before["catalogue-entries"]["met"] and before["catalogue-entries"]["value"] == 0

    for firm in PILOT_FIRMS:
        steward = f"steward-{firm}"
        for batch in range(4):
            form = {"standard": STANDARD, "firm": firm, "commit": "true", "dataset": f"b{batch}"}
            files = {"file": (f"{firm}-{batch}.csv", products(firm, batch), "text/csv")}
            report = c.ok("POST", "/api/validate", steward, data=form, files=files)
            assert report["conforms"] and report["committed_dataset"] == f"b{batch}", report
            c.ok("POST", f"/api/datasets/{firm}/b{batch}/share", steward)
    other = c.call("POST", f"/api/datasets/{PILOT_FIRMS[0]}/b0/share", f"steward-{PILOT_FIRMS[1]}")
    refused(other, 403)
    for i, firm in enumerate(PILOT_FIRMS[:3]):
        registration = {
            "firm": firm,
            "dataset": "b0",
            "number": f"ZJ-DIP-{today.year}-{i + 1:04d}",
            "authority": "浙江省数据知识产权登记平台",
            "date": today.isoformat(),
        }
        c.ok("POST", "/api/dataip", f"steward-{firm}", json=registration)
        assert c.ok("GET", f"/api/dataip/ZJ-DIP-{today.year}-{i + 1:04d}/verify", None)["match"] is True

    sheet = c.ok("GET", "/api/pilots/cixi-bearings/targets", "bureau")
    values = {r["metric"]: r["value"] for r in sheet["targets"]}
    assert values == {
        "experts": 15,
        "firms": 20,
        "scenarios": 3,
        "data-ip-registrations": 3,
        "catalogue-entries": 80,
        "data-items": values["data-items"],
    }
    assert values["data-items"] >= 400 and all(r["met"] for r in sheet["targets"])
    readiness = c.ok("GET", "/api/pilots/cixi-bearings/acceptance-report", "bureau")
    assert readiness["ready"] is True, readiness["text_en"]
    refused(c.call("POST", "/api/pilots/cixi-bearings/acceptance", "bureau", json={"outcome": "passed"}), 403)
    c.ok("POST", "/api/pilots/cixi-bearings/acceptance", "admin", json={"outcome": "passed", "comment": "验收通过"})
    assert c.ok("GET", "/api/pilots/cixi-bearings", "bureau")["acceptance"][0]["outcome"] == "passed"
    assert c.call("GET", "/api/pilots/cixi-bearings", None).status_code == 401
    assert c.call("GET", "/api/pilots/cixi-bearings", f"steward-{PILOT_FIRMS[0]}").status_code == 403

    trail = c.ok("GET", "/api/audit", "admin", params={"limit": 1000})  # the audit trail is paged (100 by default)
    assert trail["total"] == len(trail["records"])
    actions = {r["action"] for r in trail["records"]}
    assert {
        "pilot.create",
        "pilot.firms.add",
        "pilot.scenarios.add",
        "dataset.commit",
        "dataset.share",
        "dataip.register",
        "pilot.acceptance",
    } <= actions
    commits = c.ok("GET", "/api/audit", "admin", params={"action": "dataset.commit"})
    assert commits["count"] == 80 and {r["role"] for r in commits["records"]} == {"firm-steward"}
