"""The fast engine: a standard version's shapes as vectorised column checks over product tables.

It gives the findings pySHACL gives on `product_graph(records, ...)` with `compile_shapes(...)`: the
same focus node, path, constraint component, severity, value, rule id, messages and shape, sorted
the same way, without building the RDF graph. Tables are checked in chunks (`CHUNK` rows), so
memory holds one chunk plus the findings; product codes are checked for uniqueness across chunks,
as the pipeline does row by row. Shapes it does not evaluate exactly (see `fast_rules`) make
`validate_records` fall back to the reference engine; `FastRun` raises `Unsupported` for them.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import reduce
from operator import or_
from urllib.parse import unquote

import polars as pl
import pyoxigraph as ox

from cpms_kg.conformance.engine import Engine, EngineResult, PyshaclEngine
from cpms_kg.conformance.fast_frames import CATEGORY, CHUNK, CODE, ROW, SOURCE, product_prefix, records_frames, segments
from cpms_kg.conformance.fast_result import FastResult
from cpms_kg.conformance.fast_rules import COUNTS, Check, Plan, Unsupported, compile_plan
from cpms_kg.conformance.fast_values import Literals, failing, values_frame, xsd_of
from cpms_kg.conformance.findings_frame import FRAME_COLUMNS, reference_frame
from cpms_kg.conformance.products import ProductRecord, product_graph
from cpms_kg.conformance.rdf_engine import FastRdfEngine
from cpms_kg.errors import BadInput, Problem
from cpms_kg.standards.model import Attribute, Datatype, Standard, item_path

__all__ = ["CHUNK", "FastEngine", "FastResult", "FastRun", "Unsupported"]

_VALUES_SCHEMA = {"i": pl.UInt32, "raw": pl.String}
_FOUND_SCHEMA = {"check": pl.UInt32, "g": pl.Int64, "value": pl.String, "typed": pl.Boolean, "column": pl.String}


class FastRun:
    """One table checked chunk by chunk: `add` each frame (see `fast_frames`), then `finish`.

    `check` is safe to run on several chunks at once (polars releases the GIL); `add` runs it and keeps
    its output, `keep` keeps the output of a `check` run elsewhere, in table order.
    """

    def __init__(
        self,
        plan: Plan,
        standard: Standard,
        base_iri: str,
        firm: str,
        sources: Mapping[str, str] | None = None,
        *,
        standard_base: str | None = None,
    ) -> None:
        self.plan = plan
        self.standard = standard
        self.base_iri = standard_base or base_iri
        """The base of the standard's IRIs (categories); products are minted under `base_iri`."""
        self.prefix = product_prefix(base_iri, firm)
        self.sources = dict(sources or {})
        self.products = 0
        self._by_path: dict[str, list[Check]] = {}
        for check in plan.checks:
            self._by_path.setdefault(check.path, []).append(check)
        self._ancestors: dict[str | None, frozenset[str]] = {None: frozenset()}
        self._literals = {a.code: Literals(a.datatype) for a in standard.attributes}
        self._keys: list[pl.DataFrame] = []
        self._found: list[pl.DataFrame] = []

    def _classes(self, category: str | None) -> frozenset[str]:
        if category not in self._ancestors:
            assert category is not None
            info = self.standard.info
            self._ancestors[category] = self.plan.ancestors(
                self.base_iri + item_path(info.id, info.version, "category", category)
            )
        return self._ancestors[category]

    def add(self, frame: pl.DataFrame, sources: Mapping[str, str] | None = None) -> None:
        self.keep(*self.check(frame, self.products, sources))

    def keep(self, keys: pl.DataFrame, found: pl.DataFrame) -> None:
        self._keys.append(keys)
        self._found.append(found)
        self.products += keys.height

    def check(
        self, frame: pl.DataFrame, offset: int, sources: Mapping[str, str] | None = None
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """One chunk whose first row is row `offset` of the table: its keys (segment, row) and findings."""
        static = {**self.sources, **(sources or {})}
        keys = pl.DataFrame({"seg": segments(frame[CODE]), "row": frame[ROW].cast(pl.Int64)})
        categories = frame[CATEGORY]
        classes = {c: self._classes(c) for c in categories.unique().to_list()}
        masks: dict[tuple[str, ...], pl.Series] = {}
        parts: list[pl.DataFrame] = []
        for checks in self._by_path.values():
            applies = {
                ch.index: tuple(sorted(c for c, up in classes.items() if c and ch.targets & up)) for ch in checks
            }
            live = [ch for ch in checks if applies[ch.index]]
            if not live:
                continue
            for key in {applies[ch.index] for ch in live}:
                if key not in masks:
                    masks[key] = categories.is_in(list(key))
            union = reduce(or_, (masks[applies[ch.index]] for ch in live))
            attribute = live[0].attribute
            pairs, values, counts = self._values(frame, attribute, union)
            subsets: dict[tuple[str, ...], pl.DataFrame] = {}
            for ch in live:
                key = applies[ch.index]
                if ch.kind in COUNTS:
                    assert ch.number is not None
                    bad = masks[key] & (counts < ch.number if ch.kind == "minCount" else counts > ch.number)
                    index = bad.arg_true().cast(pl.UInt32)
                    hits = pl.DataFrame(
                        {"i": index, "lex": pl.repeat(None, len(index), dtype=pl.String, eager=True), "typed": False}
                    ).with_columns(has=counts.gather(index) > 0)
                elif values.height:
                    assert attribute is not None
                    # Decided once per distinct value, then spread over the rows that hold it.
                    failed = failing(ch, values, self._literals[attribute.code])
                    if not failed.any():
                        continue
                    if key not in subsets:
                        rows = pairs()
                        inside = masks[key].gather(rows["i"])
                        subsets[key] = rows if inside.all() else rows.filter(inside)
                    subset = subsets[key]
                    broken = subset.filter(failed.gather(subset["u"]))
                    hits = broken.select(
                        "i",
                        lex=values["lex"].gather(broken["u"]),
                        typed=values["typed"].gather(broken["u"]),
                        has=pl.lit(True),
                    )
                else:
                    continue
                if hits.height:
                    parts.append(self._located(hits, ch, frame, static, offset))
        found = pl.concat(parts) if parts else pl.DataFrame(schema=_FOUND_SCHEMA)
        return keys, found

    def _values(
        self, frame: pl.DataFrame, attribute: Attribute | None, rows: pl.Series
    ) -> tuple[Callable[[], pl.DataFrame], pl.DataFrame, pl.Series]:
        """The attribute's values in the given rows: a function giving (i: row in chunk, u: its distinct
        value), one row per RDF term (made only when a check fails: most columns are clean); the distinct
        values (raw, typed, lex, valid, num; row u is value u); and the number of values in every row of
        the chunk (0 outside the given rows)."""
        n = frame.height
        none = pl.DataFrame(schema={"i": pl.UInt32, "u": pl.UInt32})
        if attribute is None or attribute.code not in frame.columns:
            empty = values_frame(pl.DataFrame(schema=_VALUES_SCHEMA).drop("i"), Literals(Datatype.STRING))
            return lambda: none, empty, pl.repeat(0, n, dtype=pl.UInt32, eager=True)
        column = frame[attribute.code]
        listed = isinstance(column.dtype, pl.List)
        if column.dtype == pl.Null:
            column = column.cast(pl.String)
        elif not listed and column.dtype != pl.String:
            raise TypeError(f"column {attribute.code} holds {column.dtype}, not text")
        base = pl.DataFrame({"i": pl.arange(0, n, dtype=pl.UInt32, eager=True), "raw": column}).filter(rows)
        if listed:
            base = base.explode("raw")
        base = base.filter(pl.col("raw").is_not_null())
        distinct = base.select(pl.col("raw").unique())
        values = values_frame(distinct, self._literals[attribute.code])
        if not listed:
            index = values.select("raw", u=pl.int_range(0, pl.len(), dtype=pl.UInt32))
            counts = (column.is_not_null() & rows).cast(pl.UInt32)
            return lambda: base.join(index, on="raw").select("i", "u"), values, counts
        # RDF keeps one triple per distinct value after rdflib's normalisation: "007" and "7" are one.
        index = values.select("raw", "typed", "lex", u=pl.int_range(0, pl.len(), dtype=pl.UInt32))
        index = index.with_columns(u=pl.col("u").min().over("typed", "lex"))
        found = base.join(index.select("raw", "u"), on="raw").select("i", "u").unique()
        per_row = found.group_by("i").len()
        every = pl.DataFrame({"i": pl.arange(0, n, dtype=pl.UInt32, eager=True)}).join(per_row, on="i", how="left")
        return lambda: found, values, every["len"].fill_null(0)

    def _located(
        self, hits: pl.DataFrame, check: Check, frame: pl.DataFrame, static: Mapping[str, str], offset: int
    ) -> pl.DataFrame:
        index = hits["i"]
        code = check.attribute.code if check.attribute is not None else None
        if code is not None and SOURCE + code in frame.columns:
            source = frame[SOURCE + code].gather(index)
        else:
            given = static.get(code) if code is not None else None
            source = pl.repeat(given, len(index), dtype=pl.String, eager=True)
        return pl.DataFrame(
            {
                "check": pl.repeat(check.index, len(index), dtype=pl.UInt32, eager=True),
                "g": index.cast(pl.Int64) + offset,
                "value": hits["lex"],
                "typed": hits["typed"],
                "column": source.zip_with(hits["has"], pl.repeat(None, len(index), dtype=pl.String, eager=True)),
            },
            schema=_FOUND_SCHEMA,
        )

    def finish(self, source: str | None = None, *, codes_checked: bool = False) -> FastResult:
        """All findings, sorted as the reference engine sorts them; raises `BadInput` on repeated codes
        unless the caller has checked them (`codes_checked`: `frame.product_frame` with one `SeenCodes`)."""
        keys = pl.concat(self._keys) if self._keys else pl.DataFrame(schema={"seg": pl.String, "row": pl.Int64})
        self._keys = [keys]
        if not codes_checked:
            _unique_codes(keys, source)
        found = pl.concat(self._found) if self._found else pl.DataFrame(schema=_FOUND_SCHEMA)
        checks = self.plan.checks
        text = pl.String
        table = pl.DataFrame(
            {
                "check": [c.index for c in checks],
                "path": [c.path for c in checks],
                "component": [c.component for c in checks],
                "severity": [c.severity for c in checks],
                "rule": [c.rule for c in checks],
                "message_zh": [c.message_zh for c in checks],
                "message_en": [c.message_en for c in checks],
                "shape": [c.shape for c in checks],
                "iri": [xsd_of(c.attribute.datatype) if c.attribute else None for c in checks],
            },
            schema={"check": pl.UInt32, "path": text, "component": text, "severity": text, "rule": text}
            | {"message_zh": text, "message_en": text, "shape": text, "iri": text},
        )
        frame = (
            found.join(table, on="check", how="left")
            .with_columns(
                focus=self.prefix + keys["seg"].gather(found["g"]),
                row=keys["row"].gather(found["g"]),
                datatype=pl.when("typed").then("iri").otherwise(pl.lit(None, dtype=text)),
            )
            .sort(
                pl.col("focus"),
                pl.col("path"),
                pl.col("rule"),
                pl.col("value").fill_null(""),
                "severity",
                "shape",
                "component",
            )
            .select(*FRAME_COLUMNS, "check")  # the check: what the report writes once per check
        )
        conforms = not (frame["severity"] == "Violation").any()
        return FastResult(conforms, frame, self.products)


def _unique_codes(keys: pl.DataFrame, source: str | None) -> None:
    """Product codes are unique within a firm's table (their IRIs would merge); checked across all chunks."""
    if not keys["seg"].hash().is_duplicated().any():  # integers first: hashing is cheaper than matching text
        return
    numbered = keys.with_row_index("n")
    repeated = numbered.filter(pl.col("seg").is_duplicated())
    if repeated.is_empty():
        return
    first = repeated.group_by("seg").agg(pl.col("row").first().alias("first"), pl.col("n").first().alias("n0"))
    later = repeated.join(first, on="seg").filter(pl.col("n") != pl.col("n0")).sort("n")
    problems = [
        Problem(
            f"product code {unquote(seg)} repeats row {first_row}",
            source=source,
            line=row,
            message_zh=f"产品编码 {unquote(seg)} 与第 {first_row} 行重复",
        )
        for seg, row, first_row in zip(later["seg"], later["row"], later["first"], strict=True)
    ]
    where = source or "the table"
    raise BadInput(
        f"{len(problems)} problem(s) in {where}", message_zh=f"{where} 中有 {len(problems)} 个问题", problems=problems
    )


def _drive(
    run: FastRun,
    chunks: Iterable[tuple[pl.DataFrame, Mapping[str, str] | None]],
    workers: int,
    progress: Callable[[int], None] | None,
) -> None:
    """Check chunks on `workers` threads, at most `workers` + 1 in flight, kept in table order."""
    offset = 0
    with ThreadPoolExecutor(max(1, workers)) as pool:
        pending: deque[Future[tuple[pl.DataFrame, pl.DataFrame]]] = deque()

        def keep_one() -> None:
            run.keep(*pending.popleft().result())
            if progress is not None:
                progress(run.products)

        for frame, sources in chunks:
            pending.append(pool.submit(run.check, frame, offset, sources))
            offset += frame.height
            while len(pending) > max(1, workers):
                keep_one()
        while pending:
            keep_one()


class FastEngine(Engine):
    """`--engine fast`: tables through `validate_records` / `validate_frames`, RDF input (`validate`) through
    the RDF half of issue 6 (`rdf_engine.FastRdfEngine`)."""

    name = "fast"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1

    def validate(self, data: list[ox.Triple], shapes: list[ox.Triple]) -> EngineResult:
        return FastRdfEngine().validate(data, shapes)

    def validate_records(
        self,
        records: Sequence[ProductRecord],
        standard: Standard,
        shapes: list[ox.Triple],
        base_iri: str,
        firm: str,
        *,
        chunk_size: int = CHUNK,
        progress: Callable[[int], None] | None = None,
        source: str | None = None,
        standard_base: str | None = None,
    ) -> FastResult:
        """`records` (as `pipeline._records` makes them) against `shapes` (= `compile_shapes(standard, base_iri)`).
        Shapes the fast engine does not evaluate fall back to the reference engine (`engine`, `fallback` say so)."""
        try:
            plan = compile_plan(standard, shapes, standard_base or base_iri)
        except Unsupported as reason:
            graph = product_graph(list(records), standard, base_iri, firm, standard_base=standard_base)
            result = PyshaclEngine().validate(graph.triples, shapes)
            if progress is not None:
                progress(len(records))
            return FastResult(
                result.conforms,
                reference_frame(result.findings, graph.origins),
                len(records),
                engine=PyshaclEngine.name,
                fallback=str(reason),
                reference=result,
            )
        run = FastRun(plan, standard, base_iri, firm, standard_base=standard_base)
        _drive(run, records_frames(records, standard, chunk_size), self.workers, progress)
        return run.finish(source)

    def validate_frames(
        self,
        frames: Iterable[pl.DataFrame],
        standard: Standard,
        shapes: list[ox.Triple],
        base_iri: str,
        firm: str,
        *,
        sources: Mapping[str, str] | None = None,
        progress: Callable[[int], None] | None = None,
        source: str | None = None,
        standard_base: str | None = None,
        codes_checked: bool = False,
    ) -> FastResult:
        """Frames (see `fast_frames`), a chunk at a time; raises `Unsupported` before reading any.
        `codes_checked`: the frames come from `frame.product_frame` with one `SeenCodes`, which has
        already refused repeated product codes (their segments cannot repeat then)."""
        plan = compile_plan(standard, shapes, standard_base or base_iri)
        run = FastRun(plan, standard, base_iri, firm, sources, standard_base=standard_base)
        _drive(run, ((frame, None) for frame in frames), self.workers, progress)
        return run.finish(source, codes_checked=codes_checked)
