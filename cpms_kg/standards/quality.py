"""The quality of a standard version, checked with the SHACL shapes in shapes/standard.ttl.

The data graph is the version's RDF plus the little of the classifications the rules look at: the
levels and broader chains of the concepts the version points to, and which scheme its units are in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
import pyshacl
import rdflib
from rdflib.namespace import SH

from cpms_kg.namespaces import CPMS, SKOS, XKOS
from cpms_kg.resources import shapes_dir
from cpms_kg.standards.model import Standard
from cpms_kg.standards.rdf_write import to_triples
from cpms_kg.store.base import Store

_RULE = rdflib.URIRef(str(CPMS.ruleId))


@dataclass(frozen=True)
class QualityResult:
    rule: str
    severity: str
    focus: str
    value: str | None
    message_zh: str
    message_en: str


@dataclass(frozen=True)
class QualityReport:
    standard: str
    results: tuple[QualityResult, ...]

    @property
    def conforms(self) -> bool:
        return not any(r.severity == "Violation" for r in self.results)


def _shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(data=shapes_dir().joinpath("standard.ttl").read_text(encoding="utf-8"), format="turtle")


def context(store: Store, triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """Levels and broader chains of the classification concepts and units the version points to."""
    targets = sorted(
        {t.object.value for t in triples if isinstance(t.object, ox.NamedNode) and "/classification/" in t.object.value}
    )
    if not targets:
        return []
    values = " ".join(f"<{t}>" for t in targets)
    s, x = str(SKOS), str(XKOS)
    return store.construct(
        f"""CONSTRUCT {{ ?c <{s}broader> ?b . ?c <{s}inScheme> ?scheme . ?level <{s}member> ?c .
                        ?level <{x}depth> ?depth }}
            WHERE {{ VALUES ?start {{ {values} }} ?start <{s}broader>* ?c .
                     OPTIONAL {{ ?c <{s}broader> ?b }} OPTIONAL {{ ?c <{s}inScheme> ?scheme }}
                     OPTIONAL {{ ?level <{s}member> ?c ; <{x}depth> ?depth }} }}"""
    )


def _graph(triples: Iterable[ox.Triple]) -> rdflib.Graph:
    data = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""
    return rdflib.Graph().parse(data=data, format="nt")


def check_triples(standard_key: str, triples: list[ox.Triple]) -> QualityReport:
    shapes = _shapes()
    _, report, _ = pyshacl.validate(_graph(triples), shacl_graph=shapes, inference="none", allow_warnings=True)
    results = []
    for node in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        # The constraint's own zh/en messages, filled in here: pySHACL drops language tags when it
        # fills a template, and gives SPARQL results the enclosing shape's message too.
        shape = report.value(node, SH.sourceShape)
        constraint = report.value(node, SH.sourceConstraint)
        source = constraint if constraint is not None and (constraint, SH.message, None) in shapes else shape
        value = report.value(node, SH.value)
        messages = {
            m.language: str(m).replace("{?value}", "" if value is None else str(value))
            for m in shapes.objects(source, SH.message)
            if isinstance(m, rdflib.Literal)
        }
        results.append(
            QualityResult(
                rule=str(shapes.value(source, _RULE) or shapes.value(shape, _RULE) or ""),
                severity=str(report.value(node, SH.resultSeverity)).rsplit("#", 1)[-1],
                focus=str(report.value(node, SH.focusNode)),
                value=None if value is None else str(value),
                message_zh=messages.get("zh", messages.get(None, "")),
                message_en=messages.get("en", messages.get(None, "")),
            )
        )
    return QualityReport(standard_key, tuple(sorted(results, key=lambda r: (r.rule, r.focus, r.value or ""))))


def check_standard(store: Store, standard: Standard) -> QualityReport:
    """Checks a version (loaded or about to be) against the classifications in the store."""
    triples = to_triples(standard, store.base_iri)
    return check_triples(standard.key, triples + context(store, triples))
