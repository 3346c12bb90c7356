"""GET /: the home page, in Chinese and English."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from cpms_kg import catalogue_pages, schemes
from cpms_kg.web.home import SchemeRow, home_page

from .deps import StoreDep
from .web import ViewerDep

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
    listed = [
        SchemeRow(s.id, s.title.get("zh", ""), s.title.get("en", ""), s.concepts) for s in schemes.list_schemes(store)
    ]
    page = home_page(viewer, listed, graphs=len(store.public_graphs()), base_iri=store.base_iri)
    # The warehouse and example-query links go after the home page's own sections.
    return HTMLResponse(page.replace("</main>", catalogue_pages.home_section(viewer) + "</main>", 1))
