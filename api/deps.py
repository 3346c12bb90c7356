"""The dependencies every router uses: the store, the settings, and the write check."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from cpms_kg.errors import Forbidden, Unauthorized
from cpms_kg.settings import Settings
from cpms_kg.store.base import Store


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def require_writer(request: Request, settings: SettingsDep) -> None:
    """Write routes need the admin bearer token (roles arrive with the workflow)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized(
            "this route needs a bearer token: Authorization: Bearer <token>",
            message_zh="此接口需要 Bearer 令牌：Authorization: Bearer <令牌>",
        )
    if settings.admin_token is None or not hmac.compare_digest(token.strip(), settings.admin_token):
        raise Forbidden("the bearer token is not allowed to write", message_zh="该令牌无写入权限")


WriterDep = Depends(require_writer)
