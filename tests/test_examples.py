"""The example queries (cpms_kg/queries/*.rq) through a real `cpms-kg serve` on the demo data: each file is
fetched from /examples/{name}.rq and run through /sparql over HTTP, and its answer is compared with the
answer computed here from the demo firms' tables and the demo standards (not from any query)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from html import escape
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from cpms_kg.demo_firms import DEMO_FIRMS, DemoFirm, rows
from cpms_kg.queries import examples
from cpms_kg.standards.demo import DEMO_STANDARDS, bearings, fasteners
from cpms_kg.standards.model import Standard
from tests.conftest import BASE, Server

NAMES = {
    "datasets-using-attribute",
    "entries-and-items-of-standard",
    "firms-sharing-category",
    "products-by-category-and-value",
    "standards-sharing-attributes",
    "firms-per-category-per-county",
}


def run(server: Server, name: str) -> list[dict[str, str]]:
    """The example's file as served, run through the SPARQL endpoint; rows of plain values."""
    query = httpx.get(f"{server.url}/examples/{name}.rq")
    assert query.status_code == 200 and query.headers["content-type"].startswith("application/sparql-query")
    answer = httpx.post(
        server.url + "/sparql",
        content=query.text.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return [{k: v["value"] for k, v in b.items()} for b in answer.json()["results"]["bindings"]]


def standard_of(firm: DemoFirm) -> Standard:
    return next(s for s in DEMO_STANDARDS if s.key == firm.standard)


def ancestors(standard: Standard, code: str) -> list[str]:
    """The category and every broader one."""
    chain = [code]
    while (parent := standard.category(chain[-1]).parent) is not None:  # type: ignore[union-attr]
        chain.append(parent)
    return chain


def firm_iri(firm: DemoFirm) -> str:
    return f"{BASE}firm/{firm.id}"


def dataset_iri(firm: DemoFirm) -> str:
    return f"{BASE}dataset/{firm.id}/{firm.dataset}"


def used_attributes(firm: DemoFirm) -> set[str]:
    return {k for r in rows(firm) for k, v in r.items() if v and k not in ("code", "category")}


def test_the_six_questions_ship_with_zh_and_en_headers() -> None:
    found = examples()
    assert {e.name for e in found} == NAMES
    for e in found:
        assert all((e.question_zh, e.question_en, e.parameters_zh, e.parameters_en))
        assert e.query.lstrip().startswith("# question-zh:")


def test_datasets_using_an_attribute_span_both_industries(server: Server) -> None:
    # brand of zj-fasteners 1.0 is the bearing standard's attribute: every demo firm's dataset uses it.
    answer = run(server, "datasets-using-attribute")
    expected = {(dataset_iri(f), firm_iri(f), f.name.zh, f.name.en, str(len(rows(f)))) for f in DEMO_FIRMS}
    got = [(r["dataset"], r["firm"], r["firmZh"], r["firmEn"], r["productsWithValue"]) for r in answer]
    assert sorted(got) == sorted(expected)
    assert {r["catalog"] for r in answer} == {BASE + "catalog/cpc21-4331", BASE + "catalog/cpc21-4294"}


def test_entries_and_data_items_of_a_standard(server: Server) -> None:
    firms = [f for f in DEMO_FIRMS if f.standard == bearings().key]
    expected = {
        "standardId": "zj-rolling-bearings",
        "catalogueEntries": str(len(firms)),
        "dataItems": str(sum(len(used_attributes(f)) for f in firms)),
    }
    assert run(server, "entries-and-items-of-standard") == [expected]


def test_firms_sharing_a_category_or_its_subcategories(server: Server) -> None:
    expected = sorted(
        (firm_iri(f), f.name.zh, f.name.en, f.county, dataset_iri(f))
        for f in DEMO_FIRMS
        if f.standard == bearings().key and any("RB0101" in ancestors(bearings(), c) for c in f.categories)
    )
    answer = run(server, "firms-sharing-category")
    got = [(r["firm"], r["firmZh"], r["firmEn"], r["county"], r["dataset"]) for r in answer]
    assert got == expected and len(got) == 2


def test_products_of_a_category_across_firms_with_a_numeric_filter(server: Server) -> None:
    expected = {
        (firm_iri(f), f"{BASE}product/{f.id}/{r['code']}", Decimal(r["bore_diameter"]))
        for f in DEMO_FIRMS
        if f.standard == bearings().key
        for r in rows(f)
        if "RB01" in ancestors(bearings(), r["category"]) and Decimal(r["bore_diameter"]) >= 20
    }
    answer = run(server, "products-by-category-and-value")
    assert {(r["firm"], r["product"], Decimal(r["value"])) for r in answer} == expected
    assert len(answer) == len(expected) == 16
    assert {(r["unit"], r["unitCode"]) for r in answer} == {("mm", "MMT")}  # MilliM, UN/CEFACT Rec 20 MMT


def test_standards_sharing_attributes_by_reuse_and_by_equivalence(server: Server) -> None:
    expected = set()
    for a in fasteners().attributes:
        if a.reuse is not None:
            expected.add(("zj-fasteners", a.code, "reused", "zj-rolling-bearings", a.code))
        for m in a.matches:
            expected.add(("zj-fasteners", a.code, m.relation.value, "zj-rolling-bearings", m.target.rsplit("/", 1)[1]))
    answer = run(server, "standards-sharing-attributes")
    got = [(r["standardA"], r["codeA"], r["how"], r["standardB"], r["codeB"]) for r in answer]
    assert sorted(got) == sorted(expected) and len(got) == 6


def test_firms_per_category_per_county_across_industries(server: Server) -> None:
    counted: dict[tuple[str, str], set[str]] = defaultdict(set)
    for f in DEMO_FIRMS:
        for category in f.categories:
            for code in ancestors(standard_of(f), category):
                counted[(code, f.county)].add(f.id)
    expected = {(code, county, str(len(firms))) for (code, county), firms in counted.items()}
    answer = run(server, "firms-per-category-per-county")
    assert {(r["code"], r["county"], r["firms"]) for r in answer} == expected
    assert {r["code"][:2] for r in answer} == {"RB", "FA"}


def test_the_examples_page_shows_each_question_its_query_and_links(server: Server) -> None:
    page = httpx.get(server.url + "/examples")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    english = httpx.get(server.url + "/examples", params={"lang": "en"}).text
    for e in examples():
        assert escape(e.question_zh) in page.text and escape(e.question_en) in english
        assert f'href="/examples/{e.name}.rq"' in page.text
    run_links = [a.split('"')[0] for a in page.text.split('href="/sparql?')[1:]]
    assert len(run_links) == 2 * len(NAMES)
    link = "/sparql?" + run_links[0].replace("&amp;", "&")
    assert parse_qs(urlparse(link).query)["query"][0] in {e.query for e in examples()}
    ran = httpx.get(server.url + link, timeout=30)
    assert ran.status_code == 200 and ran.json()["results"]["bindings"]
    home = httpx.get(server.url + "/")
    assert 'href="/examples"' in home.text and 'href="/catalogs"' in home.text


@pytest.mark.parametrize("path", ["/examples/nothing.rq", "/examples/datasets-using-attribute.txt"])
def test_an_unknown_example_file_is_a_404(server: Server, path: str) -> None:
    response = httpx.get(server.url + path)
    assert response.status_code == 404 and response.json()["ok"] is False
