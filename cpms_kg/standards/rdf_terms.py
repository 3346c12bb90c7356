"""The terms and IRIs shared by the RDF writer and reader of a standard version.

Every IRI is minted with model.py's path helpers under the base IRI; the decoders invert them
(`segment` percent-encodes, so `unquote` gives the code back).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from cpms_kg.iris import concept_path
from cpms_kg.namespaces import CPMS, DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD
from cpms_kg.standards.model import (
    Datatype,
    MappingRelation,
    Obligation,
    Requirement,
    Status,
    code_path,
    item_path,
    requirement_path,
    standard_path,
    version_path,
)

C = str(CPMS)
SK = str(SKOS)
DCT = str(DCTERMS)
X = str(XSD)
TYPE = str(RDF.type)
SUBCLASS = str(RDFS.subClassOf)
SUBPROPERTY = str(RDFS.subPropertyOf)
OWL_CLASS = str(OWL.Class)
OWL_DATATYPE_PROPERTY = str(OWL.DatatypeProperty)
OWL_AXIOM = str(OWL.Axiom)
ANNOTATED_SOURCE = str(OWL.annotatedSource)
ANNOTATED_PROPERTY = str(OWL.annotatedProperty)
ANNOTATED_TARGET = str(OWL.annotatedTarget)
ORGANIZATION = str(ORG.Organization)
REVISION_OF = str(PROV.wasRevisionOf)

# Position of an item among its siblings as authored (1-based), so the order experts gave survives
# RDF, which has none of its own. Not yet in cpms.ttl (reported).
POSITION = C + "position"
# How the standard's scope relates to its industry concept: a SKOS mapping property. Not yet in cpms.ttl.
INDUSTRY_RELATION = C + "industryRelation"

DATATYPES: dict[Datatype, str] = {
    Datatype.STRING: X + "string",
    Datatype.CODE: X + "string",  # a CODE attribute is a string one with a code list
    Datatype.DECIMAL: X + "decimal",
    Datatype.INTEGER: X + "integer",
    Datatype.BOOLEAN: X + "boolean",
    Datatype.DATE: X + "date",
}

STATUSES: dict[Status, str] = {
    Status.DRAFT: C + "Draft",
    Status.CONSENSUS: C + "Consensus",
    Status.UNDER_REVIEW: C + "UnderReview",
    Status.PUBLISHED_PROVINCIAL: C + "PublishedProvincial",
    Status.RECOMMENDED: C + "RecommendedNational",
    Status.PUBLISHED_NATIONAL: C + "PublishedNational",
    Status.SUPERSEDED: C + "Superseded",
    Status.RETIRED: C + "Retired",
}

OBLIGATIONS: dict[Obligation, str] = {
    Obligation.REQUIRED: C + "Required",
    Obligation.RECOMMENDED: C + "Recommended",
    Obligation.OPTIONAL: C + "Optional",
}

RELATIONS: dict[MappingRelation, str] = {r: SK + r.value for r in MappingRelation}

# Value domain nodes hang under their attribute's IRI, one per kind.
RANGE, PATTERN, LENGTH = "range", "pattern", "length"


@dataclass(frozen=True)
class VersionIris:
    """Mints and reads back the IRIs of one standard version."""

    base: str
    standard_id: str
    version: str

    @property
    def standard(self) -> str:
        return self.base + standard_path(self.standard_id)

    @property
    def node(self) -> str:
        return self.base + version_path(self.standard_id, self.version)

    @property
    def issuing_body(self) -> str:
        return self.node + "/issuing-body"

    @property
    def expert_group(self) -> str:
        return self.node + "/expert-group"

    def item(self, kind: str, code: str) -> str:
        return self.base + item_path(self.standard_id, self.version, kind, code)

    def code(self, list_id: str, code: str) -> str:
        return self.base + code_path(self.standard_id, self.version, list_id, code)

    def requirement(self, requirement: Requirement) -> str:
        return self.base + requirement_path(self.standard_id, self.version, requirement)

    def domain(self, attribute_code: str, kind: str) -> str:
        return f"{self.item('attribute', attribute_code)}/{kind}"

    def sibling_version(self, version: str) -> str:
        return self.base + version_path(self.standard_id, version)

    def concept(self, scheme: str, code: str) -> str:
        return self.base + concept_path(scheme, code)

    # -- decoding --------------------------------------------------------------------------------
    def item_code(self, kind: str, iri: str) -> str | None:
        rest = _after(iri, self.item(kind, ""))
        return None if rest is None or "/" in rest else unquote(rest)

    def version_of(self, iri: str) -> str | None:
        rest = _after(iri, self.standard + "/")
        return None if rest is None or "/" in rest else unquote(rest)

    def concept_of(self, iri: str) -> tuple[str, str] | None:
        rest = _after(iri, self.base + "classification/")
        parts = None if rest is None else rest.split("/")
        return (unquote(parts[0]), unquote(parts[1])) if parts is not None and len(parts) == 2 else None


def _after(iri: str, prefix: str) -> str | None:
    return iri[len(prefix) :] if iri.startswith(prefix) else None
