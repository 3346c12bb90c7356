"""Classification REST routes and the home page."""

from __future__ import annotations

import httpx

from tests.conftest import BASE, Server


def test_schemes_with_counts(server: Server) -> None:
    schemes = {s["id"]: s for s in httpx.get(server.url + "/api/schemes").json()["schemes"]}
    assert schemes["cpc21"]["concepts"] == 4596
    assert schemes["hs2017"]["concepts"] == 6708
    assert schemes["cpc21"]["title"]["zh"] and schemes["cpc21"]["title"]["en"]
    assert "units" in schemes


def test_concept_by_code_with_broader_and_mappings(server: Server) -> None:
    concept = httpx.get(server.url + "/api/schemes/cpc21/concepts/43310").json()
    assert concept["iri"] == BASE + "classification/cpc21/43310"
    assert concept["labels"] == {"en": "Ball or roller bearings"}
    assert concept["depth"] == 5
    assert [b["code"] for b in concept["broader"]] == ["4331"]
    incoming = {(m["relation"], m["concept"]["code"]) for m in concept["mappings"] if m["direction"] == "incoming"}
    assert ("broadMatch", "848210") in incoming


def test_children_and_top_concepts(server: Server) -> None:
    children = httpx.get(server.url + "/api/schemes/cpc21/concepts/433/children").json()["children"]
    assert [c["code"] for c in children] == ["4331", "4332", "4333", "4334", "4335", "4339"][: len(children)]
    assert "4331" in [c["code"] for c in children]
    top = httpx.get(server.url + "/api/schemes/cpc21").json()["top_concepts"]
    assert [c["code"] for c in top] == [str(i) for i in range(10)]


def test_search_by_code_and_label(server: Server) -> None:
    by_code = httpx.get(server.url + "/api/search", params={"q": "43310"}).json()["results"]
    assert by_code[0]["code"] == "43310" and by_code[0]["scheme"] == "cpc21"
    by_label = httpx.get(server.url + "/api/search", params={"q": "roller bearings", "scheme": "hs2017"}).json()[
        "results"
    ]
    assert by_label and all(r["scheme"] == "hs2017" for r in by_label)
    assert any("roller bearings" in r["labels"]["en"].lower() for r in by_label)
    chinese_unit = httpx.get(server.url + "/api/search", params={"q": "牛顿", "scheme": "units"}).json()["results"]
    assert any(r["code"] == "N" for r in chinese_unit)


def test_home_page_lists_schemes_in_both_languages(server: Server) -> None:
    page = httpx.get(server.url + "/").text
    assert "产品主数据标准知识图谱" in page and "CPMS knowledge graph" in page
    assert 'href="/id/classification/cpc21"' in page
    assert httpx.get(server.url + "/id/classification/cpc21", headers={"Accept": "text/html"}).status_code == 200


def test_openapi_lists_the_routes(server: Server) -> None:
    paths = httpx.get(server.url + "/openapi.json").json()["paths"]
    for path in (
        "/api/schemes",
        "/api/schemes/{scheme}/concepts/{code}",
        "/api/search",
        "/id/{path}",
        "/sparql/update",
    ):
        assert path in paths
