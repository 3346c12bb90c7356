"""Normalise one cell of a firm's table to the lexical form its standard attribute expects.

Every rule that alters the text is recorded as a `Change` (rule id, before, after, zh/en description), so a report
can list exactly what was done; nothing changes silently. When a cell cannot be normalised the result carries an
`error` and keeps the raw text, so the validator still sees (and reports) what the firm wrote.

Rule ids (stable; reports count findings by them):
  trim            leading/trailing whitespace (incl. full-width and no-break spaces) removed
  fullwidth       full-width ASCII forms (０-９, Ａ-Ｚ, ，．－ …) and the ideographic space turned into ASCII
  thousands       thousands separators removed: "," "." (when another mark is the decimal), spaces, "'"
  decimal-comma   a comma read as the decimal mark. A single comma is a thousands separator only when it could be
                  one (1-3 digits not starting with 0, then exactly 3 digits: "1,234" = 1234); otherwise, or when
                  the number also has a "." before it or space grouping, it is the decimal mark ("2,5", "0,125",
                  "1.234,5", "1 234,5"). Chinese and English usage both put the decimal point first, hence this bias.
  exponent        scientific notation written out ("1.5E+3" -> "1500")
  unit-suffix     a unit written after the number ("25mm", "2.5 cm", "25 毫米") removed, converting to the
                  attribute's unit with QUDT factors (exact decimal arithmetic)
  unit-column     the same, for a unit given in a separate column
  integer         an integral decimal written as an integer ("3.0" -> "3", "+3" -> "3")
  boolean         是/否, yes/no, y/n, 1/0, t/f, true/false (any case) -> xsd:boolean "true"/"false"
  date-format     2024/1/31, 2024.1.31, 2024-1-31, 2024年1月31日, 20240131, or a midnight date-time -> xsd:date
  date-serial     an Excel serial day number (1-99999, not 60; 1900 date system) -> xsd:date
  code-case       a code-list code written in another case (unique case-insensitive match) -> the code
  code-label      a code-list value's zh or en label (en case-insensitive) -> its code
Error rule ids: not-number, not-integer, not-boolean, not-date, unit-unknown, unit-incompatible, unit-conflict,
unit-unexpected, code-unknown, code-ambiguous.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from cpms_kg.conformance.units import IncompatibleUnits, catalog, lexical
from cpms_kg.standards.model import Attribute, CodeList, Datatype, Text


@dataclass(frozen=True)
class Change:
    rule: str
    original: str
    normalised: str
    description: Text


@dataclass(frozen=True)
class NormaliseError:
    rule: str
    message: Text


@dataclass(frozen=True)
class Normalised:
    value: str | None
    """The lexical value to write (None: the cell is empty); the raw text when `error` is set."""
    changes: tuple[Change, ...] = ()
    error: NormaliseError | None = None


class _Fail(Exception):
    def __init__(self, rule: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.error = NormaliseError(rule, Text(zh, en))


_GROUP_SPACES = " \u00a0\u2009\u202f'"
_EXPONENT_RE = re.compile(r"[eE][+-]?\d+(?![\w/·.])")
_DECIMAL_RE = re.compile(r"\d+(\.\d*)?|\.\d+")
_TRUE = {"true", "t", "yes", "y", "1", "是", "对", "真"}
_FALSE = {"false", "f", "no", "n", "0", "否", "错", "假"}
_EXCEL_EPOCH = date(1899, 12, 30)  # day 0 for serials from 61 (1900-03-01) on
_DATE_RES = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
_MIDNIGHT_RE = re.compile(r"(.+?)(?:[T ]00:00(?::00(?:\.0+)?)?)")


def fullwidth_to_ascii(text: str) -> str:
    return "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else " " if c == "\u3000" else c for c in text)


class _Run:
    """The changes applied so far to one cell."""

    def __init__(self) -> None:
        self.changes: list[Change] = []

    def record(self, rule: str, before: str, after: str, zh: str, en: str) -> str:
        if after != before:
            self.changes.append(Change(rule, before, after, Text(zh, en)))
        return after


def normalise(
    text: str, attribute: Attribute, code_list: CodeList | None, *, unit_column: str | None = None
) -> Normalised:
    """Normalise `text` (a cell as read) for `attribute`; `unit_column` is the same row's unit cell, if any."""
    run = _Run()
    value = run.record("trim", text, text.strip(), "去除首尾空白", "Trimmed leading and trailing whitespace")
    if not value:
        return Normalised(None, tuple(run.changes))
    try:
        if attribute.datatype is Datatype.STRING:
            pass  # free text is the firm's own wording; full-width forms may be intended
        elif attribute.datatype is Datatype.CODE:
            value = _code(value, code_list, run)
        else:
            value = run.record(
                "fullwidth", value, fullwidth_to_ascii(value), "全角字符转为半角", "Full-width characters made ASCII"
            )
            if attribute.datatype.numeric:
                value = _number(value, attribute, unit_column, run)
            elif attribute.datatype is Datatype.BOOLEAN:
                value = _boolean(value, run)
            elif attribute.datatype is Datatype.DATE:
                value = _date(value, run)
    except _Fail as fail:
        return Normalised(text, (), fail.error)
    return Normalised(value, tuple(run.changes))


def _grouped(groups: list[str]) -> bool:
    """Whether `groups` are a valid thousands grouping: 1-3 leading digits (not a lone leading 0), then 3s."""
    first, rest = groups[0], groups[1:]
    return (
        bool(rest)
        and first.isdigit()
        and 1 <= len(first) <= 3
        and not first.startswith("0")
        and all(len(g) == 3 and g.isdigit() for g in rest)
    )


def _decimal_lexical(num: str, run: _Run) -> str:
    """`num` (sign, digits and separators only) as an xsd:decimal lexical form."""
    bad = _Fail("not-number", f"不是数值：{num}", f"Not a number: {num}")
    sign = num[0] if num[0] in "+-" else ""
    body = num[len(sign) :]
    spaced = False
    if any(c in _GROUP_SPACES for c in body):
        int_part, sep, frac = body.partition(",") if "," in body else body.partition(".")
        groups = re.split(f"[{_GROUP_SPACES}]", int_part)
        if not _grouped(groups):
            raise bad
        body = run.record(
            "thousands", body, "".join(groups) + sep + frac, "去除千位分隔符", "Removed thousands separators"
        )
        spaced = True
    if "," in body and "." in body:
        dec, group = (",", ".") if body.rfind(",") > body.rfind(".") else (".", ",")
        int_part, _, frac = body.rpartition(dec)
        groups = int_part.split(group)
        if not _grouped(groups):
            raise bad
        body = run.record(
            "thousands", body, "".join(groups) + dec + frac, "去除千位分隔符", "Removed thousands separators"
        )
    if "," in body:
        groups = body.split(",")
        if len(groups) == 2 and (spaced or not _grouped(groups)):
            body = run.record(
                "decimal-comma",
                body,
                body.replace(",", "."),
                "小数逗号改为小数点",
                "Decimal comma made a decimal point",
            )
        elif _grouped(groups):
            body = run.record("thousands", body, "".join(groups), "去除千位分隔符", "Removed thousands separators")
        else:
            raise bad
    elif body.count(".") > 1:
        groups = body.split(".")
        if not _grouped(groups):
            raise bad
        body = run.record("thousands", body, "".join(groups), "去除千位分隔符", "Removed thousands separators")
    if not _DECIMAL_RE.fullmatch(body):
        raise bad
    return sign + body


def _split_number(value: str) -> tuple[str, str]:
    """The leading number (sign, digits, separators) and the rest, which may be a unit."""
    i = 1 if value[:1] in "+-" else 0
    while i < len(value) and value[i] in "0123456789.," + _GROUP_SPACES:
        i += 1
    while i > 0 and value[i - 1] in "," + _GROUP_SPACES:
        i -= 1  # "25 mm": the space separates the unit, it is not a thousands separator
    return value[:i], value[i:].strip()


def _number(value: str, attribute: Attribute, unit_column: str | None, run: _Run) -> str:
    num, suffix = _split_number(value)
    if not any(c.isdigit() for c in num):
        raise _Fail("not-number", f"不是数值：{value}", f"Not a number: {value}")
    lex = _decimal_lexical(num, run)
    if m := _EXPONENT_RE.match(suffix):
        # Spreadsheets export very large or small numbers as 1.5E+3; xsd:decimal has no exponent.
        suffix = suffix[m.end() :].strip()
        lex = run.record(
            "exponent", lex + m.group(0), lexical(Decimal(lex + m.group(0))), "科学计数法展开", "Exponent written out"
        )
    given = unit_column.strip() if unit_column else ""
    if not suffix and not given:
        return _integer(lex, value, attribute, run)  # a bare number: no unit catalogue needed (it takes 0.1 s to load)
    units = catalog()
    source_unit: str | None = None
    rule = ""
    for rule_id, unit_text in (("unit-suffix", suffix), ("unit-column", given)):
        if not unit_text:
            continue
        code = units.lookup(unit_text)
        if code is None:
            raise _Fail("unit-unknown", f"无法识别的单位：{unit_text}", f"Unknown unit: {unit_text}")
        if source_unit is not None and code != source_unit:
            raise _Fail(
                "unit-conflict",
                f"数值后的单位 {suffix} 与单位列 {given} 不一致",
                f"The unit after the value ({suffix}) differs from the unit column ({given})",
            )
        if source_unit is None:
            source_unit, rule = code, rule_id
    target = attribute.unit
    if source_unit is not None and source_unit != target:
        if target is None:
            raise _Fail(
                "unit-unexpected",
                f"该属性无单位，但给出了 {suffix or given}",
                f"Unit given for a unitless attribute: {suffix or given}",
            )
        try:
            result, was_rounded = units.convert_rounded(Decimal(lex), source_unit, target)
        except IncompatibleUnits:
            raise _Fail(
                "unit-incompatible",
                f"单位 {units.symbol(source_unit)} 无法换算为 {units.symbol(target)}（量纲不同）",
                f"Unit {units.symbol(source_unit)} cannot be converted to {units.symbol(target)} (other dimension)",
            ) from None
        rounded = "（已舍入）" if was_rounded else ""
        rounded_en = " (rounded)" if was_rounded else ""
        before = value if rule == "unit-suffix" else f"{value} {given}"
        lex = run.record(
            rule,
            before,
            lexical(result),
            f"由 {units.symbol(source_unit)} 换算为 {units.symbol(target)}{rounded}",
            f"Converted from {units.symbol(source_unit)} to {units.symbol(target)}{rounded_en}",
        )
    elif rule == "unit-suffix":
        # Already in the attribute's unit: only the suffix goes.
        run.record(rule, value, lex, f"去除单位 {suffix}", f"Removed the unit {suffix}")
    return _integer(lex, value, attribute, run)


def _integer(lex: str, value: str, attribute: Attribute, run: _Run) -> str:
    if attribute.datatype is Datatype.INTEGER:
        d = Decimal(lex)
        if d != d.to_integral_value():
            raise _Fail("not-integer", f"不是整数：{value}", f"Not an integer: {value}")
        lex = run.record("integer", lex, lexical(d), "写为整数", "Written as an integer")
    return lex


def _boolean(value: str, run: _Run) -> str:
    key = value.casefold()
    out = "true" if key in _TRUE else "false" if key in _FALSE else None
    if out is None:
        raise _Fail("not-boolean", f"不是是/否值：{value}", f"Not a yes/no value: {value}")
    return run.record("boolean", value, out, "写为 true/false", "Written as true/false")


def _date(value: str, run: _Run) -> str:
    if value.isdigit() and len(value) <= 5 and int(value) >= 1 and int(value) != 60:
        # Excel counts a fictitious 1900-02-29 (serial 60): serials before it are one day later than after it.
        n = int(value)
        d = _EXCEL_EPOCH + timedelta(days=n + 1 if n < 60 else n)
        return run.record("date-serial", value, d.isoformat(), "Excel 日期序号转为日期", "Excel serial day made a date")
    bare = m.group(1) if (m := _MIDNIGHT_RE.fullmatch(value)) else value
    for pattern in _DATE_RES:
        if m := pattern.fullmatch(bare):
            try:
                d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                break
            return run.record("date-format", value, d.isoformat(), "日期写为 YYYY-MM-DD", "Date written as YYYY-MM-DD")
    raise _Fail("not-date", f"不是有效日期：{value}", f"Not a valid date: {value}")


def _code(value: str, code_list: CodeList | None, run: _Run) -> str:
    if code_list is None:
        return value
    codes = {c.code for c in code_list.codes}
    for attempt in (value, fullwidth_to_ascii(value)):
        if attempt in codes:
            return run.record("fullwidth", value, attempt, "全角字符转为半角", "Full-width characters made ASCII")
        by_case = [c.code for c in code_list.codes if c.code.casefold() == attempt.casefold()]
        by_label = [
            c.code for c in code_list.codes if c.label.zh == attempt or c.label.en.casefold() == attempt.casefold()
        ]
        for rule, hits, zh, en in (
            ("code-case", by_case, "代码大小写更正", "Code case corrected"),
            ("code-label", by_label, "名称换为代码", "Label replaced by its code"),
        ):
            if len(set(hits)) == 1:
                run.record("fullwidth", value, attempt, "全角字符转为半角", "Full-width characters made ASCII")
                return run.record(rule, attempt, hits[0], zh, en)
            if len(set(hits)) > 1:
                raise _Fail(
                    "code-ambiguous",
                    f"{value} 对应多个代码：{', '.join(sorted(set(hits)))}",
                    f"{value} matches several codes: {', '.join(sorted(set(hits)))}",
                )
    raise _Fail("code-unknown", f"代码表 {code_list.id} 中没有 {value}", f"{value} is not in code list {code_list.id}")
