"""The change feed: a harvester polling with the previous poll's `since` sees exactly what changed since."""

from __future__ import annotations

import csv
import getpass
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cpms_kg.conformance import datasets
from cpms_kg.standards import service
from cpms_kg.standards.demo import bearings
from cpms_kg.standards.model import Status
from cpms_kg.store.embedded import EmbeddedStore
from tests.conftest import ADMIN_TOKEN, BASE, app_client, cli
from tests.test_conformance_e2e import HEADER, ROWS

V10 = BASE + "standard/zj-rolling-bearings/1.0"
V11 = BASE + "standard/zj-rolling-bearings/1.1"
FASTENERS = BASE + "standard/zj-fasteners/1.0"
DATASET = BASE + "dataset/acme/2026-q4"
ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass
class Harvester:
    """Polls the feed as the national platform would, keeping `since` between polls."""

    store: Path
    since: str | None = None
    seen: list[dict[str, Any]] = field(default_factory=list)

    def poll(self) -> list[dict[str, Any]]:
        params = {"since": self.since} if self.since else {}
        with app_client(self.store) as (client, _):
            answer = client.get("/api/changes", params=params)
        assert answer.status_code == 200, answer.text
        assert_public_only(answer.text)
        body = answer.json()
        assert body["next"] is None and body["count"] == len(body["changes"])
        self.since = body["next_since"] or self.since
        self.seen += body["changes"]
        return list(body["changes"])


def assert_public_only(text: str) -> None:
    """No account, role, token, audit record or private graph in what the feed tells."""
    for secret in (f"cli:{getpass.getuser()}", ADMIN_TOKEN, "admin", "/audit/", "graph/private", "licence", "role"):
        assert secret not in text, secret


def kinds(changes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(c["kind"], c["iri"]) for c in changes]


def run(store: Path, *args: str) -> None:
    cli(*args, "--store", str(store), check=True)



def commit_a_dataset(store_dir: Path, tmp_path: Path) -> None:
    """acme's dataset 2026-q4 (one product), committed from the command line: private until shared."""
    table = tmp_path / "products.csv"
    with table.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([HEADER, ROWS[0]])
    run(store_dir, "validate", str(table), "--standard", "zj-rolling-bearings@1.0", "--firm", "acme", "--commit",
        "--dataset", "2026-q4")  # fmt: skip

def test_a_harvester_sees_exactly_the_new_changes(store_dir: Path, tmp_path: Path) -> None:
    demo = bearings()
    # A version under review is private: making it is no public change.
    opened = EmbeddedStore(store_dir, base_iri=BASE, query_workers=1)
    next_version = replace(demo.info, version="1.1", status=Status.UNDER_REVIEW, issued=None, previous_version="1.0")
    service.save(opened, replace(demo, info=next_version))
    opened.close()
    harvester = Harvester(store_dir)

    # The demo data: the standards published at init, at their issue date, and the demo firms' shared datasets.
    first = harvester.poll()
    standards = [c for c in first if c["kind"].startswith("standard.")]
    assert sorted(kinds(standards)) == [("standard.published", FASTENERS), ("standard.published", V10)]
    assert all(c["time"].startswith("2025-06-30T00:00:00") for c in standards)
    assert {c["kind"] for c in first} - {"standard.published"} <= {"dataset.shared"}
    assert harvester.poll() == []

    run(store_dir, "standard", "status", "zj-rolling-bearings@1.1", "published-provincial")
    published = harvester.poll()
    assert kinds(published) == [("standard.published", V11)]
    entry = published[0]
    assert entry["title"] == {"zh": demo.info.title.zh, "en": demo.info.title.en}
    assert entry["links"]["package"].endswith("/api/standards/zj-rolling-bearings/versions/1.1/package")
    assert entry["links"]["shapes"].endswith("/api/standards/zj-rolling-bearings/versions/1.1/shapes")
    assert entry["links"]["self"] == V11

    commit_a_dataset(store_dir, tmp_path)
    assert harvester.poll() == []  # committed data is private

    run(store_dir, "dataset", "share", "acme", "2026-q4")
    shared = harvester.poll()
    assert kinds(shared) == [("dataset.shared", DATASET)]
    assert shared[0]["title"]["en"].startswith("acme") and "data" in shared[0]["links"]

    run(
        store_dir,
        "dataip",
        "register",
        "acme",
        "2026-q4",
        "--number",
        "ZJ-2026-001",
        "--authority",
        "Zhejiang IP office",
        "--date",
        "2026-01-05",
    )
    registered = harvester.poll()
    assert kinds(registered) == [("dataip.registered", BASE + "dataip/ZJ-2026-001")]
    assert registered[0]["links"]["verify"].endswith("/api/dataip/ZJ-2026-001/verify")

    run(store_dir, "dataset", "share", "acme", "2026-q4")
    assert kinds(harvester.poll()) == [("dataset.updated", DATASET)]

    run(store_dir, "dataset", "unshare", "acme", "2026-q4")
    withdrawn = harvester.poll()
    assert kinds(withdrawn) == [("dataset.withdrawn", DATASET)]
    assert withdrawn[0]["title"] is None and "data" not in withdrawn[0]["links"]  # no longer public

    with app_client(store_dir) as (client, _):
        promoted = client.post(
            "/api/standards/zj-rolling-bearings/versions/1.0/promote",
            json={"to": "recommended"},
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        )
        assert promoted.status_code == 200, promoted.text
    assert kinds(harvester.poll()) == [("standard.promoted", V10)]
    assert harvester.poll() == []

    # The whole feed from the start is every change seen, in order, and paging with limit=1 gives the same.
    # (Titles and links describe the public data as it is now: the withdrawn dataset has lost its title.)
    def events(changes: list[dict[str, Any]]) -> list[tuple[str, str, str, str]]:
        return [(c["id"], c["time"], c["kind"], c["iri"]) for c in changes]

    with app_client(store_dir) as (client, _):
        everything = client.get("/api/changes").json()
        assert events(everything["changes"]) == events(harvester.seen)
        assert everything["changes"][-1] == harvester.seen[-1]
        times = [c["time"] for c in everything["changes"]]
        assert times == sorted(times) and everything["next_since"] == times[-1]
        paged: list[dict[str, Any]] = []
        url: str | None = "/api/changes?limit=1"
        while url is not None:
            page = client.get(url).json()
            paged += page["changes"]
            assert (page["next"] is None) == (page["next_since"] is not None)
            url = page["next"]
        assert paged == everything["changes"]
        atom = client.get("/api/changes", headers={"Accept": "application/atom+xml"})
        assert atom.status_code == 200 and atom.headers["content-type"].startswith("application/atom+xml")
        assert_public_only(atom.text)
        feed = ET.fromstring(atom.content)
        assert [e.findtext(f"{ATOM}id") for e in feed.iter(f"{ATOM}entry")] == [c["id"] for c in harvester.seen]
        assert [e.find(f"{ATOM}category").get("term") for e in feed.iter(f"{ATOM}entry")] == [  # type: ignore[union-attr]
            c["kind"] for c in harvester.seen
        ]


def test_since_and_paging_parameters(store_dir: Path) -> None:
    with app_client(store_dir) as (client, _):
        assert client.get("/api/changes", params={"since": "2999-01-01T00:00:00Z"}).json()["changes"] == []

        def standards(since: str) -> list[str]:
            found = client.get("/api/changes", params={"since": since}).json()["changes"]
            return sorted(c["iri"] for c in found if c["kind"].startswith("standard."))

        assert standards("2025-06-29") == [FASTENERS, V10]  # a date alone is its midnight, UTC
        assert standards("2025-06-30T08:00:00+08:00") == []  # the issue date's midnight UTC, exclusive
        assert standards("2025-06-29T23:59:59Z") == [FASTENERS, V10]
        for params, status in (
            ({"since": "yesterday"}, 400),
            ({"since": "2025-13-01"}, 400),
            ({"cursor": "not-a-cursor"}, 400),
            ({"limit": "0"}, 400),
            ({"limit": "1001"}, 400),
        ):
            answer = client.get("/api/changes", params=params)
            body = answer.json()
            assert answer.status_code == status and body["ok"] is False and body["error_zh"], (params, body)
        refused = client.get("/api/changes", params={"since": "yesterday"}).json()
        assert "since" in refused["error"] and "since" in refused["error_zh"]
        assert client.get("/api/changes", headers={"Accept": "image/png"}).status_code == 406
        first = client.get("/api/changes", params={"limit": 1}).json()
        assert json.loads(json.dumps(first))["next"].startswith("http")


def test_an_unaudited_share_is_listed_once_even_after_a_reshare(store_dir: Path, tmp_path: Path) -> None:
    commit_a_dataset(store_dir, tmp_path)
    harvester = Harvester(store_dir)
    harvester.poll()
    # A script shares it through the service: no audit record, so the feed reads the entry's dcterms:modified.
    opened = EmbeddedStore(store_dir, base_iri=BASE, query_workers=1)
    datasets.share(opened, "acme", "2026-q4")
    opened.close()
    assert kinds(harvester.poll()) == [("dataset.shared", DATASET)]
    run(store_dir, "dataset", "share", "acme", "2026-q4")  # moves dcterms:modified on
    assert kinds(harvester.poll()) == [("dataset.updated", DATASET)]
    with app_client(store_dir) as (client, _):
        everything = client.get("/api/changes").json()["changes"]
    # From the start, the dataset is told once, by its audited record: the unaudited share's time is gone with
    # the dcterms:modified it was read from, and it does not come back at the re-share's time.
    assert [c["kind"] for c in everything if c["iri"] == DATASET] == ["dataset.updated"]
