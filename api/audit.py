"""GET /api/audit: the audit trail, for administrators only (JSON, or the PROV-O graph by Accept)."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from cpms_kg import conneg
from cpms_kg.sparql_service import serialize_triples
from cpms_kg.workflow import audit

from .deps import SettingsDep, StoreDep, require_role

router = APIRouter(prefix="/api", tags=["audit"])
_OFFERS = (conneg.Offer("application/json", "JSON"), *conneg.GRAPH_OFFERS)


@router.get("/audit", summary="Who wrote what, when, in which role (admin only; read-only)")
def read_audit(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    action: str | None = Query(None, description="only this action, e.g. vote.cast"),
    account: str | None = Query(None, description="only this account"),
) -> Response:
    require_role(request, settings)
    accept = request.headers.get("accept")
    offer = conneg.negotiate(accept, _OFFERS)
    if offer is None:
        raise conneg.not_acceptable(accept, _OFFERS)
    if offer.key != "JSON":
        fmt = getattr(ox.RdfFormat, offer.key)
        return Response(serialize_triples(list(audit.graph_triples(store)), fmt), media_type=fmt.media_type)
    found = audit.records(store, action=action, account=account)
    body: dict[str, Any] = {
        "count": len(found),
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
            for r in found
        ],
    }
    return JSONResponse(body)
