"""Reading a pySHACL report with each constraint's own zh/en messages and rule id.

pySHACL drops language tags when it fills a message template, and gives SPARQL-based results the
enclosing shape's message too, so the messages are taken from the shapes graph instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import rdflib

from cpms_kg.namespaces import CPMS, SH

_RULE = CPMS.ruleId


@dataclass(frozen=True)
class Finding:
    focus: str
    severity: str
    value: str | None
    rule: str
    message_zh: str
    message_en: str


def findings(report: rdflib.Graph, shapes: rdflib.Graph) -> Iterator[Finding]:
    for node in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        shape = report.value(node, SH.sourceShape)
        constraint = report.value(node, SH.sourceConstraint)
        source = constraint if constraint is not None and (constraint, SH.message, None) in shapes else shape
        value = report.value(node, SH.value)
        messages = {
            m.language: str(m).replace("{?value}", "" if value is None else str(value))
            for m in shapes.objects(source, SH.message)
            if isinstance(m, rdflib.Literal)
        }
        yield Finding(
            focus=str(report.value(node, SH.focusNode)),
            severity=str(report.value(node, SH.resultSeverity)).rsplit("#", 1)[-1],
            value=None if value is None else str(value),
            rule=str(shapes.value(source, _RULE) or shapes.value(shape, _RULE) or ""),
            message_zh=messages.get("zh", messages.get(None, "")),
            message_en=messages.get("en", messages.get(None, "")),
        )
