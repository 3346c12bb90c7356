"""A product master data standard version as plain typed data.

This is the one in-memory form that every other form converts to and from: the XLSX/CSV
template, RDF (Turtle, JSON-LD), and the compiled SHACL shapes. Items are identified by their code
within a version; IRIs are minted from codes (see `iris`), so equal codes across versions are the
same item for diffs.

An attribute or a code list may instead be reused from another standard (`reuse`: the IRI that
defines it, relative to the base IRI when minted here): the version then points at that IRI and does
not define it again. Its fields hold the definition read from the store (`standards.reuse`), so every
consumer (shapes, conformance, pages) treats it like an own item; `attribute_iri` gives the predicate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum

from cpms_kg.iris import segment


class Datatype(Enum):
    """What an attribute's values are; `CODE` values come from the attribute's code list."""

    STRING = "string"
    DECIMAL = "decimal"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    DATE = "date"
    CODE = "code"

    @property
    def numeric(self) -> bool:
        return self in (Datatype.DECIMAL, Datatype.INTEGER)


class Obligation(Enum):
    REQUIRED = "required"
    RECOMMENDED = "recommended"
    OPTIONAL = "optional"


class Status(Enum):
    """Lifecycle of a standard version (PRODUCT.md, issue 3 part 6)."""

    DRAFT = "draft"
    CONSENSUS = "consensus"
    UNDER_REVIEW = "under-review"
    PUBLISHED_PROVINCIAL = "published-provincial"
    RECOMMENDED = "recommended"
    PUBLISHED_NATIONAL = "published-national"
    SUPERSEDED = "superseded"
    RETIRED = "retired"


class MappingRelation(Enum):
    EXACT = "exactMatch"
    CLOSE = "closeMatch"
    BROAD = "broadMatch"
    NARROW = "narrowMatch"
    RELATED = "relatedMatch"


@dataclass(frozen=True)
class Text:
    """A name or definition in both languages."""

    zh: str
    en: str


@dataclass(frozen=True)
class Mapping:
    """A category's link to a classification concept, e.g. (exactMatch, cpc21, 43310)."""

    relation: MappingRelation
    scheme: str
    code: str


@dataclass(frozen=True)
class AttributeMatch:
    """An attribute's SKOS mapping to an attribute of another standard, e.g. (closeMatch, IRI).

    `target` is an IRI reference like `reuse`: relative to the base IRI when minted here.
    """

    relation: MappingRelation
    target: str


@dataclass(frozen=True)
class Code:
    code: str
    label: Text


@dataclass(frozen=True)
class CodeList:
    id: str
    name: Text
    codes: tuple[Code, ...]
    reuse: str | None = None
    """The IRI of the code list this one is (defined by another standard), or None for an own list."""


@dataclass(frozen=True)
class Category:
    code: str
    name: Text
    parent: str | None = None
    definition: Text | None = None
    mappings: tuple[Mapping, ...] = ()


@dataclass(frozen=True)
class Attribute:
    code: str
    name: Text
    datatype: Datatype
    definition: Text | None = None
    unit: str | None = None
    """Code of a concept in the units scheme (a QUDT local name such as MilliM)."""
    code_list: str | None = None
    min_inclusive: Decimal | None = None
    max_inclusive: Decimal | None = None
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    min_count: int = 0
    max_count: int | None = 1
    example: str | None = None
    reuse: str | None = None
    """The IRI of the attribute this one is (defined by another standard), or None for an own attribute."""
    matches: tuple[AttributeMatch, ...] = ()
    """Mappings to attributes of other standards, sorted (relation, target)."""


@dataclass(frozen=True)
class Requirement:
    category: str
    attribute: str
    obligation: Obligation


@dataclass(frozen=True)
class StandardInfo:
    """The standard and this version's metadata."""

    id: str
    version: str
    title: Text
    region: str
    """GB/T 2260 administrative division code, e.g. 330000 (Zhejiang)."""
    industry: Mapping
    """The national classification concept the standard covers (level 3 or 4)."""
    issuing_body: Text
    status: Status = Status.DRAFT
    expert_group: str | None = None
    issued: date | None = None
    implemented: date | None = None
    previous_version: str | None = None
    description: Text | None = None


@dataclass(frozen=True)
class Standard:
    info: StandardInfo
    categories: tuple[Category, ...] = ()
    attributes: tuple[Attribute, ...] = ()
    code_lists: tuple[CodeList, ...] = ()
    requirements: tuple[Requirement, ...] = ()
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def key(self) -> str:
        """ID@VERSION, as the CLI names a version."""
        return f"{self.info.id}@{self.info.version}"

    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)

    def attribute(self, code: str) -> Attribute | None:
        return next((a for a in self.attributes if a.code == code), None)

    def code_list(self, list_id: str) -> CodeList | None:
        return next((c for c in self.code_lists if c.id == list_id), None)


def standard_path(standard_id: str) -> str:
    return f"standard/{segment(standard_id)}"


def version_path(standard_id: str, version: str) -> str:
    return f"{standard_path(standard_id)}/{segment(version)}"


def item_path(standard_id: str, version: str, kind: str, code: str) -> str:
    """kind: category, attribute, codelist, requirement."""
    return f"{version_path(standard_id, version)}/{kind}/{segment(code)}"


def code_path(standard_id: str, version: str, list_id: str, code: str) -> str:
    return f"{item_path(standard_id, version, 'codelist', list_id)}/{segment(code)}"


def requirement_path(standard_id: str, version: str, requirement: Requirement) -> str:
    # Two segments: joining the codes with a separator could make two requirements collide.
    return f"{item_path(standard_id, version, 'requirement', requirement.category)}/{segment(requirement.attribute)}"


_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def resolve_reference(base_iri: str, reference: str) -> str:
    """An IRI reference as written in a standard: absolute, or a path relative to the base IRI."""
    return reference if _ABSOLUTE.match(reference) else base_iri + reference


def relative_reference(base_iri: str, iri: str) -> str:
    """The inverse of `resolve_reference`: IRIs minted under the base are kept relative, so a standard
    that reuses a demo attribute is the same data under any base IRI."""
    return iri[len(base_iri) :] if iri.startswith(base_iri) else iri


def attribute_iri(base_iri: str, info: StandardInfo, attribute: Attribute) -> str:
    """The predicate of an attribute's values: its own IRI, or the IRI of the attribute it reuses."""
    if attribute.reuse is not None:
        return resolve_reference(base_iri, attribute.reuse)
    return base_iri + item_path(info.id, info.version, "attribute", attribute.code)


def code_list_iri(base_iri: str, info: StandardInfo, code_list: CodeList) -> str:
    if code_list.reuse is not None:
        return resolve_reference(base_iri, code_list.reuse)
    return base_iri + item_path(info.id, info.version, "codelist", code_list.id)
