"""Data IP registrations over REST: register a shared dataset (its firm's steward or an administrator),
read a registration and verify the dataset against it (both public)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from cpms_kg.accounts import Role
from cpms_kg.conformance import datasets
from cpms_kg.workflow import audit, dataip

from .deps import SettingsDep, StoreDep, require_role

router = APIRouter(prefix="/api/dataip", tags=["data IP"])


class RegisterBody(BaseModel):
    firm: str = Field(description="the registrant firm's id", examples=["acme"])
    dataset: str = Field(description="the shared dataset's id", examples=["2026-q4"])
    number: str = Field(description="registration number issued by the authority", examples=["ZJ-DIP-2026-0001"])
    authority: str = Field(description="the registration authority", examples=["浙江省数据知识产权登记平台"])
    date: str = Field(description="registration date, YYYY-MM-DD", examples=["2026-03-01"])
    licence: str | None = Field(
        default=None, description="licence IRI the ODRL offer expresses (default: the one the dataset is shared under)"
    )


@router.post("", status_code=201, summary="Register a shared dataset's data IP (content hash RDFC-1.0/SHA-256)")
def register(body: RegisterBody, request: Request, store: StoreDep, settings: SettingsDep) -> JSONResponse:
    user = require_role(request, settings, Role.FIRM_STEWARD)
    role = datasets.acting_role(user, body.firm)
    record = dataip.register(
        store,
        user,
        firm=body.firm,
        dataset=body.dataset,
        number=body.number,
        authority=body.authority,
        when=body.date,
        licence=body.licence,
    )
    audit.record(store, user, "dataip.register", record.iri, after=record.content_hash, role=role)
    location = f"/api/dataip/{quote(record.number, safe='')}"
    return JSONResponse(record.as_json(), status_code=201, headers={"Location": location})


@router.get("/{number}", summary="A data IP registration (public record)")
def show(number: str, store: StoreDep) -> dict[str, Any]:
    return dataip.find(store, number).as_json()


@router.get("/{number}/verify", summary="Recompute the shared dataset's hash and compare it with the registration")
def verify(number: str, store: StoreDep) -> dict[str, Any]:
    return dataip.verify(store, number).as_json()
