"""Small helpers for building and reading pyoxigraph terms, shared by the services that write records."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

import pyoxigraph as ox

_XSD = "http://www.w3.org/2001/XMLSchema#"


def n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def value(term: object) -> str:
    """The lexical value of an IRI or literal; "" for None (an unbound variable)."""
    return str(getattr(term, "value", ""))


def typed(text: str, datatype: str) -> ox.Literal:
    """A literal typed with an XSD datatype by local name: typed("3", "integer")."""
    return ox.Literal(text, datatype=ox.NamedNode(_XSD + datatype))


def now() -> ox.Literal:
    return typed(datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "dateTime")


def day(d: date) -> ox.Literal:
    return typed(d.isoformat(), "date")


def ntriples(triples: Iterable[ox.Triple]) -> bytes:
    return ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""
