"""Scheme profiles: what a classification's levels are called and how its codes are built.

A profile drives both the importer's checks (code lengths, allowed characters, level names) and the
SKOS/XKOS output (titles, level labels, external IRIs). Schemes without a profile get the generic one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SCHEME_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


DIGITS = ("digits only", "仅限数字")


@dataclass(frozen=True)
class LevelSpec:
    """One level: depth (1 = top), names, the code length at this level, extra level-column values."""

    depth: int
    name_zh: str
    name_en: str
    code_length: int | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class SchemeProfile:
    """How to read and publish one classification scheme."""

    scheme: str
    title_zh: str
    title_en: str
    levels: tuple[LevelSpec, ...] = ()
    # Allowed codes, and the rule in words for error messages (en, zh). At least one letter or digit,
    # so that no code is a "." or ".." path segment.
    code_pattern: str = r"[0-9A-Za-z._-]*[0-9A-Za-z][0-9A-Za-z._-]*"
    code_rule: tuple[str, str] = ("letters, digits, '.', '_' and '-'", "字母、数字、'.'、'_' 和 '-'")
    # Codes may be written right-padded with zeros to this length; they are stored unpadded.
    padded_length: int | None = None
    # "{code}" is replaced by the notation; only where a real public IRI scheme exists.
    external_iri_template: str | None = None
    notes: str = ""

    @property
    def has_code_lengths(self) -> bool:
        return bool(self.levels) and all(lv.code_length is not None for lv in self.levels)

    def level(self, depth: int) -> LevelSpec:
        """The level at `depth`; the generic profile names levels by number."""
        for lv in self.levels:
            if lv.depth == depth:
                return lv
        return LevelSpec(depth, f"第{depth}级", f"Level {depth}")

    def depth_for_length(self, length: int) -> int | None:
        for lv in self.levels:
            if lv.code_length == length:
                return lv.depth
        return None

    def parse_level(self, value: str) -> int | None:
        """Depth named by a level-column value: a depth number, a level name or an alias."""
        text = value.strip()
        if re.fullmatch(r"[0-9]+(\.0+)?", text):
            number = int(float(text))
            for lv in self.levels:
                if str(number) in lv.aliases:
                    return lv.depth
            if number >= 1 and (not self.levels or number <= len(self.levels)):
                return number
            return None
        for lv in self.levels:
            if text in (lv.name_zh, lv.name_en, *lv.aliases):
                return lv.depth
        return None


# The zh level names of CPC are our own translation (UNSD publishes no Chinese level terms with this
# data); they deliberately avoid 门类/大类/中类, which are GB/T 4754 and GB/T 7635 terms.
CPC21 = SchemeProfile(
    scheme="cpc21",
    title_zh="产品总分类（CPC）2.1版",
    title_en="Central Product Classification (CPC) Ver.2.1",
    levels=(
        LevelSpec(1, "部门", "section", 1),
        LevelSpec(2, "类", "division", 2),
        LevelSpec(3, "组", "group", 3),
        LevelSpec(4, "级", "class", 4),
        LevelSpec(5, "次级", "subclass", 5),
    ),
    code_pattern=r"[0-9]+",
    code_rule=DIGITS,
    notes="English titles only (UNSD); no Chinese titles are published with this data.",
)

HS2017 = SchemeProfile(
    scheme="hs2017",
    title_zh="商品名称及编码协调制度（HS）2017年版",
    title_en="Harmonized Commodity Description and Coding System (HS) 2017",
    levels=(
        LevelSpec(1, "章", "chapter", 2),
        LevelSpec(2, "品目", "heading", 4),
        LevelSpec(3, "子目", "subheading", 6),
    ),
    code_pattern=r"[0-9]+",
    code_rule=DIGITS,
    notes="Titles are the UN Comtrade short English descriptions, not the legal WCO texts; "
    "chapter 99 is a UN Comtrade addition.",
)

# GB/T 7635.1-2002: significant code lengths 1/2/3/4/5/8 by level. The official table may write
# codes right-padded with zeros to 8 digits; the importer stores the unpadded significant digits
# (so 细类 keep 8 digits, a 大类 "011" stays "011"). Padded codes need the level column, since
# "01100000" could be a 大类 or a 中类. A level column may say 1-6, 8 (for 细类) or the zh/en name.
# The en level names are our translation.
GBT7635 = SchemeProfile(
    scheme="gbt7635",
    title_zh="全国主要产品分类与代码 第1部分：可运输产品（GB/T 7635.1）",
    title_en="National Central Product Classification and Codes, Part 1: Transportable products "
    "(GB/T 7635.1)",
    levels=(
        LevelSpec(1, "大部类", "major section", 1),
        LevelSpec(2, "部类", "section", 2),
        LevelSpec(3, "大类", "division", 3),
        LevelSpec(4, "中类", "group", 4),
        LevelSpec(5, "小类", "class", 5),
        LevelSpec(6, "细类", "subclass", 8, aliases=("8",)),
    ),
    code_pattern=r"[0-9]+",
    code_rule=DIGITS,
    padded_length=8,
    notes="Imported from the official GB/T 7635.1 table supplied by the operator; no public "
    "machine-readable copy exists. Codes are stored unpadded.",
)

PROFILES: dict[str, SchemeProfile] = {p.scheme: p for p in (CPC21, HS2017, GBT7635)}


def profile_for(scheme: str) -> SchemeProfile:
    """The profile of a known scheme, else a generic one (levels as given, no code-length rule)."""
    if scheme in PROFILES:
        return PROFILES[scheme]
    return SchemeProfile(scheme=scheme, title_zh=scheme, title_en=scheme)
