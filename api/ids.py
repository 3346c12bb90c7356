"""GET /id/...: every resource minted under the base IRI dereferences here, with content negotiation."""

from __future__ import annotations

from urllib.parse import unquote

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from cpms_kg import conneg, html, linkeddata
from cpms_kg.errors import NotFound
from cpms_kg.namespaces import PREFIXES
from cpms_kg.sparql_service import serialize_triples
from cpms_kg.standards import page, service
from cpms_kg.standards.rdf import load_standard
from cpms_kg.store.base import Store

from .deps import StoreDep

router = APIRouter(tags=["linked data"])


@router.get("/id/{path:path}", summary="Dereference a resource (HTML, Turtle, JSON-LD, RDF/XML, N-Triples)")
def dereference(path: str, request: Request, store: StoreDep) -> Response:
    """Served by api.fast for GET; kept here for HEAD and the OpenAPI description."""
    return respond(store, path, request.headers.get("accept"), request.query_params.get("format"))


def respond(store: Store, path: str, accept: str | None, requested: str | None) -> Response:
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
        page = linkeddata.page(store, iri)
        return HTMLResponse(html.resource_page(store.base_iri, page, path), headers=headers)
    fmt = getattr(ox.RdfFormat, offer.key)
    triples = linkeddata.describe(store, iri)
    return Response(serialize_triples(triples, fmt, PREFIXES), media_type=fmt.media_type, headers=headers)


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
