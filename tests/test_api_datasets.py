"""REST for firms' datasets (list, share, unshare) and data IP registrations: roles, refusals, audit."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import create_app
from cpms_kg import accounts
from cpms_kg.accounts import Role
from cpms_kg.conformance.datasets import public_graph
from cpms_kg.demo_firms import DEMO_FIRMS
from cpms_kg.settings import Settings
from cpms_kg.store import Store, open_store
from cpms_kg.workflow import audit
from cpms_kg.workflow.dataip import content_hash
from tests.conftest import ADMIN_TOKEN, BASE
from tests.test_conformance_e2e import HEADER, ROWS

CC_BY = "https://creativecommons.org/licenses/by/4.0/"


@dataclass
class Service:
    client: TestClient
    store: Store
    tokens: dict[str, str]

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def commit(self, who: str, firm: str, dataset: str, rows: list[list[str]]) -> None:
        table = io.StringIO()
        csv.writer(table).writerows([HEADER, *rows])
        done = self.client.post(
            "/api/validate",
            files={"file": ("products.csv", table.getvalue().encode("utf-8"))},
            data={"standard": "zj-rolling-bearings", "firm": firm, "commit": "true", "dataset": dataset},
            headers=self.auth(who),
        )
        assert done.status_code == 200 and done.json()["committed_dataset"] == dataset, done.text

    def content(self, firm: str, dataset: str) -> str:
        return content_hash(self.store.graph_triples(public_graph(self.store.base_iri, firm, dataset)))


@pytest.fixture
def service(store_dir: Path) -> Iterator[Service]:
    """The app in-process on a copied store, with accounts, and one committed dataset per firm."""
    store = open_store(Settings(store=store_dir))
    tokens = {"admin": ADMIN_TOKEN}
    for name, roles, firm in (
        ("acme-steward", [Role.FIRM_STEWARD], "acme"),
        ("globex-steward", [Role.FIRM_STEWARD], "globex"),
        ("expert1", [Role.EXPERT], None),
    ):
        accounts.add_user(store, name, roles, firm=firm)
        tokens[name] = accounts.issue_token(store, name)
    app = create_app(Settings(store=store_dir, admin_token=ADMIN_TOKEN), store=store)
    with TestClient(app) as client:
        running = Service(client, store, tokens)
        running.commit("acme-steward", "acme", "2026-q4", [ROWS[0]])
        running.commit("globex-steward", "globex", "g-1", [ROWS[0]])
        yield running
    store.close()


def bilingual_error(response: object, status: int, *fragments: str) -> None:
    body = response.json()  # type: ignore[attr-defined]
    assert response.status_code == status, body  # type: ignore[attr-defined]
    assert body["ok"] is False and body["status"] == status and body["error"] and body["error_zh"] != body["error"]
    for fragment in fragments:
        assert fragment in body["error"] + body["error_zh"], body


def products_public(store: Store, firm: str) -> bool:
    return store.ask(f"ASK {{ ?p ?x ?y FILTER(STRSTARTS(STR(?p), '{BASE}product/{firm}/')) }}")


# --- datasets -----------------------------------------------------------------------------------------


def test_listing_shows_the_callers_firm_and_everything_to_an_admin(service: Service) -> None:
    assert service.client.get("/api/datasets").status_code == 401
    bilingual_error(service.client.get("/api/datasets", headers=service.auth("expert1")), 403, "expert1")
    own = service.client.get("/api/datasets", headers=service.auth("acme-steward")).json()["datasets"]
    assert [(d["firm"], d["id"], d["shared"]) for d in own] == [("acme", "2026-q4", False)]
    assert own[0]["iri"] == f"{BASE}dataset/acme/2026-q4" and own[0]["products"] == 1
    assert own[0]["standard"] == f"{BASE}standard/zj-rolling-bearings/1.0" and own[0]["licence"] is None
    other = service.client.get("/api/datasets", params={"firm": "globex"}, headers=service.auth("acme-steward"))
    bilingual_error(other, 403, "globex")
    everything = service.client.get("/api/datasets", headers=service.auth("admin")).json()["datasets"]
    demo = {(f.id, f.dataset) for f in DEMO_FIRMS}  # committed and shared by `cpms-kg init`
    assert {(d["firm"], d["id"]) for d in everything} == {("acme", "2026-q4"), ("globex", "g-1")} | demo
    one = service.client.get("/api/datasets", params={"firm": "globex"}, headers=service.auth("admin")).json()
    assert [d["firm"] for d in one["datasets"]] == ["globex"]


def test_share_and_unshare_with_role_checks_and_audit(service: Service) -> None:
    client, path = service.client, "/api/datasets/acme/2026-q4/share"
    assert client.post(path).status_code == 401
    bilingual_error(client.post(path, headers=service.auth("globex-steward")), 403, "globex-steward", "acme")
    bilingual_error(client.post(path, headers=service.auth("expert1")), 403, "expert1")
    assert not products_public(service.store, "acme")

    shared = client.post(path, headers=service.auth("acme-steward"))
    assert shared.status_code == 200, shared.text
    assert shared.json() == {
        "firm": "acme",
        "id": "2026-q4",
        "iri": f"{BASE}dataset/acme/2026-q4",
        "shared": True,
        "licence": CC_BY,
    }
    assert products_public(service.store, "acme") and not products_public(service.store, "globex")
    listed = client.get("/api/datasets", headers=service.auth("acme-steward")).json()["datasets"][0]
    assert listed["shared"] is True and listed["licence"] == CC_BY and listed["modified"]

    # Re-sharing under another licence; without a body the licence then stays.
    licensed = client.post(path, json={"licence": "https://example.org/licence/1"}, headers=service.auth("admin"))
    assert licensed.json()["licence"] == "https://example.org/licence/1"
    kept = client.post(path, headers=service.auth("acme-steward"))
    assert kept.json()["licence"] == "https://example.org/licence/1"
    bilingual_error(client.post(path, json={"licence": "not an iri"}, headers=service.auth("admin")), 400, "IRI")
    missing = client.post("/api/datasets/acme/nothing/share", headers=service.auth("acme-steward"))
    bilingual_error(missing, 404, "nothing")

    bilingual_error(client.delete(path, headers=service.auth("globex-steward")), 403, "acme")
    withdrawn = client.delete(path, headers=service.auth("acme-steward"))
    assert withdrawn.status_code == 200 and withdrawn.json()["shared"] is False
    assert not products_public(service.store, "acme")
    bilingual_error(client.delete(path, headers=service.auth("acme-steward")), 404, "not shared", "未共享")
    assert client.get("/api/datasets", headers=service.auth("acme-steward")).json()["datasets"][0]["shared"] is False

    # Three shares and one unshare succeeded: exactly those are recorded, refused attempts are not.
    shares = audit.records(service.store, action="dataset.share")
    assert [(r.account, r.role, r.before) for r in shares] == [
        ("acme-steward", "firm-steward", "not shared"),
        ("admin", "admin", "shared"),
        ("acme-steward", "firm-steward", "shared"),
    ]
    assert all(r.target == f"{BASE}dataset/acme/2026-q4" for r in shares)
    assert shares[1].after == "shared; licence https://example.org/licence/1"
    unshares = audit.records(service.store, action="dataset.unshare")
    assert [(r.account, r.before, r.after) for r in unshares] == [("acme-steward", "shared", "not shared")]


# --- data IP ------------------------------------------------------------------------------------------

BODY = {
    "firm": "acme",
    "dataset": "2026-q4",
    "number": "ZJ-DIP-2026-0001",
    "authority": "浙江省数据知识产权登记平台",
    "date": "2026-03-01",
}


def test_register_read_and_verify(service: Service) -> None:
    client = service.client
    assert client.post("/api/datasets/acme/2026-q4/share", headers=service.auth("acme-steward")).status_code == 200
    assert client.post("/api/dataip", json=BODY).status_code == 401
    bilingual_error(client.post("/api/dataip", json=BODY, headers=service.auth("globex-steward")), 403, "acme")
    bilingual_error(client.post("/api/dataip", json=BODY, headers=service.auth("expert1")), 403, "expert1")
    unshared = client.post(
        "/api/dataip", json={**BODY, "firm": "globex", "dataset": "g-1"}, headers=service.auth("admin")
    )
    bilingual_error(unshared, 409, "not shared", "未共享")
    unknown = client.post("/api/dataip", json={**BODY, "dataset": "nothing"}, headers=service.auth("acme-steward"))
    bilingual_error(unknown, 404, "nothing")
    bilingual_error(client.post("/api/dataip", json={**BODY, "number": "  "}, headers=service.auth("admin")), 400)
    bilingual_error(client.post("/api/dataip", json={**BODY, "date": "1 March"}, headers=service.auth("admin")), 400)
    assert audit.records(service.store, action="dataip.register") == []

    made = client.post("/api/dataip", json=BODY, headers=service.auth("acme-steward"))
    assert made.status_code == 201, made.text
    assert made.headers["location"] == "/api/dataip/ZJ-DIP-2026-0001"
    expected = service.content("acme", "2026-q4")
    record = made.json()
    assert record["content_hash"] == expected and record["hash_algorithm"] == "RDFC-1.0/SHA-256"
    assert record["iri"] == f"{BASE}dataip/ZJ-DIP-2026-0001"
    assert record["licence"]["licence_document"] == CC_BY  # the licence the dataset is shared under
    assert record["licence"]["assigner"] == f"{BASE}firm/acme"
    assert record["licence"]["target"] == f"{BASE}dataset/acme/2026-q4"

    duplicate = client.post("/api/dataip", json=BODY, headers=service.auth("admin"))
    bilingual_error(duplicate, 409, "ZJ-DIP-2026-0001", "已有登记记录")
    (registered,) = audit.records(service.store, action="dataip.register")
    assert (registered.account, registered.role, registered.target, registered.after) == (
        "acme-steward",
        "firm-steward",
        record["iri"],
        expected,
    )

    # Reading and verifying are public.
    assert client.get("/api/dataip/ZJ-DIP-2026-0001").json() == record
    bilingual_error(client.get("/api/dataip/NO-SUCH"), 404, "NO-SUCH")
    verified = client.get("/api/dataip/ZJ-DIP-2026-0001/verify").json()
    assert verified["match"] is True and verified["current_hash"] == verified["registered_hash"] == expected

    # Re-sharing (new catalogue entry, new licence) keeps the content and so the hash.
    licence = {"licence": "https://example.org/licence/2"}
    assert client.post("/api/datasets/acme/2026-q4/share", json=licence, headers=service.auth("admin")).is_success
    assert client.get("/api/dataip/ZJ-DIP-2026-0001/verify").json()["match"] is True

    # A second registration, with its own licence; then the content changes: one literal.
    second = client.post(
        "/api/dataip", json={**BODY, "number": "N-2", "licence": CC_BY}, headers=service.auth("admin")
    ).json()
    assert second["content_hash"] == expected and second["licence"]["licence_document"] == CC_BY
    changed = [list(ROWS[0])]
    changed[0][2] = "6206"
    service.commit("acme-steward", "acme", "2026-q4", changed)
    assert client.post("/api/datasets/acme/2026-q4/share", headers=service.auth("acme-steward")).is_success
    after = client.get("/api/dataip/ZJ-DIP-2026-0001/verify").json()
    assert after["match"] is False and after["registered_hash"] == expected
    assert after["current_hash"] == service.content("acme", "2026-q4") != expected
    assert "已改变" in after["message_zh"] and "changed" in after["message"]

    assert client.delete("/api/datasets/acme/2026-q4/share", headers=service.auth("acme-steward")).is_success
    gone = client.get("/api/dataip/ZJ-DIP-2026-0001/verify").json()
    assert gone["shared"] is False and gone["match"] is False and gone["current_hash"] is None
    # The registration itself stays a public record.
    assert client.get("/api/dataip/ZJ-DIP-2026-0001").json()["content_hash"] == expected
    assert service.store.ask(
        f"ASK {{ <{BASE}dataip/ZJ-DIP-2026-0001> a <https://w3id.org/cpms-kg/ontology#DataIPRegistration> }}"
    )
