"""A standard version as RDF: exact round-trips, deterministic output, ontology terms, store reads."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from rdflib.compare import isomorphic

from cpms_kg.errors import NotFound
from cpms_kg.iris import graph_path
from cpms_kg.namespaces import CPMS, RDF
from cpms_kg.standards.model import Category, Mapping, MappingRelation, Standard, Status, Text
from cpms_kg.standards.rdf import (
    from_quads,
    list_standards,
    load_standard,
    to_jsonld,
    to_quads,
    to_triples,
    to_turtle,
    version_key,
)
from cpms_kg.store.base import LoadSource
from cpms_kg.store.embedded import EmbeddedStore
from tests.conftest import BASE, ROOT
from tests.standard_examples import STANDARD
from tests.standard_strategies import standards

# Every optional field set, several mappings in a non-canonical order, a decimal with a trailing zero.
FULL = dataclasses.replace(
    STANDARD,
    info=dataclasses.replace(
        STANDARD.info,
        version="2.10",
        status=Status.PUBLISHED_PROVINCIAL,
        industry=Mapping(MappingRelation.BROAD, "cpc21", "4331"),
        expert_group="浙江省滚动轴承专家组",
        issued=date(2025, 3, 1),
        implemented=date(2025, 6, 1),
        previous_version="2.9",
        description=Text("说明", "Description"),
    ),
    categories=(
        Category(
            "B",
            Text("滚动轴承", "Rolling bearings"),
            definition=Text("定义", "Definition"),
            mappings=(
                Mapping(MappingRelation.NARROW, "hs2017", "848210"),
                Mapping(MappingRelation.EXACT, "cpc21", "43310"),
            ),
        ),
        *STANDARD.categories[1:],
    ),
    attributes=(
        dataclasses.replace(STANDARD.attributes[1], min_inclusive=Decimal("25.0"), example="25.5", min_count=1),
        *STANDARD.attributes[:1],
        dataclasses.replace(STANDARD.attributes[2], max_count=None, definition=Text("密封", "Seal")),
        *STANDARD.attributes[3:],
    ),
)


def parse(data: str, fmt: ox.RdfFormat) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(data.encode(), fmt)]


def read(triples: list[ox.Triple], s: Standard) -> Standard:
    return from_quads(triples, BASE, s.info.id, s.info.version)


def as_rdflib(triples: list[ox.Triple]) -> rdflib.Graph:
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return rdflib.Graph().parse(data=data.decode(), format="nt")


@pytest.mark.parametrize("s", [STANDARD, FULL], ids=["example", "full"])
def test_hand_made_standards_round_trip_through_quads_turtle_and_jsonld(s: Standard) -> None:
    assert from_quads(to_quads(s, BASE), BASE, s.info.id, s.info.version) == s
    assert read(parse(to_turtle(s, BASE), ox.RdfFormat.TURTLE), s) == s
    assert read(parse(to_jsonld(s, BASE), ox.RdfFormat.JSON_LD), s) == s


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(standards())
def test_every_valid_standard_round_trips_exactly(s: Standard) -> None:
    assert read(to_triples(s, BASE), s) == s
    assert read(parse(to_turtle(s, BASE), ox.RdfFormat.TURTLE), s) == s


# The warning comes from inside rdflib's JSON-LD parser.
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@settings(max_examples=30, deadline=None)
@given(standards())
def test_rdflib_reads_the_turtle_and_jsonld_as_the_same_graph(s: Standard) -> None:
    expected = as_rdflib(to_triples(s, BASE))
    assert isomorphic(rdflib.Graph().parse(data=to_turtle(s, BASE), format="turtle"), expected)
    assert isomorphic(rdflib.Graph().parse(data=to_jsonld(s, BASE), format="json-ld"), expected)


def test_output_is_byte_identical_for_equal_standards() -> None:
    twin = dataclasses.replace(FULL, info=dataclasses.replace(FULL.info))
    assert to_turtle(FULL, BASE) == to_turtle(twin, BASE)
    assert to_jsonld(FULL, BASE) == to_jsonld(twin, BASE)
    assert to_triples(FULL, BASE) == sorted(set(to_triples(FULL, BASE)), key=str)


def test_model_is_written_with_the_ontology_terms() -> None:
    g = as_rdflib(to_triples(FULL, BASE))
    v = rdflib.URIRef(BASE + "standard/t-bearings/2.10")
    category = rdflib.URIRef(f"{v}/category/B")
    sub = rdflib.URIRef(f"{v}/category/B1")
    attribute = rdflib.URIRef(f"{v}/attribute/inner_diameter")
    skos, dct, prov = rdflib.SKOS, rdflib.DCTERMS, rdflib.PROV
    expected = [
        (rdflib.URIRef(BASE + "standard/t-bearings"), CPMS.hasVersion, v),
        (v, RDF.type, CPMS.StandardVersion),
        (v, RDF.type, skos.ConceptScheme),
        (v, CPMS.status, CPMS.PublishedProvincial),
        (v, CPMS.industry, rdflib.URIRef(BASE + "classification/cpc21/4331")),
        (v, dct.issued, rdflib.Literal("2025-03-01", datatype=rdflib.XSD.date)),
        (v, prov.wasRevisionOf, rdflib.URIRef(BASE + "standard/t-bearings/2.9")),
        (v, dct.replaces, rdflib.URIRef(BASE + "standard/t-bearings/2.9")),
        (category, RDF.type, rdflib.OWL.Class),
        (category, rdflib.RDFS.subClassOf, CPMS.Product),
        (category, skos.topConceptOf, v),
        (category, skos.exactMatch, rdflib.URIRef(BASE + "classification/cpc21/43310")),
        (sub, skos.broader, category),
        (sub, rdflib.RDFS.subClassOf, category),
        (attribute, rdflib.RDFS.subPropertyOf, CPMS.attributeValue),
        (attribute, CPMS.datatype, rdflib.XSD.decimal),
        (attribute, CPMS.unit, rdflib.URIRef(BASE + "classification/units/MilliM")),
        (attribute, CPMS.minCount, rdflib.Literal(1)),
        (rdflib.URIRef(f"{attribute}/range"), CPMS.minInclusive, rdflib.Literal("25.0", datatype=rdflib.XSD.decimal)),
        (rdflib.URIRef(f"{v}/attribute/seal"), CPMS.valueDomain, rdflib.URIRef(f"{v}/codelist/seal")),
        (rdflib.URIRef(f"{v}/requirement/B/designation"), CPMS.obligation, CPMS.Required),
    ]
    assert [t for t in expected if t not in g] == []
    labels = set(g.objects(g.value(v, CPMS.issuingBody), skos.prefLabel))
    assert labels == {rdflib.Literal("测试机构", lang="zh"), rdflib.Literal("Test body", lang="en")}


def test_every_term_used_is_declared_in_the_ontology() -> None:
    """Predicates, classes and cpms: objects must be declared in cpms.ttl (external ones too, as it does)."""
    onto = rdflib.Graph().parse(ROOT / "ontology" / "cpms.ttl", format="turtle")
    declared = {str(s) for s in onto.subjects(RDF.type, None)}
    builtin = tuple(str(ns) for ns in (RDF, rdflib.RDFS, rdflib.OWL, rdflib.XSD))
    used: set[str] = set()
    for t in to_triples(FULL, BASE):
        used.add(t.predicate.value)
        if isinstance(t.object, ox.NamedNode) and (
            t.predicate.value == str(RDF.type) or t.object.value.startswith(CPMS)
        ):
            used.add(t.object.value)
    assert sorted(u for u in used if not u.startswith(builtin) and u not in declared) == []


def test_jsonld_carries_its_context_inline() -> None:
    doc = json.loads(to_jsonld(FULL, BASE))
    assert doc["@context"]["cpms"] == str(CPMS)
    assert any(node["@id"] == "category:B" for node in doc["@graph"])


def test_a_missing_version_is_not_found() -> None:
    with pytest.raises(NotFound):
        from_quads(to_triples(STANDARD, BASE), BASE, "t-bearings", "9.9")


def test_versions_compare_as_dotted_numbers() -> None:
    assert sorted(["1.10", "1.9", "2", "1.0.1", "1", "1.0"], key=version_key) == [
        "1",
        "1.0",
        "1.0.1",
        "1.9",
        "1.10",
        "2",
    ]


# -- through the store --------------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    s = EmbeddedStore(tmp_path / "s", base_iri=BASE, query_workers=1)
    yield s
    s.close()


def put(store: EmbeddedStore, s: Standard) -> None:
    graph = BASE + graph_path("standard", s.info.id, s.info.version)
    store.load([LoadSource(s.key, ox.RdfFormat.TURTLE, data=to_turtle(s, BASE).encode(), graph=graph)])


def test_a_loaded_turtle_reads_back_from_the_store(store: EmbeddedStore) -> None:
    put(store, FULL)
    put(store, STANDARD)
    assert load_standard(store, "t-bearings", "2.10") == FULL
    assert load_standard(store, "t-bearings", "1.0") == STANDARD


def test_latest_version_is_the_highest_dotted_number(store: EmbeddedStore) -> None:
    versions = ["1.2", "1.10", "1.9"]
    for v in versions:
        put(store, dataclasses.replace(FULL, info=dataclasses.replace(FULL.info, version=v)))
    put(store, dataclasses.replace(STANDARD, info=dataclasses.replace(STANDARD.info, id="other", version="7")))
    latest = load_standard(store, "t-bearings")
    assert latest.info.version == "1.10"
    assert latest == dataclasses.replace(FULL, info=dataclasses.replace(FULL.info, version="1.10"))
    listed = {s.id: [v.version for v in s.versions] for s in list_standards(store)}
    assert listed == {"other": ["7"], "t-bearings": ["1.2", "1.9", "1.10"]}
    summary = next(s for s in list_standards(store) if s.id == "t-bearings")
    assert (summary.latest.status, summary.latest.title) == (Status.PUBLISHED_PROVINCIAL, FULL.info.title)


def test_an_absent_standard_or_version_is_not_found(store: EmbeddedStore) -> None:
    put(store, STANDARD)
    with pytest.raises(NotFound):
        load_standard(store, "nope")
    with pytest.raises(NotFound):
        load_standard(store, "t-bearings", "2.0")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(s=standards())
def test_generated_standards_round_trip_through_the_store(store: EmbeddedStore, s: Standard) -> None:
    graph = BASE + graph_path("standard", s.info.id, s.info.version)
    put(store, s)
    try:
        assert load_standard(store, s.info.id, s.info.version) == s
    finally:
        store.drop_graph(graph)
