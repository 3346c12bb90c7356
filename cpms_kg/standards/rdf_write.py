"""Write a standard version as RDF in the CPMS ontology (triples, Turtle, JSON-LD).

Shape of the output (IRIs relative to the base IRI; see ontology/README.md):
- `standard/{id}` a cpms:IndustryStandard, dcterms:identifier, cpms:hasVersion the version.
- `standard/{id}/{version}` a cpms:StandardVersion and skos:ConceptScheme of its categories:
  dcterms:title (also skos:prefLabel, for SKOS browsers), cpms:versionNumber, cpms:status,
  cpms:industry (cpms:industryRelation gives the SKOS mapping property), cpms:regionCode,
  cpms:issuingBody (an org:Organization at `.../issuing-body` with zh/en skos:prefLabel),
  cpms:expertGroup (a cpms:ExpertGroup at `.../expert-group`, the name as skos:prefLabel),
  dcterms:issued, cpms:implementationDate, prov:wasRevisionOf + dcterms:replaces, dcterms:description.
- categories, attributes (with value domain nodes at `{attribute}/range|pattern|length`), code lists
  with their codes, requirements; each item carries cpms:position, its place among its siblings.
- A category's mappings are plain SKOS mapping triples; when it has several, each also gets an
  owl:Axiom annotation with its cpms:position, the only way to keep their order in RDF.
- A reused attribute or code list is only pointed at (cpms:hasAttribute / cpms:hasCodeList and the
  requirements name the other standard's IRI): its definition stays in the graph of the standard that
  defines it. Its position in this version is an owl:Axiom on the cpms:hasAttribute / cpms:hasCodeList
  triple, since the item's own cpms:position is its place in the defining standard.
- An attribute's matches to other standards' attributes are SKOS mapping triples (see ontology/README.md).
Output is a sorted list of distinct triples, so serialisations are byte-identical for equal input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import pyoxigraph as ox

from cpms_kg import jsonld
from cpms_kg.namespaces import PREFIXES
from cpms_kg.standards.model import (
    Attribute,
    Category,
    CodeList,
    Requirement,
    Standard,
    Text,
    attribute_iri,
    code_list_iri,
    resolve_reference,
)
from cpms_kg.standards.rdf_terms import (
    ANNOTATED_PROPERTY,
    ANNOTATED_SOURCE,
    ANNOTATED_TARGET,
    DATATYPES,
    DCT,
    INDUSTRY_RELATION,
    LENGTH,
    OBLIGATIONS,
    ORGANIZATION,
    OWL_AXIOM,
    OWL_CLASS,
    OWL_DATATYPE_PROPERTY,
    PATTERN,
    POSITION,
    RANGE,
    RELATIONS,
    REVISION_OF,
    SK,
    STATUSES,
    SUBCLASS,
    SUBPROPERTY,
    TYPE,
    C,
    VersionIris,
    X,
)

Subject = ox.NamedNode | ox.BlankNode
Object = ox.NamedNode | ox.BlankNode | ox.Literal

_VOCABULARIES = ("cpms", "skos", "dcterms", "prov", "org", "owl", "rdf", "rdfs", "xsd")
# Local names that every Turtle parser reads back (rdflib rejects some legal escapes, e.g. a final "\.").
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")


def decimal_lexical(value: Decimal) -> str:
    """xsd:decimal lexical form (no exponent); raises ValueError for NaN and infinities."""
    if not value.is_finite():
        raise ValueError(f"{value} is not an xsd:decimal")
    return format(value, "f")


class _Writer:
    def __init__(self, standard: Standard, base_iri: str) -> None:
        self.s = standard
        self.iris = VersionIris(base_iri, standard.info.id, standard.info.version)
        self.out: set[ox.Triple] = set()

    def add(self, s: Subject | str, p: str, o: Object | str) -> None:
        subject = ox.NamedNode(s) if isinstance(s, str) else s
        self.out.add(ox.Triple(subject, ox.NamedNode(p), ox.NamedNode(o) if isinstance(o, str) else o))

    def literal(self, s: Subject | str, p: str, value: str | int | date | Decimal) -> None:
        if isinstance(value, bool):
            raise TypeError("no boolean fields in the standard model")
        if isinstance(value, int):
            self.add(s, p, ox.Literal(str(value), datatype=ox.NamedNode(X + "integer")))
        elif isinstance(value, date):
            self.add(s, p, ox.Literal(value.isoformat(), datatype=ox.NamedNode(X + "date")))
        elif isinstance(value, Decimal):
            self.add(s, p, ox.Literal(decimal_lexical(value), datatype=ox.NamedNode(X + "decimal")))
        else:
            self.add(s, p, ox.Literal(value))

    def text(self, s: Subject | str, p: str, text: Text | None) -> None:
        if text is not None:
            self.add(s, p, ox.Literal(text.zh, language="zh"))
            self.add(s, p, ox.Literal(text.en, language="en"))

    def item(self, iri: str, types: Iterable[str], code: str, name: Text, position: int) -> None:
        for t in types:
            self.add(iri, TYPE, t)
        self.literal(iri, SK + "notation", code)
        self.text(iri, SK + "prefLabel", name)
        self.literal(iri, POSITION, position)

    # -- the parts ---------------------------------------------------------------------------------
    def write(self) -> list[ox.Triple]:
        self.info()
        for i, category in enumerate(self.s.categories, 1):
            self.category(category, i)
        for i, attribute in enumerate(self.s.attributes, 1):
            self.attribute(attribute, i)
        for i, code_list in enumerate(self.s.code_lists, 1):
            self.code_list(code_list, i)
        for i, requirement in enumerate(self.s.requirements, 1):
            self.requirement(requirement, i)
        return sorted(self.out, key=str)

    def info(self) -> None:
        info, iris = self.s.info, self.iris
        std, v = iris.standard, iris.node
        self.add(std, TYPE, C + "IndustryStandard")
        self.literal(std, DCT + "identifier", info.id)
        self.add(std, C + "hasVersion", v)
        self.add(v, C + "versionOf", std)
        self.add(v, TYPE, C + "StandardVersion")
        self.add(v, TYPE, SK + "ConceptScheme")
        self.text(v, DCT + "title", info.title)
        self.text(v, SK + "prefLabel", info.title)
        self.text(v, DCT + "description", info.description)
        self.literal(v, C + "versionNumber", info.version)
        self.add(v, C + "status", STATUSES[info.status])
        self.add(v, C + "industry", iris.concept(info.industry.scheme, info.industry.code))
        self.add(v, INDUSTRY_RELATION, RELATIONS[info.industry.relation])
        self.literal(v, C + "regionCode", info.region)
        self.add(v, C + "issuingBody", iris.issuing_body)
        self.add(iris.issuing_body, TYPE, ORGANIZATION)
        self.text(iris.issuing_body, SK + "prefLabel", info.issuing_body)
        if info.expert_group is not None:
            self.add(v, C + "expertGroup", iris.expert_group)
            self.add(iris.expert_group, TYPE, C + "ExpertGroup")
            self.literal(iris.expert_group, SK + "prefLabel", info.expert_group)
        if info.issued is not None:
            self.literal(v, DCT + "issued", info.issued)
        if info.implemented is not None:
            self.literal(v, C + "implementationDate", info.implemented)
        if info.previous_version is not None:
            previous = iris.sibling_version(info.previous_version)
            self.add(v, REVISION_OF, previous)
            self.add(v, DCT + "replaces", previous)

    def category(self, c: Category, position: int) -> None:
        iri, v = self.iris.item("category", c.code), self.iris.node
        self.item(iri, (C + "ProductCategory", SK + "Concept", OWL_CLASS), c.code, c.name, position)
        self.add(iri, SK + "inScheme", v)
        self.text(iri, SK + "definition", c.definition)
        if c.parent is None:
            self.add(iri, SK + "topConceptOf", v)
            self.add(v, SK + "hasTopConcept", iri)
            self.add(iri, SUBCLASS, C + "Product")
        else:
            parent = self.iris.item("category", c.parent)
            self.add(iri, SK + "broader", parent)
            self.add(iri, SUBCLASS, parent)
        for i, m in enumerate(c.mappings, 1):
            target = self.iris.concept(m.scheme, m.code)
            self.add(iri, RELATIONS[m.relation], target)
            if len(c.mappings) > 1:
                # Labels fixed by positions keep the output byte-identical between runs.
                axiom = ox.BlankNode(f"mapping_{position}_{i}")
                self.add(axiom, TYPE, OWL_AXIOM)
                self.add(axiom, ANNOTATED_SOURCE, iri)
                self.add(axiom, ANNOTATED_PROPERTY, RELATIONS[m.relation])
                self.add(axiom, ANNOTATED_TARGET, target)
                self.literal(axiom, POSITION, i)

    def reused(self, prop: str, iri: str, kind: str, position: int) -> None:
        """A reused item: the link from this version and its place here, nothing about the item itself."""
        self.add(self.iris.node, prop, iri)
        axiom = ox.BlankNode(f"reuse_{kind}_{position}")
        self.add(axiom, TYPE, OWL_AXIOM)
        self.add(axiom, ANNOTATED_SOURCE, self.iris.node)
        self.add(axiom, ANNOTATED_PROPERTY, prop)
        self.add(axiom, ANNOTATED_TARGET, iri)
        self.literal(axiom, POSITION, position)

    def code_list_iri(self, list_id: str) -> str:
        listed = self.s.code_list(list_id)
        own = self.iris.item("codelist", list_id)
        return own if listed is None else code_list_iri(self.iris.base, self.s.info, listed)

    def attribute(self, a: Attribute, position: int) -> None:
        iri = attribute_iri(self.iris.base, self.s.info, a)
        if a.reuse is not None:
            self.reused(C + "hasAttribute", iri, "attribute", position)
            return
        self.item(iri, (C + "AttributeDefinition", OWL_DATATYPE_PROPERTY), a.code, a.name, position)
        self.add(self.iris.node, C + "hasAttribute", iri)
        self.add(iri, SUBPROPERTY, C + "attributeValue")
        self.text(iri, SK + "definition", a.definition)
        self.add(iri, C + "datatype", DATATYPES[a.datatype])
        if a.unit is not None:
            self.add(iri, C + "unit", self.iris.concept("units", a.unit))
        if a.code_list is not None:
            self.add(iri, C + "valueDomain", self.code_list_iri(a.code_list))
        for match in a.matches:
            self.add(iri, RELATIONS[match.relation], resolve_reference(self.iris.base, match.target))
        self.literal(iri, C + "minCount", a.min_count)
        if a.max_count is not None:
            self.literal(iri, C + "maxCount", a.max_count)
        if a.example is not None:
            self.literal(iri, SK + "example", a.example)
        domains: tuple[tuple[str, str, tuple[tuple[str, Decimal | str | int | None], ...]], ...] = (
            (RANGE, "NumericRange", (("minInclusive", a.min_inclusive), ("maxInclusive", a.max_inclusive))),
            (PATTERN, "PatternDomain", (("pattern", a.pattern),)),
            (LENGTH, "LengthDomain", (("minLength", a.min_length), ("maxLength", a.max_length))),
        )
        for kind, cls, facets in domains:
            if any(value is not None for _, value in facets):
                node = self.iris.domain(a.code, kind)
                self.add(iri, C + "valueDomain", node)
                self.add(node, TYPE, C + cls)
                for name, value in facets:
                    if value is not None:
                        self.literal(node, C + name, value)

    def code_list(self, cl: CodeList, position: int) -> None:
        iri = code_list_iri(self.iris.base, self.s.info, cl)
        if cl.reuse is not None:
            self.reused(C + "hasCodeList", iri, "codelist", position)
            return
        self.item(iri, (C + "CodeList", SK + "ConceptScheme"), cl.id, cl.name, position)
        self.add(self.iris.node, C + "hasCodeList", iri)
        for i, code in enumerate(cl.codes, 1):
            node = self.iris.code(cl.id, code.code)
            self.item(node, (SK + "Concept",), code.code, code.label, i)
            self.add(node, SK + "inScheme", iri)
            self.add(node, SK + "topConceptOf", iri)
            self.add(iri, SK + "hasTopConcept", node)

    def requirement(self, r: Requirement, position: int) -> None:
        iri = self.iris.requirement(r)
        self.add(self.iris.node, C + "hasRequirement", iri)
        self.add(iri, TYPE, C + "AttributeRequirement")
        self.add(iri, C + "category", self.iris.item("category", r.category))
        attribute = self.s.attribute(r.attribute)
        target = self.iris.item("attribute", r.attribute) if attribute is None else attribute_iri(
            self.iris.base, self.s.info, attribute
        )
        self.add(iri, C + "attribute", target)
        self.add(iri, C + "obligation", OBLIGATIONS[r.obligation])
        self.literal(iri, POSITION, position)


def to_triples(standard: Standard, base_iri: str) -> list[ox.Triple]:
    """The version's triples, sorted and distinct."""
    return _Writer(standard, base_iri).write()


def to_quads(standard: Standard, base_iri: str, graph: str | None = None) -> list[ox.Quad]:
    """The version's triples as quads in `graph` (None: the default graph)."""
    g: ox.NamedNode | ox.DefaultGraph = ox.DefaultGraph() if graph is None else ox.NamedNode(graph)
    return [ox.Quad(t.subject, t.predicate, t.object, g) for t in to_triples(standard, base_iri)]


def prefixes(standard: Standard, base_iri: str, triples: list[ox.Triple] | None = None) -> dict[str, str]:
    """Vocabulary prefixes, plus the version's own folders where every local name is plain."""
    iris = VersionIris(base_iri, standard.info.id, standard.info.version)
    out = {k: PREFIXES[k] for k in _VOCABULARIES}
    folders = {
        "category": iris.item("category", ""),
        "attribute": iris.item("attribute", ""),
        "requirement": iris.item("requirement", ""),
        "units": iris.concept("units", ""),
    }
    terms = [n for t in triples or to_triples(standard, base_iri) for n in (t.subject, t.object)]
    names = [n.value for n in terms if isinstance(n, ox.NamedNode)]
    for prefix, folder in folders.items():
        locals_ = [n[len(folder) :] for n in names if n.startswith(folder)]
        if all(_PLAIN_LOCAL.fullmatch(local) for local in locals_):
            out[prefix] = folder
    return out


def to_turtle(standard: Standard, base_iri: str) -> str:
    triples = to_triples(standard, base_iri)
    data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes(standard, base_iri, triples))
    return (data or b"").decode()


def to_jsonld(standard: Standard, base_iri: str) -> str:
    """JSON-LD compacted with the ontology's published context, carried inline (nothing remote to fetch)
    with the version's folders as extra prefixes; keys and nodes sorted."""
    triples = to_triples(standard, base_iri)
    folders = {k: v for k, v in prefixes(standard, base_iri, triples).items() if k not in PREFIXES}
    return jsonld.dumps(triples, prefixes=folders)
