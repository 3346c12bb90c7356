"""Reading spreadsheet rows from CSV (UTF-8 or GB18030) and XLSX, numbered as a spreadsheet shows them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from cpms_kg.errors import BadInput, Problem


@dataclass(frozen=True)
class RawRow:
    """One non-blank row: its spreadsheet row number (first row = 1) and its cells as text."""

    number: int
    cells: tuple[str, ...]
    numeric: tuple[bool, ...]  # which cells held numbers (XLSX), where leading zeros may be lost


def read_rows(path: Path) -> list[RawRow]:
    """All non-blank rows of the first sheet (XLSX) or of the CSV file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, f"cannot read the file: {exc.strerror or exc}", "无法读取文件") from exc
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise _unreadable(path, "old .xls files are not supported; save as .xlsx or CSV",
                          "不支持旧版 .xls 文件，请另存为 .xlsx 或 CSV")
    if suffix in (".xlsx", ".xlsm") or data[:2] == b"PK":
        return _xlsx_rows(path, data)
    return _csv_rows(path, data)


def _unreadable(path: Path, en: str, zh: str) -> BadInput:
    problem = Problem(en, source=str(path), message_zh=zh)
    return BadInput(f"{path}: {en}", f"{path}：{zh}", problems=[problem])


def _decode(path: Path, data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _unreadable(path, "the file is neither UTF-8 nor GB18030 text",
                      "文件既不是 UTF-8 也不是 GB18030 文本")


def _csv_rows(path: Path, data: bytes) -> list[RawRow]:
    reader = csv.reader(io.StringIO(_decode(path, data), newline=""))
    rows: list[RawRow] = []
    try:
        # A record is one spreadsheet row even when a quoted cell spans several lines.
        for number, record in enumerate(reader, start=1):
            cells = tuple(c.strip() for c in record)
            if any(cells):
                rows.append(RawRow(number, cells, (False,) * len(cells)))
    except csv.Error as exc:
        raise _unreadable(path, f"malformed CSV near row {reader.line_num}: {exc}",
                          f"CSV 格式错误（约第 {reader.line_num} 行）：{exc}") from exc
    return rows


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def _xlsx_rows(path: Path, data: bytes) -> list[RawRow]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise _unreadable(path, f"not a readable XLSX workbook: {exc}", "不是可读取的 XLSX 工作簿") from exc
    try:
        sheet = book.worksheets[0]
        rows: list[RawRow] = []
        for cells in sheet.iter_rows():
            values = [c.value for c in cells]
            number = next((c.row for c in cells if getattr(c, "row", None)), None)
            texts = tuple(_cell_text(v) for v in values)
            if number is None or not any(texts):
                continue
            numeric = tuple(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
            rows.append(RawRow(int(number), texts, numeric))
        return rows
    finally:
        book.close()
