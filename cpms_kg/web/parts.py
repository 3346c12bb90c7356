"""Small pieces the browse, standards and SPARQL pages share: labels in the reader's language, pagers, error pages,
and the local page of a resource minted under the base IRI."""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from cpms_kg.errors import CpmsError
from cpms_kg.iris import segment
from cpms_kg.web.layout import Viewer, page

PAGE_SIZE = 50
"""Concepts per page on the server-rendered pages and per "more" in the tree."""


def label(viewer: Viewer, labels: dict[str, str], fallback: str = "") -> str:
    """The label in the reader's language, else the other one (CPC and HS have English labels only)."""
    return labels.get(viewer.lang) or labels.get("zh") or labels.get("en") or next(iter(labels.values()), fallback)


def pager(viewer: Viewer, path: str, *, offset: int, shown: int, total: int, limit: int, **params: str) -> str:
    """ "21–40 / 85" with links to the previous and next pages, which keep the other query parameters."""
    if total <= shown and offset == 0:
        return ""

    def href(start: int) -> str:
        return escape(f"{path}?{urlencode({**params, 'offset': start, 'limit': limit})}")

    links = []
    if offset > 0:
        links.append(f'<a rel="prev" href="{href(max(0, offset - limit))}">{viewer.t("上一页", "Previous")}</a>')
    if offset + shown < total:
        links.append(f'<a rel="next" href="{href(offset + limit)}">{viewer.t("下一页", "Next")}</a>')
    where = f"{offset + 1}–{offset + shown} / {total}" if shown else f"0 / {total}"
    return f'<nav class="pager" aria-label="{viewer.t("分页", "Pages")}"><span>{where}</span> {" ".join(links)}</nav>'


def local_page(base_iri: str, iri: str) -> str:
    """The page that shows a resource: classification concepts and standard items in the browser, others at /id/."""
    if not iri.startswith(base_iri):
        return iri
    rest = iri[len(base_iri) :].split("/")
    if rest[0] == "classification" and len(rest) == 3 and rest[1] not in ("level",):
        return f"/browse/{rest[1]}/{rest[2]}"
    if rest[0] == "standard" and len(rest) == 3:
        return f"/standards/{rest[1]}/{rest[2]}"
    if rest[0] == "standard" and len(rest) == 5 and rest[3] in ("category", "attribute", "codelist"):
        return f"/standards/{rest[1]}/{rest[2]}#{rest[3]}-{rest[4]}"
    return "/id/" + "/".join(rest)


def standard_href(standard_id: str, version: str | None = None) -> str:
    return f"/standards/{segment(standard_id)}" + (f"/{segment(version)}" if version else "")


def error_page(viewer: Viewer, error: CpmsError) -> str:
    """A refused page in the layout: the message in the reader's language, nothing else changed."""
    message = viewer.t(error.message_zh or error.message, error.message)
    body = (
        f'<h1>{error.status}</h1><p role="alert">{escape(message)}</p><p><a href="/">{viewer.t("首页", "Home")}</a></p>'
    )
    return page(viewer, (f"{error.status} 错误", f"Error {error.status}"), body)
