"""The page layout every web page shares: language, navigation, login state, accessible structure.

Pages are server-rendered HTML that reads without JavaScript; scripts only add to them. The language is
Chinese unless the reader chose English (the `cpms_lang` cookie, set by GET /lang) or asks for it with
`?lang=en`; a page is written in one language at a time, with `lang` attributes for screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Literal
from urllib.parse import quote

Lang = Literal["zh", "en"]
LANG_COOKIE = "cpms_lang"


def choose_lang(query: str | None, cookie: str | None) -> Lang:
    """`?lang=` first, then the reader's saved choice; Chinese otherwise."""
    for choice in (query, cookie):
        if choice in ("zh", "en"):
            return choice  # type: ignore[return-value]
    return "zh"


@dataclass(frozen=True)
class Viewer:
    """Who is looking, in which language, at which page (for the language switch and the login link)."""

    lang: Lang = "zh"
    user: str | None = None
    roles: tuple[str, ...] = ()
    path: str = "/"
    firm: str | None = None

    def t(self, zh: str, en: str) -> str:
        """The text in the reader's language."""
        return zh if self.lang == "zh" else en

    def has(self, *roles: str) -> bool:
        return "admin" in self.roles or any(r in self.roles for r in roles)


@dataclass(frozen=True)
class Nav:
    href: str
    zh: str
    en: str
    roles: tuple[str, ...] = field(default_factory=tuple)
    """Shown only to these roles (empty: to everyone)."""


NAV = (
    Nav("/", "首页", "Home"),
    Nav("/browse", "分类浏览", "Classifications"),
    Nav("/standards", "标准", "Standards"),
    Nav("/check", "数据检查", "Check data"),
    Nav("/groups", "专家组", "Expert groups"),
    Nav("/pilots", "试点", "Pilots"),
    Nav("/catalogs", "数据目录", "Catalogue"),
    Nav("/sparql-editor", "SPARQL 查询", "SPARQL"),
)



def _nav(viewer: Viewer) -> str:
    items = []
    for item in NAV:
        if item.roles and not viewer.has(*item.roles):
            continue
        current = viewer.path == item.href or (item.href != "/" and viewer.path.startswith(item.href + "/"))
        mark = ' aria-current="page"' if current else ""
        items.append(f'<li><a href="{item.href}"{mark}>{escape(viewer.t(item.zh, item.en))}</a></li>')
    return f'<nav aria-label="{viewer.t("主导航", "Main")}"><ul>{"".join(items)}</ul></nav>'


def _side(viewer: Viewer) -> str:
    other: Lang = "en" if viewer.lang == "zh" else "zh"
    switch = (
        f'<a href="/lang?to={other}&amp;next={quote(viewer.path, safe="/")}" lang="{other}" hreflang="{other}">'
        f"{'English' if other == 'en' else '中文'}</a>"
    )
    if viewer.user is None:
        account = f'<a href="/login?next={quote(viewer.path, safe="/")}">{viewer.t("登录", "Log in")}</a>'
    else:
        account = (
            f'<span>{escape(viewer.user)}</span><form method="post" action="/logout">'
            f'<button class="link" type="submit">{viewer.t("退出", "Log out")}</button></form>'
        )
    return f'<div class="side">{switch}{account}</div>'


def page(
    viewer: Viewer, title: tuple[str, str], body: str, *, scripts: Sequence[str] = (), styles: Sequence[str] = ()
) -> str:
    """A whole HTML document: `title` is (zh, en); `body` is the page's main content (already escaped).
    `scripts` and `styles` are extra URLs under /static (never another host: pages work offline)."""
    heading = escape(viewer.t(*title))
    links = "".join(f'<link rel="stylesheet" href="{escape(s)}">' for s in styles)
    tags = "".join(f'<script src="{escape(s)}" defer></script>' for s in scripts)
    return (
        f'<!DOCTYPE html><html lang="{viewer.lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<title>{heading} · cpms-kg</title><link rel="stylesheet" href="/static/site.css">{links}{tags}</head><body>'
        f'<a class="skip" href="#main">{viewer.t("跳到正文", "Skip to content")}</a>'
        f'<header><a class="brand" href="/">{viewer.t("产品主数据标准知识图谱", "CPMS knowledge graph")}</a>'
        f"{_nav(viewer)}{_side(viewer)}</header>"
        f'<main id="main">{body}</main>'
        f'<footer><div>cpms-kg · <a href="/docs">API</a> · <a href="/.well-known/void">VoID</a></div></footer>'
        "</body></html>"
    )
