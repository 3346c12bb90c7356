"""Reusing attributes and code lists across standards: the definitions come from the store.

A standard reuses an item by naming the IRI that defines it (`Attribute.reuse`, `CodeList.reuse`), so
products of both standards carry the same predicate and one query spans both industries. Only items of
published standards can be reused: a published version cannot change, so neither can the definition
a reusing standard relies on. `resolve` replaces what a workbook says about a reused item with the
definition in the store (and adds the code list a reused attribute takes its values from); the RDF
reader does the same when a version is loaded, since the definitions are read with it.
"""

from __future__ import annotations

from dataclasses import replace

import pyoxigraph as ox

from cpms_kg.errors import BadInput, Problem
from cpms_kg.standards.model import CodeList, Standard, Text, relative_reference, resolve_reference
from cpms_kg.standards.rdf_read import from_quads
from cpms_kg.standards.rdf_terms import SK, TYPE, C, VersionIris
from cpms_kg.standards.rdf_write import to_triples
from cpms_kg.store.base import Store


def reused_iris(standard: Standard, base_iri: str) -> list[str]:
    """The IRIs of the items a version reuses, attributes then code lists."""
    out = [resolve_reference(base_iri, a.reuse) for a in standard.attributes if a.reuse is not None]
    return out + [resolve_reference(base_iri, c.reuse) for c in standard.code_lists if c.reuse is not None]


def definitions(store: Store, iris: list[str]) -> list[ox.Triple]:
    """The published definitions of these items: their triples, value domains and codes."""
    nodes = []
    for iri in sorted(set(iris)):
        try:
            nodes.append(str(ox.NamedNode(iri)))
        except ValueError:
            continue  # not an IRI, so defined nowhere: `resolve` reports it
    if not nodes:
        return []
    values = " ".join(nodes)
    return store.construct(
        f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?item {{ {values} }}
              {{ ?item ?p ?o BIND(?item AS ?s) }}
              UNION {{ ?item <{C}valueDomain> ?s . ?s ?p ?o }}
              UNION {{ ?item <{C}valueDomain> ?list . ?s <{SK}inScheme> ?list ; ?p ?o }}
              UNION {{ ?s <{SK}inScheme> ?item ; ?p ?o }} }}"""
    )


def _index(triples: list[ox.Triple]) -> dict[str, dict[str, list[ox.NamedNode | ox.Literal]]]:
    out: dict[str, dict[str, list[ox.NamedNode | ox.Literal]]] = {}
    for t in triples:
        if isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode | ox.Literal):
            out.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(t.object)
    return out


def _notation(found: dict[str, list[ox.NamedNode | ox.Literal]]) -> str | None:
    return next((o.value for o in found.get(SK + "notation", []) if isinstance(o, ox.Literal)), None)


def resolve(store: Store, standard: Standard) -> Standard:
    """The standard with each reused item's definition read from the published standards in the store.

    Raises BadInput naming every reused item that is not published, is this version's own, or whose
    code differs from the code it has where it is defined.
    """
    base = store.base_iri
    iris = reused_iris(standard, base)
    if not iris:
        return standard
    own = VersionIris(base, standard.info.id, standard.info.version).node + "/"
    triples = definitions(store, iris)
    found = _index(triples)
    problems: list[Problem] = []
    items = [("attribute", a.code, a.reuse, C + "AttributeDefinition") for a in standard.attributes if a.reuse]
    items += [("code list", c.id, c.reuse, C + "CodeList") for c in standard.code_lists if c.reuse]
    for kind, code, reference, cls in items:
        iri = resolve_reference(base, reference or "")
        about = found.get(iri, {})
        zh = "属性" if kind == "attribute" else "代码表"
        if iri.startswith(own):
            problems.append(Problem(f"{kind} {code} reuses {iri}, which is this version's own",
                                    message_zh=f"{zh} {code} 复用的 {iri} 是本版本自己的条目"))
        elif ox.NamedNode(cls) not in about.get(TYPE, []):
            problems.append(Problem(
                f"{kind} {code} reuses {iri}, which no published standard in the store defines",
                message_zh=f"{zh} {code} 复用的 {iri} 未由存储中任何已发布的标准定义"))
        elif _notation(about) != code:
            problems.append(Problem(
                f"{kind} {code} reuses {iri}, whose code is {_notation(about)!r}: a reused item keeps its code",
                message_zh=f"{zh} {code} 复用的 {iri} 的代码为 {_notation(about)!r}：复用的条目须沿用原代码"))
    if problems:
        raise BadInput(f"{len(problems)} reused item(s) of {standard.key} cannot be resolved",
                       message_zh=f"{standard.key} 中有 {len(problems)} 个复用条目无法解析", problems=problems)
    # A reused attribute brings the code list its values come from, reused as well.
    lists = {c.id: c for c in standard.code_lists}
    for a in standard.attributes:
        domains = found.get(resolve_reference(base, a.reuse), {}).get(C + "valueDomain", []) if a.reuse else []
        for domain in (d.value for d in domains if isinstance(d, ox.NamedNode)):
            if ox.NamedNode(C + "CodeList") not in found.get(domain, {}).get(TYPE, []):
                continue  # a range, pattern or length domain
            list_id = _notation(found.get(domain, {})) or ""
            reused = CodeList(list_id, Text("", ""), (), reuse=relative_reference(base, domain))
            listed = lists.setdefault(list_id, reused)
            if listed.reuse is None or resolve_reference(base, listed.reuse) != domain:
                raise BadInput(
                    f"attribute {a.code} reuses {domain} as code list {list_id}, but this version has another "
                    f"code list {list_id}",
                    message_zh=f"属性 {a.code} 复用代码表 {domain}（{list_id}），但本版本另有代码表 {list_id}",
                )
    linked = replace(standard, code_lists=tuple(lists.values()))
    info = standard.info
    return replace(from_quads(to_triples(linked, base) + triples, base, info.id, info.version), notes=standard.notes)
