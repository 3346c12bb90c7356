"""The fast RDF engine: the W3C SHACL core tests, findings equal to pySHACL's, and the fallback.

1. The 98 sht:Validate entries under core/ of ../shared/conformance/shacl-w3c (see its PROVENANCE.md),
   compared as the suite defines (tests/shacl_manifest.py). The engine runs with the specification's
   conformance (any result means non-conforming); entries whose shapes leave SHACL Core go to pySHACL.
2. Differential: products of both demo standards with every kind of fault, as product graphs and as
   RDF written directly, checked by the engine and by PyshaclEngine, compared finding by finding.
3. Fallback: shapes outside SHACL Core, or a run the validator refuses, give the reference's findings.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpms_kg.conformance import rdf_engine
from cpms_kg.conformance.engine import EngineResult, Finding, PyshaclEngine
from cpms_kg.conformance.products import Cell, ProductRecord, product_graph
from cpms_kg.conformance.rdf_engine import FastRdfEngine, LazyReport, RdfEngineResult, unsupported_features
from cpms_kg.standards import demo
from cpms_kg.standards.model import Attribute, Datatype, Standard
from cpms_kg.standards.shapes import compile_shapes
from tests.conftest import BASE
from tests.shacl_manifest import Case, describe, read_cases, read_triples, reduce_graph, same_report

CASES = read_cases()
# Entries whose shapes use terms outside SHACL Core (here: a misspelt sh:nodeShape), so pySHACL runs them.
FALLBACK = {"core/property/qualifiedValueShape-001"}


def test_the_core_manifests_hold_98_tests() -> None:
    assert len(CASES) == 98 and len({c.id for c in CASES}) == 98
    assert not any(c.failure for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_w3c_core(case: Case) -> None:
    result = FastRdfEngine(allow_warnings=False).validate(read_triples(case.data), read_triples(case.shapes))
    assert result.engine == ("pyshacl" if case.id in FALLBACK else "shacl"), result.unsupported
    actual = reduce_graph(result.report)
    assert same_report(case.expected, actual), f"expected:\n{describe(case.expected)}\ngot:\n{describe(actual)}"
    assert result.conforms == (not result.findings)


# --- Differential: the same findings as pySHACL --------------------------------------------------

STANDARDS = {"bearings": demo.bearings(), "fasteners": demo.fasteners()}
FIRM = "差分-firm"


def _key(f: Finding) -> tuple[str, ...]:
    return (f.focus, f.path or "", f.component, f.severity, f.value or "", f.rule, f.message_zh, f.message_en, f.shape)


def assert_same(reference: EngineResult, fast: EngineResult) -> None:
    assert fast.conforms == reference.conforms
    # The same order by (focus, path, rule, value); ties (one rule id in two category shapes) in any order.
    order = [(f.focus, f.path, f.rule, f.value) for f in fast.findings]
    assert order == [(f.focus, f.path, f.rule, f.value) for f in reference.findings]
    assert sorted(map(_key, fast.findings)) == sorted(map(_key, reference.findings))


def _applicable(standard: Standard, category: str) -> list[Attribute]:
    parents = {c.code: c.parent for c in standard.categories}
    chain: list[str] = []
    node: str | None = category
    while node is not None:
        chain.append(node)
        node = parents[node]
    codes = sorted({r.attribute for r in standard.requirements if r.category in chain})
    return [a for code in codes if (a := standard.attribute(code)) is not None]


def _valid(standard: Standard, a: Attribute) -> str:
    if a.datatype is Datatype.CODE and a.code_list:
        codes = standard.code_list(a.code_list)
        assert codes is not None
        return codes.codes[-1].code
    if a.datatype in (Datatype.DECIMAL, Datatype.INTEGER):
        lo, hi = a.min_inclusive or Decimal(0), a.max_inclusive or Decimal(100)
        middle = (lo + hi) / 2
        return str(int(middle)) if a.datatype is Datatype.INTEGER else f"{middle:.2f}"  # "25.50": non-canonical
    return a.example or ("12345678" if a.pattern else "文本值")


# Each fault kind: the values an attribute gets, or None where the fault does not apply to it.
FAULTS: dict[str, Callable[[Standard, Attribute], list[str] | None]] = {
    "valid": lambda s, a: [_valid(s, a)],
    "missing": lambda s, a: [],
    "not a number": lambda s, a: ["twenty"] if a.datatype in (Datatype.DECIMAL, Datatype.INTEGER) else None,
    "decimal for integer": lambda s, a: ["2.5"] if a.datatype is Datatype.INTEGER else None,
    "below minimum": lambda s, a: [f"{a.min_inclusive - 1:f}"] if a.min_inclusive is not None else None,
    "above maximum": lambda s, a: (
        [f"0{a.max_inclusive + 1:f}.0".replace(".0.0", ".0")] if a.max_inclusive is not None else None
    ),
    "not in code list": lambda s, a: ["NO-SUCH-CODE", "p0"] if a.datatype is Datatype.CODE else None,
    "pattern": lambda s, a: ["??"] if a.pattern is not None else None,
    "too long": lambda s, a: ["长" * (a.max_length + 1)] if a.max_length is not None else None,
    "too short": lambda s, a: ["长" * (a.min_length - 1)] if a.min_length and a.min_length > 1 else None,
    "two values": lambda s, a: [_valid(s, a), _valid(s, a) + "0"] if a.max_count == 1 else None,
}


def fault_records(standard: Standard) -> list[ProductRecord]:
    """For every category and fault kind one product, every attribute it applies to carrying the fault."""
    out: list[ProductRecord] = []
    for category in standard.categories:
        for kind, fault in FAULTS.items():
            cells: list[Cell] = []
            for a in _applicable(standard, category.code):
                values = fault(standard, a)
                for value in [_valid(standard, a)] if values is None else values:
                    cells.append(Cell(a.code, value, a.code))
            out.append(ProductRecord(len(out) + 2, f"{category.code}/{kind}", category.code, tuple(cells)))
    return out


@pytest.mark.parametrize("name", sorted(STANDARDS))
def test_every_fault_kind_gives_pyshacls_findings(name: str) -> None:
    standard = STANDARDS[name]
    data = product_graph(fault_records(standard), standard, BASE, FIRM).triples
    shapes = compile_shapes(standard, BASE)
    reference = PyshaclEngine().validate(data, shapes)
    fast = FastRdfEngine().validate(data, shapes)
    assert isinstance(fast, RdfEngineResult) and fast.engine == "shacl"
    assert_same(reference, fast)
    components = {f.component for f in fast.findings}
    assert {
        "MinCountConstraintComponent",
        "MaxCountConstraintComponent",
        "DatatypeConstraintComponent",
        "InConstraintComponent",
        "MinInclusiveConstraintComponent",
        "MaxInclusiveConstraintComponent",
        "PatternConstraintComponent",
        "MaxLengthConstraintComponent",
    } <= components
    assert {"Violation", "Warning"} <= {f.severity for f in fast.findings}
    assert any(f.value and f.value.startswith("0") and f.value.endswith(".0") for f in fast.findings)


def _turtle(standard: Standard) -> str:
    info = standard.info
    item = f"{BASE}standard/{info.id}/{info.version}"
    attr = {a.code: a for a in standard.attributes}
    numeric = next(c for c, a in attr.items() if a.datatype is Datatype.DECIMAL and a.max_inclusive is not None)
    integer = next(c for c, a in attr.items() if a.datatype is Datatype.INTEGER)
    code = next(c for c, a in attr.items() if a.datatype is Datatype.CODE)
    leaf = standard.categories[-1].code
    return f"""
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix c: <{item}/category/> .
@prefix a: <{item}/attribute/> .
@prefix p: <{BASE}product/direct/> .
p:typed a c:{leaf} ; a:{numeric} "1.50"^^xsd:decimal, "9e9"^^xsd:double ; a:{integer} "007"^^xsd:integer ;
    a:{code} "X"^^xsd:string, "Y"@zh .
p:ill a c:{leaf} ; a:{numeric} "abc"^^xsd:decimal ; a:{integer} "1.0"^^xsd:integer, <{BASE}not-a-literal> ;
    a:{code} <{BASE}not-a-code> .
_:anon a c:{standard.categories[0].code} .
p:other a <{BASE}not-a-category> ; a:{numeric} "no" .
"""


@pytest.mark.parametrize("name", sorted(STANDARDS))
def test_rdf_written_directly_gives_pyshacls_findings(name: str, tmp_path: Path) -> None:
    standard = STANDARDS[name]
    path = tmp_path / "upload.ttl"
    path.write_text(_turtle(standard), encoding="utf-8")
    data = read_triples(path)
    shapes = compile_shapes(standard, BASE)
    reference = PyshaclEngine().validate(data, shapes)
    fast = FastRdfEngine().validate_file(path, ox.RdfFormat.TURTLE, shapes)
    # A blank node's label is each engine's own: compare the rest, and how many findings each node has.
    blank = {f.focus for f in reference.findings if not f.focus.startswith("http")}
    assert len(blank) == 1 and sum(not f.focus.startswith("http") for f in fast.findings) > 0
    assert_same(_named(reference), _named(fast))
    assert sorted(_key(f)[1:] for f in reference.findings if f.focus in blank) == sorted(
        _key(f)[1:] for f in fast.findings if not f.focus.startswith("http")
    )
    # The same data as JSON-LD (the validator gets it converted) and as triples.
    jsonld = tmp_path / "upload.jsonld"
    jsonld.write_bytes(ox.serialize(data, format=ox.RdfFormat.JSON_LD) or b"")
    assert_same(_named(reference), _named(FastRdfEngine().validate_file(jsonld, ox.RdfFormat.JSON_LD, shapes)))
    assert_same(_named(reference), _named(FastRdfEngine().validate(data, shapes)))


def _named(result: EngineResult) -> EngineResult:
    named = tuple(f for f in result.findings if f.focus.startswith("http"))
    return EngineResult(result.conforms, named, result.report)


_values = st.one_of(
    st.sampled_from(["", "0", "-1", "25", "25.50", "0340.0", "1e3", "twenty", "6205-2RS", "P0", "p0", "2RS", "长长"]),
    st.text(alphabet="0123456789.-xX长RS ", max_size=8),
)


@st.composite
def _records(draw: st.DrawFn, standard: Standard) -> list[ProductRecord]:
    out = []
    for i in range(draw(st.integers(1, 4))):
        category = draw(st.sampled_from([c.code for c in standard.categories]))
        attributes = draw(st.lists(st.sampled_from(_applicable(standard, category)), max_size=8))
        cells = tuple(Cell(a.code, draw(_values), a.code) for a in attributes)
        out.append(ProductRecord(i + 2, f"H{i}", category, cells))
    return out


@pytest.mark.parametrize("name", sorted(STANDARDS))
def test_generated_tables_give_pyshacls_findings(name: str) -> None:
    standard = STANDARDS[name]
    shapes = compile_shapes(standard, BASE)

    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_records(standard))
    def check(records: list[ProductRecord]) -> None:
        data = product_graph(records, standard, BASE, FIRM).triples
        assert_same(PyshaclEngine().validate(data, shapes), FastRdfEngine().validate(data, shapes))

    check()


# --- Fallback and report -------------------------------------------------------------------------

SPARQL_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
    sh:sparql [ sh:select "SELECT $this WHERE { $this <http://example.org/p> ?v . FILTER(?v > 1) }" ;
                sh:message "too big"@en ] .
"""
DATA = "<http://example.org/x> a <http://example.org/C> ; <http://example.org/p> 5 ."


def _ttl(text: str) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(text, format=ox.RdfFormat.TURTLE)]


def test_shapes_outside_core_go_to_the_reference_never_silently_pass(tmp_path: Path) -> None:
    shapes, data = _ttl(SPARQL_SHAPES), _ttl(DATA)
    assert unsupported_features(shapes) == ["http://www.w3.org/ns/shacl#select", "http://www.w3.org/ns/shacl#sparql"]
    result = FastRdfEngine().validate(data, shapes)
    assert result.engine == "pyshacl" and "http://www.w3.org/ns/shacl#sparql" in result.unsupported
    assert not result.conforms and [f.component for f in result.findings] == ["SPARQLConstraintComponent"]
    assert_same(PyshaclEngine().validate(data, shapes), result)
    path = tmp_path / "data.ttl"
    path.write_text(DATA)
    assert FastRdfEngine().validate_file(path, ox.RdfFormat.TURTLE, shapes).findings == result.findings
    rule = _ttl("<http://example.org/S> <http://www.w3.org/ns/shacl#rule> [] .")
    assert unsupported_features(rule) == ["http://www.w3.org/ns/shacl#rule"]
    assert unsupported_features(compile_shapes(demo.bearings(), BASE)) == []


def test_a_refused_run_goes_to_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str) -> None:
        raise ValueError("refused")

    monkeypatch.setattr(rdf_engine, "_compiled", refuse)
    shapes = _ttl(
        "@prefix sh: <http://www.w3.org/ns/shacl#> . <http://example.org/S> sh:targetNode "
        "<http://example.org/x> ; sh:class <http://example.org/D> ; sh:severity sh:Warning ."
    )
    lenient = FastRdfEngine().validate(_ttl(DATA), shapes)
    assert lenient.engine == "pyshacl" and lenient.unsupported == ("shacl: refused",)
    assert lenient.conforms and len(lenient.findings) == 1  # a warning: conforms under cpms-kg's policy
    strict = FastRdfEngine(allow_warnings=False).validate(_ttl(DATA), shapes)
    assert not strict.conforms
    assert (None, rdflib.SH.conforms, rdflib.Literal(False)) in strict.report


def test_the_report_is_written_without_an_rdflib_graph_until_read_as_one() -> None:
    standard = STANDARDS["bearings"]
    data = product_graph(fault_records(standard)[:5], standard, BASE, FIRM).triples
    result = FastRdfEngine().validate(data, compile_shapes(standard, BASE))
    report = result.report
    assert isinstance(report, LazyReport) and report._source is not None
    turtle = report.serialize(format="turtle")
    assert "ValidationReport" in turtle and report._source is not None
    doc = json.loads(report.serialize(format="json-ld", encoding="utf-8"))
    assert doc and report._source is not None
    results = set(report.subjects(rdflib.RDF.type, rdflib.SH.ValidationResult))  # now parsed
    assert report._source is None and len(results) == len(result.findings)
    assert rdflib.Graph().parse(data=turtle, format="turtle").isomorphic(report)
