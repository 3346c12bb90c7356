"""Pages: the pilot dashboard (targets against the guide, growth over time) and the acceptance-readiness report.

Pilot data is private: as GET /api/pilots, reading needs a pilot authority (county bureau) or an admin; anyone
else is told why and offered the login.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from cpms_kg.accounts import Role
from cpms_kg.errors import CpmsError
from cpms_kg.web import pilots as pages
from cpms_kg.web.layout import Viewer, page
from cpms_kg.web.notices import alert, sign_in_hint
from cpms_kg.web.pilots_series import growth
from cpms_kg.workflow import pilots, targets

from .deps import SettingsDep, StoreDep, require_role
from .web import ViewerDep

router = APIRouter(include_in_schema=False)
TITLE = ("试点", "Pilots")


def _refused(viewer: Viewer, error: CpmsError) -> HTMLResponse:
    said = sign_in_hint(viewer, error) if error.status in (401, 403) else alert(viewer, error)
    body = f'<h1>{viewer.t(*TITLE)}</h1>{said}<p><a href="/pilots">{viewer.t("全部试点", "All pilots")}</a></p>'
    return HTMLResponse(page(viewer, TITLE, body), status_code=error.status)


@router.get("/pilots", response_class=HTMLResponse)
def pilot_list(request: Request, viewer: ViewerDep, store: StoreDep, settings: SettingsDep) -> HTMLResponse:
    try:
        require_role(request, settings, Role.PILOT_AUTHORITY)
        found = pilots.list_pilots(store)
    except CpmsError as error:
        return _refused(viewer, error)
    return HTMLResponse(page(viewer, TITLE, pages.pilot_list(viewer, found)))


@router.get("/pilots/{pilot_id}", response_class=HTMLResponse)
async def dashboard(
    pilot_id: str, request: Request, viewer: ViewerDep, store: StoreDep, settings: SettingsDep
) -> HTMLResponse:
    try:
        require_role(request, settings, Role.PILOT_AUTHORITY)
        pilot = await run_in_threadpool(pilots.read, store, pilot_id)
        sheet = await run_in_threadpool(targets.target_sheet, store, pilot_id)
        series = await run_in_threadpool(growth, store, pilot, sheet)
    except CpmsError as error:
        return _refused(viewer, error)
    title = (f"试点 {pilot_id}", f"Pilot {pilot_id}")
    return HTMLResponse(page(viewer, title, pages.dashboard(viewer, pilot, sheet, series, today=date.today())))


@router.get("/pilots/{pilot_id}/acceptance", response_class=HTMLResponse)
async def acceptance(
    pilot_id: str, request: Request, viewer: ViewerDep, store: StoreDep, settings: SettingsDep
) -> HTMLResponse:
    try:
        require_role(request, settings, Role.PILOT_AUTHORITY)
        pilot = await run_in_threadpool(pilots.read, store, pilot_id)
        readiness = await run_in_threadpool(targets.readiness, store, pilot_id)
    except CpmsError as error:
        return _refused(viewer, error)
    title = (f"试点 {pilot_id} 验收准备情况", f"Pilot {pilot_id} acceptance readiness")
    return HTMLResponse(page(viewer, title, pages.acceptance(viewer, pilot, readiness)))
