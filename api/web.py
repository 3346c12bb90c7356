"""What every page route needs: the `Viewer` (language, signed-in account) and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from cpms_kg import accounts
from cpms_kg.web.layout import LANG_COOKIE, Viewer, choose_lang

from .deps import COOKIE, SettingsDep

router = APIRouter(include_in_schema=False)


def get_viewer(request: Request, settings: SettingsDep) -> Viewer:
    """The reader: never refuses (pages for reading need no login); a bad or revoked cookie reads as signed out."""
    lang = choose_lang(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))
    token = request.cookies.get(COOKIE) or ""
    header, _, bearer = request.headers.get("authorization", "").partition(" ")
    if header.lower() == "bearer" and bearer:
        token = bearer
    user = (
        accounts.authenticate(request.app.state.store, token.strip(), admin_token=settings.admin_token)
        if token
        else None
    )
    if user is None:
        return Viewer(lang=lang, path=request.url.path)
    roles = tuple(sorted(r.value for r in user.roles))
    return Viewer(lang=lang, user=user.name, roles=roles, path=request.url.path, firm=user.firm)


ViewerDep = Annotated[Viewer, Depends(get_viewer)]


def _local(target: str) -> str:
    # Only local paths: the switch must not become an open redirect.
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/lang")
def switch_language(to: str = "zh", next: str = "/") -> RedirectResponse:
    """Remembers the reader's language (a year) and returns to the page they were on."""
    response = RedirectResponse(_local(next), status_code=303)
    response.set_cookie(LANG_COOKIE, "en" if to == "en" else "zh", max_age=365 * 24 * 3600, samesite="lax", path="/")
    return response
