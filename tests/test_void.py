"""GET /.well-known/void: VoID + DCAT of the service, equal to SPARQL counts, public graphs only, kept current."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF

from cpms_kg import void
from cpms_kg.conformance.datasets import private_graph
from tests.conftest import ADMIN_TOKEN, BASE, app_client, cli
from tests.test_conformance_e2e import HEADER, ROWS

VOID = rdflib.Namespace(void.VOID)
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
DATASET = rdflib.URIRef(BASE + "void")
SERVICE = rdflib.URIRef(BASE + "service")
EXTRA = BASE + "graph/extra"
SKOS = "http://www.w3.org/2004/02/skos/core#"
CPMS = "https://w3id.org/cpms-kg/ontology#"
CONCEPTS = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{SKOS}Concept> }}"
NOTATIONS = f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o WHERE {{ ?s <{SKOS}notation> ?o }} }}"
VERSIONS = f"SELECT ?v WHERE {{ ?v a <{CPMS}StandardVersion> }}"


def description(client: TestClient, accept: str = "text/turtle", fmt: str = "turtle") -> rdflib.Graph:
    answer = client.get("/.well-known/void", headers={"Accept": accept})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith(accept)
    return rdflib.Graph().parse(data=answer.text, format=fmt)


def number(graph: rdflib.Graph, subject: rdflib.term.Node, predicate: rdflib.URIRef) -> int:
    [value] = list(graph.objects(subject, predicate))
    assert isinstance(value, rdflib.Literal)
    return int(value)


def select(client: TestClient, query: str) -> list[dict[str, str]]:
    answer = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200, answer.text
    return [{k: v["value"] for k, v in row.items()} for row in answer.json()["results"]["bindings"]]


def sparql_counts(client: TestClient) -> tuple[int, dict[str, int]]:
    """What the public SPARQL endpoint says: distinct triples, and triples per named graph."""
    [total] = select(client, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
    graphs = select(client, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return int(total["n"]), {row["g"]: int(row["n"]) for row in graphs}


def void_counts(graph: rdflib.Graph) -> tuple[int, dict[str, int]]:
    subsets = {str(s): number(graph, s, VOID.triples) for s in graph.objects(DATASET, VOID.subset)}
    return number(graph, DATASET, VOID.triples), subsets


def commit(client: TestClient, dataset: str) -> None:
    table = io.StringIO()
    csv.writer(table).writerows([HEADER, ROWS[0]])
    done = client.post(
        "/api/validate",
        files={"file": ("products.csv", table.getvalue().encode("utf-8"))},
        data={"standard": "zj-rolling-bearings", "firm": "acme", "commit": "true", "dataset": dataset},
        headers=AUTH,
    )
    assert done.status_code == 200 and done.json()["committed_dataset"] == dataset, done.text


def test_counts_equal_sparql_and_private_graphs_stay_out(store_dir: Path) -> None:
    with app_client(store_dir) as (client, store):
        graph = description(client)
        assert void_counts(graph) == sparql_counts(client)
        assert set(void_counts(graph)[1]) == set(store.public_graphs())
        assert number(graph, DATASET, VOID.triples) > 100_000

        # A committed dataset is a private graph: the store changed, the public description did not.
        commit(client, "q4")
        private = private_graph(BASE, "acme", "q4")
        assert private in store.named_graphs()
        after_commit = description(client)
        assert void_counts(after_commit) == void_counts(graph)
        assert not any(private in str(term) for triple in after_commit for term in triple)
        assert not any("/graph/private/" in str(term) for triple in after_commit for term in triple)

        # Shared, it is public: two more subsets, more triples, and a catalogue entry among the examples.
        assert client.post("/api/datasets/acme/q4/share", headers=AUTH).status_code == 200
        shared = description(client)
        assert void_counts(shared) == sparql_counts(client)
        assert {BASE + "graph/warehouse/acme/q4", BASE + "graph/catalogue/acme/q4"} <= set(void_counts(shared)[1])
        assert void_counts(shared)[0] > void_counts(graph)[0]
        assert rdflib.URIRef(BASE + "dataset/acme/q4") in set(shared.objects(DATASET, VOID.exampleResource))


def test_a_graph_store_put_and_a_cli_load_are_counted(store_dir: Path, tmp_path: Path) -> None:
    body = "".join(f"<{BASE}thing/{i}> <http://example.org/p> {i} .\n" for i in range(7))
    with app_client(store_dir) as (client, _):
        before = void_counts(description(client))
        put = client.put(
            "/graph-store", params={"graph": EXTRA}, content=body, headers={**AUTH, "Content-Type": "text/turtle"}
        )
        assert put.status_code in (200, 201, 204), put.text
        after = void_counts(description(client))
        assert after[1][EXTRA] == 7 and EXTRA not in before[1]
        assert after[0] == before[0] + 7 and after == sparql_counts(client)
        assert rdflib.URIRef("http://example.org/") in set(description(client).objects(DATASET, VOID.vocabulary))
    more = tmp_path / "more.ttl"
    more.write_text(f"<{BASE}thing/x> <http://example.com/q> 1 , 2 , 3 .\n", encoding="utf-8")
    cli("load", str(more), "--graph", BASE + "graph/more", "--store", str(store_dir), check=True)
    with app_client(store_dir) as (client, _):
        loaded = void_counts(description(client))
        assert loaded[1][BASE + "graph/more"] == 3 and loaded[0] == after[0] + 3
        assert loaded == sparql_counts(client)


def test_counted_once_per_store_generation(store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    counted = void.statistics

    def counting(store: object) -> void.Statistics:
        calls.append(1)
        return counted(store)  # type: ignore[arg-type]

    monkeypatch.setattr(void, "statistics", counting)
    with app_client(store_dir) as (client, _):
        for accept in ("text/turtle", "application/ld+json", "text/html", "application/n-triples"):
            assert client.get("/.well-known/void", headers={"Accept": accept}).status_code == 200
        assert len(calls) == 1
        put = client.put(
            "/graph-store", params={"graph": EXTRA}, content="<urn:a> <urn:b> <urn:c> .",
            headers={**AUTH, "Content-Type": "text/turtle"},
        )  # fmt: skip
        assert put.status_code in (200, 201, 204)
        client.get("/.well-known/void")
        client.get("/.well-known/void")
        assert len(calls) == 2


def test_what_the_description_says(store_dir: Path) -> None:
    with app_client(store_dir) as (client, _):
        graph = description(client)
        assert set(graph.objects(DATASET, RDF.type)) == {VOID.Dataset, DCAT.Catalog}
        assert set(graph.objects(DATASET, VOID.sparqlEndpoint)) == {rdflib.URIRef("http://testserver/sparql")}
        assert set(graph.objects(DATASET, VOID.uriSpace)) == {rdflib.Literal(BASE)}
        vocabularies = {str(v) for v in graph.objects(DATASET, VOID.vocabulary)}
        assert {
            "https://w3id.org/cpms-kg/ontology#",
            "http://www.w3.org/2004/02/skos/core#",
            "http://qudt.org/schema/qudt/",
            "http://purl.org/dc/terms/",
        } <= vocabularies
        # Exactly the namespaces of the predicates and classes in use.
        used = {r["x"] for r in select(client, "SELECT DISTINCT ?x WHERE { { ?s ?x ?o } UNION { ?s a ?x } }")}
        assert vocabularies == {void.namespace(x) for x in used if not x.startswith("_:")}
        examples = " ".join(f"<{e}>" for e in graph.objects(DATASET, VOID.exampleResource))
        for kind in (SKOS + "Concept", CPMS + "IndustryStandard"):
            [found] = select(client, f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?x {{ {examples} }} ?x a <{kind}> }}")
            assert int(found["n"]) >= 1, kind
        # Partitions: instances per class, triples per property, as SPARQL counts them.
        concepts = next(
            number(graph, p, VOID.entities)
            for p in graph.objects(DATASET, VOID.classPartition)
            if graph.value(p, VOID["class"]) == rdflib.SKOS.Concept
        )
        [counted] = select(client, CONCEPTS)
        assert concepts == int(counted["n"])
        notation = next(
            number(graph, p, VOID.triples)
            for p in graph.objects(DATASET, VOID.propertyPartition)
            if graph.value(p, VOID.property) == rdflib.SKOS.notation
        )
        [counted] = select(client, NOTATIONS)
        assert notation == int(counted["n"])
        # DCAT: the data service in front of the dataset, its endpoint, titles and licence; the published versions.
        assert (SERVICE, RDF.type, DCAT.DataService) in graph
        assert (SERVICE, DCAT.endpointURL, rdflib.URIRef("http://testserver/sparql")) in graph
        assert (SERVICE, DCAT.servesDataset, DATASET) in graph and (DATASET, DCAT.service, SERVICE) in graph
        assert (SERVICE, DCTERMS.license, rdflib.URIRef("https://www.apache.org/licenses/LICENSE-2.0")) in graph
        assert {t.language for t in graph.objects(SERVICE, DCTERMS.title)} == {"zh", "en"}
        assert {t.language for t in graph.objects(DATASET, DCTERMS.title)} == {"zh", "en"}
        versions = {r["v"] for r in select(client, VERSIONS)}
        assert versions and {str(v) for v in graph.objects(DATASET, DCAT.dataset)} == versions


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [("application/ld+json", "json-ld"), ("application/n-triples", "nt"), ("application/rdf+xml", "xml")],
)
def test_every_rdf_format_says_the_same(store_dir: Path, accept: str, fmt: str) -> None:
    with app_client(store_dir) as (client, _):
        assert isomorphic(description(client, accept, fmt), description(client))


def test_html_page_and_refusals(store_dir: Path) -> None:
    with app_client(store_dir) as (client, _):
        page = client.get("/.well-known/void", headers={"Accept": "text/html"})
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        for text in (
            "全部公开数据",
            "all public data",
            "公开命名图",
            "Public named graphs",
            "http://testserver/sparql",
        ):
            assert text in page.text
        assert 'href="/id/graph/ontology"' in page.text
        assert client.get("/.well-known/void?format=nt").headers["content-type"].startswith("application/n-triples")
        refused = client.get("/.well-known/void", headers={"Accept": "image/png"})
        assert refused.status_code == 406 and refused.json()["ok"] is False and refused.json()["status"] == 406
