"""Reading the W3C SHACL test suite manifests (sht:Validate entries) and comparing validation reports.

Each entry names a data graph and a shapes graph (`<>` is the test file itself) and the expected
sh:ValidationReport (or sht:Failure: the validator must refuse the shapes). Reports are compared the
way the suite defines: the sh:conforms flag plus the results, each reduced to focus node, path, value,
severity, source shape and source constraint component (messages and sh:detail left out), as RDF
graphs compared up to blank-node isomorphism; a blank-node result path is copied with its structure
(e.g. an rdf:List for a sequence path).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic, to_canonical_graph
from rdflib.namespace import SH, XSD
from rdflib.term import Node

SUITE = Path(__file__).resolve().parents[2] / "shared" / "conformance" / "shacl-w3c" / "tests"
CORE_MANIFEST = SUITE / "core" / "manifest.ttl"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")

# The result properties the suite compares.
RESULT_PROPERTIES = (
    SH.focusNode,
    SH.resultPath,
    SH.value,
    SH.resultSeverity,
    SH.sourceShape,
    SH.sourceConstraintComponent,
)


@dataclass(frozen=True)
class Case:
    id: str
    """Path of the test file below tests/ without .ttl, plus the entry's local name if it differs."""
    label: str
    data: Path
    shapes: Path
    failure: bool
    """The validator must refuse the shapes graph (sht:Failure)."""
    expected: Graph
    """The expected report reduced by `reduce_report` (empty when `failure`)."""


def _parse(path: Path) -> Graph:
    graph = Graph()
    graph.parse(path, format="turtle", publicID=path.as_uri())
    return graph


def _file(node: Node) -> Path:
    return Path(str(node).removeprefix("file://"))


def read_triples(path: Path) -> list[ox.Triple]:
    """A test file's triples as pyoxigraph reads them (relative IRIs against the file's own IRI)."""
    return [q.triple for q in ox.parse(path=path, format=ox.RdfFormat.TURTLE, base_iri=path.as_uri())]


def _copy(source: Graph, target: Graph, node: Node) -> Node:
    """Copy a blank-node structure (a path expression) from `source` into `target`; IRIs stay."""
    if not isinstance(node, BNode):
        return node
    copy = BNode()
    for p, o in source.predicate_objects(node):
        target.add((copy, p, _copy(source, target, o)))
    return copy


def reduce_report(source: Graph, report: Node) -> Graph:
    """The parts of a validation report the suite compares, as a graph of its own."""
    out = Graph()
    root = BNode()
    out.add((root, RDF.type, SH.ValidationReport))
    conforms = source.value(report, SH.conforms)
    assert isinstance(conforms, Literal), f"report {report} has no sh:conforms"
    out.add((root, SH.conforms, Literal(bool(conforms.toPython()), datatype=XSD.boolean)))
    for result in source.objects(report, SH.result):
        node = BNode()
        out.add((root, SH.result, node))
        out.add((node, RDF.type, SH.ValidationResult))
        for prop in RESULT_PROPERTIES:
            for value in source.objects(result, prop):
                out.add((node, prop, _copy(source, out, value) if prop == SH.resultPath else value))
    return out


def reduce_graph(report: Graph) -> Graph:
    """`reduce_report` of the one sh:ValidationReport in a report graph."""
    roots = list(report.subjects(RDF.type, SH.ValidationReport))
    assert len(roots) == 1, f"expected one sh:ValidationReport, found {len(roots)}"
    return reduce_report(report, roots[0])


def same_report(expected: Graph, actual: Graph) -> bool:
    return isomorphic(expected, actual)


def describe(graph: Graph) -> str:
    """A canonical Turtle rendering, for a readable difference when a test fails."""
    return to_canonical_graph(graph).serialize(format="turtle")


def _items(graph: Graph, subject: Node, predicate: URIRef) -> list[Node]:
    head = graph.value(subject, predicate)
    return [] if head is None else list(Collection(graph, head))


def _cases(manifest: Path) -> Iterator[Case]:
    graph = _parse(manifest)
    root = URIRef(manifest.as_uri())
    assert (root, RDF.type, MF.Manifest) in graph, f"{manifest} is not an mf:Manifest"
    for included in sorted(graph.objects(root, MF.include), key=str):
        yield from _cases(_file(included))
    for entry in _items(graph, root, MF.entries):
        if (entry, RDF.type, SHT.Validate) not in graph:
            continue
        action, result = graph.value(entry, MF.action), graph.value(entry, MF.result)
        assert action is not None and result is not None, f"{entry}: no mf:action or mf:result"
        data, shapes = graph.value(action, SHT.dataGraph), graph.value(action, SHT.shapesGraph)
        assert data is not None and shapes is not None, f"{entry}: incomplete mf:action"
        failure = result == SHT.Failure
        name = manifest.relative_to(SUITE).with_suffix("").as_posix()
        local = str(entry).rsplit("/", 1)[-1]
        yield Case(
            id=name if name.endswith("/" + local) else f"{name}#{local}",
            label=str(graph.value(entry, URIRef("http://www.w3.org/2000/01/rdf-schema#label")) or local),
            data=_file(data),
            shapes=_file(shapes),
            failure=failure,
            expected=Graph() if failure else reduce_report(graph, result),
        )


def read_cases(manifest: Path = CORE_MANIFEST) -> list[Case]:
    """The sht:Validate entries of a manifest, following mf:include, in order."""
    return list(_cases(manifest))
