"""What pages say when something is refused or wrong: the service's own error, in the reader's language,
with each located problem, inside `role="alert"` so screen readers announce it."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from cpms_kg.errors import CpmsError, Problem
from cpms_kg.web.layout import Viewer

MAX_PROBLEMS = 50


def _where(viewer: Viewer, p: Problem) -> str:
    parts = []
    if p.source:
        parts.append(p.source)
    if p.line is not None:
        parts.append(viewer.t(f"第 {p.line} 行", f"row {p.line}"))
    if p.column:
        parts.append(viewer.t(f"列“{p.column}”", f"column '{p.column}'"))
    return ", ".join(parts)


def alert(viewer: Viewer, error: CpmsError) -> str:
    """The error's message and its problems (the first MAX_PROBLEMS, then how many more)."""
    message = viewer.t(error.message_zh or error.message, error.message)
    items = []
    for p in error.problems[:MAX_PROBLEMS]:
        where = _where(viewer, p)
        prefix = escape(where) + viewer.t("：", ": ") if where else ""
        items.append(f"<li>{prefix}{escape(viewer.t(p.message_zh or p.message, p.message))}</li>")
    more = len(error.problems) - MAX_PROBLEMS
    if more > 0:
        items.append(f"<li>{viewer.t(f'另有 {more} 个问题', f'{more} more problems')}</li>")
    listed = f"<ul>{''.join(items)}</ul>" if items else ""
    return f'<div role="alert" class="error"><p>{escape(message)}</p>{listed}</div>'


def sign_in_hint(viewer: Viewer, error: CpmsError) -> str:
    """For a refusal: the reason, and the way to sign in (or in as someone else)."""
    link = f"/login?next={quote(viewer.path, safe='/')}"
    if viewer.user is None:
        hint = viewer.t("请先登录。", "Please log in first.")
    else:
        hint = viewer.t(
            f"当前账户 {viewer.user} 无此权限，可换用其他账户登录。",
            f"The account {viewer.user} may not do this; you can log in with another account.",
        )
    return f'{alert(viewer, error)}<p>{escape(hint)} <a href="{link}">{viewer.t("登录", "Log in")}</a></p>'


def section(key: str, heading: str, body: str) -> str:
    """A page section labelled by its heading (`key` is the heading's id, so links can point at it)."""
    return f'<section aria-labelledby="{key}"><h2 id="{key}">{escape(heading)}</h2>{body}</section>'
