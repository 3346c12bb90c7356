"""GET /.well-known/void: the VoID and DCAT description of the service, by content negotiation."""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from cpms_kg import conneg, jsonld, void
from cpms_kg.namespaces import PREFIXES
from cpms_kg.sparql_service import serialize_triples

from .deps import StoreDep

router = APIRouter(tags=["linked data"])

_PREFIXES = {**PREFIXES, "void": void.VOID}


def _cache(request: Request) -> void.VoidCache:
    state = request.app.state
    cache: void.VoidCache | None = getattr(state, "void", None)
    if cache is None:
        cache = state.void = void.VoidCache()
    return cache


@router.get(
    "/.well-known/void",
    summary="VoID and DCAT description of the service (Turtle, JSON-LD, N-Triples, RDF/XML, HTML)",
)
def describe(request: Request, store: StoreDep) -> Response:
    """Triples per public graph, vocabularies, SPARQL endpoint, examples; recounted after each write."""
    accept = request.headers.get("accept")
    requested = request.query_params.get("format")
    if requested:
        accept = conneg.alias(requested) or requested
    offer = conneg.negotiate(accept, conneg.PAGE_OFFERS)
    if offer is None:
        raise conneg.not_acceptable(accept, conneg.PAGE_OFFERS)
    stats = _cache(request).current(store)
    base_url = str(request.base_url)
    headers = {"Vary": "Accept"}
    if offer.key == "HTML":
        return HTMLResponse(void.page(stats, base_iri=store.base_iri, base_url=base_url), headers=headers)
    triples = void.describe(stats, base_iri=store.base_iri, base_url=base_url)
    fmt = getattr(ox.RdfFormat, offer.key)
    if fmt == ox.RdfFormat.JSON_LD:
        headers["Link"] = jsonld.link_header()
        return Response(jsonld.dumps(triples), media_type=jsonld.MEDIA_TYPE, headers=headers)
    return Response(serialize_triples(triples, fmt, _PREFIXES), media_type=fmt.media_type, headers=headers)
