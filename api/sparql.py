"""GET, POST /sparql: the SPARQL 1.1 Protocol, query only; a service description without a query."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from cpms_kg import conneg
from cpms_kg.errors import BadInput
from cpms_kg.settings import Settings
from cpms_kg.sparql_service import run_query_async, serialize_triples, service_description
from cpms_kg.store.base import Dataset, Store

from . import protocol
from .deps import SettingsDep, StoreDep

router = APIRouter(tags=["sparql"])


@router.api_route("/sparql", methods=["GET", "POST", "PUT", "DELETE", "PATCH"], include_in_schema=False)
@router.api_route("/sparql/", methods=["GET", "POST", "PUT", "DELETE", "PATCH"], include_in_schema=False)
async def sparql(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    operation = await protocol.read(request, "query", limit=settings.max_upload_bytes)
    if operation.values("update"):
        raise BadInput(
            "updates are not accepted on /sparql; send them to /sparql/update with a bearer token",
            message_zh="/sparql 不接受更新请求；请携带令牌发送到 /sparql/update",
        )
    accept = request.headers.get("accept")
    formats = operation.values("format")
    if formats:
        accept = conneg.alias(formats[0]) or formats[0]
    if operation.text is None:
        fmt = conneg.graph_format(accept)
        if fmt is None:
            raise conneg.not_acceptable(accept, conneg.GRAPH_OFFERS)
        endpoint = str(request.url.replace(query=""))
        triples = await run_in_threadpool(service_description, store, settings, endpoint)
        body = serialize_triples(triples, fmt)
        return Response(body, media_type=fmt.media_type)
    return await answer(
        store, settings, operation.text, accept, operation.dataset("default-graph-uri", "named-graph-uri")
    )


async def answer(store: Store, settings: Settings, query: str, accept: str | None, dataset: Dataset) -> Response:
    result = await run_query_async(store, settings, query, accept=accept, dataset=dataset)
    return Response(result.body, media_type=result.media_type, headers={"Vary": "Accept"})


@router.get("/sparql-docs", summary="SPARQL 1.1 Protocol endpoint (GET/POST /sparql)", tags=["sparql"])
def sparql_docs() -> dict[str, object]:
    """How to use /sparql (FastAPI cannot describe a protocol endpoint's three request forms)."""
    return {
        "endpoint": "/sparql",
        "methods": ["GET ?query=", "POST application/x-www-form-urlencoded query=", "POST application/sparql-query"],
        "dataset": ["default-graph-uri", "named-graph-uri"],
        "results": [o.media_type for o in conneg.RESULT_OFFERS],
        "graphs": [o.media_type for o in conneg.GRAPH_OFFERS],
        "default_graph": "the union of the public graphs",
    }
