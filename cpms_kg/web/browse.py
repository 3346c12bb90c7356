"""The classification browser: schemes, a tree that opens lazily, concept pages, search results.

The server renders every page completely (a tree node is a link to its concept page, whose narrower concepts are
listed a page at a time), so reading needs no JavaScript; /static/browse.js then opens tree nodes in place,
fetching one page of narrower concepts at a time from the REST API, and answers the search box as one types.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from cpms_kg.iris import segment
from cpms_kg.schemes import Concept, ConceptPage, ConceptRef, SchemeInfo
from cpms_kg.search.model import Hit, Kind, SearchPage
from cpms_kg.web.home import search_form
from cpms_kg.web.layout import Viewer, page
from cpms_kg.web.parts import label, local_page, pager

SCRIPTS = ["/static/browse.js"]
STYLES = ["/static/browse.css"]

_RELATIONS = {
    "exactMatch": ("完全对应", "exact match"),
    "closeMatch": ("近似对应", "close match"),
    "broadMatch": ("对应到更宽的概念", "broader match"),
    "narrowMatch": ("对应到更窄的概念", "narrower match"),
    "relatedMatch": ("相关", "related"),
}
_INVERSE = {"broadMatch": "narrowMatch", "narrowMatch": "broadMatch"}
_KINDS = {
    Kind.CONCEPT: ("分类概念", "concept"),
    Kind.CATEGORY: ("标准类目", "category"),
    Kind.ATTRIBUTE: ("标准属性", "attribute"),
    Kind.STANDARD: ("标准", "standard"),
}
_OPEN_HINT = "Open a node to see its narrower concepts; follow a name to its page."
_FORMATS = (("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("rdf", "RDF/XML"), ("nt", "N-Triples"))


def _concept_href(scheme: str, code: str) -> str:
    return f"/browse/{segment(scheme)}/{segment(code)}"


def tree_node(viewer: Viewer, scheme: str, ref: ConceptRef) -> str:
    """A node that opens in place with JavaScript; without, its link leads to the concept page."""
    name = label(viewer, ref.labels, ref.code)
    fallback = viewer.t("打开概念页查看下位概念", "Open the concept page for its narrower concepts")
    return (
        f'<li><details data-scheme="{escape(scheme)}" data-code="{escape(ref.code)}">'
        f'<summary><span class="code">{escape(ref.code)}</span> '
        f'<a href="{_concept_href(scheme, ref.code)}">{escape(name)}</a></summary>'
        f'<ul class="children"><li><a href="{_concept_href(scheme, ref.code)}">{fallback}</a></li></ul></details></li>'
    )


def _tree(viewer: Viewer, scheme: str, items: list[ConceptRef]) -> str:
    return f'<ul class="tree">{"".join(tree_node(viewer, scheme, r) for r in items)}</ul>'


def _title(viewer: Viewer, info: SchemeInfo) -> str:
    return label(viewer, info.title, info.id)


def browse_page(viewer: Viewer, schemes: list[SchemeInfo], *, base_iri: str) -> str:
    """Every scheme as a tree root: opening one loads its top concepts."""
    roots = "".join(
        f'<li><details data-scheme="{escape(s.id)}" data-code=""><summary>'
        f'<a href="/browse/{segment(s.id)}">{escape(_title(viewer, s))}</a> '
        f'<span class="muted">{s.concepts} {viewer.t("个概念", "concepts")}</span></summary>'
        f'<ul class="children"><li><a href="/browse/{segment(s.id)}">{viewer.t("顶层概念", "Top concepts")}</a>'
        "</li></ul></details></li>"
        for s in schemes
    )
    body = (
        f"<h1>{viewer.t('分类浏览', 'Classifications')}</h1>"
        f"<section>{search_form(viewer, base_iri=base_iri)}</section>"
        f"<section><h2>{viewer.t('分类体系', 'Classification schemes')}</h2>"
        f'<p class="muted">{viewer.t("展开节点逐层查看下位概念；点击名称打开概念页。", _OPEN_HINT)}</p>'
        f'<ul class="tree">{roots}</ul></section>'
    )
    return page(viewer, ("分类浏览", "Classifications"), body, scripts=SCRIPTS, styles=STYLES)


def scheme_page(viewer: Viewer, info: SchemeInfo, top: ConceptPage, *, base_iri: str) -> str:
    path = f"/browse/{segment(info.id)}"
    body = (
        f'<nav class="crumbs" aria-label="{viewer.t("位置", "Breadcrumb")}"><a href="/browse">'
        f"{viewer.t('分类浏览', 'Classifications')}</a></nav>"
        f"<h1>{escape(_title(viewer, info))}</h1>"
        f'<p class="iri"><a href="/id/classification/{segment(info.id)}">{escape(info.iri)}</a> · '
        f"{info.concepts} {viewer.t('个概念', 'concepts')}</p>"
        f"<section>{search_form(viewer, base_iri=base_iri, scheme=info.id)}</section>"
        f"<section><h2>{viewer.t('顶层概念', 'Top concepts')} ({top.total})</h2>"
        f"{_tree(viewer, info.id, top.items)}"
        f"{pager(viewer, path, offset=top.offset, shown=len(top.items), total=top.total, limit=top.limit)}</section>"
    )
    return page(viewer, (f"{_title(viewer, info)}", f"{_title(viewer, info)}"), body, scripts=SCRIPTS, styles=STYLES)


@dataclass(frozen=True)
class ConceptView:
    concept: Concept
    scheme: SchemeInfo
    ancestors: list[ConceptRef]
    """From the top concept down to the direct broader concept."""
    narrower: ConceptPage


def _mapping_rows(viewer: Viewer, view: ConceptView, base_iri: str) -> str:
    rows = []
    for m in view.concept.mappings:
        # An incoming broadMatch (HS 848210 broadMatch this) reads from here as a narrower match.
        relation = m.relation if m.direction == "outgoing" else _INVERSE.get(m.relation, m.relation)
        zh, en = _RELATIONS.get(relation, (relation, relation))
        target = m.concept
        where = target.scheme or viewer.t("标准类目", "standard category")
        rows.append(
            f"<tr><td>{escape(viewer.t(zh, en))} <code>skos:{escape(relation)}</code></td>"
            f'<td>{escape(where)}</td><td><a href="{escape(local_page(base_iri, target.iri))}">'
            f"{escape(target.code)} {escape(label(viewer, target.labels))}</a></td></tr>"
        )
    if not rows:
        return f'<p class="muted">{viewer.t("没有对应关系。", "No mappings.")}</p>'
    head = (
        f'<tr><th scope="col">{viewer.t("关系", "Relation")}</th><th scope="col">{viewer.t("体系", "Scheme")}</th>'
        f'<th scope="col">{viewer.t("概念", "Concept")}</th></tr>'
    )
    return f"<table>{head}{''.join(rows)}</table>"


def concept_page(viewer: Viewer, view: ConceptView, *, base_iri: str) -> str:
    c = view.concept
    name = label(viewer, c.labels, c.code)
    crumbs = [f'<a href="/browse">{viewer.t("分类浏览", "Classifications")}</a>']
    crumbs.append(f'<a href="/browse/{segment(c.scheme)}">{escape(_title(viewer, view.scheme))}</a>')
    crumbs += [
        f'<a href="{_concept_href(c.scheme, a.code)}">{escape(a.code)} {escape(label(viewer, a.labels))}</a>'
        for a in view.ancestors
    ]
    crumbs.append(f'<span aria-current="page">{escape(c.code)}</span>')
    labels = "".join(
        f'<tr><th scope="row">{escape(lang)}</th><td lang="{escape(lang)}">{escape(text)}</td></tr>'
        for lang, text in sorted(c.labels.items())
    )
    facts = (
        f'<tr><th scope="row">{viewer.t("代码", "Notation")}</th><td><code>{escape(c.code)}</code></td></tr>'
        f'<tr><th scope="row">{viewer.t("层级", "Level")}</th><td>{"" if c.depth is None else c.depth}</td></tr>'
        f'<tr><th scope="row">{viewer.t("下位概念", "Narrower")}</th><td>{c.narrower_count}</td></tr>'
    )
    notes = "".join(f"<p>{escape(n)}</p>" for n in c.notes)
    here = _concept_href(c.scheme, c.code)
    narrower = view.narrower
    listed = (
        _tree(viewer, c.scheme, narrower.items)
        + pager(
            viewer, here, offset=narrower.offset, shown=len(narrower.items), total=narrower.total, limit=narrower.limit
        )
        if narrower.total
        else f'<p class="muted">{viewer.t("没有下位概念。", "No narrower concepts.")}</p>'
    )
    id_href = "/id/" + c.iri[len(base_iri) :] if c.iri.startswith(base_iri) else c.iri
    formats = " · ".join(f'<a href="{escape(id_href)}?format={key}">{name_}</a>' for key, name_ in _FORMATS)
    body = (
        f'<nav class="crumbs" aria-label="{viewer.t("位置", "Breadcrumb")}">{" › ".join(crumbs)}</nav>'
        f"<h1>{escape(c.code)} {escape(name)}</h1>"
        f"<section><h2>{viewer.t('名称与代码', 'Labels and notation')}</h2>"
        f"<table>{labels}{facts}</table>{notes}</section>"
        f"<section><h2>{viewer.t('下位概念', 'Narrower concepts')} ({narrower.total})</h2>{listed}</section>"
        f"<section><h2>{viewer.t('对应关系', 'Mappings')}</h2>{_mapping_rows(viewer, view, base_iri)}</section>"
        f"<section><h2>{viewer.t('关联数据', 'Linked data')}</h2>"
        f'<p class="iri"><a href="{escape(id_href)}">{escape(c.iri)}</a></p><p>{formats}</p></section>'
    )
    return page(viewer, (f"{c.code} {name}", f"{c.code} {name}"), body, scripts=SCRIPTS, styles=STYLES)


def hit_href(hit: Hit, base_iri: str) -> str:
    """Where a search hit is shown: a concept's page, a standard version's page (at the item)."""
    if hit.kind is Kind.CONCEPT and hit.scheme:
        return _concept_href(hit.scheme, hit.code)
    if hit.standard:
        standard_id, _, version = hit.standard.partition("@")
        where = f"/standards/{segment(standard_id)}/{segment(version)}"
        return where if hit.kind is Kind.STANDARD else f"{where}#{hit.kind.value}-{quote(hit.code, safe='')}"
    return local_page(base_iri, hit.iri)


def search_page(
    viewer: Viewer, q: str, found: SearchPage | None, *, base_iri: str, scheme: str | None = None, error: str = ""
) -> str:
    """The search results without JavaScript (the instant results link here for the whole list)."""
    parts = [
        f"<h1>{viewer.t('检索', 'Search')}</h1>",
        f"<section>{search_form(viewer, base_iri=base_iri, value=q, scheme=scheme)}</section>",
    ]
    if error:
        parts.append(f'<p role="alert">{escape(error)}</p>')
    elif found is not None:
        rows = "".join(
            f'<tr><td><a href="{escape(hit_href(h, base_iri))}">{escape(h.code)}</a></td>'
            f"<td>{escape(label(viewer, h.labels))}</td><td>{escape(viewer.t(*_KINDS[h.kind]))}</td>"
            f"<td>{escape(h.scheme or h.standard or '')}</td></tr>"
            for h in found.results
        )
        head = (
            f'<tr><th scope="col">{viewer.t("代码", "Code")}</th><th scope="col">{viewer.t("名称", "Name")}</th>'
            f'<th scope="col">{viewer.t("类型", "Kind")}</th><th scope="col">{viewer.t("所属", "In")}</th></tr>'
        )
        params = {"q": q, **({"scheme": scheme} if scheme else {})}
        more = pager(
            viewer,
            "/browse/search",
            offset=found.offset,
            shown=len(found.results),
            total=found.total,
            limit=found.limit,
            **params,
        )
        parts.append(
            f"<section><h2>{viewer.t('结果', 'Results')} ({found.total})</h2>"
            + (
                f"<table>{head}{rows}</table>{more}"
                if found.total
                else f"<p>{viewer.t('没有结果。', 'No results.')}</p>"
            )
            + "</section>"
        )
    return page(viewer, ("检索", "Search"), "".join(parts), scripts=SCRIPTS, styles=STYLES)
