"""Loading a verified package into a store (embedded, or remote over the Graph Store Protocol).

All graphs or none: each graph the package fills is replaced whole, and if any write fails the graphs
already written are put back as they were. IRIs are kept as the package has them, whatever this
instance's base IRI. Importing the same package again changes nothing. A version already published
here may only move forward in its lifecycle (say, from provincial to national publication) with
otherwise identical content: published versions are immutable. A standard that reuses items of other
versions imports only where those versions already are (the manifest's `requires`), so that it reads back
whole; otherwise it is refused (409) before anything is written, naming the packages to import first.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import pyoxigraph as ox

from cpms_kg.errors import Conflict, Problem
from cpms_kg.namespaces import CPMS, DCTERMS
from cpms_kg.package import MANIFEST
from cpms_kg.package_check import Verified, refuse, verify
from cpms_kg.standards.lifecycle import ALLOWED, IMMUTABLE
from cpms_kg.standards.model import Status
from cpms_kg.standards.rdf_terms import STATUSES
from cpms_kg.standards.service import version_graph
from cpms_kg.store.base import LoadSource, Store
from cpms_kg.terms import ntriples, value
from cpms_kg.workflow.dataip import canonical_nquads

_STATUS = str(CPMS) + "status"
_STATUS_OF = {iri: s for s, iri in STATUSES.items()}


@dataclass(frozen=True)
class ImportReport:
    standard_id: str
    version: str
    iri: str
    status: Status
    previous_status: Status | None
    """The version's status here before the import (None: it was not here)."""
    source_base_iri: str
    sha256: str
    graphs: tuple[str, ...]
    changed: bool
    """False when the store already held exactly this package's graphs."""


def _status_in(triples: list[ox.Triple], iri: str) -> Status | None:
    for t in triples:
        if value(t.subject) == iri and t.predicate.value == _STATUS:
            return _STATUS_OF.get(value(t.object))
    return None


def _reachable(status: Status) -> set[Status]:
    seen, todo = {status}, [status]
    while todo:
        for nxt in ALLOWED[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _as_stored(triples: list[ox.Triple]) -> bytes:
    """Canonical N-Quads of the triples as a store keeps them: oxigraph, say, keeps an
    xsd:nonNegativeInteger as an xsd:integer, and a re-import must still compare equal."""
    held = ox.Store()
    held.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return canonical_nquads(q.triple for q in held)


def _content(triples: list[ox.Triple]) -> bytes:
    return _as_stored([t for t in triples if t.predicate.value != _STATUS])


def _check_succession(iri: str, old: list[ox.Triple], new: list[ox.Triple], status: Status) -> Status | None:
    before = _status_in(old, iri)
    if before is None or before not in IMMUTABLE:
        return before
    if _content(old) != _content(new):
        raise Conflict(
            f"{iri} is published here with other content; published versions are immutable (make a new version)",
            message_zh=f"{iri} 已在本实例发布且内容不同；已发布版本不可修改（请发布新版本）",
        )
    if status not in _reachable(before):
        raise Conflict(
            f"{iri} is {before.value} here; the package says {status.value}, an earlier step (an older package?)",
            message_zh=f"{iri} 在本实例的状态为 {before.value}，数据包为更早的 {status.value}（数据包过旧？）",
        )
    return before


def _check_requirements(store: Store, package: Verified) -> None:
    """Refuses (409) a package whose standard reuses items of versions this instance does not hold."""
    missing = [
        r
        for r in package.requires
        if not store.ask(
            f"""ASK {{ ?std <{DCTERMS.identifier}> {ox.Literal(r.id)} ; <{CPMS}hasVersion> <{r.iri}> .
                  <{r.iri}> <{CPMS}versionNumber> {ox.Literal(r.version)} }}"""
        )
    ]
    if not missing:
        return
    key = f"{package.standard_id}@{package.version}"
    names, versions = ", ".join(r.package_name for r in missing), ", ".join(r.key for r in missing)
    raise Conflict(
        f"{key} reuses attributes or code lists of {versions}, which this instance does not have: "
        f"import the package {names} first",
        message_zh=f"{key} 复用了 {versions} 的属性或代码表，本实例尚无该版本：请先导入数据包 {names}",
        problems=[
            Problem(
                f"import {r.package_name} ({r.iri}) first",
                source=MANIFEST,
                message_zh=f"请先导入 {r.package_name}（{r.iri}）",
            )
            for r in missing
        ],
    )


def _restore(store: Store, before: dict[str, list[ox.Triple] | None]) -> None:
    """Puts graphs back as they were after a failed import (best effort: the first error is the one raised)."""
    for graph, triples in before.items():
        with contextlib.suppress(Exception):
            if triples is None:
                if store.graph_exists(graph):
                    store.drop_graph(graph)
            else:
                source = LoadSource(name="restore", format=ox.RdfFormat.N_TRIPLES, data=ntriples(triples), graph=graph)
                store.replace_graph(graph, source)


def import_package(store: Store, data: bytes, *, name: str, limit: int) -> ImportReport:
    """Verifies the package (cpms_kg.package_check), then loads its graphs, all or none."""
    package = verify(data, name=name, limit=limit)
    if package.status not in IMMUTABLE and package.source_base_iri != store.base_iri:
        raise refuse(
            name,
            f"an unpublished ({package.status.value}) version imports only into an instance with base IRI "
            f"{package.source_base_iri}: its private graph would be public here",
            f"未发布（{package.status.value}）的版本只能导入基础 IRI 为 {package.source_base_iri} 的实例，"
            "否则其私有图会在此公开",
        )
    _check_requirements(store, package)
    targets = {e.graph: e.path for e in package.listed if e.graph is not None}
    std_graph = next(g for g, path in targets.items() if path == "standard.ttl")
    base, sid, ver = package.source_base_iri, package.standard_id, package.version
    named = set(store.named_graphs())
    # The version's graph for the other visibility (private before publication, public after) goes.
    drops = [
        g
        for g in {version_graph(base, sid, ver, s) for s in (Status.DRAFT, Status.RETIRED)} - {std_graph}
        if g in named
    ]
    before: dict[str, list[ox.Triple] | None] = {
        g: (store.graph_triples(g) if g in named else None) for g in [*targets, *drops]
    }
    existing = before[std_graph] or next((before[g] for g in drops if before[g]), None) or []
    previous = _check_succession(package.iri, existing, package.triples["standard.ttl"], package.status)
    changed = bool(drops) or any(
        before[g] is None or _as_stored(before[g] or []) != _as_stored(package.triples[path])
        for g, path in targets.items()
    )
    if changed:
        try:
            for graph, path in targets.items():
                store.replace_graph(
                    graph,
                    LoadSource(
                        name=f"{name}:{path}", format=ox.RdfFormat.TURTLE, data=package.files[path], graph=graph
                    ),
                )
            for graph in drops:
                store.drop_graph(graph)
        except Exception:
            _restore(store, before)
            raise
    return ImportReport(
        standard_id=sid,
        version=ver,
        iri=package.iri,
        status=package.status,
        previous_status=previous,
        source_base_iri=base,
        sha256=package.sha256,
        graphs=tuple(targets),
        changed=changed,
    )
