"""POST /sparql/update: SPARQL 1.1 Update over the protocol, for holders of a write token."""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from cpms_kg.errors import BadInput
from cpms_kg.sparql_service import run_update
from cpms_kg.store.sparql_text import scan_update
from cpms_kg.workflow import audit

from . import protocol
from .deps import SettingsDep, StoreDep, require_writer

router = APIRouter(tags=["sparql"])


@router.api_route(
    "/sparql/update",
    methods=["GET", "POST", "PUT", "DELETE"],
    summary="SPARQL 1.1 Update (bearer token)",
)
async def sparql_update(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    user = require_writer(request, settings)
    if request.method == "GET":
        raise BadInput("updates must be sent with POST", message_zh="更新请求必须使用 POST")
    operation = await protocol.read(request, "update", limit=settings.max_upload_bytes)
    if operation.text is None:
        raise BadInput("no update= given", message_zh="缺少 update= 参数")
    dataset = operation.dataset("using-graph-uri", "using-named-graph-uri")
    if not dataset.empty and scan_update(operation.text).has_dataset_clause:
        raise BadInput(
            "using-graph-uri / using-named-graph-uri cannot be combined with USING or WITH in the update",
            message_zh="using-graph-uri / using-named-graph-uri 不能与更新语句中的 USING 或 WITH 同时使用",
        )
    await run_in_threadpool(run_update, store, settings, operation.text, dataset=dataset)
    digest = hashlib.sha256(operation.text.encode()).hexdigest()
    target = store.base_iri + "sparql/update"
    await run_in_threadpool(audit.record, store, user, "sparql.update", target, after=f"update sha256={digest}")
    return Response(status_code=204)
