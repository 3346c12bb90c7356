"""Pilot pages for the bureaus: the pilots, one pilot's targets as bars against the guide's numbers with how
they grew, and the acceptance-readiness report laid out to print (or save as PDF from the print dialog)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from cpms_kg.web.charts import line_chart, progress_bar
from cpms_kg.web.layout import Viewer
from cpms_kg.web.parts import standard_href
from cpms_kg.web.pilots_series import Growth
from cpms_kg.workflow.pilots import Pilot
from cpms_kg.workflow.targets import Readiness, TargetSheet


def pilot_name(viewer: Viewer, pilot: Pilot) -> str:
    return viewer.t(f"试点 {pilot.id}", f"Pilot {pilot.id}")


def _met(viewer: Viewer, met: bool) -> str:
    return (
        f'<span class="ok">✓ {viewer.t("已达到", "met")}</span>'
        if met
        else (f'<span class="bad">✗ {viewer.t("未达到", "not met")}</span>')
    )


def pilot_list(viewer: Viewer, pilots: Sequence[Pilot]) -> str:
    t = viewer.t
    rows = "".join(
        f'<tr><td><a href="/pilots/{escape(p.id)}">{escape(pilot_name(viewer, p))}</a></td>'
        f"<td>{escape(p.county)}</td><td>{p.year}</td><td>{escape(p.standard)}</td>"
        f"<td>{p.start.isoformat()} – {p.end.isoformat()}</td><td>{len(p.firms)}</td></tr>"
        for p in pilots
    )
    heads = (t("试点", "Pilot"), t("县（市、区）代码", "County code"), t("年度", "Year"), t("标准", "Standard"),
             t("试点期", "Period"), t("试点企业", "Firms"))  # fmt: skip
    head = "".join(f'<th scope="col">{h}</th>' for h in heads)
    table = (
        f"<table><caption>{t('试点', 'Pilots')}</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        if rows
        else f"<p>{t('尚无试点。', 'No pilots yet.')}</p>"
    )
    intro = t("各试点的目标进展、增长趋势与验收准备情况。", "Each pilot's targets, how they grew, and its readiness.")
    return f"<h1>{t('试点', 'Pilots')}</h1><p>{intro}</p><section>{table}</section>"


def _facts(viewer: Viewer, pilot: Pilot) -> str:
    t = viewer.t
    facts = [
        (t("县（市、区）代码", "County code"), escape(pilot.county)),
        (t("行业", "Industry"), f'<span class="iri">{escape(pilot.industry)}</span>'),
        (t("年度", "Year"), str(pilot.year)),
        (t("试点期", "Period"), f"{pilot.start.isoformat()} – {pilot.end.isoformat()}"),
        (t("标准", "Standard"), f'<a href="{escape(standard_href(pilot.standard))}">{escape(pilot.standard)}</a>'),
        (
            t("专家组", "Expert group"),
            f'<a href="/groups/{escape(pilot.expert_group)}">{escape(pilot.expert_group)}</a>',
        ),
        (t("应用场景", "Scenarios"), escape("、".join(t(s.name.zh, s.name.en) for s in pilot.scenarios) or "—")),
    ]
    return '<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>"


def dashboard(viewer: Viewer, pilot: Pilot, sheet: TargetSheet, series: Sequence[Growth], *, today: date) -> str:
    """The targets as bars against the guide's minimums, then one chart per target over time (drawn to `today`)."""
    t = viewer.t
    bars = []
    for row in sheet.rows:
        label = t(row.metric.label.zh, row.metric.label.en)
        text = t(
            f"{label}：{row.value} / 指南要求 {row.metric.minimum}",
            f"{label}: {row.value} of the guide's {row.metric.minimum}",
        )
        bars.append(
            f'<li id="target-{escape(row.metric.code)}"><h3>{escape(label)} {_met(viewer, row.met)}</h3>'
            f"{progress_bar(label, row.value, row.metric.minimum, text=text)}</li>"
        )
    met, total = sum(r.met for r in sheet.rows), len(sheet.rows)
    verdict = (
        f'<p class="ok">✓ {t("各项目标均已达到。", "Every target is met.")}</p>'
        if sheet.all_met
        else f'<p class="warn">{t(f"已达到 {met} / {total} 项目标。", f"{met} of {total} targets met.")}</p>'
    )
    labels = {r.metric.code: (t(r.metric.label.zh, r.metric.label.en), r.metric.minimum) for r in sheet.rows}
    charts = "".join(
        line_chart(
            t(f"{labels[g.metric][0]}的增长", f"{labels[g.metric][0]} over time"),
            g.points,
            key=g.metric,
            goal=labels[g.metric][1],
            headers=(t("日期", "Date"), t("数量", "Count")),
            until=today,
        )
        for g in series
    )
    return (
        f'<p><a href="/pilots">{t("全部试点", "All pilots")}</a></p>'
        f"<h1>{escape(pilot_name(viewer, pilot))}</h1><section>{_facts(viewer, pilot)}</section>"
        f'<section aria-labelledby="targets"><h2 id="targets">{t("目标进展", "Targets")}</h2>{verdict}'
        f'<ul class="targets">{"".join(bars)}</ul></section>'
        f'<section aria-labelledby="growth"><h2 id="growth">{t("增长趋势", "Over time")}</h2>'
        f'<div class="chart-grid">{charts}</div></section>'
        f'<p><a class="button" href="/pilots/{escape(pilot.id)}/acceptance">'
        f"{t('验收准备情况报告', 'Acceptance-readiness report')}</a></p>"
    )


def acceptance(viewer: Viewer, pilot: Pilot, readiness: Readiness) -> str:
    """The readiness report: each criterion, its value and evidence count; printable as it is."""
    t = viewer.t
    rows = "".join(
        f"<tr><td>{escape(t(c.label.zh, c.label.en))}</td><td>{escape(c.value)}</td><td>{_met(viewer, c.met)}</td>"
        f"<td>{len(c.evidence)}</td></tr>"
        for c in readiness.criteria
    )
    heads = (t("条件", "Criterion"), t("现状", "Value"), t("结论", "Status"), t("证据数", "Evidence"))
    head = "".join(f'<th scope="col">{h}</th>' for h in heads)
    verdict = (
        f'<p class="ok verdict">✓ {t("具备验收条件", "Ready for acceptance")}</p>'
        if readiness.ready
        else f'<p class="bad verdict">✗ {t("尚不具备验收条件", "Not yet ready for acceptance")}</p>'
    )
    return (
        f'<p class="noprint"><a href="/pilots/{escape(pilot.id)}">{t("返回试点", "Back to the pilot")}</a></p>'
        f"<h1>{t('验收准备情况报告', 'Acceptance-readiness report')} · {escape(pilot_name(viewer, pilot))}</h1>"
        f"<p>{t('报告日期', 'Date')}: {readiness.on.isoformat()}</p>"
        f'<section class="report">{_facts(viewer, pilot)}{verdict}'
        f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        f'<pre class="report-text">{escape(readiness.text(viewer.lang))}</pre></section>'
        f'<p class="noprint"><button type="button" id="print" onclick="window.print()">'
        f"{t('打印 / 保存为 PDF', 'Print / save as PDF')}</button></p>"
    )
