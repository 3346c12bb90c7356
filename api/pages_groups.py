"""Pages: expert groups (propose, draft and resolve, vote item by item, tally, regional review, publish).

The same service calls and role checks as the REST routes in api/groups.py, and the same audit records;
forms post here and are redirected (303) back to the group page. A refusal or bad input is shown in the
page with the service's message, its status kept, and nothing stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cpms_kg.accounts import Role, User
from cpms_kg.errors import BadInput, CpmsError, Forbidden
from cpms_kg.settings import Settings
from cpms_kg.standards.quality import check_standard
from cpms_kg.store.base import Store
from cpms_kg.web import groups as pages
from cpms_kg.web import groups_review as review_pages
from cpms_kg.web.layout import Viewer, page
from cpms_kg.web.notices import alert, sign_in_hint
from cpms_kg.web.parts import standard_href
from cpms_kg.workflow import audit, groups, proposals, publication, review
from cpms_kg.workflow.groups import Group, Phase
from cpms_kg.workflow.merge import ItemKind

from .deps import SettingsDep, StoreDep, require_role
from .web import ViewerDep

router = APIRouter(include_in_schema=False)
TITLE = ("专家组", "Expert groups")
_READERS = (Role.PILOT_AUTHORITY, Role.EXPERT, Role.EXPERT_LEAD, Role.REGIONAL_REVIEWER)
_KINDS: tuple[ItemKind, ...] = ("category", "attribute", "codelist", "requirement")


def _html(viewer: Viewer, body: str, status: int = 200, title: tuple[str, str] = TITLE) -> HTMLResponse:
    return HTMLResponse(page(viewer, title, body), status_code=status)


def _refused(viewer: Viewer, error: CpmsError, back: str | None = None) -> HTMLResponse:
    said = sign_in_hint(viewer, error) if error.status in (401, 403) else alert(viewer, error)
    link = f'<p><a href="{back}">{viewer.t("返回", "Back")}</a></p>' if back else ""
    return _html(viewer, f"<h1>{viewer.t(*TITLE)}</h1>{said}{link}", error.status)


@router.get("/groups", response_class=HTMLResponse)
def group_list(request: Request, viewer: ViewerDep, store: StoreDep, settings: SettingsDep) -> HTMLResponse:
    try:
        require_role(request, settings, *_READERS)
        found = [groups.load(store, g) for g in groups.list_groups(store)]
    except CpmsError as error:
        return _refused(viewer, error)
    return _html(viewer, pages.group_list(viewer, found))


def _powers(viewer: Viewer, group: Group) -> pages.Powers:
    return pages.Powers(
        member=viewer.user is not None and group.member(viewer.user) is not None,
        lead=viewer.user is not None and (viewer.user == group.lead or "admin" in viewer.roles),
        reviewer=viewer.has("regional-reviewer"),
    )


def _group_body(store: Store, viewer: Viewer, group: Group) -> str:
    powers = _powers(viewer, group)
    parts = [pages.header(viewer, group)]
    absent = set(proposals.missing(store, group))
    submitted = [m.account for m in group.members if m.account not in absent]
    parts.append(pages.proposals_section(viewer, group, submitted, powers, user=viewer.user))
    if group.phase is not Phase.PROPOSALS:
        _group, draft, tallies = review.tally(store, group.id)
        if group.phase is Phase.DRAFT:
            parts.append(review_pages.draft_section(viewer, group, draft, powers))
        else:
            if group.phase is Phase.VOTING and powers.member and viewer.user:
                parts.append(review_pages.vote_form(viewer, group, draft, review.ballot(store, group, viewer.user)))
            parts.append(review_pages.tally_section(viewer, group, draft, tallies, powers))
            href = standard_href(group.standard_id, group.version)
            parts.append(review_pages.review_section(viewer, group, powers, href))
    return "".join(parts)


@router.get("/groups/{group_id}", response_class=HTMLResponse)
def group_page(
    group_id: str, request: Request, viewer: ViewerDep, store: StoreDep, settings: SettingsDep
) -> HTMLResponse:
    try:
        require_role(request, settings, *_READERS)
        group = groups.load(store, group_id)
        body = _group_body(store, viewer, group)
    except CpmsError as error:
        return _refused(viewer, error, "/groups")
    return _html(viewer, body, title=(group.name.zh, group.name.en))


@router.get("/groups/{group_id}/proposals/{expert}", response_class=HTMLResponse)
def proposal_page(
    group_id: str, expert: str, request: Request, viewer: ViewerDep, store: StoreDep, settings: SettingsDep
) -> HTMLResponse:
    try:
        require_role(request, settings, *_READERS)
        group = groups.load(store, group_id)
        proposed = proposals.load(store, group_id, expert)
        quality = check_standard(store, proposed)
    except CpmsError as error:
        return _refused(viewer, error, f"/groups/{group_id}")
    body = pages.proposal_page(viewer, group, expert, proposed, quality)
    return _html(viewer, body, title=(f"{expert} 的提案", f"Proposal of {expert}"))


def _lead(request: Request, settings: Settings, store: Store, group_id: str) -> User:
    """As api/groups: the group's lead (or an admin)."""
    user = require_role(request, settings, Role.EXPERT_LEAD)
    group = groups.load(store, group_id)
    if Role.ADMIN not in user.roles and user.name != group.lead:
        raise Forbidden(
            f"only the lead of group {group_id} ({group.lead}) may do this",
            message_zh=f"只有专家组 {group_id} 的组长（{group.lead}）可以执行此操作",
        )
    return user


def _done(group_id: str, anchor: str) -> RedirectResponse:
    return RedirectResponse(f"/groups/{group_id}#{anchor}", status_code=303)


def _run(viewer: Viewer, group_id: str, anchor: str, step: Callable[[], None]) -> Response:
    """A form's step: done -> back to the group page; refused or bad -> the reason in the page."""
    try:
        step()
    except CpmsError as error:
        return _refused(viewer, error, f"/groups/{group_id}")
    return _done(group_id, anchor)


@router.post("/groups/{group_id}/proposals", response_class=HTMLResponse)
async def submit_proposal(
    group_id: str,
    request: Request,
    viewer: ViewerDep,
    store: StoreDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File()],
) -> Response:
    try:
        user = require_role(request, settings, Role.EXPERT, Role.EXPERT_LEAD)
        data = await file.read(settings.max_upload_bytes + 1)
        if len(data) > settings.max_upload_bytes:
            raise BadInput(
                f"the proposal is over {settings.max_upload_bytes} bytes",
                message_zh=f"提案超过 {settings.max_upload_bytes} 字节",
            )
        name = file.filename or "proposal.xlsx"
        proposed = await run_in_threadpool(proposals.read_bytes, data, name, store.base_iri)
        submitted = await run_in_threadpool(proposals.submit, store, group_id, user.name, proposed)
    except CpmsError as error:
        return _refused(viewer, error, f"/groups/{group_id}")
    action = "proposal.submit" if submitted.revision == 1 else "proposal.revise"
    before, after = f"revision={submitted.revision - 1}", f"revision={submitted.revision}"
    await run_in_threadpool(audit.record, store, user, action, submitted.iri, before=before, after=after)
    return RedirectResponse(f"/groups/{group_id}/proposals/{user.name}", status_code=303)


@router.post("/groups/{group_id}/seminar/close", response_class=HTMLResponse)
def close_seminar(
    group_id: str, request: Request, viewer: ViewerDep, store: StoreDep, settings: SettingsDep
) -> Response:
    def step() -> None:
        user = _lead(request, settings, store, group_id)
        review.close_seminar(store, group_id)
        target = review.draft_iri(store.base_iri, group_id)
        audit.record(store, user, "seminar.close", target, before="phase=proposals", after="phase=draft")

    return _run(viewer, group_id, "draft", step)


@router.post("/groups/{group_id}/resolutions", response_class=HTMLResponse)
def resolve(
    group_id: str,
    request: Request,
    viewer: ViewerDep,
    store: StoreDep,
    settings: SettingsDep,
    kind: Annotated[str, Form()],
    key: Annotated[str, Form()],
    field: Annotated[str, Form()],
    value: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    def step() -> None:
        user = _lead(request, settings, store, group_id)
        item_kind = _kind(kind)
        if not reason.strip():
            raise BadInput("a resolution needs a reason", message_zh="解决冲突须说明理由")
        review.resolve(store, group_id, item_kind, key, field, value, reason=reason.strip(), by=user.name)
        target = review.item_iri(store.base_iri, group_id, item_kind, key)
        audit.record(store, user, "draft.resolve", target, before=f"{field} in conflict", after=f"{field}={value}")

    return _run(viewer, group_id, "draft", step)


def _kind(text: str) -> ItemKind:
    for kind in _KINDS:
        if kind == text:
            return kind
    raise BadInput(f"unknown item kind {text!r}", message_zh=f"未知的条目类型 {text!r}")


@router.post("/groups/{group_id}/vote/open", response_class=HTMLResponse)
def open_vote(group_id: str, request: Request, viewer: ViewerDep, store: StoreDep, settings: SettingsDep) -> Response:
    def step() -> None:
        user = _lead(request, settings, store, group_id)
        review.open_vote(store, group_id)
        target = review.draft_iri(store.base_iri, group_id)
        audit.record(store, user, "vote.open", target, before="phase=draft", after="phase=voting")

    return _run(viewer, group_id, "vote", step)


@router.post("/groups/{group_id}/votes", response_class=HTMLResponse)
async def vote(group_id: str, request: Request, viewer: ViewerDep, store: StoreDep, settings: SettingsDep) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}

    def step() -> None:
        user = require_role(request, settings, Role.EXPERT, Role.EXPERT_LEAD)
        ballot: list[tuple[ItemKind, str, review.Choice, str]] = []
        for name, item in form.items():
            if not name.startswith("item-") or not form.get("vote-" + name[5:]):
                continue
            kind, _, key = item.partition("|")
            choice = review.parse_choice(form["vote-" + name[5:]])
            ballot.append((_kind(kind), key, choice, form.get("comment-" + name[5:], "").strip()))
        if not ballot:
            raise BadInput(
                "choose approve, reject or abstain for at least one item",
                message_zh="请至少为一个条目选择赞成、反对或弃权",
            )
        kept = review.vote(store, group_id, user.name, ballot)
        target = groups.expert_iri(store.base_iri, user.name)
        after = f"group={group_id} votes={len(ballot)} ballot={len(kept)}"
        audit.record(store, user, "vote.cast", target, after=after)

    return await run_in_threadpool(_run, viewer, group_id, "tally", step)


@router.post("/groups/{group_id}/vote/close", response_class=HTMLResponse)
def close_vote(group_id: str, request: Request, viewer: ViewerDep, store: StoreDep, settings: SettingsDep) -> Response:
    def step() -> None:
        user = _lead(request, settings, store, group_id)
        standard = review.close_vote(store, group_id)
        target = store.base_iri + f"standard/{standard.info.id}/{standard.info.version}"
        audit.record(store, user, "vote.close", target, before="phase=voting", after="status=under-review")

    return _run(viewer, group_id, "review", step)


@router.post("/groups/{group_id}/regional-review", response_class=HTMLResponse)
def regional_review(
    group_id: str,
    request: Request,
    viewer: ViewerDep,
    store: StoreDep,
    settings: SettingsDep,
    decision: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
) -> Response:
    def step() -> None:
        user = require_role(request, settings, Role.REGIONAL_REVIEWER)
        if decision not in ("approve", "return"):
            raise BadInput("choose approve or return", message_zh="请选择通过或退回")
        group = publication.regional_review(
            store, group_id, user.name, approve=decision == "approve", comment=comment.strip()
        )
        target = store.base_iri + f"standard/{group.standard_id}/{group.version}"
        after = f"phase={group.phase.value}"
        audit.record(store, user, "regional.review", target, before="phase=regional-review", after=after)

    return _run(viewer, group_id, "publish" if decision == "approve" else "draft", step)


@router.post("/groups/{group_id}/publish", response_class=HTMLResponse)
def publish(group_id: str, request: Request, viewer: ViewerDep, store: StoreDep, settings: SettingsDep) -> Response:
    def step() -> None:
        user = require_role(request, settings, Role.REGIONAL_REVIEWER)
        standard = publication.publish(store, group_id, user.name)
        target = store.base_iri + f"standard/{standard.info.id}/{standard.info.version}"
        status = standard.info.status.value
        audit.record(store, user, "standard.publish", target, before="status=under-review", after=f"status={status}")

    return _run(viewer, group_id, "publish", step)
