"""Text for the search index: one normal form for labels, codes and queries, and word tokens.

Chinese is segmented with jieba (the Rust implementation, `rjieba`: the same dictionary and
segmentation as Python jieba 0.42.1, about 20x faster per label, no start-up log on stderr and no
cache file written; see bench/README.md). Indexed labels use jieba's search mode, which adds the
dictionary words inside a long word (深沟球轴承 -> 深沟, 轴承, 球轴承); a query uses the precise mode, so
each of its words must be a word of the label, never an accidental run of characters (沟球).
English and codes are split by the same segmenter at spaces and punctuation.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from types import ModuleType

_WORDLIKE = re.compile(r"[^\W_]")
"""A token holds at least one letter or digit (CJK characters are letters); spaces and punctuation are dropped.
Most tokens are all letters or digits, and `str.isalnum` answers those without the regex."""


@cache
def _jieba() -> ModuleType:
    import rjieba  # loads its dictionary (~0.1 s): on first use, not when the app is imported

    return rjieba


def normalise(text: str) -> str:
    """NFKC (full-width to ASCII), case-folded, whitespace collapsed: the form every comparison uses."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def index_tokens(text: str) -> set[str]:
    """Words of a normalised label, with jieba's search-mode sub-words."""
    return {w for w in _jieba().cut_for_search(text) if w.isalnum() or (len(w) > 1 and _WORDLIKE.search(w))}


def query_tokens(text: str) -> list[str]:
    """Words of a normalised query (precise mode), in order, without repeats."""
    words = _jieba().cut(text)
    return list(dict.fromkeys(w for w in words if w.isalnum() or (len(w) > 1 and _WORDLIKE.search(w))))
