"""A firm's product table as read from any tabular input: named columns, rows with their source numbers."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Row:
    number: int
    """The row as the user sees it in the source (spreadsheet row, CSV line, 1-based array index)."""
    cells: dict[str, str]
    """Column name -> cell text exactly as read (not yet trimmed or normalised); absent cells are missing keys."""


@dataclass(frozen=True)
class Table:
    source: str
    """File name (and sheet) for messages."""
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = field(default=())
    """What the reader decided on the user's behalf (e.g. the detected encoding, the sheet read)."""
