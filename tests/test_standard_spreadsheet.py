"""The standard spreadsheet template: lossless round-trips, stable bytes, and checks that name sheet, row and column."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import HealthCheck, given, settings
from openpyxl import load_workbook

from cpms_kg.errors import BadInput, Problem
from cpms_kg.standards.model import Attribute, Category, Code, CodeList, Datatype, Requirement, Standard, Text
from cpms_kg.standards.sheets import SHEETS
from cpms_kg.standards.spreadsheet import read_standard, write_standard
from tests.standard_examples import STANDARD
from tests.standard_strategies import standards

Format = Literal["xlsx", "csv"]
Language = Literal["zh", "en"]
Tables = dict[str, list[list[str]]]  # English sheet name -> rows, header first


def written(standard: Standard, folder: Path, fmt: Format, language: Language = "zh") -> Path:
    path = folder / ("standard.xlsx" if fmt == "xlsx" else "standard")
    write_standard(standard, path, format=fmt, language=language)
    return path


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(standard=standards())
@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_round_trip_is_lossless_and_deterministic(standard: Standard, fmt: Format, language: Language) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        first, second = Path(tmp, "a"), Path(tmp, "b")
        first.mkdir()
        second.mkdir()
        path = written(standard, first, fmt, language)
        assert read_standard(path) == standard
        again = written(standard, second, fmt, language)
        assert snapshot(path) == snapshot(again)


def snapshot(path: Path) -> dict[str, bytes]:
    files = sorted(path.iterdir()) if path.is_dir() else [path]
    return {p.name: p.read_bytes() for p in files}


def test_xlsx_bytes_do_not_depend_on_the_clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = written(STANDARD, tmp_path, "xlsx").read_bytes()
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)  # what zipfile stamps entries with
    b = written(STANDARD, tmp_path, "xlsx").read_bytes()
    assert a == b
    with zipfile.ZipFile(tmp_path / "standard.xlsx") as archive:
        assert {i.date_time for i in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z" in core
    book = load_workbook(tmp_path / "standard.xlsx")
    assert (book.properties.created, book.properties.modified) == (dt.datetime(2000, 1, 1),) * 2


@pytest.mark.parametrize("language", ["zh", "en"])
def test_sheet_names_and_headers_per_language(tmp_path: Path, language: Language) -> None:
    book = load_workbook(written(STANDARD, tmp_path, "xlsx", language))
    assert book.sheetnames == [s.label(language) for s in SHEETS]
    header = [c.value for c in book["属性" if language == "zh" else "attributes"][1]]
    assert header[:3] == (["代码", "中文名称", "英文名称"] if language == "zh" else ["code", "name_zh", "name_en"])
    assert sorted(p.name for p in written(STANDARD, tmp_path, "csv", language).iterdir()) == sorted(
        f"{s.en}.csv" for s in SHEETS)


TRICKY = replace(
    STANDARD,
    categories=(*STANDARD.categories, Category("007", Text("=1+1", "+x"), parent="B"),
                Category("1.50", Text("一点五", "1E3"), parent="007")),
    attributes=(*STANDARD.attributes, Attribute("0012", Text("编号", "No."), Datatype.CODE, code_list="0001",
                                                example="00123")),
    code_lists=(*STANDARD.code_lists, CodeList("0001", Text("零一", "01"), (Code("01", Text("一", "1")),
                                                                          Code("1E3", Text("千", "=SUM(A1)"))))),
    requirements=(*STANDARD.requirements, Requirement("1.50", "0012", STANDARD.requirements[0].obligation)),
)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_numeric_looking_codes_and_formula_like_text_stay_text(tmp_path: Path, fmt: Format) -> None:
    path = written(TRICKY, tmp_path, fmt)
    assert read_standard(path) == TRICKY
    if fmt == "xlsx":
        book = load_workbook(path)
        cells = [c for row in book["类目"].iter_rows(min_row=5) for c in row if c.value]
        assert [c.value for c in cells][:4] == ["007", "B", "=1+1", "+x"]
        assert {c.data_type for c in cells} == {"s"}


def test_gb18030_and_bom_less_csv(tmp_path: Path) -> None:
    folder = written(STANDARD, tmp_path, "csv")
    for i, file in enumerate(sorted(folder.iterdir())):
        text = file.read_text(encoding="utf-8-sig")
        file.write_bytes(text.encode("gb18030" if i % 2 else "utf-8"))
    assert read_standard(folder) == STANDARD


def test_zip_of_the_csv_folder(tmp_path: Path) -> None:
    folder = written(STANDARD, tmp_path, "csv")
    archive = Path(shutil.make_archive(str(tmp_path / "bundle"), "zip", tmp_path, folder.name))
    assert read_standard(archive) == STANDARD


def test_what_experts_do_in_excel_is_tolerated(tmp_path: Path) -> None:
    """Title rows above headers, extra sheets and columns, numbers and dates typed as such, English headers."""
    path = written(STANDARD, tmp_path, "xlsx")
    book = load_workbook(path)
    attributes = book["属性"]
    attributes.insert_rows(1, 2)
    attributes["A1"] = "属性表 Attributes"
    attributes["Q3"] = "备注 remarks"  # an extra column, ignored
    attributes["I5"] = 1  # inner_diameter's min as a number cell (the header is now on row 3)
    info = book["标准信息"]
    info.append(["发布日期", dt.datetime(2024, 5, 1)])
    info.delete_rows(next(r[0].row for r in info.iter_rows() if r[0].value == "发布日期"))
    for header in book["要求"][1]:
        header.value = {"类目": "category", "属性": "Attribute", "约束": "OBLIGATION"}[str(header.value)]
    book.create_sheet("说明")["A1"] = "这张表不属于模板 / not part of the template"
    book.save(path)
    expected = replace(STANDARD, info=replace(STANDARD.info, issued=dt.date(2024, 5, 1)))
    assert read_standard(path) == expected


def test_accepted_words(tmp_path: Path) -> None:
    tables = read_tables(written(STANDARD, tmp_path, "csv"))
    tables["requirements"][1][2], tables["requirements"][2][2] = "必填", "Recommended"
    tables["attributes"][1][5] = "文本"
    field_rows = {row[0]: row for row in tables["standard"]}
    field_rows["状态"][1], field_rows["行业映射关系"][1] = "共识稿", "skos:broadMatch"
    tables["categories"][1][6] = "cpc21:4331；上位匹配 hs2017:8482"
    standard = read_standard(write_tables(tables, tmp_path / "edited"))
    assert [r.obligation.value for r in standard.requirements[:2]] == ["required", "recommended"]
    assert standard.info.status.value == "consensus"
    assert standard.info.industry.relation.value == "broadMatch"
    assert [f"{m.relation.value} {m.scheme}:{m.code}" for m in standard.categories[0].mappings] == [
        "exactMatch cpc21:4331", "broadMatch hs2017:8482"]


def read_tables(folder: Path) -> Tables:
    out: Tables = {}
    for file in folder.iterdir():
        with file.open(encoding="utf-8-sig", newline="") as handle:
            out[file.stem] = [list(r) for r in csv.reader(handle)]
    return out


def write_tables(tables: Tables, folder: Path) -> Path:
    folder.mkdir()
    for name, rows in tables.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    return folder


def cell(sheet: str, row: int, col: int, value: str) -> Callable[[Tables], None]:
    """Set one cell; `row` as the sheet numbers it (header = 1), `col` counted from 0."""
    def change(tables: Tables) -> None:
        rows = tables[sheet]
        while len(rows) < row:
            rows.append([""] * len(rows[0]))
        rows[row - 1][col] = value
    return change


def add(sheet: str, *cells: str) -> Callable[[Tables], None]:
    return lambda tables: tables[sheet].append(list(cells))


def drop(sheet: str, row: int | None = None) -> Callable[[Tables], None]:
    """Drop a whole sheet, or one row of it (numbered as the sheet shows it)."""
    def change(tables: Tables) -> None:
        if row is None:
            del tables[sheet]
        else:
            del tables[sheet][row - 1]
    return change


def drop_column(sheet: str, col: int) -> Callable[[Tables], None]:
    def change(tables: Tables) -> None:
        for row in tables[sheet]:
            del row[col]
    return change


# fault -> (change, sheet, row, column index in the written header, text in the English message)
STATUS_ROW = 11  # the standard sheet's status row (header = row 1)
FAULTS: dict[str, tuple[Callable[[Tables], None], str, int | None, int | None, str]] = {
    "missing sheet": (drop("requirements"), "requirements", None, None, "missing sheet"),
    "missing column": (drop_column("attributes", 5), "attributes", 1, None, "missing column"),
    "unknown datatype": (cell("attributes", 2, 5, "float"), "attributes", 2, 5, "unknown datatype 'float'"),
    "unknown obligation": (cell("requirements", 3, 2, "must"), "requirements", 3, 2, "unknown obligation"),
    "unknown status": (cell("standard", STATUS_ROW, 1, "final"), "standard", STATUS_ROW, 1, "unknown status"),
    "unknown relation": (cell("categories", 2, 6, "sameAs cpc21:4331"), "categories", 2, 6, "unknown relation"),
    "bad mapping": (cell("categories", 3, 6, "cpc21-4331"), "categories", 3, 6, "not a mapping"),
    "bad number": (cell("attributes", 3, 8, "1,5"), "attributes", 3, 8, "not a number"),
    "bad integer": (cell("attributes", 2, 11, "3.5"), "attributes", 2, 11, "not a whole number"),
    "bad max count": (cell("attributes", 4, 14, "-1"), "attributes", 4, 14, "not a whole number"),
    "bad date": (cell("standard", 13, 1, "2024-13-01"), "standard", 13, 1, "not a date"),
    "bad region": (cell("standard", 6, 1, "33"), "standard", 6, 1, "6-digit"),
    "bad pattern": (cell("attributes", 2, 10, "[0-9"), "attributes", 2, 10, "invalid pattern"),
    "duplicate category": (add("categories", "B1", "", "甲", "A"), "categories", 5, 0, "duplicate category code B1"),
    "duplicate attribute": (add("attributes", "seal", "甲", "A", "", "", "string"), "attributes", 6, 0,
                            "duplicate attribute code seal"),
    "two code lists, one id": (add("code_lists", "seal", "别的", "Other", "x", "甲", "A"), "code_lists", 4, 1,
                               "two lists with one id"),
    "duplicate code in a list": (add("code_lists", "seal", "", "", "2RS", "甲", "A"), "code_lists", 4, 3,
                                 "duplicate code in list seal 2RS"),
    "parent missing": (cell("categories", 4, 1, "B9"), "categories", 4, 1, "parent B9 of B11"),
    "category cycle": (cell("categories", 2, 1, "B11"), "categories", 2, 1, "cycle: B → B11 → B1 → B"),
    "code list missing": (cell("attributes", 4, 7, "sealing"), "attributes", 4, 7, "code list sealing is not"),
    "code without code list": (cell("attributes", 4, 7, ""), "attributes", 4, 7, "no code list"),
    "code list on a string": (cell("attributes", 2, 7, "seal"), "attributes", 2, 7, "needs datatype code"),
    "range on a string": (cell("attributes", 2, 9, "10"), "attributes", 2, 9, "range needs datatype"),
    "min > max": (cell("attributes", 3, 8, "2000"), "attributes", 3, 9, "minimum 2000 is greater than maximum 1000"),
    "min length > max length": (cell("attributes", 2, 11, "9"), "attributes", 2, 12, "minimum 9 is greater"),
    "requirement, missing category": (cell("requirements", 2, 0, "C"), "requirements", 2, 0, "category C is not"),
    "requirement, missing attribute": (cell("requirements", 5, 1, "colour"), "requirements", 5, 1,
                                       "attribute colour is not"),
    "duplicate requirement": (add("requirements", "B1", "balls", "optional"), "requirements", 6, 0,
                              "duplicate requirement B1 / balls"),
    "empty name": (cell("categories", 3, 3, ""), "categories", 3, 3, "empty name_en"),
    "empty code": (add("code_lists", "seal", "", "", "", "甲", "A"), "code_lists", 4, 3, "empty code"),
    "empty required field": (cell("standard", 4, 1, ""), "standard", 4, 1, "empty title_zh"),
    "missing field": (drop("standard", row=4), "standard", 1, 0, "missing field 中文标题 / title_zh"),
    "unknown field": (add("standard", "颜色", "red"), "standard", 18, 0, "unknown field '颜色'"),
}


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("fault", list(FAULTS))
def test_each_check_names_sheet_row_and_column(tmp_path: Path, fault: str, language: Language) -> None:
    change, sheet_name, row, col, text = FAULTS[fault]
    tables = read_tables(written(STANDARD, tmp_path, "csv", language))
    header = tables[sheet_name][0]
    change(tables)
    problems = problems_of(write_tables(tables, tmp_path / "edited"))
    found = [p for p in problems if text in p.message]
    assert len(found) == 1, [str(p) for p in problems]
    (problem,) = found
    sheet = next(s for s in SHEETS if s.en == sheet_name)
    where = f"{sheet.zh} / {sheet.en}" if fault == "missing sheet" else f"{sheet.en}.csv"
    assert problem.source == f"{tmp_path / 'edited'} › {where}"
    assert problem.line == row
    if fault in ("missing column", "missing sheet"):
        assert problem.column is None if fault == "missing sheet" else problem.column == "数据类型 / datatype"
    else:
        assert problem.column == header[col or 0]
    assert len(problems) == 1, [str(p) for p in problems]  # one fault, one problem: no follow-on noise


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(BadInput) as caught:
        read_standard(path)
    assert all(p.message and p.message_zh and p.source for p in caught.value.problems)
    return caught.value.problems


def test_all_problems_in_one_error_located_in_the_workbook(tmp_path: Path) -> None:
    path = written(STANDARD, tmp_path, "xlsx")
    book = load_workbook(path)
    book["属性"]["F3"] = "float"
    book["属性"]["I2"] = "x"
    book["要求"]["A5"] = "Z"
    book["类目"]["C4"] = None
    book.save(path)
    with pytest.raises(BadInput) as caught:
        read_standard(path)
    err = caught.value
    assert [(p.source, p.line, p.column) for p in err.problems] == [
        (f"{path} › 类目", 4, "中文名称"),
        (f"{path} › 属性", 2, "最小值"),
        (f"{path} › 属性", 3, "数据类型"),
        (f"{path} › 要求", 5, "类目"),
    ]
    assert (err.message, err.message_zh) == (f"4 problems in {path}", f"{path} 中有 4 个问题")
    assert "未知数据类型 'float'" in (err.problems[2].message_zh or "")


@pytest.mark.parametrize("name", ["nothing.xlsx", "standard.csv", "broken.zip", "broken.xlsx"])
def test_unreadable_input(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name != "nothing.xlsx":
        path.write_bytes(b"not a spreadsheet")
    (problem,) = problems_of(path)
    assert problem.source == str(path)


def test_decimal_bounds_keep_their_value(tmp_path: Path) -> None:
    attribute = replace(STANDARD.attributes[1], min_inclusive=Decimal("1E-7"), max_inclusive=Decimal("1.2E+4"))
    standard = replace(STANDARD, attributes=(STANDARD.attributes[0], attribute, *STANDARD.attributes[2:]))
    path = written(standard, tmp_path, "csv")
    assert "0.0000001,12000," in (path / "attributes.csv").read_text(encoding="utf-8-sig")
    assert read_standard(path) == standard
