"""VoID and DCAT description of the whole service, answered at GET /.well-known/void.

`{base}void` is a void:Dataset (and dcat:Catalog) of everything public: its triples, its SPARQL
endpoint, its URI space (the base IRI), the vocabularies its predicates and classes come from, a few
example resources, one void:subset per public named graph (the graph's own IRI, with its triples), and
class and property partitions. `{base}service` is the dcat:DataService in front of it. Private graphs
play no part: every count is a public read.

Counting a large store is a few full scans (one distinct-triples pass grouped by predicate gives both the
property partitions and the total), so the counts are kept per store generation (`VoidCache`): they are
made again by the first request after a write, never per request.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from html import escape

import pyoxigraph as ox

from cpms_kg.html import local_href, shell
from cpms_kg.namespaces import CPMS, DCAT, DCTERMS, RDF, SKOS, XSD
from cpms_kg.store.base import Store
from cpms_kg.terms import value

VOID = "http://rdfs.org/ns/void#"
ONTOLOGY = "https://w3id.org/cpms-kg/ontology"
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
FORMATS = tuple(f"http://www.w3.org/ns/formats/{f}" for f in ("Turtle", "N-Triples", "JSON-LD", "RDF_XML"))
TITLE = ("产品主数据标准知识图谱：全部公开数据", "CPMS knowledge graph: all public data")
SERVICE_TITLE = ("产品主数据标准知识图谱 SPARQL 服务", "CPMS knowledge graph SPARQL service")
_EXAMPLE_KINDS = (str(SKOS.Concept), str(CPMS.IndustryStandard), str(CPMS.CatalogueEntry))


@dataclass(frozen=True, order=True)
class Count:
    iri: str
    count: int


@dataclass(frozen=True)
class Statistics:
    """The public part of a store, counted at one generation."""

    generation: int
    triples: int
    """Distinct triples of the union of the public graphs (what /sparql answers from)."""
    graphs: tuple[Count, ...]
    """Each public named graph with its triples."""
    classes: tuple[Count, ...]
    """Each class with its distinct instances."""
    properties: tuple[Count, ...]
    """Each predicate with its distinct triples."""
    vocabularies: tuple[str, ...]
    examples: tuple[str, ...]
    catalogs: tuple[str, ...]
    versions: tuple[str, ...]
    licence: str | None


def namespace(iri: str) -> str:
    """What precedes an IRI's local name: up to its last '#', else its last '/', else its last ':' (a URN)."""
    for delimiter in "#/:":
        if delimiter in iri:
            return iri[: iri.rfind(delimiter) + 1]
    return iri


def _counts(store: Store, query: str, key: str) -> tuple[Count, ...]:
    rows = store.select(query)
    return tuple(sorted(Count(value(r[key]), int(value(r["n"]))) for r in rows if isinstance(r.get(key), ox.NamedNode)))


def _iris(store: Store, query: str) -> tuple[str, ...]:
    return tuple(sorted({value(r["x"]) for r in store.select(query) if isinstance(r.get("x"), ox.NamedNode)}))


def statistics(store: Store) -> Statistics:
    """Counts the store's public graphs (several full scans: see `VoidCache`)."""
    generation = store.public_generation  # first: a write during the counting leaves the result marked stale
    properties = _counts(
        store,
        "SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } } GROUP BY ?p",
        "p",
    )
    classes = _counts(store, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c", "c")
    per_graph = {c.iri: c.count for c in _counts(
        store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", "g"
    )}  # fmt: skip
    examples = store.select(
        f"""SELECT ?kind (MIN(STR(?x)) AS ?first) WHERE {{
              VALUES ?kind {{ {" ".join(f"<{k}>" for k in _EXAMPLE_KINDS)} }} ?x a ?kind FILTER(isIRI(?x))
            }} GROUP BY ?kind"""
    )
    first = {value(r["kind"]): value(r["first"]) for r in examples if r.get("first") is not None}
    licence = store.select(f"SELECT ?x WHERE {{ <{ONTOLOGY}> <{DCTERMS.license}> ?x }}")
    return Statistics(
        generation=generation,
        triples=sum(c.count for c in properties),
        graphs=tuple(Count(g, per_graph.get(g, 0)) for g in sorted(store.public_graphs())),
        classes=classes,
        properties=properties,
        vocabularies=tuple(sorted({namespace(c.iri) for c in (*properties, *classes)})),
        examples=tuple(first[k] for k in _EXAMPLE_KINDS if k in first),
        catalogs=_iris(store, f"SELECT DISTINCT ?x WHERE {{ ?x a <{DCAT.Catalog}> }}"),
        versions=_iris(store, f"SELECT DISTINCT ?x WHERE {{ ?x a <{CPMS.StandardVersion}> }}"),
        licence=min((value(r["x"]) for r in licence if isinstance(r.get("x"), ox.NamedNode)), default=None),
    )


class VoidCache:
    """The statistics of one store as it is now, counted again only after a write (a new generation)."""

    def __init__(self) -> None:
        self._held: tuple[Store, Statistics] | None = None
        self._lock = threading.Lock()

    def current(self, store: Store) -> Statistics:
        held = self._held
        if held is not None and held[0] is store and held[1].generation == store.public_generation:
            return held[1]
        with self._lock:
            held = self._held
            if held is None or held[0] is not store or held[1].generation != store.public_generation:
                held = (store, statistics(store))
                self._held = held
            return held[1]


def dataset_iri(base_iri: str) -> str:
    return base_iri + "void"


def service_iri(base_iri: str) -> str:
    return base_iri + "service"


def describe(stats: Statistics, *, base_iri: str, base_url: str) -> list[ox.Triple]:
    """The VoID + DCAT triples; `base_url` is where this server answers (for the endpoint's absolute URL)."""
    n = ox.NamedNode
    dataset, service, endpoint = n(dataset_iri(base_iri)), n(service_iri(base_iri)), n(base_url + "sparql")
    out: list[ox.Triple] = []

    def add(s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal) -> None:
        out.append(ox.Triple(s, n(p), o))

    def integer(count: int) -> ox.Literal:
        return ox.Literal(str(count), datatype=n(str(XSD.integer)))

    for node, (zh, en) in ((dataset, TITLE), (service, SERVICE_TITLE)):
        add(node, str(DCTERMS.title), ox.Literal(zh, language="zh"))
        add(node, str(DCTERMS.title), ox.Literal(en, language="en"))
    for kind in (VOID + "Dataset", str(DCAT.Catalog)):
        add(dataset, str(RDF.type), n(kind))
    add(dataset, VOID + "sparqlEndpoint", endpoint)
    add(dataset, VOID + "uriSpace", ox.Literal(base_iri))
    add(dataset, VOID + "triples", integer(stats.triples))
    for iri in stats.vocabularies:
        add(dataset, VOID + "vocabulary", n(iri))
    for iri in stats.examples:
        add(dataset, VOID + "exampleResource", n(iri))
    for iri in FORMATS:
        add(dataset, VOID + "feature", n(iri))
    for graph in stats.graphs:
        add(dataset, VOID + "subset", n(graph.iri))
        add(n(graph.iri), str(RDF.type), n(VOID + "Dataset"))
        add(n(graph.iri), VOID + "triples", integer(graph.count))
    for i, cls in enumerate(stats.classes):
        partition = ox.BlankNode(f"class{i}")
        add(dataset, VOID + "classPartition", partition)
        add(partition, VOID + "class", n(cls.iri))
        add(partition, VOID + "entities", integer(cls.count))
    for i, prop in enumerate(stats.properties):
        partition = ox.BlankNode(f"property{i}")
        add(dataset, VOID + "propertyPartition", partition)
        add(partition, VOID + "property", n(prop.iri))
        add(partition, VOID + "triples", integer(prop.count))
    for iri in stats.catalogs:
        add(dataset, str(DCAT.catalog), n(iri))
    for iri in stats.versions:
        add(dataset, str(DCAT.dataset), n(iri))
    add(dataset, str(DCAT.service), service)
    add(service, str(RDF.type), n(str(DCAT.DataService)))
    add(service, str(DCAT.endpointURL), endpoint)
    add(service, str(DCAT.endpointDescription), endpoint)
    add(service, str(DCTERMS.conformsTo), n(SPARQL_PROTOCOL))
    add(service, str(DCAT.servesDataset), dataset)
    if stats.licence is not None:
        add(service, str(DCTERMS.license), n(stats.licence))
    return out


def _bi(zh: str, en: str) -> str:
    return f'<span lang="zh">{escape(zh)}</span> <span lang="en" class="en">{escape(en)}</span>'


def _rows(base_iri: str, counts: tuple[Count, ...]) -> str:
    return "".join(
        f'<tr><td><a class="iri" href="{escape(local_href(base_iri, c.iri))}">{escape(c.iri)}</a></td>'
        f"<td>{c.count:,}</td></tr>"
        for c in counts
    )


def page(stats: Statistics, *, base_iri: str, base_url: str) -> str:
    """The description for people, in Chinese and English."""
    endpoint = base_url + "sparql"
    sections = [
        f"<h1>{escape(TITLE[0])}</h1><p class='en' lang='en'>{escape(TITLE[1])}</p>",
        '<nav class="formats">'
        + _bi("其他格式", "Other formats:")
        + "".join(
            f' <a href="/.well-known/void?format={k}">{v}</a>'
            for k, v in (("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("rdf", "RDF/XML"), ("nt", "N-Triples"))
        )
        + "</nav>",
        f"<section><table><tr><td>{_bi('三元组', 'triples')}</td><td>{stats.triples:,}</td></tr>"
        f"<tr><td>{_bi('SPARQL 端点', 'SPARQL endpoint')}</td>"
        f'<td><a class="iri" href="{escape(endpoint)}">{escape(endpoint)}</a></td></tr>'
        f"<tr><td>{_bi('URI 空间', 'URI space')}</td><td class='iri'>{escape(base_iri)}</td></tr></table></section>",
        f"<section><h2>{_bi('公开命名图', 'Public named graphs')} ({len(stats.graphs)})</h2>"
        f"<table>{_rows(base_iri, stats.graphs)}</table></section>",
        f"<section><h2>{_bi('示例资源', 'Example resources')}</h2><ul>"
        + "".join(
            f'<li><a class="iri" href="{escape(local_href(base_iri, iri))}">{escape(iri)}</a></li>'
            for iri in stats.examples
        )
        + "</ul></section>",
        f"<section><h2>{_bi('所用词汇', 'Vocabularies used')} ({len(stats.vocabularies)})</h2><ul>"
        + "".join(f'<li class="iri">{escape(iri)}</li>' for iri in stats.vocabularies)
        + "</ul></section>",
        f"<section><h2>{_bi('类及实例数', 'Classes and their instances')} ({len(stats.classes)})</h2>"
        f"<table>{_rows(base_iri, stats.classes)}</table></section>",
        f"<section><h2>{_bi('属性及三元组数', 'Properties and their triples')} ({len(stats.properties)})</h2>"
        f"<table>{_rows(base_iri, stats.properties)}</table></section>",
    ]
    return shell(f"{TITLE[0]} · {TITLE[1]}", "".join(sections))
