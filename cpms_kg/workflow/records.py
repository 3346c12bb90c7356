"""Reading and writing the small private graphs that hold workflow records (groups, proposals, votes).

Each record set is small (tens to a few thousand triples), so it is read whole as subject -> predicate ->
objects and written whole or appended, each write one graph operation.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from cpms_kg.store.base import LoadSource, Store
from cpms_kg.terms import ntriples, value

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class Records(dict[str, dict[str, list[Term]]]):
    """subject IRI -> predicate IRI -> objects."""

    def first(self, subject: str, predicate: str) -> str | None:
        objects = self.get(subject, {}).get(predicate, [])
        return value(objects[0]) if objects else None

    def all(self, subject: str, predicate: str) -> list[str]:
        return sorted(value(o) for o in self.get(subject, {}).get(predicate, []))

    def subjects(self, predicate: str, obj: str) -> list[str]:
        return sorted(s for s, props in self.items() if any(value(o) == obj for o in props.get(predicate, [])))


def read(store: Store, graph: str) -> Records:
    out = Records()
    if graph not in store.named_graphs():
        return out
    for t in store.graph_triples(graph):
        if isinstance(t.subject, ox.NamedNode):
            out.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(t.object)
    return out


def replace(store: Store, graph: str, triples: Iterable[ox.Triple], *, name: str) -> None:
    source = LoadSource(name=name, format=ox.RdfFormat.N_TRIPLES, data=ntriples(triples), graph=graph)
    store.replace_graph(graph, source)


def append(store: Store, graph: str, triples: Iterable[ox.Triple], *, name: str) -> None:
    source = LoadSource(name=name, format=ox.RdfFormat.N_TRIPLES, data=ntriples(triples), graph=graph)
    store.add_to_graph(graph, source)
