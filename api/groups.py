"""Expert groups over REST: members, proposals, the consensus draft, item votes, regional review, publication.

Who may do what: the bureau (admin, pilot authority) sets up a group; its lead adds members, closes the
seminar, resolves conflicts and runs the vote; members submit proposals and vote only in their group; a
regional reviewer approves or returns the reviewed version and publishes it. Every write is audited.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from cpms_kg import paging
from cpms_kg.accounts import Role, User
from cpms_kg.errors import BadInput, Forbidden, UnsupportedMediaType
from cpms_kg.standards import api_view
from cpms_kg.standards.model import Text
from cpms_kg.standards.quality import QualityReport
from cpms_kg.store.base import Store
from cpms_kg.workflow import audit, groups, merge, proposals, publication, review
from cpms_kg.workflow.groups import Group

from .deps import SettingsDep, StoreDep, require_role
from .paging import DEFAULT_LIMIT, Limit, Offset

router = APIRouter(prefix="/api/groups", tags=["workflow"])
_READERS = (Role.PILOT_AUTHORITY, Role.EXPERT, Role.EXPERT_LEAD, Role.REGIONAL_REVIEWER)
Kind = Literal["category", "attribute", "codelist", "requirement"]


class NewGroup(BaseModel):
    id: str
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    standard: str = Field(min_length=1, description="id of the standard the group drafts")
    version: str = Field("1.0", min_length=1)
    lead: str = Field(description="account with the expert-lead role")
    quorum: str = "2/3"
    threshold: str = "2/3"


class NewMember(BaseModel):
    account: str
    firm: str = Field(min_length=1)


class NewResolution(BaseModel):
    kind: Kind
    key: str
    field: str
    value: str
    reason: str = Field(min_length=1)


class Ballot(BaseModel):
    kind: Kind
    key: str
    choice: Literal["approve", "reject", "abstain"]
    comment: str = ""


class Votes(BaseModel):
    votes: list[Ballot] = Field(min_length=1)


class RegionalReview(BaseModel):
    approve: bool
    comment: str = ""


def _group_view(group: Group) -> dict[str, Any]:
    return {
        "id": group.id,
        "name": {"zh": group.name.zh, "en": group.name.en},
        "standard": group.standard_id,
        "version": group.version,
        "lead": group.lead,
        "phase": group.phase.value,
        "round": group.round,
        "rule": {"quorum": str(group.quorum), "threshold": str(group.threshold)},
        "members": [{"account": m.account, "firm": m.firm} for m in group.members],
        "size": {"members": len(group.members), "minimum": groups.MIN_EXPERTS},
    }


def _lead(request: Request, settings: SettingsDep, store: Store, group_id: str) -> tuple[User, Group]:
    user = require_role(request, settings, Role.EXPERT_LEAD)
    group = groups.load(store, group_id)
    if Role.ADMIN not in user.roles and user.name != group.lead:
        raise Forbidden(
            f"only the lead of group {group_id} ({group.lead}) may do this",
            message_zh=f"只有专家组 {group_id} 的组长（{group.lead}）可以执行此操作",
        )
    return user, group


def _audit(store: Store, user: User, action: str, target: str, before: str | None, after: str | None) -> None:
    audit.record(store, user, action, target, before=before, after=after)


def _quality(report: QualityReport) -> dict[str, Any]:
    return {
        "conforms": report.conforms,
        "results": [
            {
                "rule": r.rule,
                "severity": r.severity,
                "focus": r.focus,
                "message": r.message_en,
                "message_zh": r.message_zh,
            }
            for r in report.results
        ],
    }


@router.post("", status_code=201, summary="Set up an expert group for a standard (admin, pilot authority)")
def create_group(body: NewGroup, request: Request, store: StoreDep, settings: SettingsDep) -> dict[str, Any]:
    user = require_role(request, settings, Role.PILOT_AUTHORITY)
    group = groups.create(
        store,
        body.id,
        name=Text(body.name_zh, body.name_en),
        standard_id=body.standard,
        version=body.version,
        lead=body.lead,
        quorum=body.quorum,
        threshold=body.threshold,
    )
    _audit(store, user, "group.create", groups.group_iri(store.base_iri, group.id), None, "phase=proposals")
    return _group_view(group)


@router.get("", summary="Expert groups, paged by id")
def list_groups(
    request: Request, store: StoreDep, settings: SettingsDep, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0
) -> dict[str, Any]:
    require_role(request, settings, *_READERS)
    found = paging.page(groups.list_groups(store), limit=limit, offset=offset)  # ids only: load just this page
    return {"groups": [_group_view(groups.load(store, g)) for g in found.items], **found.meta()}


@router.get("/{group_id}", summary="One expert group: members, phase, vote rule")
def get_group(group_id: str, request: Request, store: StoreDep, settings: SettingsDep) -> dict[str, Any]:
    require_role(request, settings, *_READERS)
    return _group_view(groups.load(store, group_id))


@router.post("/{group_id}/members", status_code=201, summary="Add an expert (at most one per firm)")
def add_member(
    group_id: str, body: NewMember, request: Request, store: StoreDep, settings: SettingsDep
) -> dict[str, Any]:
    try:
        user, _group = _lead(request, settings, store, group_id)
    except Forbidden:
        user = require_role(request, settings, Role.PILOT_AUTHORITY)
    group = groups.add_member(store, group_id, body.account, body.firm)
    target = groups.expert_iri(store.base_iri, body.account)
    _audit(store, user, "group.member.add", target, None, f"group={group_id} firm={body.firm}")
    return _group_view(group)


@router.put("/{group_id}/proposals/{expert}", summary="Submit or revise a proposal (XLSX, CSV .zip, Turtle, JSON-LD)")
async def submit_proposal(
    group_id: str, expert: str, request: Request, store: StoreDep, settings: SettingsDep
) -> dict[str, Any]:
    user = require_role(request, settings, Role.EXPERT, Role.EXPERT_LEAD)
    if user.name != expert and Role.ADMIN not in user.roles:
        raise Forbidden(
            f"account {user.name} may submit only its own proposal, not {expert}'s",
            message_zh=f"账户 {user.name} 只能提交本人的提案，不能代 {expert} 提交",
        )
    filename, data = await _upload(request, settings.max_upload_bytes)
    submitted = await run_in_threadpool(_submit, store, group_id, expert, filename, data)
    action = "proposal.submit" if submitted.revision == 1 else "proposal.revise"
    await run_in_threadpool(
        _audit,
        store,
        user,
        action,
        submitted.iri,
        f"revision={submitted.revision - 1}",
        f"revision={submitted.revision}",
    )
    return {
        "expert": expert,
        "revision": submitted.revision,
        "iri": submitted.iri,
        "counts": api_view.full(submitted.standard, store.base_iri)["counts"],
        "quality": _quality(submitted.quality),
    }


def _submit(store: Store, group_id: str, expert: str, filename: str, data: bytes) -> proposals.Submitted:
    return proposals.submit(store, group_id, expert, proposals.read_bytes(data, filename, store.base_iri))


_MEDIA = {"text/turtle": "proposal.ttl", "application/ld+json": "proposal.jsonld", "application/n-triples": "p.nt"}


async def _upload(request: Request, limit: int) -> tuple[str, bytes]:
    """The proposal file: multipart field `file`, or a raw Turtle / JSON-LD / N-Triples body."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "multipart/form-data":
        form = await request.form(max_part_size=limit)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise BadInput(
                "send the proposal as the multipart field 'file'", message_zh="请以 multipart 字段 file 上传提案"
            )
        return upload.filename or "proposal.xlsx", await upload.read()
    if media in _MEDIA:
        body = await request.body()
        if len(body) > limit:
            raise BadInput(f"the proposal is over {limit} bytes", message_zh=f"提案超过 {limit} 字节")
        return _MEDIA[media], body
    raise UnsupportedMediaType(
        f"send a proposal as multipart/form-data (XLSX, CSV .zip) or {', '.join(_MEDIA)}, not {media or 'nothing'}",
        message_zh=f"提案须以 multipart/form-data（XLSX、CSV .zip）或 {', '.join(_MEDIA)} 提交",
    )


@router.get("/{group_id}/proposals/{expert}", summary="One expert's proposal")
def get_proposal(
    group_id: str, expert: str, request: Request, store: StoreDep, settings: SettingsDep
) -> dict[str, Any]:
    require_role(request, settings, *_READERS)
    return api_view.full(proposals.load(store, group_id, expert), store.base_iri)


@router.post("/{group_id}/seminar/close", summary="Close the seminar and merge the proposals into a draft (lead)")
def close_seminar(group_id: str, request: Request, store: StoreDep, settings: SettingsDep) -> dict[str, Any]:
    user, _group = _lead(request, settings, store, group_id)
    draft = review.close_seminar(store, group_id)
    _audit(store, user, "seminar.close", review.draft_iri(store.base_iri, group_id), "phase=proposals", "phase=draft")
    return merge.draft_json(draft)


@router.get("/{group_id}/draft", summary="The consensus draft: items, support, match reasons, conflicts")
def get_draft(group_id: str, request: Request, store: StoreDep, settings: SettingsDep) -> dict[str, Any]:
    require_role(request, settings, *_READERS)
    return merge.draft_json(review.draft(store, groups.load(store, group_id)))


@router.post("/{group_id}/draft/resolutions", summary="Resolve one conflict of the draft, with a reason (lead)")
def resolve(
    group_id: str, body: NewResolution, request: Request, store: StoreDep, settings: SettingsDep
) -> dict[str, Any]:
    user, _group = _lead(request, settings, store, group_id)
    draft = review.resolve(
        store, group_id, body.kind, body.key, body.field, body.value, reason=body.reason, by=user.name
    )
    target = review.item_iri(store.base_iri, group_id, body.kind, body.key)
    _audit(store, user, "draft.resolve", target, f"{body.field} in conflict", f"{body.field}={body.value}")
    return merge.draft_json(draft)


@router.post("/{group_id}/vote/open", summary="Open the item-by-item vote (lead; no open conflicts)")
def open_vote(group_id: str, request: Request, store: StoreDep, settings: SettingsDep) -> dict[str, Any]:
    user, _group = _lead(request, settings, store, group_id)
    draft = review.open_vote(store, group_id)
    _audit(store, user, "vote.open", review.draft_iri(store.base_iri, group_id), "phase=draft", "phase=voting")
    return {"items": len(draft.items), "phase": "voting"}


@router.post("/{group_id}/votes", summary="Vote on items: approve, reject or abstain, with comments (members)")
def vote(group_id: str, body: Votes, request: Request, store: StoreDep, settings: SettingsDep) -> dict[str, Any]:
    user = require_role(request, settings, Role.EXPERT, Role.EXPERT_LEAD)
    ballot = [(b.kind, b.key, review.parse_choice(b.choice), b.comment) for b in body.votes]
    kept = review.vote(store, group_id, user.name, ballot)
    target = groups.expert_iri(store.base_iri, user.name)
    _audit(store, user, "vote.cast", target, None, f"group={group_id} votes={len(body.votes)} ballot={len(kept)}")
    return {"expert": user.name, "recorded": len(body.votes), "ballot": len(kept)}


@router.get("/{group_id}/tally", summary="The tally per item, the quorum and the outcome")
def get_tally(group_id: str, request: Request, store: StoreDep, settings: SettingsDep) -> dict[str, Any]:
    require_role(request, settings, *_READERS)
    return review.tally_json(*review.tally(store, group_id))


@router.post("/{group_id}/vote/close", summary="Close the vote: adopted items make the version under review (lead)")
def close_vote(group_id: str, request: Request, store: StoreDep, settings: SettingsDep) -> dict[str, Any]:
    user, _group = _lead(request, settings, store, group_id)
    standard = review.close_vote(store, group_id)
    target = store.base_iri + f"standard/{standard.info.id}/{standard.info.version}"
    _audit(store, user, "vote.close", target, "phase=voting", "status=under-review")
    counts = api_view.full(standard, store.base_iri)["counts"]
    return {"standard": standard.key, "status": "under-review", "counts": counts}


@router.post("/{group_id}/regional-review", summary="Approve the version, or return it with comments (reviewer)")
def regional_review(
    group_id: str, body: RegionalReview, request: Request, store: StoreDep, settings: SettingsDep
) -> dict[str, Any]:
    user = require_role(request, settings, Role.REGIONAL_REVIEWER)
    group = publication.regional_review(store, group_id, user.name, approve=body.approve, comment=body.comment)
    target = store.base_iri + f"standard/{group.standard_id}/{group.version}"
    _audit(store, user, "regional.review", target, "phase=regional-review", f"phase={group.phase.value}")
    return _group_view(group)


@router.post("/{group_id}/publish", summary="Publish the approved version as a provincial standard (reviewer)")
def publish(group_id: str, request: Request, store: StoreDep, settings: SettingsDep) -> dict[str, Any]:
    user = require_role(request, settings, Role.REGIONAL_REVIEWER)
    standard = publication.publish(store, group_id, user.name)
    target = store.base_iri + f"standard/{standard.info.id}/{standard.info.version}"
    _audit(store, user, "standard.publish", target, "status=under-review", f"status={standard.info.status.value}")
    return {"standard": standard.key, "status": standard.info.status.value, "iri": target}

