"""Read every searchable resource from the store's public graphs with a few bulk SELECTs.

A fixed number of queries whatever the size of the graph, never one per resource. Each is a scan of
one or two triple patterns, joined here: the store answers a single-pattern scan several times faster
than the same join in SPARQL (measured: 13,000 scheme members with their codes in 0.33 s as one join,
0.07 s per pattern). Classification concepts are the members of a skos:ConceptScheme that is neither
a standard version (whose members are its categories) nor a standard's code list.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from cpms_kg.namespaces import CPMS, DCTERMS, RDF, SKOS, XKOS
from cpms_kg.search.model import Entry, Kind
from cpms_kg.store.base import Store

_S, _X, _C, _D, _TYPE = str(SKOS), str(XKOS), str(CPMS), str(DCTERMS), str(RDF.type)


def _language(literal: ox.Literal) -> str | None:
    tag = (literal.language or "en").lower().split("-")[0]
    return tag if tag in ("zh", "en") else None


class _Reader:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.classification = store.base_iri + "classification/"

    def pairs(self, predicate: str, values: tuple[str, ...] = ()) -> list[tuple[str, ox.NamedNode | ox.Literal]]:
        """(subject IRI, object) of every `?s <predicate> ?o`, or only of those objects in `values`.

        A CONSTRUCT, not a SELECT: the store hands back triples without building a row per answer (a third
        faster on 60,000 labels)."""
        only = f"VALUES ?o {{ {' '.join(f'<{v}>' for v in values)} }}" if values else ""
        out: list[tuple[str, ox.NamedNode | ox.Literal]] = []
        for t in self.store.construct(f"CONSTRUCT {{ ?s <{predicate}> ?o }} WHERE {{ {only} ?s <{predicate}> ?o }}"):
            if isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode | ox.Literal):
                out.append((t.subject.value, t.object))
        return out

    def links(self, predicate: str, values: tuple[str, ...] = ()) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for s, o in self.pairs(predicate, values):
            if isinstance(o, ox.NamedNode):
                out[s].add(o.value)
        return out

    def literals(self, predicate: str) -> dict[str, str]:
        """One value per subject: the smallest, so the choice does not depend on row order."""
        out: dict[str, str] = {}
        for s, o in self.pairs(predicate):
            if isinstance(o, ox.Literal):
                out[s] = min(out.get(s, o.value), o.value)
        return out

    def labels(self) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = defaultdict(dict)
        for s, o in self.pairs(_S + "prefLabel"):
            if isinstance(o, ox.Literal) and (lang := _language(o)) is not None:
                held = out[s].get(lang)
                out[s][lang] = o.value if held is None else min(held, o.value)
        return out

    def versions(self) -> dict[str, str]:
        """Standard version IRI -> `id@version`."""
        out: dict[str, str] = {}
        for row in self.store.select(
            f"""SELECT ?v ?id ?number WHERE {{ ?v a <{_C}StandardVersion> ; <{_C}versionOf> ?s ;
                  <{_C}versionNumber> ?number . ?s <{_D}identifier> ?id }}"""
        ):
            v, sid, number = row.get("v"), row.get("id"), row.get("number")
            if isinstance(v, ox.NamedNode) and isinstance(sid, ox.Literal) and isinstance(number, ox.Literal):
                out[v.value] = f"{sid.value}@{number.value}"
        return out

    def depths(self) -> dict[str, int]:
        """xkos depth of each concept: its own, or that of the classification level it is a member of."""
        own = {s: d for s, d in self.literals(_X + "depth").items() if d.isdigit()}
        out: dict[str, int] = {}
        for level, members in self.links(_S + "member").items():
            if level in own:
                for member in members:
                    out[member] = int(own[level])
        out.update((s, int(d)) for s, d in own.items())
        return out

    def scheme_id(self, iri: str) -> str:
        """The id the REST routes use for a scheme minted here; other schemes go by their IRI."""
        rest = iri[len(self.classification) :] if iri.startswith(self.classification) else ""
        return rest if rest and "/" not in rest else iri


def _tree_depth(iri: str, parents: dict[str, set[str]], memo: dict[str, int]) -> int:
    """Depth under the top of its hierarchy (top = 1), following the smallest broader IRI; cycle-safe."""
    chain: list[str] = []
    seen: set[str] = set()
    node: str | None = iri
    while node is not None and node not in memo and node not in seen:
        seen.add(node)
        chain.append(node)
        up = parents.get(node)
        node = min(up) if up else None
    depth = memo.get(node, 0) if node is not None else 0
    for item in reversed(chain):
        depth += 1
        memo[item] = depth
    return memo[iri]


def collect(store: Store) -> list[Entry]:
    """Every concept, category, attribute and standard version visible in the public graphs."""
    reader = _Reader(store)
    types = reader.links(_TYPE, (_S + "ConceptScheme", _C + "CodeList", _C + "AttributeDefinition"))
    versions = reader.versions()
    codes = reader.literals(_S + "notation")
    labels = reader.labels()
    parents = reader.links(_S + "broader")
    depths = reader.depths()
    memo: dict[str, int] = {}

    def is_a(iri: str, kind: str) -> bool:
        return kind in types.get(iri, ())

    entries: list[Entry] = []
    for iri, schemes in reader.links(_S + "inScheme").items():
        code = codes.get(iri)
        schemes = {s for s in schemes if is_a(s, _S + "ConceptScheme")}
        if code is None or not schemes:
            continue
        in_versions = tuple(sorted(versions[s] for s in schemes if s in versions))
        if in_versions:
            level = _tree_depth(iri, parents, memo)
            entries.append(Entry(Kind.CATEGORY, iri, code, labels.get(iri, {}), standards=in_versions, level=level))
        elif not any(is_a(s, _C + "CodeList") for s in schemes):
            level = depths.get(iri) or _tree_depth(iri, parents, memo)
            scheme = reader.scheme_id(min(schemes))
            entries.append(Entry(Kind.CONCEPT, iri, code, labels.get(iri, {}), scheme=scheme, level=level))

    used_by: dict[str, set[str]] = defaultdict(set)
    for version, attributes in reader.links(_C + "hasAttribute").items():
        if version in versions:
            for attribute in attributes:
                used_by[attribute].add(versions[version])
    for iri in types:
        code = codes.get(iri)
        if code is not None and is_a(iri, _C + "AttributeDefinition"):
            standards = tuple(sorted(used_by.get(iri, ())))
            entries.append(Entry(Kind.ATTRIBUTE, iri, code, labels.get(iri, {}), standards=standards))
    entries += [
        Entry(Kind.STANDARD, iri, key.rsplit("@", 1)[0], labels.get(iri, {}), standards=(key,))
        for iri, key in versions.items()
    ]
    return entries
