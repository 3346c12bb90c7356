"""The fast engine for RDF input: the Rust SHACL validator `shacl` behind the Engine interface.

Chosen by measurement over pyshacl-turbo and over our own compilation of the shapes to SPARQL on a
pyoxigraph Store (bench/rdf_engines.py; the numbers are in its docstring). Its findings equal the
reference's (PyshaclEngine) on our compiled shapes, it passes the 98 W3C SHACL core tests, and it
keeps literals' lexical forms (a pyoxigraph Store canonicalises "25.50"^^xsd:decimal to "25.5", so a
finding's value would change).

The data graph is validated as the reference validates it: with the shapes graph's RDFS and OWL
axioms mixed in (rdf_engine_ontology.py; they carry the category hierarchy that class targets
need). Shapes that use anything outside SHACL Core (SHACL-SPARQL, SHACL-AF rules, custom targets or
constraint components, sh:entailment, ...) go to the reference engine instead, as does a run the
validator refuses; `RdfEngineResult.engine` and `.unsupported` say so.

The W3C report is kept as the validator wrote it and becomes an rdflib graph only when read as one:
serialising it to Turtle, N-Triples, JSON-LD or RDF/XML needs no Python object per triple.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
import shacl

from cpms_kg.conformance.engine import Engine, EngineResult, Finding, PyshaclEngine, sort_key
from cpms_kg.conformance.lazy_report import LazyReport
from cpms_kg.conformance.rdf_engine_ontology import inoculation
from cpms_kg.conformance.rdf_parts import MergedReport, local, parts_needed, split
from cpms_kg.namespaces import CPMS

log = logging.getLogger(__name__)

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RULE = str(CPMS.ruleId)

# The SHACL Core vocabulary (https://www.w3.org/TR/shacl/ sections 2 to 4), plus the validation
# report terms, which the W3C test files keep in the same graph as their shapes.


def _terms(prefix: str, words: str) -> frozenset[str]:
    return frozenset(prefix + word for word in words.split())


CORE_PREDICATES = _terms(
    SH,
    (
        # targets, shapes, non-validating properties
        "targetClass targetNode targetObjectsOf targetSubjectsOf path property node deactivated severity message "
        "name description order group defaultValue shapesGraph suggestedShapesGraph "
        # property paths
        "inversePath alternativePath zeroOrMorePath oneOrMorePath zeroOrOnePath "
        # constraint components
        "class datatype nodeKind minCount maxCount minExclusive minInclusive maxExclusive maxInclusive minLength "
        "maxLength pattern flags languageIn uniqueLang equals disjoint lessThan lessThanOrEquals not and or xone "
        "qualifiedValueShape qualifiedMinCount qualifiedMaxCount qualifiedValueShapesDisjoint closed "
        "ignoredProperties hasValue in "
        # validation reports
        "conforms result focusNode resultPath resultSeverity sourceShape sourceConstraintComponent "
        "sourceConstraint value resultMessage detail "
        # prefix declarations: inert unless SPARQL-based constraints (not Core, so not here) use them
        "declare prefix namespace"
    ),
)
CORE_TYPES = frozenset(SH + t for t in ("NodeShape", "PropertyShape", "Shape", "ValidationReport", "ValidationResult"))

# rdflib serializer names -> the validator's report formats.
_REPORT_FORMATS = {
    "turtle": "turtle",
    "ttl": "turtle",
    "nt": "ntriples",
    "ntriples": "ntriples",
    "nt11": "ntriples",
    "json-ld": "jsonld",
    "jsonld": "jsonld",
    "xml": "rdfxml",
    "application/rdf+xml": "rdfxml",
    "n3": "n3",
}
# Input formats the validator reads itself (others are converted to N-Triples first).
_TEXT_FORMATS = {ox.RdfFormat.N_TRIPLES: "ntriples", ox.RdfFormat.TURTLE: "turtle"}


def unsupported_features(shapes: Iterable[ox.Triple]) -> list[str]:
    """SHACL terms outside SHACL Core that a shapes graph uses, sorted; empty if the fast path applies."""
    found: set[str] = set()
    for t in shapes:
        predicate = t.predicate.value
        if predicate.startswith(SH) and predicate not in CORE_PREDICATES:
            found.add(predicate)
        kind = t.object.value if predicate == RDF_TYPE and isinstance(t.object, ox.NamedNode) else ""
        if kind.startswith(SH) and kind not in CORE_TYPES:
            found.add(kind)
    return sorted(found)


@dataclass(frozen=True)
class RdfEngineResult(EngineResult):
    engine: str = "shacl"
    """Which validator produced the report: "shacl", or "pyshacl" after a fallback."""
    unsupported: tuple[str, ...] = ()
    """Why the reference engine ran instead: the shapes' non-Core terms, or the validator's error."""
    parts: int = 1
    """How many parts a large file was validated in (`rdf_parts`)."""


@lru_cache(maxsize=32)
def _compiled(shapes_nt: str) -> shacl.Shapes:
    return shacl.Shapes.from_text(shapes_nt, format="ntriples")


def _shapes_text(shapes: list[ox.Triple]) -> tuple[str, str]:
    """The shapes as N-Triples for compiling, and the triples the reference mixes into the data."""
    as_nt = ox.serialize(shapes, format=ox.RdfFormat.N_TRIPLES) or b""
    mixed = ox.serialize(inoculation(shapes), format=ox.RdfFormat.N_TRIPLES) or b""
    return as_nt.decode(), mixed.decode()


def _plain(term: str | None) -> str | None:
    """An N-Triples term as Finding holds it: an IRI, a blank node's label, or a literal's lexical form as
    rdflib gives it (the reference reads the data with rdflib, which normalises typed literals' lexical
    forms: "0341.0"^^xsd:decimal is "341.0", "007"^^xsd:integer "7")."""
    if term is None:
        return None
    if term.startswith("<") and term.endswith(">") and "\\" not in term:
        return term[1:-1]
    if term.startswith("_:"):
        return term[2:]
    if term.startswith('"') and term.endswith('"') and "\\" not in term:
        return term[1:-1]
    return _literal(term)


@lru_cache(maxsize=65536)
def _literal(term: str) -> str:
    parsed = next(ox.parse(f"<x:s> <x:p> {term} .", format=ox.RdfFormat.N_TRIPLES)).object
    if not isinstance(parsed, ox.Literal) or parsed.language or parsed.datatype.value == _XSD_STRING:
        return str(parsed.value)
    return str(rdflib.Literal(parsed.value, datatype=rdflib.URIRef(parsed.datatype.value)))


def _path(rendered: str | None) -> str | None:
    """A predicate path as its IRI (as the reference reports it); other paths in SPARQL syntax."""
    if rendered is None:
        return None
    if rendered.startswith("<") and rendered.endswith(">") and ">" not in rendered[1:-1]:
        return _plain(rendered)
    return rendered


class _ShapeInfo:
    """Rule ids and zh/en messages of the named shapes, read from the shapes graph."""

    def __init__(self, shapes: list[ox.Triple]) -> None:
        self.rule: dict[str, str] = {}
        self.messages: dict[str, dict[str, str]] = {}
        for t in shapes:
            if not isinstance(t.subject, ox.NamedNode) or not isinstance(t.object, ox.Literal):
                continue
            if t.predicate.value == _RULE:
                self.rule[t.subject.value] = t.object.value
            elif t.predicate.value == SH + "message" and t.object.language:
                self.messages.setdefault(t.subject.value, {})[t.object.language] = t.object.value

    def finding(self, r: shacl.Result) -> Finding:
        shape = _plain(r.source_shape) or ""
        if r.source_shape is not None and r.source_shape.startswith("_:"):
            # A blank-node shape: its label is the validator's own, so its messages come with the result.
            text = " / ".join(r.messages)
            messages = {"zh": text, "en": text}
        else:
            messages = self.messages.get(shape, {})
        return Finding(
            focus=_plain(r.focus_node) or "",
            path=_path(r.path),
            component=r.component,
            severity=r.severity,
            value=_plain(r.value),  # not value_plain: the lexical form as rdflib normalises it
            rule=self.rule.get(shape, ""),
            message_zh=messages.get("zh", ""),
            message_en=messages.get("en", ""),
            shape=shape,
        )


class FastRdfEngine(Engine):
    """SHACL Core shapes on RDF data with `shacl`; anything else with the reference engine.

    `allow_warnings` as in pySHACL: True (cpms-kg's policy, as PyshaclEngine) means only violations
    make the data non-conforming; False is the SHACL specification's (any result does).
    """

    name = "fast-rdf"

    def __init__(self, *, allow_warnings: bool = True, reference: Engine | None = None) -> None:
        self.allow_warnings = allow_warnings
        self.reference = reference or PyshaclEngine()

    def validate(self, data: list[ox.Triple], shapes: list[ox.Triple]) -> RdfEngineResult:
        unsupported = unsupported_features(shapes)
        if unsupported:
            return self._fallback(data, shapes, tuple(unsupported))
        text = (ox.serialize(data, format=ox.RdfFormat.N_TRIPLES) or b"").decode()
        return self._run(text, "ntriples", None, shapes, lambda: data)

    def validate_file(
        self, path: Path, format: ox.RdfFormat, shapes: list[ox.Triple], *, base_iri: str | None = None
    ) -> RdfEngineResult:
        """RDF read from a file (Turtle, N-Triples, JSON-LD, RDF/XML, ...), without a Python object per triple."""

        def triples() -> list[ox.Triple]:
            return [q.triple for q in ox.parse(path=path, format=format, base_iri=base_iri)]

        unsupported = unsupported_features(shapes)
        if unsupported:
            return self._fallback(triples(), shapes, tuple(unsupported))
        count = parts_needed(path)
        if count > 1 and local(shapes):
            return self._in_parts(path, format, base_iri, shapes, count)
        if format in _TEXT_FORMATS:
            return self._run(path.read_text(encoding="utf-8"), _TEXT_FORMATS[format], base_iri, shapes, triples)
        text = (
            ox.serialize(ox.parse(path=path, format=format, base_iri=base_iri), format=ox.RdfFormat.N_TRIPLES) or b""
        ).decode()
        return self._run(text, "ntriples", None, shapes, triples)

    def _in_parts(
        self, path: Path, format: ox.RdfFormat, base_iri: str | None, shapes: list[ox.Triple], count: int
    ) -> RdfEngineResult:
        """A large file split by subject (`rdf_parts`), each part validated, the findings and reports merged."""
        merged = MergedReport()
        findings: list[Finding] = []
        conforms, engine, unsupported = True, "shacl", tuple[str, ...]()
        with tempfile.TemporaryDirectory(prefix="cpms-kg-parts-") as folder:
            for part in split(path, format, base_iri, count, Path(folder)):

                def triples(part: Path = part) -> list[ox.Triple]:
                    return [q.triple for q in ox.parse(path=part, format=ox.RdfFormat.N_TRIPLES)]

                result = self._run(part.read_text(encoding="utf-8"), "ntriples", None, shapes, triples)
                part.unlink()
                findings += result.findings
                conforms = conforms and result.conforms
                if result.engine != "shacl":
                    engine, unsupported = result.engine, result.unsupported
                merged.add(result.report.serialize(format="nt"))
        findings.sort(key=sort_key)
        report = merged.close(conforms)
        return RdfEngineResult(conforms, tuple(findings), report, engine=engine, unsupported=unsupported, parts=count)

    def _run(self, text: str, fmt: str, base_iri: str | None, shapes: list[ox.Triple], triples: Any) -> RdfEngineResult:
        shapes_nt, merged_nt = _shapes_text(shapes)
        # The shapes' axioms join the data as in the reference; a newline first, in case the data ends
        # in a comment.
        document = f"{text}\n{merged_nt}"
        try:
            compiled = _compiled(shapes_nt)
            kwargs: dict[str, Any] = {"format": fmt, "allow_warnings": self.allow_warnings}
            if base_iri is not None:
                kwargs["base"] = base_iri
            report = compiled.validate_text(document, **kwargs)
        except ValueError as error:
            # A refusal is no verdict: the reference decides (and raises if the data itself is broken).
            log.warning("shacl refused the run (%s); using the reference engine", error)
            return self._fallback(triples(), shapes, (f"shacl: {error}",))
        info = _ShapeInfo(shapes)
        # The reference's order (focus, path, rule, value), its ties broken by severity and shape.
        findings = sorted((info.finding(r) for r in report.results), key=sort_key)
        written = LazyReport(lambda fmt: report.serialize(_REPORT_FORMATS[fmt]) if fmt in _REPORT_FORMATS else None)
        return RdfEngineResult(bool(report.conforms), tuple(findings), written)

    def _fallback(self, data: list[ox.Triple], shapes: list[ox.Triple], reasons: tuple[str, ...]) -> RdfEngineResult:
        log.info("fast-rdf: using the reference engine because of %s", ", ".join(reasons))
        result = self.reference.validate(data, shapes)
        conforms = result.conforms if self.allow_warnings else not result.findings
        report = result.report
        if conforms != result.conforms:
            sh_conforms = rdflib.URIRef(SH + "conforms")
            for node in list(report.subjects(sh_conforms, None)):
                report.set((node, sh_conforms, rdflib.Literal(conforms)))
        return RdfEngineResult(conforms, result.findings, report, engine=self.reference.name, unsupported=reasons)
