"""Committing conforming uploads to a firm's private graph, and sharing them into the industry's
data warehouse as a catalogue entry (dcat:Dataset) whose data items link to the standard's attributes.

A committed dataset lives in `{base}graph/private/firm/{firm}/{dataset}` (hidden from the public
endpoint): the products plus the dataset description made at commit time. Only an upload without
violations is committed. Sharing publishes two public graphs:

- `{base}graph/warehouse/{firm}/{dataset}`: the committed triples plus their schema.org description
  (cpms_kg.schemaorg), derived deterministically with IRIs only. This is the dataset's content, the thing
  a data IP registration hashes (cpms_kg.workflow.dataip), stable across re-shares;
- `{base}graph/catalogue/{firm}/{dataset}`: the share-time catalogue entry (the industry catalogue, the
  licence, dcterms:modified, the distribution), which changes on every share.

Keeping the two apart is what makes re-sharing leave the content, and so its hash, unchanged; the
union of the public graphs reads as one catalogue entry. Unsharing drops both graphs again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import unquote

import pyoxigraph as ox

from cpms_kg import schemaorg
from cpms_kg.accounts import Role, User
from cpms_kg.catalogue import entry_triples
from cpms_kg.conformance.pipeline import Outcome
from cpms_kg.errors import BadInput, Forbidden, NotFound
from cpms_kg.iris import firm_iri, graph_path, segment
from cpms_kg.namespaces import CPMS, DCAT, DCTERMS, RDF, XSD
from cpms_kg.standards.model import Standard, version_path
from cpms_kg.store.base import LoadSource, Store
from cpms_kg.terms import value

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
    """The shared content: exactly the committed triples."""
    return base + graph_path("warehouse", firm, dataset)


def catalogue_graph(base: str, firm: str, dataset: str) -> str:
    """The share-time catalogue entry of a shared dataset."""
    return base + graph_path("catalogue", firm, dataset)


def dataset_iri(base: str, firm: str, dataset: str) -> str:
    return f"{base}dataset/{segment(firm)}/{segment(dataset)}"


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
        ox.Triple(
            node, _n(str(DCTERMS.conformsTo)), _n((outcome.standard_base or base) + version_path(info.id, info.version))
        ),
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


def licence_iri(text: str) -> str:
    """A licence given by a caller: an absolute IRI (checked, so a bad one is a 400 and not a crash)."""
    text = text.strip()
    try:
        ox.NamedNode(text)
    except ValueError:
        text = ""
    if ":" not in text:
        raise BadInput(
            f"the licence must be an absolute IRI, such as {DEFAULT_LICENCE}",
            message_zh=f"许可须为绝对 IRI，例如 {DEFAULT_LICENCE}",
        )
    return text


def acting_role(user: User, firm: str) -> Role:
    """The role a user acts in for a firm's data: its own data steward, or an administrator; else 403."""
    if Role.FIRM_STEWARD in user.roles and user.firm == firm:
        return Role.FIRM_STEWARD
    if Role.ADMIN in user.roles:
        return Role.ADMIN
    if Role.FIRM_STEWARD in user.roles:
        raise Forbidden(
            f"account {user.name} is a data steward of {user.firm}, not of {firm}",
            message_zh=f"账户 {user.name} 是 {user.firm} 的数据管理员，不能处理 {firm} 的数据",
        )
    raise Forbidden(
        f"account {user.name} may not act for firm {firm} (needs: admin, firm-steward of {firm})",
        message_zh=f"账户 {user.name} 无权处理企业 {firm} 的数据（需要：admin 或 {firm} 的数据管理员）",
    )


def is_committed(store: Store, firm: str, dataset: str) -> bool:
    return private_graph(store.base_iri, firm, dataset) in store.named_graphs()


def is_shared(store: Store, firm: str, dataset: str) -> bool:
    return public_graph(store.base_iri, firm, dataset) in store.named_graphs()


def _require_committed(store: Store, firm: str, dataset: str) -> None:
    if not is_committed(store, firm, dataset):
        raise NotFound(
            f"firm {firm} has no committed dataset {dataset}", message_zh=f"企业 {firm} 没有已提交的数据集 {dataset}"
        )


@dataclass(frozen=True)
class Listed:
    """One committed dataset as the datasets route lists it."""

    firm: str
    id: str
    iri: str
    standard: str | None
    issued: str | None
    products: int | None
    shared: bool
    licence: str | None
    modified: str | None

    def as_json(self) -> dict[str, object]:
        return {
            "firm": self.firm,
            "id": self.id,
            "iri": self.iri,
            "standard": self.standard,
            "issued": self.issued,
            "products": self.products,
            "shared": self.shared,
            "licence": self.licence,
            "modified": self.modified,
        }


def _firm_and_id(base: str, graph: str, kind: str) -> tuple[str, str] | None:
    """(firm, dataset) from a graph IRI made by private_graph / catalogue_graph."""
    prefix = base + graph_path(*kind.split("/")) + "/"
    if not graph.startswith(prefix):
        return None
    parts = graph[len(prefix) :].split("/")
    return (unquote(parts[0]), unquote(parts[1])) if len(parts) == 2 else None


def list_datasets(store: Store, firm: str | None = None) -> list[Listed]:
    """Committed datasets (of one firm, or all), with whether and under which licence each is shared."""
    base = store.base_iri
    graphs = set(store.named_graphs())
    committed = sorted(
        key
        for g in graphs
        if (key := _firm_and_id(base, g, "private/firm")) is not None and (firm is None or key[0] == firm)
    )
    if not committed:
        return []
    # One trusted read for the descriptions and one for the catalogue entries, not one per dataset.
    described = store.select(
        f"""SELECT ?g ?standard ?issued ?count WHERE {{ GRAPH ?g {{ ?d a <{DCAT.Dataset}> ; <{DCTERMS.identifier}> ?id .
              OPTIONAL {{ ?d <{DCTERMS.conformsTo}> ?standard }} OPTIONAL {{ ?d <{DCTERMS.issued}> ?issued }}
              OPTIONAL {{ ?d <{CPMS.productCount}> ?count }} }}
            FILTER(STRSTARTS(STR(?g), "{base}{graph_path("private", "firm")}/")) }}""",
        trusted=True,
    ).rows
    entries = store.select(
        f"""SELECT ?g ?licence ?modified WHERE {{ GRAPH ?g {{ ?d a <{CPMS.CatalogueEntry}> .
              OPTIONAL {{ ?d <{DCTERMS.license}> ?licence }} OPTIONAL {{ ?d <{DCTERMS.modified}> ?modified }} }}
            FILTER(STRSTARTS(STR(?g), "{base}{graph_path("catalogue")}/")) }}"""
    ).rows
    about = {value(r["g"]): r for r in described}
    entry = {key: r for r in entries if (key := _firm_and_id(base, value(r["g"]), "catalogue")) is not None}
    out = []
    for firm_id, dataset in committed:
        row = about.get(private_graph(base, firm_id, dataset), {})
        shared_row = entry.get((firm_id, dataset), {})
        count = value(row.get("count"))
        out.append(
            Listed(
                firm=firm_id,
                id=dataset,
                iri=dataset_iri(base, firm_id, dataset),
                standard=value(row.get("standard")) or None,
                issued=value(row.get("issued")) or None,
                products=int(count) if count.isdigit() else None,
                shared=public_graph(base, firm_id, dataset) in graphs,
                licence=value(shared_row.get("licence")) or None,
                modified=value(shared_row.get("modified")) or None,
            )
        )
    return out


def current_licence(store: Store, firm: str, dataset: str) -> str | None:
    """The licence of a shared dataset's catalogue entry, or None when it is not shared."""
    graph = catalogue_graph(store.base_iri, firm, dataset)
    if graph not in store.named_graphs():
        return None
    node = dataset_iri(store.base_iri, firm, dataset)
    return next(
        (
            value(t.object)
            for t in store.graph_triples(graph)
            if value(t.subject) == node and t.predicate.value == str(DCTERMS.license)
        ),
        None,
    )


def share(store: Store, firm: str, dataset: str, *, licence: str = DEFAULT_LICENCE) -> str:
    """Publishes a committed dataset into its industry's catalogue; returns the catalogue entry IRI."""
    licence = licence_iri(licence)
    base = store.base_iri
    _require_committed(store, firm, dataset)
    triples = store.graph_triples(private_graph(base, firm, dataset))
    node = _n(dataset_iri(base, firm, dataset))
    version = next(
        (t.object for t in triples if t.subject == node and t.predicate.value == str(DCTERMS.conformsTo)), None
    )
    entry = entry_triples(store, node, triples, version if isinstance(version, ox.NamedNode) else None, licence=licence)
    # Content first: a failure between the two writes leaves shared data without its entry, which the
    # next share completes, never an entry pointing at missing data.
    content = public_graph(base, firm, dataset)
    published = triples + schemaorg.describe_products(store, triples)  # the public copy also speaks schema.org
    store.replace_graph(
        content, LoadSource(name=dataset, format=ox.RdfFormat.N_TRIPLES, data=_ntriples(published), graph=content)
    )
    listing = catalogue_graph(base, firm, dataset)
    store.replace_graph(
        listing, LoadSource(name=dataset, format=ox.RdfFormat.N_TRIPLES, data=_ntriples(entry), graph=listing)
    )
    return node.value


def unshare(store: Store, firm: str, dataset: str) -> None:
    """Withdraws a shared dataset from public view; it stays in the firm's private graph."""
    graphs = store.named_graphs()
    present = [
        g
        for g in (catalogue_graph(store.base_iri, firm, dataset), public_graph(store.base_iri, firm, dataset))
        if g in graphs
    ]
    if not present:
        raise NotFound(
            f"dataset {dataset} of firm {firm} is not shared", message_zh=f"企业 {firm} 的数据集 {dataset} 未共享"
        )
    for graph in present:
        store.drop_graph(graph)
