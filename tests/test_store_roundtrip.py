"""Property: whatever RDF goes into a graph comes back out unchanged (embedded store, every format)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpms_kg.store.base import LoadSource
from cpms_kg.store.embedded import EmbeddedStore
from tests.conftest import BASE

iris = st.sampled_from([f"http://example.org/{n}" for n in ("a", "b", "c", "产品", "p%20q")]).map(ox.NamedNode)
texts = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
literals = st.one_of(
    texts.map(ox.Literal),
    st.tuples(texts, st.sampled_from(["zh", "en", "zh-hans"])).map(lambda t: ox.Literal(t[0], language=t[1])),
    st.integers(-(10**12), 10**12).map(
        lambda i: ox.Literal(str(i), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    ),
)
triples = st.sets(st.builds(ox.Triple, iris, iris, st.one_of(iris, literals)), max_size=20)
FORMATS = [ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    opened = EmbeddedStore(Path(tmp_path_factory.mktemp("roundtrip")) / "store", base_iri=BASE, query_workers=1)
    yield opened
    opened.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=triples, fmt=st.sampled_from(FORMATS))
def test_graph_round_trip(store: EmbeddedStore, data: set[ox.Triple], fmt: ox.RdfFormat) -> None:
    graph = "http://example.org/graph"
    body = ox.serialize(sorted(data, key=str), format=fmt) or b""
    store.replace_graph(graph, LoadSource(name="generated", format=fmt, data=body))
    assert set(store.graph_triples(graph)) == data
