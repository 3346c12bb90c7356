"""No unbounded list answer: datasets, expert groups, pilots, the audit trail and standards are paged
(`limit` 1-1000, default 100, `offset`) in a stable order, with `total`, and bad values are a 400."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cpms_kg import accounts
from cpms_kg.accounts import Role
from cpms_kg.standards.model import Text
from cpms_kg.store.base import Store
from cpms_kg.workflow import audit, groups, pilots
from tests.conftest import ADMIN_TOKEN, app_client

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
GROUPS = ("g-alpha", "g-beta", "g-gamma", "g-delta", "g-epsilon")
PILOTS = (("p-2025", "cpc21:4331", 2025), ("p-2026", "cpc21:4294", 2026), ("p-2027", "cpc21:4332", 2027))
# route -> the key of its items and what identifies an item
ROUTES = {
    "/api/datasets": ("datasets", ("firm", "id")),
    "/api/groups": ("groups", ("id",)),
    "/api/pilots": ("pilots", ("id",)),
    "/api/audit": ("records", ("iri",)),
    "/api/standards": ("standards", ("id",)),
}


@pytest.fixture(scope="module")
def instance(initialised_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Store]]:
    """The demo instance (six shared datasets, two standards) with five expert groups, three pilots and a
    few audit records."""
    target = tmp_path_factory.mktemp("list-paging") / "store"
    shutil.copytree(initialised_store, target)
    with app_client(target) as (test_client, store):
        lead = accounts.add_user(store, "lead", [Role.EXPERT_LEAD])
        steward = accounts.add_user(store, "steward", [Role.FIRM_STEWARD], firm="acme")
        for n in range(7):  # an audit trail longer than a few pages, of two accounts and two actions
            audit.record(store, (lead, steward)[n % 2], f"test.{n % 3}", f"https://example.org/thing/{n}", after=str(n))
        for group in reversed(GROUPS):  # created out of order: the answer is in id order all the same
            groups.create(
                store, group, name=Text(f"专家组 {group}", f"Group {group}"), standard_id="s", version="1", lead="lead"
            )
        for pilot, industry, year in PILOTS:
            pilots.create(
                store,
                pilots.PilotInput(
                    id=pilot,
                    county="330782",
                    industry=industry,
                    year=year,
                    output=Decimal("12000000000"),
                    mountain_or_island=False,
                    start=date(year, 1, 1),
                    end=date(year + 2, 12, 31),
                    expert_group=GROUPS[0],
                    standard="zj-rolling-bearings",
                ),
            )
        yield test_client, store


@pytest.fixture
def client(instance: tuple[TestClient, Store]) -> TestClient:
    return instance[0]


def walk(client: TestClient, route: str, limit: int, **query: str) -> tuple[list[dict[str, Any]], list[int]]:
    """Every page of a route, first to last: the items in order and each answer's total."""
    key, _ = ROUTES[route]
    items: list[dict[str, Any]] = []
    totals: list[int] = []
    while True:
        answer = client.get(route, params={**query, "limit": limit, "offset": len(items)}, headers=ADMIN)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["limit"] == limit and body["offset"] == len(items)
        assert len(body[key]) <= limit
        totals.append(body["total"])
        if not body[key]:
            return items, totals
        items += body[key]


def ident(route: str, item: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(item[f]) for f in ROUTES[route][1])


@pytest.mark.parametrize(
    ("route", "limit", "expected"),
    [
        ("/api/datasets", 4, 6),
        ("/api/groups", 2, len(GROUPS)),
        ("/api/pilots", 2, len(PILOTS)),
        ("/api/standards", 1, 2),
        ("/api/audit", 3, None),
    ],
)
def test_pages_add_up_without_duplicates(client: TestClient, route: str, limit: int, expected: int | None) -> None:
    whole = client.get(route, headers=ADMIN).json()
    key = ROUTES[route][0]
    assert whole["limit"] == 100 and whole["offset"] == 0 and whole["total"] == len(whole[key])
    total = whole["total"] if expected is None else expected
    assert total > limit  # more than one page
    items, totals = walk(client, route, limit)
    assert set(totals) == {total} and len(items) == total
    ids = [ident(route, i) for i in items]
    assert len(set(ids)) == total  # no item twice, none left out
    assert ids == [ident(route, i) for i in whole[key]]  # the same stable order as one big page
    if route in ("/api/groups", "/api/pilots", "/api/standards", "/api/datasets"):
        assert ids == sorted(ids)
    beyond = client.get(route, params={"offset": total + 5}, headers=ADMIN).json()
    assert beyond[key] == [] and beyond["total"] == total


def test_groups_and_pilots_are_the_ones_made(client: TestClient) -> None:
    listed, _ = walk(client, "/api/groups", 2)
    assert [g["id"] for g in listed] == sorted(GROUPS)
    assert listed[0]["name"] == {"zh": "专家组 g-alpha", "en": "Group g-alpha"}
    made, _ = walk(client, "/api/pilots", 2)
    assert [p["id"] for p in made] == [p for p, _, _ in PILOTS]


def test_audit_pages_follow_the_trail_and_its_filters(instance: tuple[TestClient, Store]) -> None:
    client, store = instance
    items, _ = walk(client, "/api/audit", 3)
    assert [i["iri"] for i in items] == [r.iri for r in audit.records(store)]
    times = [i["time"] for i in items]
    assert times == sorted(times)
    action = items[-1]["action"]
    filtered, totals = walk(client, "/api/audit", 1, action=action)
    assert 0 < totals[0] == len(filtered) == len(audit.records(store, action=action)) < len(items)
    assert all(i["action"] == action for i in filtered)
    account = items[-1]["account"]
    by_account, _ = walk(client, "/api/audit", 2, account=account)
    assert by_account and [i["iri"] for i in by_account] == [r.iri for r in audit.records(store, account=account)]
    page = client.get("/api/audit", params={"limit": 2, "offset": 1}, headers={**ADMIN, "Accept": "text/turtle"})
    assert page.status_code == 200 and int(page.headers["x-total"]) == len(items)
    subjects = set(re.findall(r"<([^>]+/audit/[^>]+)>", page.text))
    assert {s for s in subjects if not s.endswith(("/before", "/after"))} == {i["iri"] for i in items[1:3]}


@pytest.mark.parametrize("route", sorted(ROUTES))
@pytest.mark.parametrize("query", ["limit=0", "limit=1001", "limit=all", "offset=-1", "offset=x", "offset=9999999999"])
def test_bad_paging_is_400_in_the_error_shape(client: TestClient, route: str, query: str) -> None:
    answer = client.get(f"{route}?{query}", headers={**ADMIN, "Accept": "application/json"})
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert body["ok"] is False and body["status"] == 400 and body["error_zh"]
    named = body["error"] + " ".join(str(e.get("column", "")) for e in body["errors"])
    assert query.split("=")[0] in named


def test_the_largest_page_is_allowed(client: TestClient) -> None:
    for route, (key, _) in ROUTES.items():
        body = client.get(route, params={"limit": 1000}, headers=ADMIN).json()
        assert body["limit"] == 1000 and len(body[key]) == body["total"]
