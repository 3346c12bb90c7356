"""GET /: the home page, in Chinese and English."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from cpms_kg import html, schemes

from .deps import StoreDep

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(store: StoreDep) -> HTMLResponse:
    listed = [(s.id, s.title.get("zh", ""), s.title.get("en", ""), s.concepts) for s in schemes.list_schemes(store)]
    return HTMLResponse(html.home_page(listed, len(store.public_graphs()), store.base_iri))
