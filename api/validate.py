"""POST /api/validate: upload a firm's product file, get its conformance report."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response, StreamingResponse

from cpms_kg import conneg
from cpms_kg.accounts import Role, User
from cpms_kg.conformance import report as reports
from cpms_kg.conformance.datasets import commit as store_products
from cpms_kg.conformance.pipeline import Options, Outcome, check_file
from cpms_kg.errors import CpmsError, Forbidden, NotFound, PayloadTooLarge
from cpms_kg.jobs import Job, JobManager
from cpms_kg.standards.service import load
from cpms_kg.workflow import audit

from .deps import SettingsDep, StoreDep, require_role
from .uploads import save_upload

router = APIRouter(prefix="/api", tags=["conformance"])
_OFFERS = (
    conneg.Offer("application/json", "JSON"),
    conneg.Offer("text/turtle", "TURTLE"),
    conneg.Offer("application/ld+json", "JSON_LD"),
    conneg.Offer("text/csv", "CSV"),
)


@router.post("/validate", summary="Check a firm's product file (CSV, XLSX, JSON, RDF) against a standard version")
async def validate(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="the product table or RDF file")],
    standard: Annotated[str, Form(description="standard id")],
    version: Annotated[str | None, Form(description="version (default: the latest)")] = None,
    firm: Annotated[str, Form(description="firm id, for product IRIs")] = "firm",
    category: Annotated[str | None, Form(description="one category for the whole file")] = None,
    mapping: Annotated[UploadFile | None, File(description="saved column mapping (YAML or JSON)")] = None,
    run_async: Annotated[bool, Form(alias="async", description="run as a background job whatever the size")] = False,
    commit: Annotated[
        bool, Form(description="store a conforming upload in the firm's private graph (bearer token)")
    ] = False,
    dataset: Annotated[str | None, Form(description="dataset id when committing")] = None,
) -> Response:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > settings.max_upload_bytes:
        raise PayloadTooLarge(
            f"the upload is over {settings.max_upload_bytes} bytes (CPMS_KG_MAX_UPLOAD_BYTES)",
            message_zh=f"上传文件超过 {settings.max_upload_bytes} 字节（CPMS_KG_MAX_UPLOAD_BYTES）",
        )
    accept = request.headers.get("accept")
    offer = conneg.negotiate(accept, _OFFERS)
    if offer is None:
        raise conneg.not_acceptable(accept, _OFFERS)
    folder = Path(tempfile.mkdtemp(prefix="cpms-validate-"))
    try:
        data, _size = await save_upload(file, folder, settings.max_upload_bytes, "data")
        saved_mapping = (
            (await save_upload(mapping, folder, settings.max_upload_bytes, "mapping"))[0] if mapping else None
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    options = Options(firm=firm, category=category, mapping=saved_mapping)
    key = f"{standard}@{version}" if version else standard
    user: User | None = None
    if commit:
        user = require_role(request, settings, Role.FIRM_STEWARD)
        if Role.ADMIN not in user.roles and user.firm != firm:
            raise Forbidden(
                f"account {user.name} is a data steward of {user.firm}, not of {firm}",
                message_zh=f"账户 {user.name} 是 {user.firm} 的数据管理员，不能提交 {firm} 的数据",
            )

    def work(progress: Callable[[str, float], None]) -> Outcome:
        outcome = check_file(store, key, data, options, progress)
        if user is not None and outcome.report.conforms:
            saved = store_products(store, outcome, load(store, key), firm=firm, dataset=dataset)
            outcome.report.committed = saved.id
            after = f"products={saved.products} graph={saved.graph}"
            audit.record(store, user, "dataset.commit", saved.iri, after=after)
        return outcome

    if run_async or data.stat().st_size > settings.sync_validate_bytes:
        # Large uploads run as a job: its own thread, unaffected by the client going away.
        jobs: JobManager = request.app.state.jobs
        job = jobs.start("validate", work, cleanup=folder)
        return JSONResponse(job.view(), status_code=202, headers={"Location": f"/api/jobs/{job.id}"})
    try:
        outcome = await run_in_threadpool(work, lambda _phase, _fraction: None)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return render(outcome.report, offer.key, file.filename or "upload")


def render(result: reports.ConformanceReport, kind: str, name: str) -> Response:
    """The report in the negotiated form: JSON summary, W3C report (Turtle, JSON-LD), findings CSV."""
    if kind == "TURTLE":
        # Streamed: the report of a million-row upload is hundreds of megabytes.
        return StreamingResponse(reports.shacl_report_chunks(result, "turtle"), media_type="text/turtle")
    if kind == "JSON_LD":
        return Response(reports.shacl_report(result, "json-ld"), media_type="application/ld+json")
    if kind == "CSV":
        return Response(reports.findings_csv(result), media_type="text/csv; charset=utf-8")
    return Response(reports.summary_json(result, source=name), media_type="application/json")


@router.get("/jobs/{job_id}", summary="A background job: status, progress, links")
def job_status(job_id: str, request: Request) -> dict[str, Any]:
    return _job(request, job_id).view()


@router.get("/jobs/{job_id}/result", summary="A finished job's result (negotiated like /api/validate)")
def job_result(job_id: str, request: Request) -> Response:
    job = _job(request, job_id)
    if job.status == "failed" and job.error is not None:
        raise job.error
    if job.status != "done":
        raise JobNotDone(
            f"job {job_id} is {job.status} ({job.progress:.0%})", message_zh=f"任务 {job_id} 尚未完成（{job.status}）"
        )
    accept = request.headers.get("accept")
    offer = conneg.negotiate(accept, _OFFERS)
    if offer is None:
        raise conneg.not_acceptable(accept, _OFFERS)
    return render(job.result.report, offer.key, job.id)


class JobNotDone(CpmsError):
    status = 409
    code = "job_not_done"


def _job(request: Request, job_id: str) -> Job:
    jobs: JobManager = request.app.state.jobs
    job = jobs.get(job_id)
    if job is None:
        raise NotFound(f"no job {job_id}", message_zh=f"没有任务 {job_id}")
    return job
