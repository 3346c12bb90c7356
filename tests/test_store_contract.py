"""One contract, two implementations: the embedded store and a real `oxigraph serve` behind RemoteStore."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from cpms_kg.errors import BadInput, Forbidden, NotFound, QueryTimeout
from cpms_kg.store.base import Dataset, FormatChoice, LoadSource, Store
from cpms_kg.store.embedded import EmbeddedStore
from cpms_kg.store.remote import RemoteStore
from tests.conftest import BASE, start_oxigraph, stop

EX = "http://example.org/"
PRIVATE = BASE + "graph/private/firm-1"


def _ttl(text: str, *, name: str = "data.ttl", graph: str | None = None) -> LoadSource:
    return LoadSource(name=name, format=ox.RdfFormat.TURTLE, data=text.encode(), graph=graph)


@pytest.fixture(params=["embedded", "remote"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "embedded":
        opened: Store = EmbeddedStore(tmp_path / "store", base_iri=BASE, query_workers=1)
        yield opened
        opened.close()
        return
    server = start_oxigraph(tmp_path / "oxigraph")
    opened = RemoteStore(
        server.query, update_endpoint=server.update, graph_store=server.graph_store, base_iri=BASE, timeout=10
    )
    yield opened
    opened.close()
    stop(server.process)


def count(store: Store) -> int:
    rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows
    value = rows[0]["n"]
    assert isinstance(value, ox.Literal)
    return int(value.value)


def test_load_then_select_ask_construct(store: Store) -> None:
    report = store.load([_ttl(f"<{EX}a> <{EX}p> 1, 2 ; <{EX}q> 'x'@zh .", graph=EX + "g1")])
    assert report.quads == 3
    rows = store.select(f"SELECT ?o WHERE {{ <{EX}a> <{EX}p> ?o }} ORDER BY ?o")
    assert [r["o"].value for r in rows] == ["1", "2"]  # type: ignore[union-attr]
    assert store.ask(f"ASK {{ <{EX}a> <{EX}q> 'x'@zh }}")
    triples = store.construct(f"CONSTRUCT WHERE {{ <{EX}a> <{EX}q> ?o }}")
    assert triples == [ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "q"), ox.Literal("x", language="zh"))]


def test_bad_second_file_loads_nothing_and_names_file_and_line(store: Store) -> None:
    good = _ttl(f"<{EX}a> <{EX}p> 1 .", name="good.ttl", graph=EX + "g")
    bad = _ttl(f"<{EX}b> <{EX}p> 2 .\n<{EX}c> <{EX}p> .\n", name="bad.ttl", graph=EX + "g")
    with pytest.raises(BadInput) as caught:
        store.load([good, bad])
    problem = caught.value.problems[0]
    assert (problem.source, problem.line) == ("bad.ttl", 2)
    assert "bad.ttl:2" in caught.value.message
    assert count(store) == 0


def test_default_graph_is_union_of_public_graphs_only(store: Store) -> None:
    store.load(
        [
            _ttl(f"<{EX}a> <{EX}p> 'public' .", graph=BASE + "graph/demo"),
            _ttl(f"<{EX}a> <{EX}p> 'secret' .", graph=PRIVATE),
        ]
    )
    values = sorted(r["o"].value for r in store.select(f"SELECT ?o WHERE {{ <{EX}a> <{EX}p> ?o }}"))  # type: ignore[union-attr]
    assert values == ["public"]
    graphs = {r["g"].value for r in store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}  # type: ignore[union-attr]
    assert graphs == {BASE + "graph/demo"}
    assert PRIVATE not in store.public_graphs() and PRIVATE in store.named_graphs()


def test_trusted_reads_see_private_graphs_and_plain_reads_do_not(store: Store) -> None:
    store.load(
        [
            _ttl(f"<{EX}a> <{EX}p> 'public' .", graph=BASE + "graph/demo"),
            _ttl(f"<{EX}a> <{EX}p> 'secret' .", graph=PRIVATE),
        ]
    )
    query = f"SELECT ?o WHERE {{ <{EX}a> <{EX}p> ?o }}"
    assert sorted(r["o"].value for r in store.select(query, trusted=True)) == ["public", "secret"]  # type: ignore[union-attr]
    assert store.ask(f"ASK {{ GRAPH <{PRIVATE}> {{ ?s ?p 'secret' }} }}", trusted=True)
    assert not store.ask(f"ASK {{ GRAPH <{PRIVATE}> {{ ?s ?p 'secret' }} }}")
    only = store.select(query, dataset=Dataset((PRIVATE,), ()), trusted=True)
    assert [r["o"].value for r in only] == ["secret"]  # type: ignore[union-attr]
    assert len(store.construct(f"CONSTRUCT WHERE {{ <{EX}a> ?p ?o }}", trusted=True)) == 2


def test_private_graph_cannot_be_named_in_a_dataset(store: Store) -> None:
    store.load([_ttl(f"<{EX}a> <{EX}p> 'secret' .", graph=PRIVATE)])
    with pytest.raises(Forbidden):
        store.select(f"SELECT * FROM <{PRIVATE}> WHERE {{ ?s ?p ?o }}")
    with pytest.raises(Forbidden):
        store.select("SELECT * WHERE { ?s ?p ?o }", dataset=Dataset((PRIVATE,), ()))


def test_from_clause_and_protocol_dataset(store: Store) -> None:
    store.load([_ttl(f"<{EX}a> <{EX}p> 'one' .", graph=EX + "g1"), _ttl(f"<{EX}a> <{EX}p> 'two' .", graph=EX + "g2")])
    from_g1 = store.select(f"SELECT ?o FROM <{EX}g1> WHERE {{ ?s ?p ?o }}")
    assert [r["o"].value for r in from_g1] == ["one"]  # type: ignore[union-attr]
    # A protocol dataset overrides the query's FROM (SPARQL 1.1 Protocol 2.1.4).
    overridden = store.select(f"SELECT ?o FROM <{EX}g1> WHERE {{ ?s ?p ?o }}", dataset=Dataset((EX + "g2",), ()))
    assert [r["o"].value for r in overridden] == ["two"]  # type: ignore[union-attr]


def test_graph_store_operations(store: Store) -> None:
    graph = EX + "gsp"
    assert store.replace_graph(graph, _ttl(f"<{EX}a> <{EX}p> 1 .")) is True
    assert store.add_to_graph(graph, _ttl(f"<{EX}a> <{EX}p> 2 .")) is False
    assert len(store.graph_triples(graph)) == 2
    assert store.replace_graph(graph, _ttl(f"<{EX}a> <{EX}p> 3 .")) is False
    assert [t.object.value for t in store.graph_triples(graph)] == ["3"]  # type: ignore[union-attr]
    store.drop_graph(graph)
    with pytest.raises(NotFound):
        store.graph_triples(graph)
    with pytest.raises(NotFound):
        store.drop_graph(graph)


def test_replace_graph_with_bad_data_keeps_the_old_content(store: Store) -> None:
    graph = EX + "keep"
    store.replace_graph(graph, _ttl(f"<{EX}a> <{EX}p> 1 ."))
    with pytest.raises(BadInput):
        store.replace_graph(graph, _ttl(f"<{EX}a> <{EX}p> ."))
    assert [t.object.value for t in store.graph_triples(graph)] == ["1"]  # type: ignore[union-attr]


def test_update_and_syntax_errors(store: Store) -> None:
    store.update(f"INSERT DATA {{ GRAPH <{EX}u> {{ <{EX}a> <{EX}p> 'u' }} }}")
    assert store.ask(f"ASK {{ <{EX}a> <{EX}p> 'u' }}")
    with pytest.raises(BadInput):
        store.update("INSERT DATA { <broken")
    with pytest.raises(BadInput):
        store.select("SELEC ?x")


def test_execute_serialises_in_the_negotiated_format(store: Store) -> None:
    store.load([_ttl(f"<{EX}a> <{EX}p> 'v' .", graph=EX + "g")])
    formats = FormatChoice(ox.QueryResultsFormat.CSV, ox.RdfFormat.N_TRIPLES)
    table = store.execute(f"SELECT ?o WHERE {{ <{EX}a> <{EX}p> ?o }}", formats=formats, timeout=10)
    assert table.media_type.split(";")[0] == "text/csv" and table.body.decode().splitlines() == ["o", "v"]
    graph = store.execute(f"CONSTRUCT WHERE {{ <{EX}a> <{EX}p> ?o }}", formats=formats, timeout=10)
    assert graph.media_type.split(";")[0] == "application/n-triples"
    assert graph.body.decode().strip() == f'<{EX}a> <{EX}p> "v" .'


def test_runaway_query_is_stopped(store: Store) -> None:
    store.load([_ttl(" ".join(f"<{EX}s{i}> <{EX}p> {i} ." for i in range(400)), graph=EX + "g")])
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    formats = FormatChoice(ox.QueryResultsFormat.JSON, None)
    with pytest.raises(QueryTimeout):
        store.execute(runaway, formats=formats, timeout=1.0)
    # The store still answers after the runaway was stopped.
    quick = store.execute("ASK { ?s ?p ?o }", formats=formats, timeout=10)
    assert b"true" in quick.body


def test_updates_with_dataset_clauses_and_relative_iris(store: Store) -> None:
    store.update(f"INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}s> <{EX}p> 1 }} }}")
    store.update(f"WITH <{EX}g> INSERT {{ <{EX}s> <{EX}q> 2 }} WHERE {{ <{EX}s> <{EX}p> 1 }}")
    store.update(f"INSERT {{ GRAPH <{EX}h> {{ ?s <{EX}r> 3 }} }} USING <{EX}g> WHERE {{ ?s <{EX}q> 2 }}")
    assert store.ask(f"ASK {{ GRAPH <{EX}h> {{ <{EX}s> <{EX}r> 3 }} }}")
    # Relative IRIs resolve against the service's base IRI on both backends, never the remote's address.
    store.update(f"INSERT DATA {{ GRAPH <{EX}b> {{ <{EX}s> <{EX}p> <rel> }} }}")
    assert store.ask(f"ASK {{ <{EX}s> <{EX}p> <{BASE}rel> }}")
    assert store.ask("ASK { <http://example.org/s> <http://example.org/p> <rel> }")


def test_every_write_bumps_the_generation_and_reads_do_not(store: Store) -> None:
    graph = EX + "gen"
    seen = [store.generation]

    def bumped() -> None:
        assert store.generation > seen[-1]
        seen.append(store.generation)

    store.load([_ttl(f"<{EX}a> <{EX}p> 1 .", graph=graph)])
    bumped()
    store.select("SELECT * WHERE { ?s ?p ?o }")
    store.ask("ASK {}")
    assert store.generation == seen[-1]
    store.update(f"INSERT DATA {{ GRAPH <{graph}> {{ <{EX}a> <{EX}p> 2 }} }}")
    bumped()
    store.replace_graph(graph, _ttl(f"<{EX}a> <{EX}p> 3 ."))
    bumped()
    store.add_to_graph(graph, _ttl(f"<{EX}a> <{EX}p> 4 ."))
    bumped()
    store.drop_graph(graph)
    bumped()


def test_only_writes_that_may_change_public_data_bump_the_public_generation(store: Store) -> None:
    public, private = EX + "pub", PRIVATE
    before = store.public_generation
    store.add_to_graph(private, _ttl(f"<{EX}a> <{EX}p> 1 ."))
    store.replace_graph(private, _ttl(f"<{EX}a> <{EX}p> 2 ."))
    store.load([_ttl(f"<{EX}a> <{EX}p> 3 .", graph=private)])
    store.drop_graph(private)
    assert store.public_generation == before and store.generation > before
    store.add_to_graph(public, _ttl(f"<{EX}a> <{EX}p> 1 ."))
    assert store.public_generation == before + 1
    store.load([_ttl(f"<{EX}a> <{EX}p> 4 .", graph=private), _ttl(f"<{EX}a> <{EX}p> 4 .", graph=public)])
    assert store.public_generation == before + 2
    store.update(f"INSERT DATA {{ GRAPH <{private}> {{ <{EX}a> <{EX}p> 5 }} }}")  # graphs not known: counted
    assert store.public_generation == before + 3
