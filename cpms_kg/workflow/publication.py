"""After the vote: the regional reviewer's check, publication as a provincial standard, and promotion to
the national platform, each recorded as PROV-O in the version's public provenance graph
`{base}graph/provenance/standard/{id}/{version}`.

Promotion keeps the version's IRI: the national standard is the same resource with a new status, and
its provenance links the promotion activities to the review that produced it.
"""

from __future__ import annotations

import pyoxigraph as ox

from cpms_kg.errors import BadInput
from cpms_kg.iris import graph_path
from cpms_kg.namespaces import DCTERMS, PROV, RDF, RDFS
from cpms_kg.standards import service
from cpms_kg.standards.model import Standard, Status, version_path
from cpms_kg.standards.rdf_terms import STATUSES, C
from cpms_kg.store.base import Store
from cpms_kg.terms import n, now, typed
from cpms_kg.workflow import groups, proposals, records, review
from cpms_kg.workflow.groups import Group, Phase


def provenance_graph(base: str, standard_id: str, version: str) -> str:
    return base + graph_path("provenance", "standard", standard_id, version)


def _key(group: Group) -> str:
    return f"{group.standard_id}@{group.version}"


def _activity(store: Store, group: Group, kind: str, who: str, status: Status, comment: str) -> list[ox.Triple]:
    base = store.base_iri
    version = n(base + version_path(group.standard_id, group.version))
    node = n(f"{version.value}/activity/{kind}/{review._stamp()}")
    triples = [
        ox.Triple(node, n(str(RDF.type)), n(str(PROV.Activity))),
        ox.Triple(node, n(str(RDF.type)), n(C + "Decision" if kind == "regional-review" else C + "StatusChange")),
        ox.Triple(node, n(str(RDFS.label)), ox.Literal(kind)),
        ox.Triple(node, n(str(PROV.used)), version),
        ox.Triple(node, n(str(PROV.wasAssociatedWith)), n(f"{base}account/{who}")),
        ox.Triple(node, n(str(PROV.endedAtTime)), now()),
        ox.Triple(node, n(C + "toStatus"), n(STATUSES[status])),
    ]
    if comment:
        triples.append(ox.Triple(node, n(str(RDFS.comment)), ox.Literal(comment)))
    return triples


def regional_review(store: Store, group_id: str, reviewer: str, *, approve: bool, comment: str) -> Group:
    """Approves the reviewed version for publication, or returns it to the group with comments (a new round)."""
    group = groups.load(store, group_id)
    groups.require_phase(group, Phase.REGIONAL_REVIEW)
    if not approve and not comment.strip():
        raise BadInput(
            "returning a draft needs comments for the group", message_zh="退回草案时须填写给专家组的意见"
        )
    if approve:
        updated = groups.with_phase(store, group, Phase.APPROVED)
        status = Status.UNDER_REVIEW
    else:
        service.set_status(store, _key(group), Status.CONSENSUS)
        updated = groups.with_phase(store, group, Phase.DRAFT, round=group.round + 1)
        status = Status.CONSENSUS
    records.append(
        store,
        review._graph(store.base_iri, group.id, "regional-review"),
        [
            *_activity(store, group, "regional-review", reviewer, status, comment),
            ox.Triple(
                n(f"{store.base_iri}{version_path(group.standard_id, group.version)}"),
                n(C + ("regionalApproval" if approve else "regionalReturn")),
                typed(str(group.round), "integer"),
            ),
        ],
        name="regional review",
    )
    return updated


def publish(store: Store, group_id: str, who: str) -> Standard:
    """Publishes the approved version as a provincial standard, with its provenance made public."""
    group = groups.load(store, group_id)
    groups.require_phase(group, Phase.APPROVED)
    published = service.set_status(store, _key(group), Status.PUBLISHED_PROVINCIAL)
    base = store.base_iri
    version = n(base + version_path(group.standard_id, group.version))
    draft = n(review.draft_iri(base, group.id))
    members = groups.load(store, group_id).members
    triples = [
        *_activity(store, group, "publish", who, Status.PUBLISHED_PROVINCIAL, ""),
        ox.Triple(version, n(str(PROV.wasDerivedFrom)), draft),
        ox.Triple(version, n(C + "expertGroup"), n(groups.group_iri(base, group.id))),
        ox.Triple(version, n(str(DCTERMS.issued)), now()),
        ox.Triple(draft, n(str(RDF.type)), n(C + "ConsensusDraft")),
        ox.Triple(version, n(C + "expertCount"), typed(str(len(members)), "integer")),
    ]
    triples += [
        ox.Triple(draft, n(str(PROV.wasDerivedFrom)), n(proposals.proposal_iri(base, group.id, m.account)))
        for m in members
    ]
    graph = provenance_graph(base, group.standard_id, group.version)
    records.append(store, graph, triples, name="provenance")
    groups.with_phase(store, group, Phase.PUBLISHED)
    return published


def promote(store: Store, key: str, who: str, target: Status) -> Standard:
    """Recommends a provincial standard to the national platform, or records its national publication."""
    if target not in (Status.RECOMMENDED, Status.PUBLISHED_NATIONAL):
        raise BadInput(
            f"promotion goes to recommended or published-national, not {target.value}",
            message_zh=f"推荐/升级只能变更为 recommended 或 published-national，而非 {target.value}",
        )
    promoted = service.set_status(store, key, target)
    info = promoted.info
    version = n(store.base_iri + version_path(info.id, info.version))
    node = n(f"{version.value}/activity/{target.value}/{review._stamp()}")
    records.append(
        store,
        provenance_graph(store.base_iri, info.id, info.version),
        [
            ox.Triple(node, n(str(RDF.type)), n(str(PROV.Activity))),
            ox.Triple(node, n(str(RDF.type)), n(C + "StatusChange")),
            ox.Triple(node, n(str(RDFS.label)), ox.Literal(target.value)),
            ox.Triple(node, n(str(PROV.used)), version),
            ox.Triple(node, n(str(PROV.wasAssociatedWith)), n(f"{store.base_iri}account/{who}")),
            ox.Triple(node, n(str(PROV.endedAtTime)), now()),
            ox.Triple(node, n(C + "toStatus"), n(STATUSES[target])),
        ],
        name="provenance",
    )
    return promoted
