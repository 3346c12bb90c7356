"""schema.org descriptions of shared products, for tools that know schema.org and not the CPMS ontology.

A shared dataset's public copy (cpms_kg.conformance.datasets.share) gets, for every product in it:

- `product a schema:Product` (what cpms:Product ⊑ schema:Product entails, said for tools without a
  reasoner) and `schema:category` each product category it is an instance of;
- per attribute it has a value of, `product schema:additionalProperty pv`, where `pv` is a
  schema:PropertyValue with schema:propertyID (the attribute definition's IRI), schema:name (its zh/en
  names), schema:value (each value as committed: a typed literal in the standard's unit),
  schema:unitCode (the UN/CEFACT Rec 20 code of the attribute's unit, its qudt:uneceCommonCode) and
  schema:unitText (the unit's symbol); a code-list value is also schema:valueReference its code's IRI.

`pv` is an IRI, not a blank node, so the content hash of a data IP registration stays the same when the
dataset is shared again: `{product}/property/{path}`, with the attribute IRI's path under the base IRI
(the IRI's SHA-256 for an attribute minted elsewhere), so that a product committed under two standard
versions keeps one PropertyValue per attribute. Terms: schema.org release 30.0
(../shared/data/schemaorg-product-vocab/PROVENANCE.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from cpms_kg.namespaces import CPMS, QUDT, RDF, SCHEMA, SKOS
from cpms_kg.store.base import Store
from cpms_kg.terms import value

_TYPE = str(RDF.type)
_S = str(SCHEMA)


@dataclass
class Attribute:
    """What schema.org needs of an attribute definition, read from the store."""

    iri: str
    names: set[ox.Literal] = field(default_factory=set)
    rec20: set[str] = field(default_factory=set)
    symbols: set[str] = field(default_factory=set)
    codes: dict[str, str] = field(default_factory=dict)
    """A code list's codes: notation -> the code's IRI."""

    @property
    def unit_code(self) -> str | None:
        # A handful of QUDT units carry two Rec 20 codes; the first in code order, so re-sharing is stable.
        return min(self.rec20, default=None)


def property_value_iri(base_iri: str, product: str, attribute: str) -> str:
    if attribute.startswith(base_iri):
        path = attribute[len(base_iri) :]
    else:
        path = hashlib.sha256(attribute.encode()).hexdigest()
    return f"{product}/property/{path}"


def _values(iris: Iterable[str]) -> str:
    return " ".join(f"<{iri}>" for iri in sorted(iris))


def attributes(store: Store, iris: Iterable[str]) -> dict[str, Attribute]:
    """The public attribute definitions among `iris`, with names, unit codes and code lists."""
    wanted = set(iris)
    if not wanted:
        return {}
    found: dict[str, Attribute] = {}
    rows = store.select(
        f"""SELECT ?a ?name ?rec20 ?symbol WHERE {{
              VALUES ?a {{ {_values(wanted)} }}
              ?a a <{CPMS.AttributeDefinition}> .
              OPTIONAL {{ ?a <{SKOS.prefLabel}> ?name }}
              OPTIONAL {{ ?a <{CPMS.unit}> ?unit .
                          OPTIONAL {{ ?unit <{QUDT.uneceCommonCode}> ?rec20 }}
                          OPTIONAL {{ ?unit <{QUDT.symbol}> ?symbol }} }}
            }}"""
    )
    for row in rows:
        a = value(row["a"])
        attribute = found.setdefault(a, Attribute(a))
        name, rec20, symbol = row.get("name"), row.get("rec20"), row.get("symbol")
        if isinstance(name, ox.Literal):
            attribute.names.add(name)
        if isinstance(rec20, ox.Literal):
            attribute.rec20.add(rec20.value)
        if isinstance(symbol, ox.Literal):
            attribute.symbols.add(symbol.value)
    if not found:
        return found
    codes = store.select(
        f"""SELECT ?a ?notation ?code WHERE {{
              VALUES ?a {{ {_values(found)} }}
              ?a <{CPMS.valueDomain}> ?list . ?list a <{CPMS.CodeList}> .
              ?code <{SKOS.inScheme}> ?list ; <{SKOS.notation}> ?notation .
            }}"""
    )
    for row in codes:
        found[value(row["a"])].codes.setdefault(value(row["notation"]), value(row["code"]))
    return found


def _categories(store: Store, iris: Iterable[str]) -> set[str]:
    wanted = set(iris)
    if not wanted:
        return set()
    rows = store.select(f"SELECT ?c WHERE {{ VALUES ?c {{ {_values(wanted)} }} ?c a <{CPMS.ProductCategory}> }}")
    return {value(row["c"]) for row in rows}


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def describe_products(store: Store, triples: Sequence[ox.Triple]) -> list[ox.Triple]:
    """The schema.org triples for the products among a dataset's triples (sorted, distinct).

    A product is a subject with a value of a (public) attribute definition.
    """
    subjects = [t for t in triples if isinstance(t.subject, ox.NamedNode)]
    known = attributes(store, {t.predicate.value for t in subjects if t.predicate.value != _TYPE})
    products = {value(t.subject) for t in subjects if t.predicate.value in known}
    types = {t.object.value for t in subjects if t.predicate.value == _TYPE and isinstance(t.object, ox.NamedNode)}
    categories = _categories(store, types)
    out: set[ox.Triple] = set()
    for t in subjects:
        product = value(t.subject)
        if product not in products:
            continue
        node = _n(product)
        out.add(ox.Triple(node, _n(_TYPE), _n(_S + "Product")))
        if t.predicate.value == _TYPE and isinstance(t.object, ox.NamedNode) and t.object.value in categories:
            out.add(ox.Triple(node, _n(_S + "category"), t.object))
        attribute = known.get(t.predicate.value)
        if attribute is None or not isinstance(t.object, ox.Literal):
            continue
        pv = _n(property_value_iri(store.base_iri, product, attribute.iri))
        out |= {
            ox.Triple(node, _n(_S + "additionalProperty"), pv),
            ox.Triple(pv, _n(_TYPE), _n(_S + "PropertyValue")),
            ox.Triple(pv, _n(_S + "propertyID"), _n(attribute.iri)),
            ox.Triple(pv, _n(_S + "value"), t.object),
        }
        out |= {ox.Triple(pv, _n(_S + "name"), name) for name in attribute.names}
        if attribute.unit_code is not None:
            out.add(ox.Triple(pv, _n(_S + "unitCode"), ox.Literal(attribute.unit_code)))
        out |= {ox.Triple(pv, _n(_S + "unitText"), ox.Literal(symbol)) for symbol in attribute.symbols}
        code = attribute.codes.get(t.object.value)
        if code is not None:
            out.add(ox.Triple(pv, _n(_S + "valueReference"), _n(code)))
    return sorted(out, key=str)
