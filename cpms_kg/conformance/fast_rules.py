"""A standard version's compiled SHACL shapes read back as a plan of column checks for the fast engine.

The plan is read from the shapes triples themselves (the output of `compile_shapes`), not re-derived
from the standard, so shape IRIs, severities, rule ids and messages are the ones pySHACL reports.
Only what the fast engine evaluates exactly is accepted: node shapes with class targets (reaching
subclasses through rdfs:subClassOf), and property shapes with a predicate path and the constraints
minCount, maxCount, datatype, in (of plain strings), min/max Inclusive/Exclusive, pattern (with
flags), minLength and maxLength. Anything else raises `Unsupported`, and the caller falls back to
the reference engine: an unknown feature never passes silently.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import pyoxigraph as ox
import rdflib

from cpms_kg.namespaces import CPMS, OWL, RDF, RDFS, SH, XSD
from cpms_kg.standards.model import Attribute, Standard, attribute_iri

COMPONENTS = {
    "minCount": "MinCountConstraintComponent",
    "maxCount": "MaxCountConstraintComponent",
    "datatype": "DatatypeConstraintComponent",
    "in": "InConstraintComponent",
    "minInclusive": "MinInclusiveConstraintComponent",
    "maxInclusive": "MaxInclusiveConstraintComponent",
    "minExclusive": "MinExclusiveConstraintComponent",
    "maxExclusive": "MaxExclusiveConstraintComponent",
    "pattern": "PatternConstraintComponent",
    "minLength": "MinLengthConstraintComponent",
    "maxLength": "MaxLengthConstraintComponent",
}
COUNTS = ("minCount", "maxCount")
RANGES = ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive")
LENGTHS = ("minLength", "maxLength")
# Property shape terms that describe rather than constrain.
_DESCRIPTIVE = {"path", "severity", "name", "description", "message", "order", "group", "defaultValue", "flags"}
_NODE_TERMS = {"targetClass", "property", "name", "description", "message", "severity", "order", "group"}
_SEVERITIES = ("Violation", "Warning", "Info")
_XSD_STRING = str(XSD.string)


class Unsupported(Exception):
    """The shapes use a feature the fast engine does not evaluate; use the reference engine."""


@dataclass(frozen=True)
class Check:
    """One constraint of one property shape of one node shape."""

    index: int
    kind: str
    """The constraint parameter's local name: minCount, datatype, in, pattern, ..."""
    shape: str
    path: str
    attribute: Attribute | None
    """The standard's attribute written on `path`; None when no attribute is (the path never has values)."""
    targets: frozenset[str]
    severity: str
    rule: str
    message_zh: str
    message_en: str
    number: int | None = None
    """minCount, maxCount, minLength, maxLength."""
    datatype: str | None = None
    items: tuple[str, ...] = ()
    bound: rdflib.Literal | None = None
    pattern: str | None = None
    flags: str | None = None

    @property
    def component(self) -> str:
        return COMPONENTS[self.kind]


@dataclass
class Plan:
    checks: tuple[Check, ...]
    parents: dict[str, set[str]] = field(default_factory=dict)
    """rdfs:subClassOf edges of the shapes graph: class IRI -> direct superclasses."""

    def ancestors(self, cls: str) -> frozenset[str]:
        """`cls` and its superclasses: the targets whose shapes apply to an instance of `cls`."""
        seen = {cls}
        todo = [cls]
        while todo:
            for parent in self.parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return frozenset(seen)


# Namespaces as plain strings: an rdflib Namespace builds a term per attribute access, and compiling a plan
# reads thousands of them.
_CPMS, _OWL, _RDF, _RDFS, _SH = str(CPMS), str(OWL), str(RDF), str(RDFS), str(SH)


def _local(iri: str, namespace: str) -> str | None:
    return iri[len(namespace) :] if iri.startswith(namespace) else None


def _one(values: list[ox.NamedNode | ox.BlankNode | ox.Literal], what: str) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if len(values) != 1:
        raise Unsupported(f"{what} has {len(values)} values")
    return values[0]


def _integer(term: ox.NamedNode | ox.BlankNode | ox.Literal, what: str) -> int:
    if not isinstance(term, ox.Literal) or not re.fullmatch(r"[+-]?[0-9]+", term.value):
        raise Unsupported(f"{what} is not an integer")
    return int(term.value)


def _rdflib(term: ox.Literal) -> rdflib.Literal:
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


class _Graph:
    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.out: dict[object, dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self.triples = list(triples)
        for t in self.triples:
            self.out[t.subject][t.predicate.value].append(t.object)  # type: ignore[arg-type]

    def objects(self, subject: object, predicate: str) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
        return list(self.out.get(subject, {}).get(predicate, []))

    def items(self, head: ox.NamedNode | ox.BlankNode | ox.Literal) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
        out: list[ox.NamedNode | ox.BlankNode | ox.Literal] = []
        node = head
        while not (isinstance(node, ox.NamedNode) and node.value == _RDF + "nil"):
            if isinstance(node, ox.Literal) or len(out) > 100_000:
                raise Unsupported("malformed sh:in list")
            out.append(_one(self.objects(node, _RDF + "first"), "an sh:in list node"))
            node = _one(self.objects(node, _RDF + "rest"), "an sh:in list node")
        return out


def attribute_paths(standard: Standard, base_iri: str) -> dict[str, Attribute]:
    """Predicate IRI -> the attribute `product_graph` writes on it."""
    info = standard.info
    out: dict[str, Attribute] = {}
    for attribute in standard.attributes:
        iri = attribute_iri(base_iri, info, attribute)
        if iri in out:
            raise Unsupported(f"attributes {out[iri].code!r} and {attribute.code!r} share the predicate {iri}")
        out[iri] = attribute
    return out


def compile_plan(standard: Standard, shapes: Iterable[ox.Triple], base_iri: str) -> Plan:
    """The checks of `shapes` (from `compile_shapes(standard, base_iri)`); raises `Unsupported`."""
    graph = _Graph(shapes)
    paths = attribute_paths(standard, base_iri)
    plan = Plan(())
    classes: set[str] = set()
    for t in graph.triples:
        p = t.predicate.value
        if p == _RDFS + "subClassOf":
            if not isinstance(t.subject, ox.NamedNode) or not isinstance(t.object, ox.NamedNode):
                raise Unsupported("rdfs:subClassOf between blank nodes")
            plan.parents.setdefault(t.subject.value, set()).add(t.object.value)
        elif p in (_SH + "targetNode", _SH + "targetSubjectsOf", _SH + "targetObjectsOf", _SH + "target"):
            raise Unsupported(f"{p} targets")
        elif p == _SH + "deactivated":
            raise Unsupported("sh:deactivated")
    node_shapes = sorted(
        {t.subject for t in graph.triples if t.predicate.value == _SH + "targetClass"}, key=lambda s: str(s)
    )
    used: set[object] = set()
    checks: list[Check] = []
    for node in node_shapes:
        if not isinstance(node, ox.NamedNode):
            raise Unsupported("a node shape that is a blank node")
        for p, values in graph.out[node].items():
            local = _local(p, _SH)
            if (local is not None and local not in _NODE_TERMS) or (p == _RDF + "type" and _is_class(values)):
                raise Unsupported(f"node shape {node.value} uses {p}")
        targets = set()
        for target in graph.objects(node, _SH + "targetClass"):
            if not isinstance(target, ox.NamedNode):
                raise Unsupported("a class target that is not an IRI")
            targets.add(target.value)
        classes |= targets
        for prop in sorted(graph.objects(node, _SH + "property"), key=str):
            if prop in used or not isinstance(prop, ox.NamedNode):
                raise Unsupported(f"property shape {prop} is shared or a blank node")
            used.add(prop)
            checks += _property(graph, prop, frozenset(targets), paths, len(checks))
    _no_shape_graph_instances(graph, plan, classes)
    plan.checks = tuple(checks)
    return plan


def _is_class(values: list[ox.NamedNode | ox.BlankNode | ox.Literal]) -> bool:
    return any(isinstance(v, ox.NamedNode) and v.value in (_RDFS + "Class", _OWL + "Class") for v in values)


def _no_shape_graph_instances(graph: _Graph, plan: Plan, targets: set[str]) -> None:
    """pySHACL mixes the shapes graph into the data; its own typed nodes must not become focus nodes."""
    for t in graph.triples:
        cls = t.object if t.predicate.value == _RDF + "type" else None
        if isinstance(cls, ox.NamedNode) and plan.ancestors(cls.value) & targets:
            raise Unsupported(f"{t.subject} in the shapes graph is an instance of a target class")


def _property(
    graph: _Graph, prop: ox.NamedNode, targets: frozenset[str], paths: dict[str, Attribute], start: int
) -> list[Check]:
    where = f"property shape {prop.value}"
    terms = graph.out[prop]
    path = _one(graph.objects(prop, _SH + "path"), f"{where} sh:path")
    if not isinstance(path, ox.NamedNode):
        raise Unsupported(f"{where} has a path other than a predicate")
    severity_terms = graph.objects(prop, _SH + "severity") or [ox.NamedNode(_SH + "Violation")]
    severity_term = _one(severity_terms, f"{where} sh:severity")
    severity = _local(severity_term.value, _SH) if isinstance(severity_term, ox.NamedNode) else None
    if severity is None or severity not in _SEVERITIES:
        raise Unsupported(f"{where} has severity {severity_term}")
    messages = {m.language: m.value for m in graph.objects(prop, _SH + "message") if isinstance(m, ox.Literal)}
    rules = graph.objects(prop, _CPMS + "ruleId")
    rule = rules[0].value if rules and not isinstance(rules[0], ox.BlankNode) else ""
    flags_terms = graph.objects(prop, _SH + "flags")
    flags = _one(flags_terms, f"{where} sh:flags").value if flags_terms else None
    common = Check(
        start,
        "",
        shape=prop.value,
        path=path.value,
        attribute=paths.get(path.value),
        targets=targets,
        severity=severity,
        rule=rule,
        message_zh=messages.get("zh", ""),
        message_en=messages.get("en", ""),
    )
    out: list[Check] = []
    for p in sorted(terms):
        local = _local(p, _SH)
        if local is None or local in _DESCRIPTIVE:
            continue
        if local not in COMPONENTS:
            raise Unsupported(f"{where} uses sh:{local}")
        value = _one(terms[p], f"{where} sh:{local}")
        index = start + len(out)
        if local in COUNTS or local in LENGTHS:
            out.append(replace(common, index=index, kind=local, number=_integer(value, f"{where} sh:{local}")))
        elif local == "datatype":
            if not isinstance(value, ox.NamedNode):
                raise Unsupported(f"{where} sh:datatype is not an IRI")
            out.append(replace(common, index=index, kind=local, datatype=value.value))
        elif local == "in":
            items = graph.items(value)
            if not all(isinstance(i, ox.Literal) and not i.language and i.datatype.value == _XSD_STRING for i in items):
                raise Unsupported(f"{where} sh:in lists something other than plain strings")
            out.append(replace(common, index=index, kind=local, items=tuple(i.value for i in items)))
        elif local in RANGES:
            if not isinstance(value, ox.Literal):
                raise Unsupported(f"{where} sh:{local} is not a literal")
            out.append(replace(common, index=index, kind=local, bound=_rdflib(value)))
        else:  # pattern
            if not isinstance(value, ox.Literal):
                raise Unsupported(f"{where} sh:pattern is not a literal")
            try:
                re.compile(value.value)
            except re.error as e:
                raise Unsupported(f"{where} sh:pattern does not compile: {e}") from None
            out.append(replace(common, index=index, kind=local, pattern=value.value, flags=flags))
    return out
