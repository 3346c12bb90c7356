"""The fast engine's input: product tables as polars frames, one row per product.

A frame has the columns `ROW` (source row number), `CODE` (product code), `CATEGORY` (category code),
named as `frame.product_frame` (the columnar normaliser) names them, so its frames go straight in,
and one column per attribute code holding the attribute's value(s) exactly as `ProductRecord` cells
carry them (normalised text, before any RDF typing): a String column, or a List(String) column where
a product may have several values. Null (or an empty list) is no value; "" is an empty value. Where
an attribute's values do not all come from one source column, `SOURCE + attribute` holds the source
column row by row; otherwise the source columns are passed alongside as {attribute: column}.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import polars as pl

from cpms_kg.conformance.frame import CATEGORY, CODE, ROW
from cpms_kg.conformance.products import ProductRecord
from cpms_kg.iris import segment
from cpms_kg.standards.model import Standard

__all__ = ["CATEGORY", "CHUNK", "CODE", "ROW", "SOURCE", "records_frame", "records_frames", "segments"]

SOURCE = "__source__:"
CHUNK = 100_000
"""Rows per chunk: memory stays bounded by one chunk plus the findings."""
_UNRESERVED = r"^[A-Za-z0-9._~-]+$"


def segments(codes: pl.Series) -> pl.Series:
    """`iris.segment` of each code: codes of unreserved characters stand as they are; others go through
    Python's `quote`, once per distinct code."""
    if codes.null_count():
        raise ValueError("a product without a code")
    simple = codes.str.contains(_UNRESERVED)
    if simple.all():
        return codes
    odd = codes.filter(~simple).unique().to_list()
    encoded = {code: segment(code) for code in odd}
    return codes.replace_strict(encoded, default=None, return_dtype=pl.String).zip_with(~simple, codes)


def records_frame(records: Sequence[ProductRecord], standard: Standard) -> tuple[pl.DataFrame, dict[str, str]]:
    """One chunk of records as a frame, and the attributes' source columns where each has just one."""
    known = {a.code for a in standard.attributes}
    n = len(records)
    values: dict[str, list[object]] = {}
    sources: dict[str, list[str | None]] = {}
    multi: set[str] = set()
    for k, record in enumerate(records):
        for cell in record.cells:
            name = cell.attribute
            column = values.get(name)
            if column is None:
                if name not in known:
                    raise ValueError(f"product {record.code}: {name!r} is not an attribute of {standard.key}")
                column = values[name] = [None] * n
                sources[name] = [None] * n
            previous = column[k]
            if previous is None:
                column[k] = cell.value
            elif isinstance(previous, list):
                previous.append(cell.value)
            else:
                column[k] = [previous, cell.value]
                multi.add(name)
            # product_graph's origins keep the last cell of an attribute
            sources[name][k] = cell.column
    data: dict[str, pl.Series] = {
        ROW: pl.Series(ROW, [r.row for r in records], dtype=pl.Int64),
        CODE: pl.Series(CODE, [r.code for r in records], dtype=pl.String),
        CATEGORY: pl.Series(CATEGORY, [r.category for r in records], dtype=pl.String),
    }
    static: dict[str, str] = {}
    for name, column in values.items():
        if name in multi:
            listed = [v if v is None or isinstance(v, list) else [v] for v in column]
            data[name] = pl.Series(name, listed, dtype=pl.List(pl.String))
        else:
            data[name] = pl.Series(name, column, dtype=pl.String)
        used = {s for s in sources[name] if s is not None}
        if len(used) == 1:
            static[name] = used.pop()
        elif used:
            data[SOURCE + name] = pl.Series(SOURCE + name, sources[name], dtype=pl.String)
    return pl.DataFrame(data), static


def records_frames(
    records: Sequence[ProductRecord], standard: Standard, chunk_size: int = CHUNK
) -> Iterator[tuple[pl.DataFrame, dict[str, str]]]:
    for start in range(0, len(records), chunk_size):
        yield records_frame(records[start : start + chunk_size], standard)


def product_prefix(base_iri: str, firm: str) -> str:
    """`product_iri(base_iri, firm, code)` is this prefix plus `segment(code)`."""
    return f"{base_iri}product/{segment(firm)}/"
