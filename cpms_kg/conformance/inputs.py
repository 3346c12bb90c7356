"""Reading a firm's product table from CSV, XLSX or JSON into a `Table`, with zh/en errors naming row and column.

Row numbers are the user's: in CSV and XLSX the header is row 1 (or the first non-blank row, keeping its number),
so the first product is row 2; in JSON a row is the 1-based index of the array element. Empty cells are absent
keys in every format, so the same data gives the same rows whichever way it was exported.
RDF inputs (JSON-LD, Turtle, N-Triples, ...) are parsed elsewhere with `cpms_kg.rdfio`; `is_rdf` tells them apart.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path

from cpms_kg.conformance.table import Row, Table
from cpms_kg.errors import BadInput, Problem

MAX_CELL_CHARS = 10_000
"""Default limit on one cell's length: longer cells are almost always a broken export, not product data."""

MAX_PROBLEMS = 50
"""Row problems reported at once; the rest are counted, so a broken file does not produce a megabyte of errors."""

TABLE_EXTENSIONS = (".csv", ".xlsx", ".xlsm", ".json")
RDF_EXTENSIONS = (".jsonld", ".ttl", ".nt", ".nq", ".trig")

_ZERO_PADDED = re.compile(r"0+")


def is_rdf(path: Path) -> bool:
    """True for files read as RDF (with `cpms_kg.rdfio`) rather than as a table."""
    return path.suffix.lower() in RDF_EXTENSIONS


def read_table(path: Path, *, sheet: str | None = None, max_cell_chars: int = MAX_CELL_CHARS) -> Table:
    """The product table in `path` (.csv, .xlsx/.xlsm, .json); `sheet` names an XLSX sheet (default: the first)."""
    suffix = path.suffix.lower()
    if suffix not in TABLE_EXTENSIONS:
        known = ", ".join(TABLE_EXTENSIONS + RDF_EXTENSIONS)
        raise _bad(
            path,
            f"unsupported file type {suffix or '(none)'!r}; use one of {known}",
            f"不支持的文件类型 {suffix or '（无）'!r}，请使用 {known}",
        )
    if sheet is not None and suffix not in (".xlsx", ".xlsm"):
        raise _bad(path, "a sheet can only be named for an XLSX workbook", "只有 XLSX 工作簿可以指定工作表")
    data = _read_bytes(path)
    if suffix == ".json":
        return _read_json(path, data, max_cell_chars)
    if suffix == ".csv":
        text, encoding = _decode(path, data)
        return _read_csv(path, text, encoding, max_cell_chars)
    return _read_xlsx(path, data, sheet, max_cell_chars)


def _read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise _bad(path, f"cannot read the file: {reason}", f"无法读取文件：{reason}") from exc
    if not data.strip():
        raise _bad(path, "the file is empty", "文件为空")
    return data


# -- errors ------------------------------------------------------------------------------------------------------------


def _bad(path: Path, en: str, zh: str, *, line: int | None = None, column: str | None = None) -> BadInput:
    problem = Problem(en, source=path.name, line=line, column=column, message_zh=zh)
    return BadInput(
        f"{problem}", f"{path.name}：{zh}" if line is None else f"{path.name} 第 {line} 行：{zh}", problems=[problem]
    )


def _raise_problems(path: Path, problems: list[Problem], more: int) -> None:
    if not problems:
        return
    extra_en = f" (and {more} more)" if more else ""
    extra_zh = f"（另有 {more} 处）" if more else ""
    raise BadInput(
        f"{path.name}: {len(problems) + more} problem(s) in the table, first: {problems[0]}{extra_en}",
        f"{path.name}：表格中有 {len(problems) + more} 处问题，第一处：第 {problems[0].line} 行 "
        f"{problems[0].message_zh}{extra_zh}",
        problems=problems,
    )


def _letter(index: int) -> str:
    """Spreadsheet column letter for a 0-based index (0 -> A, 26 -> AA): how users find a column without a name."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


# -- decoding ----------------------------------------------------------------------------------------------------------


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """Text and the encoding used: UTF-8 (with or without BOM) first, else GB18030 (a superset of GBK and GB2312)."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8 with BOM"
        except UnicodeDecodeError as exc:
            raise _undecodable(path, data, exc.start + 3, "UTF-8") from exc
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030"), "GB18030"
        except UnicodeDecodeError as gb_error:
            # The encoding that got further is the likelier intent, so its failure point is the one to show.
            if utf8_error.start >= gb_error.start:
                raise _undecodable(path, data, utf8_error.start, "UTF-8") from gb_error
            raise _undecodable(path, data, gb_error.start, "GB18030") from gb_error


def _undecodable(path: Path, data: bytes, offset: int, encoding: str) -> BadInput:
    line = data.count(b"\n", 0, offset) + 1
    byte = data[offset : offset + 1].hex()
    return _bad(
        path,
        f"undecodable byte 0x{byte} at byte offset {offset} (line {line}); the file is neither UTF-8 "
        f"nor GB18030/GBK text (best guess {encoding})",
        f"第 {line} 行字节偏移 {offset} 处的字节 0x{byte} 无法解码：文件既不是 UTF-8 也不是 GB18030/GBK 文本",
        line=line,
    )


# -- shared table building ---------------------------------------------------------------------------------------------


def _header(
    path: Path, number: int, cells: Sequence[str], max_cell_chars: int, letters: bool = True
) -> tuple[str, ...]:
    """Column names from the header row: trimmed, non-empty and unique. Trailing empty header cells are ignored."""
    names = [c.strip() for c in cells]
    while names and not names[-1]:
        names.pop()
    if not names:
        raise _bad(
            path,
            "no header row: the first non-blank row has no column names",
            "没有表头：第一个非空行没有列名",
            line=number,
        )
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for index, name in enumerate(names):
        where = _letter(index) if letters else str(index + 1)
        if not name:
            problems.append(
                Problem(
                    f"empty column name in the header (column {where})",
                    source=path.name,
                    line=number,
                    column=where,
                    message_zh=f"表头中第 {where} 列的列名为空",
                )
            )
        elif len(name) > max_cell_chars:
            problems.append(
                Problem(
                    f"column name longer than {max_cell_chars} characters (column {where})",
                    source=path.name,
                    line=number,
                    column=where,
                    message_zh=f"第 {where} 列的列名超过 {max_cell_chars} 个字符",
                )
            )
        elif name in seen:
            problems.append(
                Problem(
                    f"duplicate column name {name!r} (columns {seen[name]} and {where})",
                    source=path.name,
                    line=number,
                    column=name,
                    message_zh=f"列名 {name!r} 重复（第 {seen[name]} 列和第 {where} 列）",
                )
            )
        else:
            seen[name] = where
    _raise_problems(path, problems, 0)
    return tuple(names)


def header_names(path: Path, cells: Sequence[str]) -> tuple[str, ...]:
    """The column names of a header on the file's first line, checked as every reader checks them."""
    return _header(path, 1, cells, MAX_CELL_CHARS)


class _Rows:
    """Collects data rows, checking width and cell size, so every format reports the same problems the same way."""

    def __init__(self, path: Path, columns: tuple[str, ...], max_cell_chars: int, letters: bool = True) -> None:
        self.path, self.columns, self.max_cell_chars, self.letters = path, columns, max_cell_chars, letters
        self.rows: list[Row] = []
        self.problems: list[Problem] = []
        self.more = 0

    def problem(self, problem: Problem) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.more += 1

    def add(self, number: int, cells: Sequence[str]) -> None:
        if not any(cells):
            return  # blank lines between products are layout, not data
        extra = [i for i in range(len(self.columns), len(cells)) if cells[i]]
        if extra:
            where = _letter(extra[0]) if self.letters else str(extra[0] + 1)
            self.problem(
                Problem(
                    f"row has {len(cells)} cells but the header has {len(self.columns)} columns "
                    f"(first extra value in column {where})",
                    source=self.path.name,
                    line=number,
                    column=where,
                    message_zh=f"该行有 {len(cells)} 个单元格，但表头只有 "
                    f"{len(self.columns)} 列（第 {where} 列有多余的值）",
                )
            )
        self.add_mapping(number, {name: text for name, text in zip(self.columns, cells, strict=False) if text})

    def add_mapping(self, number: int, cells: dict[str, str]) -> None:
        for name, text in cells.items():
            if len(text) > self.max_cell_chars:
                self.problem(
                    Problem(
                        f"cell has {len(text)} characters, more than the limit of {self.max_cell_chars}",
                        source=self.path.name,
                        line=number,
                        column=name,
                        message_zh=f"单元格有 {len(text)} 个字符，超过上限 {self.max_cell_chars}",
                    )
                )
        self.rows.append(Row(number, cells))

    def table(self, source: str, notes: Iterable[str]) -> Table:
        _raise_problems(self.path, self.problems, self.more)
        return Table(source, self.columns, tuple(self.rows), tuple(notes))


# -- CSV ---------------------------------------------------------------------------------------------------------------


def _read_csv(path: Path, text: str, encoding: str, max_cell_chars: int) -> Table:
    chunks = list(_csv_chunks(path, text, encoding, max_cell_chars, chunk_rows=None))
    return Table(chunks[0].source, chunks[0].columns, tuple(r for c in chunks for r in c.rows), chunks[0].notes)


def _csv_chunks(
    path: Path, text: str, encoding: str, max_cell_chars: int, *, chunk_rows: int | None
) -> Iterator[Table]:
    """The rows in tables of `chunk_rows` (None: one table); problems anywhere are raised after the last one."""
    # Python's csv module has a per-field limit of its own (131072) whose error names no column; lift it (memory is
    # bounded by the file's size anyway) so that our limit gives the located error.
    csv.field_size_limit(2**31 - 1)
    reader = csv.reader(io.StringIO(text, newline=""))
    collected: _Rows | None = None
    notes = [f"encoding: {encoding}"]
    try:
        # A record is one spreadsheet row even when a quoted cell spans several lines.
        for number, record in enumerate(reader, start=1):
            if collected is None:
                if any(c.strip() for c in record):
                    collected = _Rows(path, _header(path, number, record, max_cell_chars), max_cell_chars)
            else:
                collected.add(number, record)
                if chunk_rows is not None and len(collected.rows) >= chunk_rows:
                    yield Table(path.name, collected.columns, tuple(collected.rows), tuple(notes))
                    collected.rows = []
    except csv.Error as exc:
        raise _bad(path, f"malformed CSV: {exc}", f"CSV 格式错误：{exc}", line=reader.line_num) from exc
    if collected is None:
        raise _bad(path, "no header row: the file has only blank lines", "没有表头：文件只有空行")
    yield collected.table(path.name, notes)


def iter_tables(path: Path, *, sheet: str | None = None, chunk_rows: int = 50_000) -> Iterator[Table]:
    """`read_table` in chunks of rows, so a large CSV is never held as Python rows at once (the others are
    read whole, then sliced). A problem anywhere is raised once every chunk before it has been yielded."""
    if path.suffix.lower() != ".csv":
        table = read_table(path, sheet=sheet)
        for start in range(0, max(len(table.rows), 1), chunk_rows):
            yield Table(table.source, table.columns, table.rows[start : start + chunk_rows], table.notes)
        return
    text, encoding = _decode(path, _read_bytes(path))
    yield from _csv_chunks(path, text, encoding, MAX_CELL_CHARS, chunk_rows=chunk_rows)


# -- XLSX --------------------------------------------------------------------------------------------------------------


def _cell_text(value: object, number_format: str) -> str:
    """A cell value as the user typed it: 25 not 25.0, zero-padded codes (format 000000) keep their zeros."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # as Excel shows it, so XLSX and its CSV export agree
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            return format(Decimal(repr(value)), "f")  # 1e-05 -> 0.00001: no exponent the user never typed
        text = str(int(value)) if value == value and abs(value) != float("inf") else str(value)
        fmt = number_format.split(";")[0]
        if _ZERO_PADDED.fullmatch(fmt) and text.isdigit():
            text = text.zfill(len(fmt))
        return text
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _read_xlsx(path: Path, data: bytes, sheet: str | None, max_cell_chars: int) -> Table:
    from openpyxl import load_workbook

    # openpyxl raises whatever its zip, XML and style parsers raise on a damaged file (BadZipFile, KeyError,
    # ValueError, TypeError, ParseError, ...), so anything from opening or reading the workbook is bad input.
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise _bad(
            path,
            f"not a readable XLSX workbook ({type(exc).__name__}: {exc})",
            "不是可读取的 XLSX 工作簿，请在 Excel 中另存为 .xlsx",
        ) from exc
    try:
        names = list(book.sheetnames)
        if sheet is not None and sheet not in names:
            raise _bad(
                path,
                f"no sheet named {sheet!r}; the workbook has: {', '.join(names)}",
                f"没有名为 {sheet!r} 的工作表；工作簿中的工作表：{'、'.join(names)}",
            )
        if not names:
            raise _bad(path, "the workbook has no sheets", "工作簿中没有工作表")
        name = sheet if sheet is not None else names[0]
        try:
            cells = _sheet_cells(book[name])
        except BadInput:
            raise
        except Exception as exc:
            raise _bad(
                path, f"cannot read sheet {name!r} ({type(exc).__name__}: {exc})", f"无法读取工作表 {name!r}"
            ) from exc
    finally:
        book.close()
    notes = [f"sheet: {name}" + ("" if sheet is not None or len(names) == 1 else f" (first of {len(names)})")]
    empty_formulas = _formulas_without_value(data, name, cells)
    if empty_formulas:
        shown = ", ".join(empty_formulas[:5]) + (" ..." if len(empty_formulas) > 5 else "")
        notes.append(
            f"{len(empty_formulas)} formula cell(s) have no saved value and were read as empty ({shown}); "
            "open and save the file in Excel to store the values"
        )
    collected: _Rows | None = None
    for number, texts in cells:
        if collected is None:
            if any(t.strip() for t in texts):
                collected = _Rows(path, _header(path, number, texts, max_cell_chars), max_cell_chars)
        else:
            collected.add(number, texts)
    if collected is None:
        raise _bad(path, f"no header row: sheet {name!r} is empty", f"没有表头：工作表 {name!r} 为空")
    return collected.table(f"{path.name} [{name}]", notes)


def _sheet_cells(worksheet: object) -> list[tuple[int, list[str]]]:
    rows: list[tuple[int, list[str]]] = []
    number = 0
    for cells in worksheet.iter_rows():  # type: ignore[attr-defined]
        # Read-only sheets fill gaps with empty rows; a cell's own row number is still the one to trust.
        number = next((int(c.row) for c in cells if getattr(c, "row", None)), number + 1)
        texts = [_cell_text(c.value, getattr(c, "number_format", None) or "General") for c in cells]
        while texts and not texts[-1]:
            texts.pop()
        rows.append((number, texts))
    return rows


def _formulas_without_value(data: bytes, sheet: str, cells: list[tuple[int, list[str]]]) -> list[str]:
    """Formula cells without a cached value: data_only reads them as empty, which must not pass silently."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            formulas = [
                (c.row, c.column)
                for row in book[sheet].iter_rows()
                for c in row
                if isinstance(c.value, str) and c.value.startswith("=")
            ]
        finally:
            book.close()
    except Exception:
        return []  # the values were read already; this is only a courtesy note
    by_row = dict(cells)
    out: list[str] = []
    for row, column in formulas:
        texts = by_row.get(row, [])
        if column - 1 >= len(texts) or not texts[column - 1]:
            out.append(f"{_letter(column - 1)}{row}")
    return out


# -- JSON --------------------------------------------------------------------------------------------------------------


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _read_json(path: Path, data: bytes, max_cell_chars: int) -> Table:
    text, encoding = _decode(path, data)
    try:
        # Numbers are kept as their literal text (25.0 stays "25.0", 007 cannot occur in JSON) rather than as floats.
        doc = json.loads(text, parse_float=str, parse_int=str, parse_constant=str, object_pairs_hook=_no_duplicates)
    except _DuplicateKey as exc:
        raise _bad(
            path,
            f"an object repeats the key {exc.args[0]!r}",
            f"对象中的键 {exc.args[0]!r} 重复",
            column=str(exc.args[0]),
        ) from exc
    except json.JSONDecodeError as exc:
        raise _bad(
            path,
            f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            f"不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列 {exc.msg}",
            line=exc.lineno,
        ) from exc
    except RecursionError as exc:
        raise _bad(path, "JSON nested too deeply", "JSON 嵌套层数过多") from exc
    if not isinstance(doc, list):
        raise _bad(path, f"expected a JSON array of objects, found {type(doc).__name__}", "应为由对象组成的 JSON 数组")
    columns: dict[str, None] = {}  # first appearance order, so columns read left to right as the firm wrote them
    for element in doc:
        if isinstance(element, dict):
            columns.update(dict.fromkeys(element))
    if not columns:
        raise _bad(path, "no columns: the array has no object with keys", "没有列：数组中没有带键的对象")
    if "" in columns:
        raise _bad(path, "empty key (column name) in an object", "对象中有空的键（列名）", column="")
    collected = _Rows(path, tuple(columns), max_cell_chars)
    for number, element in enumerate(doc, start=1):
        if not isinstance(element, dict):
            en, zh = _json_kind(element)
            collected.problem(
                Problem(
                    f"element {number} is {en}, not an object",
                    source=path.name,
                    line=number,
                    message_zh=f"第 {number} 个元素是{zh}，不是对象",
                )
            )
            continue
        cells: dict[str, str] = {}
        for key, value in element.items():
            if isinstance(value, dict | list):
                en, zh = _json_kind(value)
                collected.problem(
                    Problem(
                        f"element {number}, key {key!r}: nested {en} where a single value is expected",
                        source=path.name,
                        line=number,
                        column=key,
                        message_zh=f"第 {number} 个元素的键 {key!r}：应为单个值，却是嵌套的{zh}",
                    )
                )
            elif isinstance(value, bool):
                cells[key] = "true" if value else "false"
            elif value is not None and value != "":
                cells[key] = str(value)
        if cells:  # an empty object is a blank row, skipped as in CSV and XLSX
            collected.add_mapping(number, cells)
    return collected.table(path.name, [f"encoding: {encoding}"])


def _json_kind(value: object) -> tuple[str, str]:
    """English and Chinese names of a JSON value's kind, for messages."""
    if isinstance(value, dict):
        return "an object", "对象"
    if isinstance(value, list):
        return "an array", "数组"
    if isinstance(value, bool):
        return "a boolean", "布尔值"
    if value is None:
        return "null", "null"
    return "a scalar", "单个值"
