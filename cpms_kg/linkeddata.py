"""Linked data: what a resource's IRI answers (its description) and the facts its page shows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from cpms_kg.errors import NotFound
from cpms_kg.namespaces import SKOS
from cpms_kg.store.base import Store

_MAPPINGS = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
_SKOS = str(SKOS)


@dataclass
class Link:
    iri: str
    labels: dict[str, str] = field(default_factory=dict)
    notation: str | None = None

    def label(self, lang: str) -> str | None:
        return self.labels.get(lang)


@dataclass
class Value:
    predicate: str
    term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
    link: Link | None = None


@dataclass
class ResourcePage:
    iri: str
    labels: dict[str, str] = field(default_factory=dict)
    notation: str | None = None
    types: list[str] = field(default_factory=list)
    scheme: Link | None = None
    level: Link | None = None
    broader: list[Link] = field(default_factory=list)
    narrower: list[Link] = field(default_factory=list)
    """One page of the narrower concepts, in notation order: `narrower_offset` skipped of `narrower_total`."""
    narrower_total: int = 0
    narrower_offset: int = 0
    mappings: list[tuple[str, Link]] = field(default_factory=list)
    incoming_mappings: list[tuple[str, Link]] = field(default_factory=list)
    values: list[Value] = field(default_factory=list)


def iri_for_path(base_iri: str, path: str) -> str:
    return base_iri + path


def describe(store: Store, iri: str) -> list[ox.Triple]:
    """The resource's concise bounded description; NotFound when nothing is said of it."""
    triples = store.construct(f"DESCRIBE <{_safe(iri)}>")
    if not triples:
        raise NotFound(f"nothing is known about <{iri}>", message_zh=f"未找到资源 <{iri}>")
    return triples


_UNSAFE = re.compile(r'[<>"{}|^`\\\x00-\x20]')


def _safe(iri: str) -> str:
    # Path segments arrive percent-decoded; characters illegal in an IRI reference are re-encoded.
    return _UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", iri)


NARROWER_PAGE = 100
"""Narrower concepts shown on one HTML page: a concept may have thousands."""


def page(store: Store, iri: str, *, narrower_offset: int = 0) -> ResourcePage:
    safe = _safe(iri)
    # Narrower links are read page by page below, never all at once.
    rows = store.select(
        f"""SELECT ?p ?o ?label ?notation WHERE {{
              <{safe}> ?p ?o . FILTER(?p != <{_SKOS}narrower>)
              OPTIONAL {{ ?o <{_SKOS}prefLabel> ?label }}
              OPTIONAL {{ ?o <{_SKOS}notation> ?notation }}
            }}"""
    )
    if not rows.rows:
        raise NotFound(f"nothing is known about <{iri}>", message_zh=f"未找到资源 <{iri}>")
    result = ResourcePage(iri)
    links: dict[tuple[str, str], Link] = {}
    for row in rows:
        p, o = row["p"], row["o"]
        assert isinstance(p, ox.NamedNode)
        key = (p.value, str(o))
        link = links.get(key)
        if link is None:
            link = Link(o.value) if isinstance(o, ox.NamedNode) else None
            if link is not None:
                links[key] = link
            _place(result, p.value, o, link)
        if link is not None:
            _annotate(link, row)
    incoming = store.select(
        f"""SELECT ?s ?p ?label ?notation WHERE {{
              VALUES ?p {{ {" ".join(f"<{_SKOS}{m}>" for m in _MAPPINGS)} }}
              ?s ?p <{safe}> .
              OPTIONAL {{ ?s <{_SKOS}prefLabel> ?label }}
              OPTIONAL {{ ?s <{_SKOS}notation> ?notation }}
            }}"""
    )
    seen: dict[tuple[str, str], Link] = {}
    for row in incoming:
        s, p = row["s"], row["p"]
        assert isinstance(p, ox.NamedNode)
        if not isinstance(s, ox.NamedNode):
            continue
        key = (p.value, s.value)
        if key not in seen:
            seen[key] = Link(s.value)
            result.incoming_mappings.append((p.value.removeprefix(_SKOS), seen[key]))
        _annotate(seen[key], row)
    for row in store.select(
        f"SELECT ?l ?label WHERE {{ ?l <{_SKOS}member> <{safe}> OPTIONAL {{ ?l <{_SKOS}prefLabel> ?label }} }}"
    ):
        level = row["l"]
        if isinstance(level, ox.NamedNode):
            result.level = result.level or Link(level.value)
            _annotate(result.level, row)
    result.broader.sort(key=lambda link: (link.notation or "", link.iri))
    _narrower_page(store, safe, result, narrower_offset)
    result.incoming_mappings.sort(key=lambda m: (m[0], m[1].notation or "", m[1].iri))
    return result


def _narrower_page(store: Store, safe: str, result: ResourcePage, offset: int) -> None:
    """Narrower concepts (stated by either side of the SKOS link) in notation order, NARROWER_PAGE from offset."""
    pattern = f"{{ ?c <{_SKOS}broader> <{safe}> }} UNION {{ <{safe}> <{_SKOS}narrower> ?c }}"
    counted = store.select(f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ {pattern} }}").rows
    total = counted[0].get("n") if counted else None
    result.narrower_total = int(total.value) if isinstance(total, ox.Literal) else 0
    result.narrower_offset = offset
    rows = store.select(
        f"""SELECT ?c ?notation ?label WHERE {{
              {{ SELECT ?c (MIN(STR(?n)) AS ?notation) WHERE {{ {pattern} OPTIONAL {{ ?c <{_SKOS}notation> ?n }} }}
                 GROUP BY ?c ORDER BY ?notation ?c LIMIT {NARROWER_PAGE} OFFSET {offset} }}
              OPTIONAL {{ ?c <{_SKOS}prefLabel> ?label }}
            }} ORDER BY ?notation ?c"""
    )
    links: dict[str, Link] = {}
    for row in rows:
        c = row.get("c")
        if isinstance(c, ox.NamedNode):
            link = links.setdefault(c.value, Link(c.value))
            _annotate(link, row)
    result.narrower = list(links.values())


def _annotate(link: Link, row: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]) -> None:
    label = row.get("label")
    if isinstance(label, ox.Literal):
        link.labels.setdefault(label.language or "", label.value)
    notation = row.get("notation")
    if isinstance(notation, ox.Literal):
        link.notation = notation.value


def _place(
    result: ResourcePage, predicate: str, o: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, link: Link | None
) -> None:
    local = predicate.removeprefix(_SKOS) if predicate.startswith(_SKOS) else None
    if local == "prefLabel" and isinstance(o, ox.Literal):
        result.labels.setdefault(o.language or "", o.value)
    elif local == "notation" and isinstance(o, ox.Literal):
        result.notation = o.value
    elif local == "inScheme" and link is not None:
        result.scheme = link
    elif local == "broader" and link is not None:
        result.broader.append(link)
    elif local in _MAPPINGS and link is not None:
        result.mappings.append((local, link))
    elif predicate == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" and isinstance(o, ox.NamedNode):
        result.types.append(o.value)
    else:
        result.values.append(Value(predicate, o, link))
