"""Check my data, the report: summary, charts by rule and by attribute, the findings table (filtered by a
rule, an attribute, a row or a column, and paged), the downloads, and committing and sharing."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

import polars as pl

from cpms_kg.conformance.report import ConformanceReport
from cpms_kg.web.charts import Bar, bar_chart
from cpms_kg.web.check_session import CheckSession
from cpms_kg.web.layout import Viewer
from cpms_kg.web.notices import section

PAGE = 50
CHART_BARS = 15
SEVERITY = {"Violation": ("违规", "violation"), "Warning": ("警告", "warning"), "Info": ("提示", "info")}


@dataclass(frozen=True)
class Filters:
    rule: str | None = None
    attribute: str | None = None
    row: int | None = None
    column: str | None = None
    page: int = 1

    def query(self, *, page: int = 1, **changes: str | int | None) -> str:
        """The link to these findings with `changes` (a filter set, or another page)."""
        fields: dict[str, str | int | None] = {
            "rule": self.rule,
            "attribute": self.attribute,
            "row": self.row,
            "column": self.column,
        }
        kept = {k: v for k, v in (fields | changes).items() if v not in (None, "")}
        if page != 1:
            kept["page"] = page
        return "?" + urlencode(kept) + "#findings"

    def apply(self, frame: pl.DataFrame) -> pl.DataFrame:
        if self.rule:
            frame = frame.filter(pl.col("rule") == self.rule)
        if self.attribute:
            frame = frame.filter(pl.col("attribute") == self.attribute)
        if self.row is not None:
            frame = frame.filter(pl.col("row") == self.row)
        if self.column:
            frame = frame.filter(pl.col("column") == self.column)
        return frame

    @property
    def active(self) -> bool:
        return any(v not in (None, "") for v in (self.rule, self.attribute, self.row, self.column))


@dataclass(frozen=True)
class Actions:
    """What the reader may do with a conforming upload, decided by the route from the login."""

    may_commit: bool
    reason: str = ""
    """Why not, in the reader's language (shown with a login link)."""


def _counts(frame: pl.DataFrame, column: str) -> list[tuple[str, int]]:
    counted = frame.group_by(pl.col(column).fill_null(""), maintain_order=True).len()
    pairs = [(str(k), int(n)) for k, n in counted.iter_rows()]
    return sorted(pairs, key=lambda kv: (-kv[1], kv[0]))


def _summary(viewer: Viewer, session: CheckSession, report: ConformanceReport) -> str:
    severities = dict(_counts(report.findings, "severity"))
    verdict = (
        f'<p class="ok verdict">✓ {viewer.t("符合标准", "Conforms to the standard")}</p>'
        if report.conforms
        else f'<p class="bad verdict">✗ {viewer.t("不符合标准", "Does not conform to the standard")}</p>'
    )
    facts = [
        (viewer.t("文件", "File"), escape(session.filename)),
        (viewer.t("标准", "Standard"), escape(report.standard)),
        (viewer.t("产品数", "Products"), str(report.products)),
        (viewer.t("违规", "Violations"), str(severities.get("Violation", 0))),
        (viewer.t("警告", "Warnings"), str(severities.get("Warning", 0))),
        (viewer.t("规范化的值", "Normalised values"), str(len(report.changes))),
    ]
    items = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
    unmapped = ""
    if report.unmapped:
        cols = (
            "、".join(escape(u["column"]) for u in report.unmapped)
            if viewer.lang == "zh"
            else ", ".join(escape(u["column"]) for u in report.unmapped)
        )
        unmapped = (
            f'<p class="warn">{viewer.t("未映射的列（未检查）：", "Columns not mapped (not checked): ")}{cols}</p>'
        )
    return section("summary", viewer.t("摘要", "Summary"), f'{verdict}<dl class="facts">{items}</dl>{unmapped}')


def _downloads(viewer: Viewer, session: CheckSession) -> str:
    base = f"/check/{session.id}/report"
    links = [
        (f"{base}.xlsx", viewer.t("问题清单（XLSX）", "Findings (XLSX)")),
        (f"{base}.csv", viewer.t("问题清单（CSV）", "Findings (CSV)")),
        (f"{base}.ttl", viewer.t("W3C SHACL 验证报告（Turtle）", "W3C SHACL validation report (Turtle)")),
    ]
    items = "".join(f'<li><a href="{href}" download>{escape(text)}</a></li>' for href, text in links)
    return section("downloads", viewer.t("下载", "Downloads"), f"<ul>{items}</ul>")


def _commit(viewer: Viewer, session: CheckSession, report: ConformanceReport, actions: Actions) -> str:
    t = viewer.t
    if not report.conforms:
        body = "<p>{}</p>".format(
            t(
                "数据有违规项，不能提交；请修正后重新上传。",
                "The data has violations and cannot be committed; fix them and upload again.",
            )
        )
    elif session.shared and session.committed:
        href = f"/id/dataset/{escape(session.firm)}/{escape(session.committed)}"
        body = (
            f'<p class="ok">{viewer.t("已共享到行业数据目录：", "Shared in the industry data catalogue: ")}'
            f'<a href="{href}">{escape(session.firm)}/{escape(session.committed)}</a></p>'
        )
    elif not actions.may_commit:
        login = f'<a href="/login?next=/check/{session.id}">{t("登录", "Log in")}</a>'
        body = f"<p>{escape(actions.reason)} {login}</p>"
    elif session.committed:
        body = (
            f'<p class="ok">{viewer.t("已提交为企业私有数据集 ", "Committed as the firm’s private dataset ")}'
            f"<strong>{escape(session.committed)}</strong></p>"
            f'<form method="post" action="/check/{session.id}/share"><p><button type="submit">'
            f"{t('共享到行业数据目录（CC BY 4.0）', 'Share in the industry data catalogue (CC BY 4.0)')}</button>"
            "</p></form>"
        )
    else:
        body = (
            f'<form method="post" action="/check/{session.id}/commit"><p>'
            f'<label for="dataset">{viewer.t("数据集标识（可选）", "Dataset id (optional)")}</label> '
            '<input id="dataset" name="dataset" pattern="[A-Za-z0-9][A-Za-z0-9._-]{0,63}" '
            'aria-describedby="dataset-help"> <span id="dataset-help" class="muted">'
            f'{t("留空则按内容生成", "empty: derived from the content")}</span></p><p><button type="submit">'
            f"{t('提交到企业私有数据集', 'Commit as the firm’s private dataset')}</button></p></form>"
        )
    return section("commit", t("提交与共享", "Commit and share"), body)


def _charts(viewer: Viewer, report: ConformanceReport, filters: Filters) -> str:
    frame = report.findings
    if frame.height == 0:
        return ""
    by_rule = [Bar(k, n, filters.query(rule=k)) for k, n in _counts(frame, "rule")[:CHART_BARS]]
    by_attribute = [
        Bar(k or viewer.t("（无属性）", "(no attribute)"), n, filters.query(attribute=k) if k else None)
        for k, n in _counts(frame, "attribute")[:CHART_BARS]
    ]
    return (
        f'<section aria-labelledby="charts"><h2 id="charts">{viewer.t("按规则与属性", "By rule and attribute")}</h2>'
        + bar_chart(
            viewer.t("各规则的问题数", "Findings per rule"),
            by_rule,
            key="rules",
            headers=(viewer.t("规则", "Rule"), viewer.t("问题数", "Findings")),
        )
        + bar_chart(
            viewer.t("各属性的问题数", "Findings per attribute"),
            by_attribute,
            key="attributes",
            headers=(viewer.t("属性", "Attribute"), viewer.t("问题数", "Findings")),
        )
        + "</section>"
    )


def _findings(viewer: Viewer, report: ConformanceReport, filters: Filters) -> str:
    frame = filters.apply(report.findings)
    total = frame.height
    pages = max(1, -(-total // PAGE))
    page = min(max(filters.page, 1), pages)
    shown = frame.slice((page - 1) * PAGE, PAGE)
    message = "message_zh" if viewer.lang == "zh" else "message_en"
    rows = []
    for n, f in enumerate(shown.iter_rows(named=True), start=(page - 1) * PAGE + 1):
        row, column = f["row"], f["column"]
        where_row = f'<a href="{escape(filters.query(row=row))}">{row}</a>' if row is not None else ""
        where_col = f'<a href="{escape(filters.query(column=column))}">{escape(column)}</a>' if column else ""
        severity = SEVERITY.get(f["severity"], (f["severity"], f["severity"]))
        css = "bad" if f["severity"] == "Violation" else "warn"
        rows.append(
            f'<tr id="f{n}"><td>{where_row}</td><td>{where_col}</td><td>{escape(f["product"] or "")}</td>'
            f"<td>{escape(f['attribute'] or '')}</td><td><code>{escape(f['rule'])}</code></td>"
            f'<td class="{css}">{viewer.t(*severity)}</td><td>{escape(f["value"] or "")}</td>'
            f"<td>{escape(f[message] or '')}</td></tr>"
        )
    active = ""
    if filters.active:
        parts = [
            (viewer.t("规则", "rule"), filters.rule),
            (viewer.t("属性", "attribute"), filters.attribute),
            (viewer.t("行", "row"), filters.row),
            (viewer.t("列", "column"), filters.column),
        ]
        said = ", ".join(f"{k} {escape(str(v))}" for k, v in parts if v not in (None, ""))
        everything = f'<a href="?#findings">{viewer.t("显示全部", "show all")}</a>'
        active = f"<p>{viewer.t('筛选：', 'Filtered by ')}{said} · {everything}</p>"
    nav = []
    if page > 1:
        nav.append(f'<a rel="prev" href="{escape(filters.query(page=page - 1))}">{viewer.t("上一页", "Previous")}</a>')
    nav.append(viewer.t(f"第 {page} / {pages} 页，共 {total} 条", f"page {page} of {pages}, {total} findings"))
    if page < pages:
        nav.append(f'<a rel="next" href="{escape(filters.query(page=page + 1))}">{viewer.t("下一页", "Next")}</a>')
    heads = [
        viewer.t("行", "Row"),
        viewer.t("列", "Column"),
        viewer.t("产品", "Product"),
        viewer.t("属性", "Attribute"),
        viewer.t("规则", "Rule"),
        viewer.t("级别", "Severity"),
        viewer.t("值", "Value"),
        viewer.t("说明", "Message"),
    ]
    head = "".join(f'<th scope="col">{h}</th>' for h in heads)
    table = (
        f'<div class="wide"><table><caption>{viewer.t("问题清单", "Findings")}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        if rows
        else f"<p>{viewer.t('没有问题。', 'No findings.')}</p>"
    )
    return (
        f'<section aria-labelledby="findings"><h2 id="findings">{viewer.t("问题清单", "Findings")}</h2>{active}'
        f'{table}<nav class="pager" aria-label="{viewer.t("分页", "Pages")}">{" · ".join(nav)}</nav></section>'
    )


def report_page(
    viewer: Viewer,
    session: CheckSession,
    report: ConformanceReport,
    filters: Filters,
    actions: Actions,
    notice: str = "",
) -> str:
    return (
        f"<h1>{viewer.t('符合性报告', 'Conformance report')}</h1>{notice}"
        + _summary(viewer, session, report)
        + _commit(viewer, session, report, actions)
        + _downloads(viewer, session)
        + _charts(viewer, report, filters)
        + _findings(viewer, report, filters)
        + f'<p><a href="/check">{viewer.t("检查另一个文件", "Check another file")}</a></p>'
    )


def failed_page(viewer: Viewer, session: CheckSession, alert: str) -> str:
    """The job stopped on bad input (an unreadable file, a row without a product code...): say where."""
    return (
        f"<h1>{viewer.t('无法检查该文件', 'The file could not be checked')}</h1>"
        f"<p>{escape(session.filename)} → {escape(session.standard)}</p>{alert}"
        f'<p><a href="/check/{session.id}/mapping">{viewer.t("修改列映射", "Change the column mapping")}</a> · '
        f'<a href="/check">{viewer.t("重新上传", "Upload again")}</a></p>'
    )
