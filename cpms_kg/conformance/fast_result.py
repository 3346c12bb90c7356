"""What the fast engine returns: findings as a polars frame, and as `Finding`s on demand."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import BinaryIO

import polars as pl

from cpms_kg.conformance.engine import EngineResult, Finding
from cpms_kg.conformance.fast_report import report_graph, write_report
from cpms_kg.conformance.lazy_report import LazyReport

FRAME_COLUMNS = (
    "focus", "path", "component", "severity", "value", "rule", "message_zh", "message_en", "shape", "datatype", "row",
    "column",
)  # fmt: skip


@dataclass
class FastResult:
    """Findings as `EngineResult` has them, plus what the report needs beside them.

    `frame` holds the findings as columns (`FRAME_COLUMNS`, in the reference engine's order), so reports
    can be written without a Python object per finding; `findings` and `origins` are built on first use.
    """

    conforms: bool
    frame: pl.DataFrame
    products: int
    engine: str = "fast"
    fallback: str | None = None
    """Why the reference engine ran instead (shapes the fast engine does not evaluate)."""
    reference: EngineResult | None = None
    reference_origins: dict[tuple[str, str | None], tuple[int, str | None]] | None = None

    @cached_property
    def findings(self) -> tuple[Finding, ...]:
        if self.reference is not None:
            return self.reference.findings
        columns = [self.frame[name].to_list() for name in FRAME_COLUMNS[:9]]
        return tuple(Finding(*values) for values in zip(*columns, strict=True))

    @cached_property
    def origins(self) -> dict[tuple[str, str | None], tuple[int, str | None]]:
        """(product IRI, attribute IRI or None) -> (source row, source column) for the findings' products:
        what `product_graph(...).origins` gives `report.locate` for them."""
        if self.reference_origins is not None:
            return self.reference_origins
        out: dict[tuple[str, str | None], tuple[int, str | None]] = {}
        frame = self.frame
        for focus, path, row, column in zip(frame["focus"], frame["path"], frame["row"], frame["column"], strict=True):
            out[(focus, None)] = (row, None)
            if column is not None:
                out[(focus, path)] = (row, column)
        return out

    @property
    def datatypes(self) -> tuple[str | None, ...]:
        """Per finding, the datatype IRI of its value in the data (None: a plain string, or no value)."""
        return tuple(self.frame["datatype"].to_list())

    def engine_result(self) -> EngineResult:
        """The `EngineResult`, with the W3C report built from the findings (or pySHACL's, after a fallback)."""
        if self.reference is not None:
            return self.reference
        return EngineResult(self.conforms, self.findings, LazyReport(self._write, self._stream))

    def _write(self, fmt: str) -> str | None:
        """The W3C report from the findings frame (Turtle or N-Triples), no rdflib graph built."""
        out = io.BytesIO()
        if self._stream(fmt, out):
            return out.getvalue().decode("utf-8")
        return report_graph(self.findings, self.conforms, self.datatypes).serialize(format=fmt)

    def _stream(self, fmt: str, out: BinaryIO) -> bool:
        kind = {"turtle": "turtle", "ttl": "turtle", "nt": "nt", "ntriples": "nt"}.get(fmt)
        if kind is None:
            return False
        write_report(out, self.frame, self.conforms, kind)
        return True


def reference_frame(
    findings: Sequence[Finding], origins: Mapping[tuple[str, str | None], tuple[int, str | None]]
) -> pl.DataFrame:
    """A findings frame for the reference engine's findings (value datatypes are in its own report)."""
    where = [origins.get((f.focus, f.path), origins.get((f.focus, None), (None, None))) for f in findings]
    data: dict[str, list[object]] = {name: [getattr(f, name) for f in findings] for name in FRAME_COLUMNS[:9]}
    data |= {"datatype": [None] * len(findings), "row": [w[0] for w in where], "column": [w[1] for w in where]}
    schema = {name: pl.String for name in FRAME_COLUMNS} | {"row": pl.Int64}
    return pl.DataFrame(data, schema=schema)
