"""Per-item differences between two versions of a standard, and the migration map firms apply.

Items are matched by code within their kind (categories, attributes, code lists, requirements by
category and attribute). A removed attribute and an added one with the same zh or en name and the
same datatype are read as a rename; a requirement whose attribute now sits on another category is a
move; an attribute whose unit changed is a unit change. The migration map lists exactly those, so a
firm's saved column mapping can follow the new version.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, is_dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from cpms_kg.standards.model import Attribute, Standard


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class ItemChange:
    kind: str
    """standard, category, attribute, code_list, code, requirement"""
    key: str
    change: str
    """added, removed or changed"""
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class Rename:
    old: str
    new: str


@dataclass(frozen=True)
class Move:
    attribute: str
    old_category: str
    new_category: str


@dataclass(frozen=True)
class UnitChange:
    attribute: str
    old_unit: str | None
    new_unit: str | None


@dataclass(frozen=True)
class MigrationMap:
    renamed_attributes: tuple[Rename, ...] = ()
    moved_attributes: tuple[Move, ...] = ()
    unit_changes: tuple[UnitChange, ...] = ()
    removed_attributes: tuple[str, ...] = ()
    renamed_codes: tuple[tuple[str, Rename], ...] = ()
    """(code list id, rename) for codes whose label stayed and whose code changed."""


@dataclass(frozen=True)
class StandardDiff:
    standard: str
    old_version: str
    new_version: str
    changes: tuple[ItemChange, ...] = field(default=())
    migration: MigrationMap = field(default_factory=MigrationMap)

    def as_json(self) -> dict[str, Any]:
        result: dict[str, Any] = plain(self)
        return result


def plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)


def _field_changes(old: Any, new: Any, skip: tuple[str, ...] = ()) -> tuple[FieldChange, ...]:
    a, b = asdict(old), asdict(new)
    return tuple(
        FieldChange(name, plain(a[name]), plain(b[name])) for name in a if name not in skip and a[name] != b[name]
    )


def _compare(kind: str, old: dict[str, Any], new: dict[str, Any], skip: tuple[str, ...] = ()) -> list[ItemChange]:
    out = [ItemChange(kind, key, "removed") for key in sorted(old.keys() - new.keys())]
    out += [ItemChange(kind, key, "added") for key in sorted(new.keys() - old.keys())]
    for key in sorted(old.keys() & new.keys()):
        changed = _field_changes(old[key], new[key], skip)
        if changed:
            out.append(ItemChange(kind, key, "changed", changed))
    return out


def _renames(old: dict[str, Attribute], new: dict[str, Attribute]) -> list[Rename]:
    removed = [old[k] for k in sorted(old.keys() - new.keys())]
    added = [new[k] for k in sorted(new.keys() - old.keys())]
    out = []
    for gone in removed:
        for candidate in added:
            same_name = gone.name.zh == candidate.name.zh or gone.name.en == candidate.name.en
            if same_name and gone.datatype == candidate.datatype:
                out.append(Rename(gone.code, candidate.code))
                added.remove(candidate)
                break
    return out


def diff(old: Standard, new: Standard) -> StandardDiff:
    changes: list[ItemChange] = []
    info = _field_changes(old.info, new.info, skip=("version", "previous_version"))
    if info:
        changes.append(ItemChange("standard", old.info.id, "changed", info))
    changes += _compare("category", {c.code: c for c in old.categories}, {c.code: c for c in new.categories})
    old_attrs = {a.code: a for a in old.attributes}
    new_attrs = {a.code: a for a in new.attributes}
    changes += _compare("attribute", old_attrs, new_attrs)
    old_lists = {c.id: c for c in old.code_lists}
    new_lists = {c.id: c for c in new.code_lists}
    changes += _compare("code_list", old_lists, new_lists, skip=("codes",))
    renamed_codes: list[tuple[str, Rename]] = []
    for list_id in sorted(old_lists.keys() & new_lists.keys()):
        old_codes = {c.code: c for c in old_lists[list_id].codes}
        new_codes = {c.code: c for c in new_lists[list_id].codes}
        for change in _compare("code", old_codes, new_codes):
            changes.append(ItemChange("code", f"{list_id}/{change.key}", change.change, change.fields))
        gone = {old_codes[k].label: k for k in old_codes.keys() - new_codes.keys()}
        for code in sorted(new_codes.keys() - old_codes.keys()):
            if new_codes[code].label in gone:
                renamed_codes.append((list_id, Rename(gone[new_codes[code].label], code)))
    old_reqs = {f"{r.category}/{r.attribute}": r for r in old.requirements}
    new_reqs = {f"{r.category}/{r.attribute}": r for r in new.requirements}
    changes += _compare("requirement", old_reqs, new_reqs)

    renames = _renames(old_attrs, new_attrs)
    renamed_to = {r.old: r.new for r in renames}
    moves = []
    for attribute in sorted(old_attrs.keys()):
        target = renamed_to.get(attribute, attribute)
        before = sorted(r.category for r in old.requirements if r.attribute == attribute)
        after = sorted(r.category for r in new.requirements if r.attribute == target)
        if before and after and before != after and len(before) == len(after) == 1:
            moves.append(Move(target, before[0], after[0]))
    units = [
        UnitChange(code, old_attrs[code].unit, new_attrs[code].unit)
        for code in sorted(old_attrs.keys() & new_attrs.keys())
        if old_attrs[code].unit != new_attrs[code].unit
    ]
    removed = tuple(sorted(old_attrs.keys() - new_attrs.keys() - renamed_to.keys()))
    migration = MigrationMap(tuple(renames), tuple(moves), tuple(units), removed, tuple(renamed_codes))
    return StandardDiff(old.info.id, old.info.version, new.info.version, tuple(changes), migration)
