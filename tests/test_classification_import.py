"""The classification-table importer: CSV and XLSX, zh and en headers, and checks that name row and column."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, SKOS

from cpms_kg.classification.importer import ImportedScheme, import_table
from cpms_kg.classification.profiles import GBT7635, SchemeProfile
from cpms_kg.errors import BadInput, Problem
from cpms_kg.namespaces import XKOS

BASE = "https://kg.example.org/id/"
FIXTURE = Path(__file__).parent / "fixtures" / "gbt7635_fixture.csv"
EN = ("code", "parent", "level", "name_zh", "name_en", "notes")
ZH = ("代码", "上级代码", "层级", "中文名称", "英文名称", "说明")
FIELDS = ("code", "parent", "level", "name_zh", "name_en", "notes")
Rows = list[list[str]]
ROWS: Rows = [  # spreadsheet rows 2-5
    ["1", "", "1", "测试甲", "Test A", ""],
    ["11", "1", "2", "测试乙", "Test B", "测试说明"],
    ["111", "11", "3", "", "Test C", "a note"],
    ["12", "1", "2", "测试丁", "", ""],
]


def write_csv(path: Path, header: Sequence[str], rows: Rows, encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows([list(header), *rows])
    return path


def write_xlsx(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]],
               above: Sequence[Sequence[object]] = ()) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [*above, list(header), *rows]:
        sheet.append(list(row))
    book.save(path)
    return path


def parse(result: ImportedScheme) -> Graph:
    return Graph().parse(data=result.turtle, format="turtle", publicID=BASE)


def concept(scheme: str, code: str) -> URIRef:
    return URIRef(f"{BASE}classification/{scheme}/{code}")


def problems_of(path: Path, scheme: str) -> list[Problem]:
    with pytest.raises(BadInput) as caught:
        import_table(path, scheme)
    assert all(p.source == str(path) for p in caught.value.problems)
    assert all(p.message and p.message_zh for p in caught.value.problems)
    return caught.value.problems


@pytest.mark.parametrize("header", [EN, ZH], ids=["en", "zh"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_import_table(tmp_path: Path, header: Sequence[str], fmt: str) -> None:
    path = tmp_path / f"demo.{fmt}"
    (write_csv if fmt == "csv" else write_xlsx)(path, header, ROWS)
    result = import_table(path, "demo")
    assert (result.scheme, result.graph) == ("demo", "graph/classification/demo")
    assert (result.concept_count, result.level_count, result.counts_per_level) == (4, 3, (1, 2, 1))
    g = parse(result)
    scheme = URIRef(BASE + "classification/demo")
    assert set(g.subjects(RDF.type, SKOS.Concept)) == {concept("demo", c) for c in ("1", "11", "111", "12")}
    assert set(g.objects(concept("demo", "11"), SKOS.prefLabel)) == {
        Literal("测试乙", lang="zh"), Literal("Test B", lang="en")}
    assert set(g.objects(concept("demo", "111"), SKOS.prefLabel)) == {Literal("Test C", lang="en")}
    assert set(g.objects(concept("demo", "12"), SKOS.prefLabel)) == {Literal("测试丁", lang="zh")}
    assert g.value(concept("demo", "111"), SKOS.broader) == concept("demo", "11")
    assert set(g.objects(concept("demo", "1"), SKOS.narrower)) == {
        concept("demo", "11"), concept("demo", "12")}
    assert set(g.objects(scheme, SKOS.hasTopConcept)) == {concept("demo", "1")}
    assert g.value(concept("demo", "11"), SKOS.scopeNote) == Literal("测试说明", lang="zh")
    assert g.value(concept("demo", "111"), SKOS.scopeNote) == Literal("a note", lang="en")
    assert g.value(scheme, DCTERMS.source) == Literal(path.name)
    assert (URIRef(BASE + "classification/demo/level/3"), SKOS.member, concept("demo", "111")) in g
    assert not list(g.subjects(SKOS.exactMatch, None))


def test_output_is_deterministic_and_format_independent(tmp_path: Path) -> None:
    shuffled = [ROWS[3], ROWS[2], ROWS[0], ROWS[1]]
    a = import_table(write_csv(tmp_path / "t.csv", EN, ROWS), "demo").turtle
    b = import_table(write_xlsx(tmp_path / "t.xlsx", ZH, shuffled), "demo").turtle
    assert a == import_table(tmp_path / "t.csv", "demo").turtle
    # Only the header comment (file name and checksum) and the cited file name differ.
    assert a.split("\n@prefix", 1)[1] == b.split("\n@prefix", 1)[1].replace('"t.xlsx"', '"t.csv"')


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "t.csv", ZH, ROWS, encoding=encoding)
    g = parse(import_table(path, "demo"))
    assert Literal("测试甲", lang="zh") in set(g.objects(concept("demo", "1"), SKOS.prefLabel))


def test_gbt7635_fixture_levels_and_padding() -> None:
    assert "FIXTURE" in FIXTURE.read_text(encoding="utf-8")
    result = import_table(FIXTURE, "gbt7635")
    assert (result.concept_count, result.counts_per_level) == (12, (2, 2, 1, 2, 2, 3))
    g = parse(result)
    scheme = URIRef(BASE + "classification/gbt7635")
    head = g.value(scheme, XKOS.levels)
    assert head is not None
    levels = list(g.items(head))
    names = [str(x) for lv in levels for x in g.objects(lv, SKOS.prefLabel)
             if isinstance(x, Literal) and x.language == "zh"]
    assert names == ["大部类", "部类", "大类", "中类", "小类", "细类"]
    # Padded codes are stored unpadded; 细类 keep their 8 digits.
    notations = {str(n) for n in g.objects(None, SKOS.notation)}
    assert {"990", "9902", "99011002"} <= notations and "99000000" not in notations
    assert g.value(concept("gbt7635", "9902"), SKOS.broader) == concept("gbt7635", "990")
    assert g.value(concept("gbt7635", "99021001"), SKOS.broader) == concept("gbt7635", "99021")
    assert (levels[5], SKOS.member, concept("gbt7635", "99011002")) in g
    for c in g.subjects(RDF.type, SKOS.Concept):
        assert str(g.value(c, SKOS.scopeNote)).startswith("FIXTURE")
        assert any(str(x).startswith("测试类目") for x in g.objects(c, SKOS.prefLabel))


def test_gbt7635_fixture_as_xlsx_gives_the_same_graph(tmp_path: Path) -> None:
    with FIXTURE.open(encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    # Codes as text cells, levels as numbers, two title rows above the header.
    cells = [[*r[:2], int(r[2]), *r[3:]] for r in rows]
    path = write_xlsx(tmp_path / "gbt.xlsx", header, cells, above=[["FIXTURE — not GB/T 7635 data"], []])
    a, b = parse(import_table(FIXTURE, "gbt7635")), parse(import_table(path, "gbt7635"))
    for g in (a, b):
        g.remove((None, DCTERMS.source, None))
    assert isomorphic(a, b)


def test_external_iri_template(tmp_path: Path) -> None:
    profile = SchemeProfile("ext", "测试", "Test", external_iri_template="https://example.org/ext/{code}")
    g = parse(import_table(write_csv(tmp_path / "t.csv", EN, ROWS), "ext", profile=profile))
    assert g.value(concept("ext", "111"), SKOS.exactMatch) == URIRef("https://example.org/ext/111")


# (scheme, rows after the change, expected row, field named as column, text in the message)
FAULTS: dict[str, tuple[str, Rows, int, str | None, str]] = {
    "duplicate code": ("demo", [*ROWS, ["11", "1", "2", "x", "", ""]], 6, "code", "duplicate code 11"),
    "parent missing": ("demo", [*ROWS[:3], ["12", "9", "2", "x", "", ""]], 5, "parent", "parent 9 of 12"),
    "derived parent missing": ("cpc21", [*ROWS[:3], ["131", "", "3", "x", "", ""]], 5, "code", "parent 13"),
    "parent not a prefix": ("cpc21", [*ROWS[:3], ["22", "1", "2", "x", "", ""]], 5, "parent", "begin"),
    "level vs code length": ("cpc21", [*ROWS[:3], ["12", "1", "3", "x", "", ""]], 5, "level", "3-character"),
    "code length fits no level": ("cpc21", [*ROWS, ["123456", "", "", "x", "", ""]], 6, "code",
                                  "6 characters"),
    "level not parent + 1": ("demo", [*ROWS[:2], ["111", "11", "4", "x", "", ""]], 4, "level", "level 3"),
    "level without parent": ("demo", [*ROWS, ["z", "", "2", "x", "", ""]], 6, "parent", "no parent"),
    "unknown level": ("cpc21", [*ROWS[:3], ["12", "1", "6", "x", "", ""]], 5, "level", "unknown level"),
    "empty code": ("demo", [*ROWS, ["", "1", "2", "x", "", ""]], 6, "code", "empty code"),
    "character not allowed": ("cpc21", [*ROWS, ["1A", "1", "2", "x", "", ""]], 6, "code", "not allowed"),
    "character not allowed (generic)": ("demo", [*ROWS, ["1/2", "1", "2", "x", "", ""]], 6, "code",
                                        "not allowed"),
    "both names missing": ("demo", [*ROWS[:3], ["12", "1", "2", "", "", "note"]], 5, "name_zh", "both names"),
    "parent cycle": ("demo", [*ROWS, ["a", "b", "", "x", "", ""], ["b", "a", "", "y", "", ""]], 6, "parent",
                     "cycle"),
    "padded code without level": ("gbt7635", [*ROWS[:3], ["11000000", "", "", "x", "", ""]], 5, "code",
                                  "parent 11000"),
}


@pytest.mark.parametrize("header", [EN, ZH], ids=["en", "zh"])
@pytest.mark.parametrize("fault", list(FAULTS))
def test_each_check_names_row_and_column(tmp_path: Path, fault: str, header: Sequence[str]) -> None:
    scheme, rows, row, field, text = FAULTS[fault]
    problems = problems_of(write_csv(tmp_path / "t.csv", header, rows), scheme)
    column = header[FIELDS.index(field)] if field else None
    found = [(p.line, p.column) for p in problems if text in p.message]
    assert found == [(row, column)], [str(p) for p in problems]


def test_all_problems_are_collected_in_one_error(tmp_path: Path) -> None:
    rows = [*ROWS, ["", "", "", "x", "", ""], ["11", "1", "2", "x", "", ""], ["7", "", "1", "", "", ""]]
    path = write_csv(tmp_path / "t.csv", ZH, rows)
    with pytest.raises(BadInput) as caught:
        import_table(path, "demo")
    err = caught.value
    assert [(p.line, p.column) for p in err.problems] == [(6, "代码"), (8, "中文名称"), (7, "代码")]
    assert err.message == f"3 problems in {path}"
    assert err.message_zh == f"{path} 中有 3 个问题"


def test_xlsx_rows_are_numbered_as_the_spreadsheet_shows(tmp_path: Path) -> None:
    rows: list[list[str]] = [*ROWS[:2], [], ["11", "1", "2", "dup", "", ""]]
    path = write_xlsx(tmp_path / "t.xlsx", ZH, rows, above=[["标题行 title row"]])
    (problem,) = problems_of(path, "demo")
    assert (problem.line, problem.column) == (6, "代码")  # title row 1, header row 2, blank row 5


def test_numeric_xlsx_code_gets_a_hint(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "t.xlsx", EN, [[0, "", 1, "", "Zero", ""], [1, 0, 2, "", "One", ""]])
    (problem,) = problems_of(path, "cpc21")
    assert (problem.line, problem.column) == (3, "level")
    assert "leading zeros" in problem.message and "前导零" in (problem.message_zh or "")


@pytest.mark.parametrize(("header", "text"), [
    (("名字", "上级代码"), "code column"),
    (("code", "parent"), "no name column"),
])
def test_header_problems(tmp_path: Path, header: Sequence[str], text: str) -> None:
    problems = problems_of(write_csv(tmp_path / "t.csv", header, [["1", ""]]), "demo")
    assert [(p.line, p.column) for p in problems if text in p.message] == [(1, None)]


@pytest.mark.parametrize(("name", "content", "text"), [
    ("t.xls", b"\xd0\xcf\x11\xe0", ".xls"),
    ("t.xlsx", b"PK\x03\x04 broken", "XLSX"),
    ("t.csv", b"\xff\xfe\xfa\x80\x81", "UTF-8"),
    ("t.csv", b"code,name_en\n", "no rows"),
])
def test_unreadable_files(tmp_path: Path, name: str, content: bytes, text: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert any(text in p.message for p in problems_of(path, "demo"))


def test_missing_file_and_bad_scheme_id(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "absent.csv", "demo")[0].message.startswith("cannot read")
    with pytest.raises(BadInput, match="scheme id"):
        import_table(FIXTURE, "bad id/../x")


def test_gbt7635_profile_documents_padding() -> None:
    assert GBT7635.padded_length == 8
    assert [lv.code_length for lv in GBT7635.levels] == [1, 2, 3, 4, 5, 8]
    assert GBT7635.parse_level("8") == GBT7635.parse_level("细类") == 6


def test_duplicate_header_column_and_title_rows(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "t.xlsx", ["code", "名称", "中文名称"], [["1", "a", "b"]],
                      above=[["说明: a title row that mentions a header word"]])
    problems = problems_of(path, "demo")
    assert [(p.line, p.column) for p in problems] == [(2, None)]
    assert "two columns for name_zh" in problems[0].message
