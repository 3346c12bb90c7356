"""Expert groups: members with their firms, the lead, the phase of the standard's drafting, and the vote rule.

The guide asks for at least 15 experts and at most one per firm. The second rule is checked on every
addition; the first when the seminar closes (a group grows one member at a time). A group's record
lives in `{base}graph/private/group/{id}`; expert `{base}expert/{account}` is `org:memberOf` the group
and `cpms:affiliation` their firm, and the lead is `org:headOf` it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import Enum
from fractions import Fraction
from urllib.parse import unquote

import pyoxigraph as ox

from cpms_kg.accounts import Role, account_iri, find_user
from cpms_kg.errors import Conflict, NotFound, RuleBreach, UsageError
from cpms_kg.iris import firm_iri, graph_path, last_segment, segment
from cpms_kg.namespaces import CPMS, DCTERMS, ORG, RDF, RDFS
from cpms_kg.standards.model import Text
from cpms_kg.store.base import Store
from cpms_kg.terms import n, typed
from cpms_kg.workflow import records

MIN_EXPERTS = 15
_C = str(CPMS)
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class Phase(Enum):
    """Where the group's standard stands; each step of the workflow moves it on."""

    PROPOSALS = "proposals"
    DRAFT = "draft"
    VOTING = "voting"
    REGIONAL_REVIEW = "regional-review"
    APPROVED = "approved"
    PUBLISHED = "published"


@dataclass(frozen=True)
class Member:
    account: str
    firm: str


@dataclass(frozen=True)
class Group:
    id: str
    name: Text
    standard_id: str
    version: str
    lead: str
    members: tuple[Member, ...]
    phase: Phase
    quorum: Fraction
    threshold: Fraction
    round: int

    def member(self, account: str) -> Member | None:
        return next((m for m in self.members if m.account == account), None)


def group_graph(base: str, group_id: str) -> str:
    return base + graph_path("private", "group", group_id)


def group_iri(base: str, group_id: str) -> str:
    return f"{base}group/{segment(group_id)}"


def expert_iri(base: str, account: str) -> str:
    return f"{base}expert/{segment(account)}"


def _fraction(text: str, what: str) -> Fraction:
    try:
        value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        value = Fraction(-1)
    if not 0 < value <= 1:
        raise UsageError(
            f"{what} must be a fraction in (0, 1], such as 2/3: {text!r}",
            message_zh=f"{what} 须为 (0, 1] 之间的分数，如 2/3：{text!r}",
        )
    return value


def _triples(base: str, group: Group) -> list[ox.Triple]:
    node = n(group_iri(base, group.id))
    c = _C
    out = [
        ox.Triple(node, n(str(RDF.type)), n(c + "ExpertGroup")),
        ox.Triple(node, n(str(DCTERMS.identifier)), ox.Literal(group.id)),
        ox.Triple(node, n(str(RDFS.label)), ox.Literal(group.name.zh, language="zh")),
        ox.Triple(node, n(str(RDFS.label)), ox.Literal(group.name.en, language="en")),
        ox.Triple(node, n(c + "draftsStandard"), n(f"{base}standard/{segment(group.standard_id)}")),
        ox.Triple(node, n(c + "draftsVersion"), ox.Literal(group.version)),
        ox.Triple(node, n(c + "phase"), ox.Literal(group.phase.value)),
        ox.Triple(node, n(c + "quorum"), ox.Literal(str(group.quorum))),
        ox.Triple(node, n(c + "approvalThreshold"), ox.Literal(str(group.threshold))),
        ox.Triple(node, n(c + "reviewRound"), typed(str(group.round), "integer")),
        ox.Triple(n(expert_iri(base, group.lead)), n(str(ORG.headOf)), node),
        ox.Triple(n(expert_iri(base, group.lead)), n(c + "account"), n(account_iri(base, group.lead))),
    ]
    for m in group.members:
        expert = n(expert_iri(base, m.account))
        out += [
            ox.Triple(expert, n(str(RDF.type)), n(c + "Expert")),
            ox.Triple(expert, n(str(ORG.memberOf)), node),
            ox.Triple(expert, n(c + "affiliation"), n(firm_iri(base, m.firm))),
            ox.Triple(expert, n(c + "account"), n(account_iri(base, m.account))),
            ox.Triple(expert, n(str(RDFS.label)), ox.Literal(m.account)),
        ]
    return out


def save(store: Store, group: Group) -> None:
    records.replace(store, group_graph(store.base_iri, group.id), _triples(store.base_iri, group), name="group")


def load(store: Store, group_id: str) -> Group:
    base = store.base_iri
    data = records.read(store, group_graph(base, group_id))
    node = group_iri(base, group_id)
    if node not in data:
        raise NotFound(f"no expert group {group_id}", message_zh=f"没有专家组 {group_id}")
    labels = {getattr(o, "language", ""): str(getattr(o, "value", "")) for o in data[node][str(RDFS.label)]}
    members = []
    for expert in data.subjects(str(ORG.memberOf), node):
        account = last_segment(data.first(expert, _C + "account") or "")
        firm = last_segment(data.first(expert, _C + "affiliation") or "")
        members.append(Member(account, firm))
    lead = next(s for s in data.subjects(str(ORG.headOf), node))
    return Group(
        id=group_id,
        name=Text(labels.get("zh", ""), labels.get("en", "")),
        standard_id=last_segment(data.first(node, _C + "draftsStandard") or ""),
        version=data.first(node, _C + "draftsVersion") or "",
        lead=last_segment(data.first(lead, _C + "account") or ""),
        members=tuple(sorted(members, key=lambda m: m.account)),
        phase=Phase(data.first(node, _C + "phase")),
        quorum=Fraction(data.first(node, _C + "quorum") or "2/3"),
        threshold=Fraction(data.first(node, _C + "approvalThreshold") or "2/3"),
        round=int(data.first(node, _C + "reviewRound") or "1"),
    )


def _account_with_role(store: Store, account: str, *roles: Role) -> None:
    user = find_user(store, account)
    if user is None:
        raise NotFound(f"no account {account}", message_zh=f"没有账户 {account}")
    if not any(r in user.roles for r in roles):
        needed = " or ".join(r.value for r in roles)
        raise RuleBreach(
            f"account {account} does not have the role {needed}",
            message_zh=f"账户 {account} 不具备角色 {needed}",
        )


def create(
    store: Store,
    group_id: str,
    *,
    name: Text,
    standard_id: str,
    version: str,
    lead: str,
    quorum: str = "2/3",
    threshold: str = "2/3",
) -> Group:
    if not _ID.fullmatch(group_id):
        raise UsageError(
            f"group id {group_id!r}: letters, digits, '.', '_' or '-', at most 64",
            message_zh=f"专家组标识 {group_id!r} 只能含字母、数字、'.'、'_'、'-'，至多 64 个字符",
        )
    if group_graph(store.base_iri, group_id) in store.named_graphs():
        raise Conflict(f"expert group {group_id} exists", message_zh=f"专家组 {group_id} 已存在")
    _account_with_role(store, lead, Role.EXPERT_LEAD)
    group = Group(
        group_id,
        name,
        standard_id,
        version,
        lead,
        (),
        Phase.PROPOSALS,
        _fraction(quorum, "quorum"),
        _fraction(threshold, "threshold"),
        1,
    )
    save(store, group)
    return group


def add_member(store: Store, group_id: str, account: str, firm: str) -> Group:
    """Adds an expert; a firm already represented in the group is refused (at most one expert per firm)."""
    group = load(store, group_id)
    if group.phase is not Phase.PROPOSALS:
        raise Conflict(
            f"group {group_id} is past its proposal phase ({group.phase.value}); members can no longer be added",
            message_zh=f"专家组 {group_id} 已过提案阶段（{group.phase.value}），不能再增加成员",
        )
    _account_with_role(store, account, Role.EXPERT, Role.EXPERT_LEAD)
    if group.member(account) is not None:
        raise Conflict(
            f"{account} is already a member of group {group_id}", message_zh=f"{account} 已是专家组 {group_id} 的成员"
        )
    same_firm = next((m for m in group.members if m.firm == firm), None)
    if same_firm is not None:
        raise RuleBreach(
            f"firm {firm} already has an expert in group {group_id} ({same_firm.account}); the guide allows at most "
            "one expert per firm",
            message_zh=(
                f"企业 {firm} 在专家组 {group_id} 中已有专家（{same_firm.account}）；指南规定每家企业至多一名专家"
            ),
        )
    updated = replace(group, members=tuple(sorted((*group.members, Member(account, firm)), key=_key)))
    save(store, updated)
    return updated


def _key(member: Member) -> str:
    return member.account


def check_size(group: Group) -> None:
    if len(group.members) < MIN_EXPERTS:
        raise RuleBreach(
            f"group {group.id} has {len(group.members)} experts; the guide requires at least {MIN_EXPERTS}",
            message_zh=f"专家组 {group.id} 仅有 {len(group.members)} 名专家；指南要求不少于 {MIN_EXPERTS} 名",
        )


def with_phase(store: Store, group: Group, phase: Phase, *, round: int | None = None) -> Group:
    updated = replace(group, phase=phase, round=group.round if round is None else round)
    save(store, updated)
    return updated


def require_phase(group: Group, *phases: Phase) -> None:
    if group.phase not in phases:
        wanted = ", ".join(p.value for p in phases)
        raise Conflict(
            f"group {group.id} is in phase {group.phase.value}; this step needs phase {wanted}",
            message_zh=f"专家组 {group.id} 当前处于 {group.phase.value} 阶段；此操作需在 {wanted} 阶段进行",
        )


def list_groups(store: Store) -> list[str]:
    prefix = store.base_iri + graph_path("private", "group") + "/"
    names = (g[len(prefix) :] for g in store.named_graphs() if g.startswith(prefix))
    return sorted(unquote(name) for name in names if "/" not in name)
