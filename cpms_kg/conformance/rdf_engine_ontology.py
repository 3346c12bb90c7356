"""The part of the shapes graph that the reference engine mixes into the data graph.

PyshaclEngine passes the shapes graph as pySHACL's ontology graph, which pySHACL "inoculates" into
(a copy of) the data graph: the RDFS and OWL axioms only (typed classes and properties, subclass
and other schema triples, blank nodes cloned afresh; pyshacl/rdfutil/inoculate.py). The fast engine
adds exactly these triples to the data, so that class targets reach subcategories and everything
else sees the same data graph as the reference.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import pyoxigraph as ox

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
OWL = "http://www.w3.org/2002/07/owl#"


@cache
def _walked() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The classes and properties pySHACL's inoculation walks, taken from it so that the two stay the same
    (imported when first needed: pySHACL takes a sixth of a second to import, most `validate` runs never do)."""
    from pyshacl.rdfutil.consts import OWL_classes, OWL_properties, RDFS_classes, RDFS_properties

    return tuple(str(c) for c in (*RDFS_classes, *OWL_classes)), tuple(
        str(p) for p in (*RDFS_properties, *OWL_properties)
    )


_TYPE, _FIRST, _REST, _NIL = RDF + "type", RDF + "first", RDF + "rest", RDF + "nil"
_INDIVIDUAL, _SAME_AS = OWL + "NamedIndividual", OWL + "sameAs"

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class _Inoculation:
    def __init__(self, shapes: Iterable[ox.Triple]) -> None:
        self.out: list[ox.Triple] = []
        self.po: dict[Term, list[tuple[ox.NamedNode, Term]]] = {}
        self.triples = list(shapes)
        for t in self.triples:
            self.po.setdefault(t.subject, []).append((t.predicate, t.object))

    def add(self, s: Term, p: ox.NamedNode, o: Term) -> None:
        self.out.append(ox.Triple(s, p, o))  # type: ignore[arg-type]

    def items(self, head: Term) -> list[Term]:
        out: list[Term] = []
        seen: set[Term] = set()
        while head != ox.NamedNode(_NIL) and head not in seen:
            seen.add(head)
            cell = {p.value: o for p, o in self.po.get(head, [])}
            if _FIRST not in cell:
                break
            out.append(cell[_FIRST])
            head = cell.get(_REST, ox.NamedNode(_NIL))
        return out

    def clone_list(self, head: Term, recursion: int, deep: bool = False) -> Term:
        first: Term = ox.BlankNode() if isinstance(head, ox.BlankNode) else head
        cell = first
        items = self.items(head)
        for i, item in enumerate(items):
            self.add(cell, ox.NamedNode(_FIRST), self.clone_node(item, recursion + 1, deep))
            rest: Term = ox.BlankNode() if i + 1 < len(items) else ox.NamedNode(_NIL)
            self.add(cell, ox.NamedNode(_REST), rest)
            cell = rest
        return first

    def clone_bnode(self, node: Term, recursion: int) -> Term:
        clone = ox.BlankNode()
        if recursion >= 10:
            return clone
        pairs = self.po.get(node, [])
        if not pairs:
            return clone
        if any(p.value == _FIRST for p, _ in pairs):
            return self.clone_list(node, recursion)
        for p, o in pairs:
            self.add(clone, p, self.clone_node(o, recursion + 1))
        return clone

    def clone_node(self, node: Term, recursion: int, deep: bool = False) -> Term:
        if isinstance(node, ox.BlankNode):
            return self.clone_bnode(node, recursion + 1)
        if isinstance(node, ox.NamedNode) and deep and recursion < 10:
            pairs = self.po.get(node, [])
            if any(p.value == _FIRST for p, _ in pairs):
                return self.clone_list(node, recursion)
            for p, o in pairs:
                same = p.value == _SAME_AS and o == node
                self.add(node, p, self.clone_node(o, recursion + 1, deep and not same))
        return node

    def run(self) -> list[ox.Triple]:
        bnodes: dict[Term, Term] = {}
        named: dict[Term, Term] = {}

        def cloned(node: Term) -> Term:
            if not isinstance(node, ox.BlankNode):
                return node
            if node not in bnodes:
                bnodes[node] = self.clone_bnode(node, 0)
            return bnodes[node]

        for cls in _walked()[0]:
            for t in self.triples:
                if t.predicate.value != _TYPE or t.object != ox.NamedNode(cls):
                    continue
                s: Term = t.subject
                if isinstance(s, ox.BlankNode):
                    s = cloned(s)
                elif cls == _INDIVIDUAL and s not in named:
                    named[s] = self.clone_node(s, 0, deep=True)
                self.add(named.get(s, s), t.predicate, t.object)
        for prop in _walked()[1]:
            for t in self.triples:
                if t.predicate.value == prop:
                    self.add(cloned(t.subject), t.predicate, cloned(t.object))
        for individual in named:
            for t in self.triples:
                if t.object == individual:
                    self.add(cloned(t.subject), t.predicate, individual)
        return self.out


def inoculation(shapes: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The triples pySHACL copies from the shapes (as ontology graph) into the data graph."""
    return _Inoculation(shapes).run()
