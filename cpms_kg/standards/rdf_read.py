"""Read a standard version back from RDF written by rdf_write: the exact inverse of `to_triples`.

Codes come from skos:notation where the item is present and from its IRI otherwise (a reference to
an item the graph lacks still reads back). Items are ordered by cpms:position, then code; a missing
optional field reads as its model default. Triples about other things are ignored, so the input may
be a whole store's worth of CONSTRUCT results.

An attribute or code list outside this version's IRIs is reused: its definition must be among the
triples (`load_standard` fetches it from the store), and its place here is the owl:Axiom's position.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import pyoxigraph as ox

from cpms_kg.errors import BadInput, NotFound
from cpms_kg.standards.model import (
    Attribute,
    AttributeMatch,
    Category,
    Code,
    CodeList,
    Datatype,
    Mapping,
    MappingRelation,
    Requirement,
    Standard,
    StandardInfo,
    Status,
    Text,
    relative_reference,
)
from cpms_kg.standards.rdf_terms import (
    ANNOTATED_PROPERTY,
    ANNOTATED_SOURCE,
    ANNOTATED_TARGET,
    DATATYPES,
    DCT,
    INDUSTRY_RELATION,
    OBLIGATIONS,
    POSITION,
    RELATIONS,
    REVISION_OF,
    SK,
    STATUSES,
    TYPE,
    C,
    VersionIris,
)

Node = ox.NamedNode | ox.BlankNode
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

_DATATYPES = {iri: d for d, iri in DATATYPES.items() if d is not Datatype.CODE}
_STATUSES = {iri: s for s, iri in STATUSES.items()}
_OBLIGATIONS = {iri: o for o, iri in OBLIGATIONS.items()}
_RELATIONS = {iri: r for r, iri in RELATIONS.items()}
_RELATION_ORDER = {r: i for i, r in enumerate(MappingRelation)}
_LAST = 1 << 62  # position of items that carry none: after the positioned ones


class _Graph:
    """Subject and object indexes over the triples."""

    def __init__(self, triples: Iterable[ox.Triple | ox.Quad]) -> None:
        self.out: dict[Term, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        self.into: dict[tuple[str, Term], list[Term]] = defaultdict(list)
        for t in triples:
            self.out[t.subject][t.predicate.value].append(t.object)
            self.into[(t.predicate.value, t.object)].append(t.subject)

    def objects(self, s: Term | str, p: str) -> list[Term]:
        # Sorted, so that a graph holding several values of a single-valued field reads deterministically.
        return sorted(self.out.get(_node(s), {}).get(p, []), key=str)

    def subjects(self, p: str, o: Term | str) -> list[Term]:
        return sorted(self.into.get((p, _node(o)), []), key=str)

    def iris(self, s: Term | str, p: str) -> list[str]:
        return [o.value for o in self.objects(s, p) if isinstance(o, ox.NamedNode)]

    def iri(self, s: Term | str, p: str) -> str | None:
        return next(iter(self.iris(s, p)), None)

    def literal(self, s: Term | str, p: str) -> str | None:
        return next((o.value for o in self.objects(s, p) if isinstance(o, ox.Literal) and not o.language), None)

    def integer(self, s: Term | str, p: str) -> int | None:
        value = self.literal(s, p)
        return None if value is None else int(value)

    def text(self, s: Term | str, p: str) -> Text | None:
        labels = {o.language.lower(): o.value for o in self.objects(s, p) if isinstance(o, ox.Literal) and o.language}
        if not labels:
            return None
        return Text(labels.get("zh", ""), labels.get("en", ""))

    def has_type(self, s: Term | str, cls: str) -> bool:
        return cls in self.iris(s, TYPE)


def _node(value: Term | str) -> Term:
    return ox.NamedNode(value) if isinstance(value, str) else value


class _Reader:
    def __init__(self, graph: _Graph, iris: VersionIris) -> None:
        self.g = graph
        self.iris = iris

    def code(self, kind: str, iri: str) -> str:
        """An item's code: its notation, else decoded from its IRI."""
        notation = self.g.literal(iri, SK + "notation")
        if notation is not None:
            return notation
        decoded = self.iris.item_code(kind, iri)
        if decoded is None:
            raise BadInput(
                f"{kind} {iri} of {self.iris.node} is defined by another standard that is not in the store "
                "(load or publish that standard first)",
                message_zh=f"{self.iris.node} 复用的 {iri} 由其他标准定义，但存储中没有该定义（请先载入或发布该标准）",
            )
        return decoded

    def own(self, kind: str, iri: str) -> bool:
        return self.iris.item_code(kind, iri) is not None

    def members(self, prop: str, kind: str) -> list[tuple[str, str]]:
        """(iri, code) of the version's attributes or code lists, own and reused, in their order here."""
        g, v = self.g, self.iris.node
        placed: dict[str, int] = {}
        for axiom in g.subjects(ANNOTATED_SOURCE, v):
            target = g.iri(axiom, ANNOTATED_TARGET)
            if g.iri(axiom, ANNOTATED_PROPERTY) == prop and target is not None:
                placed[target] = self._position(axiom)
        found = [(iri, self.code(kind, iri)) for iri in g.iris(v, prop)]
        found.sort(key=lambda ic: (self._position(ic[0]) if self.own(kind, ic[0]) else placed.get(ic[0], _LAST), ic[1]))
        return found

    def ordered(self, nodes: Iterable[Term | str], kind: str) -> list[tuple[str, str]]:
        """(iri, code) of named items, by position then code."""
        named = [n.value for n in (_node(x) for x in nodes) if isinstance(n, ox.NamedNode)]
        found = [(n, self.code(kind, n)) for n in named]
        found.sort(key=lambda nc: (self._position(nc[0]), nc[1]))
        return found

    def _position(self, node: Term | str) -> int:
        position = self.g.integer(node, POSITION)
        return _LAST if position is None else position

    def standard(self) -> Standard:
        v = self.iris.node
        if not self.g.out.get(ox.NamedNode(v)):
            raise NotFound(
                f"no standard version {self.iris.standard_id}@{self.iris.version}",
                message_zh=f"没有标准版本 {self.iris.standard_id}@{self.iris.version}",
            )
        return Standard(
            info=self.info(),
            categories=tuple(self.category(iri, code) for iri, code in self.categories()),
            attributes=tuple(self.attribute(iri, code) for iri, code in self.members(C + "hasAttribute", "attribute")),
            code_lists=tuple(self.code_list(iri, code) for iri, code in self.members(C + "hasCodeList", "codelist")),
            requirements=tuple(self.requirements()),
        )

    def info(self) -> StandardInfo:
        g, iris, v = self.g, self.iris, self.iris.node
        industry = g.iri(v, C + "industry")
        concept = None if industry is None else iris.concept_of(industry)
        if concept is None:
            raise BadInput(f"{v} has no cpms:industry concept", message_zh=f"{v} 缺少所属行业（cpms:industry）")
        relation = _RELATIONS.get(g.iri(v, INDUSTRY_RELATION) or "", MappingRelation.EXACT)
        body = g.iri(v, C + "issuingBody")
        group = g.iri(v, C + "expertGroup")
        previous = g.iri(v, REVISION_OF) or g.iri(v, DCT + "replaces")
        issued, implemented = g.literal(v, DCT + "issued"), g.literal(v, C + "implementationDate")
        return StandardInfo(
            id=g.literal(iris.standard, DCT + "identifier") or iris.standard_id,
            version=g.literal(v, C + "versionNumber") or iris.version,
            title=g.text(v, DCT + "title") or Text("", ""),
            region=g.literal(v, C + "regionCode") or "",
            industry=Mapping(relation, *concept),
            issuing_body=(None if body is None else g.text(body, SK + "prefLabel")) or Text("", ""),
            status=_STATUSES.get(g.iri(v, C + "status") or "", Status.DRAFT),
            expert_group=None if group is None else g.literal(group, SK + "prefLabel"),
            issued=None if issued is None else date.fromisoformat(issued),
            implemented=None if implemented is None else date.fromisoformat(implemented),
            previous_version=None if previous is None else iris.version_of(previous),
            description=g.text(v, DCT + "description"),
        )

    def categories(self) -> list[tuple[str, str]]:
        members = self.g.subjects(SK + "inScheme", self.iris.node)
        return self.ordered((m for m in members if self.g.has_type(m, C + "ProductCategory")), "category")

    def category(self, iri: str, code: str) -> Category:
        g = self.g
        parent = g.iri(iri, SK + "broader")
        return Category(
            code=code,
            name=g.text(iri, SK + "prefLabel") or Text("", ""),
            parent=None if parent is None else self.code("category", parent),
            definition=g.text(iri, SK + "definition"),
            mappings=self.mappings(iri),
        )

    def mappings(self, iri: str) -> tuple[Mapping, ...]:
        g = self.g
        positions: dict[tuple[str, str], int] = {}
        for axiom in g.subjects(ANNOTATED_SOURCE, iri):
            prop, target = g.iri(axiom, ANNOTATED_PROPERTY), g.iri(axiom, ANNOTATED_TARGET)
            if prop is not None and target is not None:
                positions[(prop, target)] = self._position(axiom)
        found: list[tuple[int, Mapping]] = []
        for prop, relation in _RELATIONS.items():
            for target in g.iris(iri, prop):
                concept = self.iris.concept_of(target)
                if concept is not None:  # a link outside the base's classifications is not one of ours
                    found.append((positions.get((prop, target), _LAST), Mapping(relation, *concept)))
        found.sort(key=lambda pm: (pm[0], _RELATION_ORDER[pm[1].relation], pm[1].scheme, pm[1].code))
        return tuple(m for _, m in found)

    def attribute(self, iri: str, code: str) -> Attribute:
        g = self.g
        unit = g.iri(iri, C + "unit")
        unit_concept = None if unit is None else self.iris.concept_of(unit)
        code_list: str | None = None
        facets: dict[str, object] = {}
        for domain in g.iris(iri, C + "valueDomain"):
            if g.has_type(domain, C + "NumericRange"):
                for name, key in (("minInclusive", "min_inclusive"), ("maxInclusive", "max_inclusive")):
                    value = g.literal(domain, C + name)
                    if value is not None:
                        facets[key] = Decimal(value)
            elif g.has_type(domain, C + "PatternDomain"):
                facets["pattern"] = g.literal(domain, C + "pattern")
            elif g.has_type(domain, C + "LengthDomain"):
                for name, key in (("minLength", "min_length"), ("maxLength", "max_length")):
                    facets[key] = g.integer(domain, C + name)
            else:
                code_list = self.code("codelist", domain)
        datatype: Datatype = _DATATYPES.get(g.iri(iri, C + "datatype") or "", Datatype.STRING)
        if datatype is Datatype.STRING and code_list is not None:
            datatype = Datatype.CODE  # written as xsd:string plus its code list
        return Attribute(
            code=code,
            name=g.text(iri, SK + "prefLabel") or Text("", ""),
            datatype=datatype,
            definition=g.text(iri, SK + "definition"),
            unit=None if unit_concept is None else unit_concept[1],
            code_list=code_list,
            min_count=g.integer(iri, C + "minCount") or 0,
            max_count=g.integer(iri, C + "maxCount"),
            example=g.literal(iri, SK + "example"),
            reuse=None if self.own("attribute", iri) else relative_reference(self.iris.base, iri),
            matches=self.matches(iri),
            **facets,  # type: ignore[arg-type]
        )

    def matches(self, iri: str) -> tuple[AttributeMatch, ...]:
        found = [
            AttributeMatch(relation, relative_reference(self.iris.base, target))
            for prop, relation in _RELATIONS.items()
            for target in self.g.iris(iri, prop)
        ]
        return tuple(sorted(found, key=lambda m: (_RELATION_ORDER[m.relation], m.target)))

    def code_list(self, iri: str, list_id: str) -> CodeList:
        codes = self.ordered(self.g.subjects(SK + "inScheme", iri), "code")
        return CodeList(
            id=list_id,
            name=self.g.text(iri, SK + "prefLabel") or Text("", ""),
            codes=tuple(Code(code, self.g.text(node, SK + "prefLabel") or Text("", "")) for node, code in codes),
            reuse=None if self.own("codelist", iri) else relative_reference(self.iris.base, iri),
        )

    def requirements(self) -> Iterable[Requirement]:
        g = self.g
        nodes = sorted(g.iris(self.iris.node, C + "hasRequirement"), key=lambda n: (self._position(n), n))
        for node in nodes:
            category, attribute = g.iri(node, C + "category"), g.iri(node, C + "attribute")
            obligation = _OBLIGATIONS.get(g.iri(node, C + "obligation") or "")
            if category is None or attribute is None or obligation is None:
                raise BadInput(f"{node} is an incomplete requirement", message_zh=f"{node} 是不完整的属性要求")
            yield Requirement(self.code("category", category), self.code("attribute", attribute), obligation)


def from_quads(triples: Iterable[ox.Triple | ox.Quad], base_iri: str, standard_id: str, version: str) -> Standard:
    """The version `standard_id@version` from triples or quads (graph names are ignored).

    Raises NotFound when the version is not there, BadInput when it is there but malformed.
    """
    return _Reader(_Graph(triples), VersionIris(base_iri, standard_id, version)).standard()
