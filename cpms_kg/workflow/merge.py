"""The consensus draft: the experts' proposals merged item by item, every alignment and disagreement explained.

Alignment rule (which experts' items are one draft item), per kind:
- Items with the same code (code lists: the same id) always align: "same code".
- Categories, attributes and code lists with different codes align when their names are similar. Names are
  normalised (NFKC, which turns full-width into half-width; casefold; bracketed parts such as the unit in
  "内径(mm)" dropped; blanks collapsed) and compared per language with difflib's ratio. Similar means: one
  language scores >= 0.85 and no language that both sides name scores < 0.6 (that would contradict).
  Attributes must also be compatible: datatypes equal or both numeric, units equal, either missing, or of
  the same quantity kind in `unit_kinds`.
- Same-code groups join along their best name links first (Kruskal order: scores, then codes), and never
  when that would put two items of one expert into one draft item: the result depends on the content only.
- Requirements align on (category, attribute) once both are rewritten to merged codes.
The merged code is the one most supporters use (ties: the smallest); references are rewritten to it.

This module is the public API and builds each item's merged value. The data classes (merge_model.py) and
draft_triples (merge_rdf.py) are re-exported here; the alignment itself is in merge_align.py.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import fields, replace
from decimal import Decimal
from enum import Enum
from typing import TypeVar

from cpms_kg.errors import BadInput, Problem
from cpms_kg.standards.diff import plain
from cpms_kg.standards.model import (
    Attribute,
    Category,
    Code,
    CodeList,
    Datatype,
    Requirement,
    Standard,
    StandardInfo,
    Text,
)
from cpms_kg.standards.model import Mapping as ConceptMapping
from cpms_kg.workflow.merge_align import Group, align
from cpms_kg.workflow.merge_model import (
    KIND_ZH,
    KINDS,
    Conflict,
    Draft,
    DraftItem,
    Item,
    ItemKind,
    Match,
    Resolution,
    item_code,
)
from cpms_kg.workflow.merge_rdf import draft_triples

__all__ = ["Conflict", "Draft", "DraftItem", "ItemKind", "Match", "Resolution", "apply_resolutions", "draft_json",
           "draft_triples", "merge", "resolve", "to_standard"]


# --- fields, conflicts and the merged value -----------------------------------------------------


def _items(standard: Standard, kind: ItemKind) -> Sequence[Item]:
    by_kind: dict[str, Sequence[Item]] = {"category": standard.categories, "attribute": standard.attributes,
                                          "codelist": standard.code_lists, "requirement": standard.requirements}
    return by_kind[kind]


def _fields(item: Item) -> dict[str, object]:
    """The compared fields of one proposed item, typed; conflicts compare their `_text`."""
    if isinstance(item, Requirement):
        return {"obligation": item.obligation}
    out: dict[str, object] = {"name.zh": item.name.zh, "name.en": item.name.en}
    if isinstance(item, CodeList):
        out["codes"] = frozenset(c.code for c in item.codes)
        for c in item.codes:
            out[f"codes.{c.code}.zh"], out[f"codes.{c.code}.en"] = c.label.zh, c.label.en
        return out
    out["definition.zh"] = item.definition.zh if item.definition else None
    out["definition.en"] = item.definition.en if item.definition else None
    if isinstance(item, Category):
        return out | {"parent": item.parent, "mappings": item.mappings}
    return out | {f.name: getattr(item, f.name) for f in fields(item) if f.name not in ("code", "name", "definition")}


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Decimal):  # 1.0 and 1 are one value
        return format(value.normalize(), "f")
    if isinstance(value, frozenset):
        return json.dumps(sorted(value), ensure_ascii=False)
    if isinstance(value, tuple):  # category mappings, compared as a set
        mapped = sorted(f"{m.relation.value} {m.scheme}:{m.code}" for m in value if isinstance(m, ConceptMapping))
        return json.dumps(mapped, ensure_ascii=False)
    return str(value)


def _conflicts(proposed: Sequence[tuple[str, Item]]) -> tuple[Conflict, ...]:
    by_field: dict[str, dict[str, list[str]]] = {}
    for expert, item in proposed:
        for name, value in _fields(item).items():
            by_field.setdefault(name, {}).setdefault(_text(value), []).append(expert)
    out = []
    for name, by_text in by_field.items():
        if len(by_text) > 1:
            ranked = tuple(sorted(((t, tuple(e)) for t, e in by_text.items()), key=lambda o: (-len(o[1]), o[0])))
            out.append(Conflict(name, ranked, ranked[0][0]))
    return tuple(out)


T = TypeVar("T", Category, Attribute, CodeList, Requirement)


def _chooser(members: Sequence[T], conflicts: Sequence[Conflict]) -> Callable[[str], T]:
    """pick(field): the first supporter's item that holds the field's chosen value (any, without a conflict)."""
    chosen = {c.field: c.chosen for c in conflicts}
    texts = [{name: _text(value) for name, value in _fields(m).items()} for m in members]

    def pick(name: str) -> T:
        held = ((m, t[name]) for m, t in zip(members, texts, strict=True) if name in t)
        return next(m for m, value in held if chosen.get(name, value) == value)

    return pick


def _name(pick: Callable[[str], Category | Attribute | CodeList]) -> Text:
    return Text(pick("name.zh").name.zh, pick("name.en").name.en)


def _definition(pick: Callable[[str], Category | Attribute]) -> Text | None:
    zh, en = pick("definition.zh").definition, pick("definition.en").definition
    return None if zh is None and en is None else Text(zh.zh if zh else "", en.en if en else "")


def _build(key: str, proposed: Sequence[tuple[str, Item]], conflicts: Sequence[Conflict]) -> Item:
    items = [i for _, i in proposed]
    first = items[0]
    if isinstance(first, Requirement):
        return replace(first, obligation=_chooser([i for i in items if isinstance(i, Requirement)], conflicts)(
            "obligation").obligation)
    if isinstance(first, CodeList):
        lists = [i for i in items if isinstance(i, CodeList)]
        pick = _chooser(lists, conflicts)
        kept = {c.code for c in pick("codes").codes}

        def label(code: str, lang: str) -> Text:
            return next(c.label for c in pick(f"codes.{code}.{lang}").codes if c.code == code)

        order = dict.fromkeys(c.code for m in lists for c in m.codes if c.code in kept)  # first proposed first
        codes = tuple(Code(c, Text(label(c, "zh").zh, label(c, "en").en)) for c in order)
        return CodeList(key, _name(pick), codes)
    if isinstance(first, Category):
        c = _chooser([i for i in items if isinstance(i, Category)], conflicts)
        return Category(key, _name(c), c("parent").parent, _definition(c), c("mappings").mappings)
    a = _chooser([i for i in items if isinstance(i, Attribute)], conflicts)
    return Attribute(
        key, _name(a), a("datatype").datatype, definition=_definition(a), unit=a("unit").unit,
        code_list=a("code_list").code_list, min_inclusive=a("min_inclusive").min_inclusive,
        max_inclusive=a("max_inclusive").max_inclusive, pattern=a("pattern").pattern,
        min_length=a("min_length").min_length, max_length=a("max_length").max_length,
        min_count=a("min_count").min_count, max_count=a("max_count").max_count, example=a("example").example,
    )


def _item(kind: ItemKind, key: str, proposed: Sequence[tuple[str, Item]], matches: Sequence[Match]) -> DraftItem:
    conflicts, support = _conflicts(proposed), tuple(e for e, _ in proposed)
    return DraftItem(kind, key, support, tuple(matches), conflicts, _build(key, proposed, conflicts), tuple(proposed))


# --- merge, resolve, and back to a standard -----------------------------------------------------


def _check(ordered: Sequence[tuple[str, Standard]]) -> None:
    """Refuses what would make alignment ambiguous: repeated codes, and references a proposal does not define."""
    if not ordered:
        raise BadInput("a draft needs at least one proposal", "共识稿至少需要一份提案")
    problems: list[Problem] = []
    names = Counter(e for e, _ in ordered)
    for expert in sorted(e for e, n in names.items() if n > 1 or not e or e != e.strip()):
        problems.append(Problem(f"expert name {expert!r} is empty, padded or repeated", expert,
                                message_zh=f"专家名称“{expert}”为空、首尾有空白或重复"))
    for expert, s in ordered:
        for k in KINDS:
            counts = Counter(item_code(i) for i in _items(s, k))
            problems += [Problem(f"{k} {code} is repeated", expert, message_zh=f"{KIND_ZH[k]} {code} 重复")
                         for code in sorted(c for c, n in counts.items() if n > 1)]
        defined = {kind: {item_code(i) for i in _items(s, kind)} for kind in KINDS}
        refs: list[tuple[str, str, ItemKind, str | None]] = [("category", c.code, "category", c.parent)
                                                             for c in s.categories]
        refs += [("attribute", a.code, "codelist", a.code_list) for a in s.attributes]
        refs += [("requirement", item_code(r), "category", r.category) for r in s.requirements]
        refs += [("requirement", item_code(r), "attribute", r.attribute) for r in s.requirements]
        for kind, code, target, ref in refs:
            if ref is not None and ref not in defined[target]:
                problems.append(Problem(f"{kind} {code} refers to {target} {ref}, which the proposal does not define",
                                        expert, message_zh=f"{KIND_ZH[kind]} {code} 引用的 {ref} 不在该提案中"))
    if problems:
        first = problems[0]
        raise BadInput(f"{len(problems)} problem(s) in the proposals; first: {first}",
                       f"提案中有 {len(problems)} 处问题，首个：{first.source}: {first.message_zh}", problems)


def _rewrite(item: Item, keys: Mapping[str, Mapping[str, str]]) -> Item:
    if isinstance(item, Category) and item.parent is not None:
        return replace(item, parent=keys["category"][item.parent])
    if isinstance(item, Attribute) and item.code_list is not None:
        return replace(item, code_list=keys["codelist"][item.code_list])
    return item


def _moved(old: Requirement, new: Requirement) -> tuple[str, str]:
    pairs = [(k, o, n) for k, o, n in (("category", old.category, new.category),
                                       ("attribute", old.attribute, new.attribute)) if o != n]
    if not pairs:
        return "same code", "代码相同"
    return ("; ".join(f"{k} {o} aligned to {n}" for k, o, n in pairs),
            "；".join(f"{KIND_ZH[k]} {o} 对齐为 {n}" for k, o, n in pairs))


def merge(
    proposals: Sequence[tuple[str, Standard]], info: StandardInfo, *, unit_kinds: Mapping[str, str] | None = None
) -> Draft:
    """Merges (expert, proposal) pairs into one draft; `unit_kinds` maps a unit code to its quantity kind."""
    ordered = sorted(proposals, key=lambda p: p[0])
    _check(ordered)
    keys: dict[str, dict[str, str]] = {}
    groups: dict[ItemKind, list[Group]] = {}
    for kind in KINDS[:3]:
        named = [(e, i) for e, s in ordered for i in _items(s, kind) if not isinstance(i, Requirement)]
        groups[kind] = align(named, unit_kinds or {})
        keys[kind] = {item_code(i): key for key, members, _ in groups[kind] for _, i in members}
    items = [_item(kind, key, [(e, _rewrite(i, keys)) for e, i in members], matches)
             for kind, found in groups.items() for key, members, matches in found]
    requirements: dict[tuple[str, str], list[tuple[str, Requirement, Requirement]]] = {}
    for expert, standard in ordered:
        for r in standard.requirements:
            moved = replace(r, category=keys["category"][r.category], attribute=keys["attribute"][r.attribute])
            requirements.setdefault((moved.category, moved.attribute), []).append((expert, r, moved))
    items += [_item("requirement", item_code(found[0][2]), [(e, m) for e, _, m in found],
                    [Match(e, item_code(r), *_moved(r, m)) for e, r, m in found]) for found in requirements.values()]
    items.sort(key=lambda i: (KINDS.index(i.kind), i.key))
    return Draft(info, tuple(e for e, _ in ordered), tuple(items))


def resolve(draft: Draft, kind: ItemKind, key: str, field: str, value: str, *, reason: str, by: str) -> Draft:
    """Settles one conflict on one of its proposed values; a later resolution of the same field replaces it."""
    what, what_zh = f"{kind} {key}", f"{KIND_ZH.get(kind, kind)} {key}"
    item = draft.item(kind, key)
    if item is None:
        raise BadInput(f"the draft has no {what}", f"共识稿中没有{what_zh}")
    conflict = next((c for c in item.conflicts if c.field == field), None)
    if conflict is None:
        raise BadInput(f"the field {field} of {what} is not in conflict", f"{what_zh} 的字段 {field} 没有分歧")
    proposed = [v for v, _ in conflict.options]
    if value not in proposed:
        shown = ", ".join(json.dumps(v, ensure_ascii=False) for v in proposed)
        raise BadInput(f"{value!r} was not proposed for {field} of {what}; the options are {shown}",
                       f"“{value}”不是{what_zh} 字段 {field} 的候选值；候选值为 {shown}")
    if not reason.strip() or not by.strip():
        raise BadInput("a resolution needs a reason and who made it", "裁决须写明理由和裁决人")
    settled = replace(conflict, chosen=value, resolution=Resolution(field, value, reason.strip(), by.strip()))
    conflicts = tuple(settled if c is conflict else c for c in item.conflicts)
    updated = replace(item, conflicts=conflicts, item=_build(key, item.proposed, conflicts))
    return replace(draft, items=tuple(updated if i is item else i for i in draft.items))


def apply_resolutions(draft: Draft, resolutions: Iterable[tuple[ItemKind, str, Resolution]]) -> Draft:
    for kind, key, r in resolutions:
        draft = resolve(draft, kind, key, r.field, r.value, reason=r.reason, by=r.by)
    return draft


def to_standard(draft: Draft, *, keep: Callable[[DraftItem], bool] = lambda i: True) -> Standard:
    """The kept items as a standard; references to items that are gone are dropped, each said so in `notes`."""
    kept = [i.item for i in draft.items if keep(i)]
    notes: list[str] = []
    lists = tuple(i for i in kept if isinstance(i, CodeList))
    attributes: list[Attribute] = []
    for a in (i for i in kept if isinstance(i, Attribute)):
        if a.code_list is not None and a.code_list not in {c.id for c in lists}:
            notes.append(f"attribute {a.code}: code list {a.code_list} is not in the standard / "
                         f"属性 {a.code}：代码表 {a.code_list} 不在标准中")
            a = replace(a, code_list=None)
        if a.datatype is Datatype.CODE and a.code_list is None:
            notes.append(f"attribute {a.code} dropped: a code attribute needs a code list / "
                         f"已删除属性 {a.code}：代码型属性须有代码表")
            continue
        attributes.append(a)
    categories = {c.code: c for c in kept if isinstance(c, Category)}
    for c in list(categories.values()):
        if c.parent is not None and c.parent not in categories:
            notes.append(f"category {c.code}: parent {c.parent} is not in the standard, now a top category / "
                         f"类目 {c.code}：上级 {c.parent} 不在标准中，改为顶层类目")
            categories[c.code] = replace(c, parent=None)
    for start in sorted(categories):
        chain: list[str] = []
        node: str | None = start
        while node is not None and node not in chain:
            chain.append(node)
            node = categories[node].parent
        if node is not None:  # a cycle: each parent was some supporters' majority, together they loop
            cut = min(chain[chain.index(node) :])
            notes.append(f"category {cut}: parent {categories[cut].parent} removed to break a cycle / "
                         f"类目 {cut}：为消除循环删除上级 {categories[cut].parent}")
            categories[cut] = replace(categories[cut], parent=None)
    codes = {a.code for a in attributes}
    requirements: list[Requirement] = []
    for r in (i for i in kept if isinstance(i, Requirement)):
        if r.category in categories and r.attribute in codes:
            requirements.append(r)
        else:
            notes.append(f"requirement {item_code(r)} dropped: its category or attribute is not in the standard / "
                         f"已删除属性要求 {item_code(r)}：其类目或属性不在标准中")
    return Standard(draft.info, tuple(categories.values()), tuple(attributes), lists, tuple(requirements),
                    tuple(notes))


def draft_json(draft: Draft) -> dict[str, object]:
    """The draft for REST: per item its support, each expert's match with the reason, and the conflicts."""
    def conflict(c: Conflict) -> dict[str, object]:
        options = [{"value": v, "experts": list(e), "support": len(e)} for v, e in c.options]
        return {"field": c.field, "options": options, "chosen": c.chosen, "resolution": plain(c.resolution)}

    items = [{"kind": i.kind, "key": i.key, "support": list(i.support), "support_count": len(i.support),
              "matches": [plain(m) for m in i.matches], "conflicts": [conflict(c) for c in i.conflicts],
              "item": plain(i.item)} for i in draft.items]
    return {"info": plain(draft.info), "experts": list(draft.experts), "open_conflicts": len(draft.open_conflicts),
            "items": items}
