"""Login for pages: a bearer token entered once is kept in an HttpOnly, SameSite=Strict cookie.

Pages and REST routes then accept the cookie as they accept the Authorization header (see deps). The
token is checked before the cookie is set; logging out clears it.
"""

from __future__ import annotations

from html import escape
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cpms_kg import accounts
from cpms_kg.web.layout import Viewer, page

from .deps import COOKIE, SettingsDep, StoreDep
from .web import ViewerDep

router = APIRouter(include_in_schema=False)


def _safe_next(target: str) -> str:
    # Only local paths: an open redirect would let a link carry the user elsewhere after login.
    return target if target.startswith("/") and not target.startswith("//") else "/"


def _form(viewer: Viewer, next_path: str, error: bool = False) -> str:
    message = (
        '<p role="alert">'
        + viewer.t("令牌无效（未知、已吊销或错误）。", "The token is not valid (unknown, revoked or wrong).")
        + "</p>"
        if error
        else ""
    )
    body = (
        f"<h1>{viewer.t('登录', 'Log in')}</h1>{message}"
        '<form method="post" action="/login">'
        f'<input type="hidden" name="next" value="{escape(next_path)}">'
        f'<p><label for="token">{viewer.t("访问令牌", "Access token")}</label> '
        '<input id="token" name="token" type="password" autocomplete="current-password" required> '
        f'<button type="submit">{viewer.t("登录", "Log in")}</button></p></form>'
        "<p>"
        + viewer.t(
            "令牌由管理员以 <code>cpms-kg user token</code> 签发。",
            "Tokens are issued by an administrator with <code>cpms-kg user token</code>.",
        )
        + "</p>"
    )
    return page(viewer, ("登录", "Log in"), body)


@router.get("/login")
def login_page(viewer: ViewerDep, next: str = "/") -> HTMLResponse:
    return HTMLResponse(_form(viewer, _safe_next(next)))


@router.post("/login")
def login(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    token: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    user = accounts.authenticate(store, token.strip(), admin_token=settings.admin_token)
    if user is None:
        return HTMLResponse(_form(viewer, _safe_next(next), error=True), status_code=403)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        COOKIE,
        token.strip(),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
