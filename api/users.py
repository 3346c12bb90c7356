"""Accounts over REST for administrators: create an account, issue a token (shown once), revoke a token.

The same operations as `cpms-kg user add|token|revoke`; tokens are stored only as hashes.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from cpms_kg import accounts
from cpms_kg.accounts import Role
from cpms_kg.workflow import audit

from .deps import SettingsDep, StoreDep, require_role

router = APIRouter(prefix="/api", tags=["accounts"])


class NewUser(BaseModel):
    name: str
    roles: list[Role] = Field(min_length=1)
    firm: str | None = None


@router.post("/users", status_code=201, summary="Create an account with its roles (admin)")
def add_user(body: NewUser, request: Request, store: StoreDep, settings: SettingsDep) -> dict[str, Any]:
    admin = require_role(request, settings)
    user = accounts.add_user(store, body.name, body.roles, firm=body.firm)
    roles = sorted(r.value for r in user.roles)
    target = accounts.account_iri(store.base_iri, user.name)
    audit.record(store, admin, "user.add", target, after=f"roles={','.join(roles)} firm={user.firm or ''}")
    return {"name": user.name, "roles": roles, "firm": user.firm}


@router.post("/users/{name}/tokens", status_code=201, summary="Issue a bearer token, shown once (admin)")
def issue_token(name: str, request: Request, store: StoreDep, settings: SettingsDep) -> dict[str, Any]:
    admin = require_role(request, settings)
    token = accounts.issue_token(store, name)
    token_id = token.split("_")[1]
    audit.record(store, admin, "user.token", f"{store.base_iri}token/{token_id}", after=f"account={name}")
    return {"account": name, "id": token_id, "token": token}


@router.delete("/tokens/{token_id}", status_code=204, summary="Revoke a token (admin)")
def revoke(token_id: str, request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    admin = require_role(request, settings)
    accounts.revoke(store, token_id)
    audit.record(store, admin, "user.revoke", f"{store.base_iri}token/{token_id}", before="active", after="revoked")
    return Response(status_code=204)
