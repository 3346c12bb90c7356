"""The quality of a standard version, checked with the SHACL shapes in shapes/standard.ttl.

The data graph is the version's RDF plus the little of the classifications the rules look at: the
levels and broader chains of the concepts the version points to, and which scheme its units are in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib

from cpms_kg.namespaces import SKOS, XKOS
from cpms_kg.resources import shapes_dir
from cpms_kg.shacl_results import findings
from cpms_kg.standards.model import Standard
from cpms_kg.standards.rdf_write import to_triples
from cpms_kg.standards.reuse import definitions, reused_iris
from cpms_kg.store.base import Store


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
    import pyshacl  # a sixth of a second to import; `cpms-kg validate` loads this module but never checks a standard

    _, report, _ = pyshacl.validate(_graph(triples), shacl_graph=shapes, inference="none", allow_warnings=True)
    results = [
        QualityResult(f.rule, f.severity, f.focus, f.value, f.message_zh, f.message_en)
        for f in findings(report, shapes)
    ]
    return QualityReport(standard_key, tuple(sorted(results, key=lambda r: (r.rule, r.focus, r.value or ""))))


def check_standard(store: Store, standard: Standard) -> QualityReport:
    """Checks a version (loaded or about to be) against the classifications in the store, with the
    definitions of the items it reuses from other standards."""
    triples = to_triples(standard, store.base_iri) + definitions(store, reused_iris(standard, store.base_iri))
    return check_triples(standard.key, triples + context(store, triples))
