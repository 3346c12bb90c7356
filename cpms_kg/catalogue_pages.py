"""Pages of the data warehouse catalogues and of the example queries, in the shared layout (cpms_kg.web):
server-rendered, readable without script, in the reader's language (Chinese unless English was chosen)."""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from cpms_kg.catalogue import CatalogPage, CatalogSummary, EntryDetail, Names
from cpms_kg.html import local_href
from cpms_kg.iris import segment
from cpms_kg.queries import Example
from cpms_kg.web.layout import Viewer, page


def _name(viewer: Viewer, names: Names) -> str:
    """The name in the reader's language, else in the other (CPC titles are English only)."""
    first, other = (names.zh, names.en) if viewer.lang == "zh" else (names.en, names.zh)
    return escape(first or other)


def _table(head: list[str], rows: list[list[str]]) -> str:
    cells = "".join(f"<tr>{''.join(f'<td>{c}</td>' for c in row)}</tr>" for row in rows)
    return f"<table><tr>{''.join(f'<th>{escape(h)}</th>' for h in head)}</tr>{cells}</table>"


def catalogs_page(viewer: Viewer, catalogs: list[CatalogSummary]) -> str:
    t = viewer.t
    rows = [
        [
            f'<a href="/catalogs/{escape(c.id)}">{_name(viewer, c.title)}</a>',
            str(c.entries),
            str(c.data_items),
            str(c.products),
            f'<a href="/api/catalogs/{escape(c.id)}">JSON</a>',
        ]
        for c in catalogs
    ]
    head = [t("行业数据仓", "Industry data warehouse"), t("数据目录", "Catalogue entries"), t("数据项", "Data items"),
            t("产品", "Products"), ""]  # fmt: skip
    intro = t(
        "每个行业一个 DCAT 目录，列出企业共享的、符合标准的数据目录及其数据项。",
        "One DCAT catalogue per industry, listing the catalogue entries firms shared under a standard and their "
        "data items.",
    )
    empty = f"<p>{t('尚无企业共享数据。', 'No firm has shared data yet.')}</p>"
    body = (
        f"<h1>{t('行业数据仓', 'Industry data warehouses')}</h1><p>{intro}</p>"
        f"<section>{_table(head, rows) if rows else empty}</section>"
        f'<p><a href="/examples">{t("示例查询", "Example queries")}</a></p>'
    )
    return page(viewer, ("行业数据仓", "Industry data warehouses"), body)


def _pager(viewer: Viewer, p: CatalogPage) -> str:
    links = []
    base = f"/catalogs/{escape(p.catalog.id)}"
    if p.offset > 0:
        previous = max(p.offset - p.limit, 0)
        links.append(f'<a href="{base}?offset={previous}&amp;limit={p.limit}">{viewer.t("上一页", "Previous")}</a>')
    if p.offset + p.limit < p.total:
        following = p.offset + p.limit
        links.append(f'<a href="{base}?offset={following}&amp;limit={p.limit}">{viewer.t("下一页", "Next")}</a>')
    shown = f"{p.offset + 1}–{p.offset + len(p.entries)}" if p.entries else "0"
    return f"<p>{shown} / {p.total} {' · '.join(links)}</p>"


def catalog_page(viewer: Viewer, p: CatalogPage, base_iri: str) -> str:
    t, c = viewer.t, p.catalog
    rows = [
        [
            f'<a href="/catalogs/{escape(c.id)}/entries/{escape(segment(e.firm))}/{escape(segment(e.dataset))}">'
            f"{_name(viewer, e.title)}</a>",
            _name(viewer, e.firm_name) or escape(e.firm),
            f'<a href="{escape(local_href(base_iri, e.standard))}">{escape(e.standard)}</a>' if e.standard else "",
            str(e.products if e.products is not None else ""),
            str(e.data_items),
            escape(e.modified or ""),
        ]
        for e in p.entries
    ]
    head = [t("数据目录", "Catalogue entry"), t("企业", "Firm"), t("所循标准", "Conforms to"), t("产品", "Products"),
            t("数据项", "Data items"), t("更新", "Modified")]  # fmt: skip
    body = (
        f"<h1>{_name(viewer, c.title)}</h1>"
        f'<p class="iri">{escape(c.iri)} · <a href="{escape(local_href(base_iri, c.industry))}">'
        f'{t("所属行业", "Industry")}</a> · <a href="/api/catalogs/{escape(c.id)}">JSON</a></p>'
        f"<section>{_pager(viewer, p)}{_table(head, rows)}</section>"
        f'<p><a href="/catalogs">{t("全部行业数据仓", "All warehouses")}</a></p>'
    )
    return page(viewer, (c.title.zh or c.title.en, c.title.en or c.title.zh), body)


def entry_page(viewer: Viewer, detail: EntryDetail, base_iri: str) -> str:
    t, e, c = viewer.t, detail.entry, detail.catalog
    themes = "<br>".join(
        f'<a href="{escape(local_href(base_iri, th.iri))}">{escape(th.code)} {_name(viewer, th.name)}</a>'
        for th in detail.themes
    )
    facts = [
        [t("企业", "Firm"), f'{_name(viewer, e.firm_name)} <span class="iri">{escape(e.firm_iri)}</span>'],
        [t("数据集", "Dataset"), escape(e.dataset)],
        [t("所循标准", "Conforms to"), escape(e.standard or "")],
        [t("产品数", "Products"), str(e.products if e.products is not None else "")],
        [t("许可", "Licence"), escape(e.licence or "")],
        [t("更新", "Modified"), escape(e.modified or "")],
        [t("类目", "Categories"), themes],
    ]
    items = [
        [
            f'<a href="{escape(local_href(base_iri, i.attribute))}"><code>{escape(i.code)}</code></a>',
            _name(viewer, i.name),
            escape(i.unit or ""),
            str(i.products if i.products is not None else ""),
        ]
        for i in detail.items
    ]
    head = [t("属性", "Attribute"), t("名称", "Name"), t("单位", "Unit"), t("有值产品数", "Products with a value")]
    body = (
        f"<h1>{_name(viewer, e.title)}</h1>"
        f'<p class="iri">{escape(e.iri)} · <a href="{escape(local_href(base_iri, e.iri))}">RDF</a></p>'
        f"<section>{_table([t('项目', 'Field'), ''], facts)}</section>"
        f"<section><h2>{t('数据项', 'Data items')} ({len(detail.items)})</h2>{_table(head, items)}</section>"
        f'<p><a href="/catalogs/{escape(c.id)}">{_name(viewer, c.title)}</a></p>'
    )
    return page(viewer, (e.title.zh or e.title.en, e.title.en or e.title.zh), body)


def examples_page(viewer: Viewer, examples: list[Example]) -> str:
    t = viewer.t
    sections = []
    for x in examples:
        run = {f: "/sparql?" + urlencode({"query": x.query, "format": f}) for f in ("json", "csv")}
        sections.append(
            f'<section id="{escape(x.name)}"><h2>{escape(t(x.question_zh, x.question_en))}</h2>'
            f"<p>{escape(t(x.parameters_zh, x.parameters_en))}</p>"
            f'<p>{t("运行", "Run")}: <a href="{escape(run["json"])}">JSON</a> · '
            f'<a href="{escape(run["csv"])}">CSV</a>'
            f' · <a href="/examples/{escape(x.file_name)}">{escape(x.file_name)}</a></p>'
            f"<pre><code>{escape(x.query)}</code></pre></section>"
        )
    intro = t(
        "数据商和主管部门常问的问题，每个问题一条 SPARQL 查询，在公开端点 /sparql 上运行；改 VALUES 行即可换参数。",
        "Questions data traders and bureaus ask, each one SPARQL query for the public endpoint /sparql; edit the "
        "VALUES line to change the parameters.",
    )
    body = f"<h1>{t('示例查询', 'Example queries')}</h1><p>{intro}</p>{''.join(sections)}"
    return page(viewer, ("示例查询", "Example queries"), body)


def home_section(viewer: Viewer) -> str:
    """The home page's links to the warehouses and the example queries."""
    t = viewer.t
    return (
        f"<section><h2>{t('行业数据仓与示例查询', 'Data warehouses and example queries')}</h2><ul>"
        f'<li><a href="/catalogs">/catalogs</a> — '
        f"{t('各行业数据仓的数据目录与数据项', 'Catalogue entries and data items of each industry')}</li>"
        f'<li><a href="/examples">/examples</a> — '
        f"{t('数据商常用的 SPARQL 示例查询', 'SPARQL example queries for data traders')}</li></ul></section>"
    )
