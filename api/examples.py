"""The example queries: a zh/en page (/examples) and each query as a SPARQL file (/examples/{name}.rq)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from cpms_kg import catalogue_pages, queries
from cpms_kg.errors import NotFound

from .web import ViewerDep

router = APIRouter(tags=["examples"])


@router.get("/examples", include_in_schema=False)
def examples_page(viewer: ViewerDep) -> HTMLResponse:
    return HTMLResponse(catalogue_pages.examples_page(viewer, queries.examples()))


@router.get("/examples/{file_name}", summary="An example query as a SPARQL file (application/sparql-query)")
def example_file(file_name: str) -> Response:
    name, dot, suffix = file_name.rpartition(".")
    if not dot or suffix != "rq":
        raise NotFound(
            f"no example file {file_name} (example files end in .rq)", message_zh=f"没有示例文件 {file_name}"
        )
    found = queries.example(name)
    return Response(found.query, media_type="application/sparql-query; charset=utf-8")
