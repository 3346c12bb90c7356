"""Reading the W3C SPARQL 1.1 Protocol and Graph Store Protocol test manifests (HTTP-in-RDF).

The manifests describe each test as ht:Requests (method, absolute path, headers, cnt:chars body)
with the expected ht:Response (mf:expectedStatus, mf:expectedBoolean, mf:expectedFormat,
mf:expectedLocation, response headers and body). This module turns them into plain data; the
runner in test_w3c_protocol.py sends them to a live cpms-kg.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

CONFORMANCE = Path(__file__).resolve().parents[2] / "shared" / "conformance" / "sparql-protocol"
PROTOCOL_MANIFEST = CONFORMANCE / "protocol" / "manifest.ttl"
GSP_MANIFEST = CONFORMANCE / "graph-store-protocol" / "manifest.ttl"
SD_MANIFEST = CONFORMANCE / "service-description" / "manifest.ttl"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

# The status terms the manifests use: a class of codes, or one code.
_STATUS_CLASSES = {
    "StatusCode2xx": range(200, 300),
    "StatusCode3xx": range(300, 400),
    "StatusCode4xx": range(400, 500),
    "StatusCode5xx": range(500, 600),
}
_STATUS_CODES = {
    "OK": 200,
    "Created": 201,
    "Accepted": 202,
    "NoContent": 204,
    "BadRequest": 400,
    "NotFound": 404,
    "MethodNotAllowed": 405,
    "UnsupportedMediaType": 415,
}


@dataclass(frozen=True)
class Expected:
    statuses: tuple[str, ...]
    """hts local names, e.g. ("StatusCode2xx", "StatusCode3xx") or ("Created",)."""
    boolean: bool | None = None
    format: str | None = None
    """"boolean", "tabular" or "RDF" (protocol tests)."""
    location_variable: str | None = None
    """A template variable (e.g. "$LOCATION$") bound to the Location header for later requests."""
    headers: tuple[tuple[str, str], ...] = ()
    body: str | None = None

    def allows(self, status: int) -> bool:
        return any(status in _status_range(name) for name in self.statuses)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: str | None
    encoding: str
    expected: Expected

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def payload(self) -> bytes | None:
        return None if self.body is None else self.body.encode(self.encoding)


@dataclass(frozen=True)
class GraphData:
    file: Path
    graph: str


@dataclass(frozen=True)
class Case:
    id: str
    """The test's local name in its manifest."""
    name: str
    manifest: str
    requires: tuple[str, ...]
    graph_data: tuple[GraphData, ...]
    requests: tuple[Request, ...]


def _status_range(name: str) -> range:
    if name in _STATUS_CLASSES:
        return _STATUS_CLASSES[name]
    if name in _STATUS_CODES:
        code = _STATUS_CODES[name]
        return range(code, code + 1)
    raise ValueError(f"unknown expected status hts:{name}")


def _local(node: Node, namespace: Namespace) -> str:
    text = str(node)
    if not text.startswith(str(namespace)):
        raise ValueError(f"{text} is not in {namespace}")
    return text[len(str(namespace)) :]


def _text(graph: Graph, subject: Node, predicate: URIRef) -> str | None:
    value = graph.value(subject, predicate)
    return None if value is None else str(value)


def _items(graph: Graph, subject: Node, predicate: URIRef) -> list[Node]:
    head = graph.value(subject, predicate)
    return [] if head is None else list(Collection(graph, head))


def _headers(graph: Graph, node: Node) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    for header in _items(graph, node, HT.headers):
        name, value = _text(graph, header, HT.fieldName), _text(graph, header, HT.fieldValue)
        assert name is not None and value is not None, f"header without name or value in {node}"
        out.append((name, value))
    return tuple(out)


def _body(graph: Graph, node: Node) -> tuple[str | None, str]:
    body = graph.value(node, HT.body)
    if body is None:
        return None, "utf-8"
    chars = graph.value(body, CNT.chars)
    assert isinstance(chars, Literal), f"body without cnt:chars in {node}"
    return str(chars), _text(graph, body, CNT.characterEncoding) or "UTF-8"


def _expected(graph: Graph, node: Node) -> Expected:
    statuses = sorted(_local(s, HTS) for s in graph.objects(node, MF.expectedStatus))
    assert statuses, f"response {node} has no mf:expectedStatus"
    for name in statuses:
        _status_range(name)  # unknown terms fail when the manifest is read, not silently later
    boolean = graph.value(node, MF.expectedBoolean)
    assert boolean is None or isinstance(boolean, Literal), f"mf:expectedBoolean of {node} is not a literal"
    body, _ = _body(graph, node)
    return Expected(
        statuses=tuple(statuses),
        boolean=None if boolean is None else bool(boolean.toPython()),
        format=_text(graph, node, MF.expectedFormat),
        location_variable=_text(graph, node, MF.expectedLocation),
        headers=_headers(graph, node),
        body=body,
    )


def _request(graph: Graph, node: Node) -> Request:
    method, path = _text(graph, node, HT.methodName), _text(graph, node, HT.absolutePath)
    response = graph.value(node, HT.resp)
    assert method and path and response is not None, f"incomplete ht:Request {node}"
    body, encoding = _body(graph, node)
    return Request(method.upper(), path, _headers(graph, node), body, encoding, _expected(graph, response))


def _case(graph: Graph, manifest: Path, test: URIRef) -> Case:
    action = graph.value(test, MF.action)
    assert action is not None, f"{test} has no mf:action"
    authority = _text(graph, action, HT.connectionAuthority)
    assert authority == "www.example", f"{test}: unexpected authority {authority}"
    data = []
    for node in graph.objects(test, UT.graphData):
        file, label = graph.value(node, UT.graph), _text(graph, node, RDFS.label)
        assert file is not None and label is not None, f"{test}: incomplete ut:graphData"
        data.append(GraphData(Path(str(file).removeprefix("file://")), label))
    local = str(test).rpartition("#")[2]
    return Case(
        id=local,
        name=_text(graph, test, MF.name) or local,
        manifest=str(manifest.relative_to(CONFORMANCE)),
        requires=tuple(sorted(_local(r, MF) for r in graph.objects(test, MF.requires))),
        graph_data=tuple(sorted(data, key=lambda d: d.graph)),
        requests=tuple(_request(graph, r) for r in _items(graph, action, HT.requests)),
    )


def _parse(manifest: Path) -> tuple[Graph, URIRef]:
    graph = Graph()
    graph.parse(manifest, format="turtle", publicID=manifest.as_uri())
    return graph, URIRef(manifest.as_uri())


def read_manifest(manifest: Path) -> list[Case]:
    """The manifest's mf:entries in order, following mf:include."""
    graph, root = _parse(manifest)
    assert (root, RDF.type, MF.Manifest) in graph, f"{manifest} is not an mf:Manifest"
    cases: list[Case] = []
    for included in _items(graph, root, MF.include):
        cases += read_manifest(Path(str(included).removeprefix("file://")))
    for entry in _items(graph, root, MF.entries):
        assert isinstance(entry, URIRef), f"{manifest}: entry {entry} is not an IRI"
        cases.append(_case(graph, manifest, entry))
    return cases


def read_unlisted(manifest: Path) -> list[Case]:
    """Tests a manifest (or one it includes) defines but leaves out of mf:entries.

    manifest-direct.ttl defines head_non_existing_direct without listing it; it is run too.
    """
    graph, root = _parse(manifest)
    cases: list[Case] = []
    for included in _items(graph, root, MF.include):
        cases += read_unlisted(Path(str(included).removeprefix("file://")))
    listed = set(_items(graph, root, MF.entries))
    for test_type in (MF.ProtocolTest, MF.GraphStoreProtocolTest):
        for test in sorted(str(s) for s in graph.subjects(RDF.type, test_type)):
            if URIRef(test) not in listed:
                cases.append(_case(graph, manifest, URIRef(test)))
    return cases


def entry_names(manifest: Path, test_type: URIRef) -> list[tuple[str, str]]:
    """(local name, mf:name) of the entries of one type (service-description tests have no action)."""
    graph, root = _parse(manifest)
    out = []
    for entry in _items(graph, root, MF.entries):
        assert (entry, RDF.type, test_type) in graph, f"{entry} is not a {test_type}"
        out.append((str(entry).rpartition("#")[2], _text(graph, entry, MF.name) or ""))
    return out
