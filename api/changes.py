"""The change feed over REST: what changed in public data since a time, paged, as JSON or Atom."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from cpms_kg import conneg, feed

from .deps import StoreDep

router = APIRouter(prefix="/api/changes", tags=["changes"])

_OFFERS = (conneg.Offer("application/json", "JSON"), conneg.Offer("application/atom+xml", "ATOM"))


@router.get(
    "",
    summary="Changes to public data, oldest first: published and promoted standard versions, catalogue entries "
    "shared, updated and withdrawn, data IP registrations (JSON, or Atom by Accept)",
    responses={200: {"content": {"application/json": {}, "application/atom+xml": {}}}},
)
async def changes(
    request: Request,
    store: StoreDep,
    since: Annotated[
        str | None, Query(description="ISO-8601 date or date-time; only later changes (the previous poll's next_since)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=feed.MAX_LIMIT, description="entries per page")] = 100,
    cursor: Annotated[str | None, Query(description="from the previous page's next link")] = None,
) -> Response:
    accept = request.headers.get("accept")
    offer = conneg.negotiate(accept, _OFFERS)
    if offer is None:
        raise conneg.not_acceptable(accept, _OFFERS)
    after = feed.parse_since(since) if since is not None else None
    page = await run_in_threadpool(feed.changes, store, since=after, limit=limit, cursor=cursor)
    root = str(request.base_url).rstrip("/")
    next_url = None
    if page.cursor is not None:
        params = {k: v for k, v in (("since", since), ("limit", str(limit)), ("cursor", page.cursor)) if v is not None}
        next_url = f"{root}/api/changes?{urlencode(params)}"
    if offer.key == "ATOM":
        body = feed.to_atom(
            page, feed_id=store.base_iri + "changes", self_url=str(request.url), next_url=next_url, root=root
        )
        return Response(body, media_type="application/atom+xml")

    def absolute(href: str) -> str:
        return root + href if href.startswith("/") else href

    entries = [{**c.as_json(), "links": {k: absolute(v) for k, v in c.links.items()}} for c in page.changes]
    return JSONResponse({"changes": entries, "next": next_url, "next_since": page.next_since, "count": len(entries)})
