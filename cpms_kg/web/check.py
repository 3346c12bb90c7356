"""Check my data, the steps before the report: the upload form, the column mapping to confirm, the progress.

The mapping form shows each source column with a few sample values and one <select>: not mapped, the
product code column, the category column, the unit of a value column, or an attribute of the standard
(what auto_map found is preselected; for a column it could not place, its ranked suggestions come first).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from cpms_kg.conformance.mapping import ColumnMapping, MappingResult, Suggestion
from cpms_kg.conformance.table import Row
from cpms_kg.errors import BadInput, Problem
from cpms_kg.jobs import Job
from cpms_kg.standards.model import Standard
from cpms_kg.standards.rdf import StandardSummary
from cpms_kg.web.check_session import CheckSession
from cpms_kg.web.layout import Viewer

ACCEPT = ".csv,.xlsx,.json,.ttl,.jsonld,.nt,.rdf"
PRODUCT, CATEGORY, UNIT, ATTRIBUTE = "product", "category", "unit:", "attribute:"
SAMPLES = 3


def _title_of(viewer: Viewer, summary: StandardSummary, version: str) -> str:
    found = next(v for v in summary.versions if v.version == version)
    return viewer.t(found.title.zh or found.title.en, found.title.en or found.title.zh)


def upload_form(
    viewer: Viewer, standards: Sequence[StandardSummary], *, chosen: str = "", firm: str = "", error: str = ""
) -> str:
    """The first step: the file, the standard version, the firm, optionally one category for the whole file."""
    options = []
    for summary in standards:
        for v in reversed(summary.versions):
            key = f"{summary.id}@{v.version}"
            selected = " selected" if key == chosen else ""
            label = f"{_title_of(viewer, summary, v.version)} · {summary.id} {v.version}"
            options.append(f'<option value="{escape(key)}"{selected}>{escape(label)}</option>')
    firm_value = escape(firm or viewer.firm or "")
    steward = (
        viewer.t(
            f"以 {viewer.user} 身份登录，可提交并共享符合标准的数据。",
            f"Signed in as {viewer.user}: conforming data can be committed and shared.",
        )
        if viewer.user
        else viewer.t(
            "检查无需登录；提交和共享数据需以企业数据管理员身份登录。",
            "Checking needs no login; committing and sharing need the firm's data steward to log in.",
        )
    )
    t = viewer.t
    intro = t(
        "上传产品表（CSV、XLSX、JSON 或 RDF），确认列映射，查看符合性报告。",
        "Upload a product table (CSV, XLSX, JSON or RDF), confirm the column mapping, and read the conformance report.",
    )
    firm_help = t("用于产品 IRI；提交时须为本企业", "used in product IRIs; must be your own firm to commit")
    category_label = t("整个文件的类目（可选）", "One category for the whole file (optional)")
    category_help = t(
        "类目编码或名称；表中有类目列时留空", "category code or name; leave empty when the table has a category column"
    )
    return (
        f"<h1>{t('检查我的数据', 'Check my data')}</h1>{error}<p>{intro}</p>"
        f'<p class="muted">{escape(steward)}</p>'
        '<section><form method="post" action="/check" enctype="multipart/form-data" class="stack">'
        f'<p><label for="file">{viewer.t("产品数据文件", "Product data file")}</label> '
        f'<input id="file" name="file" type="file" accept="{ACCEPT}" required></p>'
        f'<p><label for="standard">{viewer.t("标准及版本", "Standard and version")}</label> '
        f'<select id="standard" name="standard" required>{"".join(options)}</select></p>'
        f'<p><label for="firm">{viewer.t("企业标识", "Firm id")}</label> '
        f'<input id="firm" name="firm" value="{firm_value}" required pattern="[A-Za-z0-9][A-Za-z0-9._-]{{0,63}}" '
        f'aria-describedby="firm-help"> <span id="firm-help" class="muted">'
        f"{firm_help}</span></p>"
        f'<p><label for="category">{category_label}</label> <input id="category" name="category" '
        f'aria-describedby="category-help"> <span id="category-help" class="muted">{category_help}</span></p>'
        f'<p><button type="submit">{viewer.t("上传并映射列", "Upload and map columns")}</button></p>'
        "</form></section>"
    )


@dataclass(frozen=True)
class Proposed:
    """What the mapping form preselects for each column, from auto_map (or nothing when it failed)."""

    choice: dict[str, str]
    suggestions: dict[str, list[Suggestion]]
    notes: list[str]


def proposed(
    result: MappingResult | None, columns: Sequence[str], fallback: Mapping[str, list[Suggestion]]
) -> Proposed:
    if result is None:
        return Proposed({c: "" for c in columns}, dict(fallback), [])
    m = result.mapping
    choice = {c: "" for c in columns}
    choice |= {c: ATTRIBUTE + a for c, a in m.columns.items()}
    choice |= {u: UNIT + v for v, u in m.unit_columns.items()}
    if m.product_code_column in choice:
        choice[m.product_code_column] = PRODUCT
    if m.category_column in choice:
        choice[m.category_column] = CATEGORY
    return Proposed(choice, {u.column: u.suggestions for u in result.unmapped}, result.notes)


def _options(viewer: Viewer, column: str, standard: Standard, columns: Sequence[str], pre: Proposed) -> str:
    chosen = pre.choice.get(column, "")
    suggested = pre.suggestions.get(column, [])

    def option(value: str, label: str) -> str:
        mark = " selected" if value == chosen else ""
        return f'<option value="{escape(value)}"{mark}>{escape(label)}</option>'

    names = {a.code: viewer.t(a.name.zh, a.name.en) for a in standard.attributes}
    first = [
        option("", viewer.t("— 不映射 —", "— not mapped —")),
        option(PRODUCT, viewer.t("产品编码列", "product code column")),
        option(CATEGORY, viewer.t("类目列", "category column")),
    ]
    with_unit = {a.code for a in standard.attributes if a.unit}
    units = [
        option(UNIT + other, viewer.t(f"“{other}”的单位", f"unit of '{other}'"))
        for other in columns
        if other != column and pre.choice.get(other, "").removeprefix(ATTRIBUTE) in with_unit
    ]
    hint = [
        option(
            ATTRIBUTE + s.attribute,
            viewer.t(
                f"建议：{names.get(s.attribute, s.attribute)}（{s.attribute}，{s.score:.2f}）",
                f"suggested: {names.get(s.attribute, s.attribute)} ({s.attribute}, {s.score:.2f})",
            ),
        )
        for s in suggested
    ]
    attrs = [option(ATTRIBUTE + a.code, f"{names[a.code]} ({a.code})") for a in standard.attributes]
    groups = [
        "".join(first),
        f'<optgroup label="{viewer.t("建议的属性", "Suggested attributes")}">{"".join(hint)}</optgroup>'
        if hint
        else "",
        f'<optgroup label="{viewer.t("单位列", "Unit columns")}">{"".join(units)}</optgroup>' if units else "",
        f'<optgroup label="{viewer.t("标准的属性", "Attributes of the standard")}">{"".join(attrs)}</optgroup>',
    ]
    return "".join(groups)


def mapping_form(
    viewer: Viewer,
    session: CheckSession,
    standard: Standard,
    pre: Proposed,
    samples: Sequence[Row],
    *,
    error: str = "",
) -> str:
    """The second step: one row per source column with its samples and a labelled <select>."""
    rows = []
    for n, column in enumerate(session.columns):
        values = [r.cells.get(column, "").strip() for r in samples]
        shown = ", ".join([v for v in values if v][:SAMPLES])
        label = viewer.t(f"列“{column}”对应", f"Column '{column}' maps to")
        rows.append(
            f'<tr><th scope="row">{escape(column)}</th><td class="muted">{escape(shown)}</td>'
            f'<td><label class="sr-only" for="col-{n}">{escape(label)}</label>'
            f'<select id="col-{n}" name="col-{n}">{_options(viewer, column, standard, session.columns, pre)}</select>'
            "</td></tr>"
        )
    notes = "".join(f"<li>{escape(note)}</li>" for note in pre.notes)
    hint = viewer.t(
        "已按列名自动匹配；请检查每一列，必要时修改，然后开始检查。",
        "Columns were matched by name; check each one, change what is wrong, then start the check.",
    )
    firm = f"{viewer.t('企业', 'firm')} {escape(session.firm)}"
    return (
        f"<h1>{viewer.t('确认列映射', 'Confirm the column mapping')}</h1>{error}"
        f"<p>{escape(session.filename)} → {escape(session.standard)} · {firm}</p>"
        f'<p class="muted">{hint}</p>'
        + (f"<ul>{notes}</ul>" if notes else "")
        + f'<form method="post" action="/check/{session.id}/mapping"><section><table>'
        f"<caption>{viewer.t('源列与标准属性', 'Source columns and attributes')}</caption>"
        f'<thead><tr><th scope="col">{viewer.t("源列", "Source column")}</th>'
        f'<th scope="col">{viewer.t("示例值", "Sample values")}</th>'
        f'<th scope="col">{viewer.t("映射到", "Maps to")}</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>"
        f'<p><button type="submit">{viewer.t("确认映射并开始检查", "Confirm the mapping and check")}</button> '
        f'<a href="/check">{viewer.t("重新上传", "Upload another file")}</a></p></form>'
    )


def confirmed(session: CheckSession, standard: Standard, form: Mapping[str, str]) -> ColumnMapping:
    """The mapping the user confirmed; BadInput naming the column for a choice that cannot stand."""
    columns: dict[str, str] = {}
    units: dict[str, str] = {}
    ignored: list[str] = []
    product: list[str] = []
    category: list[str] = []
    problems: list[Problem] = []
    for n, column in enumerate(session.columns):
        choice = form.get(f"col-{n}", "")
        if choice == PRODUCT:
            product.append(column)
        elif choice == CATEGORY:
            category.append(column)
        elif choice.startswith(UNIT) and choice[len(UNIT) :] in session.columns:
            units[choice[len(UNIT) :]] = column
        elif choice.startswith(ATTRIBUTE) and standard.attribute(choice[len(ATTRIBUTE) :]) is not None:
            code = choice[len(ATTRIBUTE) :]
            twin = next((c for c, a in columns.items() if a == code), None)
            if twin is not None:
                problems.append(
                    Problem(
                        f"attribute {code} is already mapped from column '{twin}'",
                        column=column,
                        message_zh=f"属性 {code} 已由列“{twin}”映射",
                    )
                )
            columns[column] = code
        elif choice == "":
            ignored.append(column)
        else:
            problems.append(Problem(f"unknown choice {choice!r}", column=column, message_zh=f"未知的选项 {choice!r}"))
    if len(product) != 1:
        problems.append(Problem("choose exactly one product code column", message_zh="请恰好选择一个产品编码列"))
    if len(category) > 1:
        problems.append(Problem("choose at most one category column", message_zh="至多选择一个类目列"))
    for value_column in units:
        if value_column not in columns:
            problems.append(
                Problem(
                    f"'{value_column}' is not mapped to an attribute, so it takes no unit column",
                    column=value_column,
                    message_zh=f"列“{value_column}”未映射到属性，不能指定单位列",
                )
            )
    if problems:
        raise BadInput("the mapping cannot be used as chosen", message_zh="所选映射无法使用", problems=problems)
    info = standard.info
    return ColumnMapping(
        info.id,
        info.version,
        columns,
        product[0],
        category[0] if category else None,
        session.category,
        units,
        tuple(ignored),
    )


def progress_page(viewer: Viewer, session: CheckSession, job: Job) -> str:
    """The job running: a <progress> the script updates, and a refresh for readers without JavaScript."""
    percent = round(job.progress * 100)
    phase = escape(job.phase or job.status)
    hint = viewer.t("大文件需要一些时间；本页会自动刷新。", "Large files take a while; this page refreshes by itself.")
    return (
        f"<h1>{viewer.t('正在检查', 'Checking')}</h1>"
        f"<p>{escape(session.filename)} → {escape(session.standard)}</p>"
        '<noscript><meta http-equiv="refresh" content="2"></noscript>'
        f'<section id="job" data-job="{job.id}" data-status="{job.status}">'
        f'<p><label for="progress">{viewer.t("进度", "Progress")}</label> '
        f'<progress id="progress" max="100" value="{percent}">{percent}%</progress> '
        f'<span id="progress-text" aria-live="polite">{percent}% · {phase}</span></p>'
        f'<p class="muted">{hint}</p>'
        "</section>"
    )
