"""Checking a firm's file against a standard version: read, map, normalise, convert, validate, report."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pyoxigraph as ox

from cpms_kg.conformance.engine import EngineResult
from cpms_kg.conformance.engine import engine as make_engine
from cpms_kg.conformance.fast import CHUNK, FastEngine, Unsupported
from cpms_kg.conformance.frame import (
    CarefulReaderNeeded,
    SeenCodes,
    ValueMemo,
    csv_frames,
    product_frame,
    single_columns,
    table_frame,
)
from cpms_kg.conformance.inputs import is_rdf, iter_tables, read_table
from cpms_kg.conformance.mapping import ColumnMapping, auto_map, load_mapping, resolve_category
from cpms_kg.conformance.normalise import Normalised, normalise
from cpms_kg.conformance.products import Cell, ProductGraph, ProductRecord, product_graph
from cpms_kg.conformance.rdf_engine import FastRdfEngine
from cpms_kg.conformance.report import Change, ConformanceReport, locate
from cpms_kg.conformance.table import Table
from cpms_kg.errors import BadInput, Problem
from cpms_kg.rdfio import format_for_path, iter_quads, source_from_path
from cpms_kg.standards import service as standards
from cpms_kg.standards.model import Standard
from cpms_kg.standards.shapes import compile_shapes
from cpms_kg.store.base import Store


@dataclass(frozen=True)
class Options:
    firm: str
    category: str | None = None
    mapping: Path | None = None
    sheet: str | None = None
    engine: str = "fast"
    trusted: bool = False
    """Operators (the CLI) may check against versions not yet published; uploads over REST may not."""


@dataclass(frozen=True)
class Outcome:
    report: ConformanceReport
    build_graph: Callable[[], ProductGraph]
    """The products as RDF, built only when they are committed (the fast engines never need them)."""
    standard_base: str | None = None
    """The base IRI of the standard version's IRIs when it is not this instance's (an imported package)."""

    @functools.cached_property
    def graph(self) -> ProductGraph:
        return self.build_graph()


def _records(table: Table, standard: Standard, mapping: ColumnMapping) -> tuple[list[ProductRecord], list[Change]]:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    records: list[ProductRecord] = []
    changes: list[Change] = []
    attributes = {a.code: a for a in standard.attributes}
    code_column = mapping.product_code_column
    # Tables repeat values (categories, units, common sizes): each distinct one is resolved once.
    categories: dict[str, str | None] = {}
    normalised: dict[tuple[str, str, str | None], Normalised] = {}
    for row in table.rows:
        code = row.cells.get(code_column, "").strip()
        if not code:
            problems.append(
                Problem(
                    "no product code",
                    source=table.source,
                    line=row.number,
                    column=code_column,
                    message_zh="缺少产品编码",
                )
            )
            continue
        if code in seen:
            problems.append(
                Problem(
                    f"product code {code} repeats row {seen[code]}",
                    source=table.source,
                    line=row.number,
                    column=code_column,
                    message_zh=f"产品编码 {code} 与第 {seen[code]} 行重复",
                )
            )
            continue
        seen[code] = row.number
        category = mapping.category
        if mapping.category_column is not None:
            raw = row.cells.get(mapping.category_column, "").strip()
            if raw and raw not in categories:
                categories[raw] = resolve_category(raw, standard)
            category = categories[raw] if raw else mapping.category
            if category is None:
                problems.append(
                    Problem(
                        f"unknown category {raw!r}",
                        source=table.source,
                        line=row.number,
                        column=mapping.category_column,
                        message_zh=f"未知类目 {raw!r}",
                    )
                )
                continue
        if category is None:
            problems.append(
                Problem(
                    "no category for this product", source=table.source, line=row.number, message_zh="该产品没有类目"
                )
            )
            continue
        cells: list[Cell] = []
        for column, attribute_code in mapping.columns.items():
            text = row.cells.get(column, "")
            if not text.strip():
                continue
            unit_column = mapping.unit_columns.get(column)
            unit_text = (row.cells.get(unit_column, "").strip() if unit_column else None) or None
            key = (text, attribute_code, unit_text)
            result = normalised.get(key)
            if result is None:
                attribute = attributes[attribute_code]
                code_list = standard.code_list(attribute.code_list) if attribute.code_list else None
                result = normalised[key] = normalise(text, attribute, code_list, unit_column=unit_text)
            value = result.value if result.value is not None else text.strip()
            changes += [Change(row.number, column, c.rule, c.original, c.normalised) for c in result.changes]
            cells.append(Cell(attribute_code, value, column))
        records.append(ProductRecord(row.number, code, category, tuple(cells)))
    if problems:
        raise BadInput(
            f"{len(problems)} problem(s) in {table.source}",
            message_zh=f"{table.source} 中有 {len(problems)} 个问题",
            problems=problems,
        )
    return records, changes


def _check_rdf(path: Path, standard: Standard, shapes: list[ox.Triple], options: Options) -> Outcome:
    def read() -> list[ox.Triple]:
        return [q.triple for q in iter_quads(source_from_path(path))]  # syntax errors located by file and line

    if options.engine == "fast":
        try:
            result: EngineResult = FastRdfEngine().validate_file(path, format_for_path(path), shapes)
        except SyntaxError:
            read()
            raise
        name = f"fast ({getattr(result, 'engine', 'shacl')})"
        return Outcome(
            ConformanceReport(standard.key, str(path), name, _subjects(path), result, locate(result, {})),
            lambda: ProductGraph(triples=read()),
        )
    triples = read()
    result = make_engine(options.engine).validate(triples, shapes)
    products = len({t.subject.value for t in triples if hasattr(t.subject, "value")})
    report = ConformanceReport(standard.key, str(path), options.engine, products, result, locate(result, {}))
    return Outcome(report, lambda: ProductGraph(triples=triples))


def _subjects(path: Path) -> int:
    """Distinct IRI subjects (the products) of an RDF file, read as a stream."""
    return len(
        {
            q.subject.value
            for q in ox.parse(path=path, format=format_for_path(path))
            if isinstance(q.subject, ox.NamedNode)
        }
    )


def check_file(
    store: Store, standard_key: str, path: Path, options: Options, progress: Callable[[str, float], None] | None = None
) -> Outcome:
    step = progress or (lambda _phase, _fraction: None)
    step("reading", 0.05)
    found = standards.locate(store, standard_key, trusted=options.trusted)
    standard, own = found.standard, found.base
    engine = make_engine(options.engine)
    shapes = compile_shapes(standard, own)
    if is_rdf(path):
        return _check_rdf(path, standard, shapes, options)
    if isinstance(engine, FastEngine):
        return _check_table_fast(store, _Target(standard, shapes, own), path, options, step)
    table = read_table(path, sheet=options.sheet)
    mapping, unmapped = _map(table, standard, options)
    step("normalising", 0.3)
    records, changes = _records(table, standard, mapping)
    graph = product_graph(records, standard, store.base_iri, options.firm, standard_base=own)
    step("validating", 0.6)
    result = engine.validate(graph.triples, shapes)
    report = ConformanceReport(
        standard.key, table.source, engine.name, len(records), result, locate(result, graph.origins), changes, unmapped
    )
    return Outcome(report, lambda: graph, own)


def _map(table: Table, standard: Standard, options: Options) -> tuple[ColumnMapping, list[dict[str, Any]]]:
    # A saved mapping decides the columns it names; the rest are matched and reported as usual.
    hints = load_mapping(options.mapping, standard) if options.mapping is not None else None
    found = auto_map(list(table.columns), standard, category=options.category, hints=hints, rows=table.rows)
    unmapped: list[dict[str, Any]] = [
        {
            "column": u.column,
            "suggestions": [{"attribute": s.attribute, "score": round(s.score, 3)} for s in u.suggestions],
        }
        for u in found.unmapped
    ]
    return found.mapping, unmapped


@dataclass(frozen=True)
class _Target:
    """What a table is checked against: the standard version, its compiled shapes, the base of its IRIs."""

    standard: Standard
    shapes: list[ox.Triple]
    base: str


def _check_table_fast(
    store: Store, target: _Target, path: Path, options: Options, step: Callable[[str, float], None]
) -> Outcome:
    """The table in chunks: columnar normalisation, vectorised checks; no RDF unless the upload is committed."""
    fast_csv = csv_frames(path, CHUNK) if path.suffix.lower() == ".csv" else None
    if fast_csv is not None:
        try:
            return _fast_tables(store, target, path, options, step, fast_csv)
        except CarefulReaderNeeded:
            pass  # read again by the careful reader, which locates the problem
    chunks = iter_tables(path, sheet=options.sheet, chunk_rows=CHUNK)
    first = next(chunks)
    tables = (table_frame(t) for t in itertools.chain([first], chunks))
    return _fast_tables(store, target, path, options, step, (first, tables))


def _fast_tables(
    store: Store,
    target: _Target,
    path: Path,
    options: Options,
    step: Callable[[str, float], None],
    read: tuple[Table, Iterator[pl.DataFrame]],
) -> Outcome:
    first, tables = read
    standard, shapes, own = target.standard, target.shapes, target.base
    mapping, unmapped = _map(first, standard, options)
    base = store.base_iri

    def graph() -> ProductGraph:
        records, _changes = _records(read_table(path, sheet=options.sheet), standard, mapping)
        return product_graph(records, standard, base, options.firm, standard_base=own)

    def progress(rows: int) -> None:
        # The total is not known while streaming: the bar approaches the end as rows are checked.
        step(f"validating ({rows} rows)", 0.1 + 0.85 * rows / (rows + CHUNK))

    fast = FastEngine()
    changes: list[Change] = []
    if single_columns(mapping):
        seen, memo = SeenCodes(), ValueMemo()

        def frames() -> Iterator[pl.DataFrame]:
            for table in tables:
                products = product_frame(table, standard, mapping, source=first.source, seen=seen, memo=memo)
                changes.extend(products.changes)
                yield products.frame

        try:
            sources = {attribute: column for column, attribute in mapping.columns.items()}
            found = fast.validate_frames(
                frames(),
                standard,
                shapes,
                base,
                options.firm,
                sources=sources,
                progress=progress,
                source=first.source,
                standard_base=own,
                codes_checked=True,
            )
        except Unsupported:
            found = None
    else:
        found = None
    if found is None:  # two columns for one attribute, or shapes the vectorised checks do not cover
        table = read_table(path, sheet=options.sheet)
        records, changes = _records(table, standard, mapping)
        found = fast.validate_records(
            records, standard, shapes, base, options.firm, progress=progress, standard_base=own
        )
    result = found.engine_result()
    report = ConformanceReport(
        standard.key,
        first.source,
        found.engine,
        found.products,
        result,
        found.located(),
        changes,
        unmapped,
    )
    return Outcome(report, graph, own)
