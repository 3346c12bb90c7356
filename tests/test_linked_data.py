"""Dereferencing /id/...: five formats by content negotiation, 406, 404, readable bilingual HTML."""

from __future__ import annotations

import re

import httpx
import pytest
import rdflib

from tests.conftest import BASE, Server

CONCEPT = "classification/cpc21/4331"


@pytest.mark.parametrize(
    ("accept", "media", "rdflib_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("*/*", "text/turtle", "turtle"),
        ("application/json", "application/ld+json", "json-ld"),
    ],
)
def test_rdf_formats(server: Server, accept: str, media: str, rdflib_format: str) -> None:
    response = httpx.get(f"{server.url}/id/{CONCEPT}", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert "Accept" in response.headers["vary"]
    graph = rdflib.Graph().parse(data=response.text, format=rdflib_format)
    subject = rdflib.URIRef(BASE + CONCEPT)
    assert (subject, rdflib.SKOS.notation, rdflib.Literal("4331")) in graph
    assert (subject, rdflib.SKOS.broader, rdflib.URIRef(BASE + "classification/cpc21/433")) in graph


def test_html_page_links_broader_and_narrower(server: Server) -> None:
    response = httpx.get(f"{server.url}/id/{CONCEPT}", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "Ball or roller bearings" in page
    assert 'href="/id/classification/cpc21/433"' in page
    assert 'href="/id/classification/cpc21/43310"' in page
    assert "上位类" in page and "Broader" in page and "下位类" in page and "Narrower" in page
    assert 'href="/id/classification/cpc21/level/4"' in page and 'href="/id/classification/cpc21"' in page
    # The page's links resolve on this server.
    for href in set(re.findall(r'href="(/id/[^"?]+)"', page)):
        assert httpx.get(server.url + href, headers={"Accept": "text/html"}).status_code == 200, href


def test_html_shows_correspondence_links(server: Server) -> None:
    page = httpx.get(f"{server.url}/id/classification/hs2017/848210", headers={"Accept": "text/html"}).text
    assert 'href="/id/classification/cpc21/43310"' in page
    assert "对应" in page and "broader match" in page


def test_format_parameter_overrides_accept(server: Server) -> None:
    response = httpx.get(f"{server.url}/id/{CONCEPT}?format=nt", headers={"Accept": "text/html"})
    assert response.headers["content-type"].startswith("application/n-triples")


def test_unacceptable_format_is_406(server: Server) -> None:
    response = httpx.get(f"{server.url}/id/{CONCEPT}", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.json()["status"] == 406


@pytest.mark.parametrize("accept", ["text/turtle", "application/json"])
def test_unknown_resource_is_404_json(server: Server, accept: str) -> None:
    response = httpx.get(f"{server.url}/id/classification/cpc21/00000", headers={"Accept": accept})
    assert response.status_code == 404
    assert response.json()["ok"] is False


def test_unknown_resource_is_404_html_for_browsers(server: Server) -> None:
    response = httpx.get(f"{server.url}/id/classification/cpc21/00000", headers={"Accept": "text/html"})
    assert response.status_code == 404 and "未找到资源" in response.text


def test_units_dereference_with_qudt_match(server: Server) -> None:
    response = httpx.get(f"{server.url}/id/classification/units/MilliM", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    assert (
        rdflib.URIRef(BASE + "classification/units/MilliM"),
        rdflib.SKOS.exactMatch,
        rdflib.URIRef("http://qudt.org/vocab/unit/MilliM"),
    ) in graph
