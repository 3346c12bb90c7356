"""Content negotiation, in one place: Accept headers to formats for SPARQL results and RDF pages."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from cpms_kg.errors import NotAcceptable


@dataclass(frozen=True)
class Offer:
    media_type: str
    key: str
    """What the caller uses: a QueryResultsFormat / RdfFormat name, or "HTML"."""


RESULT_OFFERS = (
    Offer("application/sparql-results+json", "JSON"),
    Offer("application/json", "JSON"),
    Offer("application/sparql-results+xml", "XML"),
    Offer("application/xml", "XML"),
    Offer("text/csv", "CSV"),
    Offer("text/tab-separated-values", "TSV"),
)

GRAPH_OFFERS = (
    Offer("text/turtle", "TURTLE"),
    Offer("application/x-turtle", "TURTLE"),
    Offer("application/n-triples", "N_TRIPLES"),
    Offer("text/plain", "N_TRIPLES"),
    Offer("application/ld+json", "JSON_LD"),
    Offer("application/rdf+xml", "RDF_XML"),
    Offer("application/xml", "RDF_XML"),
)

# Linked-data pages: RDF first so that `*/*` (curl, scripts) gets Turtle; browsers ask for HTML by name.
PAGE_OFFERS = (
    *GRAPH_OFFERS[:1],
    Offer("text/html", "HTML"),
    Offer("application/xhtml+xml", "HTML"),
    *GRAPH_OFFERS[1:],
    Offer("application/json", "JSON_LD"),
)

_ALIASES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "rdfxml": "application/rdf+xml",
    "html": "text/html",
}


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    q: float
    order: int

    def matches(self, media_type: str) -> int:
        """Specificity of the match (3 exact, 2 type/*, 1 */*), 0 for none."""
        t, _, s = media_type.partition("/")
        if self.type == t and self.subtype == s:
            return 3
        if self.type == t and self.subtype == "*":
            return 2
        if self.type == "*" and self.subtype == "*":
            return 1
        return 0


def _parse(accept: str) -> list[_Range]:
    ranges: list[_Range] = []
    for order, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        if "/" not in media:
            media = media + "/*" if media == "*" else _ALIASES.get(media, media + "/*")
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        t, _, s = media.partition("/")
        ranges.append(_Range(t, s, q, order))
    return ranges


def negotiate(accept: str | None, offers: tuple[Offer, ...]) -> Offer | None:
    """The offer the Accept header prefers; the first offer when there is no header; None if none fits."""
    if not accept or not accept.strip():
        return offers[0]
    ranges = _parse(accept)
    best: tuple[float, int, int] | None = None
    chosen: Offer | None = None
    for index, offer in enumerate(offers):
        quality = -1.0
        specificity = 0
        for r in ranges:
            spec = r.matches(offer.media_type)
            if spec > specificity:
                specificity, quality = spec, r.q
        if specificity == 0 or quality <= 0:
            continue
        score = (quality, specificity, -index)
        if best is None or score > best:
            best, chosen = score, offer
    return chosen


def alias(name: str) -> str | None:
    """A short format name from a `format=` parameter ("json", "ttl", ...) to its media type."""
    return _ALIASES.get(name.strip().lower())


def results_format(accept: str | None) -> ox.QueryResultsFormat | None:
    offer = negotiate(accept, RESULT_OFFERS)
    return getattr(ox.QueryResultsFormat, offer.key) if offer else None


def graph_format(accept: str | None) -> ox.RdfFormat | None:
    offer = negotiate(accept, GRAPH_OFFERS)
    return getattr(ox.RdfFormat, offer.key) if offer else None


def not_acceptable(accept: str | None, offers: tuple[Offer, ...]) -> NotAcceptable:
    available = ", ".join(dict.fromkeys(o.media_type for o in offers))
    return NotAcceptable(
        f"cannot answer in any format of Accept: {accept}; available: {available}",
        message_zh=f"无法以 Accept 所列格式应答：{accept}；可用格式：{available}",
    )
