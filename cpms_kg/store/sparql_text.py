"""A light SPARQL lexer: finds the query form, dataset clauses, SERVICE targets and update WHEREs.

The store's own parser checks syntax; this only reads what the service must decide before running
a caller's request (which graphs it may see, whether it calls out), at microseconds per query.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from cpms_kg.store.base import Dataset, QueryForm

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<pname>(?:[^\W\d][\w.-]*)?:(?:[\w:%-]|\.(?=[\w:%-]))*)
  | (?P<word>[A-Za-z_]\w*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_FORMS = {form.value: form for form in QueryForm}
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    depth: int


@dataclass(frozen=True)
class QueryInfo:
    form: QueryForm | None
    dataset: Dataset
    services: tuple[str | None, ...]
    """SERVICE targets, resolved; None for a variable target."""


@dataclass(frozen=True)
class UpdateInfo:
    has_dataset_clause: bool
    where_offsets: tuple[int, ...]
    """Offsets of the WHERE keywords of DELETE/INSERT operations, where USING clauses may go."""


def tokens(text: str) -> list[Token]:
    out: list[Token] = []
    depth = 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        value = m.group()
        if value == "}":
            depth -= 1
        out.append(Token(kind, value, m.start(), depth))
        if value == "{":
            depth += 1
    return out


class _Resolver:
    def __init__(self) -> None:
        self.prefixes: dict[str, str] = {}
        self.base = ""

    def feed(self, toks: list[Token], i: int) -> int:
        """Consumes a PREFIX or BASE declaration at i; returns the index after it (or i)."""
        word = toks[i].text.upper()
        if word == "PREFIX" and i + 2 < len(toks) and toks[i + 2].kind == "iri":
            self.prefixes[toks[i + 1].text[:-1]] = self.iri(toks[i + 2])
            return i + 3
        if word == "BASE" and i + 1 < len(toks) and toks[i + 1].kind == "iri":
            self.base = self.iri(toks[i + 1])
            return i + 2
        return i

    def iri(self, tok: Token) -> str:
        if tok.kind == "iri":
            return urljoin(self.base, tok.text[1:-1]) if self.base else tok.text[1:-1]
        prefix, _, local = tok.text.partition(":")
        return self.prefixes.get(prefix, prefix + ":") + local


@functools.lru_cache(maxsize=2048)
def scan_query(text: str) -> QueryInfo:
    """What the service must know of a query before it runs; cached, as clients repeat queries."""
    toks = tokens(text)
    resolver = _Resolver()
    form: QueryForm | None = None
    default: list[str] = []
    named: list[str] = []
    services: list[str | None] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.kind != "word":
            i += 1
            continue
        nxt = resolver.feed(toks, i)
        if nxt != i:
            i = nxt
            continue
        word = tok.text.upper()
        if form is None and word in _FORMS:
            form = _FORMS[word]
        elif word == "FROM" and i + 1 < len(toks):
            target = toks[i + 1]
            if target.kind == "word" and target.text.upper() == "NAMED" and i + 2 < len(toks):
                named.append(resolver.iri(toks[i + 2]))
                i += 2
            elif target.kind in ("iri", "pname"):
                default.append(resolver.iri(target))
                i += 1
        elif word == "SERVICE":
            j = i + 1
            if j < len(toks) and toks[j].text.upper() == "SILENT":
                j += 1
            if j < len(toks):
                services.append(resolver.iri(toks[j]) if toks[j].kind in ("iri", "pname") else None)
            i = j
        i += 1
    return QueryInfo(form, Dataset(tuple(default), tuple(named)), tuple(services))


def scan_update(text: str) -> UpdateInfo:
    toks = tokens(text)
    has_dataset = False
    wheres: list[int] = []
    previous = ""
    for tok in toks:
        if tok.kind != "word":
            previous = tok.text
            continue
        word = tok.text.upper()
        if word in ("USING", "WITH"):
            has_dataset = True
        # DELETE WHERE (the short form) takes no USING clause.
        if word == "WHERE" and tok.depth == 0 and previous.upper() != "DELETE":
            wheres.append(tok.start)
        previous = tok.text
    return UpdateInfo(has_dataset, tuple(wheres))


@dataclass(frozen=True)
class UpdateReach:
    iris: frozenset[str]
    """Every IRI the update names, resolved (graphs among them)."""
    wide: bool
    """True when it may touch graphs it does not name: GRAPH ?var, CLEAR/DROP ALL or NAMED."""


def update_reach(text: str, base_iri: str) -> UpdateReach:
    """Which graphs an update can reach, so the service can keep some out of its reach."""
    toks = tokens(text)
    resolver = _Resolver()
    resolver.base = base_iri
    iris: set[str] = set()
    wide = False
    i = 0
    while i < len(toks):
        tok = toks[i]
        nxt = resolver.feed(toks, i) if tok.kind == "word" else i
        if nxt != i:
            i = nxt
            continue
        following = [t for t in toks[i + 1 : i + 3]]
        word = tok.text.upper() if tok.kind == "word" else ""
        if word == "GRAPH" and following and following[0].kind == "var":
            wide = True
        if word in ("CLEAR", "DROP"):
            targets = [t.text.upper() for t in following if t.kind == "word"]
            wide = wide or "ALL" in targets or "NAMED" in targets
        if tok.kind in ("iri", "pname"):
            iris.add(resolver.iri(tok))
        i += 1
    return UpdateReach(frozenset(iris), wide)


def has_relative_iri(text: str) -> bool:
    """True when an IRI reference without a scheme appears and no BASE declares its base."""
    toks = tokens(text)
    if any(t.kind == "word" and t.text.upper() == "BASE" for t in toks):
        return False
    return any(t.kind == "iri" and not _SCHEME.match(t.text[1:-1]) for t in toks)


def service_targets(text: str) -> tuple[str | None, ...]:
    return scan_query(text).services


def with_using(text: str, dataset: Dataset) -> str:
    """Applies a protocol dataset (using-graph-uri, using-named-graph-uri) to an update's operations."""
    info = scan_update(text)
    clause = "".join(f"USING <{g}> " for g in dataset.default_graphs) + "".join(
        f"USING NAMED <{g}> " for g in dataset.named_graphs
    )
    out = text
    for offset in reversed(info.where_offsets):
        out = out[:offset] + clause + out[offset:]
    return out
