"""Classification REST routes: schemes, concepts by code, children, search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from cpms_kg import schemes

from .deps import StoreDep

router = APIRouter(prefix="/api", tags=["classifications"])


@router.get("/schemes", summary="Classification schemes with their concept counts")
def list_schemes(store: StoreDep) -> dict[str, object]:
    return {"schemes": [schemes.as_dict(s) for s in schemes.list_schemes(store)]}


@router.get("/schemes/{scheme}", summary="A scheme's top concepts")
def scheme_top(scheme: str, store: StoreDep) -> dict[str, object]:
    return {"scheme": scheme, "top_concepts": [schemes.as_dict(c) for c in schemes.children(store, scheme, None)]}


@router.get("/schemes/{scheme}/concepts/{code}", summary="A concept by its code")
def concept(scheme: str, code: str, store: StoreDep) -> dict[str, object]:
    return schemes.as_dict(schemes.concept(store, scheme, code))


@router.get("/schemes/{scheme}/concepts/{code}/children", summary="A concept's narrower concepts")
def children(scheme: str, code: str, store: StoreDep) -> dict[str, object]:
    return {
        "scheme": scheme,
        "code": code,
        "children": [schemes.as_dict(c) for c in schemes.children(store, scheme, code)],
    }


@router.get("/search", summary="Search concepts by code prefix or zh/en label")
def search(
    store: StoreDep,
    q: Annotated[str, Query(description="code prefix or words of a label")],
    scheme: Annotated[str | None, Query(description="limit to one scheme")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> dict[str, object]:
    hits = schemes.search(store, q, scheme=scheme, limit=limit)
    return {"q": q, "results": [schemes.as_dict(h) for h in hits]}
