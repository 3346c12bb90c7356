"""The industry data warehouses: catalogs and their entries as JSON (/api/catalogs) and as zh/en pages (/catalogs)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from cpms_kg import catalogue, catalogue_pages

from .deps import StoreDep
from .web import ViewerDep

router = APIRouter(tags=["catalogs"])

Limit = Annotated[int, Query(description=f"entries per page, 1 to {catalogue.MAX_PAGE}")]
Offset = Annotated[int, Query(description="entries to skip (the order is by entry IRI)")]


@router.get("/api/catalogs", summary="One DCAT catalog per industry, with its entries, data items and products")
def catalogs(store: StoreDep) -> dict[str, Any]:
    return {"catalogs": [c.as_json() for c in catalogue.list_catalogs(store)]}


@router.get("/api/catalogs/{catalog}", summary="A catalog and one page of its entries (total, limit, offset)")
def catalog(catalog: str, store: StoreDep, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    return catalogue.catalog_page(store, catalog, limit=limit, offset=offset).as_json()


@router.get("/api/catalogs/{catalog}/entries/{firm}/{dataset}", summary="A catalogue entry with its data items")
def entry(catalog: str, firm: str, dataset: str, store: StoreDep) -> dict[str, Any]:
    return catalogue.entry(store, catalog, firm, dataset).as_json()


@router.get("/catalogs", include_in_schema=False)
def catalogs_page(store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
    return HTMLResponse(catalogue_pages.catalogs_page(viewer, catalogue.list_catalogs(store)))


@router.get("/catalogs/{catalog}", include_in_schema=False)
def catalog_page(
    catalog: str, store: StoreDep, viewer: ViewerDep, limit: Limit = 50, offset: Offset = 0
) -> HTMLResponse:
    page = catalogue.catalog_page(store, catalog, limit=limit, offset=offset)
    return HTMLResponse(catalogue_pages.catalog_page(viewer, page, store.base_iri))


@router.get("/catalogs/{catalog}/entries/{firm}/{dataset}", include_in_schema=False)
def entry_page(catalog: str, firm: str, dataset: str, store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
    detail = catalogue.entry(store, catalog, firm, dataset)
    return HTMLResponse(catalogue_pages.entry_page(viewer, detail, store.base_iri))
