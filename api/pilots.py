"""Pilot REST routes: pilots, firms, scenarios, live targets, acceptance readiness, changes, acceptance.

Pilot data is private: every route needs a bearer token of a pilot authority (county bureau) or an
admin (provincial bureau); deciding on changes and recording acceptance are for admins only. A body
that does not fit its model is answered 400 like anywhere in the API; a rule of the pilot guide that
the input breaks, 422; every write is audited.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from cpms_kg import paging
from cpms_kg.accounts import Role, User
from cpms_kg.store.base import Store
from cpms_kg.workflow import audit, changes, pilots, targets

from .deps import SettingsDep, StoreDep, require_role
from .paging import DEFAULT_LIMIT, Limit, Offset

_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"

router = APIRouter(prefix="/api/pilots", tags=["pilots"])


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NamesBody(_Body):
    zh: str = Field(min_length=1, max_length=200)
    en: str = Field(min_length=1, max_length=200)


class ScenarioBody(_Body):
    id: str = Field(pattern=_ID)
    name: NamesBody
    firms: list[str] = Field(default_factory=list, description="pilot firms carrying out the scenario")

    def input(self) -> pilots.ScenarioInput:
        return pilots.ScenarioInput(self.id, pilots.Names(self.name.zh, self.name.en), tuple(self.firms))


class PilotBody(_Body):
    id: str = Field(pattern=_ID)
    county: str = Field(description="six-digit GB/T 2260 county code", examples=["330782"])
    industry: str = Field(description="industry concept IRI, or scheme:code", examples=["cpc21:4331"])
    year: int = Field(ge=1990, le=2100)
    industry_output: Decimal = Field(ge=0, description="local output of the industry in yuan")
    mountain_or_island: bool = False
    start: dt.date
    end: dt.date = Field(description="the last day of the pilot")
    expert_group: str = Field(pattern=_ID)
    standard: str = Field(pattern=_ID)
    firms: list[str] = Field(default_factory=list)
    scenarios: list[ScenarioBody] = Field(default_factory=list)


class FirmsBody(_Body):
    firms: list[str] = Field(min_length=1)


class ScenariosBody(_Body):
    scenarios: list[ScenarioBody] = Field(min_length=1)


class ChangeBody(_Body):
    kind: Literal["scope", "expert-list", "scenario", "extension", "target"]
    months: int | None = Field(default=None, ge=1, le=120, description="extensions only")
    affects_targets: bool = Field(default=False, description="the change puts the targets at risk")
    reason: str = Field(min_length=1, max_length=4000)


class DecisionBody(_Body):
    decision: Literal["approve", "reject"]
    comment: str = Field(min_length=1, max_length=4000)


class AcceptanceBody(_Body):
    outcome: Literal["passed", "rectify", "failed"]
    deadline: dt.date | None = Field(default=None, description="rectification deadline (rectify only)")
    date: dt.date | None = Field(default=None, description="the review date (default today)")
    comment: str | None = Field(default=None, max_length=4000)


def _authority(request: Request, settings: SettingsDep) -> tuple[User, Role]:
    """The caller and the role they act in; checked before the body, so a stranger learns nothing from it."""
    user = require_role(request, settings, Role.PILOT_AUTHORITY)
    return user, Role.PILOT_AUTHORITY if Role.PILOT_AUTHORITY in user.roles else Role.ADMIN


def _admin(request: Request, settings: SettingsDep) -> User:
    return require_role(request, settings)


Authority = Annotated[tuple[User, Role], Depends(_authority)]
Admin = Annotated[User, Depends(_admin)]


def _full(store: Store, pilot_id: str) -> dict[str, Any]:
    pilot = pilots.read(store, pilot_id)
    return {
        **pilot.as_json(),
        "changes": [c.as_json() for c in changes.changes(store, pilot_id)],
        "acceptance": [r.as_json() for r in changes.reviews(store, pilot_id)],
    }


@router.post("", status_code=201, summary="Apply for a pilot: checked against the guide's eligibility rules")
def create(body: PilotBody, store: StoreDep, who: Authority) -> dict[str, Any]:
    user, role = who
    pilot = pilots.create(
        store,
        pilots.PilotInput(
            id=body.id,
            county=body.county,
            industry=body.industry,
            year=body.year,
            output=body.industry_output,
            mountain_or_island=body.mountain_or_island,
            start=body.start,
            end=body.end,
            expert_group=body.expert_group,
            standard=body.standard,
            firms=tuple(body.firms),
            scenarios=tuple(s.input() for s in body.scenarios),
        ),
    )
    audit.record(store, user, "pilot.create", pilot.iri, after=f"county={pilot.county} year={pilot.year}", role=role)
    return _full(store, pilot.id)


@router.get("", summary="All pilots, paged by id")
def listing(store: StoreDep, who: Authority, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0) -> dict[str, Any]:
    found = paging.page(pilots.pilot_ids(store), limit=limit, offset=offset)  # ids only: read just this page
    return {"pilots": [pilots.read(store, p).as_json() for p in found.items], **found.meta()}


@router.get("/{pilot_id}", summary="One pilot with its change requests and acceptance reviews")
def one(pilot_id: str, store: StoreDep, who: Authority) -> dict[str, Any]:
    return _full(store, pilot_id)


@router.post("/{pilot_id}/firms", summary="Add pilot firms")
def add_firms(pilot_id: str, body: FirmsBody, store: StoreDep, who: Authority) -> Any:
    user, role = who
    before = len(pilots.read(store, pilot_id).firms)
    pilot, added = pilots.add_firms(store, pilot_id, body.firms)
    after = f"firms={len(pilot.firms)}"
    audit.record(store, user, "pilot.firms.add", pilot.iri, before=f"firms={before}", after=after, role=role)
    return {**pilot.as_json(), "added": added}


@router.post("/{pilot_id}/scenarios", summary="Add application scenarios (their firms must be pilot firms)")
def add_scenarios(pilot_id: str, body: ScenariosBody, store: StoreDep, who: Authority) -> Any:
    user, role = who
    before = len(pilots.read(store, pilot_id).scenarios)
    pilot = pilots.add_scenarios(store, pilot_id, [s.input() for s in body.scenarios])
    after = f"scenarios={len(pilot.scenarios)}"
    audit.record(store, user, "pilot.scenarios.add", pilot.iri, before=f"scenarios={before}", after=after, role=role)
    return pilot.as_json()


@router.get("/{pilot_id}/targets", summary="The live target sheet: each metric, its value, guide minimum, evidence")
def target_sheet(pilot_id: str, store: StoreDep, who: Authority) -> dict[str, Any]:
    return targets.target_sheet(store, pilot_id).as_json()


@router.get("/{pilot_id}/acceptance-report", summary="Acceptance readiness: each criterion, its evidence, zh/en text")
def acceptance_report(pilot_id: str, store: StoreDep, who: Authority) -> dict[str, Any]:
    return targets.readiness(store, pilot_id).as_json()


@router.post("/{pilot_id}/changes", status_code=201, summary="Request a change: filed at once or pending approval")
def request_change(pilot_id: str, body: ChangeBody, store: StoreDep, who: Authority) -> Any:
    user, role = who
    change = changes.request_change(
        store,
        pilot_id,
        changes.ChangeKind(body.kind),
        reason=body.reason,
        months=body.months,
        at_risk=body.affects_targets,
    )
    audit.record(store, user, "pilot.change.request", change.iri, after=f"status={change.status.value}", role=role)
    return {**change.as_json(), "pilot": _full(store, pilot_id)}


@router.post("/{pilot_id}/changes/{number}/decision", summary="Approve or reject a change pending approval (admin)")
def decide(pilot_id: str, number: int, body: DecisionBody, store: StoreDep, user: Admin) -> Any:
    change = changes.decide(store, pilot_id, number, approve=body.decision == "approve", comment=body.comment)
    after = f"status={change.status.value}"
    audit.record(store, user, "pilot.change.decide", change.iri, before="status=pending", after=after, role=Role.ADMIN)
    return {**change.as_json(), "pilot": _full(store, pilot_id)}


@router.post("/{pilot_id}/acceptance", status_code=201, summary="Record the acceptance review's outcome (admin)")
def acceptance(pilot_id: str, body: AcceptanceBody, store: StoreDep, user: Admin) -> Any:
    review = changes.record_acceptance(
        store, pilot_id, changes.Outcome(body.outcome), deadline=body.deadline, comment=body.comment, on=body.date
    )
    audit.record(store, user, "pilot.acceptance", review.iri, after=f"outcome={review.outcome.value}", role=Role.ADMIN)
    return review.as_json()
