"""HTML for people: bilingual (zh/en) pages for resources, the home page and errors."""

from __future__ import annotations

from html import escape

import pyoxigraph as ox

from cpms_kg.linkeddata import NARROWER_PAGE, Link, ResourcePage

_STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC","PingFang SC",sans-serif;margin:0;color:#1d2733;background:#f6f8fa}
header{background:#0b4f8a;color:#fff;padding:.8rem 1.5rem}header a{color:#fff;text-decoration:none;font-weight:600}
main{max-width:72rem;margin:1.5rem auto;padding:0 1.5rem}h1{margin:.2rem 0 .2rem;font-size:1.6rem}
.en{color:#4a5866}.iri{font-family:ui-monospace,monospace;font-size:.85rem;color:#4a5866;word-break:break-all}
section{background:#fff;border:1px solid #d8dee4;border-radius:6px;padding:.8rem 1.2rem;margin:1rem 0}
h2{font-size:1.05rem;margin:.2rem 0 .6rem}table{border-collapse:collapse;width:100%}
td,th{text-align:left;padding:.3rem .5rem;border-top:1px solid #eef1f4;vertical-align:top}
code{background:#eef1f4;padding:0 .25rem;border-radius:3px}ul{margin:.2rem 0;padding-left:1.2rem}
nav.formats a{margin-right:.8rem}footer{color:#6a7682;font-size:.8rem;margin:2rem 0}
"""

_PREDICATES: dict[str, tuple[str, str]] = {
    "http://www.w3.org/2004/02/skos/core#definition": ("定义", "definition"),
    "http://www.w3.org/2004/02/skos/core#scopeNote": ("说明", "scope note"),
    "http://www.w3.org/2004/02/skos/core#altLabel": ("别名", "alternative label"),
    "http://www.w3.org/2004/02/skos/core#topConceptOf": ("顶层概念所属", "top concept of"),
    "http://www.w3.org/2004/02/skos/core#hasTopConcept": ("顶层概念", "top concept"),
    "http://www.w3.org/2000/01/rdf-schema#label": ("标签", "label"),
    "http://www.w3.org/2000/01/rdf-schema#comment": ("注释", "comment"),
    "http://purl.org/dc/terms/source": ("来源", "source"),
    "http://purl.org/dc/terms/title": ("标题", "title"),
    "http://purl.org/dc/terms/license": ("许可", "licence"),
    "http://rdf-vocabulary.ddialliance.org/xkos#depth": ("层级深度", "depth"),
}

_MAPPING_NAMES: dict[str, tuple[str, str]] = {
    "exactMatch": ("精确对应", "exact match"),
    "closeMatch": ("近似对应", "close match"),
    "broadMatch": ("对应到更宽泛的概念", "broader match"),
    "narrowMatch": ("对应到更具体的概念", "narrower match"),
    "relatedMatch": ("相关对应", "related match"),
}


def local_href(base_iri: str, iri: str) -> str:
    """Resources minted here link to this server's /id/ path, whatever base IRI they carry."""
    return "/id/" + iri[len(base_iri) :] if iri.startswith(base_iri) else iri


def _bi(zh: str, en: str, tag: str = "span") -> str:
    return f'<{tag} lang="zh">{escape(zh)}</{tag}> <{tag} lang="en" class="en">{escape(en)}</{tag}>'


def _link(base_iri: str, link: Link) -> str:
    text = " ".join(x for x in (link.notation, link.label("zh"), link.label("en") or link.label("")) if x)
    return f'<a href="{escape(local_href(base_iri, link.iri))}">{escape(text or link.iri)}</a>'


def _term(base_iri: str, term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, link: Link | None) -> str:
    if link is not None:
        return _link(base_iri, link)
    if isinstance(term, ox.Literal):
        lang = f' <span class="iri">@{escape(term.language)}</span>' if term.language else ""
        return f"{escape(term.value)}{lang}"
    return f'<span class="iri">{escape(str(term))}</span>'


def shell(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        '<header><a href="/">cpms-kg 产品主数据标准知识图谱 · CPMS knowledge graph</a></header>'
        f"<main>{body}</main></body></html>"
    )


def _pager(href: str, offset: int, shown: int, total: int) -> str:
    """Where this page of a long list is, with links to the previous and next pages (same size)."""
    if offset == 0 and shown >= total:
        return ""
    links = []
    if offset > 0:
        links.append(
            f'<a rel="prev" href="{href}?offset={max(0, offset - NARROWER_PAGE)}">{_bi("上一页", "previous")}</a>'
        )
    if offset + shown < total:
        links.append(f'<a rel="next" href="{href}?offset={offset + NARROWER_PAGE}">{_bi("下一页", "next")}</a>')
    first, last = (offset + 1, offset + shown) if shown else (0, 0)
    where = _bi(f"第 {first}–{last} 项，共 {total} 项", f"items {first}–{last} of {total}")
    return f'<p class="pager">{where} {" · ".join(links)}</p>'


def resource_page(base_iri: str, page: ResourcePage, path: str) -> str:
    zh = page.labels.get("zh")
    en = page.labels.get("en") or page.labels.get("")
    title = " ".join(x for x in (page.notation, zh, en) if x) or page.iri
    parts = [f"<h1>{escape(page.notation or '')} {escape(zh or '')}</h1>"]
    if en:
        parts.append(f'<p class="en" lang="en">{escape(en)}</p>')
    if not zh:
        parts.append('<p class="en">' + _bi("（来源数据无中文名称）", "(the source data has no Chinese name)") + "</p>")
    parts.append(f'<p class="iri">{escape(page.iri)}</p>')
    href = "/id/" + escape(path)
    parts.append(
        '<nav class="formats">'
        + _bi("其他格式", "Other formats:")
        + "".join(
            f' <a href="{href}?format={k}">{v}</a>'
            for k, v in (("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("rdf", "RDF/XML"), ("nt", "N-Triples"))
        )
        + "</nav>"
    )
    if page.scheme is not None:
        level = f" · {_bi('层级', 'level')} {_link(base_iri, page.level)}" if page.level else ""
        parts.append(
            f"<section><h2>{_bi('所属分类体系', 'Scheme')}</h2>{_link(base_iri, page.scheme)}{level}</section>"
        )
    for zh_title, en_title, links, total in (
        ("上位类", "Broader", page.broader, len(page.broader)),
        ("下位类", "Narrower", page.narrower, page.narrower_total),
    ):
        items = "".join(f"<li>{_link(base_iri, link)}</li>" for link in links)
        empty = _bi("无", "none")
        more = _pager(href, page.narrower_offset, len(links), total) if links is page.narrower else ""
        parts.append(f"<section><h2>{_bi(zh_title, en_title)} ({total})</h2><ul>{items or empty}</ul>{more}</section>")
    for zh_title, en_title, mappings in (
        ("对应关系", "Mappings", page.mappings),
        ("被其他分类对应", "Mapped from", page.incoming_mappings),
    ):
        if mappings:
            rows = "".join(
                f"<tr><td>{_bi(*_MAPPING_NAMES[kind])}</td><td>{_link(base_iri, link)}</td></tr>"
                for kind, link in mappings
            )
            parts.append(f"<section><h2>{_bi(zh_title, en_title)}</h2><table>{rows}</table></section>")
    if page.values or page.types:
        rows = "".join(
            f'<tr><td>{_bi("类型", "type")}</td><td><span class="iri">{escape(t)}</span></td></tr>' for t in page.types
        )
        for value in page.values:
            zh_name, en_name = _PREDICATES.get(value.predicate, ("", value.predicate))
            name = _bi(zh_name, en_name) if zh_name else f'<span class="iri">{escape(en_name)}</span>'
            rows += f"<tr><td>{name}</td><td>{_term(base_iri, value.term, value.link)}</td></tr>"
        parts.append(f"<section><h2>{_bi('属性', 'Properties')}</h2><table>{rows}</table></section>")
    return shell(title, "".join(parts))

def error_page(status: int, message: str, message_zh: str) -> str:
    body = (
        f'<h1>{status}</h1><section><p lang="zh">{escape(message_zh)}</p>'
        f'<p lang="en" class="en">{escape(message)}</p></section>'
    )
    return shell(f"{status}", body)
