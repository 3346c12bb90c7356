"""Experts' initial proposals: a whole standard each, from the spreadsheet template or RDF, revisable until
the seminar closes.

A proposal is stored as the standard's RDF form in `{base}graph/private/group/{g}/proposal/{expert}`,
with its IRIs minted under `{base}group/{g}/proposal/{expert}/` so that fifteen proposals of the same
standard never share an IRI with each other or with the published version.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox

from cpms_kg.errors import BadInput, Conflict, CpmsError, Forbidden, NotFound
from cpms_kg.iris import graph_path, last_segment, segment
from cpms_kg.namespaces import DCTERMS, PROV, RDF
from cpms_kg.rdfio import iter_quads, source_from_path
from cpms_kg.standards.model import Standard, Status
from cpms_kg.standards.quality import QualityReport, check_standard
from cpms_kg.standards.rdf import from_quads, to_triples
from cpms_kg.standards.rdf_terms import C
from cpms_kg.standards.spreadsheet import read_standard
from cpms_kg.store.base import Store
from cpms_kg.terms import n, now, typed, value
from cpms_kg.workflow import groups, records
from cpms_kg.workflow.groups import Phase

_RDF_SUFFIXES = {".ttl", ".nt", ".jsonld", ".json", ".rdf", ".xml", ".nq", ".trig"}


@dataclass(frozen=True)
class Submitted:
    expert: str
    standard: Standard
    quality: QualityReport
    revision: int
    iri: str


def proposal_graph(base: str, group_id: str, expert: str) -> str:
    return base + graph_path("private", "group", group_id, "proposal", expert)


def proposal_iri(base: str, group_id: str, expert: str) -> str:
    return f"{groups.group_iri(base, group_id)}/proposal/{segment(expert)}"


def _mint_base(base: str, group_id: str, expert: str) -> str:
    return proposal_iri(base, group_id, expert) + "/"


def read_upload(path: Path, base: str) -> Standard:
    """A proposal file: the XLSX workbook, a CSV folder or .zip, or the standard's RDF (as exported)."""
    if path.suffix.lower() not in _RDF_SUFFIXES:
        return read_standard(path)
    triples = [q.triple for q in iter_quads(source_from_path(path))]
    versions = [
        value(t.subject)
        for t in triples
        if t.predicate.value == str(RDF.type) and value(t.object) == C + "StandardVersion"
    ]
    prefix = base + "standard/"
    if len(versions) != 1 or not versions[0].startswith(prefix) or versions[0][len(prefix) :].count("/") != 1:
        raise BadInput(
            f"{path.name}: expected exactly one cpms:StandardVersion under {prefix}ID/VERSION",
            message_zh=f"{path.name}：应恰好包含一个位于 {prefix}ID/VERSION 下的 cpms:StandardVersion",
        )
    standard_id, version = (last_segment(p) for p in versions[0][len(prefix) :].split("/"))
    return from_quads(triples, base, standard_id, version)


def read_bytes(data: bytes, filename: str, base: str) -> Standard:
    with tempfile.TemporaryDirectory(prefix="cpms-proposal-") as folder:
        path = Path(folder) / Path(filename).name
        path.write_bytes(data)
        try:
            return read_upload(path, base)
        except CpmsError as error:
            # Problems name the file as the expert uploaded it, never the server's temporary folder.
            raise _without(error, folder + "/") from None


def _without(error: CpmsError, prefix: str) -> CpmsError:
    error.message = error.message.replace(prefix, "")
    error.message_zh = error.message_zh.replace(prefix, "")
    error.problems = [
        replace(p, source=p.source.replace(prefix, "") if p.source else p.source) for p in error.problems
    ]
    error.args = (error.message,)
    return error


def submit(store: Store, group_id: str, expert: str, proposed: Standard) -> Submitted:
    """Stores (or revises) an expert's proposal while the group collects proposals."""
    base = store.base_iri
    group = groups.load(store, group_id)
    if group.member(expert) is None:
        raise Forbidden(
            f"{expert} is not a member of expert group {group_id}; only members submit proposals",
            message_zh=f"{expert} 不是专家组 {group_id} 的成员；只有成员可以提交提案",
        )
    if group.phase is not Phase.PROPOSALS:
        raise Conflict(
            f"the seminar of group {group_id} has closed; proposals can no longer be revised",
            message_zh=f"专家组 {group_id} 的研讨已结束，提案不能再修改",
        )
    standard = replace(
        proposed,
        info=replace(
            proposed.info,
            id=group.standard_id,
            version=group.version,
            status=Status.DRAFT,
            expert_group=group_id,
        ),
    )
    quality = check_standard(store, standard)
    graph = proposal_graph(base, group_id, expert)
    node = n(proposal_iri(base, group_id, expert))
    revision = int(records.read(store, graph).first(node.value, C + "revision") or "0") + 1
    meta = [
        ox.Triple(node, n(str(RDF.type)), n(C + "Proposal")),
        ox.Triple(node, n(str(PROV.wasAttributedTo)), n(groups.expert_iri(base, expert))),
        ox.Triple(node, n(C + "proposalFor"), n(groups.group_iri(base, group_id))),
        ox.Triple(node, n(C + "revision"), typed(str(revision), "integer")),
        ox.Triple(node, n(str(DCTERMS.modified)), now()),
        ox.Triple(node, n(C + "proposedVersion"), n(_mint_base(base, group_id, expert) + _version_path(standard))),
    ]
    records.replace(store, graph, [*to_triples(standard, _mint_base(base, group_id, expert)), *meta], name=expert)
    return Submitted(expert, standard, quality, revision, node.value)


def _version_path(standard: Standard) -> str:
    return f"standard/{segment(standard.info.id)}/{segment(standard.info.version)}"


def load(store: Store, group_id: str, expert: str) -> Standard:
    group = groups.load(store, group_id)
    graph = proposal_graph(store.base_iri, group_id, expert)
    if graph not in store.named_graphs():
        raise NotFound(
            f"{expert} has no proposal in group {group_id}", message_zh=f"{expert} 在专家组 {group_id} 中没有提案"
        )
    triples = store.graph_triples(graph)
    return from_quads(triples, _mint_base(store.base_iri, group_id, expert), group.standard_id, group.version)


def load_all(store: Store, group: groups.Group) -> list[tuple[str, Standard]]:
    present = set(store.named_graphs())
    return [
        (m.account, load(store, group.id, m.account))
        for m in group.members
        if proposal_graph(store.base_iri, group.id, m.account) in present
    ]


def missing(store: Store, group: groups.Group) -> list[str]:
    present = set(store.named_graphs())
    return [m.account for m in group.members if proposal_graph(store.base_iri, group.id, m.account) not in present]
