"""The shipped classification files: they parse under any base, hold the counts of their sources, and
are byte-identical to a rebuild from ../shared/data."""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from functools import cache
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, Literal, Node, URIRef
from rdflib.namespace import RDF, SKOS

from cpms_kg.classification.shipped import SHIPPED, build, shipped_files
from cpms_kg.namespaces import CPMS, QUDT, XKOS
from cpms_kg.resources import scheme_file

BASE = "https://kg.example.org/id/"
SHARED = Path(__file__).parents[1].parent / "shared" / "data"
SCHEMES = Path(__file__).parents[1] / "ontology" / "schemes"


@cache
def graph(name: str) -> Graph:
    text = scheme_file(name).read_text(encoding="utf-8")
    return Graph().parse(data=text, format="turtle", publicID=BASE)


def ref(path: str) -> URIRef:
    return URIRef(BASE + path)


def number(g: Graph, subject: URIRef, prop: URIRef) -> object:
    value = g.value(subject, prop)
    assert isinstance(value, Literal)
    return value.toPython()


def languages(g: Graph, subject: Node, prop: URIRef) -> set[str | None]:
    return {o.language for o in g.objects(subject, prop) if isinstance(o, Literal)}


def test_shipped_list_names_every_file_once() -> None:
    assert [f.file_name for f in SHIPPED] == ["cpc21.ttl", "hs2017.ttl", "hs2017-cpc21.ttl", "units.ttl"]
    assert {f.graph for f in SHIPPED} == {
        "graph/classification/cpc21", "graph/classification/hs2017",
        "graph/correspondence/hs2017-cpc21", "graph/classification/units",
    }
    for f in SHIPPED:
        assert scheme_file(f.file_name).is_file()


@pytest.mark.parametrize(("name", "scheme", "per_level"), [
    ("cpc21.ttl", "cpc21", [10, 71, 329, 1299, 2887]),
    ("hs2017.ttl", "hs2017", [97, 1223, 5388]),
])
def test_scheme_counts_and_levels(name: str, scheme: str, per_level: list[int]) -> None:
    g = graph(name)
    scheme_ref = ref(f"classification/{scheme}")
    concepts = set(g.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) == sum(per_level)
    assert set(g.subjects(SKOS.inScheme, scheme_ref)) == concepts
    assert number(g, scheme_ref, XKOS.numberOfLevels) == len(per_level)
    head = g.value(scheme_ref, XKOS.levels)
    assert head is not None
    levels = list(g.items(head))
    assert levels == [ref(f"classification/{scheme}/level/{d}") for d in range(1, len(per_level) + 1)]
    for depth, (level, count) in enumerate(zip(levels, per_level, strict=True), start=1):
        assert (level, RDF.type, XKOS.ClassificationLevel) in g
        assert isinstance(level, URIRef) and number(g, level, XKOS.depth) == depth
        assert languages(g, level, SKOS.prefLabel) == {"en", "zh"}
        assert len(set(g.objects(level, SKOS.member))) == count
    assert len(set(g.objects(scheme_ref, SKOS.hasTopConcept))) == per_level[0]
    # English only: the sources have no Chinese titles, and none are made up.
    assert set().union(*(languages(g, c, SKOS.prefLabel) for c in concepts)) == {"en"}


def test_cpc_bearings_chain() -> None:
    g = graph("cpc21.ttl")
    bearings = ref("classification/cpc21/43310")
    assert g.value(bearings, SKOS.prefLabel) == Literal("Ball or roller bearings", lang="en")
    assert g.value(bearings, SKOS.notation) == Literal("43310")
    chain: list[Node] = [bearings]
    while (up := g.value(chain[-1], SKOS.broader)) is not None:
        chain.append(up)
    assert [str(c).removeprefix(BASE + "classification/cpc21/") for c in chain] == [
        "43310", "4331", "433", "43", "4"]
    assert (ref("classification/cpc21/433"), SKOS.narrower, ref("classification/cpc21/4331")) in g
    assert (chain[-1], SKOS.topConceptOf, ref("classification/cpc21")) in g
    assert (ref("classification/cpc21/level/5"), SKOS.member, bearings) in g


def test_hs_to_cpc_correspondence() -> None:
    g = graph("hs2017-cpc21.ttl")
    corr = ref("correspondence/hs2017-cpc21")
    assert (corr, RDF.type, XKOS.Correspondence) in g
    assert set(g.objects(corr, XKOS.compares)) == {ref("classification/hs2017"), ref("classification/cpc21")}
    associations = set(g.subjects(RDF.type, XKOS.ConceptAssociation))
    assert len(associations) == 5843
    assert set(g.objects(corr, XKOS.madeOf)) == associations
    hs, cpc = ref("classification/hs2017/848210"), ref("classification/cpc21/43310")
    assoc = ref("correspondence/hs2017-cpc21/848210-43310")
    assert g.value(assoc, XKOS.sourceConcept) == hs
    assert g.value(assoc, XKOS.targetConcept) == cpc
    assert g.value(assoc, CPMS.associationCardinality) == Literal("many-to-one")
    assert set(g.predicate_objects(hs)) == {(SKOS.broadMatch, cpc)}


def test_every_correspondence_row_has_its_mapping_link() -> None:
    g = graph("hs2017-cpc21.ttl")
    with (SHARED / "un-cpc21-hs-isic" / "hs2017_to_cpc21.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    expected = {
        (ref(f"classification/hs2017/{r['hs2017_code']}"), SKOS[r["skos_relation"].removeprefix("skos:")],
         ref(f"classification/cpc21/{r['cpc21_code']}"))
        for r in rows
    }
    mappings = (SKOS.exactMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
    assert {t for t in g if t[1] in mappings} == expected
    assert len(expected) == 5843


def test_units() -> None:
    g = graph("units.ttl")
    with (SHARED / "uom-unece-rec20" / "rec20_units.csv").open(encoding="utf-8") as handle:
        active = {r["common_code"] for r in csv.DictReader(handle) if r["status"] == "active"}
    units = set(g.subjects(RDF.type, QUDT.Unit))
    assert units == set(g.subjects(RDF.type, SKOS.Concept))
    assert 1400 < len(units) < 1538
    codes = {str(c) for c in g.objects(None, QUDT.uneceCommonCode)}
    assert codes <= active
    mm = ref("classification/units/MilliM")
    assert g.value(mm, SKOS.exactMatch) == URIRef("http://qudt.org/vocab/unit/MilliM")
    assert g.value(mm, QUDT.uneceCommonCode) == Literal("MMT")
    assert g.value(mm, QUDT.conversionMultiplier) == Literal(Decimal("0.001"))
    assert g.value(mm, QUDT.hasQuantityKind) == URIRef("http://qudt.org/vocab/quantitykind/Length")
    assert g.value(mm, QUDT.hasDimensionVector) == URIRef(
        "http://qudt.org/vocab/dimensionvector/A0E0L1I0M0H0T0D0")
    newton_metre = ref("classification/units/N-M")
    assert Literal("牛米", lang="zh") in set(g.objects(newton_metre, SKOS.prefLabel))
    # KiloM carries KMT (active) and KTM (deleted in Rec 20): only KMT is kept.
    assert set(g.objects(ref("classification/units/KiloM"), QUDT.uneceCommonCode)) == {Literal("KMT")}
    assert (ref("classification/units/DEG_C"), QUDT.conversionOffset, None) in g


def test_shipped_files_load_into_oxigraph_under_a_base() -> None:
    store = pyoxigraph.Store()
    for f in SHIPPED:
        store.load(path=SCHEMES / f.file_name, format=pyoxigraph.RdfFormat.TURTLE, base_iri=BASE,
                   to_graph=pyoxigraph.NamedNode(BASE + f.graph))
    rows = store.query(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?label WHERE { ?hs skos:notation '848210' ; skos:broadMatch ?cpc . "
        "?cpc skos:prefLabel ?label }",
        use_default_graph_as_union=True,
    )
    assert isinstance(rows, pyoxigraph.QuerySolutions)
    assert [r["label"].value for r in rows] == ["Ball or roller bearings"]


def test_rebuild_is_byte_identical(tmp_path: Path) -> None:
    texts = shipped_files(SHARED)
    assert sorted(texts) == sorted([f.file_name for f in SHIPPED] + ["PROVENANCE.md"])
    for name, text in texts.items():
        assert (SCHEMES / name).read_bytes() == text.encode("utf-8"), f"{name} differs from a rebuild"
    written = build(SHARED, tmp_path)
    assert {p.name for p in written} == set(texts)
    assert all(p.read_bytes() == (SCHEMES / p.name).read_bytes() for p in written)


def test_headers_cite_provenance() -> None:
    for f in SHIPPED:
        text = scheme_file(f.file_name).read_text(encoding="utf-8")
        head = text.split("\n@prefix", 1)[0]
        assert "PROVENANCE.md" in head and "sha256" in head and "icence" in head, f.file_name
        assert not re.search(r"^@base", text, re.M), f.file_name
