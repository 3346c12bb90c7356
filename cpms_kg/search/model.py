"""What a search is asked and what it answers: typed queries, hits and pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from cpms_kg.errors import BadInput
from cpms_kg.paging import check_page


class Kind(StrEnum):
    CONCEPT = "concept"
    """A concept of a classification scheme (CPC, HS, units, GB/T 7635 ...)."""
    CATEGORY = "category"
    """A product category of a standard version (cpms:ProductCategory)."""
    ATTRIBUTE = "attribute"
    """An attribute of a standard version (cpms:AttributeDefinition)."""
    STANDARD = "standard"
    """A standard version (cpms:StandardVersion of a cpms:IndustryStandard)."""


class Match(StrEnum):
    """The rule that found a hit, best first: results are ranked by it."""

    CODE = "code"
    """The code equals the query."""
    LABEL = "label"
    """A zh or en label equals the query."""
    PREFIX = "prefix"
    """The code or a label starts with the query."""
    TOKEN = "token"
    """Every word of the query is a word of a label (Chinese by jieba segmentation)."""
    TOKEN_PREFIX = "token-prefix"
    """Every word of the query is a word, or the start of a word, of a label."""


MAX_LIMIT = 200
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class Entry:
    """One searchable resource."""

    kind: Kind
    iri: str
    code: str
    labels: dict[str, str]
    """zh and en preferred labels (a label without a language tag counts as en)."""
    scheme: str | None = None
    """The scheme id of a classification concept."""
    standards: tuple[str, ...] = ()
    """`id@version` of each standard version the category, attribute or version belongs to."""
    level: int | None = None
    """A concept's xkos depth (or its depth under the top concepts); a category's depth in its tree."""


@dataclass(frozen=True)
class Hit:
    kind: Kind
    iri: str
    code: str
    labels: dict[str, str]
    scheme: str | None
    standard: str | None
    """The first of `standards`, for the common case of one."""
    standards: list[str]
    level: int | None
    match: Match


@dataclass(frozen=True)
class SearchQuery:
    """A validated search: build it with `SearchQuery.parse`."""

    text: str
    kind: Kind | None = None
    scheme: str | None = None
    standard: str | None = None
    """A standard id (any of its versions) or `id@version`."""
    level: int | None = None
    limit: int = 20
    offset: int = 0

    @classmethod
    def parse(
        cls,
        q: str | None,
        *,
        kind: str | None = None,
        scheme: str | None = None,
        standard: str | None = None,
        level: int | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> SearchQuery:
        text = (q or "").strip()
        if not text:
            raise BadInput("the search text q is empty", message_zh="检索词 q 为空")
        if len(text) > MAX_QUERY_LENGTH:
            raise BadInput(
                f"the search text q is longer than {MAX_QUERY_LENGTH} characters",
                message_zh=f"检索词 q 超过 {MAX_QUERY_LENGTH} 个字符",
            )
        if kind is not None and kind not in {k.value for k in Kind}:
            names = ", ".join(k.value for k in Kind)
            raise BadInput(f"kind must be one of: {names}", message_zh=f"kind 必须是以下之一：{names}")
        if level is not None and level < 1:
            raise BadInput("level must be 1 or more", message_zh="level 必须大于等于 1")
        check_page(limit=limit, offset=offset, max_limit=MAX_LIMIT)
        return cls(
            text,
            Kind(kind) if kind is not None else None,
            scheme.strip() or None if scheme is not None else None,
            standard.strip() or None if standard is not None else None,
            level,
            limit,
            offset,
        )


@dataclass(frozen=True)
class SearchPage:
    q: str
    total: int
    limit: int
    offset: int
    results: list[Hit] = field(default_factory=list)
