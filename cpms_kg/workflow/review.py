"""From proposals to a reviewed standard: the consensus draft, the lead's resolutions, and item-by-item votes.

The draft is never stored as the source of truth: it is recomputed from the stored proposals (the merge is
deterministic) with the lead's recorded resolutions applied, and written to
`{base}graph/private/group/{g}/draft` as linked data for reading. Votes are ballots per expert and review
round (`.../votes/{round}/{expert}`), so an expert may change a vote until the vote closes.

Decision rule (configurable per group, default 2/3 and 2/3): an item is decided when at least `quorum`
of the members have voted on it (abstentions count as voting); it is adopted when approvals are at least
`threshold` of the votes cast. Rejected items leave the draft; the tally is kept with the decisions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from fractions import Fraction
from math import ceil

import pyoxigraph as ox

from cpms_kg.errors import BadInput, Forbidden, NotFound, Problem, RuleBreach
from cpms_kg.iris import graph_path, last_segment, segment
from cpms_kg.namespaces import DCTERMS, PROV, QUDT, RDF, RDFS, SKOS
from cpms_kg.standards import service
from cpms_kg.standards.model import Standard, StandardInfo, Status
from cpms_kg.standards.rdf_terms import C
from cpms_kg.store.base import Store
from cpms_kg.terms import n, now, typed, value
from cpms_kg.workflow import groups, merge, proposals, records
from cpms_kg.workflow.groups import Group, Phase
from cpms_kg.workflow.merge import Draft, ItemKind, Resolution

KINDS: tuple[ItemKind, ...] = ("category", "attribute", "codelist", "requirement")


class Choice(Enum):
    APPROVE = "approve"
    REJECT = "reject"
    ABSTAIN = "abstain"

    @property
    def iri(self) -> str:
        return C + self.value.capitalize()


@dataclass(frozen=True)
class Tally:
    kind: ItemKind
    key: str
    approve: int
    reject: int
    abstain: int
    members: int
    quorum: Fraction
    threshold: Fraction

    @property
    def voted(self) -> int:
        return self.approve + self.reject + self.abstain

    @property
    def quorum_met(self) -> bool:
        return self.voted >= ceil(self.quorum * self.members)

    @property
    def adopted(self) -> bool:
        return self.quorum_met and self.approve >= self.threshold * self.voted

    @property
    def outcome(self) -> str:
        return "undecided" if not self.quorum_met else "adopted" if self.adopted else "rejected"


def _graph(base: str, group_id: str, *parts: str) -> str:
    return base + graph_path("private", "group", group_id, *parts)


def draft_iri(base: str, group_id: str) -> str:
    return groups.group_iri(base, group_id) + "/draft"


def item_iri(base: str, group_id: str, kind: str, key: str) -> str:
    return f"{draft_iri(base, group_id)}/item/{kind}/{segment(key)}"


def _unit_kinds(store: Store) -> dict[str, str]:
    rows = store.select(
        f"""SELECT ?code (MIN(STR(?kind)) AS ?k) WHERE {{
              ?u <{SKOS}inScheme> <{store.base_iri}classification/units> ; <{SKOS}notation> ?code ;
                 <{QUDT}hasQuantityKind> ?kind }} GROUP BY ?code"""
    )
    return {value(r["code"]): value(r["k"]) for r in rows}


def _info(group: Group, submitted: list[tuple[str, Standard]]) -> StandardInfo:
    """The draft's metadata: the lead's proposal's, else the first expert's, under the group's id and version."""
    chosen = next((s for e, s in submitted if e == group.lead), submitted[0][1])
    return replace(
        chosen.info, id=group.standard_id, version=group.version, status=Status.CONSENSUS, expert_group=group.id
    )


def _resolutions(store: Store, group: Group) -> list[tuple[ItemKind, str, Resolution]]:
    data = records.read(store, _graph(store.base_iri, group.id, "resolutions"))
    found = []
    for node in sorted(data, key=lambda s: data.first(s, str(DCTERMS.created)) or ""):
        kind = data.first(node, C + "itemKind")
        if kind not in KINDS:
            continue
        resolution = Resolution(
            field=data.first(node, C + "conflictField") or "",
            value=data.first(node, C + "chosenValue") or "",
            reason=data.first(node, C + "resolutionReason") or "",
            by=last_segment(data.first(node, str(PROV.wasAssociatedWith)) or ""),
        )
        found.append((kind, data.first(node, C + "itemKey") or "", resolution))
    return found


def draft(store: Store, group: Group) -> Draft:
    submitted = proposals.load_all(store, group)
    if not submitted:
        raise NotFound(f"group {group.id} has no proposals yet", message_zh=f"专家组 {group.id} 尚无提案")
    merged = merge.merge(submitted, _info(group, submitted), unit_kinds=_unit_kinds(store))
    return merge.apply_resolutions(merged, _resolutions(store, group))


def _write_draft(store: Store, group: Group, current: Draft) -> None:
    base = store.base_iri
    triples = merge.draft_triples(
        current,
        draft_iri(base, group.id),
        proposal_iri=lambda expert: proposals.proposal_iri(base, group.id, expert),
        expert_iri=lambda expert: groups.expert_iri(base, expert),
    )
    records.replace(store, _graph(base, group.id, "draft"), triples, name="draft")


def close_seminar(store: Store, group_id: str) -> Draft:
    """Ends the proposal phase: every member has proposed, the group is large enough; the draft is merged."""
    group = groups.load(store, group_id)
    groups.require_phase(group, Phase.PROPOSALS)
    groups.check_size(group)
    absent = proposals.missing(store, group)
    if absent:
        raise RuleBreach(
            f"{len(absent)} member(s) of group {group_id} have not submitted a proposal: {', '.join(absent)}",
            message_zh=f"专家组 {group_id} 有 {len(absent)} 名成员尚未提交提案：{'、'.join(absent)}",
        )
    current = draft(store, group)
    _write_draft(store, groups.with_phase(store, group, Phase.DRAFT), current)
    return current


def resolve(
    store: Store, group_id: str, kind: ItemKind, key: str, field: str, chosen: str, *, reason: str, by: str
) -> Draft:
    group = groups.load(store, group_id)
    groups.require_phase(group, Phase.DRAFT)
    current = merge.resolve(draft(store, group), kind, key, field, chosen, reason=reason, by=by)
    node = n(f"{item_iri(store.base_iri, group_id, kind, key)}/resolution/{segment(field)}/{_stamp()}")
    records.append(
        store,
        _graph(store.base_iri, group_id, "resolutions"),
        [
            ox.Triple(node, n(str(RDF.type)), n(C + "ConflictResolution")),
            ox.Triple(node, n(C + "itemKind"), ox.Literal(kind)),
            ox.Triple(node, n(C + "itemKey"), ox.Literal(key)),
            ox.Triple(node, n(C + "conflictField"), ox.Literal(field)),
            ox.Triple(node, n(C + "chosenValue"), ox.Literal(chosen)),
            ox.Triple(node, n(C + "resolutionReason"), ox.Literal(reason)),
            ox.Triple(node, n(str(PROV.wasAssociatedWith)), n(groups.expert_iri(store.base_iri, by))),
            ox.Triple(node, n(str(DCTERMS.created)), now()),
        ],
        name="resolution",
    )
    _write_draft(store, group, current)
    return current


def _stamp() -> str:
    return value(now()).replace(":", "").replace("-", "")


def open_vote(store: Store, group_id: str) -> Draft:
    group = groups.load(store, group_id)
    groups.require_phase(group, Phase.DRAFT)
    current = draft(store, group)
    if current.open_conflicts:
        problems = [
            Problem(
                f"{item.kind} {item.key}: {conflict.field} is in conflict ({len(conflict.options)} options)",
                message_zh=f"{item.kind} {item.key}：{conflict.field} 存在冲突（{len(conflict.options)} 个选项）",
            )
            for item, conflict in current.open_conflicts
        ]
        raise RuleBreach(
            f"resolve the {len(problems)} open conflict(s) before the vote",
            message_zh=f"投票前须先处理 {len(problems)} 个未决冲突",
            problems=problems,
        )
    groups.with_phase(store, group, Phase.VOTING)
    return current


def _votes_graph(base: str, group: Group, expert: str) -> str:
    return _graph(base, group.id, "votes", str(group.round), expert)


def vote(
    store: Store, group_id: str, expert: str, ballot: list[tuple[ItemKind, str, Choice, str]]
) -> list[tuple[ItemKind, str, Choice]]:
    """Records an expert's votes (kind, key, choice, comment); a later vote on the same item replaces theirs."""
    base = store.base_iri
    group = groups.load(store, group_id)
    if group.member(expert) is None:
        raise Forbidden(
            f"{expert} is not a member of expert group {group_id} and cannot vote in it",
            message_zh=f"{expert} 不是专家组 {group_id} 的成员，不能在该组投票",
        )
    groups.require_phase(group, Phase.VOTING)
    current = draft(store, group)
    unknown = [f"{kind} {key}" for kind, key, _c, _t in ballot if current.item(kind, key) is None]
    if unknown:
        raise NotFound(
            f"not items of the draft: {', '.join(unknown)}", message_zh=f"以下条目不在草案中：{'、'.join(unknown)}"
        )
    graph = _votes_graph(base, group, expert)
    kept = {(k, key): (c, t) for k, key, c, t in _ballot(store, graph)}
    for kind, key, choice, comment in ballot:
        kept[(kind, key)] = (choice, comment)
    triples: list[ox.Triple] = []
    for (kind, key), (choice, comment) in sorted(kept.items(), key=lambda kv: kv[0]):
        node = n(f"{item_iri(base, group_id, kind, key)}/vote/{group.round}/{segment(expert)}")
        triples += [
            ox.Triple(node, n(str(RDF.type)), n(C + "Vote")),
            ox.Triple(node, n(C + "votedOn"), n(item_iri(base, group_id, kind, key))),
            ox.Triple(node, n(C + "itemKind"), ox.Literal(kind)),
            ox.Triple(node, n(C + "itemKey"), ox.Literal(key)),
            ox.Triple(node, n(C + "voteChoice"), n(choice.iri)),
            ox.Triple(node, n(C + "reviewRound"), typed(str(group.round), "integer")),
            ox.Triple(node, n(str(PROV.wasAssociatedWith)), n(groups.expert_iri(base, expert))),
            ox.Triple(node, n(str(DCTERMS.modified)), now()),
        ]
        if comment:
            triples.append(ox.Triple(node, n(str(RDFS.comment)), ox.Literal(comment)))
    records.replace(store, graph, triples, name=f"votes of {expert}")
    return [(k, key, c) for (k, key), (c, _t) in sorted(kept.items(), key=lambda kv: kv[0])]


def _ballot(store: Store, graph: str) -> list[tuple[ItemKind, str, Choice, str]]:
    data = records.read(store, graph)
    by_iri = {c.iri: c for c in Choice}
    out = []
    for node in sorted(data):
        kind, choice = data.first(node, C + "itemKind"), by_iri.get(data.first(node, C + "voteChoice") or "")
        if kind in KINDS and choice is not None:
            out.append((kind, data.first(node, C + "itemKey") or "", choice, data.first(node, str(RDFS.comment)) or ""))
    return out


def ballot(store: Store, group: Group, expert: str) -> dict[tuple[str, str], tuple[Choice, str]]:
    """An expert's votes in the current round: (item kind, item key) -> (choice, comment)."""
    return {
        (kind, key): (choice, comment)
        for kind, key, choice, comment in _ballot(store, _votes_graph(store.base_iri, group, expert))
    }


def tally(store: Store, group_id: str) -> tuple[Group, Draft, list[Tally]]:
    group = groups.load(store, group_id)
    current = draft(store, group)
    counts: dict[tuple[str, str], dict[Choice, int]] = {}
    for member in group.members:
        for kind, key, choice, _comment in _ballot(store, _votes_graph(store.base_iri, group, member.account)):
            counts.setdefault((kind, key), dict.fromkeys(Choice, 0))[choice] += 1
    rows = []
    for item in current.items:
        c = counts.get((item.kind, item.key), dict.fromkeys(Choice, 0))
        rows.append(
            Tally(
                item.kind,
                item.key,
                c[Choice.APPROVE],
                c[Choice.REJECT],
                c[Choice.ABSTAIN],
                len(group.members),
                group.quorum,
                group.threshold,
            )
        )
    return group, current, rows


def close_vote(store: Store, group_id: str) -> Standard:
    """Decides every item; adopted items make the version, which goes to the regional reviewer."""
    group, current, rows = tally(store, group_id)
    groups.require_phase(group, Phase.VOTING)
    undecided = [t for t in rows if not t.quorum_met]
    if undecided:
        raise RuleBreach(
            f"{len(undecided)} item(s) lack the quorum ({group.quorum} of {len(group.members)} members)",
            message_zh=f"{len(undecided)} 个条目未达到法定投票人数（{len(group.members)} 名成员的 {group.quorum}）",
            problems=[
                Problem(f"{t.kind} {t.key}: {t.voted} vote(s)", message_zh=f"{t.kind} {t.key}：{t.voted} 票")
                for t in undecided
            ],
        )
    adopted = {(t.kind, t.key) for t in rows if t.adopted}
    standard = merge.to_standard(current, keep=lambda item: (item.kind, item.key) in adopted)
    if not standard.categories:
        raise RuleBreach(
            "every category was rejected; there is no standard to review",
            message_zh="所有类目均被否决，没有可供审核的标准",
        )
    _record_decisions(store, group, rows)
    service.save(store, replace(standard, info=replace(standard.info, status=Status.CONSENSUS)), name=group_id)
    service.set_status(store, f"{standard.info.id}@{standard.info.version}", Status.UNDER_REVIEW)
    groups.with_phase(store, group, Phase.REGIONAL_REVIEW)
    return standard


def _record_decisions(store: Store, group: Group, rows: list[Tally]) -> None:
    base = store.base_iri
    outcome = {"adopted": C + "Adopted", "rejected": C + "NotAdopted"}
    triples: list[ox.Triple] = []
    for t in rows:
        node = n(f"{item_iri(base, group.id, t.kind, t.key)}/decision/{group.round}")
        triples += [
            ox.Triple(node, n(str(RDF.type)), n(C + "Decision")),
            ox.Triple(node, n(C + "decisionOn"), n(item_iri(base, group.id, t.kind, t.key))),
            ox.Triple(node, n(C + "decisionOutcome"), n(outcome[t.outcome])),
            ox.Triple(node, n(C + "reviewRound"), typed(str(group.round), "integer")),
            ox.Triple(node, n(C + "approveCount"), typed(str(t.approve), "integer")),
            ox.Triple(node, n(C + "rejectCount"), typed(str(t.reject), "integer")),
            ox.Triple(node, n(C + "abstainCount"), typed(str(t.abstain), "integer")),
            ox.Triple(node, n(str(PROV.endedAtTime)), now()),
        ]
    records.replace(store, _graph(base, group.id, "decisions", str(group.round)), triples, name="decisions")


def tally_json(group: Group, current: Draft, rows: list[Tally]) -> dict[str, object]:
    return {
        "group": group.id,
        "phase": group.phase.value,
        "round": group.round,
        "members": len(group.members),
        "rule": {"quorum": str(group.quorum), "threshold": str(group.threshold)},
        "items": [
            {
                "kind": t.kind,
                "key": t.key,
                "approve": t.approve,
                "reject": t.reject,
                "abstain": t.abstain,
                "voted": t.voted,
                "quorum_met": t.quorum_met,
                "outcome": t.outcome,
            }
            for t in rows
        ],
        "summary": {o: sum(1 for t in rows if t.outcome == o) for o in ("adopted", "rejected", "undecided")},
    }


def parse_choice(text: str) -> Choice:
    try:
        return Choice(text)
    except ValueError:
        raise BadInput(
            f"unknown vote {text!r}; one of approve, reject, abstain",
            message_zh=f"未知的投票选项 {text!r}；可选 approve、reject、abstain",
        ) from None
