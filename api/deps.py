"""The dependencies every router uses: the store, the settings, and the write check."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from cpms_kg import accounts
from cpms_kg.accounts import User
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


COOKIE = "cpms_token"


def require_user(request: Request, settings: SettingsDep) -> User:
    """The account behind the bearer token (CPMS_KG_ADMIN_TOKEN, or one made with `cpms-kg user token`),
    from the Authorization header or, for pages, the login cookie."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not header and request.cookies.get(COOKIE):
        scheme, token = "bearer", request.cookies[COOKIE]
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized(
            "this route needs a bearer token: Authorization: Bearer <token>",
            message_zh="此接口需要 Bearer 令牌：Authorization: Bearer <令牌>",
        )
    user = accounts.authenticate(request.app.state.store, token.strip(), admin_token=settings.admin_token)
    if user is None:
        raise Forbidden(
            "the bearer token is not valid (unknown, revoked or wrong)", message_zh="令牌无效（未知、已吊销或错误）"
        )
    return user


def require_role(request: Request, settings: Settings, *roles: accounts.Role) -> User:
    user = require_user(request, settings)
    if not user.has(*roles):
        needed = ", ".join(r.value for r in (accounts.Role.ADMIN, *roles))
        raise Forbidden(
            f"account {user.name} may not do this (needs one of: {needed})",
            message_zh=f"账户 {user.name} 无此权限（需要角色：{needed}）",
        )
    return user


def require_writer(request: Request, settings: SettingsDep) -> User:
    """SPARQL Update and Graph Store writes: administrators only."""
    return require_role(request, settings)


WriterDep = Depends(require_writer)
