"""A lean path for the two hottest reads, GET /id/... and GET /sparql?query=...

They skip the framework's routing, request objects and dependency injection (most of a request's
cost at these sizes) but call the very handlers the routers use, so answers and errors are the
same. Anything unusual falls through to the full application.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from cpms_kg.errors import CpmsError
from cpms_kg.store.base import Dataset

from . import ids, sparql
from .errors import error_response

_SPARQL_PARAMS = frozenset({"query", "default-graph-uri", "named-graph-uri"})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


class FastPath:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if not (path.startswith("/id/") or path == "/sparql"):
            await self.app(scope, receive, send)
            return
        params = parse_qsl(scope["query_string"].decode("latin-1"))
        state = scope["app"].state
        try:
            if path.startswith("/id/"):
                formats = [v for k, v in params if k == "format"]
                offsets = [v for k, v in params if k == "offset"]
                response = ids.respond(
                    state.store,
                    path[4:],
                    _header(scope, b"accept"),
                    formats[0] if formats else None,
                    offsets[0] if offsets else None,
                )
            else:
                queries = [v for k, v in params if k == "query"]
                if len(queries) != 1 or any(k not in _SPARQL_PARAMS for k, _ in params):
                    await self.app(scope, receive, send)
                    return
                dataset = Dataset(
                    tuple(v for k, v in params if k == "default-graph-uri"),
                    tuple(v for k, v in params if k == "named-graph-uri"),
                )
                response = await sparql.answer(
                    state.store, state.settings, queries[0], _header(scope, b"accept"), dataset
                )
        except CpmsError as exc:
            headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
            response = error_response(
                Request(scope), exc.status, exc.message, exc.message_zh or exc.message, exc.problems, headers
            )
        await response(scope, receive, send)
