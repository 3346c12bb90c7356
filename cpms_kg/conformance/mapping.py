"""Map a firm's table columns to a standard version's attributes, and keep that mapping in a file.

Headers are matched by attribute code, zh name or en name after folding (NFKC for full-width text,
case, punctuation and whitespace), and again without a trailing bracketed unit ("内径 d (mm)") and
without the drawing symbol ("内径" for "内径 d"). Columns that match nothing are never dropped: they
come back as `Unmapped` with suggestions ranked by name similarity in both languages. A mapping can be
saved (YAML or JSON, versioned with the standard version it targets), fed back as `hints`, and
upgraded along a standard diff's migration map.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from cpms_kg.conformance.table import Row
from cpms_kg.errors import BadInput, Problem
from cpms_kg.standards.diff import MigrationMap
from cpms_kg.standards.model import Standard, Text

FORMAT_VERSION = 1
MAX_SUGGESTIONS = 5
MIN_SCORE = 0.34
"""Below this a suggestion is noise: two unrelated four-character names often share one character."""

# Header names (folded, see `_key`) that hold the firm's product code or the category.
# fmt: off
_PRODUCT_CODE_KEYS = frozenset({
    "产品编码", "产品代码", "产品编号", "物料编码", "物料代码", "物料编号", "物料号", "料号", "货号", "编码", "代码",
    "productcode", "productid", "productno", "productnumber", "itemcode", "itemid", "itemno", "itemnumber",
    "partnumber", "partno", "materialcode", "materialno", "materialnumber", "sku", "code",
})
_CATEGORY_KEYS = frozenset({
    "类目", "分类", "类别", "产品类目", "产品分类", "产品类别", "类目编码", "分类编码", "类目名称", "分类名称",
    "category", "categorycode", "categoryname", "productcategory",
})
# fmt: on
_UNIT_WORD = re.compile(r"^(.*?)(计量单位|单位|units?)(\d*)$")
# A trailing unit or qualifier: "(mm)", "（毫米）", "[kN]", "【mm】", "/mm".
_TRAILING_BRACKET = re.compile(r"\s*(\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|/[^/]*)\s*$")
# A drawing symbol at the end of a name: "d", "D1", "dk", "Rm".
_SYMBOL = re.compile(r"^[a-z][a-z0-9]{0,2}$")


@dataclass(frozen=True)
class ColumnMapping:
    standard: str
    version: str
    columns: dict[str, str] = field(default_factory=dict)
    """Column -> attribute code."""
    product_code_column: str = ""
    category_column: str | None = None
    category: str | None = None
    """One category code for the whole file (used when there is no category column)."""
    unit_columns: dict[str, str] = field(default_factory=dict)
    """Value column -> the column holding its unit."""
    ignored: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.standard}@{self.version}"


@dataclass(frozen=True)
class Suggestion:
    attribute: str
    score: float
    reason: Text


@dataclass(frozen=True)
class Unmapped:
    column: str
    suggestions: list[Suggestion]


@dataclass(frozen=True)
class MappingResult:
    mapping: ColumnMapping
    unmapped: list[Unmapped]
    notes: list[str] = field(default_factory=list)


# --- name folding and similarity ----------------------------------------------------------------


def _fold(text: str) -> str:
    """NFKC (full-width -> ASCII), lower case, punctuation as blanks, single spaces."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(" " if unicodedata.category(ch).startswith("P") and ch not in "()[]【】/" else ch for ch in text)
    return " ".join(text.split())


def _compact(folded: str) -> str:
    return "".join(ch for ch in folded if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


def _key(text: str) -> str:
    return _compact(_fold(text))


def _header_keys(header: str) -> list[str]:
    """The header's key, then its keys with one and two trailing bracket groups removed."""
    folded = _fold(header)
    keys = [_compact(folded)]
    for _ in range(2):
        stripped = _TRAILING_BRACKET.sub("", folded)
        if stripped == folded or not stripped:
            break
        folded = stripped
        keys.append(_compact(folded))
    return list(dict.fromkeys(k for k in keys if k))


def _without_symbol(name: str) -> str | None:
    tokens = _fold(name).split()
    if len(tokens) >= 2 and _SYMBOL.match(tokens[-1]):
        return _compact(" ".join(tokens[:-1]))
    return None


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def _similarity(a: str, b: str) -> float:
    """Best of difflib's ratio and the Dice overlap of character bigrams (which suits Chinese words)."""
    if not a or not b:
        return 0.0
    ba, bb = _bigrams(a), _bigrams(b)
    return max(SequenceMatcher(None, a, b).ratio(), 2 * len(ba & bb) / (len(ba) + len(bb)))


class _Index:
    """Attribute lookup by folded code/name; a key two attributes share is ambiguous and maps to None."""

    def __init__(self, standard: Standard) -> None:
        self.primary: dict[str, str | None] = {}
        self.secondary: dict[str, str | None] = {}
        for attribute in standard.attributes:
            for key in {_key(attribute.code), _key(attribute.name.zh), _key(attribute.name.en)} - {""}:
                self._add(self.primary, key, attribute.code)
            for name in (attribute.name.zh, attribute.name.en):
                bare = _without_symbol(name)
                if bare:
                    self._add(self.secondary, bare, attribute.code)

    @staticmethod
    def _add(index: dict[str, str | None], key: str, code: str) -> None:
        index[key] = code if index.get(key, code) == code else None

    def find(self, header: str) -> str | None:
        keys = _header_keys(header)
        for index in (self.primary, self.secondary):
            for key in keys:
                if index.get(key):
                    return index[key]
        return None


def suggest(column: str, standard: Standard, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    """Attributes whose code, zh or en name resembles the column name, best first."""
    header = _header_keys(column)
    ranked: list[Suggestion] = []
    for attribute in standard.attributes:
        best: tuple[float, Text] | None = None
        named = (
            (attribute.name.zh, "中文名称", "zh name"),
            (attribute.name.en, "英文名称", "en name"),
            (attribute.code, "编码", "code"),
        )
        for name, what_zh, what_en in named:
            candidates = [_key(name), _without_symbol(name) or ""]
            score = max(_similarity(h, c) for h in header for c in candidates) if header else 0.0
            if best is None or score > best[0]:
                reason = Text(
                    f"与{what_zh}“{name}”相似（{score:.2f}）", f"similar to the {what_en} '{name}' ({score:.2f})"
                )
                best = (score, reason)
        if best and best[0] >= MIN_SCORE:
            ranked.append(Suggestion(attribute.code, round(best[0], 3), best[1]))
    ranked.sort(key=lambda s: (-s.score, s.attribute))
    return ranked[:limit]


# --- categories ---------------------------------------------------------------------------------


def resolve_category(value: str, standard: Standard) -> str | None:
    """The code of the category whose code, zh name or en name is `value` (folded); None if none is."""
    text = value.strip()
    if standard.category(text):
        return text
    key = _key(text)
    if not key:
        return None
    for category in standard.categories:
        if key in (_key(category.code), _key(category.name.zh), _key(category.name.en)):
            return category.code
    return None


# --- auto mapping -------------------------------------------------------------------------------


def _bad(en: str, zh: str, column: str | None = None) -> BadInput:
    return BadInput(en, zh, [Problem(en, column=column, message_zh=zh)])


def auto_map(
    table_columns: Sequence[str],
    standard: Standard,
    *,
    category: str | None = None,
    hints: ColumnMapping | None = None,
    rows: Iterable[Row] = (),
) -> MappingResult:
    """Map the columns; `hints` (e.g. a loaded mapping file) win over name matching for the columns they name.

    `rows` is optional: without a category column named as such, a column whose values all name
    categories is taken as the category column.
    """
    info = standard.info
    if hints is not None and (hints.standard, hints.version) != (info.id, info.version):
        raise _bad(
            f"The mapping targets {hints.key}, not {standard.key}; upgrade it first.",
            f"映射文件面向 {hints.key}，而不是 {standard.key}，请先升级映射。",
        )
    present = list(dict.fromkeys(table_columns))
    notes: list[str] = []
    index = _Index(standard)
    columns: dict[str, str] = {}
    unit_columns: dict[str, str] = {}
    ignored: list[str] = []
    product_col: str | None = None
    category_col: str | None = None
    if hints is not None:
        columns = {c: a for c, a in hints.columns.items() if c in present and standard.attribute(a)}
        unit_columns = {v: u for v, u in hints.unit_columns.items() if v in present and u in present}
        ignored = [c for c in hints.ignored if c in present]
        product_col = hints.product_code_column if hints.product_code_column in present else None
        category_col = hints.category_column if hints.category_column in present else None
        category = category or hints.category
        missing = [c for c in hints.columns if c not in present]
        if missing:
            notes.append(
                f"映射文件中的列不在表中：{'、'.join(missing)} / Mapped columns not in the table: {', '.join(missing)}"
            )

    def free() -> list[str]:
        taken = {*columns, *unit_columns.values(), *ignored, product_col, category_col}
        return [c for c in present if c not in taken]

    if product_col is None:
        product_col = next((c for c in free() if _key(c) in _PRODUCT_CODE_KEYS), None)
    if category is not None:
        resolved = resolve_category(category, standard)
        if resolved is None:
            raise _bad(f"Unknown category '{category}' for {standard.key}.", f"{standard.key} 中没有类目“{category}”。")
        category, category_col = resolved, None
    elif category_col is None:
        category_col = next((c for c in free() if _key(c) in _CATEGORY_KEYS), None)

    for column in free():
        code = index.find(column)
        if code is None:
            continue
        # One column per attribute: a second one stays unmapped (and is reported) rather than competing.
        first = next((c for c, a in columns.items() if a == code), None)
        if first is None:
            columns[column] = code
        else:
            notes.append(
                f"列“{column}”与列“{first}”都对应属性 {code}，仅使用“{first}”。"
                f" / Columns '{column}' and '{first}' both match attribute {code}; only '{first}' is used."
            )
    _map_units(present, free(), columns, unit_columns, standard, index)

    if product_col is None:
        # The firm's own item code attribute is the product code when no column is named as one.
        product_col = next((c for c, a in columns.items() if a == "firm_item_code"), None)
    if category is None and category_col is None:
        category_col = _category_by_values(free(), list(rows), standard)
    if category is None and category_col is None and len(standard.categories) == 1:
        category = standard.categories[0].code
    seen = "、".join(present) or "（无）"
    seen_en = ", ".join(present) or "(none)"
    if product_col is None:
        raise _bad(
            f"No product code column among the columns: {seen_en}. Name one such as 产品编码, 物料编码, "
            "product code, item code or SKU, or set product_code_column in a mapping file.",
            f"在以下列中找不到产品编码列：{seen}。请使用“产品编码”“物料编码”“product code”“SKU”等列名，"
            "或在映射文件中指定 product_code_column。",
        )
    if category is None and category_col is None:
        raise _bad(
            f"No category column among the columns: {seen_en}, and no category was given for the file. "
            "Add a 类目/category column with category codes or names, or give one category.",
            f"在以下列中找不到类目列：{seen}，也未为整个文件指定类目。请添加“类目”列（类目编码或名称），或指定一个类目。",
        )
    mapping = ColumnMapping(
        info.id, info.version, columns, product_col, category_col, category, unit_columns, tuple(ignored)
    )
    unmapped = [Unmapped(c, suggest(c, standard)) for c in free()]
    return MappingResult(mapping, unmapped, notes)


def _map_units(
    present: list[str],
    candidates: list[str],
    columns: dict[str, str],
    unit_columns: dict[str, str],
    standard: Standard,
    index: _Index,
) -> None:
    """'<attribute> 单位' names its value column; a bare '单位' to the column just before it."""
    by_attribute = {a: c for c, a in columns.items()}
    for column in candidates:
        match = _UNIT_WORD.match(_key(column))
        if not match:
            continue
        if match.group(1):
            code = index.find(match.group(1))
            value_column = by_attribute.get(code) if code else None
        else:
            # Only the adjacent column: reaching further back would pair a unit with the wrong value.
            at = present.index(column)
            previous = present[at - 1] if at else ""
            value_column = previous if previous in columns and _has_unit(standard, columns[previous]) else None
        if value_column is not None and value_column not in unit_columns:
            unit_columns[value_column] = column


def _has_unit(standard: Standard, code: str) -> bool:
    attribute = standard.attribute(code)
    return attribute is not None and attribute.unit is not None


def _category_by_values(candidates: list[str], rows: list[Row], standard: Standard) -> str | None:
    for column in candidates:
        values = [r.cells[column] for r in rows if r.cells.get(column, "").strip()]
        if values and all(resolve_category(v, standard) for v in values):
            return column
    return None


# --- mapping files ------------------------------------------------------------------------------


def mapping_as_dict(mapping: ColumnMapping) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "standard": mapping.key,
        "product_code_column": mapping.product_code_column,
        "category_column": mapping.category_column,
        "category": mapping.category,
        "columns": dict(mapping.columns),
        "unit_columns": dict(mapping.unit_columns),
        "ignored": list(mapping.ignored),
    }


def _is_yaml(path: Path) -> bool:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return True
    if suffix == ".json":
        return False
    raise _bad(
        f"Mapping file {path.name}: use a .yaml, .yml or .json extension.",
        f"映射文件 {path.name}：扩展名应为 .yaml、.yml 或 .json。",
    )


def save_mapping(mapping: ColumnMapping, path: str | Path) -> None:
    path = Path(path)
    data = mapping_as_dict(mapping)
    if _is_yaml(path):
        import yaml  # imported when used: it adds to every command's start-up

        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    else:
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")


def load_mapping(path: str | Path, standard: Standard | None = None) -> ColumnMapping:
    """Read a mapping file; with `standard`, check it targets that ID@VERSION and names only its attributes.

    Without `standard` only the file's shape is checked; `auto_map(..., hints=...)` still rejects a
    mapping for another version and skips unknown codes.
    """
    import yaml

    path = Path(path)
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = yaml.safe_load(text) if _is_yaml(path) else json.loads(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise _bad(f"Mapping file {name} cannot be read: {exc}", f"无法读取映射文件 {name}：{exc}") from exc
    return mapping_from_dict(data, standard, name)


def mapping_from_dict(data: Any, standard: Standard | None, source: str = "mapping") -> ColumnMapping:
    if not isinstance(data, dict):
        raise _bad(f"{source}: expected a mapping object at the top level.", f"{source}：顶层应为映射对象。")
    if data.get("format_version") != FORMAT_VERSION:
        raise _bad(
            f"{source}: format_version must be {FORMAT_VERSION}, not {data.get('format_version')!r}.",
            f"{source}：format_version 应为 {FORMAT_VERSION}，而不是 {data.get('format_version')!r}。",
            "format_version",
        )
    target = data.get("standard")
    if not isinstance(target, str) or "@" not in target:
        raise _bad(
            f"{source}: standard must be ID@VERSION, not {target!r}.",
            f"{source}：standard 应为“标准ID@版本”，而不是 {target!r}。",
            "standard",
        )
    if standard is not None and target != standard.key:
        raise _bad(
            f"{source}: the mapping targets {target!r}, not {standard.key}; upgrade it with the standard's diff.",
            f"{source}：映射面向 {target!r}，而不是 {standard.key}，请用标准的差异升级映射。",
            "standard",
        )
    columns = _str_dict(data.get("columns"), "columns", source)
    unit_columns = _str_dict(data.get("unit_columns"), "unit_columns", source)
    problems = [
        Problem(
            f"{source}: column '{column}' maps to '{code}', which is not an attribute of {standard.key}.",
            source=source,
            column=column,
            message_zh=f"{source}：列“{column}”映射到的“{code}”不是 {standard.key} 的属性。",
        )
        for column, code in columns.items()
        if standard is not None and standard.attribute(code) is None
    ]
    if problems:
        raise BadInput(
            "; ".join(p.message for p in problems), "；".join(p.message_zh or "" for p in problems), problems
        )
    product = data.get("product_code_column")
    if not isinstance(product, str) or not product:
        raise _bad(
            f"{source}: product_code_column must name a column.",
            f"{source}：product_code_column 应为列名。",
            "product_code_column",
        )
    category_column = _optional_str(data.get("category_column"), "category_column", source)
    category = _optional_str(data.get("category"), "category", source)
    if standard is not None and category is not None and standard.category(category) is None:
        raise _bad(
            f"{source}: category '{category}' is not a category of {standard.key}.",
            f"{source}：类目“{category}”不是 {standard.key} 的类目。",
            "category",
        )
    ignored = data.get("ignored") or []
    if not isinstance(ignored, list) or not all(isinstance(c, str) for c in ignored):
        raise _bad(f"{source}: ignored must be a list of column names.", f"{source}：ignored 应为列名列表。", "ignored")
    standard_id, _, version = target.rpartition("@")
    return ColumnMapping(
        standard_id, version, columns, product, category_column, category, unit_columns, tuple(ignored)
    )


def _str_dict(value: Any, key: str, source: str) -> dict[str, str]:
    value = value or {}
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise _bad(f"{source}: {key} must map column names to text.", f"{source}：{key} 应为列名到文本的映射。", key)
    return dict(value)


def _optional_str(value: Any, key: str, source: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise _bad(f"{source}: {key} must be text.", f"{source}：{key} 应为文本。", key)


# --- upgrade ------------------------------------------------------------------------------------


def upgrade(mapping: ColumnMapping, migration: MigrationMap, new_version: str) -> tuple[ColumnMapping, list[str]]:
    """Follow renamed attributes; columns of removed attributes become unmapped. Notes are 'zh / en'."""
    renamed = {r.old: r.new for r in migration.renamed_attributes}
    removed = set(migration.removed_attributes)
    columns: dict[str, str] = {}
    unit_columns = dict(mapping.unit_columns)
    notes: list[str] = []
    for column, code in mapping.columns.items():
        if code in removed:
            unit = unit_columns.pop(column, None)
            also = f"（单位列“{unit}”同样）" if unit else ""
            also_en = f" (so is its unit column '{unit}')" if unit else ""
            notes.append(
                f"列“{column}”对应的属性 {code} 已在 {new_version} 版中删除，该列现为未映射{also}。"
                f" / Column '{column}': attribute {code} was removed in version {new_version}; "
                f"the column is now unmapped{also_en}."
            )
            continue
        if code in renamed:
            notes.append(
                f"列“{column}”：属性 {code} 在 {new_version} 版中更名为 {renamed[code]}。"
                f" / Column '{column}': attribute {code} is renamed {renamed[code]} in version {new_version}."
            )
        columns[column] = renamed.get(code, code)
    mapped = set(columns.values())
    for change in migration.unit_changes:
        if change.attribute in mapped:
            notes.append(
                f"属性 {change.attribute} 的单位由 {change.old_unit} 改为 {change.new_unit}，数值将按新单位换算。"
                f" / Attribute {change.attribute}: unit changed from {change.old_unit} to {change.new_unit}; "
                "values are converted to the new unit."
            )
    return replace(mapping, version=new_version, columns=columns, unit_columns=unit_columns), notes
