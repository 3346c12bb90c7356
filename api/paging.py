"""The `limit` and `offset` query parameters of the paged list routes (checked by cpms_kg.paging)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from cpms_kg.paging import DEFAULT_LIMIT, MAX_LIMIT

Limit = Annotated[int, Query(description=f"items per page, 1 to {MAX_LIMIT}")]
Offset = Annotated[int, Query(description="items to skip, in the list's stable order")]

__all__ = ["DEFAULT_LIMIT", "Limit", "Offset"]
