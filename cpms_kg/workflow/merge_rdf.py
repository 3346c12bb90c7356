"""A consensus draft as linked data (write-only): the draft, one review item per draft item with its supporters,
each expert's match with the reason, and each conflict with its options, chosen value and resolution."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pyoxigraph as ox

from cpms_kg.iris import segment
from cpms_kg.namespaces import CPMS, PROV, RDF, XSD

if TYPE_CHECKING:  # merge.py re-exports draft_triples, so it cannot be imported here at run time
    from cpms_kg.workflow.merge import Draft

_C = str(CPMS)


def draft_triples(
    draft: Draft, draft_iri: str, *, proposal_iri: Callable[[str], str], expert_iri: Callable[[str], str]
) -> list[ox.Triple]:
    """`proposal_iri(expert)` and `expert_iri(name)` mint the IRIs of the proposals and of the experts."""
    out: list[ox.Triple] = []

    def add(subject: ox.NamedNode, predicate: str, obj: ox.NamedNode | ox.Literal) -> None:
        out.append(ox.Triple(subject, ox.NamedNode(predicate), obj))

    node = ox.NamedNode(draft_iri)
    add(node, str(RDF.type), ox.NamedNode(_C + "ConsensusDraft"))
    add(node, str(RDF.type), ox.NamedNode(str(PROV.Entity)))
    for expert in draft.experts:
        add(node, str(PROV.wasDerivedFrom), ox.NamedNode(proposal_iri(expert)))
    for item in draft.items:
        iri = ox.NamedNode(f"{draft_iri}/item/{item.kind}/{segment(item.key)}")
        add(iri, str(RDF.type), ox.NamedNode(_C + "ReviewItem"))
        add(iri, _C + "inDraft", node)
        add(iri, _C + "itemKind", ox.Literal(item.kind))
        add(iri, _C + "itemKey", ox.Literal(item.key))
        add(iri, _C + "supportCount", ox.Literal(str(len(item.support)), datatype=ox.NamedNode(str(XSD.integer))))
        for expert in item.support:
            add(iri, str(PROV.wasAttributedTo), ox.NamedNode(expert_iri(expert)))
        for m in item.matches:
            match = ox.NamedNode(f"{iri.value}/match/{segment(m.expert)}")
            add(iri, _C + "hasMatch", match)
            add(match, str(RDF.type), ox.NamedNode(_C + "ItemMatch"))
            add(match, str(PROV.wasAttributedTo), ox.NamedNode(expert_iri(m.expert)))
            add(match, _C + "proposedCode", ox.Literal(m.code))
            add(match, _C + "matchReason", ox.Literal(m.reason, language="en"))
            add(match, _C + "matchReason", ox.Literal(m.reason_zh, language="zh"))
        for c in item.conflicts:
            conflict = ox.NamedNode(f"{iri.value}/conflict/{segment(c.field)}")
            add(iri, _C + "hasConflict", conflict)
            add(conflict, str(RDF.type), ox.NamedNode(_C + "ItemConflict"))
            add(conflict, _C + "conflictField", ox.Literal(c.field))
            for value, _ in c.options:
                add(conflict, _C + "option", ox.Literal(value))
            add(conflict, _C + "chosenValue", ox.Literal(c.chosen))
            if c.resolution is not None:
                add(conflict, _C + "resolutionReason", ox.Literal(c.resolution.reason))
                add(conflict, str(PROV.wasAttributedTo), ox.NamedNode(expert_iri(c.resolution.by)))
    return out
