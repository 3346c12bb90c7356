"""Hypothesis strategies for valid `Standard` versions, shared by the spreadsheet and RDF round-trips.

Generated standards are valid by construction: codes unique, parents before children (trees up to 4
levels), code lists non-empty, CODE attributes point to a list, ranges ordered, requirements point to
existing items. Sizes stay small so round-trip tests run fast.
"""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from cpms_kg.standards.model import (
    Attribute,
    Category,
    Code,
    CodeList,
    Datatype,
    Mapping,
    MappingRelation,
    Obligation,
    Requirement,
    Standard,
    StandardInfo,
    Status,
    Text,
)

# Codes: letters, digits and a few separators; numeric-looking and zero-padded codes on purpose.
_CODE_CHARS = "ABCXYZabcxyz0123456789-_."
codes = st.one_of(
    st.text(_CODE_CHARS, min_size=1, max_size=8).filter(lambda s: s[0] not in "-_."),
    st.from_regex(r"\A0[0-9]{1,5}\Z"),
    st.integers(0, 99999).map(str),
)

# Words in both scripts, joined by single spaces: no leading/trailing blanks, no control characters.
_WORD_CHARS = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    + list("轴承球滚子深沟密封内径外径宽度螺栓螺母垫圈钢不锈型号材料等级")
    + list("()/%,.;:'\"=+-#×Φ°")
)
_WORD = st.text(_WORD_CHARS, min_size=1, max_size=6)
words = st.lists(_WORD, min_size=1, max_size=3).map(" ".join)
texts = st.builds(Text, zh=words, en=words)
optional_texts = st.none() | texts

UNITS = ("MilliM", "M", "KiloGM", "GM", "N", "DEG_C", "PERCENT", "REV-PER-MIN", "KiloN")
PATTERNS = (r"^[0-9]{3,5}$", r"^[A-Z]+-\d+$", r"^M\d+(x\d+(\.\d+)?)?$", r"\S+")
SCHEMES = ("cpc21", "hs2017", "gbt7635")

decimals = st.decimals(min_value=-(10**6), max_value=10**6, places=3, allow_nan=False, allow_infinity=False)
dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))
mappings = st.builds(
    Mapping,
    relation=st.sampled_from(MappingRelation),
    scheme=st.sampled_from(SCHEMES),
    code=st.from_regex(r"\A[0-9]{2,6}\Z"),
)


@st.composite
def infos(draw: st.DrawFn) -> StandardInfo:
    return StandardInfo(
        id=draw(st.from_regex(r"\A[a-z][a-z0-9-]{0,10}\Z")),
        version=draw(st.from_regex(r"\A[0-9]{1,2}(\.[0-9]{1,2}){0,2}\Z")),
        title=draw(texts),
        region=draw(st.from_regex(r"\A[1-6][0-9]0{4}\Z")),
        industry=draw(mappings),
        issuing_body=draw(texts),
        status=draw(st.sampled_from(Status)),
        expert_group=draw(st.none() | words),
        issued=draw(st.none() | dates),
        implemented=draw(st.none() | dates),
        previous_version=draw(st.none() | st.from_regex(r"\A[0-9]\.[0-9]\Z")),
        description=draw(optional_texts),
    )


@st.composite
def category_trees(draw: st.DrawFn, max_size: int = 8) -> tuple[Category, ...]:
    """Parents come before children; depth (levels) at most 4."""
    keys = draw(st.lists(codes, min_size=0, max_size=max_size, unique=True))
    depth: dict[str, int] = {}
    out: list[Category] = []
    for key in keys:
        eligible = [c for c in depth if depth[c] < 4]
        # Often a child of the latest category, so that deep trees come up.
        parent = draw(st.none() | st.just(eligible[-1]) | st.sampled_from(eligible)) if eligible else None
        depth[key] = 1 if parent is None else depth[parent] + 1
        out.append(
            Category(
                code=key,
                name=draw(texts),
                parent=parent,
                definition=draw(optional_texts),
                mappings=tuple(draw(st.lists(mappings, max_size=2, unique=True))),
            )
        )
    return tuple(out)


@st.composite
def code_lists(draw: st.DrawFn) -> tuple[CodeList, ...]:
    ids = draw(st.lists(codes, max_size=3, unique=True))
    return tuple(
        CodeList(
            id=list_id,
            name=draw(texts),
            codes=tuple(Code(code, draw(texts)) for code in draw(st.lists(codes, min_size=1, max_size=4, unique=True))),
        )
        for list_id in ids
    )


@st.composite
def attributes(draw: st.DrawFn, code: str, lists: tuple[CodeList, ...]) -> Attribute:
    kinds = list(Datatype) if lists else [d for d in Datatype if d is not Datatype.CODE]
    datatype = draw(st.sampled_from(kinds))
    extra: dict[str, object] = {}
    if datatype.numeric:
        bounds = sorted(draw(st.lists(decimals, min_size=2, max_size=2)))
        if datatype is Datatype.INTEGER:
            bounds = [b.to_integral_value() for b in bounds]
        extra.update(
            unit=draw(st.none() | st.sampled_from(UNITS)),
            min_inclusive=bounds[0] if draw(st.booleans()) else None,
            max_inclusive=bounds[1] if draw(st.booleans()) else None,
        )
    elif datatype is Datatype.STRING:
        min_length = draw(st.none() | st.integers(0, 5))
        max_length = draw(st.none() | st.integers(min_length or 1, 40))
        extra.update(pattern=draw(st.none() | st.sampled_from(PATTERNS)), min_length=min_length, max_length=max_length)
    elif datatype is Datatype.CODE:
        extra["code_list"] = draw(st.sampled_from([c.id for c in lists]))
    min_count = draw(st.integers(0, 2))
    max_count = draw(st.none() | st.integers(max(min_count, 1), 5))
    return Attribute(
        code=code,
        name=draw(texts),
        datatype=datatype,
        definition=draw(optional_texts),
        min_count=min_count,
        max_count=max_count,
        example=draw(st.none() | words),
        **extra,  # type: ignore[arg-type]
    )


@st.composite
def standards(draw: st.DrawFn, max_categories: int = 8, max_attributes: int = 6) -> Standard:
    """A valid standard version: small trees, a few attributes of every datatype, code lists, requirements."""
    categories = draw(category_trees(max_size=max_categories))
    lists = draw(code_lists())
    attribute_codes = draw(st.lists(codes, max_size=max_attributes, unique=True))
    attrs = tuple(draw(attributes(code, lists)) for code in attribute_codes)
    pairs = [(c.code, a.code) for c in categories for a in attrs]
    chosen = draw(st.lists(st.sampled_from(pairs), max_size=6, unique=True)) if pairs else []
    requirements = tuple(Requirement(c, a, draw(st.sampled_from(Obligation))) for c, a in chosen)
    return Standard(
        info=draw(infos()),
        categories=categories,
        attributes=attrs,
        code_lists=lists,
        requirements=requirements,
    )
