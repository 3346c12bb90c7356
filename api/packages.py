"""The national platform package over REST: download a published version's package, and (admin) import one."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from cpms_kg.errors import PayloadTooLarge, UnsupportedMediaType
from cpms_kg.package import build
from cpms_kg.package_import import ImportReport, import_package
from cpms_kg.workflow import audit

from .deps import SettingsDep, StoreDep, require_role

router = APIRouter(tags=["packages"])

_ZIP_TYPES = ("application/zip", "application/x-zip-compressed", "application/octet-stream")


@router.get(
    "/api/standards/{standard_id}/versions/{version}/package",
    summary="A published version's package for the national platform (zip: Turtle, JSON-LD, SHACL, DCAT, "
    "provenance, SHA-256 manifest, README)",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}}},
)
def package(standard_id: str, version: str, store: StoreDep) -> Response:
    # Public: only published versions; the same bytes as `cpms-kg export` for the same version.
    built = build(store, f"{standard_id}@{version}")
    disposition = f"attachment; filename=\"{quote(built.name)}\"; filename*=UTF-8''{quote(built.name)}"
    return Response(
        built.data,
        media_type="application/zip",
        headers={"Content-Disposition": disposition, "ETag": f'"{built.sha256}"'},
    )


def _view(report: ImportReport) -> dict[str, Any]:
    return {
        "standard": report.standard_id,
        "version": report.version,
        "iri": report.iri,
        "status": report.status.value,
        "previous_status": report.previous_status.value if report.previous_status else None,
        "source_base_iri": report.source_base_iri,
        "sha256": report.sha256,
        "graphs": list(report.graphs),
        "changed": report.changed,
    }


@router.post(
    "/api/packages",
    summary="Import a package (admin; body: the zip as application/zip): verified, then loaded all or nothing",
)
async def import_(request: Request, store: StoreDep, settings: SettingsDep) -> JSONResponse:
    user = require_role(request, settings)
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in _ZIP_TYPES:
        raise UnsupportedMediaType(
            f"send the package as application/zip, not {media or '(none)'}",
            message_zh=f"请以 application/zip 发送数据包，而非 {media or '（无）'}",
        )
    limit = settings.max_upload_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(
            f"the package is over {limit} bytes (CPMS_KG_MAX_UPLOAD_BYTES)",
            message_zh=f"数据包超过 {limit} 字节（CPMS_KG_MAX_UPLOAD_BYTES）",
        )
    body = await request.body()
    report = await run_in_threadpool(import_package, store, body, name="package.zip", limit=limit)
    if report.changed:
        previous = report.previous_status.value if report.previous_status else None
        await run_in_threadpool(
            audit.record,
            store,
            user,
            "package.import",
            report.iri,
            before=f"status={previous}" if previous else None,
            after=f"status={report.status.value}; package sha256={report.sha256}",
        )
    return JSONResponse(_view(report), status_code=201 if report.changed else 200)
