"""The columnar normalisation (frame.py) gives exactly the products, changes and problems of the row by
row path, on generated messy tables (units in cells and in unit columns, full-width digits, blanks,
category names, repeated and missing codes), and across chunks."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpms_kg.conformance import frame as F
from cpms_kg.conformance.mapping import auto_map
from cpms_kg.conformance.pipeline import _records
from cpms_kg.conformance.table import Row, Table
from cpms_kg.errors import BadInput
from cpms_kg.standards.demo import bearings

STANDARD = bearings()
COLUMNS = ("产品编码", "类目", "轴承型号", "内径 d", "单位", "外径 D", "密封型式", "公差等级", "质量", "备注")
CATEGORIES = ("单列深沟球轴承", "RB010101", "推力球轴承", "Deep groove ball bearings", "  RB0201 ", "")
VALUES = {
    "轴承型号": ("6205", "62x5", " 6206 ", "", "６２０５"),
    "内径 d": ("25", "2.5", "２５", "25.0", "abc", "", "1,5"),
    "单位": ("mm", "cm", "毫米", "", "in"),
    "外径 D": ("52", "5.2 cm", "52mm", "", "52 kg", "0.052 m"),
    "密封型式": ("2RS", "2rs", "XX", "", "open", "开式"),
    "公差等级": ("P0", "p6", "", "P9"),
    "质量": ("0.1", "100 g", "0,25", "", "1 000"),
    "备注": ("ok", ""),
}


def cell(column: str) -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), st.sampled_from(VALUES[column]))


@st.composite
def tables(draw: st.DrawFn, *, valid_codes: bool) -> Table:
    count = draw(st.integers(1, 25))
    rows = []
    for n in range(count):
        cells: dict[str, str] = {}
        code = f"P{n:03d}" if valid_codes else draw(st.sampled_from([f"P{n:03d}", "P001", "", " "]))
        cells["产品编码"] = code
        cells["类目"] = draw(st.sampled_from(CATEGORIES[:4] if valid_codes else CATEGORIES))
        for column in VALUES:
            value = draw(cell(column))
            if value is not None:
                cells[column] = value
        rows.append(Row(n + 2, cells))
    return Table("t.csv", COLUMNS, tuple(rows))


def _key(records: list) -> list:  # type: ignore[type-arg]
    return [(r.row, r.code, r.category, sorted((c.attribute, c.value, c.column) for c in r.cells)) for r in records]


def _both(table: Table) -> tuple[object, object]:
    mapping = auto_map(list(table.columns), STANDARD, rows=table.rows).mapping
    assert mapping.unit_columns == {"内径 d": "单位"}
    try:
        expected: object = _records(table, STANDARD, mapping)
        expected = (_key(expected[0]), expected[1])  # type: ignore[index]
    except BadInput as error:
        expected = [(p.line, p.column, p.message, p.message_zh) for p in error.problems]
    try:
        products = F.product_frame(F.table_frame(table), STANDARD, mapping, source=table.source, seen=F.SeenCodes())
        got: object = (_key(F.records(products)), products.changes)
    except BadInput as error:
        got = [(p.line, p.column, p.message, p.message_zh) for p in error.problems]
    return expected, got


@settings(max_examples=60, deadline=None)
@given(tables(valid_codes=True))
def test_same_products_and_changes_as_row_by_row(table: Table) -> None:
    expected, got = _both(table)
    assert got == expected


@settings(max_examples=40, deadline=None)
@given(tables(valid_codes=False))
def test_same_problems_as_row_by_row(table: Table) -> None:
    expected, got = _both(table)
    assert got == expected


@settings(max_examples=40, deadline=None)
@given(tables(valid_codes=True), st.integers(1, 7))
def test_chunks_sharing_seen_codes_and_normalised_values_give_the_whole_table(table: Table, size: int) -> None:
    mapping = auto_map(list(table.columns), STANDARD, rows=table.rows).mapping
    whole = F.product_frame(F.table_frame(table), STANDARD, mapping, source="t.csv", seen=F.SeenCodes())
    seen, memo = F.SeenCodes(), F.ValueMemo()
    parts = [
        F.product_frame(F.table_frame(Table("t.csv", table.columns, table.rows[i : i + size])), STANDARD, mapping,
                        source="t.csv", seen=seen, memo=memo)
        for i in range(0, len(table.rows), size)
    ]  # fmt: skip
    assert pl.concat([p.frame for p in parts]).equals(whole.frame)
    assert [c for p in parts for c in p.changes] == whole.changes


@settings(max_examples=60, deadline=None)
@given(tables(valid_codes=False), st.integers(1, 7))
def test_chunks_report_the_first_bad_chunk_as_row_by_row(table: Table, size: int) -> None:
    """Codes repeated within a chunk and across chunks: the first chunk with problems raises exactly the
    row by row problems of its rows (each repeat naming the first row of the code in the whole file)."""
    mapping = auto_map(list(table.columns), STANDARD, rows=table.rows).mapping
    try:
        _records(table, STANDARD, mapping)
        expected: list[tuple[object, ...]] = []
    except BadInput as error:
        expected = [(p.line, p.column, p.message, p.message_zh) for p in error.problems]
    seen, got = F.SeenCodes(), []
    for i in range(0, len(table.rows), size):
        rows = table.rows[i : i + size]
        try:
            F.product_frame(
                F.table_frame(Table("t.csv", table.columns, rows)), STANDARD, mapping, source="t.csv", seen=seen
            )
        except BadInput as error:
            got = [(p.line, p.column, p.message, p.message_zh) for p in error.problems]
            expected = [p for p in expected if rows[0].number <= p[0] <= rows[-1].number]  # type: ignore[operator]
            break
    assert got == expected


def test_a_code_repeated_in_a_later_chunk_is_reported() -> None:
    rows = tuple(Row(n + 2, {"产品编码": code, "类目": "RB010101", "内径 d": "25"}) for n, code in enumerate("ABCA"))
    table = Table("t.csv", ("产品编码", "类目", "内径 d"), rows)
    mapping = auto_map(list(table.columns), STANDARD, rows=table.rows).mapping
    whole = F.table_frame(table)
    seen = F.SeenCodes()
    F.product_frame(whole.slice(0, 2), STANDARD, mapping, source="t.csv", seen=seen)
    with pytest.raises(BadInput) as caught:
        F.product_frame(whole.slice(2, 2), STANDARD, mapping, source="t.csv", seen=seen)
    assert [(p.line, p.message) for p in caught.value.problems] == [(5, "product code A repeats row 2")]
    assert isinstance(whole, pl.DataFrame) and whole.height == 4


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ('产品编码,内径 d,备注\r\nP1,25,\r\nP2,, a \r\n,,\r\nP3,"2,5",""\r\n', "polars"),
        ("产品编码,内径 d\nP1,25\n\nP2,3\n", "polars"),  # a blank line counts in the numbering
        ("产品编码,内径 d\r\nP1,25\r\n\r\n\r\nP2,3\r\n\r\n", "polars"),  # the same with CR LF line ends
        ("产品编码,内径 d\n\n\nP1,25\n", "polars"),  # blank lines first
        ("产品编码\nP1\n\nP2\n\n", "polars"),  # one column: a blank line is an empty row too
        ("产品编码, 内径 d\nP1,25\n", "careful"),  # a name with blanks around it
        ("产品编码,内径 d\nP1,25,extra\n", "careful"),  # a ragged row among the first rows
        ("产品编码,内径 d\n" + "P,1\n" * 50_000 + "P1,25,extra\n", "reread"),  # a ragged row far on
        ("产品编码,内径 d\nP1," + "9" * 40_000 + "\n", "reread"),  # an over-long cell, found while reading
        ('产品编码,内径 d\nP1,"a\nb"\nP2,1\n', "polars"),  # a quoted line break keeps the record numbering
    ],
)
def test_polars_reads_a_plain_utf8_csv_as_the_careful_reader_does(tmp_path: Path, text: str, read: str) -> None:
    from cpms_kg.conformance.inputs import read_table

    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    got = F.csv_frames(path, 2)
    assert (got is None) == (read == "careful")
    if got is None:
        return
    table, frames = got
    if read == "reread":
        with pytest.raises(F.CarefulReaderNeeded):
            list(frames)
        return
    careful = F.table_frame(read_table(path)).filter(~pl.all_horizontal(pl.col(list(table.columns)).is_null()))
    assert pl.concat(list(frames)).equals(careful)
    assert table.rows == read_table(path).rows[: len(table.rows)]
