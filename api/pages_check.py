"""Pages: check my data (upload, confirm the column mapping, progress, report, downloads, commit and share).

Reading needs no login; committing and sharing need the firm's data steward or an admin (the login
cookie), audited as the REST routes do. Refusals and bad input are shown in the page, never as a 500.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from cpms_kg.accounts import Role
from cpms_kg.conformance import datasets
from cpms_kg.conformance import report as reports
from cpms_kg.conformance.inputs import is_rdf, iter_tables
from cpms_kg.conformance.mapping import MappingResult, auto_map, load_mapping, resolve_category, save_mapping, suggest
from cpms_kg.conformance.pipeline import Options, Outcome, check_file
from cpms_kg.conformance.table import Table
from cpms_kg.errors import BadInput, CpmsError, NotFound, PayloadTooLarge
from cpms_kg.jobs import Job, JobManager
from cpms_kg.standards.model import Standard
from cpms_kg.standards.rdf import StandardSummary, list_standards
from cpms_kg.standards.service import load
from cpms_kg.store.base import Store
from cpms_kg.web import check as pages
from cpms_kg.web.check_report import Actions, Filters, failed_page, report_page
from cpms_kg.web.check_session import CheckSession, CheckSessions
from cpms_kg.web.layout import Viewer, page
from cpms_kg.web.notices import alert, sign_in_hint
from cpms_kg.workflow import audit

from .deps import SettingsDep, StoreDep, require_role
from .uploads import save_upload
from .web import ViewerDep

router = APIRouter(include_in_schema=False)
TITLE = ("检查我的数据", "Check my data")
SAMPLE_ROWS = 200
_DATASET = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ttl": "text/turtle",
}


def _sessions(request: Request) -> CheckSessions:
    # Made on first use: nothing is created when the app is built or imported.
    sessions: CheckSessions | None = getattr(request.app.state, "check_sessions", None)
    if sessions is None:
        sessions = request.app.state.check_sessions = CheckSessions()
    return sessions


def _html(viewer: Viewer, body: str, status: int = 200, title: tuple[str, str] = TITLE) -> HTMLResponse:
    return HTMLResponse(page(viewer, title, body, scripts=["/static/check.js"]), status_code=status)


def _published(store: Store) -> list[StandardSummary]:
    return list_standards(store)  # public reads: the versions an upload may be checked against


@router.get("/check", response_class=HTMLResponse)
def upload_page(viewer: ViewerDep, store: StoreDep) -> HTMLResponse:
    return _html(viewer, pages.upload_form(viewer, _published(store)))


@router.post("/check", response_class=HTMLResponse)
async def upload(
    request: Request,
    viewer: ViewerDep,
    store: StoreDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File()],
    standard: Annotated[str, Form()],
    firm: Annotated[str, Form()],
    category: Annotated[str, Form()] = "",
) -> Response:
    sessions = _sessions(request)
    session_id, folder = sessions.new_folder()
    try:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > settings.max_upload_bytes:
            raise PayloadTooLarge(
                f"the upload is over {settings.max_upload_bytes} bytes (CPMS_KG_MAX_UPLOAD_BYTES)",
                message_zh=f"上传文件超过 {settings.max_upload_bytes} 字节（CPMS_KG_MAX_UPLOAD_BYTES）",
            )
        if not _DATASET.fullmatch(firm.strip()):
            raise BadInput(
                f"firm id {firm!r}: letters, digits, '.', '_' or '-', at most 64",
                message_zh=f"企业标识 {firm!r} 只能含字母、数字、'.'、'_'、'-'，至多 64 个字符",
            )
        chosen = await run_in_threadpool(load, store, standard)
        wanted = category.strip() or None
        if wanted is not None and resolve_category(wanted, chosen) is None:
            raise BadInput(f"{chosen.key} has no category {wanted!r}", message_zh=f"{chosen.key} 中没有类目“{wanted}”")
        data, size = await save_upload(file, folder, settings.max_upload_bytes, "data")
        if size == 0:
            raise BadInput("the file is empty", message_zh="文件为空")
    except CpmsError as error:
        sessions.remove(session_id)
        form = pages.upload_form(viewer, _published(store), chosen=standard, firm=firm, error=alert(viewer, error))
        return _html(viewer, form, error.status)
    session = sessions.save(
        CheckSession(session_id, Path(file.filename or data.name).name, data.name, chosen.key, firm.strip(), wanted)
    )
    if is_rdf(data):  # RDF carries its own properties: nothing to map
        _start(request, store, session)
        return RedirectResponse(f"/check/{session_id}", status_code=303)
    return RedirectResponse(f"/check/{session_id}/mapping", status_code=303)


def _first_rows(sessions: CheckSessions, session: CheckSession) -> Table:
    return next(iter_tables(sessions.data_path(session), chunk_rows=SAMPLE_ROWS))


def _propose(session: CheckSession, standard: Standard, table: Table, folder: Path) -> tuple[pages.Proposed, str]:
    """auto_map's mapping (with the confirmed one as hints when there is one); its refusal as guidance."""
    hints = load_mapping(folder / session.mapping, standard) if session.mapping else None
    result: MappingResult | None
    try:
        result = auto_map(list(table.columns), standard, category=session.category, hints=hints, rows=table.rows)
        guidance = ""
    except BadInput as error:
        result, guidance = None, error.message_zh + " / " + error.message
    fallback = {c: suggest(c, standard) for c in table.columns}
    return pages.proposed(result, table.columns, fallback), guidance


@router.get("/check/{session_id}/mapping", response_class=HTMLResponse)
def mapping_page(session_id: str, request: Request, viewer: ViewerDep, store: StoreDep) -> HTMLResponse:
    sessions = _sessions(request)
    try:
        session = sessions.get(session_id)
        standard = load(store, session.standard)
        table = _first_rows(sessions, session)
    except CpmsError as error:
        return _html(
            viewer,
            f"<h1>{viewer.t(*TITLE)}</h1>{alert(viewer, error)}"
            f'<p><a href="/check">{viewer.t("重新上传", "Upload again")}</a></p>',
            error.status,
        )
    session = sessions.update(session, columns=table.columns)
    proposal, guidance = _propose(session, standard, table, sessions.folder(session.id))
    note = f'<p class="warn" role="status">{guidance}</p>' if guidance else ""
    return _html(viewer, pages.mapping_form(viewer, session, standard, proposal, table.rows, error=note))


@router.post("/check/{session_id}/mapping", response_class=HTMLResponse)
async def confirm_mapping(session_id: str, request: Request, viewer: ViewerDep, store: StoreDep) -> Response:
    sessions = _sessions(request)
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        session = sessions.get(session_id)
        standard = load(store, session.standard)
    except CpmsError as error:
        return _html(viewer, f"<h1>{viewer.t(*TITLE)}</h1>{alert(viewer, error)}", error.status)
    table = await run_in_threadpool(_first_rows, sessions, session)
    try:
        mapping = pages.confirmed(session, standard, form)
        auto_map(list(table.columns), standard, category=session.category, hints=mapping, rows=table.rows)
    except BadInput as error:
        chosen = pages.Proposed(
            {c: form.get(f"col-{n}", "") for n, c in enumerate(session.columns)},
            {c: suggest(c, standard) for c in session.columns},
            [],
        )
        body = pages.mapping_form(viewer, session, standard, chosen, table.rows, error=alert(viewer, error))
        return _html(viewer, body, error.status)
    save_mapping(mapping, sessions.folder(session.id) / "mapping.json")
    session = sessions.update(session, mapping="mapping.json", committed=None, shared=False)
    _start(request, store, session)
    return RedirectResponse(f"/check/{session_id}", status_code=303)


def _start(request: Request, store: Store, session: CheckSession) -> Job:
    sessions = _sessions(request)
    folder = sessions.folder(session.id)
    options = Options(
        firm=session.firm, category=session.category, mapping=folder / session.mapping if session.mapping else None
    )
    data = sessions.data_path(session)

    def work(progress: Callable[[str, float], None]) -> Outcome:
        return check_file(store, session.standard, data, options, progress)

    jobs: JobManager = request.app.state.jobs
    job = jobs.start("check-page", work)  # the folder stays: committing re-reads the data file
    sessions.update(session, job=job.id)
    return job


def _job(request: Request, store: Store, session: CheckSession) -> Job:
    jobs: JobManager = request.app.state.jobs
    job = jobs.get(session.job) if session.job else None
    # A job the manager has let go of (it keeps the latest 200) is run again from the kept file.
    return job if job is not None else _start(request, store, session)


def _actions(viewer: Viewer, session: CheckSession) -> Actions:
    if viewer.has("firm-steward") and ("admin" in viewer.roles or viewer.firm == session.firm):
        return Actions(True)
    return Actions(
        False,
        viewer.t(
            f"提交需以企业 {session.firm} 的数据管理员身份登录。",
            f"Committing needs the data steward of firm {session.firm} to log in.",
        ),
    )


@router.get("/check/{session_id}", response_class=HTMLResponse)
def session_page(
    session_id: str,
    request: Request,
    viewer: ViewerDep,
    store: StoreDep,
    rule: str | None = None,
    attribute: str | None = None,
    row: int | None = None,
    column: str | None = None,
    page_number: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> Response:
    sessions = _sessions(request)
    try:
        session = sessions.get(session_id)
    except NotFound as error:
        return _html(viewer, f"<h1>{viewer.t(*TITLE)}</h1>{alert(viewer, error)}", error.status)
    if session.job is None and session.mapping is None and not is_rdf(sessions.data_path(session)):
        return RedirectResponse(f"/check/{session_id}/mapping", status_code=303)
    job = _job(request, store, session)
    if job.status == "failed" and job.error is not None:
        return _html(viewer, failed_page(viewer, session, alert(viewer, job.error)), job.error.status)
    if job.status != "done":
        return _html(viewer, pages.progress_page(viewer, session, job), title=("正在检查", "Checking"))
    filters = Filters(rule, attribute, row, column, page_number)
    body = report_page(viewer, session, job.result.report, filters, _actions(viewer, session))
    return _html(viewer, body, title=("符合性报告", "Conformance report"))


def _done(request: Request, session_id: str) -> tuple[CheckSession, Outcome]:
    session = _sessions(request).get(session_id)
    jobs: JobManager = request.app.state.jobs
    job = jobs.get(session.job) if session.job else None
    if job is None or job.status != "done":
        raise NotFound(
            f"the check of upload {session_id} has no finished report", message_zh=f"上传 {session_id} 的检查尚无报告"
        )
    outcome: Outcome = job.result
    return session, outcome


@router.get("/check/{session_id}/report.{kind}")
def download(session_id: str, kind: str, request: Request, viewer: ViewerDep) -> Response:
    try:
        if kind not in _MEDIA:
            raise NotFound(f"no report format {kind}", message_zh=f"没有 {kind} 格式的报告")
        session, outcome = _done(request, session_id)
    except CpmsError as error:
        return _html(viewer, f"<h1>{viewer.t(*TITLE)}</h1>{alert(viewer, error)}", error.status)
    stem = Path(session.filename).stem or "data"
    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(stem, safe='')}-report.{kind}"}
    result = outcome.report
    if kind == "ttl":
        chunks = reports.shacl_report_chunks(result, "turtle")
        return StreamingResponse(chunks, media_type=_MEDIA[kind], headers=headers)
    body = reports.findings_csv(result) if kind == "csv" else reports.findings_xlsx(result)
    return Response(body, media_type=_MEDIA[kind], headers=headers)


def _refuse(viewer: Viewer, session_id: str, error: CpmsError) -> HTMLResponse:
    body = sign_in_hint(viewer, error) if error.status in (401, 403) else alert(viewer, error)
    return _html(
        viewer,
        f"<h1>{viewer.t(*TITLE)}</h1>{body}"
        f'<p><a href="/check/{session_id}">{viewer.t("返回报告", "Back to the report")}</a></p>',
        error.status,
    )


@router.post("/check/{session_id}/commit", response_class=HTMLResponse)
def commit(
    session_id: str,
    request: Request,
    viewer: ViewerDep,
    store: StoreDep,
    settings: SettingsDep,
    dataset: Annotated[str, Form()] = "",
) -> Response:
    try:
        user = require_role(request, settings, Role.FIRM_STEWARD)
        session, outcome = _done(request, session_id)
        role = datasets.acting_role(user, session.firm)
        wanted = dataset.strip() or None
        if wanted is not None and not _DATASET.fullmatch(wanted):
            raise BadInput(
                f"dataset id {wanted!r}: letters, digits, '.', '_' or '-', at most 64",
                message_zh=f"数据集标识 {wanted!r} 只能含字母、数字、'.'、'_'、'-'，至多 64 个字符",
            )
        saved = datasets.commit(store, outcome, load(store, session.standard), firm=session.firm, dataset=wanted)
    except CpmsError as error:
        return _refuse(viewer, session_id, error)
    after = f"products={saved.products} graph={saved.graph}"
    audit.record(store, user, "dataset.commit", saved.iri, after=after, role=role)
    _sessions(request).update(session, committed=saved.id, shared=False)
    return RedirectResponse(f"/check/{session_id}#commit", status_code=303)


@router.post("/check/{session_id}/share", response_class=HTMLResponse)
def share(session_id: str, request: Request, viewer: ViewerDep, store: StoreDep, settings: SettingsDep) -> Response:
    try:
        user = require_role(request, settings, Role.FIRM_STEWARD)
        session = _sessions(request).get(session_id)
        role = datasets.acting_role(user, session.firm)
        if session.committed is None:
            raise BadInput("commit the data before sharing it", message_zh="请先提交数据再共享")
        firm, dataset = session.firm, session.committed
        licence = datasets.current_licence(store, firm, dataset) or datasets.DEFAULT_LICENCE
        before = "shared" if datasets.is_shared(store, firm, dataset) else "not shared"
        iri = datasets.share(store, firm, dataset, licence=licence)
    except CpmsError as error:
        return _refuse(viewer, session_id, error)
    audit.record(store, user, "dataset.share", iri, before=before, after=f"shared; licence {licence}", role=role)
    _sessions(request).update(session, shared=True)
    return RedirectResponse(f"/check/{session_id}#commit", status_code=303)
