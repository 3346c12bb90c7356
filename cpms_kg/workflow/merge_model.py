"""The consensus draft's data: draft items, each expert's match, the conflicts and their resolutions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cpms_kg.standards.model import Attribute, Category, CodeList, Requirement, StandardInfo

ItemKind = Literal["category", "attribute", "codelist", "requirement"]
Item = Category | Attribute | CodeList | Requirement
Named = Category | Attribute | CodeList
KINDS: tuple[ItemKind, ...] = ("category", "attribute", "codelist", "requirement")
KIND_ZH: dict[str, str] = {"category": "类目", "attribute": "属性", "codelist": "代码表", "requirement": "属性要求"}


@dataclass(frozen=True)
class Match:
    """How one expert's item was aligned to the draft item."""

    expert: str
    code: str
    reason: str
    reason_zh: str


@dataclass(frozen=True)
class Resolution:
    field: str
    value: str
    reason: str
    by: str


@dataclass(frozen=True)
class Conflict:
    """One field on which the supporters disagree; values are texts, "" for a missing value."""

    field: str
    options: tuple[tuple[str, tuple[str, ...]], ...]
    chosen: str
    resolution: Resolution | None = None


@dataclass(frozen=True)
class DraftItem:
    kind: ItemKind
    key: str
    support: tuple[str, ...]
    matches: tuple[Match, ...]
    conflicts: tuple[Conflict, ...]
    item: Item
    proposed: tuple[tuple[str, Item], ...]
    """Each supporter's own item (own code, references rewritten to merged codes): resolutions rebuild from it."""


@dataclass(frozen=True)
class Draft:
    info: StandardInfo
    experts: tuple[str, ...]
    items: tuple[DraftItem, ...]

    def item(self, kind: ItemKind, key: str) -> DraftItem | None:
        return next((i for i in self.items if i.kind == kind and i.key == key), None)

    @property
    def open_conflicts(self) -> list[tuple[DraftItem, Conflict]]:
        return [(i, c) for i in self.items for c in i.conflicts if c.resolution is None]


def item_code(item: Item) -> str:
    """The code an item is aligned and referred to by: a code list's id, a requirement's category/attribute."""
    if isinstance(item, CodeList):
        return item.id
    if isinstance(item, Requirement):
        return f"{item.category}/{item.attribute}"
    return item.code
