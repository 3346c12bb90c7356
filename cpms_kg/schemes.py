"""Classification schemes as a service: list schemes, look up concepts by code, children, search."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pyoxigraph as ox

from cpms_kg.errors import BadInput, NotFound
from cpms_kg.iris import concept_path, scheme_path
from cpms_kg.namespaces import SKOS, XKOS
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


def concept(store: Store, scheme: str, code: str) -> Concept:
    iri = store.base_iri + concept_path(scheme, code)
    rows = store.select(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}")
    if not rows.rows:
        raise NotFound(
            f"no concept with code {code!r} in scheme {scheme!r}",
            message_zh=f"分类体系 {scheme!r} 中没有代码为 {code!r} 的概念",
        )
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
    narrower = store.select(f"SELECT (COUNT(?n) AS ?k) WHERE {{ ?n <{_S}broader> <{iri}> }}").rows
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


def children(store: Store, scheme: str, code: str | None) -> list[ConceptRef]:
    """Narrower concepts of a concept, or the top concepts of the scheme when code is None."""
    if code is None:
        parent = store.base_iri + scheme_path(scheme)
        if not store.ask(f"ASK {{ <{parent}> a <{_S}ConceptScheme> }}"):
            raise NotFound(f"no scheme {scheme!r}", message_zh=f"分类体系 {scheme!r} 不存在")
        pattern = f"?c <{_S}topConceptOf> <{parent}>"
    else:
        parent = store.base_iri + concept_path(scheme, code)
        if not store.ask(f"ASK {{ <{parent}> ?p ?o }}"):
            raise NotFound(
                f"no concept with code {code!r} in scheme {scheme!r}",
                message_zh=f"分类体系 {scheme!r} 中没有代码为 {code!r} 的概念",
            )
        pattern = f"?c <{_S}broader> <{parent}>"
    rows = store.select(f"SELECT ?c WHERE {{ {pattern} }}")
    iris = [r["c"].value for r in rows if isinstance(r["c"], ox.NamedNode)]
    refs = _labels(store, iris)
    return sorted(refs.values(), key=lambda r: r.code)


def search(store: Store, q: str, *, scheme: str | None = None, limit: int = 20) -> list[ConceptRef]:
    """Concepts whose code starts with q or whose zh/en label contains it, exact codes first."""
    text = q.strip()
    if not text:
        raise BadInput("the search text q is empty", message_zh="检索词 q 为空")
    if not 1 <= limit <= 200:
        raise BadInput("limit must be between 1 and 200", message_zh="limit 必须在 1 到 200 之间")
    needle = ox.Literal(text.lower())
    scope = f"?c <{_S}inScheme> <{store.base_iri + scheme_path(scheme)}> ." if scheme else ""
    rows = store.select(
        f"""SELECT ?c ?code ?rank WHERE {{
              {{ ?c <{_S}notation> ?code . {scope}
                 FILTER(STRSTARTS(LCASE(STR(?code)), {needle}))
                 BIND(IF(LCASE(STR(?code)) = {needle}, 0, 1) AS ?rank) }}
              UNION
              {{ ?c <{_S}prefLabel> ?label . {scope}
                 FILTER(CONTAINS(LCASE(STR(?label)), {needle}))
                 ?c <{_S}notation> ?code BIND(2 AS ?rank) }}
            }} ORDER BY ?rank STRLEN(STR(?code)) ?code LIMIT {limit * 3}"""
    )
    ordered: list[str] = []
    for row in rows:
        c = row["c"]
        if isinstance(c, ox.NamedNode) and c.value not in ordered:
            ordered.append(c.value)
    refs = _labels(store, ordered[:limit])
    return [refs[i] for i in ordered[:limit] if i in refs]
