"""Pilots: eligibility by the SHACL shapes, live targets, change requests, acceptance, and the REST routes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from cpms_kg import accounts
from cpms_kg.accounts import Role
from cpms_kg.errors import NotFound
from cpms_kg.namespaces import CPMS, DCTERMS, ORG, RDF
from cpms_kg.store.base import LoadSource
from cpms_kg.store.embedded import EmbeddedStore
from cpms_kg.terms import ntriples
from cpms_kg.workflow import audit
from cpms_kg.workflow.changes import (
    ChangeKind,
    ChangeStatus,
    Outcome,
    add_months,
    classify,
    decide,
    record_acceptance,
    request_change,
)
from cpms_kg.workflow.pilots import (
    Conflict,
    Ineligible,
    Names,
    PilotInput,
    ScenarioInput,
    Unprocessable,
    add_firms,
    add_scenarios,
    create,
    pilot_graph,
    read,
)
from cpms_kg.workflow.targets import readiness, target_sheet
from tests.conftest import ADMIN_TOKEN, BASE, app_client

C = str(CPMS)
BEARINGS_V1 = f"{BASE}standard/zj-rolling-bearings/1.0"
FASTENERS_V1 = f"{BASE}standard/zj-fasteners/1.0"
DATASET = "http://www.w3.org/ns/dcat#Dataset"  # DCAT as a test-module global makes pytest warn
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def store(store_dir: Path) -> Iterator[EmbeddedStore]:
    opened = EmbeddedStore(store_dir, base_iri=BASE, query_workers=1)
    yield opened
    opened.close()


def application(**fields: object) -> PilotInput:
    """A pilot that meets every rule: Yiwu (330782), CPC 2.1 class 4331, 12 billion yuan, 3 years."""
    pilot = PilotInput(
        id="yiwu-bearings",
        county="330782",
        industry="cpc21:4331",
        year=2025,
        output=Decimal("12000000000"),
        mountain_or_island=False,
        start=date(2025, 1, 1),
        end=date(2027, 12, 31),
        expert_group="bearings",
        standard="zj-rolling-bearings",
    )
    return replace(pilot, **fields)  # type: ignore[arg-type]


def rules(exc: Ineligible) -> set[str]:
    for p in exc.problems:
        # every breach is explained in both languages
        assert p.message and p.message_zh and CJK.search(p.message_zh) and not CJK.search(p.message)
    return {p.column or "" for p in exc.problems}


def refused(store: EmbeddedStore, pilot: PilotInput) -> set[str]:
    with pytest.raises(Ineligible) as caught:
        create(store, pilot)
    assert caught.value.status == 422
    assert pilot_graph(BASE, pilot.id) not in store.named_graphs()  # nothing stored
    return rules(caught.value)


# --- eligibility ---------------------------------------------------------------------------------

BREACHES = {
    "output below 10 billion": ({"output": Decimal("9999999999")}, "P12"),
    "mountain county below 5 billion": ({"output": Decimal("4999999999"), "mountain_or_island": True}, "P13"),
    "period over 3 years": ({"end": date(2028, 1, 1)}, "P15"),
    "ends before it starts": ({"end": date(2024, 12, 31)}, "P14"),
    "industry at level 5": ({"industry": "cpc21:43310"}, "P11"),
    "industry at level 2": ({"industry": "cpc21:43"}, "P11"),
    "industry not in the store": ({"industry": "cpc21:4339999"}, "P11"),
    "county code of a prefecture": ({"county": "330700"}, "P01"),
    "county code of five digits": ({"county": "33078"}, "P01"),
}


@pytest.mark.parametrize("case", sorted(BREACHES))
def test_each_eligibility_rule_refuses_its_breach(store: EmbeddedStore, case: str) -> None:
    fields, rule = BREACHES[case]
    assert refused(store, application(**fields)) == {rule}


PASSES = {
    "output exactly 10 billion": {"output": Decimal("10000000000")},
    "mountain county with 5 billion": {"output": Decimal("5000000000"), "mountain_or_island": True},
    "exactly 3 years": {"start": date(2025, 3, 1), "end": date(2028, 2, 29)},
    "industry at level 3": {"industry": "cpc21:433"},
    "industry by IRI": {"industry": f"{BASE}classification/cpc21/4331"},
}


@pytest.mark.parametrize("case", sorted(PASSES))
def test_the_rule_boundaries_pass(store: EmbeddedStore, case: str) -> None:
    pilot = create(store, application(**PASSES[case]))
    assert pilot.iri == f"{BASE}pilot/yiwu-bearings" and pilot_graph(BASE, pilot.id) in store.named_graphs()


def test_every_breach_is_listed_at_once(store: EmbeddedStore) -> None:
    bad = application(output=Decimal("1000000000"), industry="cpc21:43310", end=date(2030, 1, 1), county="3307")
    assert refused(store, bad) == {"P01", "P11", "P12", "P15"}


def test_one_industry_per_county_per_year(store: EmbeddedStore) -> None:
    create(store, application())
    other_industry = application(id="yiwu-fasteners", industry="cpc21:4294")
    assert refused(store, other_industry) == {"P16"}
    assert create(store, replace(other_industry, year=2026)).year == 2026


def test_an_industry_already_piloted_cannot_apply_again(store: EmbeddedStore) -> None:
    create(store, application())
    elsewhere = application(id="ninghai-bearings", county="330226", year=2027)
    assert refused(store, elsewhere) == {"P17"}
    # the same county and year and industry breaks both cross-pilot rules
    assert refused(store, application(id="yiwu-again")) == {"P16", "P17"}
    assert create(store, replace(elsewhere, industry="cpc21:4332")).county == "330226"


def test_a_pilot_id_is_taken_once(store: EmbeddedStore) -> None:
    create(store, application())
    with pytest.raises(Conflict):
        create(store, application(county="330226", industry="cpc21:4332"))


def test_scenario_firms_must_be_pilot_firms(store: EmbeddedStore) -> None:
    scenario = ScenarioInput("procurement", Names("采购协同", "procurement"), ("acme", "globex"))
    assert refused(store, application(firms=("acme",), scenarios=(scenario,))) == {"P22"}
    create(store, application(firms=("acme", "globex"), scenarios=(scenario,)))
    stray = ScenarioInput("tracing", Names("质量追溯", "quality tracing"), ("initech",))
    with pytest.raises(Ineligible) as caught:
        add_scenarios(store, "yiwu-bearings", [stray])
    assert rules(caught.value) == {"P22"}
    add_firms(store, "yiwu-bearings", ["initech"])
    pilot = add_scenarios(store, "yiwu-bearings", [stray])
    assert [s.id for s in pilot.scenarios] == ["procurement", "tracing"]
    assert pilot.scenarios[1].name == Names("质量追溯", "quality tracing")
    with pytest.raises(Conflict):
        add_scenarios(store, "yiwu-bearings", [stray])


def test_the_record_reads_back(store: EmbeddedStore) -> None:
    create(store, application(mountain_or_island=True, output=Decimal("6500000000.50"), firms=("b", "a")))
    pilot = read(store, "yiwu-bearings")
    assert (pilot.county, pilot.year, pilot.output, pilot.mountain_or_island) == (
        "330782",
        2025,
        Decimal("6500000000.50"),
        True,
    )
    assert (pilot.start, pilot.end, pilot.firms) == (date(2025, 1, 1), date(2027, 12, 31), ("a", "b"))
    assert pilot.industry == f"{BASE}classification/cpc21/4331"
    assert (pilot.expert_group, pilot.standard) == ("bearings", "zj-rolling-bearings")
    # the pilot is private: the public endpoint does not see it
    assert not store.ask(f"ASK {{ <{pilot.iri}> ?p ?o }}")
    assert store.ask(f"ASK {{ <{pilot.iri}> ?p ?o }}", trusted=True)
    with pytest.raises(NotFound):
        read(store, "nope")


# --- targets -------------------------------------------------------------------------------------


def load(store: EmbeddedStore, graph: str, triples: list[ox.Triple]) -> None:
    source = LoadSource(name="fixture", format=ox.RdfFormat.N_TRIPLES, data=ntriples(triples), graph=graph)
    store.add_to_graph(graph, source)


def t(s: str, p: str, o: str | ox.Literal) -> ox.Triple:
    return ox.Triple(ox.NamedNode(s), ox.NamedNode(p), o if isinstance(o, ox.Literal) else ox.NamedNode(o))


def experts(store: EmbeddedStore, group: str, names: list[str]) -> None:
    """Expert group members, written as the expert group module writes them (one firm each)."""
    g = f"{BASE}group/{group}"
    triples = [t(g, str(RDF.type), C + "ExpertGroup")]
    for name in names:
        e = f"{BASE}expert/{name}"
        triples += [
            t(e, str(RDF.type), C + "Expert"),
            t(e, str(ORG.memberOf), g),
            t(e, C + "affiliation", f"{BASE}firm/{name}-firm"),
        ]
    load(store, f"{BASE}graph/private/group/{group}", triples)


def dataset(store: EmbeddedStore, firm: str, name: str, version: str, items: int) -> str:
    """A shared dataset (catalogue entry) as conformance.datasets.share writes it."""
    d = f"{BASE}dataset/{firm}/{name}"
    triples = [
        t(d, str(RDF.type), DATASET),
        t(d, str(RDF.type), C + "CatalogueEntry"),
        t(d, str(DCTERMS.publisher), f"{BASE}firm/{firm}"),
        t(d, str(DCTERMS.conformsTo), version),
    ]
    for i in range(items):
        triples += [t(d, C + "hasDataItem", f"{d}/item/a{i}"), t(f"{d}/item/a{i}", str(RDF.type), C + "DataItem")]
    load(store, f"{BASE}graph/warehouse/{firm}/{name}", triples)
    return d


def registration(store: EmbeddedStore, number: str, firm: str, dataset_iri: str) -> str:
    r = f"{BASE}dataip/{number}"
    triples = [
        t(r, str(RDF.type), C + "DataIPRegistration"),
        t(r, C + "registeredDataset", dataset_iri),
        t(r, C + "registrant", f"{BASE}firm/{firm}"),
    ]
    load(store, f"{BASE}graph/dataip/{number}", triples)
    return r


def values(store: EmbeddedStore, pilot: str = "yiwu-bearings") -> dict[str, int]:
    return {r.metric.code: r.value for r in target_sheet(store, pilot).rows}


def test_targets_count_what_the_graph_holds(store: EmbeddedStore) -> None:
    scenario = ScenarioInput("procurement", Names("采购协同", "procurement"), ("acme",))
    create(store, application(firms=("acme", "globex"), scenarios=(scenario,)))
    sheet = target_sheet(store, "yiwu-bearings")
    assert [(r.metric.code, r.value, r.metric.minimum, r.met) for r in sheet.rows] == [
        ("experts", 0, 15, False),
        ("firms", 2, 20, False),
        ("scenarios", 1, 3, False),
        ("data-ip-registrations", 0, 3, False),
        ("catalogue-entries", 0, 80, False),
        ("data-items", 0, 400, False),
    ]
    assert sheet.row("firms").metric.label == Names("试点企业数", "number of pilot firms")

    experts(store, "bearings", ["e1", "e2", "e3"])
    experts(store, "other-group", ["x1"])  # another group's expert does not count
    counted = dataset(store, "acme", "d1", BEARINGS_V1, 5)
    dataset(store, "globex", "d2", FASTENERS_V1, 7)  # conforms to another standard
    outsider = dataset(store, "initech", "d3", BEARINGS_V1, 4)  # not a pilot firm (yet)
    registered = registration(store, "r1", "acme", counted)
    registration(store, "r2", "initech", outsider)
    assert values(store) == {
        "experts": 3,
        "firms": 2,
        "scenarios": 1,
        "data-ip-registrations": 1,
        "catalogue-entries": 1,
        "data-items": 5,
    }
    sheet = target_sheet(store, "yiwu-bearings")
    assert sheet.row("catalogue-entries").evidence == (counted,)
    assert sheet.row("data-ip-registrations").evidence == (registered,)
    assert sheet.row("experts").evidence == tuple(f"{BASE}expert/e{i}" for i in (1, 2, 3))

    add_firms(store, "yiwu-bearings", ["initech", "acme"])  # acme again changes nothing
    assert values(store) == {
        "experts": 3,
        "firms": 3,
        "scenarios": 1,
        "data-ip-registrations": 2,
        "catalogue-entries": 2,
        "data-items": 9,
    }


def full_pilot(store: EmbeddedStore, pilot_id: str = "yiwu-bearings", **fields: object) -> None:
    """A pilot whose six targets are all met, exactly at the guide minimums."""
    firms = tuple(f"firm{i:02d}" for i in range(20))
    scenarios = tuple(ScenarioInput(f"s{i}", Names(f"场景{i}", f"scenario {i}"), firms[:2]) for i in range(3))
    create(store, application(id=pilot_id, firms=firms, scenarios=scenarios, **fields))
    experts(store, "bearings", [f"e{i}" for i in range(15)])
    entries = [dataset(store, firms[i % 20], f"d{i}", BEARINGS_V1, 5) for i in range(80)]
    for i in range(3):
        registration(store, f"r{i}", firms[i], entries[i])


def test_targets_met_at_the_guide_minimums(store: EmbeddedStore) -> None:
    full_pilot(store)
    sheet = target_sheet(store, "yiwu-bearings")
    assert sheet.all_met and values(store)["data-items"] == 400
    assert sheet.as_json()["targets"][0]["evidence"][0] == f"{BASE}expert/e0"


# --- acceptance readiness ------------------------------------------------------------------------


def criteria(store: EmbeddedStore, on: date, pilot: str = "yiwu-bearings") -> dict[str, bool]:
    return {c.code: c.met for c in readiness(store, pilot, on=on).criteria}


def test_readiness_lists_each_criterion_with_evidence(store: EmbeddedStore) -> None:
    full_pilot(store)
    before = readiness(store, "yiwu-bearings", on=date(2027, 6, 1))
    assert not before.ready and {c.code for c in before.criteria if not c.met} == {"period-ended"}
    after = readiness(store, "yiwu-bearings", on=date(2027, 10, 15))  # ending within 90 days
    assert after.ready
    published = next(c for c in after.criteria if c.code == "standard-published")
    assert published.evidence == (BEARINGS_V1,)
    body = after.as_json()
    assert body["ready"] and len(body["criteria"]) == 9
    assert "具备验收条件" in body["text_zh"] and "ready" in body["text_en"] and "专家人数" in body["text_zh"]

    request_change(store, "yiwu-bearings", ChangeKind.TARGET, reason="fewer firms")
    assert criteria(store, date(2027, 10, 15))["no-pending-approvals"] is False


def test_an_unpublished_standard_is_not_ready(store: EmbeddedStore) -> None:
    create(store, application(standard="zj-valves"))
    assert criteria(store, date(2028, 1, 2))["standard-published"] is False


# --- change requests -----------------------------------------------------------------------------

CLASSIFIED = [
    (ChangeKind.EXTENSION, 12, False, 0, False),
    (ChangeKind.EXTENSION, 13, False, 0, True),
    (ChangeKind.EXTENSION, 6, False, 6, False),
    (ChangeKind.EXTENSION, 6, False, 7, True),  # delays add up
    (ChangeKind.TARGET, None, False, 0, True),
    (ChangeKind.SCOPE, None, False, 0, False),
    (ChangeKind.SCOPE, None, True, 0, True),  # a scope change that puts the targets at risk
    (ChangeKind.EXPERT_LIST, None, False, 0, False),
    (ChangeKind.SCENARIO, None, False, 0, False),
]


@pytest.mark.parametrize(("kind", "months", "at_risk", "earlier", "approval"), CLASSIFIED)
def test_changes_are_classified(
    kind: ChangeKind, months: int | None, at_risk: bool, earlier: int, approval: bool
) -> None:
    found = classify(kind, months=months, at_risk=at_risk, earlier_months=earlier)
    assert found.approval is approval
    assert CJK.search(found.why.zh) and not CJK.search(found.why.en)


def test_months_belong_to_extensions_only() -> None:
    with pytest.raises(Unprocessable):
        classify(ChangeKind.EXTENSION, months=None, at_risk=False)
    with pytest.raises(Unprocessable):
        classify(ChangeKind.SCOPE, months=3, at_risk=False)


def test_a_filed_delay_applies_at_once_and_one_over_12_months_waits_for_approval(store: EmbeddedStore) -> None:
    create(store, application())
    filed = request_change(store, "yiwu-bearings", ChangeKind.EXTENSION, months=12, reason="supply delays")
    assert (filed.number, filed.approval, filed.status) == (1, False, ChangeStatus.FILED)
    assert read(store, "yiwu-bearings").end == date(2028, 12, 31)

    pending = request_change(store, "yiwu-bearings", ChangeKind.EXTENSION, months=1, reason="one more month")
    assert (pending.approval, pending.status) == (True, ChangeStatus.PENDING)  # 13 months in all
    assert read(store, "yiwu-bearings").end == date(2028, 12, 31)
    with pytest.raises(Unprocessable):
        decide(store, "yiwu-bearings", 2, approve=True, comment=" ")
    approved = decide(store, "yiwu-bearings", 2, approve=True, comment="agreed")
    assert (approved.status, approved.comment) == (ChangeStatus.APPROVED, "agreed")
    assert read(store, "yiwu-bearings").end == date(2029, 1, 31)

    with pytest.raises(Conflict):
        decide(store, "yiwu-bearings", 2, approve=False, comment="again")
    with pytest.raises(Conflict):
        decide(store, "yiwu-bearings", 1, approve=True, comment="a filed change needs no decision")
    with pytest.raises(NotFound):
        decide(store, "yiwu-bearings", 9, approve=True, comment="none")

    target = request_change(store, "yiwu-bearings", ChangeKind.TARGET, reason="fewer firms")
    rejected = decide(store, "yiwu-bearings", target.number, approve=False, comment="keep the targets")
    assert rejected.status is ChangeStatus.REJECTED and rejected.at_risk
    long = request_change(store, "yiwu-bearings", ChangeKind.EXTENSION, months=13, reason="long")
    decide(store, "yiwu-bearings", long.number, approve=False, comment="no")
    assert read(store, "yiwu-bearings").end == date(2029, 1, 31)  # a rejected delay moves nothing


def test_add_months_keeps_the_day_within_the_month() -> None:
    assert add_months(date(2027, 12, 31), 2) == date(2028, 2, 29)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2027, 1, 15), 12) == date(2028, 1, 15)


# --- acceptance ----------------------------------------------------------------------------------

PAST = {"year": 2022, "start": date(2022, 1, 1), "end": date(2024, 12, 31)}


def test_acceptance_window_and_outcomes(store: EmbeddedStore) -> None:
    create(store, application(**PAST))

    def refused_with(message: str, outcome: Outcome, on: date, deadline: date | None = None) -> None:
        with pytest.raises(Unprocessable) as caught:
            record_acceptance(store, "yiwu-bearings", outcome, on=on, deadline=deadline)
        assert message in caught.value.message and CJK.search(caught.value.message_zh)

    refused_with("comes after it", Outcome.FAILED, date(2024, 12, 31))
    refused_with("within 6 months", Outcome.FAILED, date(2025, 7, 1))
    refused_with("needs a deadline", Outcome.RECTIFY, date(2025, 3, 1))
    refused_with("only a rectify", Outcome.FAILED, date(2025, 3, 1), deadline=date(2025, 9, 1))
    refused_with("must come after", Outcome.RECTIFY, date(2025, 3, 1), deadline=date(2025, 3, 1))
    with pytest.raises(Unprocessable) as caught:
        record_acceptance(store, "yiwu-bearings", Outcome.PASSED, on=date(2025, 3, 1))
    assert {p.column for p in caught.value.problems} == {
        "experts",
        "firms",
        "scenarios",
        "data-ip-registrations",
        "catalogue-entries",
        "data-items",
    }

    rectify = record_acceptance(
        store, "yiwu-bearings", Outcome.RECTIFY, on=date(2025, 6, 30), deadline=date(2025, 9, 30)
    )
    assert (rectify.number, rectify.deadline) == (1, date(2025, 9, 30))
    # a review after rectification may come up to the deadline, past the 6 months
    failed = record_acceptance(store, "yiwu-bearings", Outcome.FAILED, on=date(2025, 9, 30), comment="not rectified")
    assert (failed.number, failed.outcome, failed.comment) == (2, Outcome.FAILED, "not rectified")
    with pytest.raises(Conflict):
        record_acceptance(store, "yiwu-bearings", Outcome.FAILED, on=date(2025, 9, 30))
    with pytest.raises(Conflict):
        request_change(store, "yiwu-bearings", ChangeKind.SCOPE, reason="too late")


def test_an_extension_moves_the_acceptance_window(store: EmbeddedStore) -> None:
    create(store, application(**PAST))
    request_change(store, "yiwu-bearings", ChangeKind.EXTENSION, months=3, reason="late start")
    with pytest.raises(Unprocessable):
        record_acceptance(store, "yiwu-bearings", Outcome.FAILED, on=date(2025, 3, 1))
    assert record_acceptance(store, "yiwu-bearings", Outcome.FAILED, on=date(2025, 9, 30)).number == 1


def test_a_ready_pilot_passes(store: EmbeddedStore) -> None:
    full_pilot(store, **PAST)
    request_change(store, "yiwu-bearings", ChangeKind.TARGET, reason="risk")
    with pytest.raises(Unprocessable) as caught:
        record_acceptance(store, "yiwu-bearings", Outcome.PASSED, on=date(2025, 2, 1))
    assert {p.column for p in caught.value.problems} == {"no-pending-approvals"}
    decide(store, "yiwu-bearings", 1, approve=False, comment="targets stay")
    passed = record_acceptance(store, "yiwu-bearings", Outcome.PASSED, on=date(2025, 2, 1))
    assert passed.outcome is Outcome.PASSED and passed.iri == f"{BASE}pilot/yiwu-bearings/acceptance/1"


# --- REST ----------------------------------------------------------------------------------------

BODY = {
    "id": "yiwu-bearings",
    "county": "330782",
    "industry": "cpc21:4331",
    "year": 2022,
    "industry_output": "12000000000",
    "start": "2022-01-01",
    "end": "2024-12-31",
    "expert_group": "bearings",
    "standard": "zj-rolling-bearings",
    "firms": ["acme"],
    "scenarios": [{"id": "procurement", "name": {"zh": "采购协同", "en": "procurement"}, "firms": ["acme"]}],
}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_rest_routes_roles_and_audit(store_dir: Path) -> None:
    with app_client(store_dir) as (client, store):
        accounts.add_user(store, "county", [Role.PILOT_AUTHORITY])
        accounts.add_user(store, "steward", [Role.FIRM_STEWARD], firm="acme")
        county, steward = (bearer(accounts.issue_token(store, name)) for name in ("county", "steward"))
        admin = bearer(ADMIN_TOKEN)

        assert client.post("/api/pilots", json=BODY).status_code == 401
        assert client.get("/api/pilots").status_code == 401
        assert client.post("/api/pilots", json=BODY, headers=steward).status_code == 403
        assert client.get("/api/pilots/yiwu-bearings/targets", headers=steward).status_code == 403

        bad = client.post("/api/pilots", json={**BODY, "year": "soon", "extra": 1}, headers=county)
        assert bad.status_code == 400
        shape = bad.json()
        assert shape["ok"] is False and shape["status"] == 400 and shape["error_zh"]
        assert {e["column"] for e in shape["errors"]} == {"body.year", "body.extra"}

        ineligible = client.post("/api/pilots", json={**BODY, "industry_output": "100"}, headers=county)
        assert ineligible.status_code == 422
        (error,) = ineligible.json()["errors"]
        assert error["column"] == "P12" and "10 billion" in error["message"] and "100 亿元" in error["message_zh"]

        created = client.post("/api/pilots", json=BODY, headers=county)
        assert created.status_code == 201, created.text
        assert created.json()["iri"] == f"{BASE}pilot/yiwu-bearings" and created.json()["changes"] == []
        assert client.post("/api/pilots", json=BODY, headers=county).status_code == 409
        assert [p["id"] for p in client.get("/api/pilots", headers=admin).json()["pilots"]] == ["yiwu-bearings"]
        assert client.get("/api/pilots/nope", headers=county).status_code == 404

        firms = client.post("/api/pilots/yiwu-bearings/firms", json={"firms": ["globex", "acme"]}, headers=county)
        assert firms.json()["added"] == ["globex"] and firms.json()["firms"] == ["acme", "globex"]
        scenario = {"id": "tracing", "name": {"zh": "质量追溯", "en": "quality tracing"}, "firms": ["globex"]}
        added = client.post("/api/pilots/yiwu-bearings/scenarios", json={"scenarios": [scenario]}, headers=county)
        assert [s["id"] for s in added.json()["scenarios"]] == ["procurement", "tracing"]

        sheet = client.get("/api/pilots/yiwu-bearings/targets", headers=county).json()
        assert {r["metric"]: r["value"] for r in sheet["targets"]}["scenarios"] == 2
        report = client.get("/api/pilots/yiwu-bearings/acceptance-report", headers=county).json()
        assert report["ready"] is False and report["text_zh"] and report["text_en"]

        change = client.post(
            "/api/pilots/yiwu-bearings/changes", json={"kind": "extension", "months": 13, "reason": "r"}, headers=county
        )
        assert change.status_code == 201 and change.json()["procedure"] == "approval"
        assert change.json()["status"] == "pending"
        decision = {"decision": "approve", "comment": "ok"}
        assert (
            client.post("/api/pilots/yiwu-bearings/changes/1/decision", json=decision, headers=county).status_code
            == 403
        )
        decided = client.post("/api/pilots/yiwu-bearings/changes/1/decision", json=decision, headers=admin)
        assert decided.json()["status"] == "approved" and decided.json()["pilot"]["end"] == "2026-01-31"

        review = {"outcome": "rectify", "deadline": "2026-06-30", "date": "2026-03-01"}
        assert client.post("/api/pilots/yiwu-bearings/acceptance", json=review, headers=county).status_code == 403
        recorded = client.post("/api/pilots/yiwu-bearings/acceptance", json=review, headers=admin)
        assert recorded.status_code == 201 and recorded.json()["outcome"] == "rectify"
        passed_body = {"outcome": "passed", "date": "2026-03-02"}
        passed = client.post("/api/pilots/yiwu-bearings/acceptance", json=passed_body, headers=admin)
        assert passed.status_code == 422 and passed.json()["errors"]
        assert (
            client.get("/api/pilots/yiwu-bearings", headers=county).json()["acceptance"][0]["deadline"] == "2026-06-30"
        )

        trail = [(r.action, r.account, r.role) for r in audit.records(store) if r.action.startswith("pilot.")]
        assert trail == [
            ("pilot.create", "county", "pilot-authority"),
            ("pilot.firms.add", "county", "pilot-authority"),
            ("pilot.scenarios.add", "county", "pilot-authority"),
            ("pilot.change.request", "county", "pilot-authority"),
            ("pilot.change.decide", "admin", "admin"),
            ("pilot.acceptance", "admin", "admin"),
        ]
        decide_record = audit.records(store, action="pilot.change.decide")[0]
        assert (decide_record.before, decide_record.after) == ("status=pending", "status=approved")
        assert decide_record.target == f"{BASE}pilot/yiwu-bearings/change/1"
