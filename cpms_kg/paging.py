"""Pages of a list: the one check of `limit` and `offset`, and a page with its total.

Every list that grows with use is answered a page at a time (issue 7 part 4), in a stable order, with
the total, so that a client can walk it and no answer is unbounded.

>>> page(["a", "b", "c"], limit=2, offset=2)
Page(items=['c'], total=3, limit=2, offset=2)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from cpms_kg.errors import BadInput

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000_000
"""Far beyond any list here; keeps a caller's number inside what a SPARQL OFFSET accepts."""

T = TypeVar("T")


def check_page(*, limit: int, offset: int, max_limit: int = MAX_LIMIT) -> None:
    """limit in 1..max_limit and offset in 0..MAX_OFFSET, or a 400 naming the parameter."""
    if not 1 <= limit <= max_limit:
        raise BadInput(f"limit must be between 1 and {max_limit}", message_zh=f"limit 必须在 1 到 {max_limit} 之间")
    if not 0 <= offset <= MAX_OFFSET:
        raise BadInput(f"offset must be between 0 and {MAX_OFFSET}", message_zh=f"offset 必须在 0 到 {MAX_OFFSET} 之间")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    """Items in the whole list, not only on this page."""
    limit: int
    offset: int

    def meta(self) -> dict[str, int]:
        """The keys every paged JSON answer carries next to its items."""
        return {"total": self.total, "limit": self.limit, "offset": self.offset}


def page(items: Sequence[T], *, limit: int = DEFAULT_LIMIT, offset: int = 0, max_limit: int = MAX_LIMIT) -> Page[T]:
    """One page of a list already in its stable order (checked first: BadInput for a bad limit or offset)."""
    check_page(limit=limit, offset=offset, max_limit=max_limit)
    return Page(list(items[offset : offset + limit]), len(items), limit, offset)
