"""The /sparql endpoint through real HTTP clients: SPARQLWrapper, rdflib's SPARQLStore and httpx."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TSV, XML, SPARQLWrapper

from tests.conftest import ADMIN_TOKEN, BASE, Server, start_oxigraph, start_server, stop

CPC = BASE + "classification/cpc21/"
HS = BASE + "classification/hs2017/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
LOOKUP = f'SELECT ?c ?label WHERE {{ ?c <{SKOS}notation> "43310" ; <{SKOS}prefLabel> ?label }}'


def test_sparqlwrapper_select_in_every_results_format(server: Server) -> None:
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(LOOKUP)
    client.setReturnFormat(JSON)
    bindings = client.query().convert()["results"]["bindings"]  # type: ignore[index, call-overload]
    assert [(b["c"]["value"], b["label"]["value"]) for b in bindings] == [(CPC + "43310", "Ball or roller bearings")]
    for fmt, marker in (
        (XML, "Ball or roller bearings"),
        (CSV, "Ball or roller bearings"),
        (TSV, '"Ball or roller bearings"@en'),
    ):
        client.setReturnFormat(fmt)
        raw = client.query().response.read().decode()
        assert marker in raw


def test_rdflib_sparqlstore_reads_the_hs_to_cpc_correspondence(server: Server) -> None:
    graph = rdflib.Graph(SPARQLStore(server.url + "/sparql", returnFormat="json"))
    rows = graph.query(
        f"SELECT ?hs ?rel WHERE {{ ?hs ?rel <{CPC}43310> FILTER(STRSTARTS(STR(?rel), '{SKOS}')) }} ORDER BY ?hs"
    )
    pairs = [(str(r[0]).removeprefix(HS), str(r[1]).removeprefix(SKOS)) for r in rows]  # type: ignore[index]
    assert ("848210", "broadMatch") in pairs and len(pairs) >= 6


@pytest.mark.parametrize(
    ("accept", "media", "check"),
    [
        (None, "text/turtle", "Ball or roller bearings"),
        ("text/turtle", "text/turtle", "Ball or roller bearings"),
        ("application/n-triples", "application/n-triples", f"<{CPC}43310>"),
        ("application/ld+json", "application/ld+json", "Ball or roller bearings"),
        ("application/rdf+xml", "application/rdf+xml", "Ball or roller bearings"),
    ],
)
def test_construct_in_every_rdf_format(server: Server, accept: str | None, media: str, check: str) -> None:
    headers = {"Accept": accept} if accept else {}
    query = f"CONSTRUCT WHERE {{ <{CPC}43310> <{SKOS}prefLabel> ?l }}"
    response = httpx.get(server.url + "/sparql", params={"query": query}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert check in response.text
    if media != "application/ld+json":
        parsed = rdflib.Graph().parse(
            data=response.text,
            format={"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml"}[media],
        )
        assert len(parsed) == 1


def test_post_form_and_direct(server: Server) -> None:
    form = httpx.post(
        server.url + "/sparql",
        data={"query": "ASK { ?s ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert form.json()["boolean"] is True
    direct = httpx.post(
        server.url + "/sparql",
        content="ASK { ?s ?p ?o }",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    assert direct.json()["boolean"] is True


def test_malformed_query_gets_400_with_the_parser_message(server: Server) -> None:
    response = httpx.get(server.url + "/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False and body["status"] == 400
    assert "syntax" in body["error"].lower() and "1:" in body["error"]


def test_not_acceptable_is_406(server: Server) -> None:
    response = httpx.get(server.url + "/sparql", params={"query": "ASK {}"}, headers={"Accept": "image/png"})
    assert response.status_code == 406 and response.json()["status"] == 406


def test_updates_are_refused_on_sparql_and_need_a_token(server: Server) -> None:
    update = f"INSERT DATA {{ GRAPH <{BASE}graph/t> {{ <{BASE}x> <{BASE}p> 1 }} }}"
    refused = httpx.post(server.url + "/sparql", data={"update": update})
    assert refused.status_code == 400
    as_query = httpx.post(server.url + "/sparql", content=update, headers={"Content-Type": "application/sparql-query"})
    assert as_query.status_code == 400
    anonymous = httpx.post(server.url + "/sparql/update", data={"update": update})
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"] == "Bearer"
    wrong = httpx.post(server.url + "/sparql/update", data={"update": update}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403
    ask = f"ASK {{ <{BASE}x> <{BASE}p> 1 }}"
    assert httpx.get(server.url + "/sparql", params={"query": ask}).json()["boolean"] is False
    ok = httpx.post(
        server.url + "/sparql/update", data={"update": update}, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    )
    assert ok.status_code == 204
    assert httpx.get(server.url + "/sparql", params={"query": ask}).json()["boolean"] is True


def test_service_description_without_query(server: Server) -> None:
    response = httpx.get(server.url + "/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (None, sd.endpoint, rdflib.URIRef(server.url + "/sparql")) in graph
    assert (None, sd.supportedLanguage, sd.SPARQL11Query) in graph


def test_service_to_arbitrary_address_is_refused(server: Server) -> None:
    for target in ("<http://127.0.0.1:9/sparql>", "?endpoint"):
        query = f"SELECT * WHERE {{ SERVICE {target} {{ ?s ?p ?o }} }}"
        response = httpx.get(server.url + "/sparql", params={"query": query})
        assert response.status_code == 403
        assert "allow-list" in response.json()["error"] or "variable" in response.json()["error"]


def test_runaway_query_is_stopped_while_others_are_served(server: Server) -> None:
    """The module's server runs with CPMS_KG_QUERY_TIMEOUT=3."""
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    outcome: dict[str, object] = {}

    def run() -> None:
        started = time.monotonic()
        response = httpx.get(server.url + "/sparql", params={"query": runaway}, timeout=60)
        outcome["status"], outcome["seconds"], outcome["body"] = (
            response.status_code,
            time.monotonic() - started,
            response.json(),
        )

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.5)
    quick = [httpx.get(server.url + "/sparql", params={"query": LOOKUP}, timeout=10) for _ in range(5)]
    assert all(r.status_code == 200 for r in quick)
    thread.join(timeout=60)
    assert outcome["status"] == 503
    assert 2.5 < float(outcome["seconds"]) < 15  # type: ignore[arg-type]
    assert "timeout" in json.dumps(outcome["body"]).lower() or "limit" in json.dumps(outcome["body"]).lower()
    # Afterwards the pool has replaced the stopped worker and keeps answering.
    assert httpx.get(server.url + "/sparql", params={"query": LOOKUP}, timeout=10).status_code == 200


@pytest.fixture
def federated(tmp_path: Path, store_dir: Path) -> Iterator[tuple[Server, str]]:
    """A second real SPARQL server holding one triple, allow-listed for SERVICE."""
    other = start_oxigraph(tmp_path / "other")
    httpx.post(
        other.update, data={"update": "INSERT DATA { <http://example.org/remote> <http://example.org/p> 'far' }"}
    )
    running = start_server({"CPMS_KG_SERVICE_ALLOWLIST": other.query}, "--store", str(store_dir))
    yield running, other.query
    stop(running.process)
    stop(other.process)


def test_allow_listed_service_is_called(federated: tuple[Server, str]) -> None:
    server, endpoint = federated
    query = f"SELECT ?o WHERE {{ SERVICE <{endpoint}> {{ <http://example.org/remote> <http://example.org/p> ?o }} }}"
    response = httpx.get(
        server.url + "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    assert [b["o"]["value"] for b in response.json()["results"]["bindings"]] == ["far"]
