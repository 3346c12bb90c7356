"""GET /sparql-editor: the SPARQL editor page (YASGUI), and its plain form without JavaScript."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cpms_kg.errors import CpmsError, NotFound
from cpms_kg.sparql_service import run_query_async
from cpms_kg.web import sparql
from cpms_kg.web.parts import error_page

from .deps import SettingsDep, StoreDep
from .web import ViewerDep

router = APIRouter(include_in_schema=False)

_ANSWER = "application/sparql-results+json, text/turtle;q=0.9"


@router.get("/sparql-editor")
async def editor(
    store: StoreDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    query: str = "",
    example: str = "",
    format: str = "",
) -> Response:
    if example:
        chosen = next((e for e in sparql.editor_examples() if e.name == example), None)
        if chosen is None:
            missing = NotFound(f"no example query {example!r}", message_zh=f"没有示例查询 {example!r}")
            return HTMLResponse(error_page(viewer, missing), status_code=404)
        query = chosen.query
    if not query.strip():
        first = sparql.editor_examples()[0]
        return HTMLResponse(sparql.editor_page(viewer, first.query, chosen=first.name))
    if format:
        # The plain form's download choice: the endpoint answers in that format.
        return RedirectResponse("/sparql?" + urlencode({"query": query, "format": format}), status_code=303)
    try:
        answer = await run_query_async(store, settings, query, accept=_ANSWER)
    except CpmsError as refused:
        message = viewer.t(refused.message_zh or refused.message, refused.message)
        page = sparql.editor_page(viewer, query, error=message, chosen=example or None)
        return HTMLResponse(page, status_code=refused.status)
    results = sparql.Results.parse(answer.body, answer.media_type)
    return HTMLResponse(sparql.editor_page(viewer, query, results=results, chosen=example or None))
