"""GET /api/search: ranked, filtered, paged search over concepts, categories, attributes and standards."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from cpms_kg.search import SearchQuery, SearchService

from .deps import StoreDep

router = APIRouter(prefix="/api", tags=["search"])


def get_search(request: Request) -> SearchService:
    service: SearchService = request.app.state.search
    return service


SearchDep = Annotated[SearchService, Depends(get_search)]


@router.get(
    "/search",
    summary="Search concepts, categories, attributes and standards by code, zh words (jieba) or en words and prefixes",
)
def search(
    store: StoreDep,
    service: SearchDep,
    q: Annotated[str | None, Query(description="a code or its start, or words of a zh / en label")] = None,
    kind: Annotated[str | None, Query(description="concept, category, attribute or standard")] = None,
    scheme: Annotated[str | None, Query(description="a classification scheme id, e.g. cpc21")] = None,
    standard: Annotated[str | None, Query(description="a standard id, or id@version")] = None,
    level: Annotated[int | None, Query(description="xkos level of a concept, or depth of a category")] = None,
    limit: Annotated[int, Query(description="results per page, 1 to 200")] = 20,
    offset: Annotated[int, Query(description="results to skip")] = 0,
) -> dict[str, object]:
    """Ranked by rule: exact code, exact label, code or label prefix, all words, all words or word
    prefixes; then shorter code, code, IRI. `total` counts every hit, `results` is one page."""
    query = SearchQuery.parse(q, kind=kind, scheme=scheme, standard=standard, level=level, limit=limit, offset=offset)
    return asdict(service.search(store, query))
