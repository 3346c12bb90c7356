"""The SPARQL lexer that decides dataset, SERVICE targets and USING clauses before a query runs."""

from __future__ import annotations

import pyoxigraph as ox
from hypothesis import given
from hypothesis import strategies as st

from cpms_kg.store.base import Dataset, QueryForm
from cpms_kg.store.sparql_text import scan_query, scan_update, with_using


def test_dataset_clauses_resolve_prefixes_and_base() -> None:
    info = scan_query("PREFIX e: <http://e/>\nBASE <http://b/>\nSELECT * FROM <g1> FROM NAMED e:g2 WHERE { ?s ?p ?o }")
    assert info.form is QueryForm.SELECT
    assert info.dataset == Dataset(("http://b/g1",), ("http://e/g2",))


def test_keywords_inside_strings_comments_and_names_are_ignored() -> None:
    text = (
        '# FROM <http://x/>  SERVICE <http://y/>\nSELECT ?from WHERE { ?s <http://e/p> "FROM <http://z/>" , '
        "'''SERVICE <http://w/>''' . ?s <http://e/service> ?from }"
    )
    info = scan_query(text)
    assert info.dataset.empty and info.services == ()


def test_service_targets_including_silent_and_variables() -> None:
    info = scan_query("CONSTRUCT { ?s ?p ?o } WHERE { SERVICE SILENT <http://a/sparql> { ?s ?p ?o } SERVICE ?ep { } }")
    assert info.form is QueryForm.CONSTRUCT
    assert info.services == ("http://a/sparql", None)


def test_form_of_ask_and_describe() -> None:
    assert scan_query("ASK {}").form is QueryForm.ASK
    assert scan_query("PREFIX : <http://e/> DESCRIBE :x").form is QueryForm.DESCRIBE


def test_using_goes_before_each_modify_where_only() -> None:
    update = (
        "DELETE WHERE { ?a ?b ?c } ; INSERT { GRAPH <g> { ?s ?p ?o } } WHERE { ?s ?p ?o FILTER EXISTS { ?s ?p ?o } }"
    )
    rewritten = with_using(update, Dataset(("http://d/",), ("http://n/",)))
    assert rewritten.count("USING <http://d/> USING NAMED <http://n/> WHERE") == 1
    assert rewritten.startswith("DELETE WHERE")
    assert scan_update("WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }").has_dataset_clause


@given(
    st.lists(
        st.sampled_from(["http://example.org/a", "http://example.org/b#x", "urn:g:1", "http://例子.中国/图"]),
        min_size=0,
        max_size=4,
    ),
    st.lists(st.sampled_from(["http://example.org/n1", "urn:n:2"]), max_size=3),
)
def test_dataset_round_trip_matches_the_engine(default: list[str], named: list[str]) -> None:
    """What the lexer reads is what pyoxigraph parses: the engine's own parse is the oracle."""
    query = "SELECT * " + "".join(f"FROM <{g}> " for g in default) + "".join(f"FROM NAMED <{g}> " for g in named)
    query += "WHERE { ?s ?p ?o }"
    ox.Store().query(query)  # parses, so the generated text is valid SPARQL
    assert scan_query(query).dataset == Dataset(tuple(default), tuple(named))


def test_relative_iris_are_detected_unless_a_base_is_declared() -> None:
    from cpms_kg.store.sparql_text import has_relative_iri

    assert has_relative_iri("INSERT DATA { <http://e/s> <http://e/p> <rel> }")
    assert not has_relative_iri("INSERT DATA { <http://e/s> <http://e/p> <urn:x:1> }")
    assert not has_relative_iri("BASE <http://b/> SELECT * { <rel> ?p ?o }")
    assert not has_relative_iri('SELECT * { ?s ?p "<rel>" }')
