"""The in-memory search index: built once from entries, then read by many searches at once.

Entries are numbered in the order of the tie-break (shorter code, then code, then IRI), so ranking a
set of hits is sorting integers, and every lookup is a dictionary hit or a slice of a sorted array
(prefixes by bisection): the work per query is done by C loops over sets and lists, not Python loops
over entries.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from cpms_kg.search.model import Entry, Hit, Kind, Match, SearchPage, SearchQuery
from cpms_kg.search.text import index_tokens, normalise, query_tokens


@dataclass(frozen=True)
class _Sorted:
    """Keys in order with the entry number of each, for prefix ranges by bisection."""

    keys: list[str]
    ids: list[int]

    @classmethod
    def build(cls, pairs: list[tuple[str, int]]) -> _Sorted:
        ordered = sorted(pairs)
        return cls([k for k, _ in ordered], [i for _, i in ordered])

    def span(self, prefix: str) -> tuple[int, int]:
        # "\U0010ffff" sorts after every character a key can continue with.
        return bisect_left(self.keys, prefix), bisect_left(self.keys, prefix + "\U0010ffff")

    def prefixed(self, prefix: str) -> list[int]:
        lo, hi = self.span(prefix)
        return self.ids[lo:hi]


class _Postings:
    """Token -> entries, stored as one flat list in token order so a token prefix is one slice."""

    def __init__(self, by_token: dict[str, list[int]]) -> None:
        self.tokens = sorted(by_token)
        self.starts: list[int] = []
        self.flat: list[int] = []
        for token in self.tokens:
            self.starts.append(len(self.flat))
            self.flat += by_token[token]
        self.starts.append(len(self.flat))
        self.position = {t: i for i, t in enumerate(self.tokens)}

    def exact(self, token: str) -> list[int]:
        i = self.position.get(token)
        return [] if i is None else self.flat[self.starts[i] : self.starts[i + 1]]

    def prefixed(self, prefix: str) -> list[int]:
        lo = bisect_left(self.tokens, prefix)
        hi = bisect_left(self.tokens, prefix + "\U0010ffff")
        return self.flat[self.starts[lo] : self.starts[hi]]


class Index:
    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries = sorted(entries, key=lambda e: (len(e.code), e.code, e.iri))
        by_code: dict[str, list[int]] = defaultdict(list)
        by_label: dict[str, list[int]] = defaultdict(list)
        by_token: dict[str, list[int]] = defaultdict(list)
        codes: list[tuple[str, int]] = []
        labels: list[tuple[str, int]] = []
        self.kinds: dict[Kind, set[int]] = defaultdict(set)
        self.schemes: dict[str, set[int]] = defaultdict(set)
        self.standards: dict[str, set[int]] = defaultdict(set)
        self.levels: dict[int, set[int]] = defaultdict(set)
        for i, e in enumerate(self.entries):
            code = normalise(e.code)
            by_code[code].append(i)
            codes.append((code, i))
            # Entries are visited in number order, so every list below is built sorted and without repeats.
            texts = {normalise(text) for text in e.labels.values()}
            for label in texts:
                by_label[label].append(i)
                labels.append((label, i))
            for token in set().union(*(index_tokens(label) for label in texts)):
                by_token[token].append(i)
            self.kinds[e.kind].add(i)
            if e.scheme is not None:
                self.schemes[e.scheme].add(i)
            for key in e.standards:
                self.standards[key].add(i)
                self.standards[key.rsplit("@", 1)[0]].add(i)
            if e.level is not None:
                self.levels[e.level].add(i)
        self.by_code = dict(by_code)
        self.by_label = dict(by_label)
        self.codes = _Sorted.build(codes)
        self.labels = _Sorted.build(labels)
        self.postings = _Postings(by_token)

    def __len__(self) -> int:
        return len(self.entries)

    def _allowed(self, query: SearchQuery) -> set[int] | None:
        """Entries the filters let through; None when there is no filter."""
        sets: list[set[int]] = []
        if query.kind is not None:
            sets.append(self.kinds.get(query.kind, set()))
        if query.scheme is not None:
            sets.append(self.schemes.get(query.scheme, set()))
        if query.standard is not None:
            sets.append(self.standards.get(query.standard, set()))
        if query.level is not None:
            sets.append(self.levels.get(query.level, set()))
        if not sets:
            return None
        sets.sort(key=len)
        return sets[0].intersection(*sets[1:])

    def _rules(self, text: str) -> list[tuple[Match, set[int]]]:
        """The entries each rule finds, best rule first (an entry may appear under several)."""
        words = query_tokens(text)
        found = [
            (Match.CODE, set(self.by_code.get(text, ()))),
            (Match.LABEL, set(self.by_label.get(text, ()))),
            (Match.PREFIX, set(self.codes.prefixed(text)).union(self.labels.prefixed(text))),
        ]
        if words:
            found.append((Match.TOKEN, _all_of(self.postings.exact(w) for w in words)))
            found.append((Match.TOKEN_PREFIX, _all_of(self.postings.prefixed(w) for w in words)))
        return found

    def search(self, query: SearchQuery) -> SearchPage:
        text = normalise(query.text)
        allowed = self._allowed(query)
        seen: set[int] = set()
        groups: list[tuple[Match, set[int]]] = []
        for rule, ids in self._rules(text):
            if allowed is not None:
                ids &= allowed
            ids -= seen
            if ids:
                groups.append((rule, ids))
                seen |= ids
        total = len(seen)
        results: list[Hit] = []
        skip, want = query.offset, query.limit
        for rule, ids in groups:
            if want == 0:
                break
            if skip >= len(ids):
                skip -= len(ids)
                continue
            page = sorted(ids)[skip : skip + want]
            skip = 0
            want -= len(page)
            results += [self._hit(i, rule) for i in page]
        return SearchPage(query.text, total, query.limit, query.offset, results)

    def _hit(self, i: int, rule: Match) -> Hit:
        e = self.entries[i]
        return Hit(
            e.kind,
            e.iri,
            e.code,
            dict(e.labels),
            e.scheme,
            e.standards[0] if e.standards else None,
            list(e.standards),
            e.level,
            rule,
        )


def _all_of(postings: Iterable[list[int]]) -> set[int]:
    """Entries in every posting list (smallest first keeps the intersection cheap)."""
    lists = sorted(postings, key=len)
    if not lists or not lists[0]:
        return set()
    return set(lists[0]).intersection(*lists[1:])
