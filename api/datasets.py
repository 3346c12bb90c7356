"""Firms' committed datasets over REST: list them, share one into the industry warehouse, withdraw it.

A firm data steward acts for their own firm only; an administrator for any firm. Every write is audited.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from pydantic import BaseModel, Field

from cpms_kg import paging
from cpms_kg.accounts import Role
from cpms_kg.conformance import datasets
from cpms_kg.workflow import audit

from .deps import SettingsDep, StoreDep, require_role
from .paging import DEFAULT_LIMIT, Limit, Offset

router = APIRouter(prefix="/api/datasets", tags=["datasets"])


class ShareBody(BaseModel):
    licence: str | None = Field(
        default=None,
        description="licence IRI of the catalogue entry (default: the current one, else CC BY 4.0)",
        examples=[datasets.DEFAULT_LICENCE],
    )


@router.get("", summary="The caller firm's committed datasets, shared or not (an admin sees every firm's), paged")
def listing(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    firm: Annotated[str | None, Query(description="only this firm's datasets")] = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> dict[str, Any]:
    user = require_role(request, settings, Role.FIRM_STEWARD)
    if Role.ADMIN not in user.roles:
        # A steward sees their own firm; asking for another firm is refused, not silently narrowed.
        firm = firm or user.firm or ""
        datasets.acting_role(user, firm)
    found = paging.page(datasets.list_datasets(store, firm), limit=limit, offset=offset)  # by firm, then dataset
    return {"datasets": [d.as_json() for d in found.items], **found.meta()}


@router.post("/{firm}/{dataset}/share", summary="Share a committed dataset: a public catalogue entry")
def share(
    firm: str,
    dataset: str,
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    body: Annotated[ShareBody | None, Body()] = None,
) -> dict[str, Any]:
    user = require_role(request, settings, Role.FIRM_STEWARD)
    role = datasets.acting_role(user, firm)
    licence = (body.licence if body else None) or datasets.current_licence(store, firm, dataset)
    before = "shared" if datasets.is_shared(store, firm, dataset) else "not shared"
    iri = datasets.share(store, firm, dataset, licence=licence or datasets.DEFAULT_LICENCE)
    licence = datasets.current_licence(store, firm, dataset)
    audit.record(store, user, "dataset.share", iri, before=before, after=f"shared; licence {licence}", role=role)
    return {"firm": firm, "id": dataset, "iri": iri, "shared": True, "licence": licence}


@router.delete("/{firm}/{dataset}/share", summary="Withdraw a shared dataset (it stays in the firm's private graph)")
def unshare(firm: str, dataset: str, request: Request, store: StoreDep, settings: SettingsDep) -> dict[str, Any]:
    user = require_role(request, settings, Role.FIRM_STEWARD)
    role = datasets.acting_role(user, firm)
    datasets.unshare(store, firm, dataset)
    iri = datasets.dataset_iri(store.base_iri, firm, dataset)
    audit.record(store, user, "dataset.unshare", iri, before="shared", after="not shared", role=role)
    return {"firm": firm, "id": dataset, "iri": iri, "shared": False, "licence": None}
