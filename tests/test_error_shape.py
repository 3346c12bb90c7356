"""Every JSON error, from every route, has the one shape: {"ok": false, "status", "error", "errors"}."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import ADMIN_TOKEN, Server

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}

CASES = [
    ("GET", "/sparql", {"params": {"query": "SELECT"}}, 400),
    ("GET", "/sparql", {"params": {"query": "ASK {}"}, "headers": {"Accept": "image/gif"}}, 406),
    ("GET", "/sparql", {"params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
    ("PUT", "/sparql", {"params": {"query": "ASK {}"}}, 405),
    ("POST", "/sparql", {"content": "ASK {}", "headers": {"Content-Type": "text/plain"}}, 415),
    ("GET", "/sparql", {"params": {"query": "SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"}}, 403),
    ("POST", "/sparql/update", {"data": {"update": "CLEAR ALL"}}, 401),
    ("POST", "/sparql/update", {"data": {"update": "CLEAR ALL"}, "headers": {"Authorization": "Bearer wrong"}}, 403),
    ("POST", "/sparql/update", {"data": {"update": "INSERT DATA {"}, "headers": AUTH}, 400),
    (
        "PUT",
        "/graph-store",
        {
            "params": {"graph": "http://example.org/g"},
            "content": "<a> <b> .",
            "headers": {**AUTH, "Content-Type": "text/turtle"},
        },
        400,
    ),
    (
        "PUT",
        "/graph-store",
        {"params": {"graph": "http://example.org/g"}, "content": "x", "headers": {**AUTH, "Content-Type": "image/png"}},
        415,
    ),
    ("DELETE", "/graph-store", {"params": {"graph": "http://example.org/none"}, "headers": AUTH}, 404),
    ("GET", "/graph-store", {}, 400),
    ("GET", "/id/classification/cpc21/nothing-here", {"headers": {"Accept": "text/turtle"}}, 404),
    ("GET", "/id/classification/cpc21/43310", {"headers": {"Accept": "video/mp4"}}, 406),
    ("GET", "/api/schemes/cpc21/concepts/00000", {}, 404),
    ("GET", "/api/schemes/nope", {}, 404),
    ("GET", "/api/search", {}, 400),
    ("GET", "/api/search", {"params": {"q": "bearing", "limit": "0"}}, 400),
    ("GET", "/no/such/route", {}, 404),
]


@pytest.mark.parametrize(("method", "path", "kwargs", "status"), CASES, ids=[f"{c[0]} {c[1]} {c[3]}" for c in CASES])
def test_error_shape(server: Server, method: str, path: str, kwargs: dict[str, object], status: int) -> None:
    response = httpx.request(method, server.url + path, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"ok", "status", "error", "error_zh", "errors"}
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["error_zh"], str) and body["error_zh"]
    assert isinstance(body["errors"], list)


def test_bad_rdf_upload_names_the_line(server: Server) -> None:
    response = httpx.put(
        server.url + "/graph-store",
        params={"graph": "http://example.org/g"},
        content='<http://a> <http://b> "ok" .\n<http://a> <http://b> .\n',
        headers={**AUTH, "Content-Type": "application/n-triples"},
    )
    problem = response.json()["errors"][0]
    assert problem["line"] == 2 and "request body" in problem["source"]
