"""Page routes of the browsers: classifications (/browse, /browse/search, /browse/{scheme}, /browse/{scheme}/{code})
and standards (/standards, /standards/{id}, /standards/{id}/diff, /standards/{id}/{version})."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from cpms_kg import schemes
from cpms_kg.errors import BadInput, CpmsError, NotFound
from cpms_kg.schemes import ConceptRef
from cpms_kg.search import SearchQuery
from cpms_kg.standards import service
from cpms_kg.standards.rdf import StandardSummary, list_standards, load_standard
from cpms_kg.store import Store
from cpms_kg.web import browse, standards
from cpms_kg.web.parts import PAGE_SIZE, error_page

from .deps import StoreDep
from .search import SearchDep
from .web import ViewerDep

router = APIRouter(include_in_schema=False)

Offset = Annotated[int, Query(ge=0)]
Limit = Annotated[int, Query(ge=1, le=schemes.MAX_PAGE)]
MAX_DEPTH = 12
"""Deeper than any classification here (GB/T 7635 has six levels); stops a cyclic broader chain."""


def _scheme(store: Store, scheme: str) -> schemes.SchemeInfo:
    for info in schemes.list_schemes(store):
        if info.id == scheme:
            return info
    raise NotFound(f"no scheme {scheme!r}", message_zh=f"分类体系 {scheme!r} 不存在")


def _ancestors(store: Store, concept: schemes.Concept) -> list[ConceptRef]:
    path: list[ConceptRef] = []
    current = concept
    while current.broader and len(path) < MAX_DEPTH:
        parent = current.broader[0]
        if parent.scheme != concept.scheme or any(p.iri == parent.iri for p in path):
            break
        path.insert(0, parent)
        current = schemes.concept(store, concept.scheme, parent.code)
    return path


@router.get("/browse")
def browse_page(store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
    return HTMLResponse(browse.browse_page(viewer, schemes.list_schemes(store), base_iri=store.base_iri))


@router.get("/browse/search")
def search_page(
    store: StoreDep,
    service: SearchDep,
    viewer: ViewerDep,
    q: str = "",
    scheme: str | None = None,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> HTMLResponse:
    if not q.strip():
        return HTMLResponse(browse.search_page(viewer, q, None, base_iri=store.base_iri, scheme=scheme))
    try:
        query = SearchQuery.parse(q, scheme=scheme or None, limit=limit, offset=offset)
    except CpmsError as refused:
        message = viewer.t(refused.message_zh or refused.message, refused.message)
        page = browse.search_page(viewer, q, None, base_iri=store.base_iri, scheme=scheme, error=message)
        return HTMLResponse(page, status_code=refused.status)
    found = service.search(store, query)
    return HTMLResponse(browse.search_page(viewer, q, found, base_iri=store.base_iri, scheme=scheme))


@router.get("/browse/{scheme}")
def scheme_page(
    scheme: str, store: StoreDep, viewer: ViewerDep, offset: Offset = 0, limit: Limit = PAGE_SIZE
) -> HTMLResponse:
    try:
        info = _scheme(store, scheme)
        top = schemes.children(store, scheme, None, limit=limit, offset=offset)
    except CpmsError as refused:
        return HTMLResponse(error_page(viewer, refused), status_code=refused.status)
    return HTMLResponse(browse.scheme_page(viewer, info, top, base_iri=store.base_iri))


@router.get("/browse/{scheme}/{code}")
def concept_page(
    scheme: str, code: str, store: StoreDep, viewer: ViewerDep, offset: Offset = 0, limit: Limit = PAGE_SIZE
) -> HTMLResponse:
    try:
        concept = schemes.concept(store, scheme, code)
        view = browse.ConceptView(
            concept,
            _scheme(store, scheme),
            _ancestors(store, concept),
            schemes.children(store, scheme, code, limit=limit, offset=offset),
        )
    except CpmsError as refused:
        return HTMLResponse(error_page(viewer, refused), status_code=refused.status)
    return HTMLResponse(browse.concept_page(viewer, view, base_iri=store.base_iri))


def _standard(store: Store, standard_id: str) -> StandardSummary:
    for found in list_standards(store):
        if found.id == standard_id:
            return found
    raise NotFound(f"no published standard {standard_id!r}", message_zh=f"没有已发布的标准 {standard_id!r}")


@router.get("/standards")
def standards_page(store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
    return HTMLResponse(standards.standards_page(viewer, list_standards(store)))


@router.get("/standards/{standard_id}")
def standard_page(standard_id: str, store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
    try:
        summary = _standard(store, standard_id)
    except CpmsError as refused:
        return HTMLResponse(error_page(viewer, refused), status_code=refused.status)
    return HTMLResponse(standards.standard_page(viewer, summary))


@router.get("/standards/{standard_id}/diff")
def diff_page(
    standard_id: str,
    store: StoreDep,
    viewer: ViewerDep,
    old: Annotated[str, Query(alias="from")] = "",
    new: Annotated[str, Query(alias="to")] = "",
) -> HTMLResponse:
    try:
        summary = _standard(store, standard_id)
        if not old or not new:
            raise BadInput(
                "choose the two versions to compare (from, to)", message_zh="请选择要比较的两个版本（from、to）"
            )
        result = service.compare(store, standard_id, old, new)
    except CpmsError as refused:
        return HTMLResponse(error_page(viewer, refused), status_code=refused.status)
    return HTMLResponse(standards.diff_page(viewer, summary, result))


@router.get("/standards/{standard_id}/{version}")
def version_page(standard_id: str, version: str, store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
    try:
        standard = load_standard(store, standard_id, version)
    except CpmsError as refused:
        return HTMLResponse(error_page(viewer, refused), status_code=refused.status)
    found_units = standards.units(store, standard)
    return HTMLResponse(standards.version_page(viewer, standard, found_units, base_iri=store.base_iri))
