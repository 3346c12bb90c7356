"""The SPARQL editor page: YASGUI (syntax highlighting, results table) served from this server, the ontology's
prefixes, example queries, and downloads through the endpoint's formats (`/sparql?format=csv|json|...`).

Without JavaScript the page is a plain form: the query runs on the server and its results show as a table here,
or, with a format chosen, the form leads to /sparql in that format.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from importlib.resources import files
from typing import Any
from urllib.parse import urlencode

from cpms_kg.namespaces import PREFIXES
from cpms_kg.queries import examples as shipped_examples
from cpms_kg.web.layout import Viewer, page

VENDOR = "static/vendor/yasgui"
MAX_ROWS = 500
"""Rows shown in the page without JavaScript; the downloads carry them all."""
DOWNLOADS = (("csv", "CSV"), ("json", "JSON"), ("tsv", "TSV"), ("xml", "XML"))
_NOT_BUILT = "The editor component is not installed (make web); the plain form follows."
GRAPH_DOWNLOADS = (("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("nt", "N-Triples"))


@dataclass(frozen=True)
class EditorExample:
    name: str
    title_zh: str
    title_en: str
    query: str


def _own() -> list[EditorExample]:
    p = "\n".join(f"PREFIX {k}: <{PREFIXES[k]}>" for k in ("cpms", "skos", "dcterms", "qudt"))
    return [
        EditorExample(
            "schemes",
            "分类体系及其概念数",
            "Classification schemes and their number of concepts",
            f"{p}\n\nSELECT ?scheme ?title (COUNT(?concept) AS ?concepts) WHERE {{\n"
            "  ?s a skos:ConceptScheme ; dcterms:identifier ?scheme .\n"
            '  OPTIONAL { ?s skos:prefLabel ?title FILTER(LANGMATCHES(LANG(?title), "zh")) }\n'
            "  ?concept skos:inScheme ?s .\n} GROUP BY ?scheme ?title ORDER BY ?scheme\n",
        ),
        EditorExample(
            "attribute-units",
            "带计量单位的属性（符号与 UN/CEFACT Rec 20 代码）",
            "Attributes with units (symbol and UN/CEFACT Rec 20 code)",
            f"{p}\n\nSELECT ?attribute ?nameZh ?nameEn ?symbol ?rec20 WHERE {{\n"
            "  ?a a cpms:AttributeDefinition ; skos:notation ?attribute ; cpms:unit ?unit .\n"
            '  OPTIONAL { ?a skos:prefLabel ?nameZh FILTER(LANGMATCHES(LANG(?nameZh), "zh")) }\n'
            '  OPTIONAL { ?a skos:prefLabel ?nameEn FILTER(LANGMATCHES(LANG(?nameEn), "en")) }\n'
            "  OPTIONAL { ?unit qudt:symbol ?symbol }\n  OPTIONAL { ?unit qudt:uneceCommonCode ?rec20 }\n"
            "} ORDER BY ?attribute\n",
        ),
        EditorExample(
            "requirements",
            "各类目的属性要求（必填、推荐、可选）",
            "Attribute requirements of each category (required, recommended, optional)",
            f"{p}\n\nSELECT ?category ?name ?attribute ?obligation WHERE {{\n"
            "  ?r a cpms:AttributeRequirement ; cpms:category ?c ; cpms:attribute ?a ; cpms:obligation ?o .\n"
            "  ?c skos:notation ?category . ?a skos:notation ?attribute .\n"
            '  OPTIONAL { ?c skos:prefLabel ?name FILTER(LANGMATCHES(LANG(?name), "zh")) }\n'
            '  BIND(STRAFTER(STR(?o), "#") AS ?obligation)\n} ORDER BY ?category ?attribute\n',
        ),
        EditorExample(
            "hs-cpc-bearings",
            "HS 2017 品目 8482（轴承）与 CPC 2.1 的对应关系",
            "HS 2017 heading 8482 (bearings) and its CPC 2.1 correspondences",
            f"{p}\n\nSELECT ?hs ?hsName ?relation ?cpc ?cpcName WHERE {{\n"
            "  VALUES ?relation { skos:exactMatch skos:closeMatch skos:broadMatch skos:narrowMatch }\n"
            '  ?hsScheme dcterms:identifier "hs2017" . ?cpcScheme dcterms:identifier "cpc21" .\n'
            "  ?h ?relation ?c ; skos:inScheme ?hsScheme ; skos:notation ?hs .\n"
            "  ?c skos:inScheme ?cpcScheme ; skos:notation ?cpc .\n"
            '  FILTER(STRSTARTS(?hs, "8482"))\n'
            "  OPTIONAL { ?h skos:prefLabel ?hsName }\n  OPTIONAL { ?c skos:prefLabel ?cpcName }\n} ORDER BY ?hs\n",
        ),
    ]


def editor_examples() -> list[EditorExample]:
    """This page's own examples first, then the example queries shipped in cpms_kg/queries."""
    shipped = [EditorExample(e.name, e.question_zh, e.question_en, e.query) for e in shipped_examples()]
    return _own() + shipped


def vendored() -> bool:
    """Whether `make web` has put YASGUI into the static folder (without it the page is the plain form)."""
    return files("cpms_kg.web").joinpath(VENDOR, "yasgui.min.js").is_file()


@dataclass(frozen=True)
class Results:
    """A query's answer, read back from the endpoint's JSON or Turtle, for the table without JavaScript."""

    variables: list[str]
    rows: list[dict[str, Any]]
    boolean: bool | None = None
    graph: str | None = None

    @classmethod
    def parse(cls, body: bytes, media_type: str) -> Results:
        if "json" not in media_type:
            return cls([], [], graph=body.decode("utf-8", errors="replace"))
        data = json.loads(body)
        if "boolean" in data:
            return cls([], [], boolean=bool(data["boolean"]))
        return cls(list(data["head"].get("vars", [])), list(data["results"]["bindings"]))


def _links(query: str, formats: tuple[tuple[str, str], ...]) -> str:
    return " ".join(
        f'<a class="button" id="download-{key}" download="results.{key}" '
        f'href="{escape("/sparql?" + urlencode({"query": query, "format": key}))}">{name}</a>'
        for key, name in formats
    )


def _table(viewer: Viewer, query: str, results: Results) -> str:
    if results.boolean is not None:
        return f"<p><strong>{viewer.t('是', 'true') if results.boolean else viewer.t('否', 'false')}</strong></p>"
    if results.graph is not None:
        text = results.graph[:200_000]
        return f"<p>{_links(query, GRAPH_DOWNLOADS)}</p><pre>{escape(text)}</pre>"
    head = "".join(f'<th scope="col">?{escape(v)}</th>' for v in results.variables)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{escape(str(row.get(v, {}).get('value', '')))}</td>" for v in results.variables)
        + "</tr>"
        for row in results.rows[:MAX_ROWS]
    )
    cut = viewer.t(f"仅显示前 {MAX_ROWS} 行，完整结果请下载。", f"The first {MAX_ROWS} rows; download them all.")
    more = f'<p class="muted">{cut}</p>' if len(results.rows) > MAX_ROWS else ""
    count = viewer.t(f"{len(results.rows)} 行", f"{len(results.rows)} rows")
    return f'<p>{count} · {_links(query, DOWNLOADS)}</p>{more}<table class="results">{head}{body}</table>'


def editor_page(
    viewer: Viewer, query: str, *, results: Results | None = None, error: str = "", chosen: str | None = None
) -> str:
    examples = editor_examples()
    listed = "".join(
        f'<li><a href="/sparql-editor?{escape(urlencode({"example": e.name}))}" data-query="{escape(e.query)}" '
        f'class="example{" current" if e.name == chosen else ""}">{escape(viewer.t(e.title_zh, e.title_en))}</a></li>'
        for e in examples
    )
    prefixes = "".join(
        f'<tr><td><code>{escape(k)}:</code></td><td class="iri">{escape(v)}</td></tr>' for k, v in PREFIXES.items()
    )
    formats = "".join(f'<option value="{key}">{name}</option>' for key, name in (*DOWNLOADS, *GRAPH_DOWNLOADS))
    plain = (
        '<form id="sparql-form" method="get" action="/sparql-editor">'
        f'<label for="query">{viewer.t("查询", "Query")}</label>'
        f'<textarea id="query" name="query" rows="14" spellcheck="false">{escape(query)}</textarea>'
        f'<p><label for="format">{viewer.t("结果", "Results")}</label> <select id="format" name="format">'
        f'<option value="">{viewer.t("在本页以表格显示", "as a table on this page")}</option>{formats}</select> '
        f'<button type="submit">{viewer.t("执行", "Run")}</button></p></form>'
    )
    answer = ""
    if error:
        answer = f'<section id="answer"><p role="alert">{escape(error)}</p></section>'
    elif results is not None:
        answer = (
            f'<section id="answer"><h2>{viewer.t("结果", "Results")}</h2>{_table(viewer, query, results)}</section>'
        )
    editor = vendored()
    missing = (
        ""
        if editor
        else f'<p class="muted">{viewer.t("编辑器组件未安装（make web），以下为纯表单。", _NOT_BUILT)}</p>'
    )
    prefix_map = escape(json.dumps(PREFIXES))
    body = (
        f"<h1>{viewer.t('SPARQL 查询', 'SPARQL queries')}</h1>"
        f"<p>{viewer.t('端点', 'Endpoint')} <code>/sparql</code> · "
        f"{viewer.t('默认图为所有公开图的并集。', 'The default graph is the union of the public graphs.')}</p>"
        f'<div class="sparql-grid"><section class="editor"><h2>{viewer.t("编辑器", "Editor")}</h2>{missing}'
        f'<div id="yasgui" data-prefixes="{prefix_map}" hidden></div>{plain}'
        f'<p class="downloads" hidden>{viewer.t("下载结果", "Download results")}: {_links(query, DOWNLOADS)}</p>'
        f"</section>{answer}"
        f'<section><h2>{viewer.t("示例查询", "Example queries")}</h2><ul class="examples">{listed}</ul></section>'
        f"<section><h2>{viewer.t('前缀', 'Prefixes')}</h2>"
        f'<p><button type="button" id="add-prefixes" hidden>{viewer.t("加入编辑器", "Add to the query")}</button></p>'
        f"<table>{prefixes}</table></section></div>"
    )
    scripts = [f"/{VENDOR}/yasgui.min.js", "/static/sparql.js"] if editor else []
    styles = [f"/{VENDOR}/yasgui.min.css", "/static/browse.css"] if editor else ["/static/browse.css"]
    return page(viewer, ("SPARQL 查询", "SPARQL queries"), body, scripts=scripts, styles=styles)
