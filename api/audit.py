"""GET /api/audit: the audit trail, for administrators only (JSON, or the PROV-O graph by Accept), paged."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from cpms_kg import conneg
from cpms_kg.sparql_service import serialize_triples
from cpms_kg.workflow import audit

from .deps import SettingsDep, StoreDep, require_role
from .paging import DEFAULT_LIMIT, Limit, Offset

router = APIRouter(prefix="/api", tags=["audit"])
_OFFERS = (conneg.Offer("application/json", "JSON"), *conneg.GRAPH_OFFERS)


@router.get("/audit", summary="Who wrote what, when, in which role (admin only; read-only), paged oldest first")
def read_audit(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    action: str | None = Query(None, description="only this action, e.g. vote.cast"),
    account: str | None = Query(None, description="only this account"),
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> Response:
    require_role(request, settings)
    accept = request.headers.get("accept")
    offer = conneg.negotiate(accept, _OFFERS)
    if offer is None:
        raise conneg.not_acceptable(accept, _OFFERS)
    found = audit.page(store, action=action, account=account, limit=limit, offset=offset)
    if offer.key != "JSON":
        # The same page of records as PROV-O; the paging travels in headers, the graph has no place for it.
        fmt = getattr(ox.RdfFormat, offer.key)
        headers = {f"X-{k.capitalize()}": str(v) for k, v in found.meta().items()}
        return Response(
            serialize_triples(audit.page_triples(store, found), fmt), media_type=fmt.media_type, headers=headers
        )
    body: dict[str, Any] = {
        "count": len(found.items),
        **found.meta(),
        "records": [
            {
                "iri": r.iri,
                "account": r.account,
                "role": r.role,
                "action": r.action,
                "target": r.target,
                "time": r.time,
                "before": r.before,
                "after": r.after,
            }
            for r in found.items
        ],
    }
    return JSONResponse(body)
