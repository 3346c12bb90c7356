"""/graph-store: the SPARQL 1.1 Graph Store HTTP Protocol (indirect identification, ?graph= / ?default)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from . import protocol
from .deps import SettingsDep, StoreDep, require_writer
from cpms_kg import conneg
from cpms_kg.errors import BadInput
from cpms_kg.rdfio import format_for_media_type
from cpms_kg.sparql_service import serialize_triples
from cpms_kg.store.base import LoadSource, is_private_graph

router = APIRouter(tags=["graph store"])


def _target(request: Request) -> str | None:
    graphs = request.query_params.getlist("graph")
    has_default = "default" in request.query_params
    if has_default == bool(graphs) or len(graphs) > 1:
        raise BadInput("give exactly one of ?default or ?graph=IRI", message_zh="须且仅须给出 ?default 或 ?graph=IRI 之一")
    return graphs[0] if graphs else None


@router.api_route("/graph-store", methods=["GET", "HEAD"], summary="Read a graph (private graphs: bearer token)")
async def read_graph(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    graph = _target(request)
    if graph is not None and is_private_graph(store.base_iri, graph):
        require_writer(request, settings)
    accept = request.headers.get("accept")
    fmt = conneg.graph_format(accept)
    if fmt is None:
        raise conneg.not_acceptable(accept, conneg.GRAPH_OFFERS)
    triples = await run_in_threadpool(store.graph_triples, graph)
    body = serialize_triples(triples, fmt)
    if request.method == "HEAD":
        return Response(status_code=200, media_type=fmt.media_type, headers={"Content-Length": str(len(body))})
    return Response(body, media_type=fmt.media_type)


async def _source(request: Request, limit: int, graph: str | None) -> LoadSource:
    fmt = format_for_media_type(request.headers.get("content-type"))
    body = await protocol._body(request, limit)
    return LoadSource(name="request body", format=fmt, data=body, graph=graph, base_iri=str(request.url))


@router.put("/graph-store", summary="Replace a graph (bearer token)")
async def put_graph(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    require_writer(request, settings)
    graph = _target(request)
    source = await _source(request, settings.max_upload_bytes, graph)
    created = await run_in_threadpool(store.replace_graph, graph, source)
    return Response(status_code=201 if created else 204)


@router.post("/graph-store", summary="Merge into a graph (bearer token)")
async def post_graph(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    require_writer(request, settings)
    graph = _target(request)
    source = await _source(request, settings.max_upload_bytes, graph)
    created = await run_in_threadpool(store.add_to_graph, graph, source)
    return Response(status_code=201 if created else 204)


@router.delete("/graph-store", summary="Delete a graph (bearer token)")
async def delete_graph(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    require_writer(request, settings)
    graph = _target(request)
    await run_in_threadpool(store.drop_graph, graph)
    return Response(status_code=204)
