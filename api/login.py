"""Login for pages: a bearer token entered once is kept in an HttpOnly, SameSite=Strict cookie.

Pages and REST routes then accept the cookie as they accept the Authorization header (see deps). The
token is checked before the cookie is set; logging out clears it.
"""

from __future__ import annotations

from html import escape
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cpms_kg import accounts, html

from .deps import COOKIE, SettingsDep, StoreDep

router = APIRouter(include_in_schema=False)


def _safe_next(target: str) -> str:
    # Only local paths: an open redirect would let a link carry the user elsewhere after login.
    return target if target.startswith("/") and not target.startswith("//") else "/"


def _form(next_path: str, error: str = "") -> str:
    message = f'<p role="alert" class="error">{error}</p>' if error else ""
    return html.shell(
        "登录 · Log in",
        "<h1>登录 <small>Log in</small></h1>"
        f"{message}"
        '<form method="post" action="/login">'
        f'<input type="hidden" name="next" value="{escape(next_path)}">'
        '<label for="token">访问令牌 · Access token</label> '
        '<input id="token" name="token" type="password" autocomplete="current-password" required> '
        '<button type="submit">登录 · Log in</button></form>'
        "<p>令牌由管理员以 <code>cpms-kg user token</code> 签发。"
        " Tokens are issued by an administrator with <code>cpms-kg user token</code>.</p>",
    )


@router.get("/login")
def login_page(next: str = "/") -> HTMLResponse:
    return HTMLResponse(_form(_safe_next(next)))


@router.post("/login")
def login(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    token: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    user = accounts.authenticate(store, token.strip(), admin_token=settings.admin_token)
    if user is None:
        error = "令牌无效（未知、已吊销或错误）。The token is not valid (unknown, revoked or wrong)."
        return HTMLResponse(_form(_safe_next(next), error), status_code=403)
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
