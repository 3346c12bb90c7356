"""One JSON error shape for every error: {"ok": false, "status": 4xx, "error": "...", "errors": [...]}."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from cpms_kg import conneg
from cpms_kg.errors import CpmsError, Problem
from cpms_kg.html import error_page

_STATUS_ZH = {
    400: "请求有误",
    401: "需要身份验证",
    403: "禁止访问",
    404: "未找到",
    405: "不允许的方法",
    406: "无法提供所需格式",
    413: "请求体过大",
    415: "不支持的媒体类型",
    422: "请求参数有误",
}


def error_response(
    request: Request,
    status: int,
    message: str,
    message_zh: str,
    problems: list[Problem] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    wants = conneg.negotiate(
        request.headers.get("accept"), (conneg.Offer("application/json", "JSON"), conneg.Offer("text/html", "HTML"))
    )
    if wants is not None and wants.key == "HTML" and "text/html" in request.headers.get("accept", ""):
        return HTMLResponse(error_page(status, message, message_zh), status_code=status, headers=headers)
    body = {
        "ok": False,
        "status": status,
        "error": message,
        "error_zh": message_zh,
        "errors": [p.as_dict() for p in problems or []],
    }
    return JSONResponse(body, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(CpmsError)
    async def cpms_error(request: Request, exc: CpmsError) -> Response:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return error_response(request, exc.status, exc.message, exc.message_zh or exc.message, exc.problems, headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = str(exc.detail)
        return error_response(
            request, exc.status_code, message, _STATUS_ZH.get(exc.status_code, message), headers=dict(exc.headers or {})
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            Problem(str(e.get("msg")), column=".".join(str(x) for x in e.get("loc", ())), message_zh="参数无效")
            for e in exc.errors()
        ]
        return error_response(request, 400, "invalid request parameters", "请求参数无效", problems)
