"""Normalising a table as columns (polars) instead of cell by cell: the fast engine's input.

The rules are exactly those of `pipeline._records` (the same `normalise` function decides every value),
but each distinct (text, unit) of a column is normalised once and joined back, so the work grows with
the number of distinct values rather than with rows x columns. The result is one row per product:
`__row` (source row), `__code`, `__category`, then one column per mapped attribute holding the lexical
value to check (null: empty cell). `records()` turns it back into `ProductRecord`s, which is how the
tests hold it equal to the cell-by-cell path.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from cpms_kg.conformance.inputs import MAX_CELL_CHARS, header_names
from cpms_kg.conformance.mapping import ColumnMapping, resolve_category
from cpms_kg.conformance.normalise import normalise
from cpms_kg.conformance.products import Cell, ProductRecord
from cpms_kg.conformance.report import Change
from cpms_kg.conformance.table import Row, Table
from cpms_kg.errors import BadInput, Problem
from cpms_kg.standards.model import Standard

ROW, CODE, CATEGORY = "__row", "__code", "__category"


@dataclass
class ProductFrame:
    frame: pl.DataFrame
    columns: dict[str, str]
    """Attribute code -> the source column it came from."""
    changes: list[Change]


def table_frame(table: Table) -> pl.DataFrame:
    """A `Table` as strings, one column per source column (null: the cell is absent)."""
    data: dict[str, list[object]] = {ROW: [r.number for r in table.rows]}
    for column in table.columns:
        data[column] = [r.cells.get(column) for r in table.rows]
    schema = {ROW: pl.Int64, **dict.fromkeys(table.columns, pl.String)}
    return pl.DataFrame(data, schema=schema)


def single_columns(mapping: ColumnMapping) -> bool:
    """The frame holds one value per attribute: two columns mapped to one attribute take the record path."""
    return len(set(mapping.columns.values())) == len(mapping.columns)


def _problems(frame: pl.DataFrame, mask: pl.Expr, column: str | None, source: str, en: str, zh: str) -> list[Problem]:
    rows = frame.filter(mask).get_column(ROW).to_list()
    return [Problem(en, source=source, line=row, column=column, message_zh=zh) for row in rows]


class SeenCodes:
    """Product codes of earlier chunks with the row of their first occurrence, kept as frames: a million codes
    as a Python set would be turned into a polars series at every chunk. A chunk's codes are met with the
    earlier ones by their hashes first (a cheap test on integers) and only the few that may repeat by text."""

    def __init__(self) -> None:
        self.frame = pl.DataFrame(schema={CODE: pl.String, "__first": pl.Int64})
        self.hashes = pl.Series("__hash", [], dtype=pl.UInt64)


def _codes(frame: pl.DataFrame, code_column: str, source: str, seen: SeenCodes) -> list[Problem]:
    problems = _problems(frame, pl.col(CODE).is_null(), code_column, source, "no product code", "缺少产品编码")
    coded = frame.filter(pl.col(CODE).is_not_null()).select(ROW, CODE, pl.col(CODE).hash().alias("__hash"))
    maybe = coded.filter(pl.col("__hash").is_in(seen.hashes.implode()))
    earlier = maybe.select(CODE).unique().join(seen.frame, on=CODE) if maybe.height else seen.frame.clear()
    if earlier.is_empty() and not coded.get_column(CODE).is_duplicated().any():
        seen.frame = pl.concat([seen.frame, coded.select(CODE, pl.col(ROW).alias("__first"))], rechunk=False)
        seen.hashes = pl.concat([seen.hashes, coded.get_column("__hash")], rechunk=False)
        return problems
    # As row by row: every repeat names the code's first row in the whole file, in this chunk or an earlier one.
    first = coded.group_by(CODE).agg(pl.col(ROW).min().alias("__first"), pl.col("__hash").first())
    new = first.join(earlier, on=CODE, how="anti")
    first = pl.concat([new.select(CODE, "__first"), earlier])
    repeats = coded.join(first, on=CODE).filter(pl.col(ROW) != pl.col("__first")).sort(ROW)
    for row, code, at in repeats.select(ROW, CODE, "__first").iter_rows():
        problems.append(_repeat(source, row, code, code_column, at))
    seen.frame = pl.concat([seen.frame, new.select(CODE, "__first")], rechunk=False)
    seen.hashes = pl.concat([seen.hashes, new.get_column("__hash")], rechunk=False)
    return problems


def _repeat(source: str, row: int, code: str, column: str, earlier: int) -> Problem:
    return Problem(
        f"product code {code} repeats row {earlier}",
        source=source,
        line=row,
        column=column,
        message_zh=f"产品编码 {code} 与第 {earlier} 行重复",
    )


def _categories(frame: pl.DataFrame, standard: Standard, mapping: ColumnMapping, memo: ValueMemo) -> pl.DataFrame:
    if mapping.category_column is None:
        return frame.with_columns(pl.lit(mapping.category, dtype=pl.String).alias(CATEGORY))
    # Each distinct cell text is resolved once per file; an empty one takes the mapping's category.
    known = memo.categories
    for text in frame.get_column(mapping.category_column).unique().to_list():
        if text is not None and text not in known:
            known[text] = resolve_category(text.strip(), standard) if text.strip() else mapping.category
    column = pl.col(mapping.category_column)
    resolved = column.replace_strict(list(known), list(known.values()), default=None, return_dtype=pl.String)
    return frame.with_columns(
        pl.when(column.is_null()).then(pl.lit(mapping.category, dtype=pl.String)).otherwise(resolved).alias(CATEGORY)
    )


def product_frame(
    chunk: pl.DataFrame,
    standard: Standard,
    mapping: ColumnMapping,
    *,
    source: str,
    seen: SeenCodes,
    memo: ValueMemo | None = None,
) -> ProductFrame:
    """One chunk of a table (see `table_frame`) as normalised products; `seen` carries product codes
    across chunks so that a code repeated anywhere in the file is reported. BadInput when rows are bad."""
    code_column = mapping.product_code_column
    memo = memo or ValueMemo()
    frame = chunk.with_columns(pl.col(code_column).str.strip_chars().replace("", None).alias(CODE))
    problems = _codes(frame, code_column, source, seen)
    frame = _categories(frame, standard, mapping, memo)
    # As row by row: a row with a bad code is reported for that alone.
    checked = frame.filter(~pl.col(ROW).is_in([p.line for p in problems]))
    if mapping.category_column is not None:
        # As row by row: an empty cell with no default category is an unknown category '' too.
        raw = pl.col(mapping.category_column).str.strip_chars().fill_null("")
        unknown = checked.filter(pl.col(CATEGORY).is_null()).select(ROW, raw)
        for row, raw in unknown.iter_rows():
            problems.append(
                Problem(
                    f"unknown category {raw!r}",
                    source=source,
                    line=row,
                    column=mapping.category_column,
                    message_zh=f"未知类目 {raw!r}",
                )
            )
    else:
        problems += _problems(
            checked, pl.col(CATEGORY).is_null(), None, source, "no category for this product", "该产品没有类目"
        )
    if problems:
        problems.sort(key=lambda p: p.line or 0)
        raise BadInput(
            f"{len(problems)} problem(s) in {source}",
            message_zh=f"{source} 中有 {len(problems)} 个问题",
            problems=problems,
        )
    values, changes = _values(frame, standard, mapping, memo)
    out = frame.select(ROW, CODE, CATEGORY, *values)
    return ProductFrame(out, {a: c for c, a in mapping.columns.items()}, changes)


class ValueMemo:
    """Each distinct cell text of a column normalised (or category resolved) once for the whole file, not
    once per chunk."""

    def __init__(self) -> None:
        self.values: dict[str, dict[str, str | None]] = {}
        """column -> text -> the value to check (None: an empty cell)."""
        self.differing: dict[str, dict[str, str | None]] = {}
        """column -> the texts whose value is not the text itself: what the column's expression replaces."""
        self.changes: dict[str, dict[str, list[tuple[str, str, str]]]] = {}
        self.categories: dict[str, str | None] = {}
        """Category cell text -> the category it names (None: unknown)."""


def _values(
    frame: pl.DataFrame, standard: Standard, mapping: ColumnMapping, memo: ValueMemo
) -> tuple[list[pl.Expr | pl.Series], list[Change]]:
    """Per mapped column, the values to check; columns with a unit column are joined on (text, unit), the
    others replace the few texts normalisation changes, all columns in one polars query (its threads)."""
    plain = [c for c in mapping.columns if c not in mapping.unit_columns]
    distinct = frame.select(pl.col(c).unique().implode() for c in plain).row(0) if plain else ()
    values: dict[str, pl.Expr | pl.Series] = {}
    changes: list[Change] = []
    for column, texts in zip(plain, distinct, strict=True):
        attribute = standard.attribute(mapping.columns[column])
        assert attribute is not None
        code_list = standard.code_list(attribute.code_list) if attribute.code_list else None
        known = memo.values.setdefault(column, {})
        differing = memo.differing.setdefault(column, {})
        changed = memo.changes.setdefault(column, {})
        for text in texts:
            if text is None or text in known:
                continue
            result = normalise(text, attribute, code_list)
            value = (result.value if result.value is not None else text.strip()) or None
            known[text] = value
            if value != text:
                differing[text] = value
            if result.changes and value is not None:
                changed[text] = [(c.rule, c.original, c.normalised) for c in result.changes]
        expr = pl.col(column).replace(differing) if differing else pl.col(column)
        values[column] = expr.alias(mapping.columns[column])
        hits = [t for t in texts if t in changed]
        if hits:
            rows = frame.filter(pl.col(column).is_in(hits)).select(ROW, column)
            changes += [Change(row, column, *c) for row, text in rows.iter_rows() for c in changed[text]]
    for column, unit_column in mapping.unit_columns.items():
        values[column], unit_changes = _with_units(frame, standard, column, mapping.columns[column], unit_column)
        changes += unit_changes
    order = {column: n for n, column in enumerate(mapping.columns)}
    changes.sort(key=lambda c: (c.row, order[c.column]))
    return [values[c] for c in mapping.columns], changes


def _with_units(
    frame: pl.DataFrame, standard: Standard, column: str, code: str, unit_column: str
) -> tuple[pl.Series, list[Change]]:
    attribute = standard.attribute(code)
    assert attribute is not None
    code_list = standard.code_list(attribute.code_list) if attribute.code_list else None
    unit = pl.col(unit_column).str.strip_chars().replace("", None)
    keyed = frame.select(ROW, pl.col(column).alias("text"), unit.alias("unit"))
    present = keyed.filter(pl.col("text").str.strip_chars().fill_null("") != "")
    lookup: dict[tuple[str, str | None], str] = {}
    changed: dict[tuple[str, str | None], list[tuple[str, str, str]]] = {}
    for text, unit_text in present.select("text", "unit").unique().iter_rows():
        result = normalise(text, attribute, code_list, unit_column=unit_text)
        lookup[(text, unit_text)] = result.value if result.value is not None else text.strip()
        if result.changes:
            changed[(text, unit_text)] = [(c.rule, c.original, c.normalised) for c in result.changes]
    table = pl.DataFrame(
        {"text": [k[0] for k in lookup], "unit": [k[1] for k in lookup], code: list(lookup.values())},
        schema={"text": pl.String, "unit": pl.String, code: pl.String},
    )
    series = keyed.join(table, on=["text", "unit"], how="left", nulls_equal=True).get_column(code)
    changes: list[Change] = []
    if changed:
        keys = pl.DataFrame(
            {"text": [k[0] for k in changed], "unit": [k[1] for k in changed]},
            schema={"text": pl.String, "unit": pl.String},
        )
        rows = present.join(keys, on=["text", "unit"], how="semi", nulls_equal=True)
        for row, text, unit_text in rows.iter_rows():
            changes += [Change(row, column, *c) for c in changed[(text, unit_text)]]
    return series, changes


def records(products: ProductFrame) -> list[ProductRecord]:
    """The frame as the record path's products (cells in mapping order, empty cells left out)."""
    attributes = [c for c in products.frame.columns if c not in (ROW, CODE, CATEGORY)]
    out = []
    for row in products.frame.iter_rows(named=True):
        cells: Iterable[Cell] = (Cell(a, row[a], products.columns[a]) for a in attributes if row[a] is not None)
        out.append(ProductRecord(row[ROW], row[CODE], row[CATEGORY], tuple(cells)))
    return out


class CarefulReaderNeeded(Exception):
    """Raised by `csv_frames`' chunks for what polars reads wrongly or not at all (ragged rows, over-long
    cells, bytes that are not UTF-8): the caller reads the file again with the careful reader, which
    reports each problem at its line and column. Found while reading, so good files are read once."""


def csv_frames(path: Path, chunk_rows: int) -> tuple[Table, Iterator[pl.DataFrame]] | None:
    """A UTF-8 CSV read by polars in chunks, as `table_frame` would give them after `iter_tables`; None when
    the file plainly needs the careful reader (an odd header, another encoding in the header),
    and the chunks raise `CarefulReaderNeeded` when it turns out to later on. The `Table` holds the header
    and the first rows, for mapping the columns."""
    if path.stat().st_size == 0:
        return None
    with path.open("rb") as handle:
        line = handle.readline().removeprefix(b"\xef\xbb\xbf")
    try:
        head = line.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        return None
    # Blank lines count as records for the row numbers the firm sees: polars (2.1) reads them as empty rows.
    if not head or '"' in head:
        return None
    try:
        columns = header_names(path, head.split(","))
    except BadInput:
        return None  # the careful reader says what is wrong with the header
    if list(columns) != head.split(","):  # trailing empty names, or names with blanks around them
        return None
    scan = pl.scan_csv(
        path, infer_schema=False, has_header=True, row_index_name=ROW, row_index_offset=2, empty_string_is_null=True
    ).with_columns(pl.col(ROW).cast(pl.Int64))
    try:
        first = next(iter(scan.head(1000).collect_batches(chunk_size=1000)), None)
    except pl.exceptions.PolarsError:
        return None
    if first is None:
        return None
    too_long = pl.any_horizontal(pl.col(columns).str.len_chars() > MAX_CELL_CHARS).any()

    def batches() -> Iterator[pl.DataFrame]:
        try:
            for batch in scan.collect_batches(chunk_size=chunk_rows):
                if batch.select(too_long).item():
                    raise CarefulReaderNeeded(f"{path.name}: a cell over {MAX_CELL_CHARS} characters")
                # A quoted "" is an empty cell too, as for the careful reader.
                batch = batch.with_columns(pl.col(columns).replace("", None))
                yield batch.filter(~pl.all_horizontal(pl.col(columns).is_null()))
        except pl.exceptions.PolarsError as error:  # ragged rows, bytes that are not UTF-8
            raise CarefulReaderNeeded(f"{path.name}: {error}") from error

    rows = tuple(
        Row(int(r[ROW]), {c: r[c] for c in columns if r[c]})
        for r in first.iter_rows(named=True)
        if any(r[c] for c in columns)
    )
    return Table(path.name, columns, rows, ("encoding: UTF-8",)), batches()
