"""Reading SPARQL protocol requests: GET parameters, URL-encoded forms and direct POST bodies."""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import Request

from cpms_kg.errors import BadInput, MethodNotAllowed, PayloadTooLarge, UnsupportedMediaType
from cpms_kg.store.base import Dataset


class Operation:
    """One protocol operation: its text (None when absent) and all parameters, URL and form merged."""

    def __init__(self, text: str | None, params: list[tuple[str, str]]) -> None:
        self.text = text
        self.params = params

    def values(self, name: str) -> list[str]:
        return [v for k, v in self.params if k == name]

    def dataset(self, default: str, named: str) -> Dataset:
        return Dataset(tuple(self.values(default)), tuple(self.values(named)))


def _charset_ok(content_type: str) -> bool:
    for part in content_type.split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            return False
    return True


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"request body over {limit} bytes", message_zh=f"请求体超过 {limit} 字节")
    body = await request.body()
    if len(body) > limit:
        raise PayloadTooLarge(f"request body over {limit} bytes", message_zh=f"请求体超过 {limit} 字节")
    return body


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(f"the request body is not UTF-8: {exc}", message_zh="请求体不是 UTF-8 编码") from exc


async def read(request: Request, kind: str, *, limit: int) -> Operation:
    """kind is "query" or "update"; the protocol's rules on methods and media types are enforced."""
    params = parse_qsl(request.url.query, keep_blank_values=True)
    if request.method == "GET":
        return Operation(_single(params, kind), params)
    if request.method != "POST":
        raise MethodNotAllowed(
            f"{request.method} is not a SPARQL protocol method; use GET or POST",
            message_zh=f"SPARQL 协议不支持 {request.method}，请使用 GET 或 POST",
        )
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";")[0].strip().lower()
    if not _charset_ok(content_type):
        raise UnsupportedMediaType("SPARQL requests must be UTF-8", message_zh="SPARQL 请求必须使用 UTF-8 编码")
    body = await _body(request, limit)
    if media == "application/x-www-form-urlencoded":
        params = params + parse_qsl(_decode(body), keep_blank_values=True)
        return Operation(_single(params, kind), params)
    if media == f"application/sparql-{kind}":
        if any(k == kind for k, _ in params):
            raise BadInput(
                f"a direct POST must not also carry a {kind}= parameter",
                message_zh=f"直接 POST 不能同时带 {kind}= 参数",
            )
        return Operation(_decode(body), params)
    raise UnsupportedMediaType(
        f"POST needs Content-Type application/x-www-form-urlencoded or application/sparql-{kind}, "
        f"not {media or '(none)'}",
        message_zh=f"POST 的 Content-Type 须为 application/x-www-form-urlencoded 或 application/sparql-{kind}",
    )


def _single(params: list[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in params if k == name]
    if len(values) > 1:
        raise BadInput(
            f"exactly one {name}= parameter is allowed, got {len(values)}",
            message_zh=f"只允许一个 {name}= 参数，收到 {len(values)} 个",
        )
    return values[0] if values else None
