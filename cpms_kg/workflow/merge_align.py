"""Which experts' items of one kind are one draft item: the alignment rule in merge.py's docstring."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from difflib import SequenceMatcher
from functools import lru_cache
from typing import NamedTuple

from cpms_kg.standards.model import Attribute, Datatype
from cpms_kg.workflow.merge_model import Match, Named, item_code

SIMILAR = 0.85
CONTRADICTS = 0.6
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^】]*】")


class _Sig(NamedTuple):
    """What name alignment looks at; datatype and unit are "" for categories and code lists."""

    code: str
    zh: str
    en: str
    datatype: str
    unit: str


class _Link(NamedTuple):
    rank: tuple[float, float]
    zh: float | None
    en: float | None
    why: tuple[str, str]


def _normal(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold()
    bare = _BRACKETED.sub(" ", text)
    return " ".join((bare if bare.strip() else text).split())


@lru_cache(maxsize=65536)
def _ratio(a: str, b: str) -> float | None:
    x, y = sorted((_normal(a), _normal(b)))  # SequenceMatcher is not symmetric
    return SequenceMatcher(None, x, y).ratio() if x and y else None


def _compatible(a: _Sig, b: _Sig, unit_kinds: Mapping[str, str]) -> tuple[str, str] | None:
    if not a.datatype:
        return "", ""
    da, db = Datatype(a.datatype), Datatype(b.datatype)
    if da is db:
        parts = [(f"same datatype {da.value}", f"数据类型同为 {da.value}")]
    elif da.numeric and db.numeric:
        parts = [(f"numeric datatypes {da.value} and {db.value}", f"数据类型均为数值（{da.value}、{db.value}）")]
    else:
        return None
    if a.unit and a.unit == b.unit:
        parts.append((f"same unit {a.unit}", f"单位同为 {a.unit}"))
    elif a.unit and b.unit:
        kind = unit_kinds.get(a.unit)
        if kind is None or kind != unit_kinds.get(b.unit):
            return None
        parts.append((f"units {a.unit} and {b.unit} of one quantity kind {kind}",
                      f"单位 {a.unit} 与 {b.unit} 同属量纲 {kind}"))
    elif a.unit or b.unit:
        parts.append((f"unit {a.unit or b.unit} on one side only", f"仅一方给出单位 {a.unit or b.unit}"))
    return "; ".join(p[0] for p in parts), "；".join(p[1] for p in parts)


def _link(a: _Sig, b: _Sig, unit_kinds: Mapping[str, str]) -> _Link | None:
    zh, en = _ratio(a.zh, b.zh), _ratio(a.en, b.en)
    scores = [s for s in (zh, en) if s is not None]
    if not scores or max(scores) < SIMILAR or min(scores) < CONTRADICTS:
        return None
    why = _compatible(a, b, unit_kinds)
    return None if why is None else _Link((max(scores), min(scores)), zh, en, why)


def _reason(a: _Sig, b: _Sig, link: _Link) -> tuple[str, str]:
    both = (("zh", "中文", a.zh, b.zh, link.zh), ("en", "英文", a.en, b.en, link.en))
    en = [f'{lang} "{x}" ~ "{y}" {s:.2f}' for lang, _, x, y, s in both if s is not None]
    zh = [f"{lang}“{x}”~“{y}” {s:.2f}" for _, lang, x, y, s in both if s is not None]
    return (f"similar names to {b.code}: {', '.join(en)}" + (f"; {link.why[0]}" if link.why[0] else ""),
            f"与 {b.code} 名称相近：{'，'.join(zh)}" + (f"；{link.why[1]}" if link.why[1] else ""))


def _sig(item: Named) -> _Sig:
    typed = (item.datatype.value, item.unit or "") if isinstance(item, Attribute) else ("", "")
    return _Sig(item_code(item), item.name.zh, item.name.en, *typed)


def _best(own: _Sig, others: Iterable[_Sig], key: str, unit_kinds: Mapping[str, str]) -> tuple[_Sig, _Link] | None:
    """The strongest link from `own` to another code's item, links to the merged code first."""
    found = [(b, link) for b in others if (link := _link(own, b, unit_kinds)) is not None]
    return min(found, key=lambda f: (f[0].code != key, -f[1].rank[0], -f[1].rank[1], f[0]), default=None)


Group = tuple[str, list[tuple[str, Named]], list[Match]]


def align(members: Sequence[tuple[str, Named]], unit_kinds: Mapping[str, str]) -> list[Group]:
    """Groups the items of one kind: per group the merged code, the members and their matches, in expert order."""
    by_code: dict[str, list[tuple[str, Named]]] = {}
    for expert, item in members:
        by_code.setdefault(item_code(item), []).append((expert, item))
    codes = sorted(by_code)
    sigs = {c: sorted({_sig(i) for _, i in by_code[c]}) for c in codes}
    team = {c: frozenset(e for e, _ in by_code[c]) for c in codes}
    links: list[tuple[tuple[float, float], str, str]] = []
    for n, a in enumerate(codes):
        for b in codes[n + 1 :]:
            if not team[a] & team[b]:  # groups that share an expert can never join
                ranks = [link.rank for x in sigs[a] for y in sigs[b] if (link := _link(x, y, unit_kinds))]
                if ranks:
                    links.append((max(ranks), a, b))
    root = {c: c for c in codes}

    def find(c: str) -> str:
        while root[c] != c:
            c = root[c]
        return c

    for _, a, b in sorted(links, key=lambda t: (-t[0][0], -t[0][1], t[1], t[2])):
        ra, rb = find(a), find(b)
        if ra != rb and not team[ra] & team[rb]:
            root[rb], team[ra] = ra, team[ra] | team[rb]
    groups: dict[str, list[str]] = {}
    for c in codes:
        groups.setdefault(find(c), []).append(c)
    out = []
    for group in groups.values():
        key = min(group, key=lambda c: (-len(by_code[c]), c))

        def direct(item: Named, group: list[str] = group, key: str = key) -> tuple[str, str] | None:
            own = _sig(item)
            best = _best(own, (s for c in group if c != own.code for s in sigs[c]), key, unit_kinds)
            return None if best is None else _reason(own, *best)

        matches, grouped = [], sorted((m for c in group for m in by_code[c]), key=lambda m: m[0])
        for expert, item in grouped:
            code = item_code(item)
            if code == key:
                matches.append(Match(expert, code, "same code", "代码相同"))
            elif (why := direct(item)) is not None:
                matches.append(Match(expert, code, *why))
            else:  # its code joined the group through another expert's item with that code
                via, en, zh = next((e, *w) for e, i in by_code[code] if (w := direct(i)) is not None)
                matches.append(Match(expert, code, f"same code {code} as {via}'s item, which has {en}",
                                     f"与专家 {via} 的条目代码同为 {code}，该条目{zh}"))
        out.append((key, grouped, matches))
    return out
