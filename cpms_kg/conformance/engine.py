"""Validation engines behind one interface; pySHACL is the reference engine.

A finding carries what the W3C report says (focus node, path, constraint component, severity, value)
plus the rule id and zh/en messages the compiled shapes define for the constraint.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from cpms_kg.errors import UsageError
from cpms_kg.namespaces import CPMS

_RULE = rdflib.URIRef(str(CPMS.ruleId))


@dataclass(frozen=True)
class Finding:
    focus: str
    path: str | None
    component: str
    severity: str
    """Violation, Warning or Info"""
    value: str | None
    rule: str
    message_zh: str
    message_en: str
    shape: str


@dataclass(frozen=True)
class EngineResult:
    conforms: bool
    findings: Sequence[Finding]
    report: rdflib.Graph
    """The W3C SHACL validation report."""


def sort_key(f: Finding) -> tuple[str, ...]:
    """The order every engine gives its findings in: by product, attribute, rule, value, then the rest."""
    return (f.focus, f.path or "", f.rule, f.value or "", f.severity, f.shape, f.component)


def to_rdflib(triples: list[ox.Triple]) -> rdflib.Graph:
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return rdflib.Graph().parse(data=data, format="nt")


class Engine(ABC):
    name: str

    @abstractmethod
    def validate(self, data: list[ox.Triple], shapes: list[ox.Triple]) -> EngineResult: ...


class PyshaclEngine(Engine):
    """The reference: pySHACL on rdflib graphs (never on a pyoxigraph store: string enumerations then
    report false violations, as issue 6 records)."""

    name = "pyshacl"

    def validate(self, data: list[ox.Triple], shapes: list[ox.Triple]) -> EngineResult:
        import pyshacl  # a sixth of a second to import: only when the reference runs

        shapes_graph = to_rdflib(shapes)
        # The shapes graph carries the category hierarchy; as ont_graph it lets class targets reach subclasses.
        conforms, report, _ = pyshacl.validate(
            to_rdflib(data), shacl_graph=shapes_graph, ont_graph=shapes_graph, inference="none", allow_warnings=True
        )
        assert isinstance(report, rdflib.Graph)
        findings = []
        for node in report.subjects(rdflib.RDF.type, SH.ValidationResult):
            shape = report.value(node, SH.sourceShape)
            messages = {
                m.language: str(m) for m in shapes_graph.objects(shape, SH.message) if isinstance(m, rdflib.Literal)
            }
            path, value = report.value(node, SH.resultPath), report.value(node, SH.value)
            findings.append(
                Finding(
                    focus=str(report.value(node, SH.focusNode)),
                    path=None if path is None else str(path),
                    component=str(report.value(node, SH.sourceConstraintComponent)).rsplit("#", 1)[-1],
                    severity=str(report.value(node, SH.resultSeverity)).rsplit("#", 1)[-1],
                    value=None if value is None else str(value),
                    rule=str(shapes_graph.value(shape, _RULE) or ""),
                    message_zh=messages.get("zh", ""),
                    message_en=messages.get("en", ""),
                    shape=str(shape),
                )
            )
        findings.sort(key=sort_key)
        return EngineResult(bool(conforms), tuple(findings), report)


ENGINES = ("fast", "pyshacl")
"""fast: vectorised column checks for tables, the Rust `shacl` validator for RDF; pyshacl: the reference."""


def engine(name: str) -> Engine:
    if name == "pyshacl":
        return PyshaclEngine()
    if name == "fast":
        from cpms_kg.conformance.fast import FastEngine  # it builds on this module

        return FastEngine()
    known = ", ".join(ENGINES)
    raise UsageError(
        f"unknown engine {name!r}; available: {known}", message_zh=f"未知的校验引擎 {name!r}；可用：{known}"
    )
