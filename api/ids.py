"""GET /id/...: every resource minted under the base IRI dereferences here, with content negotiation."""

from __future__ import annotations

from urllib.parse import unquote

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from cpms_kg import conneg, html, jsonld, linkeddata
from cpms_kg.errors import BadInput, NotFound
from cpms_kg.namespaces import PREFIXES
from cpms_kg.paging import MAX_OFFSET
from cpms_kg.sparql_service import serialize_triples
from cpms_kg.standards import page, service
from cpms_kg.standards.rdf import load_standard
from cpms_kg.store.base import Store

from .deps import StoreDep

router = APIRouter(tags=["linked data"])


@router.get("/id/{path:path}", summary="Dereference a resource (HTML, Turtle, JSON-LD, RDF/XML, N-Triples)")
def dereference(path: str, request: Request, store: StoreDep) -> Response:
    """Served by api.fast for GET; kept here for HEAD and the OpenAPI description."""
    params = request.query_params
    return respond(store, path, request.headers.get("accept"), params.get("format"), params.get("offset"))


def respond(store: Store, path: str, accept: str | None, requested: str | None, offset: str | None = None) -> Response:
    """`offset` pages a concept's narrower list on its HTML page (RDF answers are whole descriptions)."""
    narrower_offset = _offset(offset)
    if requested:
        accept = conneg.alias(requested) or requested
    offer = conneg.negotiate(accept, conneg.PAGE_OFFERS)
    if offer is None:
        raise conneg.not_acceptable(accept, conneg.PAGE_OFFERS)
    iri = linkeddata.iri_for_path(store.base_iri, path)
    headers = {"Vary": "Accept", "Link": f'<{iri}>; rel="canonical"'}
    if offer.key == "HTML":
        version_page = _standard_version_page(store, path)
        if version_page is not None:
            return HTMLResponse(version_page, headers=headers)
        page = linkeddata.page(store, iri, narrower_offset=narrower_offset)
        return HTMLResponse(html.resource_page(store.base_iri, page, path), headers=headers)
    fmt = getattr(ox.RdfFormat, offer.key)
    triples = linkeddata.describe(store, iri)
    # Compacted with the ontology's context; RDF-star triple terms have no JSON-LD 1.1 form and keep the default.
    if fmt == ox.RdfFormat.JSON_LD and jsonld.compactable(triples):
        headers["Link"] += ", " + jsonld.link_header()
        return Response(jsonld.dumps(triples), media_type=jsonld.MEDIA_TYPE, headers=headers)
    return Response(serialize_triples(triples, fmt, PREFIXES), media_type=fmt.media_type, headers=headers)


@router.get("/ontology/context.jsonld", summary="The ontology's JSON-LD @context (JSON-LD 1.1)")
def context() -> Response:
    """Every cpms class and property as a term, with the prefixes of the reused vocabularies."""
    body = jsonld.context_text(jsonld.published_context())
    # Open to every origin: browser JSON-LD processors fetch contexts across origins.
    headers = {"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=3600"}
    return Response(body, media_type=jsonld.MEDIA_TYPE, headers=headers)


def _offset(value: str | None) -> int:
    if value is None:
        return 0
    if not (value.isascii() and value.isdigit() and len(value) <= 10) or int(value) > MAX_OFFSET:
        raise BadInput(
            f"offset must be a whole number from 0 to {MAX_OFFSET}",
            message_zh=f"offset 必须是 0 到 {MAX_OFFSET} 的整数",
        )
    return int(value)


def _standard_version_page(store: Store, path: str) -> str | None:
    """A standard version gets its own page: category tree, attribute table, code lists."""
    parts = path.split("/")
    if len(parts) != 3 or parts[0] != "standard":
        return None
    try:
        standard = load_standard(store, unquote(parts[1]), unquote(parts[2]))
    except NotFound:
        return None
    return page.version_page(standard, store.base_iri, service.unit_symbols(store, standard))
