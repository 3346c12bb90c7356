"""Shared products also in schema.org terms: schema:Product, schema:PropertyValue with Rec 20 unit codes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyoxigraph as ox
from fastapi.testclient import TestClient

from cpms_kg.conformance.datasets import private_graph, public_graph
from cpms_kg.schemaorg import describe_products, property_value_iri
from cpms_kg.standards.model import code_path, item_path
from cpms_kg.store.base import Store
from cpms_kg.workflow.dataip import content_hash
from tests.conftest import ADMIN_TOKEN, BASE, app_client
from tests.test_conformance_e2e import HEADER, ROWS

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
STANDARD, VERSION = "zj-rolling-bearings", "1.0"
PRODUCT = f"{BASE}product/acme/P001"
XSD = "http://www.w3.org/2001/XMLSchema#"

# Only schema.org terms (and rdf:type): what a generic tool that knows nothing of CPMS would ask.
SCHEMA_ONLY = f"""PREFIX schema: <https://schema.org/>
SELECT ?product ?pv ?id ?name ?value ?unit ?symbol ?ref WHERE {{
  ?product a schema:Product ; schema:additionalProperty ?pv .
  FILTER(STRSTARTS(STR(?product), "{BASE}product/acme/"))
  ?pv a schema:PropertyValue ; schema:propertyID ?id ; schema:value ?value ; schema:name ?name .
  FILTER(LANG(?name) = "en")
  OPTIONAL {{ ?pv schema:unitCode ?unit }} OPTIONAL {{ ?pv schema:unitText ?symbol }}
  OPTIONAL {{ ?pv schema:valueReference ?ref }}
}}"""


def attribute(code: str) -> str:
    return BASE + item_path(STANDARD, VERSION, "attribute", code)


def commit_and_share(client: TestClient, dataset: str, licence: str | None = None) -> None:
    table = io.StringIO()
    csv.writer(table).writerows([HEADER, ROWS[0]])
    done = client.post(
        "/api/validate",
        files={"file": ("products.csv", table.getvalue().encode("utf-8"))},
        data={"standard": STANDARD, "firm": "acme", "commit": "true", "dataset": dataset},
        headers=AUTH,
    )
    assert done.status_code == 200 and done.json()["committed_dataset"] == dataset, done.text
    shared = client.post(
        f"/api/datasets/acme/{dataset}/share", json={"licence": licence} if licence else None, headers=AUTH
    )
    assert shared.status_code == 200, shared.text


def bindings(client: TestClient, query: str) -> list[dict[str, dict[str, str]]]:
    answer = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200, answer.text
    rows: list[dict[str, dict[str, str]]] = answer.json()["results"]["bindings"]
    return rows


def test_shared_products_answer_a_schema_org_only_query(store_dir: Path) -> None:
    with app_client(store_dir) as (client, store):
        assert bindings(client, SCHEMA_ONLY) == []  # nothing of acme's shared yet
        commit_and_share(client, "q4")
        rows = bindings(client, SCHEMA_ONLY)
        by_attribute = {r["id"]["value"]: r for r in rows}
        assert {r["product"]["value"] for r in rows} == {PRODUCT}
        assert len(rows) == len(by_attribute) == 7  # the seven attribute columns the file fills

        def check(code: str, value: str, datatype: str, unit: str | None, symbol: str | None = None) -> None:
            row = by_attribute[attribute(code)]
            assert row["pv"] == {"type": "uri", "value": f"{PRODUCT}/property/" + attribute(code)[len(BASE) :]}
            assert (row["value"]["value"], row["value"].get("datatype", XSD + "string")) == (value, XSD + datatype)
            assert row.get("unit", {}).get("value") == unit, code
            assert row.get("symbol", {}).get("value") == symbol, code

        # Values in the standard's unit, as normalised at upload ("25mm", "5.2 cm"), with their Rec 20 codes.
        check("bore_diameter", "25", "decimal", "MMT", "mm")
        check("outside_diameter", "52", "decimal", "MMT", "mm")
        check("width", "15", "decimal", "MMT", "mm")
        check("dynamic_load_rating", "14", "decimal", "B47", "kN")
        check("designation", "6205", "string", None)
        assert by_attribute[attribute("designation")]["name"] == {
            "type": "literal", "value": "Bearing designation", "xml:lang": "en"
        }  # fmt: skip
        # Code-list values: the code as text, and the code itself by IRI.
        check("seal_type", "2RS", "string", None)
        assert by_attribute[attribute("seal_type")]["ref"]["value"] == BASE + code_path(
            STANDARD, VERSION, "seal_type", "2RS"
        )
        assert by_attribute[attribute("precision_class")]["ref"]["value"].endswith("/precision_class/P0")

        # Every unit code is the Rec 20 code QUDT gives the attribute's unit (read through the CPMS terms).
        units = bindings(
            client,
            """PREFIX schema: <https://schema.org/>
               SELECT ?pv ?unit ?rec20 WHERE { ?pv schema:unitCode ?unit ; schema:propertyID ?a .
                 ?a <https://w3id.org/cpms-kg/ontology#unit>/<http://qudt.org/schema/qudt/uneceCommonCode> ?rec20 }""",
        )
        assert all(r["unit"]["value"] == r["rec20"]["value"] for r in units)
        assert len([r for r in units if r["pv"]["value"].startswith(PRODUCT + "/")]) == 4
        category = bindings(client, f"SELECT ?c WHERE {{ <{PRODUCT}> <https://schema.org/category> ?c }}")
        assert [r["c"]["value"] for r in category] == [BASE + item_path(STANDARD, VERSION, "category", "RB010101")]

        # The private committed graph is as committed: the schema.org description is only in the public copy.
        assert not any("schema.org" in str(t) for t in store.graph_triples(private_graph(BASE, "acme", "q4")))
        assert any("schema.org" in str(t) for t in store.graph_triples(public_graph(BASE, "acme", "q4")))


def test_resharing_keeps_the_content_hash(store_dir: Path) -> None:
    with app_client(store_dir) as (client, store):
        commit_and_share(client, "q4")
        content = store.graph_triples(public_graph(BASE, "acme", "q4"))
        assert not any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in content)
        before = content_hash(content)
        again = client.post(
            "/api/datasets/acme/q4/share", json={"licence": "https://example.org/licence"}, headers=AUTH
        )
        assert again.status_code == 200
        assert content_hash(store.graph_triples(public_graph(BASE, "acme", "q4"))) == before


def described(store: Store, triples: list[ox.Triple]) -> set[tuple[str, str, str]]:
    return {(t.subject.value, t.predicate.value, str(t.object)) for t in describe_products(store, triples)}  # type: ignore[union-attr]


def test_only_values_of_known_attributes_make_a_product(store_dir: Path) -> None:
    with app_client(store_dir) as (_, store):
        other = ox.NamedNode(f"{BASE}product/acme/X")
        unknown = ox.NamedNode(f"{BASE}standard/none/1.0/attribute/width")
        category = ox.NamedNode(BASE + item_path(STANDARD, VERSION, "category", "RB010101"))
        width = ox.Literal("15", datatype=ox.NamedNode(XSD + "decimal"))
        rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
        # Typed as a category but with no value of a known attribute: not described.
        assert described(store, [ox.Triple(other, rdf_type, category), ox.Triple(other, unknown, width)]) == set()
        facts = described(store, [ox.Triple(other, ox.NamedNode(attribute("width")), width)])
        pv = property_value_iri(BASE, other.value, attribute("width"))
        assert (pv, "https://schema.org/value", str(width)) in facts
        assert (other.value, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "<https://schema.org/Product>") in facts
        assert not any(p == "https://schema.org/category" for _, p, _ in facts)  # no category was stated


def test_property_value_iris_are_stable_and_distinct_per_attribute() -> None:
    inside = property_value_iri(BASE, PRODUCT, attribute("width"))
    assert inside == f"{PRODUCT}/property/standard/{STANDARD}/{VERSION}/attribute/width"
    elsewhere = property_value_iri(BASE, PRODUCT, "http://example.org/attr/width")
    assert elsewhere == property_value_iri(BASE, PRODUCT, "http://example.org/attr/width") != inside
    assert elsewhere.startswith(f"{PRODUCT}/property/") and len(elsewhere.rsplit("/", 1)[-1]) == 64
