"""Reading firm product tables (issue 4 parts 1 and 9): CSV in its encodings, XLSX, JSON, and bad input of each kind."""

from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from cpms_kg.conformance.inputs import is_rdf, read_table
from cpms_kg.conformance.table import Row, Table
from cpms_kg.errors import BadInput

CHINESE_CSV = "产品编码,产品名称,直径（mm）\n000123,六角螺栓,25\n000124,垫圈,2.5\n"


def bad(path: Path, sheet: str | None = None, max_cell_chars: int = 10_000) -> BadInput:
    with pytest.raises(BadInput) as info:
        read_table(path, sheet=sheet, max_cell_chars=max_cell_chars)
    error = info.value
    assert error.problems and error.message and error.message_zh
    for problem in error.problems:
        assert problem.message and problem.message_zh and problem.source == path.name
    return error


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def xlsx(path: Path, rows: list[list[object]], *, title: str = "产品", formats: dict[str, str] | None = None,
         extra_sheets: tuple[str, ...] = ()) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for ref, fmt in (formats or {}).items():
        sheet[ref].number_format = fmt
    for name in extra_sheets:
        book.create_sheet(name).append(["other"])
    book.save(path)
    return path


def set_cached_value(path: Path, formula: str, value: str) -> None:
    """openpyxl writes formulas without a result; put one in, as Excel does on save, so data_only sees it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                # An empty result is written <v />, <v/> or <v></v>, or left out, by openpyxl's XML writers.
                empty = rb"(<f>" + re.escape(formula.encode()) + rb"</f>)(<v\s*/>|<v></v>)?"
                patched = re.sub(empty, rb"\1<v>" + value.encode() + rb"</v>", data, count=1)
                assert patched != data
                data = patched
            dst.writestr(item, data)
    path.write_bytes(buffer.getvalue())


# -- inputs ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("encoding", "note"), [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 with BOM"),
                                                ("gb18030", "GB18030"), ("gbk", "GB18030")])
def test_csv_encodings_are_detected(tmp_path: Path, encoding: str, note: str) -> None:
    table = read_table(write(tmp_path / "p.csv", CHINESE_CSV.encode(encoding)))
    assert table.columns == ("产品编码", "产品名称", "直径（mm）")
    assert table.rows[0] == Row(2, {"产品编码": "000123", "产品名称": "六角螺栓", "直径（mm）": "25"})
    assert table.rows[1].cells["直径（mm）"] == "2.5"
    assert f"encoding: {note}" in table.notes
    assert table.source == "p.csv"


def test_csv_keeps_user_row_numbers_and_skips_blank_rows(tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", "\ncode,name,note\nA1,x,\n\n,,\nA2,\"two\nlines\"\nA3\n")
    table = read_table(path)
    assert [r.number for r in table.rows] == [3, 6, 7]
    assert table.rows[0].cells == {"code": "A1", "name": "x"}  # empty cells are absent keys
    assert table.rows[1].cells == {"code": "A2", "name": "two\nlines"}
    assert table.rows[2].cells == {"code": "A3"}  # short rows are fine: missing cells are absent


def test_xlsx_values_keep_their_text(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "p.xlsx", [["编码", "直径", "数量", "比例", "名称"],
                                      ["000123", 25, 25.0, 0.00001, " 螺栓 "],
                                      [7, 2.5, True, None, "垫圈"]], formats={"A3": "000000"})
    table = read_table(path)
    assert table.source == "p.xlsx [产品]" and "sheet: 产品" in table.notes
    assert table.rows[0] == Row(2, {"编码": "000123", "直径": "25", "数量": "25", "比例": "0.00001", "名称": " 螺栓 "})
    assert table.rows[1] == Row(3, {"编码": "000007", "直径": "2.5", "数量": "TRUE", "名称": "垫圈"})


def test_xlsx_formula_reads_its_cached_value(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "p.xlsx", [["code", "d", "r"], ["A", 25, "=B2*2"]])
    set_cached_value(path, "B2*2", "50")
    table = read_table(path)
    assert table.rows[0].cells == {"code": "A", "d": "25", "r": "50"}
    assert not any("formula" in n for n in table.notes)


def test_xlsx_formula_without_cached_value_is_empty_with_a_note(tmp_path: Path) -> None:
    table = read_table(xlsx(tmp_path / "p.xlsx", [["code", "d", "r"], ["A", 25, "=B2*2"]]))
    assert table.rows[0].cells == {"code": "A", "d": "25"}
    assert any("1 formula cell(s)" in n and "C2" in n for n in table.notes)


def test_xlsx_named_sheet(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "p.xlsx", [["a"], ["1"]], extra_sheets=("第二页",))
    table = read_table(path, sheet="第二页")
    assert table.columns == ("other",) and table.rows == () and table.source == "p.xlsx [第二页]"
    assert "sheet: 产品 (first of 2)" in read_table(path).notes


def test_json_array_of_objects(tmp_path: Path) -> None:
    doc = [{"编码": "000123", "直径": 25.0, "数量": 3, "有效": True, "备注": None}, {}, {"编码": "X", "颜色": "红"}]
    table = read_table(write(tmp_path / "p.json", json.dumps(doc, ensure_ascii=False)))
    assert table.columns == ("编码", "直径", "数量", "有效", "备注", "颜色")
    assert table.rows == (Row(1, {"编码": "000123", "直径": "25.0", "数量": "3", "有效": "true"}),
                          Row(3, {"编码": "X", "颜色": "红"}))


def test_is_rdf() -> None:
    assert all(is_rdf(Path(f"x{s}")) for s in (".jsonld", ".ttl", ".nt", ".nq", ".trig", ".TTL"))
    assert not any(is_rdf(Path(f"x{s}")) for s in (".json", ".csv", ".xlsx"))


# -- bad input ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["p.csv", "p.json", "p.xlsx"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    assert "empty" in bad(write(tmp_path / name, b" \n")).message


def test_no_header(tmp_path: Path) -> None:
    assert "no header" in bad(write(tmp_path / "p.csv", b"\xef\xbb\xbf\n,,\n")).message
    assert "no header" in bad(xlsx(tmp_path / "p.xlsx", [])).message


def test_duplicate_and_empty_header_names(tmp_path: Path) -> None:
    error = bad(write(tmp_path / "p.csv", "\n编码,名称,,名称\n1,2,3,4\n"))
    assert [(p.line, p.column) for p in error.problems] == [(2, "C"), (2, "名称")]
    assert "columns B and D" in error.problems[1].message and "重复" in (error.problems[1].message_zh or "")


def test_ragged_rows_name_row_and_column(tmp_path: Path) -> None:
    error = bad(write(tmp_path / "p.csv", "a,b\n1,2\n3,4,5\n6,7,,\n8,9,,10\n"))
    assert [(p.line, p.column) for p in error.problems] == [(3, "C"), (5, "D")]  # empty trailing cells are fine
    assert "3 cells but the header has 2 columns" in error.problems[0].message
    error = bad(xlsx(tmp_path / "p.xlsx", [["a", "b"], [1, 2, 3]]))
    assert (error.problems[0].line, error.problems[0].column) == (2, "C")


def test_undecodable_bytes_name_offset_and_line(tmp_path: Path) -> None:
    error = bad(write(tmp_path / "p.csv", "编码,名称\n1,螺栓\n".encode() + b"2,\xff\xfe\n"))
    problem = error.problems[0]
    assert problem.line == 3 and "byte offset 25" in problem.message and "0xff" in problem.message
    assert "无法解码" in (problem.message_zh or "")


def test_huge_cells(tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", f"a,b\n1,{'x' * 10_001}\n2,{'y' * 50}\n")
    problem = bad(path).problems[0]
    assert (problem.line, problem.column) == (2, "b") and "10001 characters" in problem.message
    assert read_table(path, max_cell_chars=20_000).rows[0].cells["b"] == "x" * 10_001
    assert bad(path, max_cell_chars=10).problems[-1].line == 3


def test_missing_sheet_lists_the_sheets(tmp_path: Path) -> None:
    error = bad(xlsx(tmp_path / "p.xlsx", [["a"]], extra_sheets=("规格",)), sheet="价格")
    assert "产品, 规格" in error.message and "产品、规格" in error.message_zh


@pytest.mark.parametrize("name", ["p.xls", "p.txt", "p"])
def test_unsupported_extension(tmp_path: Path, name: str) -> None:
    assert "unsupported file type" in bad(write(tmp_path / name, "a,b\n")).message


def test_damaged_xlsx(tmp_path: Path) -> None:
    assert "not a readable XLSX" in bad(write(tmp_path / "p.xlsx", b"PK\x03\x04 broken")).message


@pytest.mark.parametrize(("doc", "line", "column", "words"), [
    ('[{"a": 1}, {"a": {"b": 2}}]', 2, "a", "nested an object"),
    ('[{"a": 1}, [1, 2]]', 2, None, "element 2 is an array"),
    ('{"a": 1}', None, None, "expected a JSON array"),
    ('[{"a": 1,\n "b": }]', 2, None, "not valid JSON"),
    ('[{"a": 1, "a": 2}]', None, "a", "repeats the key"),
    ("[]", None, None, "no columns"),
    ("[" * 100_000, None, None, "JSON"),
])
def test_bad_json_names_the_element(tmp_path: Path, doc: str, line: int | None, column: str | None,
                                    words: str) -> None:
    problem = bad(write(tmp_path / "p.json", doc)).problems[0]
    assert (problem.line, problem.column) == (line, column) and words in problem.message


# -- fuzzing: any bytes give a Table or BadInput, never another exception ----------------------------------------------

_FUZZ_DIR = Path(tempfile.mkdtemp(prefix="cpms-inputs-fuzz-"))


def _read_or_reject(name: str, data: bytes) -> None:
    path = write(_FUZZ_DIR / name, data)
    try:
        assert isinstance(read_table(path), Table)
    except BadInput as error:
        assert error.problems and error.message_zh


_CSVISH = st.lists(st.sampled_from([b",", b"\n", b"\r", b'"', b"a", "编码".encode(), "编码".encode("gbk"),
                                    b"\xef\xbb\xbf", b"\xff", b"\x00", b"1"]), max_size=40).map(b"".join)
_JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
                        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                                    max_size=3), max_leaves=10)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["f.csv", "f.json", "f.xlsx"]), st.binary(max_size=300) | _CSVISH)
def test_fuzz_random_bytes(name: str, data: bytes) -> None:
    _read_or_reject(name, data)


@settings(max_examples=50, deadline=None)
@given(_JSONISH)
def test_fuzz_json_values(doc: object) -> None:
    _read_or_reject("f.json", json.dumps(doc).encode())


_VALID_XLSX = xlsx(_FUZZ_DIR / "valid.xlsx", [["编码", "直径"], ["000123", 25], ["A", "=B2*2"]]).read_bytes()


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml"]),
       st.integers(min_value=0, max_value=2000), st.binary(min_size=1, max_size=20))
def test_fuzz_damaged_xlsx_parts(part: str, at: int, junk: bytes) -> None:
    """Random bytes inside a well-formed zip reach openpyxl's XML parsers, not just the zip check."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_VALID_XLSX)) as src, zipfile.ZipFile(buffer, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == part:
                data = data[:at] + junk + data[at + len(junk):]
            dst.writestr(item, data)
    _read_or_reject("f.xlsx", buffer.getvalue())


def test_chunks_of_a_csv_are_the_table_in_order(tmp_path: Path) -> None:
    from cpms_kg.conformance.inputs import iter_tables

    path = tmp_path / "big.csv"
    lines = ["产品编码,内径 d,备注"] + [f"P{n},{n % 7},\"a\nb\"" if n % 5 == 0 else f"P{n},{n % 7}," for n in range(23)]
    lines.insert(6, "")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole = read_table(path)
    chunks = list(iter_tables(path, chunk_rows=4))
    assert [len(c.rows) for c in chunks] == [4, 4, 4, 4, 4, 3]
    assert tuple(r for c in chunks for r in c.rows) == whole.rows
    assert {c.columns for c in chunks} == {whole.columns} and chunks[0].notes == whole.notes


def test_a_problem_in_a_late_chunk_is_raised_after_the_earlier_chunks(tmp_path: Path) -> None:
    from cpms_kg.conformance.inputs import iter_tables

    path = tmp_path / "bad.csv"
    path.write_text("产品编码,内径 d\n" + "".join(f"P{n},1\n" for n in range(9)) + "P9,1,extra\n", encoding="utf-8")
    seen = []
    with pytest.raises(BadInput) as caught:
        for chunk in iter_tables(path, chunk_rows=3):
            seen.append(len(chunk.rows))
    assert seen == [3, 3, 3] and caught.value.problems[0].line == 11
