"""The W3C SPARQL 1.1 Protocol, Graph Store Protocol and Service Description tests, on both backends.

Every test comes from the manifests in ../shared/conformance/sparql-protocol (see its PROVENANCE.md)
and runs against a real `cpms-kg serve` on a free loopback port: once on the embedded store, once in
front of a real `oxigraph serve`. Requests are rewritten from the manifests' placeholder endpoint:
- `/sparql/` goes to `/sparql` (query) or `/sparql/update` (update, with the admin bearer token);
- `/gsp` goes to `/graph-store` (with the token); direct graph identification means a path below
  `/graph-store/`, the graph IRI being the request URL itself.
Between tests the store is emptied with DROP ALL and the test's ut:graphData is loaded through the
Graph Store Protocol.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl

import httpx
import pyoxigraph as ox
import pytest
from pyparsing import ParseBaseException
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.compare import isomorphic, to_isomorphic
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.term import Node

from tests.conftest import ADMIN_TOKEN, Server, start_oxigraph, start_server, stop
from tests.w3c_manifest import (
    GSP_MANIFEST,
    MF,
    PROTOCOL_MANIFEST,
    SD_MANIFEST,
    Case,
    Request,
    entry_names,
    read_manifest,
    read_unlisted,
)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("w3c_protocol")]

PROTOCOL_CASES = read_manifest(PROTOCOL_MANIFEST)
GSP_CASES = read_manifest(GSP_MANIFEST)
UNLISTED_CASES = read_unlisted(PROTOCOL_MANIFEST) + read_unlisted(GSP_MANIFEST)
SD_TESTS = entry_names(SD_MANIFEST, MF.ServiceDescriptionTest)

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = "http://www.w3.org/ns/formats/"
FORM = "application/x-www-form-urlencoded"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}

RESULT_MEDIA = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "text/csv": ox.QueryResultsFormat.CSV,
}
BOOLEAN_MEDIA = ("application/sparql-results+json", "application/sparql-results+xml")
RDF_MEDIA = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}


@dataclass
class Service:
    backend: str
    url: str
    client: httpx.Client


@pytest.fixture(scope="module", params=["embedded", "remote"])
def service(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, initialised_store: Path
) -> Iterator[Service]:
    """One `cpms-kg serve` per backend for the whole module; tests reset its data themselves."""
    backend: str = request.param
    root = tmp_path_factory.mktemp(f"w3c-{backend}")
    oxigraph = None
    if backend == "embedded":
        shutil.copytree(initialised_store, root / "store")
        server: Server = start_server({}, "--store", str(root / "store"))
    else:
        oxigraph = start_oxigraph(root / "oxigraph")
        try:
            server = start_server({}, *oxigraph.flags(), "--no-demo")
        except BaseException:
            stop(oxigraph.process)
            raise
    client = httpx.Client(timeout=30.0)
    try:
        yield Service(backend, server.url, client)
    finally:
        client.close()
        stop(server.process)
        if oxigraph is not None:
            stop(oxigraph.process)


# -- manifest requests to this service ----------------------------------------------------------


def _media(value: str | None) -> tuple[str, dict[str, str]]:
    """A Content-Type value as (media type, parameters), lower-cased."""
    if not value:
        return "", {}
    media, *params = value.split(";")
    parsed = {}
    for param in params:
        name, _, val = param.partition("=")
        parsed[name.strip().lower()] = val.strip().strip('"').lower()
    return media.strip().lower(), parsed


def _is_update(req: Request) -> bool:
    """Whether a protocol request asks for the update operation (the manifests send both to /sparql/)."""
    media, _ = _media(req.header("content-type"))
    if media in ("application/sparql-update", "application/sparql-query"):
        return media == "application/sparql-update"
    _, _, query_string = req.path.partition("?")
    names = {name for name, _ in parse_qsl(query_string, keep_blank_values=True)}
    if req.body is not None and media in ("", FORM) and "=" in req.body:
        names |= {name for name, _ in parse_qsl(req.body, keep_blank_values=True)}
    if names & {"update", "using-graph-uri", "using-named-graph-uri"}:
        return True
    if "query" in names or req.body is None:
        return False
    # A bare SPARQL body with a wrong or no media type: the operation its text is.
    try:
        parseQuery(req.body)
        return False
    except ParseBaseException:
        parseUpdate(req.body)  # neither a query nor an update: the manifest would be wrong
        return True


@dataclass(frozen=True)
class Target:
    path: str
    token: bool
    kind: str
    """"query", "update" or "graph-store"."""


def _target(case: Case, req: Request, variables: dict[str, str]) -> Target:
    path = req.path
    for name, value in variables.items():
        path = path.replace(name, value)
    if path.startswith("/sparql/"):
        rest = path.removeprefix("/sparql/")
        if _is_update(req):
            return Target("/sparql/update" + rest, True, "update")
        return Target("/sparql" + rest, False, "query")
    if path == "/gsp" or path.startswith(("/gsp?", "/gsp/")):
        return Target("/graph-store" + path.removeprefix("/gsp"), True, "graph-store")
    raise AssertionError(f"{case.id}: unexpected request path {path}")


def _reset(service: Service, case: Case) -> None:
    response = service.client.post(
        service.url + "/sparql/update",
        content=b"DROP ALL",
        headers={**AUTH, "Content-Type": "application/sparql-update"},
    )
    assert response.status_code == 204, f"DROP ALL failed: {response.status_code} {response.text}"
    for data in case.graph_data:
        response = service.client.put(
            service.url + "/graph-store",
            params={"graph": data.graph},
            content=data.file.read_bytes(),
            headers={**AUTH, "Content-Type": "application/n-triples"},
        )
        assert response.status_code == 201, f"loading {data.file.name} into <{data.graph}>: {response.text}"


def _describe(case: Case, index: int, req: Request, target: Target, response: httpx.Response) -> str:
    body = "" if req.method == "HEAD" else response.text[:800]
    return (
        f"{case.id}, request {index + 1}/{len(case.requests)} ({target.kind}): {req.method} {target.path[:160]} -> "
        f"{response.status_code} {response.headers.get('content-type', '')}\n{body}"
    )


def _check_error(response: httpx.Response, req: Request, target: Target, where: str) -> None:
    """A 4xx must be the service's own answer: its JSON error shape, not a refused token."""
    if target.token:
        assert response.status_code not in (401, 403), f"the admin token was refused: {where}"
    if req.method == "HEAD":
        return
    body = response.json()
    assert body.get("ok") is False and body.get("status") == response.status_code and body.get("error"), where


def _check_result_format(response: httpx.Response, expected_format: str, boolean: bool | None, where: str) -> None:
    media, _ = _media(response.headers.get("content-type"))
    if expected_format in ("boolean", "tabular"):
        allowed = BOOLEAN_MEDIA if expected_format == "boolean" else tuple(RESULT_MEDIA)
        assert media in allowed, f"expected {expected_format} results, got {media}: {where}"
        if media == "text/csv":  # pyoxigraph does not read CSV results
            rows = list(csv.reader(io.StringIO(response.text)))
            assert rows and rows[0], f"CSV results without a header row: {where}"
            return
        result = ox.parse_query_results(response.content, RESULT_MEDIA[media])
        if expected_format == "boolean":
            assert isinstance(result, ox.QueryBoolean), f"not a boolean result: {where}"
            if boolean is not None:
                assert bool(result) is boolean, f"expected {boolean}: {where}"
        else:
            assert isinstance(result, ox.QuerySolutions), f"not a tabular result: {where}"
            list(result)
        return
    assert expected_format == "RDF", f"unknown mf:expectedFormat {expected_format}"
    assert media in RDF_MEDIA, f"expected RDF, got {media}: {where}"
    Graph().parse(data=response.content, format=RDF_MEDIA[media])


def _check_headers(response: httpx.Response, req: Request, where: str) -> None:
    for name, value in req.expected.headers:
        actual = response.headers.get(name)
        assert actual is not None, f"no {name} header: {where}"
        if name.lower() == "content-type":
            want_media, want_params = _media(value)
            got_media, got_params = _media(actual)
            assert got_media == want_media, f"Content-Type {actual}, expected {value}: {where}"
            for param, val in want_params.items():
                assert got_params.get(param) == val, f"Content-Type {actual}, expected {value}: {where}"
        else:
            assert actual == value, f"{name}: {actual}, expected {value}: {where}"


def _check_graph(response: httpx.Response, req: Request, url: str, where: str) -> None:
    assert req.expected.body is not None
    declared = next((v for k, v in req.expected.headers if k.lower() == "content-type"), "text/turtle")
    want_media, _ = _media(declared)
    got_media, _ = _media(response.headers.get("content-type"))
    assert got_media in RDF_MEDIA, f"not an RDF response: {where}"
    expected = Graph().parse(data=req.expected.body, format=RDF_MEDIA[want_media], publicID=url)
    actual = Graph().parse(data=response.content, format=RDF_MEDIA[got_media], publicID=url)
    assert isomorphic(expected, actual), (
        f"graph differs: {where}\nexpected:\n{to_isomorphic(expected).serialize(format='nt')}\n"
        f"actual:\n{to_isomorphic(actual).serialize(format='nt')}"
    )


def run_case(service: Service, case: Case) -> None:
    _reset(service, case)
    variables: dict[str, str] = {}
    for index, req in enumerate(case.requests):
        target = _target(case, req, variables)
        headers = dict(req.headers)
        if target.token:
            headers.update(AUTH)
        payload = req.payload()
        if payload is not None:
            for name, value in variables.items():
                payload = payload.replace(name.encode(req.encoding), value.encode(req.encoding))
        url = service.url + target.path
        response = service.client.request(req.method, url, headers=headers, content=payload)
        where = _describe(case, index, req, target, response)
        allowed = req.expected.allows(response.status_code)
        assert allowed, f"expected {'/'.join(req.expected.statuses)}: {where}"
        if 400 <= response.status_code < 500:
            _check_error(response, req, target, where)
        if req.expected.format is not None:
            _check_result_format(response, req.expected.format, req.expected.boolean, where)
        _check_headers(response, req, where)
        if req.expected.body is not None:
            _check_graph(response, req, url, where)
        if req.expected.location_variable is not None:
            location = response.headers.get("location")
            assert location, f"no Location header: {where}"
            absolute = location.startswith(("http://", "https://"))
            assert absolute, f"Location {location} is not an absolute IRI: {where}"
            variables[req.expected.location_variable] = location


# -- the tests ----------------------------------------------------------------------------------


def test_manifests_are_complete() -> None:
    """The counts PROVENANCE.md states: nothing is silently dropped by the reader."""
    assert len(PROTOCOL_CASES) == 34
    assert Counter(c.manifest for c in GSP_CASES) == {
        "graph-store-protocol/manifest-direct.ttl": 4,
        "graph-store-protocol/manifest-indirect.ttl": 9,
    }
    assert [name for name, _ in SD_TESTS] == ["has-endpoint-triple", "returns-rdf", "conforms-to-schema"]
    assert [c.id for c in UNLISTED_CASES] == ["head_non_existing_direct"]
    assert all(c.requests for c in (*PROTOCOL_CASES, *GSP_CASES, *UNLISTED_CASES))


@pytest.mark.parametrize("case", PROTOCOL_CASES, ids=[c.id for c in PROTOCOL_CASES])
def test_protocol(service: Service, case: Case) -> None:
    run_case(service, case)


@pytest.mark.parametrize("case", GSP_CASES, ids=[c.id for c in GSP_CASES])
def test_graph_store_protocol(service: Service, case: Case) -> None:
    run_case(service, case)


@pytest.mark.parametrize("case", UNLISTED_CASES, ids=[c.id for c in UNLISTED_CASES])
def test_graph_store_protocol_unlisted(service: Service, case: Case) -> None:
    """Defined in the manifests but not in their mf:entries: run all the same."""
    run_case(service, case)


def _description(service: Service, accept: str, rdflib_format: str) -> tuple[Graph, Node]:
    response = service.client.get(service.url + "/sparql", headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert _media(response.headers.get("content-type"))[0] == accept
    graph = Graph().parse(data=response.content, format=rdflib_format)
    services = list(graph.subjects(RDF.type, SD.Service))
    assert len(services) == 1, f"expected one sd:Service, found {len(services)}"
    return graph, services[0]


def _sd_returns_rdf(service: Service) -> None:
    for accept, fmt in (("text/turtle", "turtle"), ("application/rdf+xml", "xml")):
        graph, _ = _description(service, accept, fmt)
        assert len(graph) > 0
    # without Accept: Turtle
    response = service.client.get(service.url + "/sparql")
    assert _media(response.headers.get("content-type"))[0] == "text/turtle"
    Graph().parse(data=response.content, format="turtle")


def _sd_has_endpoint_triple(service: Service) -> None:
    graph, node = _description(service, "text/turtle", "turtle")
    assert list(graph.objects(node, SD.endpoint)) == [URIRef(service.url + "/sparql")]


def _sd_conforms_to_schema(service: Service) -> None:
    """The terms used as the SD vocabulary defines them (domains, ranges and instances)."""
    graph, node = _description(service, "application/rdf+xml", "xml")
    languages = set(graph.objects(node, SD.supportedLanguage))
    assert SD.SPARQL11Query in languages and languages <= {SD.SPARQL10Query, SD.SPARQL11Query}, languages
    formats = set(graph.objects(node, SD.resultFormat))
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle"):
        assert URIRef(FORMATS + name) in formats, name
    assert all(isinstance(f, URIRef) and str(f).startswith(FORMATS) for f in formats), formats
    known_features = {
        SD.DereferencesURIs,
        SD.UnionDefaultGraph,
        SD.RequiresDataset,
        SD.EmptyGraphs,
        SD.BasicFederatedQuery,
    }
    assert set(graph.objects(node, SD.feature)) <= known_features
    assert all(isinstance(r, URIRef) for r in graph.objects(node, SD.defaultEntailmentRegime))
    datasets = list(graph.objects(node, SD.defaultDataset))
    assert len(datasets) <= 1
    for dataset in datasets:
        assert (dataset, RDF.type, SD.Dataset) in graph
        for default in graph.objects(dataset, SD.defaultGraph):
            assert (default, RDF.type, SD.Graph) in graph
        for named in graph.objects(dataset, SD.namedGraph):
            assert (named, RDF.type, SD.NamedGraph) in graph
            names = list(graph.objects(named, SD.name))
            assert len(names) == 1 and isinstance(names[0], URIRef), names


SD_CHECKS = {
    "returns-rdf": _sd_returns_rdf,
    "has-endpoint-triple": _sd_has_endpoint_triple,
    "conforms-to-schema": _sd_conforms_to_schema,
}


@pytest.mark.parametrize("name", [name for name, _ in SD_TESTS], ids=[name for name, _ in SD_TESTS])
def test_service_description(service: Service, name: str) -> None:
    SD_CHECKS[name](service)


def test_direct_graph_iri_is_the_request_url(service: Service) -> None:
    """A graph PUT at /graph-store/{path} is the graph <http://host:port/graph-store/{path}> everywhere."""
    _reset(service, PROTOCOL_CASES[0])
    iri = service.url + "/graph-store/person/9.ttl"
    response = service.client.put(
        iri,
        content=b"<http://example.org/s> <http://example.org/p> 1 .",
        headers={**AUTH, "Content-Type": "text/turtle"},
    )
    assert response.status_code == 201, response.text
    indirect = service.client.get(
        service.url + "/graph-store", params={"graph": iri}, headers={**AUTH, "Accept": "application/n-triples"}
    )
    assert indirect.status_code == 200 and "<http://example.org/s>" in indirect.text
    ask = service.client.get(
        service.url + "/sparql",
        params={"query": f"ASK {{ GRAPH <{iri}> {{ <http://example.org/s> ?p 1 }} }}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert json.loads(ask.text)["boolean"] is True
