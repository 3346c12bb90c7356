"""No unbounded list: children, top concepts, level members and the /id/ page of a concept with 5,000
narrower concepts are paged in a stable order with totals."""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from cpms_kg.store.base import LoadSource
from tests.conftest import BASE, app_client

CHILDREN = 5000
CODES = [f"B{n}" for n in range(1, CHILDREN + 1)]
"""Unpadded on purpose: code order (B1, B10, B100, B1000, B1001 ...) is not number order."""


def big_scheme() -> bytes:
    """A scheme whose one top concept has 5,000 narrower concepts, written in shuffled order; half the
    children state skos:broader, the other half are listed by the parent's skos:narrower."""
    order = list(enumerate(CODES))
    random.Random(7).shuffle(order)
    lines = [
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        '<classification/big> a skos:ConceptScheme ; skos:prefLabel "大分类"@zh, "Big scheme"@en ; '
        "skos:hasTopConcept <classification/big/B> .",
        '<classification/big/B> a skos:Concept ; skos:inScheme <classification/big> ; skos:notation "B" ; '
        'skos:prefLabel "大类"@zh, "Big class"@en .',
    ]
    for n, code in order:
        c = f"<classification/big/{code}>"
        lines.append(
            f'{c} a skos:Concept ; skos:inScheme <classification/big> ; skos:notation "{code}" ; '
            f'skos:prefLabel "子类 {code}"@zh, "Child {code}"@en .'
        )
        lines.append(
            f"{c} skos:broader <classification/big/B> ." if n % 2 else f"<classification/big/B> skos:narrower {c} ."
        )
    return "\n".join(lines).encode()


@pytest.fixture(scope="module")
def client(initialised_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    target = tmp_path_factory.mktemp("paging") / "store"
    shutil.copytree(initialised_store, target)
    with app_client(target) as (test_client, store):
        source = LoadSource(
            "big.ttl", ox.RdfFormat.TURTLE, data=big_scheme(), graph=BASE + "graph/test/big", base_iri=BASE
        )
        store.load([source])
        yield test_client


def get(client: TestClient, url: str, **params: Any) -> dict[str, Any]:
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize("limit", [1000, 700])
def test_five_thousand_children_page_through(client: TestClient, limit: int) -> None:
    url = "/api/schemes/big/concepts/B/children"
    seen: list[str] = []
    offset = 0
    while True:
        page = get(client, url, limit=limit, offset=offset)
        assert (page["scheme"], page["code"], page["total"], page["limit"], page["offset"]) == (
            "big",
            "B",
            CHILDREN,
            limit,
            offset,
        )
        if not page["children"]:
            break
        assert len(page["children"]) == min(limit, CHILDREN - offset)
        seen += [c["code"] for c in page["children"]]
        offset += limit
    assert len(seen) == CHILDREN and len(set(seen)) == CHILDREN
    assert seen == sorted(CODES)
    first = get(client, url, limit=limit)["children"][0]
    assert first == {
        "code": "B1",
        "iri": BASE + "classification/big/B1",
        "labels": {"zh": "子类 B1", "en": "Child B1"},
        "scheme": "big",
    }


def test_default_page_and_concept_count(client: TestClient) -> None:
    page = get(client, "/api/schemes/big/concepts/B/children")
    assert page["total"] == CHILDREN and page["limit"] == 100 and len(page["children"]) == 100
    assert get(client, "/api/schemes/big/concepts/B")["narrower_count"] == CHILDREN
    top = get(client, "/api/schemes/big")
    assert [c["code"] for c in top["top_concepts"]] == ["B"] and top["total"] == 1


def test_top_concepts_paged(client: TestClient) -> None:
    cpc = get(client, "/api/schemes/cpc21", limit=3, offset=3)
    assert [c["code"] for c in cpc["top_concepts"]] == ["3", "4", "5"]
    assert (cpc["total"], cpc["limit"], cpc["offset"]) == (10, 3, 3)
    units = get(client, "/api/schemes/units")
    assert units["total"] > 1000 and len(units["top_concepts"]) == 100
    codes = [c["code"] for c in units["top_concepts"]]
    assert codes == sorted(codes)


def test_level_members_paged(client: TestClient) -> None:
    query = f"""SELECT (COUNT(?c) AS ?n) WHERE {{
        <{BASE}classification/cpc21/level/4> <http://www.w3.org/2004/02/skos/core#member> ?c }}"""
    answer = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    expected = int(answer.json()["results"]["bindings"][0]["n"]["value"])
    assert expected > 500
    seen: list[str] = []
    for offset in range(0, expected, 400):
        page = get(client, "/api/schemes/cpc21/levels/4/members", limit=400, offset=offset)
        assert (page["scheme"], page["level"], page["total"]) == ("cpc21", 4, expected)
        seen += [c["code"] for c in page["members"]]
    assert len(seen) == len(set(seen)) == expected and seen == sorted(seen)
    assert all(len(code) == 4 for code in seen)
    assert client.get("/api/schemes/cpc21/levels/9/members").status_code == 404
    assert client.get("/api/schemes/nope/levels/1/members").status_code == 404


def test_id_page_shows_one_page_of_narrower_with_links(client: TestClient) -> None:
    html = {"Accept": "text/html"}
    first = client.get("/id/classification/big/B", headers=html)
    assert first.status_code == 200
    listed = re.findall(r'<li><a href="/id/classification/big/(B\d+)"', first.text)
    assert listed == sorted(CODES)[:100]
    assert "(5000)" in first.text and "共 5000 项" in first.text and "of 5000" in first.text
    assert 'rel="prev"' not in first.text
    next_href = re.search(r'<a rel="next" href="([^"]+)"', first.text)
    assert next_href is not None and next_href.group(1) == "/id/classification/big/B?offset=100"
    second = client.get(next_href.group(1), headers=html).text
    assert re.findall(r'<li><a href="/id/classification/big/(B\d+)"', second) == sorted(CODES)[100:200]
    assert '<a rel="prev" href="/id/classification/big/B?offset=0"' in second
    last = client.get("/id/classification/big/B?offset=4900", headers=html).text
    assert len(re.findall(r"<li><a href=\"/id/classification/big/B\d+\"", last)) == 100
    assert 'rel="next"' not in last
    # A concept with few narrower concepts shows them all, without a pager.
    small = client.get("/id/classification/cpc21/433", headers=html).text
    assert "pager" not in small and 'href="/id/classification/cpc21/4331"' in small


@pytest.mark.parametrize(
    "url",
    [
        "/api/schemes/big/concepts/B/children?limit=0",
        "/api/schemes/big/concepts/B/children?limit=1001",
        "/api/schemes/big/concepts/B/children?offset=-1",
        "/api/schemes/big/concepts/B/children?limit=all",
        "/api/schemes/cpc21?limit=5000",
        "/api/schemes/cpc21/levels/1/members?offset=-5",
        "/id/classification/big/B?offset=x",
        "/id/classification/big/B?offset=-1",
    ],
)
def test_bad_paging_is_400(client: TestClient, url: str) -> None:
    response = client.get(url, headers={"Accept": "application/json"})
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["ok"] is False and body["status"] == 400
    assert re.search(r"limit|offset", body["error"] + " ".join(e.get("column", "") for e in body["errors"]))
