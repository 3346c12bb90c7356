"""Compile a standard version to SHACL shapes that firms' product data is checked against.

One sh:NodeShape per category (sh:targetClass the category's class; SHACL's class targets include
instances of subclasses, so requirements on a category bind its subcategories, given the category
hierarchy that the shapes graph carries as rdfs:subClassOf triples). Each constraint is its own
property shape, so that each carries a stable rule id (`{attribute}/{constraint}`, the same in every
version while the attribute and constraint stay) and its own zh/en message. Severity: a missing
value is a violation for required, a warning for recommended attributes (none for optional); a
value that breaks the standard's definition is a violation, a warning for recommended attributes.
Output is deterministic: the same version gives byte-identical Turtle.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox

from cpms_kg.namespaces import CPMS, PREFIXES, RDF, RDFS, SH, XSD
from cpms_kg.standards.model import (
    Attribute,
    Category,
    Datatype,
    Obligation,
    Requirement,
    Standard,
    attribute_iri,
    item_path,
    version_path,
)

_XSD = {
    Datatype.STRING: "string",
    Datatype.CODE: "string",
    Datatype.DECIMAL: "decimal",
    Datatype.INTEGER: "integer",
    Datatype.BOOLEAN: "boolean",
    Datatype.DATE: "date",
}
_TYPE_TEXT = {
    Datatype.STRING: ("文本", "text"),
    Datatype.CODE: ("代码", "a code"),
    Datatype.DECIMAL: ("小数", "a decimal number"),
    Datatype.INTEGER: ("整数", "an integer"),
    Datatype.BOOLEAN: ("布尔值", "true or false"),
    Datatype.DATE: ("日期", "a date"),
}


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _lit(value: str, *, lang: str | None = None, datatype: str | None = None) -> ox.Literal:
    if lang is not None:
        return ox.Literal(value, language=lang)
    return ox.Literal(value, datatype=_n(str(XSD) + datatype)) if datatype else ox.Literal(value)


@dataclass(frozen=True)
class _Rule:
    """One constraint of one attribute in one category's shape."""

    kind: str
    predicate: str
    value: ox.NamedNode | ox.Literal | ox.BlankNode
    severity: str
    message_zh: str
    message_en: str


class ShapeCompiler:
    def __init__(self, standard: Standard, base_iri: str, *, unit_symbols: Mapping[str, str] | None = None) -> None:
        self.standard = standard
        self.base = base_iri
        self.units = dict(unit_symbols or {})
        info = standard.info
        self.version_iri = base_iri + version_path(info.id, info.version)
        self.triples: list[ox.Triple] = []

    def _iri(self, kind: str, code: str) -> str:
        return self.base + item_path(self.standard.info.id, self.standard.info.version, kind, code)

    def _add(self, s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.Literal | ox.BlankNode) -> None:
        self.triples.append(ox.Triple(s, _n(p), o))

    def compile(self) -> list[ox.Triple]:
        graph = _n(self.version_iri + "/shapes")
        self._add(graph, str(RDF.type), _n("http://www.w3.org/2002/07/owl#Ontology"))
        self._add(graph, str(RDFS.label), _lit(f"{self.standard.info.title.zh} 数据形状", lang="zh"))
        self._add(graph, str(RDFS.label), _lit(f"{self.standard.info.title.en}: data shapes", lang="en"))
        self._add(graph, "http://purl.org/dc/terms/source", _n(self.version_iri))
        by_category: dict[str, list[Requirement]] = {}
        for requirement in self.standard.requirements:
            by_category.setdefault(requirement.category, []).append(requirement)
        for category in self.standard.categories:
            self._category(category, by_category.get(category.code, []))
        return sorted(set(self.triples), key=str)

    def _category(self, category: Category, requirements: list[Requirement]) -> None:
        cls = _n(self._iri("category", category.code))
        if category.parent is not None:
            self._add(cls, str(RDFS.subClassOf), _n(self._iri("category", category.parent)))
        shape = _n(self.version_iri + f"/shapes/{cls.value.rsplit('/', 1)[1]}")
        self._add(shape, str(RDF.type), _n(str(SH.NodeShape)))
        self._add(shape, str(SH.targetClass), cls)
        self._add(shape, str(SH.name), _lit(category.name.zh, lang="zh"))
        self._add(shape, str(SH.name), _lit(category.name.en, lang="en"))
        for requirement in sorted(requirements, key=lambda r: r.attribute):
            attribute = self.standard.attribute(requirement.attribute)
            if attribute is None:
                continue  # the standard's quality shapes report dangling requirements
            for rule in self._rules(attribute, requirement.obligation):
                self._property(shape, attribute, rule)

    def _property(self, node_shape: ox.NamedNode, attribute: Attribute, rule: _Rule) -> None:
        prop = _n(f"{node_shape.value}/{attribute.code}/{rule.kind}")
        self._add(node_shape, str(SH.property), prop)
        self._add(prop, str(RDF.type), _n(str(SH.PropertyShape)))
        self._add(prop, str(SH.path), _n(attribute_iri(self.base, self.standard.info, attribute)))
        self._add(prop, rule.predicate, rule.value)
        self._add(prop, str(SH.severity), _n(str(SH) + rule.severity))
        self._add(prop, str(SH.name), _lit(attribute.name.zh, lang="zh"))
        self._add(prop, str(SH.name), _lit(attribute.name.en, lang="en"))
        self._add(prop, str(SH.message), _lit(rule.message_zh, lang="zh"))
        self._add(prop, str(SH.message), _lit(rule.message_en, lang="en"))
        self._add(prop, str(CPMS.ruleId), _lit(f"{attribute.code}/{rule.kind}"))

    def _rules(self, a: Attribute, obligation: Obligation) -> Iterator[_Rule]:
        value_severity = "Warning" if obligation is Obligation.RECOMMENDED else "Violation"
        zh, en = a.name.zh, a.name.en
        unit = self.units.get(a.unit or "", a.unit or "")
        if obligation is not Obligation.OPTIONAL and a.min_count == 0:
            severity = "Violation" if obligation is Obligation.REQUIRED else "Warning"
            yield _Rule(
                obligation.value,
                str(SH.minCount),
                _lit("1", datatype="integer"),
                severity,
                f"{zh}为{'必填' if obligation is Obligation.REQUIRED else '推荐填写'}属性，缺少取值",
                f"{en} is {obligation.value} but has no value",
            )
        if a.min_count > 0:
            severity = "Violation" if obligation is not Obligation.RECOMMENDED else "Warning"
            yield _Rule(
                "minCount",
                str(SH.minCount),
                _lit(str(a.min_count), datatype="integer"),
                severity,
                f"{zh}至少应有 {a.min_count} 个取值",
                f"{en} needs at least {a.min_count} value(s)",
            )
        if a.max_count is not None:
            yield _Rule(
                "maxCount",
                str(SH.maxCount),
                _lit(str(a.max_count), datatype="integer"),
                value_severity,
                f"{zh}至多只能有 {a.max_count} 个取值",
                f"{en} takes at most {a.max_count} value(s)",
            )
        type_zh, type_en = _TYPE_TEXT[a.datatype]
        yield _Rule(
            "datatype",
            str(SH.datatype),
            _n(str(XSD) + _XSD[a.datatype]),
            value_severity,
            f"{zh}的取值应为{type_zh}（xsd:{_XSD[a.datatype]}）",
            f"{en} must be {type_en} (xsd:{_XSD[a.datatype]})",
        )
        if a.datatype is Datatype.CODE and a.code_list is not None:
            codes = self.standard.code_list(a.code_list)
            if codes is not None and codes.codes:
                listed = ", ".join(c.code for c in codes.codes)
                yield _Rule(
                    "in",
                    str(SH["in"]),
                    self._list(a, [c.code for c in codes.codes]),
                    value_severity,
                    f"{zh}的取值应为代码表“{codes.name.zh}”中的代码：{listed}",
                    f"{en} must be a code of the list '{codes.name.en}': {listed}",
                )
        for kind, bound, word_zh, word_en in (
            ("minInclusive", a.min_inclusive, "不小于", "at least"),
            ("maxInclusive", a.max_inclusive, "不大于", "at most"),
        ):
            if bound is not None:
                yield _Rule(
                    kind,
                    str(SH) + kind,
                    _number(bound, a.datatype),
                    value_severity,
                    f"{zh}应{word_zh} {bound} {unit}".rstrip(),
                    f"{en} must be {word_en} {bound} {unit}".rstrip(),
                )
        if a.pattern is not None:
            yield _Rule(
                "pattern",
                str(SH.pattern),
                _lit(a.pattern),
                value_severity,
                f"{zh}的格式应符合 {a.pattern}",
                f"{en} must match the pattern {a.pattern}",
            )
        for kind, length, word_zh, word_en in (
            ("minLength", a.min_length, "至少", "at least"),
            ("maxLength", a.max_length, "至多", "at most"),
        ):
            if length is not None:
                yield _Rule(
                    kind,
                    str(SH) + kind,
                    _lit(str(length), datatype="integer"),
                    value_severity,
                    f"{zh}的长度应{word_zh} {length} 个字符",
                    f"{en} must have {word_en} {length} characters",
                )

    def _list(self, attribute: Attribute, items: list[str]) -> ox.BlankNode:
        # Labels fixed by attribute and position keep the Turtle byte-identical between runs.
        nodes = [ox.BlankNode(f"in_{_label(attribute.code)}_{i}") for i in range(len(items))]
        for i, (node, item) in enumerate(zip(nodes, items, strict=True)):
            self._add(node, str(RDF.first), _lit(item))
            self._add(node, str(RDF.rest), nodes[i + 1] if i + 1 < len(nodes) else _n(str(RDF.nil)))
        return nodes[0]


def _label(code: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in code)


def _number(value: Decimal, datatype: Datatype) -> ox.Literal:
    if datatype is Datatype.INTEGER and value == value.to_integral_value():
        return _lit(str(int(value)), datatype="integer")
    return _lit(str(value), datatype="decimal")


def compile_shapes(
    standard: Standard, base_iri: str, *, unit_symbols: Mapping[str, str] | None = None
) -> list[ox.Triple]:
    return ShapeCompiler(standard, base_iri, unit_symbols=unit_symbols).compile()


def shapes_turtle(standard: Standard, base_iri: str, *, unit_symbols: Mapping[str, str] | None = None) -> str:
    triples = compile_shapes(standard, base_iri, unit_symbols=unit_symbols)
    prefixes = {k: PREFIXES[k] for k in ("sh", "xsd", "rdf", "rdfs", "cpms")}
    return (ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b"").decode()
