"""Values as pySHACL sees them, computed over columns.

`product_graph` writes a value with its XSD datatype when it has that datatype's lexical form and as
a plain string otherwise; rdflib, which pySHACL runs on, then normalises typed lexical forms ("007"
-> "7", ".5" -> "0.5", "1" -> "true" for booleans, a date's time zone dropped) and marks values it
cannot read as ill-typed. Findings report the normalised form, so the fast engine computes it too:
with string operations for the common ASCII forms, and through rdflib itself, once per distinct value,
for everything else (non-ASCII digits, dates other than plain YYYY-MM-DD, ...). Comparisons with a
range bound are done in floating point only where the float's rounding cannot change the answer;
values near a bound, and every value or bound of another kind, are compared on rdflib literals as
pySHACL's `compare_literal` compares them (`order`).
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import polars as pl
import rdflib

from cpms_kg.conformance.fast_regex import matches
from cpms_kg.conformance.fast_rules import Check
from cpms_kg.conformance.products import literal
from cpms_kg.namespaces import RDFS, XSD
from cpms_kg.standards.model import Datatype

_XSD_STRING = str(XSD.string)
_PYTHON = {str(XSD.integer): int, str(XSD.decimal): Decimal, str(XSD.boolean): bool, str(XSD.date): date}
_DATE_SIMPLE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DATE_TYPED = r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?$"
NEAR = 1e-9
"""Relative distance to a bound under which a float comparison is redone exactly (floats carry 1e-16)."""


_SAMPLE = {Datatype.BOOLEAN: "true", Datatype.DATE: "2000-01-01"}


def xsd_of(datatype: Datatype) -> str:
    """The datatype IRI `product_graph` gives a value that has the datatype's lexical form."""
    return literal(_SAMPLE.get(datatype, "0"), datatype).datatype.value


def rdf_literal(raw: str, datatype: Datatype) -> rdflib.Literal:
    """The value as pySHACL reads it: `product_graph`'s literal, after the N-Triples trip into rdflib."""
    lit = literal(raw, datatype)
    if lit.datatype.value == _XSD_STRING:
        return rdflib.Literal(raw)
    return rdflib.Literal(raw, datatype=rdflib.URIRef(lit.datatype.value))


def own_datatype_ok(lit: rdflib.Literal) -> bool:
    """pySHACL's sh:datatype test of a literal against its own datatype."""
    if lit.datatype is None:
        return isinstance(lit.value, str)
    if lit.ill_typed is True:
        return False
    kind = _PYTHON.get(str(lit.datatype))
    return kind is None or isinstance(lit.value, kind)


def order(lit: rdflib.Literal, bound: rdflib.Literal) -> int:
    """pySHACL's order of two literals (`rdfutil.compare_literal`, not imported: pySHACL is slow to import):
    rdflib's comparison of values, except date-times and times, compared by value alone (rdflib would force
    an order on them). Raises TypeError or NotImplementedError for values that have no order."""
    if lit.eq(bound):
        return 0
    if type(lit.value) in (datetime, time):
        return 0 if lit.value == bound.value else (1 if lit.value > bound.value else -1)
    return 1 if lit > bound else -1


def range_ok(lit: rdflib.Literal, bound: rdflib.Literal, kind: str) -> bool:
    """pySHACL's min/max Inclusive/Exclusive test of one value."""
    if isinstance(bound.value, str) != isinstance(lit.value, str):
        return False
    try:
        cmp = order(lit, bound)
    except (TypeError, NotImplementedError):
        # Values that have no order: pySHACL reports a violation then.
        return False
    return {"minInclusive": cmp >= 0, "minExclusive": cmp > 0, "maxInclusive": cmp <= 0, "maxExclusive": cmp < 0}[kind]


class Literals:
    """rdflib literals of one attribute's unusual values, made once per distinct value."""

    def __init__(self, datatype: Datatype) -> None:
        self.datatype = datatype
        self.cache: dict[str, rdflib.Literal] = {}

    def __getitem__(self, raw: str) -> rdflib.Literal:
        lit = self.cache.get(raw)
        if lit is None:
            lit = self.cache[raw] = rdf_literal(raw, self.datatype)
        return lit


_TYPED = {Datatype.INTEGER: r"^[+-]?[0-9]+$", Datatype.DECIMAL: r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"}
# Forms rdflib keeps as they are (f"{Decimal(x):f}" and str(int(x)) give them back unchanged).
_CANONICAL = {Datatype.INTEGER: r"^(0|-?[1-9][0-9]*)$", Datatype.DECIMAL: r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$"}


def _normalised(raw: pl.Series, datatype: Datatype) -> pl.Series:
    """rdflib's lexical form of ASCII integer or decimal literals that are not canonical yet."""
    frame = raw.to_frame("raw").lazy()
    negative = pl.col("raw").str.starts_with("-")
    body = pl.col("raw").str.strip_chars_start("+-")
    if datatype is Datatype.INTEGER:
        digits = body.str.strip_chars_start("0")
        lex = pl.when(digits == "").then(pl.lit("0")).otherwise(pl.when(negative).then("-" + digits).otherwise(digits))
    else:
        parts = body.str.split_exact(".", 1)
        whole = parts.struct.field("field_0").str.strip_chars_start("0")
        fraction = parts.struct.field("field_1")
        lex = (
            pl.when(negative).then(pl.lit("-")).otherwise(pl.lit(""))
            + pl.when(whole == "").then(pl.lit("0")).otherwise(whole)
            + pl.when(fraction.is_null() | (fraction == "")).then(pl.lit("")).otherwise("." + fraction)
        )
    return frame.select(lex).collect().to_series()


def _typed_dates(raw: pl.Series) -> pl.Series:
    """Plain YYYY-MM-DD forms of real dates from year 1 on: rdflib reads them and keeps them as they are."""
    parsed = raw.str.to_date("%Y-%m-%d", strict=False)
    return (
        raw.str.contains(_DATE_SIMPLE) & ~raw.str.starts_with("0000") & (parsed.dt.to_string("%Y-%m-%d") == raw)
    ).fill_null(False)


def values_frame(values: pl.DataFrame, literals: Literals) -> pl.DataFrame:
    """`values` (a `raw` column) with `typed`, `lex` (the form findings report), `valid` (passes the
    attribute's own sh:datatype) and `num` (a float where the fast comparison applies, else null)."""
    raw = values["raw"]
    datatype = literals.datatype
    n = values.height
    no_number = pl.repeat(None, n, dtype=pl.Float64, eager=True).alias("num")
    valid = pl.repeat(True, n, dtype=pl.Boolean, eager=True).alias("valid")
    if datatype in (Datatype.STRING, Datatype.CODE):
        typed = pl.repeat(False, n, dtype=pl.Boolean, eager=True).alias("typed")
        return values.with_columns(typed, raw.alias("lex"), valid, no_number)
    if datatype is Datatype.BOOLEAN:
        typed = raw.is_in(["true", "false", "1", "0"])
        lex = raw.replace({"1": "true", "0": "false"})
        return values.with_columns(typed.alias("typed"), lex.alias("lex"), valid, no_number)
    lex = raw.clone()
    if datatype is Datatype.DATE:
        typed = _typed_dates(raw)
        num = no_number
    else:
        typed = raw.str.contains(_TYPED[datatype])
        fix = (typed & ~raw.str.contains(_CANONICAL[datatype])).arg_true()
        if len(fix):
            lex.scatter(fix, _normalised(raw.gather(fix), datatype))
        num = raw.cast(pl.Float64, strict=False)
    rest = (~typed).arg_true()
    if len(rest):
        num.scatter(rest, None)
        others = raw.gather(rest)
        unusual = others.str.len_bytes() != others.str.len_chars()  # non-ASCII: Unicode digits and the like
        if datatype is Datatype.DATE:
            unusual = unusual | others.str.contains(_DATE_TYPED)
        slow = rest.filter(unusual)
        if len(slow):
            lits = [literals[text] for text in raw.gather(slow).to_list()]
            typed.scatter(slow, [lit.datatype is not None for lit in lits])
            lex.scatter(slow, [str(lit) for lit in lits])
            valid.scatter(slow, [own_datatype_ok(lit) for lit in lits])
    return values.with_columns(typed.alias("typed"), lex.alias("lex"), valid, num.alias("num"))


def failing(check: Check, values: pl.DataFrame, literals: Literals) -> pl.Series:
    """For each row of `values` (from `values_frame`), whether it breaks `check` (a value constraint)."""
    typed, valid, lex = values["typed"], values["valid"], values["lex"]
    kind = check.kind
    if kind == "datatype":
        rule = check.datatype
        own = xsd_of(literals.datatype)
        if rule == str(RDFS.Literal):
            return pl.repeat(False, values.height, dtype=pl.Boolean, eager=True)
        if rule == _XSD_STRING:
            return typed
        if rule == own:
            return ~(typed & valid)
        if rule == str(RDFS.Datatype):
            return ~typed
        # rdf:langString or another datatype: no value of ours has it
        return pl.repeat(True, values.height, dtype=pl.Boolean, eager=True)
    if kind == "in":
        return typed | ~lex.is_in(list(check.items))
    if kind == "pattern":
        assert check.pattern is not None
        return ~matches(lex, check.pattern, check.flags)
    if kind == "minLength":
        assert check.number is not None
        return lex.str.len_chars() < check.number
    if kind == "maxLength":
        assert check.number is not None
        return lex.str.len_chars() > check.number
    assert check.bound is not None
    return _out_of_range(check.kind, check.bound, values, literals)


def _out_of_range(kind: str, bound: rdflib.Literal, values: pl.DataFrame, literals: Literals) -> pl.Series:
    numeric_bound = type(bound.value) in (int, Decimal) and not bound.ill_typed
    if numeric_bound and literals.datatype.numeric:
        b = float(bound.value)
        num = pl.col("num")
        ok = {"minInclusive": num >= b, "minExclusive": num > b, "maxInclusive": num <= b, "maxExclusive": num < b}
        fast = pl.col("typed") & num.is_not_null() & ((num - b).abs() > NEAR * max(abs(b), 1.0))
        # A plain (unreadable) value never compares with a number.
        fail = values.select(
            pl.when(~pl.col("typed")).then(pl.lit(True)).when(fast).then(~ok[kind]).otherwise(pl.lit(None))
        ).to_series()
    else:
        fail = pl.repeat(None, values.height, dtype=pl.Boolean, eager=True)
    todo = fail.is_null()
    if todo.any():
        raws = values["raw"].filter(todo).unique().to_list()
        exact = {raw: not range_ok(literals[raw], bound, kind) for raw in raws}
        fail = values["raw"].replace_strict(exact, default=None, return_dtype=pl.Boolean).zip_with(todo, fail)
    return fail
