"""sh:pattern for the fast engine: Python's `re` is the reference (pySHACL searches with it); a pattern is
rewritten into the Rust regex syntax polars uses only where both give the same answer.

The rewrite goes through Python's own parse tree, so no syntax is read twice in two dialects, and it
writes every character class out for ASCII (`\\d` -> `[0-9]`, `\\s` -> the nine ASCII characters
Python counts as space, which Rust's `\\s` does not all include). It is therefore exact on ASCII
text without a line feed (where Python's `$` also matches before a final "\\n"); the engine sends
every other value, and every pattern the rewrite refuses (flags, back references, look-around,
possessive or atomic groups), through Python's `re` itself.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import polars as pl

_parser: Any = importlib.import_module("re._parser")
_UNICODE = re.UNICODE.value

# ASCII sets of Python's (Unicode) classes: exact on ASCII input only.
_CATEGORY = {
    "CATEGORY_DIGIT": "[0-9]",
    "CATEGORY_NOT_DIGIT": "[^0-9]",
    "CATEGORY_SPACE": "[\\t-\\r\\x1C-\\x20]",
    "CATEGORY_NOT_SPACE": "[^\\t-\\r\\x1C-\\x20]",
    "CATEGORY_WORD": "[0-9A-Za-z_]",
    "CATEGORY_NOT_WORD": "[^0-9A-Za-z_]",
}
_AT = {
    "AT_BEGINNING": "^",
    "AT_BEGINNING_STRING": "\\A",
    "AT_END": "\\z",
    "AT_END_STRING": "\\z",
    "AT_BOUNDARY": "\\b",
    "AT_NON_BOUNDARY": "\\B",
}
SAFE_TEXT = r"^[\x00-\x09\x0B-\x7F]*$"
"""Values the rewritten pattern decides exactly: ASCII without a line feed."""


class _Refuse(Exception):
    pass


def _char(code: int) -> str:
    return chr(code) if chr(code).isascii() and chr(code).isalnum() else f"\\x{{{code:X}}}"


def _items(items: Any) -> str:
    out: list[str] = []
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            out.insert(0, "^")
        elif name == "LITERAL":
            out.append(_char(arg))
        elif name == "RANGE":
            out.append(f"{_char(arg[0])}-{_char(arg[1])}")
        elif name == "CATEGORY" and str(arg) in _CATEGORY:
            out.append(_CATEGORY[str(arg)])
        else:
            raise _Refuse(name)
    return "[" + "".join(out) + "]"


def _tree(nodes: Any) -> str:
    out: list[str] = []
    for op, arg in nodes:
        name = str(op)
        if name == "LITERAL":
            out.append(_char(arg))
        elif name == "NOT_LITERAL":
            out.append(f"[^{_char(arg)}]")
        elif name == "ANY":
            out.append("[^\\n]")
        elif name == "IN":
            out.append(_items(arg))
        elif name == "BRANCH":
            out.append("(?:" + "|".join(_tree(alt) for alt in arg[1]) + ")")
        elif name == "SUBPATTERN":
            _group, add_flags, del_flags, sub = arg
            if add_flags or del_flags:
                raise _Refuse("inline flags")
            out.append("(?:" + _tree(sub) + ")")
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            low, high, sub = arg
            bound = f"{{{low},}}" if high == _parser.MAXREPEAT else f"{{{low},{high}}}"
            out.append("(?:" + _tree(sub) + ")" + bound + ("?" if name == "MIN_REPEAT" else ""))
        elif name == "AT" and str(arg) in _AT:
            out.append(_AT[str(arg)])
        else:
            raise _Refuse(name)
    return "".join(out)


@lru_cache(maxsize=256)
def rust_pattern(pattern: str, flags: str | None = None) -> str | None:
    """`pattern` in polars' regex syntax, exact on `SAFE_TEXT` values; None when it must stay with Python."""
    if flags:
        return None
    try:
        parsed = _parser.parse(pattern)
        if parsed.state.flags & ~_UNICODE:
            return None
        rewritten = _tree(parsed)
        pl.Series([""], dtype=pl.String).str.contains(rewritten)  # Rust's own limits (sizes, repetitions)
    except (_Refuse, re.error, pl.exceptions.ComputeError, RecursionError, OverflowError):
        return None
    return rewritten


def python_search(pattern: str, flags: str | None = None) -> Callable[[str], bool]:
    """What pySHACL does: `re.search` with the i and m flags of sh:flags (others are ignored)."""
    given = (flags or "").lower()
    compiled = re.compile(pattern, (re.I if "i" in given else 0) | (re.M if "m" in given else 0))
    return lambda text: compiled.search(text) is not None


def matches(values: pl.Series, pattern: str, flags: str | None = None) -> pl.Series:
    """Whether each value (a lexical form, as pySHACL reads it) matches `pattern`; nulls stay null."""
    rewritten = rust_pattern(pattern, flags)
    slow = values.is_not_null()
    if rewritten is not None:
        slow = slow & ~values.str.contains(SAFE_TEXT)
    if rewritten is not None and not slow.any():
        return values.str.contains(rewritten)
    search = python_search(pattern, flags)
    found = {text: search(text) for text in values.filter(slow).unique().to_list()}
    exact = values.replace_strict(found, default=None, return_dtype=pl.Boolean)
    return exact if rewritten is None else exact.zip_with(slow, values.str.contains(rewritten))
