"""POST /api/validate: upload a firm's product file, get its conformance report."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from cpms_kg import conneg
from cpms_kg.conformance import report as reports
from cpms_kg.conformance.pipeline import Options, check_file
from cpms_kg.errors import BadInput, PayloadTooLarge

from .deps import SettingsDep, StoreDep

router = APIRouter(prefix="/api", tags=["conformance"])
_OFFERS = (
    conneg.Offer("application/json", "JSON"),
    conneg.Offer("text/turtle", "TURTLE"),
    conneg.Offer("application/ld+json", "JSON_LD"),
    conneg.Offer("text/csv", "CSV"),
)


async def _save(upload: UploadFile, folder: Path, limit: int, name: str) -> Path:
    suffix = Path(upload.filename or "").suffix.lower()
    if not suffix:
        raise BadInput(
            f"the {name} upload needs a file name with an extension (.csv, .xlsx, .json, ...)",
            message_zh=f"上传的 {name} 须带扩展名（.csv、.xlsx、.json 等）",
        )
    path = folder / f"{name}{suffix}"
    size = 0
    with path.open("wb") as out:
        while chunk := await upload.read(1 << 20):
            size += len(chunk)
            if size > limit:
                raise PayloadTooLarge(
                    f"the upload is over {limit} bytes (CPMS_KG_MAX_UPLOAD_BYTES)",
                    message_zh=f"上传文件超过 {limit} 字节（CPMS_KG_MAX_UPLOAD_BYTES）",
                )
            out.write(chunk)
    return path


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
    with tempfile.TemporaryDirectory(prefix="cpms-validate-") as folder:
        data = await _save(file, Path(folder), settings.max_upload_bytes, "data")
        saved_mapping = await _save(mapping, Path(folder), settings.max_upload_bytes, "mapping") if mapping else None
        options = Options(firm=firm, category=category, mapping=saved_mapping)
        key = f"{standard}@{version}" if version else standard
        outcome = await run_in_threadpool(check_file, store, key, data, options)
    result = outcome.report
    result_name = file.filename or "upload"
    if offer.key == "TURTLE":
        return Response(reports.shacl_report(result, "turtle"), media_type="text/turtle")
    if offer.key == "JSON_LD":
        return Response(reports.shacl_report(result, "json-ld"), media_type="application/ld+json")
    if offer.key == "CSV":
        return Response(reports.findings_csv(result), media_type="text/csv; charset=utf-8")
    body: dict[str, Any] = reports.summary(result)
    body["source"] = result_name
    return JSONResponse(body)
