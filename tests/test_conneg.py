"""Content negotiation matrix: Accept headers to formats (one module decides, one table tests it)."""

from __future__ import annotations

import pytest

from cpms_kg import conneg


@pytest.mark.parametrize(
    ("accept", "results", "graph", "page"),
    [
        (None, "application/sparql-results+json", "text/turtle", "text/turtle"),
        ("*/*", "application/sparql-results+json", "text/turtle", "text/turtle"),
        (
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "application/xml",
            "application/xml",
            "text/html",
        ),
        ("application/sparql-results+xml", "application/sparql-results+xml", None, None),
        ("text/csv", "text/csv", None, None),
        ("text/tab-separated-values", "text/tab-separated-values", None, None),
        ("application/n-triples", None, "application/n-triples", "application/n-triples"),
        ("application/ld+json;q=0.5, text/turtle;q=0.9", None, "text/turtle", "text/turtle"),
        ("application/ld+json, text/turtle;q=0.9", None, "application/ld+json", "application/ld+json"),
        ("application/rdf+xml", None, "application/rdf+xml", "application/rdf+xml"),
        ("text/*", "text/csv", "text/turtle", "text/turtle"),
        ("image/png", None, None, None),
        ("text/turtle;q=0", None, None, None),
        ("application/json", "application/json", None, "application/json"),
    ],
)
def test_matrix(accept: str | None, results: str | None, graph: str | None, page: str | None) -> None:
    def chosen(offers: tuple[conneg.Offer, ...]) -> str | None:
        offer = conneg.negotiate(accept, offers)
        return offer.media_type if offer else None

    assert chosen(conneg.RESULT_OFFERS) == results
    assert chosen(conneg.GRAPH_OFFERS) == graph
    assert chosen(conneg.PAGE_OFFERS) == page


def test_aliases() -> None:
    assert conneg.alias("TTL") == "text/turtle"
    assert conneg.alias("jsonld") == "application/ld+json"
    assert conneg.alias("yaml") is None
