"""Change requests during a pilot (filed 备案 or needing approval 审批, see change_rules.py) and the acceptance
review (验收). A filed or approved delay moves the pilot's end (prov:endedAtTime) by its months.

The acceptance review comes after the (possibly extended) period end and at most 6 months after it
(or until the rectification deadline of an earlier "rectify" review, when later); "passed" needs the
readiness report to be ready; "rectify" needs a deadline; passed or failed concludes the pilot.

RDF, in the pilot's graph:
    <{pilot}/change/{n}> a cpms:ChangeRequest , cpms:FiledChange|cpms:ApprovalChange ; cpms:forPilot <pilot> ;
        dcterms:identifier "{n}" ; cpms:changeType cpms:Extension (+ cpms:TargetChange when at risk) ;
        cpms:extensionMonths 13 ; dcterms:description "reason" ; dcterms:created now ;
        cpms:changeStatus cpms:ChangeFiled|ChangePending|ChangeApproved|ChangeRejected ;
        cpms:decisionComment "…" ; dcterms:modified (decision time) .
    <{pilot}/acceptance/{n}> a cpms:AcceptanceReview ; cpms:forPilot <pilot> ; dcterms:identifier "{n}" ;
        cpms:acceptanceOutcome cpms:Passed|Rectify|Failed ; dcterms:date "…"^^xsd:date ;
        cpms:rectificationDeadline "…"^^xsd:date ; dcterms:description "comment" .
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

import pyoxigraph as ox

from cpms_kg.errors import Conflict, NotFound, Problem, RuleBreach
from cpms_kg.namespaces import CPMS, DCTERMS, PROV, RDF
from cpms_kg.store.base import Store
from cpms_kg.terms import day, n, now, typed, value
from cpms_kg.workflow.change_rules import ChangeKind, classify
from cpms_kg.workflow.pilots import (
    WRITE_LOCK,
    by_subject,
    end_time,
    first,
    parse,
    pilot_data,
    pilot_iri,
    write_graph,
)
from cpms_kg.workflow.targets import readiness

_C = str(CPMS)
ACCEPTANCE_WINDOW_MONTHS = 6


class ChangeStatus(Enum):
    FILED = "filed"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def iri(self) -> str:
        return _C + "Change" + self.value.capitalize()


class Outcome(Enum):
    PASSED = "passed"
    RECTIFY = "rectify"
    FAILED = "failed"

    @property
    def iri(self) -> str:
        return _C + self.value.capitalize()


@dataclass(frozen=True)
class Change:
    number: int
    iri: str
    kind: ChangeKind
    at_risk: bool
    approval: bool
    status: ChangeStatus
    months: int | None
    reason: str
    created: str
    comment: str | None = None
    decided: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "iri": self.iri,
            "kind": self.kind.value,
            "affects_targets": self.at_risk,
            "procedure": "approval" if self.approval else "filing",
            "procedure_zh": "审批" if self.approval else "备案",
            "status": self.status.value,
            "months": self.months,
            "reason": self.reason,
            "created": self.created,
            "comment": self.comment,
            "decided": self.decided,
        }


@dataclass(frozen=True)
class Review:
    number: int
    iri: str
    outcome: Outcome
    on: date
    deadline: date | None
    comment: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "iri": self.iri,
            "outcome": self.outcome.value,
            "date": self.on.isoformat(),
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "comment": self.comment,
        }


def add_months(d: date, months: int) -> date:
    years, month = divmod(d.month - 1 + months, 12)
    year = d.year + years
    return date(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1]))


def _date(text: str) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def parse_changes(triples: list[ox.Triple]) -> list[Change]:
    kinds = {k.iri: k for k in ChangeKind}
    statuses = {s.iri: s for s in ChangeStatus}
    out = []
    for iri, r in by_subject(triples).items():
        if n(_C + "ChangeRequest") not in r.get(str(RDF.type), []):
            continue
        types = [kinds[value(t)] for t in r.get(_C + "changeType", []) if value(t) in kinds]
        kind = next((k for k in types if k is not ChangeKind.TARGET), ChangeKind.TARGET)
        months = first(r, _C + "extensionMonths")
        out.append(
            Change(
                number=int(first(r, str(DCTERMS.identifier))),
                iri=iri,
                kind=kind,
                at_risk=ChangeKind.TARGET in types,
                approval=n(_C + "ApprovalChange") in r.get(str(RDF.type), []),
                status=statuses[first(r, _C + "changeStatus")],
                months=int(months) if months else None,
                reason=first(r, str(DCTERMS.description)),
                created=first(r, str(DCTERMS.created)),
                comment=first(r, _C + "decisionComment") or None,
                decided=first(r, str(DCTERMS.modified)) or None,
            )
        )
    return sorted(out, key=lambda c: c.number)


def parse_reviews(triples: list[ox.Triple]) -> list[Review]:
    outcomes = {o.iri: o for o in Outcome}
    out = []
    for iri, r in by_subject(triples).items():
        if n(_C + "AcceptanceReview") not in r.get(str(RDF.type), []):
            continue
        on = _date(first(r, str(DCTERMS.date)))
        assert on is not None  # written with every review
        out.append(
            Review(
                number=int(first(r, str(DCTERMS.identifier))),
                iri=iri,
                outcome=outcomes[first(r, _C + "acceptanceOutcome")],
                on=on,
                deadline=_date(first(r, _C + "rectificationDeadline")),
                comment=first(r, str(DCTERMS.description)) or None,
            )
        )
    return sorted(out, key=lambda v: v.number)


def changes(store: Store, pilot_id: str) -> list[Change]:
    return parse_changes(pilot_data(store, pilot_id))


def reviews(store: Store, pilot_id: str) -> list[Review]:
    return parse_reviews(pilot_data(store, pilot_id))


def _extended(store: Store, pilot_id: str, triples: list[ox.Triple], months: int) -> list[ox.Triple]:
    """The pilot's triples with its end moved `months` later."""
    end = parse(store.base_iri, pilot_id, triples).end
    node, ended = n(pilot_iri(store.base_iri, pilot_id)), n(str(PROV.endedAtTime))
    kept = [t for t in triples if not (t.subject == node and t.predicate == ended)]
    return [*kept, ox.Triple(node, ended, end_time(add_months(end, months)))]


def _concluded(triples: list[ox.Triple]) -> Review | None:
    return next((r for r in parse_reviews(triples) if r.outcome is not Outcome.RECTIFY), None)


def request_change(
    store: Store, pilot_id: str, kind: ChangeKind, *, reason: str, months: int | None = None, at_risk: bool = False
) -> Change:
    """Records a change request, classified as filing (accepted now) or approval (pending)."""
    if not reason.strip():
        raise RuleBreach("give the reason for the change", message_zh="请说明变更理由")
    with WRITE_LOCK:
        triples = pilot_data(store, pilot_id)
        if (done := _concluded(triples)) is not None:
            raise Conflict(
                f"pilot {pilot_id} was concluded ({done.outcome.value}); no more changes",
                message_zh=f"试点 {pilot_id} 已结束验收，不能再变更",
            )
        earlier = parse_changes(triples)
        asked = sum(c.months or 0 for c in earlier if c.status is not ChangeStatus.REJECTED)
        found = classify(kind, months=months, at_risk=at_risk, earlier_months=asked)
        number = len(earlier) + 1
        node = n(f"{pilot_iri(store.base_iri, pilot_id)}/change/{number}")
        status = ChangeStatus.PENDING if found.approval else ChangeStatus.FILED
        new = [
            ox.Triple(node, n(str(RDF.type)), n(_C + "ChangeRequest")),
            ox.Triple(node, n(str(RDF.type)), n(_C + ("ApprovalChange" if found.approval else "FiledChange"))),
            ox.Triple(node, n(_C + "forPilot"), n(pilot_iri(store.base_iri, pilot_id))),
            ox.Triple(node, n(str(DCTERMS.identifier)), ox.Literal(str(number))),
            ox.Triple(node, n(_C + "changeType"), n(kind.iri)),
            ox.Triple(node, n(str(DCTERMS.description)), ox.Literal(reason.strip())),
            ox.Triple(node, n(str(DCTERMS.created)), now()),
            ox.Triple(node, n(_C + "changeStatus"), n(status.iri)),
        ]
        if at_risk:
            new.append(ox.Triple(node, n(_C + "changeType"), n(ChangeKind.TARGET.iri)))
        if months is not None:
            new.append(ox.Triple(node, n(_C + "extensionMonths"), typed(str(months), "nonNegativeInteger")))
        if months is not None and not found.approval:
            write_graph(store, pilot_id, _extended(store, pilot_id, triples, months) + new, replace=True)
        else:
            write_graph(store, pilot_id, new, replace=False)
    return next(c for c in changes(store, pilot_id) if c.number == number)


def decide(store: Store, pilot_id: str, number: int, *, approve: bool, comment: str) -> Change:
    """An admin's decision on a change pending approval; an approved delay moves the pilot's end."""
    if not comment.strip():
        raise RuleBreach("a decision needs a comment", message_zh="审批决定须附意见")
    with WRITE_LOCK:
        triples = pilot_data(store, pilot_id)
        change = next((c for c in parse_changes(triples) if c.number == number), None)
        if change is None:
            raise NotFound(
                f"pilot {pilot_id} has no change request {number}",
                message_zh=f"试点 {pilot_id} 没有第 {number} 号变更申请",
            )
        if change.status is not ChangeStatus.PENDING:
            raise Conflict(
                f"change request {number} is {change.status.value}, not pending approval",
                message_zh=f"第 {number} 号变更申请不在待审批状态（{change.status.value}）",
            )
        node, status = n(change.iri), ChangeStatus.APPROVED if approve else ChangeStatus.REJECTED
        kept = [t for t in triples if not (t.subject == node and t.predicate.value == _C + "changeStatus")]
        if approve and change.months is not None:
            kept = _extended(store, pilot_id, kept, change.months)
        kept += [
            ox.Triple(node, n(_C + "changeStatus"), n(status.iri)),
            ox.Triple(node, n(_C + "decisionComment"), ox.Literal(comment.strip())),
            ox.Triple(node, n(str(DCTERMS.modified)), now()),
        ]
        write_graph(store, pilot_id, kept, replace=True)
    return next(c for c in changes(store, pilot_id) if c.number == number)


def record_acceptance(
    store: Store,
    pilot_id: str,
    outcome: Outcome,
    *,
    deadline: date | None = None,
    comment: str | None = None,
    on: date | None = None,
) -> Review:
    """Records the acceptance review held on `on` (default today), inside the window after the period."""
    today = date.today()
    on = on or today
    if on > today:
        raise RuleBreach(f"the review date {on} is in the future", message_zh=f"验收日期 {on} 晚于今天")
    if (outcome is Outcome.RECTIFY) != (deadline is not None):
        raise RuleBreach(
            "a rectify outcome needs a deadline, and only a rectify outcome has one",
            message_zh="限期整改须给出整改期限，其他结论不得给出期限",
        )
    if deadline is not None and deadline <= on:
        raise RuleBreach(
            f"the rectification deadline {deadline} must come after the review ({on})",
            message_zh=f"整改期限 {deadline} 须晚于验收日期 {on}",
        )
    with WRITE_LOCK:
        triples = pilot_data(store, pilot_id)
        end = parse(store.base_iri, pilot_id, triples).end
        if (done := _concluded(triples)) is not None:
            raise Conflict(
                f"pilot {pilot_id} was already concluded ({done.outcome.value}, {done.on})",
                message_zh=f"试点 {pilot_id} 已有验收结论（{done.outcome.value}，{done.on}）",
            )
        earlier = parse_reviews(triples)
        close = max([add_months(end, ACCEPTANCE_WINDOW_MONTHS), *(r.deadline for r in earlier if r.deadline)])
        if on <= end:
            raise RuleBreach(
                f"the pilot period ends on {end}; acceptance comes after it",
                message_zh=f"试点期至 {end} 结束，验收须在期满之后",
            )
        if on > close:
            raise RuleBreach(
                f"acceptance must be recorded within 6 months after the pilot period (ended {end}), by {close}",
                message_zh=f"验收须在试点期满（{end}）后 6 个月内完成，即不晚于 {close}",
            )
        if outcome is Outcome.PASSED:
            report = readiness(store, pilot_id, on=on)
            if not report.ready:
                unmet = [c for c in report.criteria if not c.met]
                raise RuleBreach(
                    "the pilot cannot pass: the acceptance-readiness report is not ready",
                    message_zh="试点尚不具备验收条件，不能验收通过",
                    problems=[
                        Problem(f"{c.label.en}: {c.value}", column=c.code, message_zh=f"{c.label.zh}：{c.value}")
                        for c in unmet
                    ],
                )
        number = len(earlier) + 1
        node = n(f"{pilot_iri(store.base_iri, pilot_id)}/acceptance/{number}")
        new = [
            ox.Triple(node, n(str(RDF.type)), n(_C + "AcceptanceReview")),
            ox.Triple(node, n(_C + "forPilot"), n(pilot_iri(store.base_iri, pilot_id))),
            ox.Triple(node, n(str(DCTERMS.identifier)), ox.Literal(str(number))),
            ox.Triple(node, n(_C + "acceptanceOutcome"), n(outcome.iri)),
            ox.Triple(node, n(str(DCTERMS.date)), day(on)),
        ]
        if deadline is not None:
            new.append(ox.Triple(node, n(_C + "rectificationDeadline"), day(deadline)))
        if comment and comment.strip():
            new.append(ox.Triple(node, n(str(DCTERMS.description)), ox.Literal(comment.strip())))
        write_graph(store, pilot_id, new, replace=False)
    return next(r for r in reviews(store, pilot_id) if r.number == number)
