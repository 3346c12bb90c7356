"""Findings as a polars frame: what reports are computed from, so a million findings never become a million
Python objects. The fast engine produces the frame directly; other engines' findings are put into one."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import overload

import polars as pl

from cpms_kg.conformance.engine import Finding

FRAME_COLUMNS = (
    "focus", "path", "component", "severity", "value", "rule", "message_zh", "message_en", "shape", "datatype", "row",
    "column",
)  # fmt: skip
"""The fast engine's findings frame, in the reference engine's order; the first nine are a `Finding`'s fields."""
LOCATED_COLUMNS = (*FRAME_COLUMNS, "product", "attribute")
"""What reports read: the frame plus the product code and attribute code (the IRIs' last segments)."""
FINDING_FIELDS = FRAME_COLUMNS[:9]

Origins = Mapping[tuple[str, str | None], tuple[int, str | None]]
"""(product IRI, attribute IRI or None) -> (source row, source column)."""


def reference_frame(findings: Sequence[Finding], origins: Origins) -> pl.DataFrame:
    """A findings frame for findings held as objects (the reference and RDF engines); value datatypes are in
    those engines' own reports."""
    where = [origins.get((f.focus, f.path), origins.get((f.focus, None), (None, None))) for f in findings]
    data: dict[str, list[object]] = {name: [getattr(f, name) for f in findings] for name in FINDING_FIELDS}
    data |= {"datatype": [None] * len(findings), "row": [w[0] for w in where], "column": [w[1] for w in where]}
    schema = {name: pl.String for name in FRAME_COLUMNS} | {"row": pl.Int64}
    return pl.DataFrame(data, schema=schema)


def located(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` (FRAME_COLUMNS) with the product and attribute codes the reports show."""
    last = r"([^/]*)$"
    return frame.select(
        *FRAME_COLUMNS,
        pl.col("focus").str.extract(last).alias("product"),
        pl.col("path").str.extract(last).alias("attribute"),
    )


class FrameFindings(Sequence[Finding]):
    """A frame's findings as `Finding`s, made only when someone reads them (small reports, tests)."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame
        self._items: tuple[Finding, ...] | None = None

    def _all(self) -> tuple[Finding, ...]:
        if self._items is None:
            columns = [self.frame[name].to_list() for name in FINDING_FIELDS]
            self._items = tuple(Finding(*values) for values in zip(*columns, strict=True))
        return self._items

    def __len__(self) -> int:
        return self.frame.height

    def __bool__(self) -> bool:
        return self.frame.height > 0

    @overload
    def __getitem__(self, index: int) -> Finding: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Finding]: ...
    def __getitem__(self, index: int | slice) -> Finding | Sequence[Finding]:
        return self._all()[index]

    def __iter__(self) -> Iterator[Finding]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        return tuple(self) == tuple(other) if isinstance(other, Sequence) else NotImplemented

    __hash__ = None  # type: ignore[assignment]
