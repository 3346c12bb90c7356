"""Checking a firm's file against a standard version: read, map, normalise, convert, validate, report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cpms_kg.conformance.engine import engine as make_engine
from cpms_kg.conformance.inputs import is_rdf, read_table
from cpms_kg.conformance.mapping import ColumnMapping, auto_map, load_mapping, resolve_category
from cpms_kg.conformance.normalise import Normalised, normalise
from cpms_kg.conformance.products import Cell, ProductGraph, ProductRecord, product_graph
from cpms_kg.conformance.report import Change, ConformanceReport, locate
from cpms_kg.conformance.table import Table
from cpms_kg.errors import BadInput, Problem
from cpms_kg.rdfio import iter_quads, source_from_path
from cpms_kg.standards.model import Standard
from cpms_kg.standards.service import load
from cpms_kg.standards.shapes import compile_shapes
from cpms_kg.store.base import Store


@dataclass(frozen=True)
class Options:
    firm: str
    category: str | None = None
    mapping: Path | None = None
    sheet: str | None = None
    engine: str = "pyshacl"
    trusted: bool = False
    """Operators (the CLI) may check against versions not yet published; uploads over REST may not."""


@dataclass(frozen=True)
class Outcome:
    report: ConformanceReport
    graph: ProductGraph


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


def check_file(
    store: Store, standard_key: str, path: Path, options: Options, progress: Callable[[str, float], None] | None = None
) -> Outcome:
    step = progress or (lambda _phase, _fraction: None)
    step("reading", 0.05)
    standard = load(store, standard_key, trusted=options.trusted)
    engine = make_engine(options.engine)
    shapes = compile_shapes(standard, store.base_iri)
    if is_rdf(path):
        triples = [q.triple for q in iter_quads(source_from_path(path))]
        graph = ProductGraph(triples=triples)
        result = engine.validate(triples, shapes)
        products = len({t.subject.value for t in triples if hasattr(t.subject, "value")})
        report = ConformanceReport(standard.key, str(path), engine.name, products, result, locate(result, {}))
        return Outcome(report, graph)
    table = read_table(path, sheet=options.sheet)
    # A saved mapping decides the columns it names; the rest are matched and reported as usual.
    hints = load_mapping(options.mapping, standard) if options.mapping is not None else None
    found = auto_map(list(table.columns), standard, category=options.category, hints=hints, rows=table.rows)
    mapping = found.mapping
    unmapped: list[dict[str, Any]] = [
        {
            "column": u.column,
            "suggestions": [{"attribute": s.attribute, "score": round(s.score, 3)} for s in u.suggestions],
        }
        for u in found.unmapped
    ]
    step("normalising", 0.3)
    records, changes = _records(table, standard, mapping)
    graph = product_graph(records, standard, store.base_iri, options.firm)
    step("validating", 0.6)
    result = engine.validate(graph.triples, shapes)
    report = ConformanceReport(
        standard.key, table.source, engine.name, len(records), result, locate(result, graph.origins), changes, unmapped
    )
    return Outcome(report, graph)
