"""The standard spreadsheet template: its sheets, columns and cell vocabularies, declared once.

`spreadsheet` reads and writes with these declarations, and the README's template section lists the
same names. A sheet or column is found under its Chinese or English name, compared after `norm`
(case, spaces, hyphens and underscores do not matter).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import TypeVar

from cpms_kg.standards.model import AttributeMatch, Datatype, Mapping, MappingRelation, Obligation, Status


def norm(name: str) -> str:
    return re.sub(r"[\s_\-]+", "_", name.strip().lstrip("\ufeff").casefold())


@dataclass(frozen=True)
class Column:
    """A column of a sheet, or a field (row) of the key-value standard sheet."""

    key: str
    zh: str
    en: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    note: str = ""  # shown next to a field in the standard sheet

    @property
    def names(self) -> tuple[str, ...]:
        return (self.zh, self.en, *self.aliases)

    def label(self, language: str) -> str:
        return self.zh if language == "zh" else self.en


@dataclass(frozen=True)
class Sheet:
    key: str
    zh: str
    en: str  # also the CSV file's name, without ".csv"
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.zh, self.en, *self.aliases)

    @property
    def anchor(self) -> Column:
        """The first column: the row that holds it is the header row."""
        return self.columns[0]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def label(self, language: str) -> str:
        return self.zh if language == "zh" else self.en


def _names() -> tuple[Column, Column]:
    return (Column("name_zh", "中文名称", "name_zh", True, ("名称",)), Column("name_en", "英文名称", "name_en", True))


STANDARD = Sheet("standard", "标准信息", "standard", (
    Column("field", "字段", "field", required=True, aliases=("项目", "key")),
    Column("value", "值", "value", required=True, aliases=("内容",)),
    Column("note", "说明", "note", aliases=("notes", "备注")),
), aliases=("info", "metadata"))

# The rows of the standard sheet, in the order written.
FIELDS: tuple[Column, ...] = (
    Column("id", "标准编号", "id", True, note="标准标识，如 zj-bearings / standard id"),
    Column("version", "版本", "version", True, note="如 1.0 / e.g. 1.0"),
    Column("title_zh", "中文标题", "title_zh", True),
    Column("title_en", "英文标题", "title_en", True),
    Column("region", "地区代码", "region", True, note="GB/T 2260 行政区划代码，如 330000 / division code"),
    Column("industry", "行业", "industry", True, note="分类体系:代码，如 cpc21:43310 / scheme:code"),
    Column("industry_relation", "行业映射关系", "industry_relation",
           note="exactMatch（默认 default）, closeMatch, broadMatch, narrowMatch, relatedMatch"),
    Column("issuing_body_zh", "发布机构中文名称", "issuing_body_zh", True),
    Column("issuing_body_en", "发布机构英文名称", "issuing_body_en", True),
    Column("status", "状态", "status", note="draft（默认 default）, consensus, under-review, published-provincial, "
           "recommended, published-national, superseded, retired"),
    Column("expert_group", "专家组", "expert_group"),
    Column("issued", "发布日期", "issued", note="YYYY-MM-DD"),
    Column("implemented", "实施日期", "implemented", note="YYYY-MM-DD"),
    Column("previous_version", "上一版本", "previous_version"),
    Column("description_zh", "中文说明", "description_zh"),
    Column("description_en", "英文说明", "description_en"),
)

CATEGORIES = Sheet("categories", "类目", "categories", (
    Column("code", "代码", "code", True, ("编码", "类目代码")),
    Column("parent", "上级代码", "parent", aliases=("父级代码", "parent_code")),
    *_names(),
    Column("definition_zh", "中文定义", "definition_zh"),
    Column("definition_en", "英文定义", "definition_en"),
    Column("mappings", "映射", "mappings", aliases=("分类映射", "mapping")),
), aliases=("类目表", "category"))

ATTRIBUTES = Sheet("attributes", "属性", "attributes", (
    Column("code", "代码", "code", True, ("编码", "属性代码")),
    *_names(),
    Column("definition_zh", "中文定义", "definition_zh"),
    Column("definition_en", "英文定义", "definition_en"),
    Column("datatype", "数据类型", "datatype", True, ("类型", "type")),
    Column("unit", "单位", "unit", aliases=("计量单位", "unit_code")),
    Column("code_list", "代码表", "code_list", aliases=("codelist", "code_list_id")),
    Column("min", "最小值", "min", aliases=("min_inclusive",)),
    Column("max", "最大值", "max", aliases=("max_inclusive",)),
    Column("pattern", "格式", "pattern", aliases=("正则表达式", "regex")),
    Column("min_length", "最小长度", "min_length"),
    Column("max_length", "最大长度", "max_length"),
    Column("min_count", "最少个数", "min_count"),
    Column("max_count", "最多个数", "max_count"),
    Column("example", "示例", "example", aliases=("示例值",)),
    Column("reuse", "复用 IRI", "reuse_iri", aliases=("复用", "reuse")),
    Column("matches", "属性对应", "matches", aliases=("对应属性", "attribute_mappings")),
), aliases=("属性表", "attribute"))

CODE_LISTS = Sheet("code_lists", "代码表", "code_lists", (
    Column("list", "代码表", "list_id", True, ("代码表编号", "code_list", "list")),
    Column("list_name_zh", "代码表中文名称", "list_name_zh", True),
    Column("list_name_en", "代码表英文名称", "list_name_en", True),
    Column("code", "代码", "code", True, ("编码",)),
    Column("label_zh", "中文标签", "label_zh", True, ("中文名称",)),
    Column("label_en", "英文标签", "label_en", True, ("英文名称",)),
    Column("reuse", "复用 IRI", "reuse_iri", aliases=("复用", "reuse")),
), aliases=("codelists", "code_list"))

REQUIREMENTS = Sheet("requirements", "要求", "requirements", (
    Column("category", "类目", "category", True, ("类目代码",)),
    Column("attribute", "属性", "attribute", True, ("属性代码",)),
    Column("obligation", "约束", "obligation", True, ("要求程度", "必要性")),
), aliases=("要求表", "requirement"))

SHEETS: tuple[Sheet, ...] = (STANDARD, CATEGORIES, ATTRIBUTES, CODE_LISTS, REQUIREMENTS)

E = TypeVar("E", bound=Enum)

# Accepted cell values: each enum's own value plus Chinese words (compared after `norm`).
DATATYPES: dict[str, Datatype] = {
    "文本": Datatype.STRING, "字符串": Datatype.STRING, "小数": Datatype.DECIMAL, "数值": Datatype.DECIMAL,
    "整数": Datatype.INTEGER, "布尔": Datatype.BOOLEAN, "是否": Datatype.BOOLEAN, "日期": Datatype.DATE,
    "代码": Datatype.CODE, "编码": Datatype.CODE,
}
OBLIGATIONS: dict[str, Obligation] = {"必填": Obligation.REQUIRED, "推荐": Obligation.RECOMMENDED,
                                      "可选": Obligation.OPTIONAL}
STATUSES: dict[str, Status] = {
    "草案": Status.DRAFT, "共识稿": Status.CONSENSUS, "审查中": Status.UNDER_REVIEW,
    "省级发布": Status.PUBLISHED_PROVINCIAL, "推荐": Status.RECOMMENDED, "国家级发布": Status.PUBLISHED_NATIONAL,
    "已替代": Status.SUPERSEDED, "已废止": Status.RETIRED,
}
RELATIONS: dict[str, MappingRelation] = {
    "精确匹配": MappingRelation.EXACT, "近似匹配": MappingRelation.CLOSE, "上位匹配": MappingRelation.BROAD,
    "下位匹配": MappingRelation.NARROW, "相关匹配": MappingRelation.RELATED,
}
UNBOUNDED = ("*", "n", "unbounded", "不限")


class CellError(ValueError):
    """A cell value that cannot be read; the reader adds sheet, row and column."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en, self.zh = en, zh


def choose(kind: tuple[str, str], enum: type[E], extra: dict[str, E], text: str) -> E:
    """The enum member named by `text`: its value (any case, optional `skos:`) or a Chinese word."""
    table = {norm(m.value): m for m in enum} | {norm(k): v for k, v in extra.items()}
    found = table.get(norm(text.removeprefix("skos:")))
    if found is None:
        allowed = ", ".join(m.value for m in enum)
        words = "、".join(extra)
        raise CellError(f"unknown {kind[0]} {text!r} (use {allowed}; or {words})",
                        f"未知{kind[1]} {text!r}（可用 {allowed}；或 {words}）")
    return found


def parse_decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise CellError(f"{text!r} is not a number", f"{text!r} 不是数字")
    return value


def format_decimal(value: Decimal) -> str:
    return format(value, "f")  # never exponent notation, which experts would not recognise


def parse_count(text: str) -> int:
    if not re.fullmatch(r"\+?[0-9]+", text):
        raise CellError(f"{text!r} is not a whole number ≥ 0", f"{text!r} 不是非负整数")
    return int(text)


def parse_max_count(text: str) -> int | None:
    return None if norm(text) in UNBOUNDED else parse_count(text)


def parse_date(text: str) -> date:
    # Date cells typed in Excel read back as midnight datetimes.
    try:
        return date.fromisoformat(text.removesuffix("T00:00:00"))
    except ValueError:
        raise CellError(f"{text!r} is not a date (YYYY-MM-DD)", f"{text!r} 不是日期（YYYY-MM-DD）") from None


def parse_mapping(text: str, default: MappingRelation = MappingRelation.EXACT) -> Mapping:
    """`[relation] scheme:code`, e.g. `broadMatch hs2017:848210` or `cpc21:43310`."""
    relation_text, _, target = text.strip().rpartition(" ")
    relation = choose(("relation", "映射关系"), MappingRelation, RELATIONS, relation_text) \
        if relation_text.strip() else default
    scheme, colon, code = target.partition(":")
    if not colon or not re.fullmatch(r"[A-Za-z0-9_.-]+", scheme) or not code:
        raise CellError(f"{text!r} is not a mapping like 'exactMatch cpc21:43310'",
                        f"{text!r} 不是形如 'exactMatch cpc21:43310' 的映射")
    return Mapping(relation, scheme, code)


def parse_mappings(text: str) -> tuple[Mapping, ...]:
    """Mappings separated by `;` (also `；` or line breaks)."""
    return tuple(parse_mapping(part) for part in re.split(r"[;；\n]", text) if part.strip())


def format_mapping(mapping: Mapping) -> str:
    return f"{mapping.relation.value} {mapping.scheme}:{mapping.code}"


def parse_reference(text: str) -> str:
    """An IRI reference to another standard's item: absolute, or relative to the base IRI."""
    if not re.fullmatch(r"[^\s<>\"{}|\\^`]+", text) or text.startswith("/"):
        example = "standard/zj-rolling-bearings/1.0/attribute/brand"
        raise CellError(f"{text!r} is not an IRI (absolute, or relative to the base IRI such as {example})",
                        f"{text!r} 不是 IRI（绝对 IRI，或相对于基础 IRI，如 {example}）")
    return text


def parse_matches(text: str) -> tuple[AttributeMatch, ...]:
    """`relation IRI` separated by `;`, e.g. `closeMatch standard/zj-rolling-bearings/1.0/attribute/material`;
    sorted, as the model keeps them."""
    found = []
    for part in (p.strip() for p in re.split(r"[;；\n]", text)):
        if part:
            relation_text, _, target = part.rpartition(" ")
            relation = choose(("relation", "映射关系"), MappingRelation, RELATIONS, relation_text) \
                if relation_text.strip() else MappingRelation.EXACT
            found.append(AttributeMatch(relation, parse_reference(target)))
    order = list(MappingRelation)
    return tuple(sorted(set(found), key=lambda m: (order.index(m.relation), m.target)))


def format_match(match: AttributeMatch) -> str:
    return f"{match.relation.value} {match.target}"
