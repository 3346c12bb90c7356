"""The standards browser: published standards and their versions, a version's categories as a tree with each
category's attribute requirements, attributes with datatype, unit (symbol and UN/CEFACT Rec 20 code), value domain
and code list, the code lists, and the per-item diff between two versions. Server-rendered; reads without script."""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from typing import Any

from cpms_kg.html import local_href
from cpms_kg.iris import segment
from cpms_kg.namespaces import QUDT, SKOS
from cpms_kg.standards.diff import StandardDiff
from cpms_kg.standards.model import Attribute, Category, Datatype, Obligation, Standard, Status, version_path
from cpms_kg.standards.rdf import StandardSummary
from cpms_kg.store.base import Store
from cpms_kg.web.layout import Viewer, page
from cpms_kg.web.parts import standard_href

STYLES = ["/static/browse.css"]

STATUS = {
    Status.DRAFT: ("草案", "draft"),
    Status.CONSENSUS: ("共识稿", "consensus"),
    Status.UNDER_REVIEW: ("评审中", "under review"),
    Status.PUBLISHED_PROVINCIAL: ("省级发布", "published (provincial)"),
    Status.RECOMMENDED: ("已推荐", "recommended"),
    Status.PUBLISHED_NATIONAL: ("国家发布", "published (national)"),
    Status.SUPERSEDED: ("已被替代", "superseded"),
    Status.RETIRED: ("已废止", "retired"),
}
OBLIGATION = {
    Obligation.REQUIRED: ("必填", "required"),
    Obligation.RECOMMENDED: ("推荐", "recommended"),
    Obligation.OPTIONAL: ("可选", "optional"),
}
DATATYPE = {
    Datatype.STRING: ("文本", "text"),
    Datatype.DECIMAL: ("小数", "decimal"),
    Datatype.INTEGER: ("整数", "integer"),
    Datatype.BOOLEAN: ("是/否", "yes/no"),
    Datatype.DATE: ("日期", "date"),
    Datatype.CODE: ("代码", "code"),
}
_CHANGE = {"added": ("新增", "added"), "removed": ("删除", "removed"), "changed": ("修改", "changed")}
_KIND = {
    "standard": ("标准信息", "Standard"),
    "category": ("类目", "Categories"),
    "attribute": ("属性", "Attributes"),
    "code_list": ("代码表", "Code lists"),
    "code": ("代码", "Codes"),
    "requirement": ("属性要求", "Requirements"),
}


@dataclass(frozen=True)
class Unit:
    symbol: str
    rec20: str
    name: str


def units(store: Store, standard: Standard) -> dict[str, Unit]:
    """The units the version's attributes use: symbol, UN/CEFACT Rec 20 code and name, from the units scheme."""
    codes = sorted({a.unit for a in standard.attributes if a.unit})
    if not codes:
        return {}
    scheme = store.base_iri + "classification/units"
    rows = store.select(
        f"""SELECT ?code (SAMPLE(?s) AS ?symbol) (SAMPLE(?r) AS ?rec20) (SAMPLE(?l) AS ?name) WHERE {{
              ?u <{SKOS}inScheme> <{scheme}> ; <{SKOS}notation> ?code .
              VALUES ?code {{ {" ".join(json.dumps(c) for c in codes)} }}
              OPTIONAL {{ ?u <{QUDT}symbol> ?s }} OPTIONAL {{ ?u <{QUDT}uneceCommonCode> ?r }}
              OPTIONAL {{ ?u <{SKOS}prefLabel> ?l }} }} GROUP BY ?code"""
    )
    found: dict[str, Unit] = {}
    for row in rows:
        values = {k: str(getattr(row.get(k), "value", "")) for k in ("code", "symbol", "rec20", "name")}
        found[values["code"]] = Unit(values["symbol"], values["rec20"], values["name"])
    return found


def _status(viewer: Viewer, status: Status) -> str:
    return f'<span class="status">{escape(viewer.t(*STATUS[status]))}</span>'


def _text(viewer: Viewer, zh: str, en: str) -> str:
    return escape(viewer.t(zh or en, en or zh))


def standards_page(viewer: Viewer, listed: list[StandardSummary]) -> str:
    rows = "".join(
        f'<tr><td><a href="{standard_href(s.id)}">{escape(s.id)}</a></td>'
        f'<td><a href="{standard_href(s.id, s.latest.version)}">'
        f"{_text(viewer, s.latest.title.zh, s.latest.title.en)}</a></td>"
        f"<td>{escape(s.latest.version)}</td><td>{_status(viewer, s.latest.status)}</td><td>{len(s.versions)}</td></tr>"
        for s in listed
    )
    head = "".join(
        f'<th scope="col">{viewer.t(zh, en)}</th>'
        for zh, en in (
            ("编号", "Id"),
            ("名称", "Title"),
            ("最新版本", "Latest"),
            ("状态", "Status"),
            ("版本数", "Versions"),
        )
    )
    table = (
        f"<table>{head}{rows}</table>"
        if listed
        else f"<p>{viewer.t('尚无已发布的标准。', 'No standard is published yet.')}</p>"
    )
    body = (
        f"<h1>{viewer.t('标准', 'Standards')}</h1>"
        f"<p>{viewer.t('已发布的行业产品主数据标准。', 'Published industry product master data standards.')}</p>"
        f"<section>{table}</section>"
    )
    return page(viewer, ("标准", "Standards"), body, styles=STYLES)


def _crumbs(viewer: Viewer, *links: tuple[str, str]) -> str:
    items = [f'<a href="/standards">{viewer.t("标准", "Standards")}</a>']
    items += [f'<a href="{escape(href)}">{escape(text)}</a>' for href, text in links]
    return f'<nav class="crumbs" aria-label="{viewer.t("位置", "Breadcrumb")}">{" › ".join(items)}</nav>'


def _diff_form(viewer: Viewer, summary: StandardSummary, old: str = "", new: str = "") -> str:
    versions = [v.version for v in summary.versions]
    if len(versions) < 2:
        alone = viewer.t("只有一个版本，暂无可比较的差异。", "One version only: nothing to compare yet.")
        return f'<p class="muted">{alone}</p>'
    old = old or versions[-2]
    new = new or versions[-1]

    def select(name: str, label_zh: str, label_en: str, chosen: str) -> str:
        options = "".join(
            f'<option value="{escape(v)}"{" selected" if v == chosen else ""}>{escape(v)}</option>' for v in versions
        )
        return (
            f'<label for="diff-{name}">{viewer.t(label_zh, label_en)}</label> '
            f'<select id="diff-{name}" name="{name}">{options}</select>'
        )

    return (
        f'<form method="get" action="{standard_href(summary.id)}/diff" class="diff">'
        f"{select('from', '旧版本', 'From', old)} {select('to', '新版本', 'To', new)} "
        f'<button type="submit">{viewer.t("比较", "Compare")}</button></form>'
    )


def standard_page(viewer: Viewer, summary: StandardSummary) -> str:
    latest = summary.latest
    rows = "".join(
        f'<tr><td><a href="{standard_href(summary.id, v.version)}">{escape(v.version)}</a></td>'
        f"<td>{_text(viewer, v.title.zh, v.title.en)}</td><td>{_status(viewer, v.status)}</td></tr>"
        for v in reversed(summary.versions)
    )
    head = "".join(
        f'<th scope="col">{viewer.t(zh, en)}</th>'
        for zh, en in (("版本", "Version"), ("名称", "Title"), ("状态", "Status"))
    )
    title = viewer.t(latest.title.zh or summary.id, latest.title.en or summary.id)
    body = (
        f'{_crumbs(viewer)}<h1>{escape(title)}</h1><p class="iri">{escape(summary.iri)}</p>'
        f"<section><h2>{viewer.t('版本', 'Versions')}</h2><table>{head}{rows}</table></section>"
        f"<section><h2>{viewer.t('版本差异', 'Differences between versions')}</h2>"
        f"{_diff_form(viewer, summary)}</section>"
    )
    return page(viewer, (title, title), body, styles=STYLES)


def _domain(viewer: Viewer, a: Attribute, standard: Standard) -> str:
    parts: list[str] = []
    if a.min_inclusive is not None or a.max_inclusive is not None:
        low = "" if a.min_inclusive is None else str(a.min_inclusive)
        high = "" if a.max_inclusive is None else str(a.max_inclusive)
        parts.append(f"{viewer.t('范围', 'range')} {escape(low)} … {escape(high)}")
    if a.pattern:
        parts.append(f"{viewer.t('格式', 'pattern')} <code>{escape(a.pattern)}</code>")
    if a.min_length is not None or a.max_length is not None:
        high = "" if a.max_length is None else str(a.max_length)
        parts.append(f"{viewer.t('长度', 'length')} {a.min_length or 0} … {high}")
    if a.code_list:
        listed = standard.code_list(a.code_list)
        name = _text(viewer, listed.name.zh, listed.name.en) if listed else escape(a.code_list)
        parts.append(f'{viewer.t("代码表", "code list")} <a href="#codelist-{escape(a.code_list)}">{name}</a>')
    return "<br>".join(parts)


def _unit(a: Attribute, found: dict[str, Unit]) -> str:
    if not a.unit:
        return ""
    unit = found.get(a.unit)
    if unit is None:
        return f"<code>{escape(a.unit)}</code>"
    rec20 = f' <span class="muted">Rec 20 <code>{escape(unit.rec20)}</code></span>' if unit.rec20 else ""
    return f'<abbr title="{escape(unit.name or a.unit)}">{escape(unit.symbol or a.unit)}</abbr>{rec20}'


def _requirements(viewer: Viewer, standard: Standard, category: str) -> str:
    wanted = [r for r in standard.requirements if r.category == category]
    if not wanted:
        return ""
    items = []
    for r in wanted:
        a = standard.attribute(r.attribute)
        name = _text(viewer, a.name.zh, a.name.en) if a else ""
        items.append(
            f'<li class="{r.obligation.value}"><a href="#attribute-{escape(r.attribute)}">'
            f"<code>{escape(r.attribute)}</code> "
            f"{name}</a> · {escape(viewer.t(*OBLIGATION[r.obligation]))}</li>"
        )
    return f'<ul class="requirements">{"".join(items)}</ul>'


def _category(viewer: Viewer, standard: Standard, c: Category) -> str:
    mapped = " ".join(
        f'<a href="/browse/{segment(m.scheme)}/{segment(m.code)}" class="muted">{escape(m.relation.value)} '
        f"{escape(m.scheme)} {escape(m.code)}</a>"
        for m in c.mappings
    )
    children = [x for x in standard.categories if x.parent == c.code]
    inner = _requirements(viewer, standard, c.code)
    if children:
        inner += f'<ul class="tree">{"".join(_category(viewer, standard, x) for x in children)}</ul>'
    return (
        f'<li id="category-{escape(c.code)}"><details open><summary><span class="code">{escape(c.code)}</span> '
        f"{_text(viewer, c.name.zh, c.name.en)} {mapped}</summary>{inner}</details></li>"
    )


def version_page(viewer: Viewer, standard: Standard, found_units: dict[str, Unit], *, base_iri: str) -> str:
    info = standard.info
    title = viewer.t(info.title.zh or info.id, info.title.en or info.id)
    iri = base_iri + version_path(info.id, info.version)
    industry = info.industry
    facts = (
        (("编号", "Id"), escape(info.id)),
        (("版本", "Version"), escape(info.version)),
        (("状态", "Status"), _status(viewer, info.status)),
        (("地区代码", "Region code"), escape(info.region)),
        (
            ("所属行业", "Industry"),
            f'<a href="/browse/{segment(industry.scheme)}/{segment(industry.code)}">'
            f"{escape(industry.scheme)} {escape(industry.code)}</a>",
        ),
        (("发布机构", "Issued by"), _text(viewer, info.issuing_body.zh, info.issuing_body.en)),
        (("发布日期", "Issued"), escape(str(info.issued or ""))),
        (("实施日期", "In force"), escape(str(info.implemented or ""))),
        (
            ("上一版本", "Previous version"),
            f'<a href="{standard_href(info.id, info.previous_version)}">{escape(info.previous_version)}</a>'
            if info.previous_version
            else "",
        ),
    )
    table = "".join(f'<tr><th scope="row">{viewer.t(*name)}</th><td>{value}</td></tr>' for name, value in facts)
    roots = [c for c in standard.categories if c.parent is None or standard.category(c.parent) is None]
    tree = f'<ul class="tree">{"".join(_category(viewer, standard, c) for c in roots)}</ul>'
    head = "".join(
        f'<th scope="col">{viewer.t(zh, en)}</th>'
        for zh, en in (
            ("代码", "Code"),
            ("名称", "Name"),
            ("数据类型", "Datatype"),
            ("单位", "Unit"),
            ("值域", "Value domain"),
            ("个数", "Count"),
            ("示例", "Example"),
        )
    )
    attributes = "".join(
        f'<tr id="attribute-{escape(a.code)}"><td><code>{escape(a.code)}</code></td>'
        f"<td>{_text(viewer, a.name.zh, a.name.en)}</td><td>{escape(viewer.t(*DATATYPE[a.datatype]))}</td>"
        f"<td>{_unit(a, found_units)}</td><td>{_domain(viewer, a, standard)}</td>"
        f"<td>{a.min_count} … {'*' if a.max_count is None else a.max_count}</td><td>{escape(a.example or '')}</td></tr>"
        for a in standard.attributes
    )
    lists = "".join(
        f'<section id="codelist-{escape(cl.id)}" class="codelist"><h3>{_text(viewer, cl.name.zh, cl.name.en)} '
        f'<code>{escape(cl.id)}</code></h3><table><tr><th scope="col">{viewer.t("代码", "Code")}</th>'
        f'<th scope="col">{viewer.t("名称", "Label")}</th></tr>'
        + "".join(
            f"<tr><td><code>{escape(c.code)}</code></td><td>{_text(viewer, c.label.zh, c.label.en)}</td></tr>"
            for c in cl.codes
        )
        + "</table></section>"
        for cl in standard.code_lists
    )
    api = f"/api/standards/{segment(info.id)}/versions/{segment(info.version)}"
    body = (
        f"{_crumbs(viewer, (standard_href(info.id), info.id))}<h1>{escape(title)} <small>{escape(info.version)}"
        "</small></h1>"
        f'<section><table>{table}</table><p class="iri"><a href="{escape(local_href(base_iri, iri))}">'
        f'{escape(iri)}</a> · <a href="{api}">JSON</a> · <a href="{api}/shapes">SHACL</a></p></section>'
        f"<section><h2>{viewer.t('类目与属性要求', 'Categories and their requirements')} ({len(standard.categories)})"
        f"</h2>{tree}</section>"
        f"<section><h2>{viewer.t('属性', 'Attributes')} ({len(standard.attributes)})</h2><table>{head}{attributes}"
        "</table></section>"
        f"<section><h2>{viewer.t('代码表', 'Code lists')} ({len(standard.code_lists)})</h2>{lists}</section>"
    )
    return page(viewer, (f"{title} {info.version}", f"{title} {info.version}"), body, styles=STYLES)


def _value(value: Any) -> str:
    if value is None or value == "" or value == []:
        return '<span class="muted">—</span>'
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return f"<code>{escape(text)}</code>"


def diff_page(viewer: Viewer, summary: StandardSummary, result: StandardDiff) -> str:
    sections = []
    for kind, (zh, en) in _KIND.items():
        changes = [c for c in result.changes if c.kind == kind]
        if not changes:
            continue
        rows = []
        for c in changes:
            fields = "".join(
                f"<li><code>{escape(f.field)}</code>: {_value(f.old)} → {_value(f.new)}</li>" for f in c.fields
            )
            rows.append(
                f'<tr class="{escape(c.change)}"><td><code>{escape(c.key)}</code></td>'
                f"<td>{escape(viewer.t(*_CHANGE[c.change]))}</td><td><ul>{fields}</ul></td></tr>"
            )
        head = "".join(
            f'<th scope="col">{viewer.t(z, e)}</th>'
            for z, e in (("项", "Item"), ("变化", "Change"), ("字段", "Fields"))
        )
        sections.append(
            f"<section><h2>{viewer.t(zh, en)} ({len(changes)})</h2><table>{head}{''.join(rows)}</table></section>"
        )
    migration = result.migration
    moves = [
        *(
            f"{viewer.t('属性改名', 'renamed')} <code>{escape(r.old)}</code> → <code>{escape(r.new)}</code>"
            for r in migration.renamed_attributes
        ),
        *(
            f"{viewer.t('属性移动', 'moved')} <code>{escape(m.attribute)}</code>: {escape(m.old_category)} →"
            f" {escape(m.new_category)}"
            for m in migration.moved_attributes
        ),
        *(
            f"{viewer.t('单位变化', 'unit changed')} <code>{escape(u.attribute)}</code>: {escape(u.old_unit or '—')} →"
            f" {escape(u.new_unit or '—')}"
            for u in migration.unit_changes
        ),
        *(f"{viewer.t('属性删除', 'removed')} <code>{escape(a)}</code>" for a in migration.removed_attributes),
        *(
            f"{viewer.t('代码改变', 'code renamed')} {escape(cl)}: <code>{escape(r.old)}</code> → <code>{escape(r.new)}"
            "</code>"
            for cl, r in migration.renamed_codes
        ),
    ]
    mapped = "".join(f"<li>{m}</li>" for m in moves) or f"<li>{viewer.t('无', 'none')}</li>"
    nothing = (
        ""
        if result.changes
        else f"<section><p>{viewer.t('两个版本没有差异。', 'The two versions do not differ.')}</p></section>"
    )
    api = escape(
        f"/api/standards/{segment(summary.id)}/diff?from={segment(result.old_version)}&to={segment(result.new_version)}"
    )
    title = f"{summary.id} {result.old_version} → {result.new_version}"
    body = (
        f"{_crumbs(viewer, (standard_href(summary.id), summary.id))}"
        f"<h1>{viewer.t('版本差异', 'Differences')}: {escape(title)}</h1>"
        f'<section>{_diff_form(viewer, summary, result.old_version, result.new_version)}<p><a href="{api}">JSON</a>'
        "</p></section>"
        f"{nothing}{''.join(sections)}"
        f"<section><h2>{viewer.t('迁移映射', 'Migration map')}</h2><ul>{mapped}</ul></section>"
    )
    return page(viewer, (f"版本差异 {title}", f"Differences {title}"), body, styles=STYLES)
