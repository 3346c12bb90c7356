"""Expert group pages after the seminar: the consensus draft with support, match reasons and conflicts (the
lead resolves them), the item-by-item vote (one form, a row per item), the tally against the quorum, and
the regional reviewer's approval, return and publication."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from cpms_kg.standards.model import Attribute, Category, CodeList, Requirement
from cpms_kg.web.groups import Powers, action_form
from cpms_kg.web.layout import Viewer
from cpms_kg.web.notices import section
from cpms_kg.workflow.groups import Group, Phase
from cpms_kg.workflow.merge import Draft, DraftItem
from cpms_kg.workflow.merge_model import KIND_ZH
from cpms_kg.workflow.review import Choice, Tally

KIND_EN = {"category": "category", "attribute": "attribute", "codelist": "code list", "requirement": "requirement"}
CHOICES = {
    Choice.APPROVE: ("赞成", "approve"),
    Choice.REJECT: ("反对", "reject"),
    Choice.ABSTAIN: ("弃权", "abstain"),
}
OUTCOMES = {"adopted": ("通过", "adopted"), "rejected": ("未通过", "rejected"), "undecided": ("未决", "undecided")}
Ballot = Mapping[tuple[str, str], tuple[Choice, str]]


def item_name(viewer: Viewer, item: DraftItem) -> str:
    """The item as a reader knows it: its kind, key and name (a requirement: category, attribute, obligation)."""
    kind = viewer.t(KIND_ZH.get(item.kind, item.kind), KIND_EN.get(item.kind, item.kind))
    found = item.item
    if isinstance(found, Category | Attribute | CodeList):
        name = viewer.t(found.name.zh or found.name.en, found.name.en or found.name.zh)
    elif isinstance(found, Requirement):
        name = found.obligation.value
    else:
        name = ""
    return f"{kind} <code>{escape(item.key)}</code> {escape(name)}"


def _reasons(viewer: Viewer, item: DraftItem) -> str:
    by_reason: dict[str, list[str]] = {}
    for m in item.matches:
        by_reason.setdefault(viewer.t(m.reason_zh or m.reason, m.reason), []).append(m.expert)
    return "".join(f"<li>{escape(r)}: {escape(', '.join(e))}</li>" for r, e in by_reason.items())


def _conflicts(viewer: Viewer, group: Group, n: int, item: DraftItem, powers: Powers) -> str:
    t = viewer.t
    out = []
    for c_n, conflict in enumerate(item.conflicts):
        options = ", ".join(f"“{escape(v) or t('（空）', '(empty)')}” × {len(e)}" for v, e in conflict.options)
        if conflict.resolution is not None:
            r = conflict.resolution
            out.append(
                f'<p class="ok">{t("已解决", "Resolved")} <code>{escape(conflict.field)}</code> = “{escape(r.value)}”'
                f" — {escape(r.reason)} ({escape(r.by)})</p>"
            )
            continue
        out.append(f'<p class="bad">{t("冲突", "Conflict")} <code>{escape(conflict.field)}</code>: {options}</p>')
        if powers.lead and group.phase is Phase.DRAFT:
            fid = f"c{n}-{c_n}"
            radios = "".join(
                f'<label><input type="radio" name="value" value="{escape(v)}" required> '
                f"{escape(v) or t('（空）', '(empty)')} ({len(e)})</label> "
                for v, e in conflict.options
            )
            out.append(
                f'<form method="post" action="/groups/{escape(group.id)}/resolutions" class="resolve">'
                f'<input type="hidden" name="kind" value="{escape(item.kind)}">'
                f'<input type="hidden" name="key" value="{escape(item.key)}">'
                f'<input type="hidden" name="field" value="{escape(conflict.field)}">'
                f"<fieldset><legend>{t('选定取值', 'Choose the value')} ({escape(conflict.field)})</legend>"
                f"{radios}</fieldset>"
                f'<p><label for="{fid}">{t("理由", "Reason")}</label> '
                f'<input id="{fid}" name="reason" required size="40"> '
                f'<button type="submit">{t("解决冲突", "Resolve")}</button></p></form>'
            )
    return "".join(out)


def draft_section(viewer: Viewer, group: Group, draft: Draft, powers: Powers) -> str:
    """Each draft item with its support (experts / members), the experts' match reasons and its conflicts."""
    t = viewer.t
    members = len(group.members)
    rows = []
    for n, item in enumerate(draft.items):
        reasons = _reasons(viewer, item)
        rows.append(
            f'<tr id="item-{n}"><td>{item_name(viewer, item)}</td>'
            f"<td>{len(item.support)} / {members}</td>"
            f"<td><details><summary>{t('匹配依据', 'How they matched')}</summary><ul>{reasons}</ul></details></td>"
            f"<td>{_conflicts(viewer, group, n, item, powers)}</td></tr>"
        )
    heads = (t("条目", "Item"), t("支持", "Support"), t("匹配依据", "Match reasons"), t("冲突", "Conflicts"))
    head = "".join(f'<th scope="col">{h}</th>' for h in heads)
    open_count = len(draft.open_conflicts)
    status = (
        f'<p class="bad">{t(f"{open_count} 个冲突待组长处理。", f"{open_count} conflicts to resolve.")}</p>'
        if open_count
        else f'<p class="ok">{t("没有未决冲突。", "No open conflicts.")}</p>'
    )
    action = ""
    if powers.lead and group.phase is Phase.DRAFT:
        action = action_form(viewer, group, "vote/open", t("开始逐项表决", "Open the item-by-item vote"))
    items, experts = len(draft.items), len(draft.experts)
    said = t(f"{items} 个条目，来自 {experts} 份提案。", f"{items} items from {experts} proposals.")
    table = f'<div class="wide"><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
    return section("draft", t("共识草案", "Consensus draft"), f"<p>{said}</p>{status}{table}{action}")


def vote_form(viewer: Viewer, group: Group, draft: Draft, ballot: Ballot) -> str:
    """One form, a row per item: approve / reject / abstain and a comment; earlier votes are preselected."""
    t = viewer.t
    rows = []
    for n, item in enumerate(draft.items):
        mine = ballot.get((item.kind, item.key))
        radios = "".join(
            f'<label><input type="radio" name="vote-{n}" value="{c.value}"'
            f"{' checked' if mine and mine[0] is c else ''}> {t(*CHOICES[c])}</label> "
            for c in Choice
        )
        comment = escape(mine[1]) if mine else ""
        rows.append(
            f'<tr><th scope="row" id="v{n}">{item_name(viewer, item)}</th>'
            f'<td><input type="hidden" name="item-{n}" value="{escape(item.kind)}|{escape(item.key)}">'
            f'<fieldset aria-labelledby="v{n}"><legend class="sr-only">{t("表决", "Vote")}</legend>{radios}'
            "</fieldset></td>"
            f'<td><label class="sr-only" for="comment-{n}">{t("意见", "Comment")}</label>'
            f'<input id="comment-{n}" name="comment-{n}" value="{comment}" size="24"></td></tr>'
        )
    heads = (t("条目", "Item"), t("表决", "Vote"), t("意见", "Comment"))
    head = "".join(f'<th scope="col">{h}</th>' for h in heads)
    hint = t(
        "可只表决部分条目；表决截止前可随时修改。",
        "You may vote on some items now; change your votes until the vote closes.",
    )
    return (
        f'<section aria-labelledby="vote"><h2 id="vote">{t("我的表决", "My votes")}</h2><p class="muted">{hint}</p>'
        f'<form method="post" action="/groups/{escape(group.id)}/votes" class="vote">'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f'<p><button type="submit">{t("提交表决", "Submit my votes")}</button></p></form></section>'
    )


def tally_section(viewer: Viewer, group: Group, draft: Draft, rows: Sequence[Tally], powers: Powers) -> str:
    t = viewer.t
    by_key = {(i.kind, i.key): i for i in draft.items}
    body = []
    for r in rows:
        item = by_key.get((r.kind, r.key))
        name = item_name(viewer, item) if item else escape(f"{r.kind} {r.key}")
        quorum = '<span class="ok">✓</span>' if r.quorum_met else '<span class="warn">✗</span>'
        css = {"adopted": "ok", "rejected": "bad"}.get(r.outcome, "warn")
        body.append(
            f"<tr><td>{name}</td><td>{r.approve}</td><td>{r.reject}</td><td>{r.abstain}</td><td>{r.voted}</td>"
            f'<td>{quorum}</td><td class="{css}">{t(*OUTCOMES[r.outcome])}</td></tr>'
        )
    heads = (
        t("条目", "Item"),
        t("赞成", "Approve"),
        t("反对", "Reject"),
        t("弃权", "Abstain"),
        t("已投", "Voted"),
        t("达到法定人数", "Quorum"),
        t("结果", "Outcome"),
    )
    head = "".join(f'<th scope="col">{h}</th>' for h in heads)
    summary = {o: sum(1 for r in rows if r.outcome == o) for o in OUTCOMES}
    said = (
        "，".join(f"{t(*OUTCOMES[o])} {n}" for o, n in summary.items())
        if viewer.lang == "zh"
        else ", ".join(f"{t(*OUTCOMES[o])} {n}" for o, n in summary.items())
    )
    action = ""
    if powers.lead and group.phase is Phase.VOTING:
        action = action_form(
            viewer, group, "vote/close", t("结束表决，形成送审稿", "Close the vote: the version for review")
        )
    return (
        f'<section aria-labelledby="tally"><h2 id="tally">{t("计票", "Tally")}</h2><p>{escape(said)}</p>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{action}</section>"
    )


def review_section(viewer: Viewer, group: Group, powers: Powers, standard_href: str) -> str:
    """The regional reviewer approves or returns (with comments) the version under review, then publishes."""
    t = viewer.t
    gid = escape(group.id)
    key = f"{escape(group.standard_id)}@{escape(group.version)}"
    link = f'<p><a href="{escape(standard_href)}">{t("查看标准", "See the standard")} {key}</a></p>'
    if group.phase is Phase.REGIONAL_REVIEW:
        if not powers.reviewer:
            waiting = t("等待区域推进组审核。", "Waiting for the regional reviewer.")
            return section("review", t("区域审核", "Regional review"), f"<p>{waiting}</p>")
        return (
            f'<section aria-labelledby="review"><h2 id="review">{t("区域审核", "Regional review")}</h2>'
            f'<form method="post" action="/groups/{gid}/regional-review">'
            f"<fieldset><legend>{t('审核结论', 'Decision')}</legend>"
            f'<label><input type="radio" name="decision" value="approve" required> {t("通过", "Approve")}</label> '
            f'<label><input type="radio" name="decision" value="return"> {t("退回修改", "Return for changes")}</label>'
            f'</fieldset><p><label for="comment">{t("意见（退回时必填）", "Comments (needed to return)")}</label><br>'
            f'<textarea id="comment" name="comment" rows="3" cols="60"></textarea></p>'
            f'<p><button type="submit">{t("提交审核意见", "Submit the review")}</button></p></form></section>'
        )
    if group.phase is Phase.APPROVED:
        action = (
            action_form(viewer, group, "publish", t("发布为省级标准", "Publish as a provincial standard"))
            if powers.reviewer
            else f"<p>{t('等待区域推进组发布。', 'Waiting for the regional reviewer to publish.')}</p>"
        )
        return section("publish", t("发布", "Publication"), link + action)
    if group.phase is Phase.PUBLISHED:
        return section("publish", t("已发布", "Published"), link)
    return ""
