"""A hierarchical classification table, checked: every problem names file, row and column."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from cpms_kg.classification.profiles import SchemeProfile
from cpms_kg.classification.readers import RawRow, read_rows
from cpms_kg.errors import BadInput, Problem

# Header spellings accepted per field, compared case-insensitively.
HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("代码", "编码", "code"),
    "parent": ("上级代码", "父级代码", "parent", "parent_code"),
    "level": ("层级", "级别", "level"),
    "name_zh": ("中文名称", "名称", "name_zh", "title_zh"),
    "name_en": ("英文名称", "name_en", "title_en"),
    "notes": ("说明", "备注", "notes"),
}
_HEADER_SCAN = 10  # title rows allowed above the header row

_NUMBER_HINT = (
    " (the cell is a number, so leading zeros may be lost: format the column as text)",
    "（该单元格是数字，前导零可能已丢失：请把该列设为文本格式）",
)


@dataclass(frozen=True)
class Concept:
    code: str
    depth: int
    parent: str | None
    name_zh: str | None
    name_en: str | None
    notes: str | None = None


@dataclass(frozen=True)
class Classification:
    """A checked classification: concepts sorted by code, each with its depth (1 = top level)."""

    profile: SchemeProfile
    concepts: tuple[Concept, ...]
    source: str

    @property
    def level_count(self) -> int:
        return max((c.depth for c in self.concepts), default=0)

    def counts_per_level(self) -> tuple[int, ...]:
        counts = Counter(c.depth for c in self.concepts)
        return tuple(counts[d] for d in range(1, self.level_count + 1))


@dataclass
class _Entry:
    row: int
    code: str
    depth: int | None
    level_given: bool
    parent: str | None
    parent_given: bool
    name_zh: str
    name_en: str
    notes: str


class _Checker:
    def __init__(self, path: Path, profile: SchemeProfile) -> None:
        self.source = str(path)
        self.profile = profile
        self.problems: list[Problem] = []
        self.header: dict[str, str] = {}  # field -> header text as written
        self.rejected: set[str] = set()  # codes of rows already reported, not reported again as parents

    def fail(self, row: int, field: str | None, en: str, zh: str) -> None:
        column = self.header.get(field) if field else None
        self.problems.append(Problem(en, source=self.source, line=row, column=column, message_zh=zh))

    def find_header(self, rows: list[RawRow]) -> tuple[int, dict[str, int]]:
        """The header row's index in `rows` and each known field's column index."""
        lookup = {alias.casefold(): name for name, aliases in HEADERS.items() for alias in aliases}
        for index, raw in enumerate(rows[:_HEADER_SCAN]):
            found = [(lookup.get(c.lstrip("\ufeff").casefold()), col) for col, c in enumerate(raw.cells)]
            if "code" not in {name for name, _ in found}:
                continue  # a title row above the header
            fields: dict[str, int] = {}
            for name, col in found:
                if name is None:
                    continue
                if name in fields:
                    first, second = raw.cells[fields[name]], raw.cells[col]
                    self.fail(raw.number, None, f"two columns for {name}: {first!r} and {second!r}",
                              f"{name} 有两列：{first!r} 和 {second!r}")
                    continue
                fields[name] = col
                self.header[name] = raw.cells[col]
            if "name_zh" not in fields and "name_en" not in fields:
                self.fail(raw.number, None, "no name column (中文名称/名称/name_zh or 英文名称/name_en)",
                          "缺少名称列（中文名称/名称/name_zh 或 英文名称/name_en）")
            return index, fields
        self.fail(rows[0].number if rows else 1, None, "no header row with a code column (代码/编码/code)",
                  "找不到含代码列（代码/编码/code）的表头行")
        return len(rows), {}

    def read(self, raw: RawRow, fields: dict[str, int]) -> _Entry | None:
        def cell(name: str) -> str:
            col = fields.get(name)
            return raw.cells[col].strip() if col is not None and col < len(raw.cells) else ""

        row, profile = raw.number, self.profile
        code = cell("code")
        code_col = fields["code"]
        numeric = code_col < len(raw.numeric) and raw.numeric[code_col]
        if not code:
            self.fail(row, "code", "empty code", "代码为空")
            return None
        raw_code = code
        self.rejected.add(raw_code)
        if not re.fullmatch(profile.code_pattern, code):
            self.fail(row, "code", f"code {code!r} has characters not allowed in {profile.scheme} "
                      f"({profile.code_rule[0]})",
                      f"代码 {code!r} 含有 {profile.scheme} 不允许的字符（{profile.code_rule[1]}）")
            return None
        depth: int | None = None
        level_text = cell("level")
        if level_text:
            depth = profile.parse_level(level_text)
            if depth is None:
                self.fail(row, "level", f"unknown level {level_text!r}", f"未知层级 {level_text!r}")
                return None
        if profile.has_code_lengths:
            code, depth = self._check_length(row, code, depth, numeric)
            if depth is None:
                return None
        self.rejected.discard(raw_code)
        parent = self._parent(row, code, depth, cell("parent"))
        name_zh, name_en = cell("name_zh"), cell("name_en")
        if not name_zh and not name_en and ("name_zh" in fields or "name_en" in fields):
            self.fail(row, "name_zh" if "name_zh" in fields else "name_en",
                      f"code {code}: both names are empty", f"代码 {code}：中英文名称均为空")
        return _Entry(row, code, depth, bool(level_text), parent, bool(cell("parent")), name_zh, name_en,
                      cell("notes"))

    def _check_length(self, row: int, code: str, depth: int | None, numeric: bool) -> tuple[str, int | None]:
        """Unpad a padded code and check its length against its level; derive the level if absent."""
        profile = self.profile
        lengths = ", ".join(str(lv.code_length) for lv in profile.levels)
        hint_en, hint_zh = _NUMBER_HINT if numeric else ("", "")
        if depth is None:
            depth = profile.depth_for_length(len(code))
            if depth is None:
                self.fail(row, "code", f"code {code!r} has {len(code)} characters; {profile.scheme} codes "
                          f"have {lengths}{hint_en}",
                          f"代码 {code!r} 为 {len(code)} 位；{profile.scheme} 代码应为 {lengths} 位{hint_zh}")
            return code, depth
        spec = profile.level(depth)
        want = spec.code_length or 0
        if len(code) == profile.padded_length and want < len(code) and set(code[want:]) == {"0"}:
            code = code[:want]
        if len(code) != want:
            self.fail(row, "level", f"level {depth} ({spec.name_zh}) needs a {want}-character code, "
                      f"{code!r} has {len(code)}{hint_en}",
                      f"第 {depth} 级（{spec.name_zh}）代码应为 {want} 位，"
                      f"{code!r} 为 {len(code)} 位{hint_zh}")
            return code, None
        return code, depth

    def _parent(self, row: int, code: str, depth: int | None, parent: str) -> str | None:
        profile = self.profile
        if parent:
            if profile.padded_length and depth and depth > 1 and len(parent) == profile.padded_length:
                want = profile.level(depth - 1).code_length or len(parent)
                if set(parent[want:]) <= {"0"}:
                    parent = parent[:want]
            return parent
        if depth is None or depth == 1:
            return None
        if profile.has_code_lengths:
            return code[: profile.level(depth - 1).code_length]
        self.fail(row, "parent" if "parent" in self.header else "level",
                  f"code {code} is at level {depth} but has no parent",
                  f"代码 {code} 位于第 {depth} 级，但没有上级代码")
        return None

    def check_tree(self, entries: list[_Entry]) -> dict[str, int]:
        """Duplicates, missing parents, code prefixes and levels; the depth of every code."""
        first: dict[str, _Entry] = {}
        for e in entries:
            if e.code in first:
                self.fail(e.row, "code", f"duplicate code {e.code} (first at row {first[e.code].row})",
                          f"代码 {e.code} 重复（首次出现在第 {first[e.code].row} 行）")
            else:
                first[e.code] = e
        for e in entries:
            if e.parent is None or first.get(e.code) is not e:
                continue
            column = "parent" if e.parent_given else "code"
            if e.parent not in first and e.parent not in self.rejected:
                how = ("", "") if e.parent_given else (" (derived from the code)", "（由代码推得）")
                self.fail(e.row, column, f"parent {e.parent}{how[0]} of {e.code} is not in the table",
                          f"{e.code} 的上级代码 {e.parent}{how[1]} 不在表中")
            elif self.profile.has_code_lengths and not e.code.startswith(e.parent):
                self.fail(e.row, column, f"code {e.code} does not begin with its parent's code {e.parent}",
                          f"代码 {e.code} 不以其上级代码 {e.parent} 开头")
        return self._depths(first)

    def _depths(self, by_code: dict[str, _Entry]) -> dict[str, int]:
        depths: dict[str, int] = {}
        for start in by_code.values():
            chain: list[_Entry] = []
            node: _Entry | None = start
            while node is not None and node.code not in depths:
                if node in chain:
                    self.fail(start.row, "parent", f"code {start.code}: the parent chain forms a cycle",
                              f"代码 {start.code}：上级代码形成循环")
                    return depths
                chain.append(node)
                node = by_code.get(node.parent) if node.parent is not None else None
            base = depths[node.code] if node is not None else 0
            for entry in reversed(chain):
                base = entry.depth if entry.depth is not None else base + 1
                depths[entry.code] = base
        for e in by_code.values():
            # Rows without a (known) parent were reported already, or are top-level.
            parent = by_code.get(e.parent) if e.parent is not None else None
            if parent is None or e.depth is None:
                continue
            want = depths[parent.code] + 1
            if e.depth != want:
                spec = self.profile.level(want)
                self.fail(e.row, "level" if e.level_given else "code",
                          f"code {e.code} is at level {e.depth} but should be at level {want} "
                          f"({spec.name_en}), one below its parent",
                          f"代码 {e.code} 位于第 {e.depth} 级，应为上级的下一级，"
                          f"即第 {want} 级（{spec.name_zh}）")
        return depths


def read_classification(path: Path, profile: SchemeProfile) -> Classification:
    """Read and check a table; raise one BadInput listing every problem, or return the concepts."""
    checker = _Checker(path, profile)
    rows = read_rows(path)
    header_index, fields = checker.find_header(rows)
    entries = []
    if fields:
        for raw in rows[header_index + 1:]:
            entry = checker.read(raw, fields)
            if entry is not None:
                entries.append(entry)
    depths = checker.check_tree(entries)
    if not checker.problems and not entries:
        checker.fail(rows[header_index].number, None, "the table has no rows", "表中没有数据行")
    if checker.problems:
        n = len(checker.problems)
        raise BadInput(f"{n} problem{'s' if n > 1 else ''} in {path}", f"{path} 中有 {n} 个问题",
                       problems=checker.problems)
    concepts = tuple(
        Concept(e.code, depths[e.code], e.parent, e.name_zh or None, e.name_en or None, e.notes or None)
        for e in sorted(entries, key=lambda e: e.code)
    )
    return Classification(profile, concepts, path.name)
