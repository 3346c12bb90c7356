"""Classification REST routes: schemes, concepts by code, paged children, top concepts and level members."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from cpms_kg import schemes

from .deps import StoreDep

router = APIRouter(prefix="/api", tags=["classifications"])

Limit = Annotated[int, Query(description=f"concepts per page, 1 to {schemes.MAX_PAGE}")]
Offset = Annotated[int, Query(description="concepts to skip (the order is by code, then IRI)")]


def _paged(page: schemes.ConceptPage) -> dict[str, object]:
    return {"total": page.total, "limit": page.limit, "offset": page.offset}


@router.get("/schemes", summary="Classification schemes with their concept counts")
def list_schemes(store: StoreDep) -> dict[str, object]:
    return {"schemes": [schemes.as_dict(s) for s in schemes.list_schemes(store)]}


@router.get("/schemes/{scheme}", summary="A scheme's top concepts, paged")
def scheme_top(scheme: str, store: StoreDep, limit: Limit = 100, offset: Offset = 0) -> dict[str, object]:
    page = schemes.children(store, scheme, None, limit=limit, offset=offset)
    return {"scheme": scheme, **_paged(page), "top_concepts": [schemes.as_dict(c) for c in page.items]}


@router.get("/schemes/{scheme}/levels/{depth}/members", summary="The concepts of one level of a scheme, paged")
def level_members(
    scheme: str, depth: int, store: StoreDep, limit: Limit = 100, offset: Offset = 0
) -> dict[str, object]:
    page = schemes.level_members(store, scheme, depth, limit=limit, offset=offset)
    return {"scheme": scheme, "level": depth, **_paged(page), "members": [schemes.as_dict(c) for c in page.items]}


@router.get("/schemes/{scheme}/concepts/{code}", summary="A concept by its code")
def concept(scheme: str, code: str, store: StoreDep) -> dict[str, object]:
    return schemes.as_dict(schemes.concept(store, scheme, code))


@router.get("/schemes/{scheme}/concepts/{code}/children", summary="A concept's narrower concepts, paged")
def children(scheme: str, code: str, store: StoreDep, limit: Limit = 100, offset: Offset = 0) -> dict[str, object]:
    page = schemes.children(store, scheme, code, limit=limit, offset=offset)
    return {"scheme": scheme, "code": code, **_paged(page), "children": [schemes.as_dict(c) for c in page.items]}
