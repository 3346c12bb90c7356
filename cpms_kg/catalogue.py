"""The industry data warehouses (行业数据仓): one dcat:Catalog per industry, its catalogue entries (数据目录)
and their data items (数据项).

Sharing a dataset (`conformance.datasets.share`) publishes its content verbatim (products, and the
dataset description made at commit: publisher, dcterms:conformsTo the standard version, product
count, a cpms:DataItem per attribute used, cpms:definedBy the attribute) and, in a graph of its own,
the entry that `entry_triples` builds here: the industry's catalog (titled after the industry concept),
dcat:dataset, licence, modified date, distribution, the categories the products belong to as
dcat:theme, each product dcterms:isPartOf the dataset, and per data item the standard version it
conforms to and how many products carry a value.
Nothing the content already says is repeated, so counts over the union of public graphs stay exact.

The reads answer what a bureau or a trader asks of the warehouse, over the public graphs only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from cpms_kg.errors import NotFound
from cpms_kg.iris import firm_iri, last_segment
from cpms_kg.namespaces import CPMS, DCAT, DCTERMS, RDF, RDFS, SKOS
from cpms_kg.paging import check_page
from cpms_kg.store.base import Store
from cpms_kg.terms import n, now, typed, value

_C, _D, _DC, _S = str(CPMS), str(DCTERMS), str(DCAT), str(SKOS)
TURTLE = "https://www.iana.org/assignments/media-types/text/turtle"
MAX_PAGE = 500


@dataclass(frozen=True)
class Names:
    zh: str
    en: str

    def as_json(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


def catalog_id(base_iri: str, concept: str) -> str:
    """`cpc21-4331` for the concept `{base}classification/cpc21/4331`."""
    return concept[len(base_iri) :].replace("classification/", "").replace("/", "-")


def catalog_iri(base_iri: str, catalog: str) -> str:
    return f"{base_iri}catalog/{catalog}"


def _industry(store: Store, version: ox.NamedNode | None) -> tuple[str, Names]:
    """The industry concept of a standard version and its labels (CPC has English ones only)."""
    rows = (
        store.select(
            f"""SELECT ?industry ?zh ?en ?code WHERE {{ <{version.value}> <{_C}industry> ?industry .
                  OPTIONAL {{ ?industry <{_S}prefLabel> ?zh FILTER(LANGMATCHES(LANG(?zh), "zh")) }}
                  OPTIONAL {{ ?industry <{_S}prefLabel> ?en FILTER(LANGMATCHES(LANG(?en), "en") || LANG(?en) = "") }}
                  OPTIONAL {{ ?industry <{_S}notation> ?code }} }} LIMIT 1"""
        ).rows
        if version is not None
        else []
    )
    if not rows:
        return store.base_iri + "classification/unknown", Names("未知行业", "unknown industry")
    row = rows[0]
    zh, en, code = value(row.get("zh")), value(row.get("en")), value(row.get("code"))
    label = f"{code} " if code else ""
    return value(row["industry"]), Names(f"{label}{zh or en}", f"{label}{en or zh}")


def entry_triples(
    store: Store, node: ox.NamedNode, committed: list[ox.Triple], version: ox.NamedNode | None, *, licence: str
) -> list[ox.Triple]:
    """The catalogue entry of a shared dataset, from its committed triples (products and description)."""
    concept, industry = _industry(store, version)
    catalog = n(catalog_iri(store.base_iri, catalog_id(store.base_iri, concept)))
    category_prefix = f"{version.value}/category/" if version is not None else "\x00"
    categories: dict[ox.NamedNode, set[ox.NamedNode | ox.BlankNode]] = defaultdict(set)
    carried: dict[str, set[ox.NamedNode | ox.BlankNode]] = defaultdict(set)
    items: list[tuple[ox.NamedNode, str]] = []
    for t in committed:
        p = t.predicate.value
        if p == str(RDF.type) and isinstance(t.object, ox.NamedNode) and t.object.value.startswith(category_prefix):
            categories[t.object].add(t.subject)  # type: ignore[arg-type]
        elif p == str(CPMS.definedBy) and isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode):
            items.append((t.subject, t.object.value))
        else:
            carried[p].add(t.subject)  # type: ignore[arg-type]
    products = set().union(*categories.values()) if categories else set()
    titles = (("zh", f"{industry.zh} 行业数据仓"), ("en", f"Industry data warehouse: {industry.en}"))
    distribution = n(node.value + "/distribution")
    out = [
        ox.Triple(catalog, n(str(RDF.type)), n(_DC + "Catalog")),
        ox.Triple(catalog, n(str(RDF.type)), n(_C + "IndustryDataWarehouse")),
        ox.Triple(catalog, n(_D + "subject"), n(concept)),
        *(ox.Triple(catalog, n(_D + "title"), ox.Literal(text, language=lang)) for lang, text in titles),
        *(ox.Triple(catalog, n(str(RDFS.label)), ox.Literal(text, language=lang)) for lang, text in titles),
        ox.Triple(catalog, n(_DC + "dataset"), node),
        ox.Triple(node, n(str(RDF.type)), n(_C + "CatalogueEntry")),
        ox.Triple(node, n(_D + "license"), n(licence)),
        ox.Triple(node, n(_D + "modified"), now()),
        ox.Triple(node, n(_DC + "distribution"), distribution),
        ox.Triple(distribution, n(str(RDF.type)), n(_DC + "Distribution")),
        ox.Triple(distribution, n(_DC + "accessURL"), node),
        ox.Triple(distribution, n(_DC + "mediaType"), n(TURTLE)),
        *(ox.Triple(node, n(_DC + "theme"), category) for category in sorted(categories, key=str)),
        # Which dataset (so which firm) each product is shared in: the public graphs say it nowhere else.
        *(ox.Triple(product, n(_D + "isPartOf"), node) for product in sorted(products, key=str)),
    ]
    for item, attribute in sorted(items, key=str):
        count = len(carried.get(attribute, set()) & products)
        out.append(ox.Triple(item, n(_C + "productsWithValue"), typed(str(count), "integer")))
        if version is not None:
            out.append(ox.Triple(item, n(_D + "conformsTo"), version))
    return out


# -- reads ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogSummary:
    id: str
    iri: str
    industry: str
    title: Names
    entries: int
    data_items: int
    products: int

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "iri": self.iri,
            "industry": self.industry,
            "title": self.title.as_json(),
            "entries": self.entries,
            "data_items": self.data_items,
            "products": self.products,
        }


@dataclass(frozen=True)
class EntrySummary:
    iri: str
    firm: str
    firm_iri: str
    firm_name: Names
    dataset: str
    title: Names
    standard: str | None
    products: int | None
    data_items: int
    modified: str | None
    licence: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "iri": self.iri,
            "firm": self.firm,
            "firm_iri": self.firm_iri,
            "firm_name": self.firm_name.as_json(),
            "dataset": self.dataset,
            "title": self.title.as_json(),
            "standard": self.standard,
            "products": self.products,
            "data_items": self.data_items,
            "modified": self.modified,
            "licence": self.licence,
        }


@dataclass(frozen=True)
class CatalogPage:
    catalog: CatalogSummary
    total: int
    limit: int
    offset: int
    entries: list[EntrySummary] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            **self.catalog.as_json(),
            "total": self.total,
            "limit": self.limit,
            "offset": self.offset,
            "items": [e.as_json() for e in self.entries],
        }


@dataclass(frozen=True)
class DataItem:
    iri: str
    attribute: str
    code: str
    name: Names
    unit: str | None
    standard: str | None
    products: int | None

    def as_json(self) -> dict[str, Any]:
        return {
            "iri": self.iri,
            "attribute": self.attribute,
            "code": self.code,
            "name": self.name.as_json(),
            "unit": self.unit,
            "standard": self.standard,
            "products": self.products,
        }


@dataclass(frozen=True)
class Theme:
    iri: str
    code: str
    name: Names


@dataclass(frozen=True)
class EntryDetail:
    catalog: CatalogSummary
    entry: EntrySummary
    themes: list[Theme]
    items: list[DataItem]

    def as_json(self) -> dict[str, Any]:
        return {
            "catalog": {"id": self.catalog.id, "iri": self.catalog.iri, "title": self.catalog.title.as_json()},
            **self.entry.as_json(),
            "themes": [{"iri": t.iri, "code": t.code, "name": t.name.as_json()} for t in self.themes],
            "items": [i.as_json() for i in self.items],
        }


def _int(term: object) -> int | None:
    text = value(term)
    return int(text) if text.lstrip("-").isdigit() else None


def _labels(var: str, subject: str, prop: str = _S + "prefLabel") -> str:
    return (
        f'OPTIONAL {{ {subject} <{prop}> ?{var}_zh FILTER(LANGMATCHES(LANG(?{var}_zh), "zh")) }} '
        f'OPTIONAL {{ {subject} <{prop}> ?{var}_en FILTER(LANGMATCHES(LANG(?{var}_en), "en")) }}'
    )


def _node(store: Store, catalog: str) -> ox.NamedNode:
    """The catalog's IRI; an id that cannot be part of an IRI names no catalog (and never reaches a query)."""
    try:
        return n(catalog_iri(store.base_iri, catalog))
    except ValueError:
        raise NotFound(f"no data warehouse catalog {catalog}", message_zh=f"没有数据目录库 {catalog}") from None


def list_catalogs(store: Store, catalog: str | None = None) -> list[CatalogSummary]:
    """Every industry's catalog (or the one with this id) with its counts, by id."""
    only = f"VALUES ?catalog {{ {_node(store, catalog)} }}" if catalog is not None else ""
    rows = store.select(
        f"""SELECT ?catalog (SAMPLE(?industry) AS ?subject) (SAMPLE(?t_zh) AS ?zh) (SAMPLE(?t_en) AS ?en)
                   (COUNT(DISTINCT ?d) AS ?entries) (COUNT(DISTINCT ?i) AS ?items) WHERE {{ {only}
              ?catalog a <{_C}IndustryDataWarehouse> ; <{_D}subject> ?industry .
              {_labels("t", "?catalog", _D + "title")}
              OPTIONAL {{ ?catalog <{_DC}dataset> ?d OPTIONAL {{ ?d <{_C}hasDataItem> ?i }} }}
            }} GROUP BY ?catalog ORDER BY ?catalog"""
    ).rows
    counted = store.select(
        f"""SELECT ?catalog ?d (SAMPLE(?count) AS ?n) WHERE {{ {only}
              ?catalog a <{_C}IndustryDataWarehouse> ; <{_DC}dataset> ?d . ?d <{_C}productCount> ?count
            }} GROUP BY ?catalog ?d"""
    ).rows
    products: dict[str, int] = defaultdict(int)
    for row in counted:
        products[value(row["catalog"])] += _int(row.get("n")) or 0
    out = []
    for row in rows:
        iri = value(row["catalog"])
        out.append(
            CatalogSummary(
                id=last_segment(iri),
                iri=iri,
                industry=value(row.get("subject")),
                title=Names(value(row.get("zh")), value(row.get("en"))),
                entries=_int(row.get("entries")) or 0,
                data_items=_int(row.get("items")) or 0,
                products=products[iri],
            )
        )
    return out


def _catalog(store: Store, catalog: str) -> CatalogSummary:
    found = list_catalogs(store, catalog)
    if not found:
        raise NotFound(f"no data warehouse catalog {catalog}", message_zh=f"没有数据目录库 {catalog}")
    return found[0]


def _entries(store: Store, chosen: str) -> list[EntrySummary]:
    """The entries bound to ?d by the pattern `chosen`, in IRI order."""
    rows = store.select(
        f"""SELECT ?d (SAMPLE(?firm) AS ?f) (SAMPLE(?f_zh) AS ?fzh) (SAMPLE(?f_en) AS ?fen) (SAMPLE(?id) AS ?ds)
                   (SAMPLE(?t_zh) AS ?tzh) (SAMPLE(?t_en) AS ?ten) (SAMPLE(?v) AS ?version) (SAMPLE(?count) AS ?n)
                   (SAMPLE(?modified) AS ?m) (SAMPLE(?licence) AS ?l) (COUNT(DISTINCT ?i) AS ?items) WHERE {{
              {chosen}
              OPTIONAL {{ ?d <{_D}publisher> ?firm {_labels("f", "?firm")} }}
              OPTIONAL {{ ?d <{_D}identifier> ?id }} {_labels("t", "?d", _D + "title")}
              OPTIONAL {{ ?d <{_D}conformsTo> ?v }} OPTIONAL {{ ?d <{_C}productCount> ?count }}
              OPTIONAL {{ ?d <{_D}modified> ?modified }} OPTIONAL {{ ?d <{_D}license> ?licence }}
              OPTIONAL {{ ?d <{_C}hasDataItem> ?i }}
            }} GROUP BY ?d ORDER BY ?d"""
    ).rows
    return [
        EntrySummary(
            iri=value(r["d"]),
            firm=last_segment(value(r.get("f"))),
            firm_iri=value(r.get("f")),
            firm_name=Names(value(r.get("fzh")), value(r.get("fen"))),
            dataset=value(r.get("ds")),
            title=Names(value(r.get("tzh")), value(r.get("ten"))),
            standard=value(r.get("version")) or None,
            products=_int(r.get("n")),
            data_items=_int(r.get("items")) or 0,
            modified=value(r.get("m")) or None,
            licence=value(r.get("l")) or None,
        )
        for r in rows
    ]


def catalog_page(store: Store, catalog: str, *, limit: int = 50, offset: int = 0) -> CatalogPage:
    """One catalog's entries in IRI order (the same on every page), with their total."""
    check_page(limit=limit, offset=offset, max_limit=MAX_PAGE)
    summary = _catalog(store, catalog)
    chosen = (
        f"{{ SELECT DISTINCT ?d WHERE {{ <{summary.iri}> <{_DC}dataset> ?d }} "
        f"ORDER BY ?d LIMIT {limit} OFFSET {offset} }}"
    )
    return CatalogPage(summary, summary.entries, limit, offset, _entries(store, chosen))


def entry(store: Store, catalog: str, firm: str, dataset: str) -> EntryDetail:
    """One shared dataset's entry in a catalog, with its categories and its data items."""
    summary = _catalog(store, catalog)
    chosen = (
        f"<{summary.iri}> <{_DC}dataset> ?d . ?d <{_D}publisher> <{firm_iri(store.base_iri, firm)}> ; "
        f"<{_D}identifier> {ox.Literal(dataset)} ."
    )
    found = _entries(store, chosen)
    if not found:
        raise NotFound(
            f"catalog {catalog} has no entry {dataset} of firm {firm}",
            message_zh=f"数据目录库 {catalog} 中没有企业 {firm} 的数据目录 {dataset}",
        )
    d = found[0].iri
    themes = store.select(
        f"""SELECT ?c (SAMPLE(?code) AS ?notation) (SAMPLE(?c_zh) AS ?zh) (SAMPLE(?c_en) AS ?en) WHERE {{
              <{d}> <{_DC}theme> ?c OPTIONAL {{ ?c <{_S}notation> ?code }} {_labels("c", "?c")}
            }} GROUP BY ?c ORDER BY ?notation ?c"""
    ).rows
    items = store.select(
        f"""SELECT ?i (SAMPLE(?a) AS ?attribute) (SAMPLE(?code) AS ?notation) (SAMPLE(?a_zh) AS ?zh)
                   (SAMPLE(?a_en) AS ?en) (SAMPLE(?u) AS ?unit) (SAMPLE(?v) AS ?version) (SAMPLE(?count) AS ?n) WHERE {{
              <{d}> <{_C}hasDataItem> ?i . ?i <{_C}definedBy> ?a .
              OPTIONAL {{ ?a <{_S}notation> ?code }} {_labels("a", "?a")}
              OPTIONAL {{ ?a <{_C}unit> ?unit_concept . ?unit_concept <{_S}notation> ?u }}
              OPTIONAL {{ ?i <{_D}conformsTo> ?v }} OPTIONAL {{ ?i <{_C}productsWithValue> ?count }}
            }} GROUP BY ?i ORDER BY ?notation ?i"""
    ).rows
    return EntryDetail(
        summary,
        found[0],
        [Theme(value(t["c"]), value(t.get("notation")), Names(value(t.get("zh")), value(t.get("en")))) for t in themes],
        [
            DataItem(
                iri=value(i["i"]),
                attribute=value(i.get("attribute")),
                code=value(i.get("notation")),
                name=Names(value(i.get("zh")), value(i.get("en"))),
                unit=value(i.get("unit")) or None,
                standard=value(i.get("version")) or None,
                products=_int(i.get("n")),
            )
            for i in items
        ],
    )
