"""The audit trail: written for every API write, readable only by administrators, never editable through
SPARQL Update or the Graph Store Protocol (even by CLEAR ALL); and the page login that carries a token."""

from __future__ import annotations

from pathlib import Path

from cpms_kg.workflow import audit
from tests.conftest import ADMIN_TOKEN, BASE, app_client

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
AUDIT = BASE + "graph/private/audit"
ACCOUNTS = BASE + "graph/private/accounts"


def test_writes_are_recorded_with_who_role_what_and_states(store_dir: Path) -> None:
    with app_client(store_dir) as (client, store):
        earlier = len(audit.records(store))  # `cpms-kg init` made the store and is recorded too
        made = client.post("/api/users", json={"name": "ops", "roles": ["admin"]}, headers=ADMIN)
        assert made.status_code == 201, made.text
        put = client.put(
            "/graph-store",
            params={"graph": BASE + "graph/notes"},
            content=b"<urn:a> <urn:b> 1 .",
            headers={**ADMIN, "Content-Type": "text/turtle"},
        )
        assert put.status_code == 201
        update = client.post(
            "/sparql/update",
            data={"update": f"INSERT DATA {{ GRAPH <{BASE}graph/notes> {{ <urn:a> <urn:b> 2 }} }}"},
            headers=ADMIN,
        )
        assert update.status_code == 204
        found = audit.records(store)[earlier:]
        assert [r.action for r in found] == ["user.add", "graph.put", "sparql.update"]
        assert {r.account for r in found} == {"admin"} and {r.role for r in found} == {"admin"}
        assert found[1].target == BASE + "graph/notes" and found[1].after == "triples=1"
        assert found[2].after is not None and found[2].after.startswith("update sha256=")
        body = client.get("/api/audit", headers=ADMIN).json()
        assert body["count"] == earlier + 3 and body["records"][earlier + 1]["before"] == "triples=None"
        turtle = client.get("/api/audit", headers={**ADMIN, "Accept": "text/turtle"})
        assert "prov:wasAssociatedWith" in turtle.text or "http://www.w3.org/ns/prov#wasAssociatedWith" in turtle.text


def test_only_admins_read_it_and_nobody_edits_it(store_dir: Path) -> None:
    with app_client(store_dir) as (client, store):
        client.post("/api/users", json={"name": "lead", "roles": ["expert-lead"]}, headers=ADMIN)
        token = client.post("/api/users/lead/tokens", headers=ADMIN).json()["token"]
        assert client.get("/api/audit").status_code == 401
        assert client.get("/api/audit", headers={"Authorization": f"Bearer {token}"}).status_code == 403
        ask = client.get("/sparql", params={"query": "ASK { ?r a <https://w3id.org/cpms-kg/ontology#AuditRecord> }"})
        assert ask.json()["boolean"] is False
        before = len(audit.records(store))
        for update in (
            f"DROP GRAPH <{AUDIT}>",
            f"DELETE WHERE {{ GRAPH <{AUDIT}> {{ ?s ?p ?o }} }}",
            f"PREFIX p: <{BASE}graph/private/> CLEAR GRAPH p:audit",
            f"INSERT DATA {{ GRAPH <{ACCOUNTS}> {{ <urn:x> <urn:y> <urn:z> }} }}",
        ):
            refused = client.post("/sparql/update", data={"update": update}, headers=ADMIN)
            assert refused.status_code == 403, (update, refused.text)
            assert "audit" in refused.json()["error"] or "accounts" in refused.json()["error"]
        gsp = client.put(
            "/graph-store",
            params={"graph": AUDIT},
            content=b"<urn:a> <urn:b> 1 .",
            headers={**ADMIN, "Content-Type": "text/turtle"},
        )
        assert gsp.status_code == 403
        assert client.delete("/graph-store", params={"graph": ACCOUNTS}, headers=ADMIN).status_code == 403
        assert len(audit.records(store)) == before
        # CLEAR ALL is legal SPARQL and the protocol tests use it: everything else goes, the trail stays.
        cleared = client.post("/sparql/update", data={"update": "CLEAR ALL"}, headers=ADMIN)
        assert cleared.status_code == 204
        after = audit.records(store)
        assert len(after) == before + 1 and after[-1].action == "sparql.update"
        assert client.get("/api/audit", headers={"Authorization": f"Bearer {token}"}).status_code == 403  # account kept
        assert not store.ask("ASK { GRAPH ?g { ?s a <https://w3id.org/cpms-kg/ontology#StandardVersion> } }")


def test_page_login_sets_a_cookie_that_routes_accept(store_dir: Path) -> None:
    with app_client(store_dir) as (client, _store):
        page = client.get("/login")
        assert page.status_code == 200 and "访问令牌" in page.text and '<html lang="zh">' in page.text
        english = client.get("/login", params={"lang": "en"})
        assert english.status_code == 200 and "Access token" in english.text and "访问令牌" not in english.text
        wrong = client.post("/login", data={"token": "nope", "next": "/api/audit"}, follow_redirects=False)
        assert (
            wrong.status_code == 403
            and "令牌无效" in wrong.text
            and "cpms_token" not in wrong.headers.get("set-cookie", "")
        )
        elsewhere = client.post(
            "/login", data={"token": ADMIN_TOKEN, "next": "//evil.example/"}, follow_redirects=False
        )
        assert elsewhere.status_code == 303 and elsewhere.headers["location"] == "/"
        ok = client.post("/login", data={"token": ADMIN_TOKEN, "next": "/api/audit"}, follow_redirects=False)
        cookie = ok.headers["set-cookie"]
        assert ok.status_code == 303 and "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
        assert client.get("/api/audit").status_code == 200  # the client now carries the cookie
        client.post("/logout", follow_redirects=False)
        assert client.get("/api/audit").status_code == 401
