"""Expert group pages: the list, a group's overview (phase, members, rule), proposals and one proposal's check.

The later steps (the consensus draft, the vote, the regional review) are drawn by groups_review.py; the
route decides what the reader may do and passes it in `Powers`, so these functions only render.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from math import ceil

from cpms_kg.standards.model import Standard
from cpms_kg.standards.quality import QualityReport
from cpms_kg.web.layout import Viewer
from cpms_kg.web.notices import section
from cpms_kg.workflow.groups import MIN_EXPERTS, Group, Phase

PHASES: dict[Phase, tuple[str, str]] = {
    Phase.PROPOSALS: ("收集提案", "collecting proposals"),
    Phase.DRAFT: ("共识草案", "consensus draft"),
    Phase.VOTING: ("逐项表决", "item-by-item vote"),
    Phase.REGIONAL_REVIEW: ("区域审核", "regional review"),
    Phase.APPROVED: ("审核通过，待发布", "approved, to publish"),
    Phase.PUBLISHED: ("已发布", "published"),
}
SEVERITY = {"Violation": ("违规", "violation"), "Warning": ("警告", "warning"), "Info": ("提示", "info")}


@dataclass(frozen=True)
class Powers:
    """What the signed-in reader may do in this group."""

    member: bool = False
    lead: bool = False
    reviewer: bool = False


def phase_label(viewer: Viewer, phase: Phase) -> str:
    return viewer.t(*PHASES[phase])


def group_list(viewer: Viewer, groups: Sequence[Group]) -> str:
    t = viewer.t
    rows = "".join(
        f'<tr><td><a href="/groups/{escape(g.id)}">{escape(t(g.name.zh, g.name.en))}</a></td>'
        f"<td>{escape(g.standard_id)}@{escape(g.version)}</td><td>{escape(phase_label(viewer, g.phase))}</td>"
        f"<td>{len(g.members)} / {MIN_EXPERTS}</td></tr>"
        for g in groups
    )
    heads = (
        t("专家组", "Expert group"),
        t("标准", "Standard"),
        t("阶段", "Phase"),
        t("专家 / 最少", "Experts / minimum"),
    )
    head = "".join(f'<th scope="col">{h}</th>' for h in heads)
    table = (
        f"<table><caption>{t('专家组', 'Expert groups')}</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody>"
        "</table>"
        if rows
        else f"<p>{t('尚无专家组。', 'No expert groups yet.')}</p>"
    )
    intro = t(
        "专家提交初始提案，组长形成共识草案，全体成员逐项表决，区域推进组审核后发布。",
        "Experts propose, the lead forms a consensus draft, members vote item by item, the regional group reviews "
        "and publishes.",
    )
    return f"<h1>{t('专家组', 'Expert groups')}</h1><p>{intro}</p><section>{table}</section>"


def _steps(viewer: Viewer, group: Group) -> str:
    items = []
    for phase in Phase:
        mark = ' aria-current="step"' if phase is group.phase else ""
        items.append(f"<li{mark}>{escape(phase_label(viewer, phase))}</li>")
    return f'<ol class="steps" aria-label="{viewer.t("流程", "Steps")}">{"".join(items)}</ol>'


def header(viewer: Viewer, group: Group) -> str:
    """Name, standard, phase and round, the vote rule in words, and the steps with the current one marked."""
    t = viewer.t
    members = len(group.members)
    needed = ceil(group.quorum * members)
    rule = t(
        f"表决规则：每个条目至少 {group.quorum}（{members} 人中 {needed} 人）投票方有效；"
        f"赞成票不少于所投票数的 {group.threshold} 即通过。",
        f"Vote rule: an item is decided when at least {group.quorum} of the members ({needed} of {members}) voted; "
        f"it is adopted when approvals are at least {group.threshold} of the votes cast.",
    )
    size = "ok" if members >= MIN_EXPERTS else "warn"
    facts = [
        (t("标准", "Standard"), f"{escape(group.standard_id)}@{escape(group.version)}"),
        (t("阶段", "Phase"), f"<strong>{escape(phase_label(viewer, group.phase))}</strong>"),
        (t("轮次", "Round"), str(group.round)),
        (t("组长", "Lead"), escape(group.lead)),
        (t("专家人数", "Experts"), f'<span class="{size}">{members} / {t("至少", "at least")} {MIN_EXPERTS}</span>'),
    ]
    items = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
    return (
        f'<p><a href="/groups">{t("全部专家组", "All expert groups")}</a></p>'
        f"<h1>{escape(t(group.name.zh, group.name.en))}</h1>{_steps(viewer, group)}"
        f'<section><dl class="facts">{items}</dl><p>{escape(rule)}</p></section>'
    )


def proposals_section(
    viewer: Viewer, group: Group, submitted: Sequence[str], powers: Powers, *, user: str | None
) -> str:
    """Who has proposed; the upload form for a member; closing the seminar for the lead."""
    t = viewer.t
    rows = []
    for m in group.members:
        done = m.account in submitted
        mark = (
            f'<a href="/groups/{escape(group.id)}/proposals/{escape(m.account)}">✓ {t("已提交", "submitted")}</a>'
            if done
            else f'<span class="warn">✗ {t("未提交", "not yet")}</span>'
        )
        rows.append(f"<tr><td>{escape(m.account)}</td><td>{escape(m.firm)}</td><td>{mark}</td></tr>")
    heads = (t("专家", "Expert"), t("企业", "Firm"), t("提案", "Proposal"))
    head = "".join(f'<th scope="col">{h}</th>' for h in heads)
    said = f"{len(submitted)} / {len(group.members)} {t('名成员已提交提案', 'members have proposed')}"
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    if group.phase is not Phase.PROPOSALS:  # past the seminar the list is for reference: folded away
        table = f"<details><summary>{t('成员名单', 'The members')}</summary>{table}</details>"
    parts = [section("proposals", t("成员与提案", "Members and proposals"), f"<p>{said}</p>{table}")]
    if group.phase is Phase.PROPOSALS and powers.member and user:
        help_text = t(
            "按标准模板填写的 XLSX 工作簿、CSV 压缩包，或标准的 Turtle / JSON-LD；研讨结束前可重复提交修改。",
            "The template's XLSX workbook, a .zip of its CSV sheets, or the standard as Turtle / JSON-LD; you may "
            "revise it until the seminar closes.",
        )
        parts.append(
            f'<section aria-labelledby="upload"><h2 id="upload">{t("提交我的提案", "Submit my proposal")}</h2>'
            f'<form method="post" action="/groups/{escape(group.id)}/proposals" enctype="multipart/form-data">'
            f'<p><label for="proposal">{t("提案文件", "Proposal file")}</label> '
            '<input id="proposal" name="file" type="file" accept=".xlsx,.zip,.ttl,.jsonld,.nt" required '
            f'aria-describedby="proposal-help"></p><p id="proposal-help" class="muted">{escape(help_text)}</p>'
            f'<p><button type="submit">{t("上传并检查", "Upload and check")}</button></p></form></section>'
        )
    if group.phase is Phase.PROPOSALS and powers.lead:
        parts.append(
            action_form(
                viewer, group, "seminar/close", t("结束研讨，合并为共识草案", "Close the seminar and merge the draft")
            )
        )
    return "".join(parts)


def action_form(viewer: Viewer, group: Group, path: str, label: str) -> str:
    return (
        f'<form method="post" action="/groups/{escape(group.id)}/{path}" class="action"><p>'
        f'<button type="submit">{escape(label)}</button></p></form>'
    )


def _severity(viewer: Viewer, severity: str) -> str:
    return viewer.t(*SEVERITY.get(severity, (severity, severity)))


def quality_table(viewer: Viewer, report: QualityReport) -> str:
    t = viewer.t
    if not report.results:
        return f'<p class="ok">✓ {t("质量检查通过，没有问题。", "The quality check found nothing to fix.")}</p>'
    verdict = (
        f'<p class="ok">✓ {t("没有违规项；以下为警告。", "No violations; warnings below.")}</p>'
        if report.conforms
        else f'<p class="bad">✗ {t("存在违规项，请修改后重新提交。", "Violations: fix them and submit again.")}</p>'
    )
    rows = "".join(
        f'<tr><td class="{"bad" if r.severity == "Violation" else "warn"}">{_severity(viewer, r.severity)}</td>'
        f'<td><code>{escape(r.rule)}</code></td><td class="iri">{escape(r.focus)}</td>'
        f"<td>{escape(t(r.message_zh, r.message_en))}</td></tr>"
        for r in report.results
    )
    heads = (t("级别", "Severity"), t("规则", "Rule"), t("对象", "Item"), t("说明", "Message"))
    head = "".join(f'<th scope="col">{h}</th>' for h in heads)
    return f"{verdict}<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def proposal_page(viewer: Viewer, group: Group, expert: str, standard: Standard, report: QualityReport) -> str:
    """One expert's proposal: what it holds and its quality check (the shapes in shapes/standard.ttl)."""
    t = viewer.t
    counts = [
        (t("类目", "Categories"), len(standard.categories)),
        (t("属性", "Attributes"), len(standard.attributes)),
        (t("代码表", "Code lists"), len(standard.code_lists)),
        (t("属性要求", "Requirements"), len(standard.requirements)),
    ]
    items = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in counts)
    return (
        f'<p><a href="/groups/{escape(group.id)}">{escape(t(group.name.zh, group.name.en))}</a></p>'
        f"<h1>{t(f'{expert} 的提案', f'Proposal of {expert}')}</h1>"
        f'<section><dl class="facts">{items}</dl></section>'
        f'<section aria-labelledby="quality"><h2 id="quality">{t("质量检查", "Quality check")}</h2>'
        f"{quality_table(viewer, report)}</section>"
    )
