"""The whole service in front of a real `oxigraph serve`: init, SPARQL, dereferencing, runaway, bad input."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import rdflib
from SPARQLWrapper import JSON, SPARQLWrapper

from tests.conftest import ADMIN_TOKEN, BASE, OxigraphServer, Server, cli, start_oxigraph, start_server, stop

CPC = BASE + "classification/cpc21/"


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, OxigraphServer]]:
    oxigraph = start_oxigraph(tmp_path_factory.mktemp("remote") / "oxigraph", "--timeout-s", "2")
    server = start_server({"CPMS_KG_QUERY_TIMEOUT": "2"}, *oxigraph.flags())
    yield server, oxigraph
    stop(server.process)
    stop(oxigraph.process)


def test_serve_initialised_the_remote_store(remote: tuple[Server, OxigraphServer]) -> None:
    _, oxigraph = remote
    count = httpx.post(
        oxigraph.query,
        data={
            "query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s a <http://www.w3.org/2004/02/skos/core#Concept> } }"
        },
        headers={"Accept": "application/sparql-results+json"},
    ).json()
    assert int(count["results"]["bindings"][0]["n"]["value"]) > 4596 + 6708


def test_sparql_through_the_service(remote: tuple[Server, OxigraphServer]) -> None:
    server, _ = remote
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(f"SELECT ?hs WHERE {{ ?hs <http://www.w3.org/2004/02/skos/core#broadMatch> <{CPC}43310> }}")
    client.setReturnFormat(JSON)
    hits = {b["hs"]["value"].rsplit("/", 1)[1] for b in client.query().convert()["results"]["bindings"]}  # type: ignore[index, call-overload]
    assert {"848210", "848220", "848280"} <= hits


@pytest.mark.parametrize(
    "accept,fmt",
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/n-triples", "nt"),
    ],
)
def test_dereference_through_the_service(remote: tuple[Server, OxigraphServer], accept: str, fmt: str) -> None:
    server, _ = remote
    response = httpx.get(server.url + "/id/classification/cpc21/43310", headers={"Accept": accept})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.text, format=fmt)
    assert (rdflib.URIRef(CPC + "43310"), rdflib.SKOS.notation, rdflib.Literal("43310")) in graph


def test_html_through_the_service(remote: tuple[Server, OxigraphServer]) -> None:
    server, _ = remote
    page = httpx.get(server.url + "/id/classification/cpc21/4331", headers={"Accept": "text/html"}).text
    assert 'href="/id/classification/cpc21/43310"' in page


def test_malformed_and_runaway_queries(remote: tuple[Server, OxigraphServer]) -> None:
    server, _ = remote
    bad = httpx.get(server.url + "/sparql", params={"query": "SELECT * WHERE {"})
    assert bad.status_code == 400 and bad.json()["ok"] is False
    started = time.monotonic()
    runaway = httpx.get(
        server.url + "/sparql",
        params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"},
        timeout=60,
    )
    assert runaway.status_code in (400, 503) and time.monotonic() - started < 20
    assert runaway.json()["ok"] is False
    ok = httpx.get(
        server.url + "/sparql",
        params={"query": "ASK { ?s ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert ok.json()["boolean"] is True


def test_writes_and_cli_against_the_remote(remote: tuple[Server, OxigraphServer], tmp_path: Path) -> None:
    server, oxigraph = remote
    graph = BASE + "graph/remote-test"
    put = httpx.put(
        server.url + "/graph-store",
        params={"graph": graph},
        content=b'<http://example.org/a> <http://example.org/p> "1" .',
        headers={"Content-Type": "application/n-triples", "Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert put.status_code == 201, put.text
    data = tmp_path / "bad.ttl"
    data.write_text("<http://example.org/b> <http://example.org/p> .\n", encoding="utf-8")
    result = cli("load", str(data), "--graph", graph, *oxigraph.flags())
    assert result.returncode == 2 and f"{data}:1" in result.stderr
    rows = cli(
        "query",
        f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
        "--format",
        "csv",
        *oxigraph.flags(),
        check=True,
    )
    assert rows.stdout.splitlines() == ["o", "1"]


def test_standards_on_the_remote_store(remote: tuple[Server, OxigraphServer], tmp_path: Path) -> None:
    _, oxigraph = remote
    listed = cli("standard", "list", *oxigraph.flags(), check=True).stdout
    assert "zj-rolling-bearings" in listed and "zj-fasteners" in listed
    assert cli("standard", "check", "zj-fasteners", *oxigraph.flags()).returncode == 0
    exported = subprocess_in(
        tmp_path, "standard", "export", "zj-rolling-bearings", "--format", "xlsx", *oxigraph.flags()
    )
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "zj-rolling-bearings-1.0.xlsx").stat().st_size > 5000


def subprocess_in(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    from tests.conftest import BIN

    return subprocess.run([str(BIN / "cpms-kg"), *args], cwd=folder, capture_output=True, text=True, timeout=300)
