"""What the fast engine returns: findings as a polars frame, and as `Finding`s on demand."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

import polars as pl

from cpms_kg.conformance.engine import EngineResult, Finding
from cpms_kg.conformance.fast_report import report_chunks, report_graph
from cpms_kg.conformance.findings_frame import FrameFindings, located
from cpms_kg.conformance.lazy_report import LazyReport


@dataclass
class FastResult:
    """Findings as `EngineResult` has them, plus what the report needs beside them.

    `frame` holds the findings as columns (`FRAME_COLUMNS` and the index of the check that found them, in
    the reference engine's order), so reports can be written without a Python object per finding;
    `findings` are made on first use.
    """

    conforms: bool
    frame: pl.DataFrame
    products: int
    engine: str = "fast"
    fallback: str | None = None
    """Why the reference engine ran instead (shapes the fast engine does not evaluate)."""
    reference: EngineResult | None = None

    @cached_property
    def findings(self) -> Sequence[Finding]:
        if self.reference is not None:
            return self.reference.findings
        return FrameFindings(self.frame)

    def located(self) -> pl.DataFrame:
        """The findings frame the reports read (`findings_frame.LOCATED_COLUMNS`)."""
        return located(self.frame)

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
        chunks = self._stream(fmt)
        if chunks is not None:
            return b"".join(chunks).decode("utf-8")
        return report_graph(self.findings, self.conforms, self.datatypes).serialize(format=fmt)

    def _stream(self, fmt: str) -> Iterator[bytes] | None:
        kind = {"turtle": "turtle", "ttl": "turtle", "nt": "nt", "ntriples": "nt"}.get(fmt)
        return None if kind is None else report_chunks(self.frame, self.conforms, kind)
