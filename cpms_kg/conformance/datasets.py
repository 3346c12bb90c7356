"""Committing conforming uploads to a firm's private graph, and sharing them into the industry's
data warehouse as a catalogue entry (dcat:Dataset) whose data items link to the standard's attributes.

A committed dataset lives in `{base}graph/private/firm/{firm}/{dataset}` (hidden from the public
endpoint). Sharing copies it, with its catalogue entry, into `{base}graph/warehouse/{firm}/{dataset}`,
which is public; unsharing drops that graph again. Only an upload without violations is committed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

import pyoxigraph as ox

from cpms_kg.conformance.pipeline import Outcome
from cpms_kg.errors import BadInput, NotFound
from cpms_kg.iris import graph_path, segment
from cpms_kg.namespaces import CPMS, DCAT, DCTERMS, RDF, RDFS, XSD
from cpms_kg.standards.model import Standard, version_path
from cpms_kg.store.base import LoadSource, Store

DEFAULT_LICENCE = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True)
class Dataset:
    firm: str
    id: str
    iri: str
    graph: str
    products: int


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def private_graph(base: str, firm: str, dataset: str) -> str:
    return base + graph_path("private", "firm", firm, dataset)


def public_graph(base: str, firm: str, dataset: str) -> str:
    return base + graph_path("warehouse", firm, dataset)


def dataset_iri(base: str, firm: str, dataset: str) -> str:
    return f"{base}dataset/{segment(firm)}/{segment(dataset)}"


def firm_iri(base: str, firm: str) -> str:
    return f"{base}firm/{segment(firm)}"


def _now() -> ox.Literal:
    return ox.Literal(datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=_n(str(XSD) + "dateTime"))


def _ntriples(triples: list[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def commit(store: Store, outcome: Outcome, standard: Standard, *, firm: str, dataset: str | None = None) -> Dataset:
    """Stores a conforming upload's products and its dataset description in the firm's private graph."""
    if not outcome.report.conforms:
        raise BadInput(
            "the upload does not conform to the standard; nothing was stored",
            message_zh="上传数据不符合标准，未保存任何内容",
        )
    triples = outcome.graph.triples
    dataset = dataset or hashlib.sha256(_ntriples(sorted(triples, key=str))).hexdigest()[:12]
    base = store.base_iri
    node = _n(dataset_iri(base, firm, dataset))
    info = standard.info
    used = sorted({t.predicate.value for t in triples if t.predicate.value != str(RDF.type)})
    products = sorted({t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)})
    meta = [
        ox.Triple(node, _n(str(RDF.type)), _n(str(DCAT.Dataset))),
        ox.Triple(node, _n(str(DCTERMS.publisher)), _n(firm_iri(base, firm))),
        ox.Triple(node, _n(str(DCTERMS.conformsTo)), _n(base + version_path(info.id, info.version))),
        ox.Triple(node, _n(str(DCTERMS.identifier)), ox.Literal(dataset)),
        ox.Triple(node, _n(str(DCTERMS.issued)), _now()),
        ox.Triple(node, _n(str(DCTERMS.title)), ox.Literal(f"{firm} · {info.title.zh}", language="zh")),
        ox.Triple(node, _n(str(DCTERMS.title)), ox.Literal(f"{firm} · {info.title.en}", language="en")),
        ox.Triple(
            node, _n(str(CPMS) + "productCount"), ox.Literal(str(len(products)), datatype=_n(str(XSD) + "integer"))
        ),
    ]
    for predicate in used:
        item = _n(f"{node.value}/item/{predicate.rsplit('/', 1)[-1]}")
        meta += [
            ox.Triple(node, _n(str(CPMS.hasDataItem)), item),
            ox.Triple(item, _n(str(RDF.type)), _n(str(CPMS.DataItem))),
            ox.Triple(item, _n(str(CPMS.definedBy)), _n(predicate)),
        ]
    graph = private_graph(base, firm, dataset)
    data = _ntriples(triples + meta)
    store.replace_graph(graph, LoadSource(name=dataset, format=ox.RdfFormat.N_TRIPLES, data=data, graph=graph))
    return Dataset(firm, dataset, node.value, graph, len(products))


def share(store: Store, firm: str, dataset: str, *, licence: str = DEFAULT_LICENCE) -> str:
    """Publishes a committed dataset into its industry's catalogue; returns the catalogue entry IRI."""
    base = store.base_iri
    source = private_graph(base, firm, dataset)
    if not store.graph_exists(source) or source not in store.named_graphs():
        raise NotFound(
            f"firm {firm} has no committed dataset {dataset}", message_zh=f"企业 {firm} 没有已提交的数据集 {dataset}"
        )
    triples = store.graph_triples(source)
    node = _n(dataset_iri(base, firm, dataset))
    version = next(
        (t.object for t in triples if t.subject == node and t.predicate.value == str(DCTERMS.conformsTo)), None
    )
    industry = (
        store.select(
            f"SELECT ?industry WHERE {{ <{version.value}> <{CPMS}industry> ?industry }}"  # type: ignore[union-attr]
        ).rows
        if version is not None
        else []
    )
    concept = industry[0]["industry"].value if industry else base + "classification/unknown"  # type: ignore[union-attr]
    catalog = _n(f"{base}catalog/{concept[len(base) :].replace('classification/', '').replace('/', '-')}")
    entry = [
        ox.Triple(catalog, _n(str(RDF.type)), _n(str(DCAT.Catalog))),
        ox.Triple(catalog, _n(str(RDF.type)), _n(str(CPMS.IndustryDataWarehouse))),
        ox.Triple(catalog, _n(str(DCTERMS.subject)), _n(concept)),
        ox.Triple(catalog, _n(str(RDFS.label)), ox.Literal("行业数据仓库", language="zh")),
        ox.Triple(catalog, _n(str(RDFS.label)), ox.Literal("Industry data warehouse", language="en")),
        ox.Triple(catalog, _n(str(DCAT.dataset)), node),
        ox.Triple(node, _n(str(RDF.type)), _n(str(CPMS.CatalogueEntry))),
        ox.Triple(node, _n(str(DCTERMS.license)), _n(licence)),
        ox.Triple(node, _n(str(DCTERMS.modified)), _now()),
        ox.Triple(node, _n(str(DCAT.distribution)), _n(node.value + "/distribution")),
        ox.Triple(_n(node.value + "/distribution"), _n(str(RDF.type)), _n(str(DCAT.Distribution))),
        ox.Triple(_n(node.value + "/distribution"), _n(str(DCAT.accessURL)), _n(node.value)),
        ox.Triple(
            _n(node.value + "/distribution"),
            _n(str(DCAT.mediaType)),
            _n("https://www.iana.org/assignments/media-types/text/turtle"),
        ),
    ]
    target = public_graph(base, firm, dataset)
    data = _ntriples(triples + entry)
    store.replace_graph(target, LoadSource(name=dataset, format=ox.RdfFormat.N_TRIPLES, data=data, graph=target))
    return node.value


def unshare(store: Store, firm: str, dataset: str) -> None:
    store.drop_graph(public_graph(store.base_iri, firm, dataset))
