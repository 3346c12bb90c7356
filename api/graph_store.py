"""/graph-store: the SPARQL 1.1 Graph Store HTTP Protocol.

Graphs are identified indirectly (`/graph-store?graph=IRI`, `/graph-store?default`) or directly: a
request to `/graph-store/{path}` works on the graph whose IRI is that request URL itself,
`<http://host:port/graph-store/{path}>`. A POST to `/graph-store` with neither creates a new graph
there and answers 201 with its IRI in Location. POST bodies may be multipart/form-data, each part an
RDF document merged into the graph.
"""

from __future__ import annotations

import email.parser
import email.policy
import uuid
from pathlib import Path

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from cpms_kg import conneg
from cpms_kg.accounts import User
from cpms_kg.errors import BadInput, Forbidden, UnsupportedMediaType
from cpms_kg.rdfio import format_for_media_type, format_for_path, iter_quads
from cpms_kg.settings import Settings
from cpms_kg.sparql_service import serialize_triples
from cpms_kg.store.base import LoadSource, Store, is_private_graph, is_protected_graph
from cpms_kg.terms import value
from cpms_kg.workflow import audit

from . import protocol
from .deps import SettingsDep, StoreDep, require_writer

router = APIRouter(tags=["graph store"])

ROUTE = "/graph-store"
_QUAD_FORMATS = (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG)


def _request_iri(request: Request, *, query: bool = False) -> str:
    """The request URL as the client wrote it (path still percent-encoded), by default without its query."""
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1").partition("?")[0] if raw else request.url.path
    host = request.headers.get("host") or request.url.netloc
    url = f"{request.url.scheme}://{host}{path}"
    return f"{url}?{request.url.query}" if query and request.url.query else url


def _target(request: Request, direct: bool) -> str | None:
    """The graph a request names: its own URL (direct), ?graph=IRI, or None for ?default."""
    graphs = request.query_params.getlist("graph")
    has_default = "default" in request.query_params
    if direct:
        if graphs or has_default:
            raise BadInput(
                f"a graph under {ROUTE}/ is named by its URL; ?graph= and ?default do not apply",
                message_zh=f"{ROUTE}/ 下的图由其 URL 标识，不能再给 ?graph= 或 ?default",
            )
        return _request_iri(request)
    if has_default == bool(graphs) or len(graphs) > 1:
        raise BadInput(
            "give exactly one of ?default or ?graph=IRI", message_zh="须且仅须给出 ?default 或 ?graph=IRI 之一"
        )
    return graphs[0] if graphs else None


def _new_graph(request: Request) -> str:
    return f"{_request_iri(request).rstrip('/')}/{uuid.uuid4().hex}"


async def _read(request: Request, store: StoreDep, settings: SettingsDep, direct: bool) -> Response:
    graph = _target(request, direct)
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


def _graph_format(content_type: str | None) -> ox.RdfFormat:
    fmt = format_for_media_type(content_type)
    if fmt in _QUAD_FORMATS:
        raise UnsupportedMediaType(
            f"the Graph Store Protocol takes one graph, not a dataset ({fmt.media_type})",
            message_zh=f"图存储协议只接受单个图，不接受数据集（{fmt.media_type}）",
        )
    return fmt


def _multipart(content_type: str, body: bytes, base_iri: str) -> bytes:
    """A multipart/form-data body's parts, each parsed by its own media type, as one N-Triples document."""
    header = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + body)
    if not message.is_multipart():
        raise BadInput("malformed multipart/form-data body", message_zh="multipart/form-data 请求体格式有误")
    out: list[bytes] = []
    for index, part in enumerate(message.iter_parts(), start=1):
        filename = part.get_filename()
        name = f"part {index}" + (f" ({filename})" if filename else "")
        declared = part.get("content-type")
        if declared is not None:
            fmt = _graph_format(str(declared))
        elif filename:
            fmt = format_for_path(Path(filename))
        else:
            raise UnsupportedMediaType(f"{name} has no Content-Type", message_zh=f"{name} 缺少 Content-Type")
        data = part.get_payload(decode=True)
        assert isinstance(data, bytes)
        source = LoadSource(name=name, format=fmt, data=data, base_iri=base_iri)
        # Parsed per part, blank nodes renamed: parts never share a blank node by accident.
        triples = [q.triple for q in iter_quads(source, graph_name="")]
        out.append(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
    if not out:
        raise BadInput("multipart/form-data body without parts", message_zh="multipart/form-data 请求体没有内容")
    return b"".join(out)


async def _source(request: Request, limit: int, graph: str | None, *, multipart: bool) -> LoadSource:
    content_type = request.headers.get("content-type") or ""
    body = await protocol._body(request, limit)
    base_iri = _request_iri(request, query=True)  # relative IRIs in the payload: against the request URL
    if multipart and content_type.split(";")[0].strip().lower() == "multipart/form-data":
        data = await run_in_threadpool(_multipart, content_type, body, base_iri)
        return LoadSource(name="request body", format=ox.RdfFormat.N_TRIPLES, data=data, graph=graph)
    return LoadSource(
        name="request body", format=_graph_format(content_type), data=body, graph=graph, base_iri=base_iri
    )


def _writer(request: Request, store: Store, settings: Settings, graph: str | None) -> User:
    user = require_writer(request, settings)
    if graph is not None and is_protected_graph(store.base_iri, graph):
        raise Forbidden(
            f"graph {graph} is written only by the service (audit trail, accounts)",
            message_zh=f"图 {graph} 仅由服务写入（审计记录、账户）",
        )
    return user


async def _audit(store: Store, user: User, action: str, graph: str | None, before: int | None) -> None:
    target = graph or store.base_iri + "graph/default"
    after = await run_in_threadpool(_size, store, graph)
    await run_in_threadpool(
        audit.record, store, user, action, target, before=f"triples={before}", after=f"triples={after}"
    )


def _size(store: Store, graph: str | None) -> int | None:
    """The graph's triple count for the audit record (None: the default graph, or no such graph)."""
    if graph is None or not store.graph_exists(graph):
        return None
    rows = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", trusted=True)
    return int(value(rows.rows[0]["n"])) if rows.rows else 0


async def _put(request: Request, store: StoreDep, settings: SettingsDep, direct: bool) -> Response:
    graph = _target(request, direct)
    user = _writer(request, store, settings, graph)
    source = await _source(request, settings.max_upload_bytes, graph, multipart=False)
    before = await run_in_threadpool(_size, store, graph)
    created = await run_in_threadpool(store.replace_graph, graph, source)
    await _audit(store, user, "graph.put", graph, before)
    return Response(status_code=201 if created else 204)


async def _post(request: Request, store: StoreDep, settings: SettingsDep, direct: bool) -> Response:
    params = request.query_params
    if not direct and "graph" not in params and "default" not in params:
        user = _writer(request, store, settings, None)
        new = _new_graph(request)
        source = await _source(request, settings.max_upload_bytes, new, multipart=True)
        await run_in_threadpool(store.add_to_graph, new, source)
        await _audit(store, user, "graph.post", new, None)
        return Response(status_code=201, headers={"Location": new})
    graph = _target(request, direct)
    user = _writer(request, store, settings, graph)
    source = await _source(request, settings.max_upload_bytes, graph, multipart=True)
    before = await run_in_threadpool(_size, store, graph)
    created = await run_in_threadpool(store.add_to_graph, graph, source)
    await _audit(store, user, "graph.post", graph, before)
    return Response(status_code=201 if created else 204)


async def _delete(request: Request, store: StoreDep, settings: SettingsDep, direct: bool) -> Response:
    graph = _target(request, direct)
    user = _writer(request, store, settings, graph)
    before = await run_in_threadpool(_size, store, graph)
    await run_in_threadpool(store.drop_graph, graph)
    await _audit(store, user, "graph.delete", graph, before)
    return Response(status_code=204)


@router.api_route(
    ROUTE, methods=["GET", "HEAD"], summary="Read a graph: ?graph=IRI or ?default (private graphs: bearer token)"
)
async def read_graph(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    return await _read(request, store, settings, direct=False)


@router.put(ROUTE, summary="Replace a graph: ?graph=IRI or ?default (bearer token)")
async def put_graph(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    return await _put(request, store, settings, direct=False)


@router.post(ROUTE, summary="Merge into a graph (?graph=IRI, ?default), or create a new one (bearer token)")
async def post_graph(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    return await _post(request, store, settings, direct=False)


@router.delete(ROUTE, summary="Delete a graph: ?graph=IRI or ?default (bearer token)")
async def delete_graph(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    return await _delete(request, store, settings, direct=False)


@router.api_route(
    ROUTE + "/{path:path}",
    methods=["GET", "HEAD"],
    summary="Read the graph named by this URL (private graphs: bearer token)",
)
async def read_direct(request: Request, path: str, store: StoreDep, settings: SettingsDep) -> Response:
    return await _read(request, store, settings, direct=True)


@router.put(ROUTE + "/{path:path}", summary="Replace the graph named by this URL (bearer token)")
async def put_direct(request: Request, path: str, store: StoreDep, settings: SettingsDep) -> Response:
    return await _put(request, store, settings, direct=True)


@router.post(ROUTE + "/{path:path}", summary="Merge into the graph named by this URL (bearer token)")
async def post_direct(request: Request, path: str, store: StoreDep, settings: SettingsDep) -> Response:
    return await _post(request, store, settings, direct=True)


@router.delete(ROUTE + "/{path:path}", summary="Delete the graph named by this URL (bearer token)")
async def delete_direct(request: Request, path: str, store: StoreDep, settings: SettingsDep) -> Response:
    return await _delete(request, store, settings, direct=True)
