"""Classification schemes as a service: list schemes, look up concepts by code, paged children and level members.

Search lives in cpms_kg.search."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pyoxigraph as ox

from cpms_kg.errors import NotFound
from cpms_kg.iris import concept_path, level_path, scheme_path
from cpms_kg.namespaces import SKOS, XKOS
from cpms_kg.paging import check_page
from cpms_kg.store.base import Store

_S = str(SKOS)
_X = str(XKOS)
_MATCHES = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")


@dataclass
class ConceptRef:
    code: str
    iri: str
    labels: dict[str, str] = field(default_factory=dict)
    scheme: str | None = None


@dataclass
class Mapping:
    relation: str
    concept: ConceptRef
    direction: str = "outgoing"
    """"outgoing": this concept --relation--> concept; "incoming": concept --relation--> this one."""


@dataclass
class Concept:
    code: str
    iri: str
    scheme: str
    labels: dict[str, str]
    depth: int | None
    broader: list[ConceptRef]
    narrower_count: int
    mappings: list[Mapping]
    notes: list[str]


@dataclass
class SchemeInfo:
    id: str
    iri: str
    title: dict[str, str]
    concepts: int


def as_dict(obj: object) -> dict[str, object]:
    return asdict(obj)  # type: ignore[call-overload]


def _scheme_id(base: str, iri: str) -> str | None:
    prefix = base + "classification/"
    if iri.startswith(prefix):
        return iri[len(prefix) :].split("/", 1)[0]
    return None


def list_schemes(store: Store) -> list[SchemeInfo]:
    rows = store.select(
        f"""SELECT ?s ?title (COUNT(DISTINCT ?c) AS ?n) WHERE {{
              ?s a <{_S}ConceptScheme> .
              OPTIONAL {{ ?s <{_S}prefLabel> ?title }}
              OPTIONAL {{ ?c <{_S}inScheme> ?s }}
            }} GROUP BY ?s ?title ORDER BY ?s"""
    )
    out: dict[str, SchemeInfo] = {}
    for row in rows:
        s = row["s"]
        if not isinstance(s, ox.NamedNode):
            continue
        sid = _scheme_id(store.base_iri, s.value)
        if sid is None:
            continue
        info = out.setdefault(s.value, SchemeInfo(sid, s.value, {}, 0))
        n = row.get("n")
        info.concepts = max(info.concepts, int(n.value) if isinstance(n, ox.Literal) else 0)
        title = row.get("title")
        if isinstance(title, ox.Literal):
            info.title[title.language or "en"] = title.value
    return list(out.values())


def _labels(store: Store, iris: list[str]) -> dict[str, ConceptRef]:
    if not iris:
        return {}
    values = " ".join(f"<{i}>" for i in iris)
    rows = store.select(
        f"""SELECT ?c ?code ?label WHERE {{ VALUES ?c {{ {values} }}
              OPTIONAL {{ ?c <{_S}notation> ?code }} OPTIONAL {{ ?c <{_S}prefLabel> ?label }} }}"""
    )
    refs: dict[str, ConceptRef] = {}
    for row in rows:
        c = row["c"]
        assert isinstance(c, ox.NamedNode)
        code = row.get("code")
        ref = refs.setdefault(c.value, ConceptRef(code.value if isinstance(code, ox.Literal) else "", c.value))
        ref.scheme = _scheme_id(store.base_iri, c.value)
        label = row.get("label")
        if isinstance(label, ox.Literal):
            ref.labels[label.language or "en"] = label.value
    return refs


def _not_found(scheme: str, code: str) -> NotFound:
    return NotFound(
        f"no concept with code {code!r} in scheme {scheme!r}",
        message_zh=f"分类体系 {scheme!r} 中没有代码为 {code!r} 的概念",
    )


def _narrower(parent: str, var: str) -> str:
    """Narrower concepts of `parent` bound to `var`, stated by either side of the SKOS link."""
    return f"{{ {var} <{_S}broader> <{parent}> }} UNION {{ <{parent}> <{_S}narrower> {var} }}"


def concept(store: Store, scheme: str, code: str) -> Concept:
    iri = store.base_iri + concept_path(scheme, code)
    rows = store.select(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}")
    if not rows.rows:
        raise _not_found(scheme, code)
    labels: dict[str, str] = {}
    broader: list[str] = []
    mapped: list[tuple[str, str]] = []
    notes: list[str] = []
    depth: int | None = None
    for row in rows:
        p, o = row["p"].value, row["o"]  # type: ignore[union-attr]
        if p == _S + "prefLabel" and isinstance(o, ox.Literal):
            labels[o.language or "en"] = o.value
        elif p == _S + "broader" and isinstance(o, ox.NamedNode):
            broader.append(o.value)
        elif p.startswith(_S) and p.endswith("Match") and isinstance(o, ox.NamedNode):
            mapped.append((p[len(_S) :], o.value))
        elif p == _S + "scopeNote" and isinstance(o, ox.Literal):
            notes.append(o.value)
        elif p == _X + "depth" and isinstance(o, ox.Literal):
            depth = int(o.value)
    narrower = store.select(f"SELECT (COUNT(DISTINCT ?n) AS ?k) WHERE {{ {_narrower(iri, '?n')} }}").rows
    count = narrower[0].get("k") if narrower else None
    if depth is None:
        levels = store.select(f"SELECT ?d WHERE {{ ?l <{_S}member> <{iri}> ; <{_X}depth> ?d }}").rows
        found = levels[0].get("d") if levels else None
        depth = int(found.value) if isinstance(found, ox.Literal) else None
    incoming: list[tuple[str, str]] = []
    for row in store.select(
        f"""SELECT ?s ?p WHERE {{ VALUES ?p {{ {" ".join(f"<{_S}{m}>" for m in _MATCHES)} }} ?s ?p <{iri}> }}"""
    ):
        s, p = row["s"], row["p"]
        if isinstance(s, ox.NamedNode) and isinstance(p, ox.NamedNode):
            incoming.append((p.value[len(_S) :], s.value))
    refs = _labels(store, broader + [m[1] for m in mapped] + [m[1] for m in incoming])
    return Concept(
        code=code,
        iri=iri,
        scheme=scheme,
        labels=labels,
        depth=depth,
        broader=[refs.get(b, ConceptRef("", b)) for b in broader],
        narrower_count=int(count.value) if isinstance(count, ox.Literal) else 0,
        mappings=[Mapping(rel, refs.get(target, ConceptRef("", target))) for rel, target in sorted(mapped)]
        + [Mapping(rel, refs.get(src, ConceptRef("", src)), "incoming") for rel, src in sorted(incoming)],
        notes=notes,
    )


@dataclass
class ConceptPage:
    """One page of a list of concepts in code order, with the length of the whole list."""

    total: int
    limit: int
    offset: int
    items: list[ConceptRef]


MAX_PAGE = 1000


def _page(store: Store, pattern: str, *, limit: int, offset: int) -> ConceptPage:
    """Concepts matched by `pattern` (binding ?c), ordered by code then IRI: the same order on every page."""
    check_page(limit=limit, offset=offset, max_limit=MAX_PAGE)
    counted = store.select(f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ {pattern} }}").rows
    n = counted[0].get("n") if counted else None
    rows = store.select(
        f"""SELECT ?c (MIN(STR(?notation)) AS ?code) WHERE {{ {pattern} OPTIONAL {{ ?c <{_S}notation> ?notation }} }}
            GROUP BY ?c ORDER BY ?code ?c LIMIT {limit} OFFSET {offset}"""
    )
    iris = [c.value for r in rows if isinstance(c := r.get("c"), ox.NamedNode)]
    refs = _labels(store, iris)
    return ConceptPage(
        int(n.value) if isinstance(n, ox.Literal) else 0, limit, offset, [refs.get(i, ConceptRef("", i)) for i in iris]
    )


def children(store: Store, scheme: str, code: str | None, *, limit: int = 100, offset: int = 0) -> ConceptPage:
    """Narrower concepts of a concept, or the top concepts of the scheme when code is None (either direction of
    the SKOS link counts)."""
    if code is None:
        parent = store.base_iri + scheme_path(scheme)
        if not store.ask(f"ASK {{ <{parent}> a <{_S}ConceptScheme> }}"):
            raise NotFound(f"no scheme {scheme!r}", message_zh=f"分类体系 {scheme!r} 不存在")
        pattern = f"{{ ?c <{_S}topConceptOf> <{parent}> }} UNION {{ <{parent}> <{_S}hasTopConcept> ?c }}"
    else:
        parent = store.base_iri + concept_path(scheme, code)
        if not store.ask(f"ASK {{ <{parent}> ?p ?o }}"):
            raise _not_found(scheme, code)
        pattern = _narrower(parent, "?c")
    return _page(store, pattern, limit=limit, offset=offset)


def level_members(store: Store, scheme: str, depth: int, *, limit: int = 100, offset: int = 0) -> ConceptPage:
    """Members of the scheme's xkos:ClassificationLevel at `depth` (1 = top)."""
    level = store.base_iri + level_path(scheme, depth)
    if not store.ask(f"ASK {{ <{level}> a <{_X}ClassificationLevel> }}"):
        raise NotFound(f"scheme {scheme!r} has no level {depth}", message_zh=f"分类体系 {scheme!r} 没有第 {depth} 层级")
    return _page(store, f"<{level}> <{_S}member> ?c", limit=limit, offset=offset)
