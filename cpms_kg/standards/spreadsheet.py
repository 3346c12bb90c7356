"""A standard version in and out of the spreadsheet template: one XLSX workbook, or a folder (or .zip) of CSV files.

The sheets and columns are declared in `sheets`. Reading checks everything and raises one `BadInput`
listing every problem, each naming the sheet (`source` is "FILE › SHEET"), the row as the sheet
numbers it, the column header as written, and what is wrong in English and Chinese.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Literal

from cpms_kg.classification.readers import RawRow, _cell_text, _csv_rows, _unreadable
from cpms_kg.errors import BadInput
from cpms_kg.standards.model import Code, Standard, Text
from cpms_kg.standards.sheet_reader import RawSheet, Reader
from cpms_kg.standards.sheets import (
    ATTRIBUTES,
    CATEGORIES,
    CODE_LISTS,
    FIELDS,
    REQUIREMENTS,
    STANDARD,
    UNBOUNDED,
    Sheet,
    format_decimal,
    format_mapping,
    format_match,
)

# Workbook timestamps are fixed so that the same standard always gives the same bytes.
_FIXED_TIME = dt.datetime(2000, 1, 1)
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
_NO_CODE = Code("", Text("", ""))


def read_standard(path: Path) -> Standard:
    """Read and check a standard from an .xlsx workbook, a folder of CSV files, or a .zip of them.

    CSV files are named after the English sheet names (standard.csv, categories.csv, attributes.csv,
    code_lists.csv, requirements.csv; Chinese names also work) and may be UTF-8, with or without a
    BOM, or GB18030. Raises `BadInput` with every problem found; returns nothing partial.
    """
    reader = Reader(str(path))
    standard = reader.read(_load(path))
    if standard is None:
        n = len(reader.problems)
        raise BadInput(f"{n} problem{'s' if n > 1 else ''} in {path}", f"{path} 中有 {n} 个问题",
                       problems=reader.problems)
    return standard


def write_standard(standard: Standard, path: Path, *, format: Literal["xlsx", "csv"],
                   language: Literal["zh", "en"] = "zh") -> None:
    """Write the template: `xlsx` one workbook at `path`, `csv` one file per sheet in the folder `path`.

    Headers and XLSX sheet names are Chinese (`language="zh"`) or English; CSV file names are always
    the English sheet names. Every cell is written as text, so codes like 007 keep their zeros.
    """
    tables = {sheet: [[c.label(language) for c in sheet.columns], *rows] for sheet, rows in _rows(standard, language)}
    if format == "csv":
        path.mkdir(parents=True, exist_ok=True)
        for sheet, rows in tables.items():
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\r\n").writerows(rows)
            # A BOM, so that Excel opens the Chinese text as UTF-8.
            (path / f"{sheet.en}.csv").write_bytes(buffer.getvalue().encode("utf-8-sig"))
    elif format == "xlsx":
        path.write_bytes(_workbook({sheet.label(language): rows for sheet, rows in tables.items()}))
    else:
        raise ValueError(f"unknown format {format!r}")


def _rows(standard: Standard, language: str) -> list[tuple[Sheet, list[list[str]]]]:
    """The cells of every sheet but the header row, as text ('' for nothing), in the declared column order."""
    info = standard.info

    def s(value: object) -> str:
        return "" if value is None else value.isoformat() if isinstance(value, dt.date) else str(value)

    def d(value: Decimal | None) -> str:
        return "" if value is None else format_decimal(value)

    def bilingual(prefix: str, text: Text | None) -> dict[str, str]:
        return {f"{prefix}_zh": text.zh, f"{prefix}_en": text.en} if text else {}

    values = {
        "id": info.id, "version": info.version, "region": info.region,
        "industry": f"{info.industry.scheme}:{info.industry.code}", "industry_relation": info.industry.relation.value,
        "status": info.status.value, "expert_group": s(info.expert_group), "issued": s(info.issued),
        "implemented": s(info.implemented), "previous_version": s(info.previous_version),
        **bilingual("title", info.title), **bilingual("issuing_body", info.issuing_body),
        **bilingual("description", info.description),
    }
    cells: list[tuple[Sheet, list[dict[str, str]]]] = [
        (STANDARD, [{"field": f.label(language), "value": values.get(f.key, ""), "note": f.note} for f in FIELDS]),
        (CATEGORIES, [
            {"code": c.code, "parent": s(c.parent), **bilingual("name", c.name),
             **bilingual("definition", c.definition), "mappings": "; ".join(format_mapping(m) for m in c.mappings)}
            for c in standard.categories]),
        (ATTRIBUTES, [
            {"code": a.code, **bilingual("name", a.name), **bilingual("definition", a.definition),
             "datatype": a.datatype.value, "unit": s(a.unit), "code_list": s(a.code_list), "min": d(a.min_inclusive),
             "max": d(a.max_inclusive), "pattern": s(a.pattern), "min_length": s(a.min_length),
             "max_length": s(a.max_length), "min_count": str(a.min_count),
             "max_count": UNBOUNDED[0] if a.max_count is None else str(a.max_count), "example": s(a.example),
             "reuse": s(a.reuse), "matches": "; ".join(format_match(m) for m in a.matches)}
            for a in standard.attributes]),
        # A reused list is written with its codes for readers (one row when they are not known).
        (CODE_LISTS, [{"list": cl.id, **bilingual("list_name", cl.name), "code": c.code, **bilingual("label", c.label),
                       "reuse": s(cl.reuse)}
                      for cl in standard.code_lists for c in (cl.codes or ((_NO_CODE,) if cl.reuse else ()))]),
        (REQUIREMENTS, [{"category": r.category, "attribute": r.attribute, "obligation": r.obligation.value}
                        for r in standard.requirements]),
    ]
    return [(sheet, [[row.get(c.key, "") for c in sheet.columns] for row in rows]) for sheet, rows in cells]


def _workbook(sheets: dict[str, list[list[str]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.packaging.core import DocumentProperties
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.xml.functions import tostring

    book = Workbook()
    book.remove(book.worksheets[0])
    bold = Font(bold=True)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, text in enumerate(row, start=1):
                cell = sheet.cell(r, c, text)
                cell.data_type = "s"  # text, even when it starts with '=' or looks like a number
                cell.number_format = "@"  # and Excel keeps what experts type in it as text
                if r == 1:
                    cell.font = bold
        for c in range(1, len(rows[0]) + 1):
            width = max(_width(row[c - 1]) for row in rows)
            sheet.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 8), 60)
        sheet.freeze_panes = "A2"
    raw = io.BytesIO()
    book.save(raw)
    # openpyxl stamps the save time into docProps/core.xml and every zip entry: replace both.
    properties = DocumentProperties(creator="cpms-kg", created=_FIXED_TIME, modified=_FIXED_TIME)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = tostring(properties.to_tree()) if entry.filename == "docProps/core.xml" \
                else source.read(entry.filename)
            target.writestr(zipfile.ZipInfo(entry.filename, _ZIP_TIME), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)  # CJK characters take two columns


def _load(path: Path) -> list[RawSheet]:
    """Every sheet (XLSX) or CSV file found, with its rows; unreadable input raises at once."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv")
        return [RawSheet(p.name, _csv_rows(p, _bytes(p))) for p in files]
    data = _bytes(path)
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return _zip_sheets(path, data)
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_sheets(path, data)
    raise _unreadable(path, "a standard is an .xlsx workbook, or a folder or .zip of CSV files (one per sheet)",
                      "标准应为 .xlsx 工作簿，或由 CSV 文件（每表一个）组成的文件夹或 .zip 文件")


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, f"cannot read the file: {exc.strerror or exc}", "无法读取文件") from exc


def _zip_sheets(path: Path, data: bytes) -> list[RawSheet]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [m for m in archive.infolist() if not m.is_dir() and m.filename.lower().endswith(".csv")
                       and not m.filename.startswith("__MACOSX/")]
            # The CSV files may sit at the top of the archive or inside one folder.
            return [RawSheet(PurePosixPath(m.filename).name, _csv_rows(path / m.filename, archive.read(m)))
                    for m in sorted(members, key=lambda m: m.filename)]
    except zipfile.BadZipFile as exc:
        raise _unreadable(path, f"not a readable .zip file: {exc}", "不是可读取的 .zip 文件") from exc


def _xlsx_sheets(path: Path, data: bytes) -> list[RawSheet]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise _unreadable(path, f"not a readable XLSX workbook: {exc}", "不是可读取的 XLSX 工作簿") from exc
    try:
        sheets = []
        for sheet in book.worksheets:
            sheet.reset_dimensions()  # some writers record wrong sheet sizes; read what is there
            rows = []
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = tuple(_cell_text(v) for v in values)
                if any(cells):
                    numeric = tuple(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
                    rows.append(RawRow(number, cells, numeric))
            sheets.append(RawSheet(sheet.title, rows))
        return sheets
    finally:
        book.close()

