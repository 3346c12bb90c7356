"""The home page: where each user's job starts (browse, standards, check data, expert groups, pilots, catalogue,
SPARQL), a search box, and the classification schemes. Reads without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from cpms_kg.web.layout import Viewer, page

_INTRO_EN = "A knowledge graph of product categories, attributes and standards."


@dataclass(frozen=True)
class SchemeRow:
    id: str
    title_zh: str
    title_en: str
    concepts: int


@dataclass(frozen=True)
class Task:
    href: str
    title: tuple[str, str]
    who: tuple[str, str]
    does: tuple[str, str]


TASKS = (
    Task(
        "/browse",
        ("分类浏览", "Browse classifications"),
        ("所有人", "Everyone"),
        (
            "逐层展开 CPC、HS 等分类体系，查看概念、对应关系与关联数据。",
            "Open CPC, HS and other classifications level by level; concepts, mappings, linked data.",
        ),
    ),
    Task(
        "/standards",
        ("标准", "Standards"),
        ("所有人", "Everyone"),
        (
            "已发布的行业标准：类目、属性（数据类型、单位、代码表）、属性要求与版本差异。",
            "Published industry standards: categories, attributes (datatype, unit, code list), requirements, diffs.",
        ),
    ),
    Task(
        "/check",
        ("检查我的数据", "Check my data"),
        ("试点企业", "Pilot firms"),
        (
            "上传产品表，确认列映射，查看符合性报告并下载，提交与共享符合标准的数据。",
            "Upload a product table, confirm the column mapping, get the report, commit and share.",
        ),
    ),
    Task(
        "/groups",
        ("专家组", "Expert groups"),
        ("专家、组长、评审", "Experts, leads, reviewers"),
        (
            "提交提案、形成共识稿、逐项投票、区域评审与发布。",
            "Propose, build the consensus draft, vote item by item, review and publish.",
        ),
    ),
    Task(
        "/pilots",
        ("试点看板", "Pilot dashboard"),
        ("经信部门", "Bureaus"),
        (
            "对照指南目标查看试点进度，打印验收准备报告。",
            "Progress of each pilot against the guide's targets; the printable acceptance report.",
        ),
    ),
    Task(
        "/catalogs",
        ("行业数据目录", "Data catalogue"),
        ("数商、平台", "Data traders, platforms"),
        ("各行业数据仓的数据目录与数据项。", "Catalogue entries and data items of each industry's warehouse."),
    ),
    Task(
        "/sparql-editor",
        ("SPARQL 查询", "SPARQL queries"),
        ("数商、分析人员", "Data traders, analysts"),
        (
            "带语法高亮、前缀与示例的查询编辑器，结果可下载。",
            "A query editor with highlighting, prefixes and examples; results to download.",
        ),
    ),
)


def _task(viewer: Viewer, task: Task) -> str:
    return (
        f'<li class="task"><a href="{task.href}"><strong>{escape(viewer.t(*task.title))}</strong></a>'
        f'<span class="muted">{escape(viewer.t(*task.who))}</span><span>{escape(viewer.t(*task.does))}</span></li>'
    )


def search_form(viewer: Viewer, *, base_iri: str, value: str = "", scheme: str | None = None) -> str:
    """The search box: a plain GET form to /browse/search; /static/browse.js makes it answer as one types."""
    hint = viewer.t("代码或名称，如 4331、轴承、bearing", "a code or a name, e.g. 4331, 轴承, bearing")
    scoped = f'<input type="hidden" name="scheme" value="{escape(scheme)}">' if scheme else ""
    return (
        f'<form class="search" role="search" method="get" action="/browse/search" data-instant="q-results" '
        f'data-base="{escape(base_iri)}"><label for="q">'
        f"{viewer.t('检索分类与标准', 'Search classifications and standards')}"
        f'</label> <input id="q" name="q" type="search" value="{escape(value)}" placeholder="{escape(hint)}" '
        f'autocomplete="off" aria-controls="q-results">{scoped} <button type="submit">{viewer.t("检索", "Search")}'
        "</button>"
        '<div id="q-results" class="instant" aria-live="polite"></div></form>'
    )


def home_page(viewer: Viewer, schemes: list[SchemeRow], *, graphs: int, base_iri: str) -> str:
    other = viewer.t("CPMS knowledge graph", "产品主数据标准知识图谱")
    rows = "".join(
        f'<tr><td><a href="/browse/{escape(s.id)}">{escape(viewer.t(s.title_zh or s.id, s.title_en or s.id))}</a></td>'
        f"<td><code>{escape(s.id)}</code></td><td>{s.concepts}</td>"
        f'<td><a href="/id/classification/{escape(s.id)}">{viewer.t("关联数据", "linked data")}</a></td></tr>'
        for s in schemes
    )
    body = (
        f"<h1>{viewer.t('产品主数据标准知识图谱', 'CPMS knowledge graph')} "
        f'<small class="muted" lang="{"en" if viewer.lang == "zh" else "zh"}">{escape(other)}</small></h1>'
        f"<p>{viewer.t('产品类目、属性与标准的语义知识图谱服务。', _INTRO_EN)}</p>"
        f"<section>{search_form(viewer, base_iri=base_iri)}</section>"
        f"<section><h2>{viewer.t('我要……', 'What do you want to do?')}</h2>"
        f'<ul class="tasks">{"".join(_task(viewer, t) for t in TASKS)}</ul></section>'
        f"<section><h2>{viewer.t('分类体系', 'Classification schemes')}</h2><table>"
        f'<tr><th scope="col">{viewer.t("名称", "Name")}</th><th scope="col">ID</th>'
        f'<th scope="col">{viewer.t("概念数", "Concepts")}</th><th scope="col">IRI</th></tr>{rows}</table></section>'
        f"<section><h2>{viewer.t('接口', 'Interfaces')}</h2><ul>"
        f'<li><a href="/sparql">/sparql</a> — {viewer.t("SPARQL 1.1 查询端点", "SPARQL 1.1 query endpoint")}</li>'
        f'<li><a href="/api/schemes">/api/schemes</a> — '
        f"{viewer.t('分类体系 REST 接口', 'classification REST API')}</li>"
        f'<li><a href="/docs">/docs</a> — OpenAPI</li></ul>'
        f'<p class="iri">{viewer.t("实例数据基础 IRI", "Instance base IRI")}: {escape(base_iri)} · '
        f"{viewer.t('命名图', 'named graphs')}: {graphs}</p></section>"
    )
    return page(viewer, ("首页", "Home"), body, scripts=["/static/browse.js"], styles=["/static/browse.css"])
