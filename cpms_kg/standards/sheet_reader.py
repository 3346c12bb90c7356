"""Checking the template's sheets and building a `Standard` from them, collecting every problem.

Each problem names the sheet ("FILE › SHEET"), the row as the sheet numbers it, the column header as
written (or the expected header when the column is missing), and what is wrong in English and Chinese.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from cpms_kg.classification.readers import RawRow
from cpms_kg.errors import Problem
from cpms_kg.standards.model import (
    Attribute,
    Category,
    Code,
    CodeList,
    Datatype,
    MappingRelation,
    Obligation,
    Requirement,
    Standard,
    StandardInfo,
    Status,
    Text,
)
from cpms_kg.standards.sheets import (
    ATTRIBUTES,
    CATEGORIES,
    CODE_LISTS,
    DATATYPES,
    FIELDS,
    OBLIGATIONS,
    RELATIONS,
    REQUIREMENTS,
    SHEETS,
    STANDARD,
    STATUSES,
    CellError,
    Sheet,
    choose,
    norm,
    parse_count,
    parse_date,
    parse_decimal,
    parse_mapping,
    parse_mappings,
    parse_matches,
    parse_max_count,
    parse_reference,
)

T = TypeVar("T")
_HEADER_SCAN = 10  # title rows allowed above the header row
_NUMBER_HINT = (" (the cell is a number, so leading zeros may be lost: format the column as text)",
                "（该单元格是数字，前导零可能已丢失：请把该列设为文本格式）")


@dataclass(frozen=True)
class RawSheet:
    name: str  # XLSX sheet title or CSV file name
    rows: list[RawRow]


@dataclass
class Table:
    """A sheet whose header row was found: where each known column is, and the rows below it."""

    sheet: Sheet
    source: str
    header_row: int
    columns: dict[str, tuple[int, str]]  # column key -> (index, header text as written)
    rows: list[RawRow] = field(default_factory=list)

    def header(self, key: str) -> str:
        return self.columns[key][1] if key in self.columns else self.sheet.column(key).zh


@dataclass(frozen=True)
class Row:
    table: Table
    raw: RawRow

    @property
    def number(self) -> int:
        return self.raw.number

    def get(self, key: str) -> str:
        index = self.table.columns[key][0] if key in self.table.columns else len(self.raw.cells)
        return self.raw.cells[index].strip() if index < len(self.raw.cells) else ""

    def hint(self, key: str) -> tuple[str, str]:
        index = self.table.columns[key][0] if key in self.table.columns else len(self.raw.numeric)
        return _NUMBER_HINT if index < len(self.raw.numeric) and self.raw.numeric[index] else ("", "")


class Reader:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.read_ok: set[str] = set()  # sheets read; references into the others are not checked

    def fail(self, source: str, row: int | None, column: str | None, en: str, zh: str) -> None:
        self.problems.append(Problem(en, source=source, line=row, column=column, message_zh=zh))

    def at(self, row: Row, key: str, en: str, zh: str) -> None:
        self.fail(row.table.source, row.number, row.table.header(key), en, zh)

    def value(self, row: Row, key: str, parse: Callable[[str], T]) -> T | None:
        """The parsed cell, or None when it is empty or wrong (and then reported)."""
        text = row.get(key)
        if not text:
            return None
        try:
            return parse(text)
        except CellError as exc:
            self.at(row, key, exc.en, exc.zh)
            return None

    def required(self, row: Row, key: str) -> str:
        text = row.get(key)
        if not text:
            column = row.table.sheet.column(key)
            self.at(row, key, f"empty {column.en}", f"{column.zh}为空")
        return text

    def text(self, row: Row, zh: str, en: str, required: bool = True) -> Text:
        if required:
            return Text(self.required(row, zh), self.required(row, en))
        return Text(row.get(zh), row.get(en))

    def read(self, sheets: list[RawSheet]) -> Standard | None:
        tables = self.tables(sheets)
        self.read_ok = set(tables)
        info = self.info(tables[STANDARD.key]) if STANDARD.key in tables else None
        categories = self.categories(tables.get(CATEGORIES.key))
        lists = self.code_lists(tables.get(CODE_LISTS.key))
        attributes = self.attributes(tables.get(ATTRIBUTES.key), lists)
        requirements = self.requirements(tables.get(REQUIREMENTS.key), categories, attributes)
        if self.problems or info is None:
            return None
        return Standard(info, tuple(categories.values()), tuple(attributes.values()), tuple(lists.values()),
                        tuple(requirements))

    def tables(self, sheets: list[RawSheet]) -> dict[str, Table]:
        lookup = {norm(n): s for s in SHEETS for n in s.names}
        tables: dict[str, Table] = {}
        found: dict[str, str] = {}
        for raw in sheets:
            source = f"{self.path} › {raw.name}"
            sheet = lookup.get(norm(re.sub(r"\.csv$", "", raw.name, flags=re.IGNORECASE)))
            if sheet is None:
                continue  # notes or instructions sheets are allowed
            if sheet.key in found:
                self.fail(source, None, None, f"a second {sheet.en} sheet (the first is {found[sheet.key]!r})",
                          f"重复的{sheet.zh}表（第一个是 {found[sheet.key]!r}）")
                continue
            found[sheet.key] = raw.name
            table = self.header(sheet, source, raw.rows)
            if table is not None:
                tables[sheet.key] = table
        for sheet in SHEETS:
            if sheet.key not in found:
                names = " / ".join(sheet.names[:2])
                self.fail(f"{self.path} › {names}", None, None, f"missing sheet {names} ({sheet.en}.csv as CSV)",
                          f"缺少工作表 {names}（CSV 文件为 {sheet.en}.csv）")
        return tables

    def header(self, sheet: Sheet, source: str, rows: list[RawRow]) -> Table | None:
        """The sheet's header row: the first row (of the first few) holding the anchor column."""
        lookup = {norm(n): c.key for c in sheet.columns for n in c.names}
        anchor = sheet.anchor
        for index, raw in enumerate(rows[:_HEADER_SCAN]):
            if anchor.key not in {lookup.get(norm(c)) for c in raw.cells}:
                continue
            columns: dict[str, tuple[int, str]] = {}
            for col, text in enumerate(raw.cells):
                key = lookup.get(norm(text))
                if key in columns:
                    self.fail(source, raw.number, text, f"a second column for {key} (the first is "
                              f"{columns[key][1]!r})", f"{key} 列重复（第一个是 {columns[key][1]!r}）")
                elif key is not None:
                    columns[key] = (col, text)
            missing = [c for c in sheet.columns if c.required and c.key not in columns]
            for c in missing:
                self.fail(source, raw.number, f"{c.zh} / {c.en}", f"missing column {c.zh} / {c.en}",
                          f"缺少列 {c.zh} / {c.en}")
            # A sheet without its required columns is not read, so its rows raise no further problems.
            return None if missing else Table(sheet, source, raw.number, columns, rows[index + 1:])
        self.fail(source, rows[0].number if rows else 1, f"{anchor.zh} / {anchor.en}",
                  f"no header row with a column {anchor.zh} / {anchor.en} in the first {_HEADER_SCAN} rows",
                  f"前 {_HEADER_SCAN} 行中找不到含 {anchor.zh} / {anchor.en} 列的表头行")
        return None

    def info(self, table: Table) -> StandardInfo | None:
        lookup = {norm(n): f for f in FIELDS for n in f.names}
        rows: dict[str, Row] = {}
        for raw in table.rows:
            row = Row(table, raw)
            name = row.get("field")
            spec = lookup.get(norm(name))
            if spec is None:
                self.at(row, "field", f"unknown field {name!r} (use {', '.join(f.en for f in FIELDS)})",
                        f"未知字段 {name!r}（可用 {'、'.join(f.zh for f in FIELDS)}）")
            elif spec.key in rows:
                self.at(row, "field", f"field {name} given twice (first at row {rows[spec.key].number})",
                        f"字段 {name} 重复（首次出现在第 {rows[spec.key].number} 行）")
            else:
                rows[spec.key] = row
        for spec in FIELDS:
            if spec.required and spec.key not in rows:
                self.fail(table.source, table.header_row, table.header("field"), f"missing field {spec.zh} / "
                          f"{spec.en}", f"缺少字段 {spec.zh} / {spec.en}")
            elif spec.required and not rows[spec.key].get("value"):
                self.at(rows[spec.key], "value", f"empty {spec.en}", f"{spec.zh}为空")

        def get(key: str, parse: Callable[[str], T]) -> T | None:
            return self.value(rows[key], "value", parse) if key in rows else None

        relation = get("industry_relation", lambda t: choose(("relation", "映射关系"), MappingRelation, RELATIONS, t))
        industry = get("industry", lambda t: parse_mapping(t, relation or MappingRelation.EXACT))
        region = get("region", str)
        if region is not None and not re.fullmatch(r"[0-9]{6}", region):
            self.at(rows["region"], "value", f"region {region!r} is not a 6-digit GB/T 2260 code",
                    f"地区代码 {region!r} 不是 6 位 GB/T 2260 代码")
        title, body, description = (Text(get(f"{k}_zh", str) or "", get(f"{k}_en", str) or "")
                                    for k in ("title", "issuing_body", "description"))
        status = get("status", lambda t: choose(("status", "状态"), Status, STATUSES, t))
        issued, implemented = get("issued", parse_date), get("implemented", parse_date)
        if self.problems or industry is None or region is None:
            return None
        return StandardInfo(
            id=get("id", str) or "", version=get("version", str) or "", title=title, region=region,
            industry=industry, issuing_body=body, status=status or Status.DRAFT,
            expert_group=get("expert_group", str), issued=issued, implemented=implemented,
            previous_version=get("previous_version", str),
            description=description if description.zh or description.en else None)

    def unique(self, row: Row, key: str, value: str, seen: dict[str, Row], what: tuple[str, str]) -> bool:
        """Record `value` as seen at `row`; report it if it was seen before."""
        if value in seen:
            first = seen[value].number
            self.at(row, key, f"duplicate {what[0]} {value} (first at row {first})",
                    f"{what[1]} {value} 重复（首次出现在第 {first} 行）")
            return False
        seen[value] = row
        return True

    def categories(self, table: Table | None) -> dict[str, Category]:
        out: dict[str, Category] = {}
        rows: dict[str, Row] = {}
        for row in (Row(table, raw) for raw in table.rows) if table else ():
            code = self.required(row, "code")
            name = self.text(row, "name_zh", "name_en")
            definition = self.text(row, "definition_zh", "definition_en", required=False)
            mappings = self.value(row, "mappings", parse_mappings) or ()
            if code and self.unique(row, "code", code, rows, ("category code", "类目代码")):
                out[code] = Category(code, name, row.get("parent") or None,
                                     definition if definition.zh or definition.en else None, mappings)
        for code, category in out.items():
            if category.parent is not None and category.parent not in out:
                hint = rows[code].hint("parent")
                self.at(rows[code], "parent", f"parent {category.parent} of {code} is not in the categories "
                        f"sheet{hint[0]}", f"{code} 的上级代码 {category.parent} 不在类目表中{hint[1]}")
        self.cycles(out, rows)
        return out

    def cycles(self, categories: dict[str, Category], rows: dict[str, Row]) -> None:
        done: set[str] = set()
        for start in categories:
            chain: list[str] = []
            node: str | None = start
            while node in categories and node not in done and node not in chain:
                chain.append(node)
                node = categories[node].parent
            if node in chain:
                cycle = chain[chain.index(node):]
                first = min(cycle, key=lambda c: rows[c].number)
                loop = " → ".join([*cycle, cycle[0]])
                self.at(rows[first], "parent", f"categories form a cycle: {loop}", f"类目的上级代码形成循环：{loop}")
            done.update(chain)

    def code_lists(self, table: Table | None) -> dict[str, CodeList]:
        names: dict[str, tuple[Row, Text]] = {}
        codes: dict[str, dict[str, Row]] = {}
        labels: dict[str, list[Code]] = {}
        reused: dict[str, str | None] = {}  # list id -> the IRI it reuses (None: an own list)
        for row in (Row(table, raw) for raw in table.rows) if table else ():
            list_id = self.required(row, "list")
            reuse = self.value(row, "reuse", parse_reference)
            if reused.setdefault(list_id, reuse) != reuse:
                self.at(row, "reuse", f"code list {list_id} reuses {reused[list_id] or 'nothing'} on an earlier row",
                        f"代码表 {list_id} 在前面的行中复用的是 {reused[list_id] or '（无）'}")
            if reuse is not None:  # the codes and names come from the standard that defines the list
                names.setdefault(list_id, (row, self.text(row, "list_name_zh", "list_name_en", required=False)))
                continue
            code = self.required(row, "code")
            label = self.text(row, "label_zh", "label_en")
            if list_id not in names:
                names[list_id] = (row, self.text(row, "list_name_zh", "list_name_en"))
            else:
                first, name = names[list_id]
                given = self.text(row, "list_name_zh", "list_name_en", required=False)
                differs = [(k, b) for k, a, b in (("list_name_zh", given.zh, name.zh),
                                                  ("list_name_en", given.en, name.en)) if a and a != b]
                for key, b in differs[:1]:
                    self.at(row, key, f"code list {list_id} is named {b!r} at row {first.number}: two lists "
                            f"with one id?", f"代码表 {list_id} 在第 {first.number} 行名为 {b!r}：同一编号两个代码表？")
            if code and self.unique(row, "code", code, codes.setdefault(list_id, {}), (f"code in list {list_id}",
                                                                                      f"代码表 {list_id} 中的代码")):
                labels.setdefault(list_id, []).append(Code(code, label))
        return {i: CodeList(i, names[i][1], tuple(labels.get(i, ())), reused.get(i)) for i in names if i}

    def attributes(self, table: Table | None, lists: dict[str, CodeList]) -> dict[str, Attribute]:
        out: dict[str, Attribute] = {}
        seen: dict[str, Row] = {}
        for row in (Row(table, raw) for raw in table.rows) if table else ():
            code = self.required(row, "code")
            reuse = self.value(row, "reuse", parse_reference)
            if reuse is not None:
                # The definition comes from the standard that defines it (standards.reuse); other cells are
                # for readers and are not read.
                if code and self.unique(row, "code", code, seen, ("attribute code", "属性代码")):
                    out[code] = Attribute(code, self.text(row, "name_zh", "name_en", required=False),
                                          Datatype.STRING, reuse=reuse)
                continue
            name = self.text(row, "name_zh", "name_en")
            definition = self.text(row, "definition_zh", "definition_en", required=False)
            self.required(row, "datatype")
            datatype = self.value(row, "datatype", lambda t: choose(("datatype", "数据类型"), Datatype, DATATYPES, t))
            low, high = self.value(row, "min", parse_decimal), self.value(row, "max", parse_decimal)
            min_length, max_length = self.value(row, "min_length", parse_count), self.value(row, "max_length",
                                                                                             parse_count)
            min_count = self.value(row, "min_count", parse_count) or 0
            max_count = self.value(row, "max_count", parse_max_count) if row.get("max_count") else 1
            pattern, code_list = row.get("pattern") or None, row.get("code_list") or None
            for key, a, b in (("max", low, high), ("max_length", min_length, max_length),
                              ("max_count", min_count, max_count)):
                if a is not None and b is not None and a > b:
                    self.at(row, key, f"minimum {a} is greater than maximum {b}", f"最小值 {a} 大于最大值 {b}")
            if pattern is not None:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    self.at(row, "pattern", f"invalid pattern: {exc}", f"格式（正则表达式）无效：{exc}")
            if datatype is Datatype.CODE and code_list is None:
                self.at(row, "code_list", f"attribute {code} has datatype code but no code list",
                        f"属性 {code} 的数据类型为代码，但没有代码表")
            elif code_list is not None and datatype not in (None, Datatype.CODE):
                self.at(row, "code_list", "a code list needs datatype code", "只有数据类型为代码时才能指定代码表")
            elif code_list is not None and code_list not in lists and CODE_LISTS.key in self.read_ok:
                hint = row.hint("code_list")
                self.at(row, "code_list", f"code list {code_list} is not in the code lists sheet{hint[0]}",
                        f"代码表 {code_list} 不在代码表工作表中{hint[1]}")
            if (low is not None or high is not None) and datatype is not None and not datatype.numeric:
                key = "min" if low is not None else "max"
                self.at(row, key, "a range needs datatype decimal or integer",
                        "只有数据类型为小数或整数时才能指定取值范围")
            if code and self.unique(row, "code", code, seen, ("attribute code", "属性代码")):
                # An unreadable datatype was reported; the placeholder keeps requirements' references quiet.
                out[code] = Attribute(code, name, datatype or Datatype.STRING,
                                      definition if definition.zh or definition.en else None, row.get("unit") or None,
                                      code_list, low, high, pattern, min_length, max_length,
                                      min_count, max_count, row.get("example") or None,
                                      matches=self.value(row, "matches", parse_matches) or ())
        return out

    def requirements(self, table: Table | None, categories: dict[str, Category],
                     attributes: dict[str, Attribute]) -> list[Requirement]:
        out: list[Requirement] = []
        seen: dict[str, Row] = {}
        for row in (Row(table, raw) for raw in table.rows) if table else ():
            category, attribute = self.required(row, "category"), self.required(row, "attribute")
            self.required(row, "obligation")
            obligation = self.value(row, "obligation", lambda t: choose(("obligation", "约束"), Obligation,
                                                                         OBLIGATIONS, t))
            for key, code, known, sheet in (("category", category, categories, CATEGORIES),
                                            ("attribute", attribute, attributes, ATTRIBUTES)):
                if code and code not in known and sheet.key in self.read_ok:
                    hint = row.hint(key)
                    self.at(row, key, f"{key} {code} is not in the {sheet.en} sheet{hint[0]}",
                            f"{sheet.zh} {code} 不在{sheet.zh}表中{hint[1]}")
            pair = f"{category} / {attribute}"
            if category and attribute and self.unique(row, "category", pair, seen, ("requirement", "要求")) \
                    and obligation is not None:
                out.append(Requirement(category, attribute, obligation))
        return out

