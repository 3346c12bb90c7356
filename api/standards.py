"""Standards REST routes: list, one standard, one version, its SHACL shapes, version diffs, and promotion."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from cpms_kg import conneg, paging
from cpms_kg.errors import NotFound
from cpms_kg.namespaces import PREFIXES
from cpms_kg.sparql_service import serialize_triples
from cpms_kg.standards import api_view, service
from cpms_kg.standards.diff_rdf import diff_triples
from cpms_kg.standards.model import Status
from cpms_kg.standards.rdf import list_standards, read_version
from cpms_kg.workflow import audit, publication

from .deps import SettingsDep, StoreDep, require_role
from .paging import DEFAULT_LIMIT, Limit, Offset

router = APIRouter(prefix="/api/standards", tags=["standards"])


@router.get("", summary="Standards and their versions, paged by id")
def standards(store: StoreDep, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0) -> dict[str, Any]:
    found = paging.page(list_standards(store), limit=limit, offset=offset)
    return {"standards": [api_view.listing(s) for s in found.items], **found.meta()}


@router.get("/{standard_id}", summary="One standard and its versions")
def standard(standard_id: str, store: StoreDep) -> dict[str, Any]:
    for found in list_standards(store):
        if found.id == standard_id:
            return api_view.listing(found)
    raise NotFound(f"no standard {standard_id!r}", message_zh=f"没有标准 {standard_id!r}")


@router.get("/{standard_id}/versions/{version}", summary="A version: metadata, categories, attributes, code lists")
def version(standard_id: str, version: str, store: StoreDep) -> dict[str, Any]:
    found = read_version(store, standard_id, version)
    return api_view.full(found.standard, found.base)  # IRIs as minted, here or where a package came from


@router.get("/{standard_id}/versions/{version}/shapes", summary="The version's SHACL shapes (Turtle or JSON-LD)")
async def shapes(standard_id: str, version: str, request: Request, store: StoreDep) -> Response:
    accept = request.headers.get("accept")
    fmt = conneg.graph_format(accept)
    if fmt is None:
        raise conneg.not_acceptable(accept, conneg.GRAPH_OFFERS)
    turtle = await run_in_threadpool(service.shapes, store, f"{standard_id}@{version}")
    if fmt is ox.RdfFormat.TURTLE:
        return Response(turtle, media_type=fmt.media_type)
    triples = [q.triple for q in ox.parse(turtle, ox.RdfFormat.TURTLE)]
    return Response(ox.serialize(triples, format=fmt), media_type=fmt.media_type)


_DIFF_OFFERS = (conneg.Offer("application/json", "JSON"), *conneg.GRAPH_OFFERS)


@router.get(
    "/{standard_id}/diff",
    summary="Per-item differences between two versions with the migration map (JSON, or RDF by Accept)",
)
def version_diff(
    standard_id: str,
    request: Request,
    store: StoreDep,
    old: Annotated[str, Query(alias="from", description="the older version")],
    new: Annotated[str, Query(alias="to", description="the newer version")],
) -> Response:
    accept = request.headers.get("accept")
    offer = conneg.negotiate(accept, _DIFF_OFFERS)
    if offer is None:
        raise conneg.not_acceptable(accept, _DIFF_OFFERS)
    result = service.compare(store, standard_id, old, new)
    if offer.key == "JSON":
        return JSONResponse(result.as_json())
    fmt = getattr(ox.RdfFormat, offer.key)
    triples = diff_triples(result, store.base_iri)
    return Response(serialize_triples(triples, fmt, PREFIXES), media_type=fmt.media_type)


class Promotion(BaseModel):
    to: Literal["recommended", "published-national"] = Field(
        description="recommended (to the national platform), then published-national"
    )


@router.post(
    "/{standard_id}/versions/{version}/promote",
    summary="Recommend a provincial standard to the national platform, or record its national publication (admin)",
)
def promote(
    standard_id: str, version: str, body: Promotion, request: Request, store: StoreDep, settings: SettingsDep
) -> dict[str, Any]:
    user = require_role(request, settings)
    key = f"{standard_id}@{version}"
    located = service.locate(store, key)
    before = located.standard.info.status.value
    promoted = publication.promote(store, key, user.name, Status(body.to))
    target = located.iri
    audit.record(store, user, "standard.promote", target, before=f"status={before}", after=f"status={body.to}")
    return {"standard": key, "iri": target, "status": promoted.info.status.value}
