"""Accounts, roles and bearer tokens: made on the command line, checked by every write route."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import BASE, Server, cli, start_server, stop
from tests.test_conformance_e2e import HEADER, ROWS


@pytest.fixture
def accounts(store_dir: Path) -> Iterator[tuple[Server, dict[str, str]]]:
    """Accounts and tokens made with the CLI before the server starts on the same store."""
    tokens: dict[str, str] = {}
    for name, flags in (
        ("ops", ["--role", "admin"]),
        ("steward", ["--role", "firm-steward", "--firm", "acme"]),
        ("expert1", ["--role", "expert"]),
    ):
        assert cli("user", "add", name, *flags, "--store", str(store_dir)).returncode == 0
        issued = cli("user", "token", name, "--store", str(store_dir), check=True)
        tokens[name] = issued.stdout.strip()
    revoked = cli("user", "token", "expert1", "--store", str(store_dir), check=True).stdout.strip()
    assert cli("user", "revoke", revoked, "--store", str(store_dir)).returncode == 0
    tokens["revoked"] = revoked
    server = start_server({}, "--store", str(store_dir))
    yield server, tokens
    stop(server.process)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_roles_decide_who_may_write(accounts: tuple[Server, dict[str, str]]) -> None:
    server, tokens = accounts
    update = {"update": f"INSERT DATA {{ GRAPH <{BASE}graph/t> {{ <{BASE}x> <{BASE}p> 1 }} }}"}
    assert httpx.post(server.url + "/sparql/update", data=update, headers=auth(tokens["ops"])).status_code == 204
    expert = httpx.post(server.url + "/sparql/update", data=update, headers=auth(tokens["expert1"]))
    assert expert.status_code == 403 and "expert1" in expert.json()["error"]
    revoked = httpx.post(server.url + "/sparql/update", data=update, headers=auth(tokens["revoked"]))
    assert revoked.status_code == 403 and "revoked" in revoked.json()["error"]


def test_a_steward_commits_only_for_their_firm(accounts: tuple[Server, dict[str, str]], tmp_path: Path) -> None:
    server, tokens = accounts
    good = tmp_path / "good.csv"
    with good.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([HEADER, ROWS[0]])

    def commit(firm: str, token: str) -> httpx.Response:
        with good.open("rb") as data:
            return httpx.post(
                server.url + "/api/validate",
                files={"file": ("good.csv", data)},
                data={"standard": "zj-rolling-bearings", "firm": firm, "commit": "true"},
                headers=auth(token),
            )

    assert commit("acme", tokens["steward"]).json()["committed_dataset"]
    other = commit("globex", tokens["steward"])
    assert other.status_code == 403 and "acme" in other.json()["error"]
    assert commit("globex", tokens["expert1"]).status_code == 403


def test_tokens_are_stored_hashed_and_accounts_stay_private(accounts: tuple[Server, dict[str, str]]) -> None:
    server, tokens = accounts
    secret = tokens["ops"].split("_", 2)[2]
    dump = httpx.get(
        server.url + "/sparql",
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/n-triples"},
        timeout=60,
    ).text
    assert secret not in dump and f"{BASE}account/steward" not in dump
    private = httpx.get(server.url + "/graph-store", params={"graph": BASE + "graph/private/accounts"})
    assert private.status_code == 401
    with_token = httpx.get(
        server.url + "/graph-store", params={"graph": BASE + "graph/private/accounts"}, headers=auth(tokens["ops"])
    )
    assert with_token.status_code == 200 and secret not in with_token.text and "tokenHash" in with_token.text


def test_bad_account_requests(store_dir: Path) -> None:
    assert cli("user", "add", "bad name", "--role", "admin", "--store", str(store_dir)).returncode == 2
    assert cli("user", "add", "s", "--role", "firm-steward", "--store", str(store_dir)).returncode == 2
    assert cli("user", "add", "x", "--role", "emperor", "--store", str(store_dir)).returncode == 2
    assert cli("user", "token", "nobody", "--store", str(store_dir)).returncode == 2
