"""Products as RDF: instances of their category classes, values typed as the standard says.

Each product's IRI is minted from the firm id and the product code under the base IRI, so the same
product keeps its IRI across uploads. `origins` remembers which source row and column each value
came from, so findings can be reported where the firm can fix them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from cpms_kg.iris import segment
from cpms_kg.namespaces import RDF, XSD
from cpms_kg.standards.model import Datatype, Standard, attribute_iri, item_path

_XSD = {
    Datatype.STRING: "string",
    Datatype.CODE: "string",
    Datatype.DECIMAL: "decimal",
    Datatype.INTEGER: "integer",
    Datatype.BOOLEAN: "boolean",
    Datatype.DATE: "date",
}
# Lexical forms (XSD 1.1) a value must have to be written with its datatype; anything else is written
# as a plain string, so that the datatype constraint reports it instead of the store rejecting it.
_LEXICAL = {
    Datatype.DECIMAL: re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
    Datatype.INTEGER: re.compile(r"[+-]?\d+"),
    Datatype.BOOLEAN: re.compile(r"true|false|1|0"),
    Datatype.DATE: re.compile(r"-?\d{4,}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?"),
}


@dataclass(frozen=True)
class Cell:
    attribute: str
    value: str
    column: str


@dataclass(frozen=True)
class ProductRecord:
    row: int
    code: str
    category: str
    cells: tuple[Cell, ...] = ()


@dataclass
class ProductGraph:
    triples: list[ox.Triple] = field(default_factory=list)
    origins: dict[tuple[str, str | None], tuple[int, str | None]] = field(default_factory=dict)
    """(product IRI, attribute IRI or None) -> (source row, source column)."""


def product_iri(base_iri: str, firm: str, code: str) -> str:
    return f"{base_iri}product/{segment(firm)}/{segment(code)}"


def literal(value: str, datatype: Datatype) -> ox.Literal:
    pattern = _LEXICAL.get(datatype)
    if pattern is not None and not pattern.fullmatch(value):
        return ox.Literal(value)
    return ox.Literal(value, datatype=ox.NamedNode(str(XSD) + _XSD[datatype]))


def product_graph(
    records: list[ProductRecord], standard: Standard, base_iri: str, firm: str, *, standard_base: str | None = None
) -> ProductGraph:
    """Products minted under `base_iri`, typed and described with the standard's IRIs, which live under
    `standard_base` (default: the same base; another one for a version imported from a package)."""
    info = standard.info
    own = standard_base or base_iri
    attributes = {a.code: a for a in standard.attributes}
    predicates = {a.code: attribute_iri(own, info, a) for a in standard.attributes}  # reused: the other IRI
    out = ProductGraph()
    rdf_type = ox.NamedNode(str(RDF.type))
    for record in records:
        product = product_iri(base_iri, firm, record.code)
        node = ox.NamedNode(product)
        out.triples.append(
            ox.Triple(node, rdf_type, ox.NamedNode(own + item_path(info.id, info.version, "category", record.category)))
        )
        out.origins[(product, None)] = (record.row, None)
        for cell in record.cells:
            attribute = attributes[cell.attribute]
            predicate = predicates[cell.attribute]
            out.triples.append(ox.Triple(node, ox.NamedNode(predicate), literal(cell.value, attribute.datatype)))
            out.origins[(product, predicate)] = (record.row, cell.column)
    return out
