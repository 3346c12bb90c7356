"""The fast tabular engine against the reference (pySHACL on `product_graph`), result by result.

Hypothesis builds product tables for both demo standards and for generated standards (every
datatype, cardinalities, code lists, patterns, lengths, ranges, deep category trees), with every kind
of fault: missing required and recommended values, unreadable lexical forms, non-canonical forms
("007", ".5", "+5", Unicode digits), values on and just past a bound, codes outside their list,
pattern and length breaches (a trailing line feed, which Python's `$` accepts), too many values,
values that collapse to one RDF term ("007" and "7"), unknown categories, categories in every level
of the tree. Tables are checked in tiny chunks so that every cross-chunk path runs.
"""

from __future__ import annotations

import io
import logging
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import polars as pl
import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpms_kg.conformance.engine import EngineResult, Finding, PyshaclEngine
from cpms_kg.conformance.fast import FastEngine
from cpms_kg.conformance.fast_frames import CATEGORY, CODE, ROW, records_frame
from cpms_kg.conformance.fast_regex import matches, rust_pattern
from cpms_kg.conformance.fast_report import report_graph, write_ntriples, write_report
from cpms_kg.conformance.fast_rules import Unsupported, compile_plan
from cpms_kg.conformance.fast_values import Literals, own_datatype_ok, rdf_literal, values_frame
from cpms_kg.conformance.findings_frame import FrameFindings
from cpms_kg.conformance.frame import SeenCodes, product_frame, table_frame
from cpms_kg.conformance.frame import records as frame_records_of
from cpms_kg.conformance.mapping import auto_map
from cpms_kg.conformance.products import Cell, ProductRecord, product_graph
from cpms_kg.conformance.report import locate
from cpms_kg.conformance.table import Row, Table
from cpms_kg.errors import BadInput
from cpms_kg.namespaces import SH
from cpms_kg.standards.demo import bearings, fasteners
from cpms_kg.standards.model import Attribute, Datatype, Standard
from cpms_kg.standards.shapes import compile_shapes
from tests.standard_strategies import standards

BASE = "http://example.org/cpms/"
FIRM = "firm 01"
BEARINGS, FASTENERS = bearings(), fasteners()
SETTINGS = settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)

# rdflib logs every ill-typed literal (the reference engine reads them too); the noise hides failures.
logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)


def full(f: Finding) -> tuple[str, ...]:
    return (f.focus, f.path or "", f.rule, f.value or "", f.shape, f.component, f.severity)


def reference_key(f: Finding) -> tuple[str, ...]:
    return (f.focus, f.path or "", f.rule, f.value or "")


def report_results(graph: rdflib.Graph) -> Counter[tuple[Any, ...]]:
    out: Counter[tuple[Any, ...]] = Counter()
    for node in graph.subjects(rdflib.RDF.type, SH.ValidationResult):
        value = graph.value(node, SH.value)
        out[
            (
                graph.value(node, SH.focusNode),
                graph.value(node, SH.resultPath),
                None if value is None else (str(value), getattr(value, "datatype", None)),
                graph.value(node, SH.resultSeverity),
                graph.value(node, SH.sourceConstraintComponent),
                graph.value(node, SH.sourceShape),
                frozenset(graph.objects(node, SH.resultMessage)),
                frozenset(graph.predicates(node)),
            )
        ] += 1
    return out


def where(located: pl.DataFrame) -> list[Any]:
    """Located findings (as reports read them): the finding, its product, source row and column."""
    places = zip(*(located.get_column(c).to_list() for c in ("product", "row", "column")), strict=True)
    return sorted(
        (full(f), product, row or 0, column or "")
        for f, (product, row, column) in zip(FrameFindings(located), places, strict=True)
    )


def check_same(records: list[ProductRecord], standard: Standard, chunk_size: int = 3) -> tuple[int, EngineResult]:
    """Run both engines; assert identical findings, order, conformance, locations and report. Returns the count."""
    shapes = compile_shapes(standard, BASE)
    graph = product_graph(records, standard, BASE, FIRM)
    expected = PyshaclEngine().validate(graph.triples, shapes)
    got = FastEngine().validate_records(records, standard, shapes, BASE, FIRM, chunk_size=chunk_size)
    assert got.engine == "fast", got.fallback
    assert sorted(got.findings, key=full) == sorted(expected.findings, key=full)
    assert [reference_key(f) for f in got.findings] == [reference_key(f) for f in expected.findings]
    assert got.conforms == expected.conforms
    assert got.products == len(records)
    mine = got.engine_result()
    assert where(got.located()) == where(locate(expected, graph.origins))
    results = report_results(expected.report)
    assert report_results(mine.report) == results
    assert mine.report.value(predicate=SH.conforms) == expected.report.value(predicate=SH.conforms)
    streamed = io.BytesIO()
    write_report(streamed, got.frame, got.conforms, "turtle", batch=5)
    turtle = rdflib.Graph().parse(data=streamed.getvalue().decode(), format="turtle")
    assert report_results(turtle) == results and len(turtle) == len(expected.report)
    assert turtle.value(predicate=SH.conforms) == expected.report.value(predicate=SH.conforms)
    return len(expected.findings), expected


# --- generated tables ------------------------------------------------------------------------------

_JUNK = st.sampled_from(
    ["", "abc", "1,5", "12 mm", "٣", "٣.٥", "1e3", "NaN", "1.2.3", " 5", "5 ", "-", ".", "+", "０１", "true", "是"]
)
_TEXT = st.text(st.sampled_from(list("aZ09-_. /#轴承\n\t\x1c\u00a0Ⅻ٣")), max_size=12)


def _number(attribute: Attribute) -> st.SearchStrategy[str]:
    lo, hi = attribute.min_inclusive, attribute.max_inclusive
    anchors = [b for b in (lo, hi) if b is not None] or [Decimal(0)]
    tiny = Decimal("1e-12")
    near = [str(b + d) for b in anchors for d in (Decimal(0), tiny, -tiny, Decimal("0.001"), Decimal(-1))]
    forms = [f"+{b}" for b in anchors] + [f"00{b}" for b in anchors if b >= 0] + [f"{b}.000" for b in anchors]
    inside = st.decimals(
        min_value=lo if lo is not None else -(10**6),
        max_value=hi if hi is not None else 10**6,
        places=0 if attribute.datatype is Datatype.INTEGER else 4,
        allow_nan=False,
        allow_infinity=False,
    ).map(str)
    odd = st.sampled_from(["007", "+5", "-0", ".5", "5.", "-.5", "3.0", "1.5", "9" * 30, "0." + "0" * 25 + "1"])
    return st.one_of(inside, st.sampled_from(near + forms), odd, _JUNK)


def value_of(attribute: Attribute, standard: Standard) -> st.SearchStrategy[str]:
    if attribute.datatype.numeric:
        return _number(attribute)
    if attribute.datatype is Datatype.CODE:
        codes = standard.code_list(attribute.code_list or "")
        listed = [c.code for c in codes.codes] if codes is not None else ["x"]
        return st.one_of(st.sampled_from(listed), st.sampled_from(listed).map(str.lower), _JUNK, _TEXT)
    if attribute.datatype is Datatype.BOOLEAN:
        return st.one_of(st.sampled_from(["true", "false", "1", "0", "TRUE", "yes"]), _JUNK)
    if attribute.datatype is Datatype.DATE:
        dates = ["2024-01-31", "2024-02-30", "2024-01-01Z", "2024-01-01+08:00", "2024-1-1", "0000-01-01"]
        dates += ["-2024-01-01", "12345-01-01", "٢٠٢٤-٠١-٠١", "2024-13-01", "1999-12-31T00:00"]
        return st.one_of(st.sampled_from(dates), st.dates().map(str), _JUNK)
    good: list[st.SearchStrategy[str]] = [_TEXT, _JUNK, st.text(max_size=70)]
    if attribute.pattern is not None:
        good.append(st.from_regex(attribute.pattern, fullmatch=True))
    if attribute.example is not None:
        good.append(st.sampled_from([attribute.example, attribute.example + "\n", attribute.example * 8]))
    return st.one_of(*good)


@st.composite
def tables(draw: st.DrawFn, standard: Standard, max_products: int = 8) -> list[ProductRecord]:
    categories = [c.code for c in standard.categories]
    category = st.one_of(st.sampled_from(categories), st.sampled_from(["NOPE", "rb"])) if categories else st.just("X")
    if categories:
        category = st.one_of(category, st.sampled_from(categories).map(lambda c: f" {c}"))
    code = st.text(st.sampled_from(list("AZaz09-_.~ /#%轴")), min_size=1, max_size=6).filter(lambda c: c.strip() != "")
    codes = draw(st.lists(code, min_size=1, max_size=max_products, unique_by=lambda c: c.strip()))
    records = []
    for row, product in enumerate(codes, start=2):
        cells: list[Cell] = []
        for attribute in standard.attributes:
            count = draw(st.sampled_from([0, 1, 1, 1, 1, 2, 3]))
            for _ in range(count):
                column = draw(st.sampled_from([f"c_{attribute.code}", f"alt_{attribute.code}"]))
                cells.append(Cell(attribute.code, draw(value_of(attribute, standard)), column))
        if cells and draw(st.booleans()):
            first = cells[0]  # the same value twice, and its twin that rdflib normalises to the same term
            cells += [Cell(first.attribute, first.value, first.column), Cell(first.attribute, "0" + first.value, "x")]
        records.append(ProductRecord(row, product, draw(category), tuple(cells)))
    return records


@settings(SETTINGS, max_examples=45)
@given(tables(BEARINGS))
def test_bearings_match_pyshacl(records: list[ProductRecord]) -> None:
    check_same(records, BEARINGS)


@settings(SETTINGS, max_examples=45)
@given(tables(FASTENERS))
def test_fasteners_match_pyshacl(records: list[ProductRecord]) -> None:
    check_same(records, FASTENERS)


@st.composite
def standard_and_table(draw: st.DrawFn) -> tuple[Standard, list[ProductRecord]]:
    standard = draw(standards(max_categories=6, max_attributes=6).filter(lambda s: len(s.requirements) >= 3))
    return standard, draw(tables(standard, max_products=8))


@settings(SETTINGS, max_examples=60)
@given(standard_and_table())
def test_generated_standards_match_pyshacl(case: tuple[Standard, list[ProductRecord]]) -> None:
    standard, records = case
    check_same(records, standard, chunk_size=2)


# --- pieces ----------------------------------------------------------------------------------------


_LEXICAL = st.one_of(
    st.text(max_size=14),
    st.from_regex(r"\A[+-]?[0-9]{0,4}(\.[0-9]{0,3})?\Z"),
    st.from_regex(r"\A-?[0-9]{4,5}-[0-9]{2}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?\Z"),
)


@settings(SETTINGS, max_examples=200)
@given(st.sampled_from(list(Datatype)), st.lists(_LEXICAL, max_size=30))
def test_values_are_read_as_rdflib_reads_them(datatype: Datatype, raws: list[str]) -> None:
    out = values_frame(pl.DataFrame({"raw": raws}, schema={"raw": pl.String}), Literals(datatype))
    for raw, typed, lex, valid in zip(out["raw"], out["typed"], out["lex"], out["valid"], strict=True):
        lit = rdf_literal(raw, datatype)
        assert (typed, lex, valid) == (lit.datatype is not None, str(lit), own_datatype_ok(lit)), raw


_BOUND_TYPES = [None, "integer", "decimal", "double", "date", "dateTime", "time", "boolean", "string"]


def _ordered(compare: Any, a: rdflib.Literal, b: rdflib.Literal) -> object:
    try:
        return compare(a, b)
    except (TypeError, NotImplementedError) as error:
        return type(error)


@settings(SETTINGS, max_examples=300)
@given(
    st.tuples(
        _LEXICAL | st.sampled_from(["12:30:00", "2024-01-02T03:04:05", "2024-01-02T03:04:05Z"]),
        st.sampled_from(_BOUND_TYPES),
    ),
    st.tuples(_LEXICAL | st.sampled_from(["12:30:00", "2024-01-02T03:04:05Z"]), st.sampled_from(_BOUND_TYPES)),
)
def test_values_are_ordered_as_pyshacl_orders_them(
    value: tuple[str, str | None], bound: tuple[str, str | None]
) -> None:
    from pyshacl.rdfutil.compare import compare_literal

    from cpms_kg.conformance.fast_values import order

    def lit(lexical: str, kind: str | None) -> rdflib.Literal:
        return rdflib.Literal(lexical, datatype=rdflib.XSD[kind] if kind else None)

    a, b = lit(*value), lit(*bound)
    assert _ordered(order, a, b) == _ordered(compare_literal, a, b)


PATTERNS = [a.pattern for s in (BEARINGS, FASTENERS) for a in s.attributes if a.pattern] + [
    r"^[A-Z]+-\d+$",
    r"\S+",
    r"\bfoo\b",
    r"[^\W\d]+",
    r"x*?y",
    r"a{,3}b",
    r"(?i)abc",
    r"(a)\1",
    r"a(?=b)",
]


@settings(SETTINGS, max_examples=150)
@given(st.sampled_from(PATTERNS), st.lists(st.text(st.sampled_from(list("aAbxyfoZ09-. \n\t\x1c٣轴")), max_size=10)))
def test_patterns_decide_as_python_re(pattern: str, texts: list[str]) -> None:
    import re

    got = matches(pl.Series(texts, dtype=pl.String), pattern).to_list()
    assert got == [re.search(pattern, t) is not None for t in texts]


def test_patterns_python_cannot_hand_over_stay_in_python() -> None:
    assert rust_pattern(r"(a)\1") is None and rust_pattern(r"a(?=b)") is None and rust_pattern("(?i)a") is None
    assert rust_pattern("a", "i") is None
    assert rust_pattern(r"^\d$") == r"^[[0-9]]\z"


def test_a_product_of_an_unknown_category_has_no_findings_as_in_pyshacl() -> None:
    records = [ProductRecord(2, "A1", "NOT-A-CATEGORY", (Cell("bore_diameter", "abc", "d"),))]
    count, _ = check_same(records, BEARINGS)
    assert count == 0


def test_unsupported_shapes_fall_back_to_the_reference_engine() -> None:
    shapes = compile_shapes(BEARINGS, BASE)
    shape = next(t.subject for t in shapes if isinstance(t.subject, ox.NamedNode) and t.subject.value.endswith("/RB"))
    true = ox.Literal("true", datatype=ox.NamedNode(str(rdflib.XSD.boolean)))
    shapes.append(ox.Triple(shape, ox.NamedNode(str(SH.closed)), true))
    with pytest.raises(Unsupported):
        compile_plan(BEARINGS, shapes, BASE)
    records = [ProductRecord(2, "A1", "RB0101", (Cell("bore_diameter", "25", "d"),))]
    got = FastEngine().validate_records(records, BEARINGS, shapes, BASE, FIRM)
    expected = PyshaclEngine().validate(product_graph(records, BEARINGS, BASE, FIRM).triples, shapes)
    assert got.engine == "pyshacl" and got.fallback and "closed" in got.fallback
    assert sorted(got.findings, key=full) == sorted(expected.findings, key=full)
    assert any(f.component == "ClosedConstraintComponent" for f in got.findings)


def test_repeated_product_codes_are_refused_across_chunks() -> None:
    records = [ProductRecord(r, code, "RB", ()) for r, code in ((2, "A"), (3, "B"), (4, "C"), (5, " A"), (6, "B"))]
    with pytest.raises(BadInput) as caught:
        FastEngine().validate_records(records, BEARINGS, compile_shapes(BEARINGS, BASE), BASE, FIRM, chunk_size=2)
    problems = [(p.line, p.message) for p in caught.value.problems]
    assert problems == [(5, "product code A repeats row 2"), (6, "product code B repeats row 3")]


def test_streamed_reports_are_the_report_graph() -> None:
    cells = (Cell("bore_diameter", 'a"b\\c\r\n', "d"), Cell("row_count", "007", "r"), Cell("brand", "轴" * 61, "b"))
    records = [ProductRecord(2, "A 1", "RB0101", cells), ProductRecord(3, "A2", "RB", ())]
    result = FastEngine().validate_records(records, BEARINGS, compile_shapes(BEARINGS, BASE), BASE, FIRM)
    built = report_graph(result.findings, result.conforms, result.datatypes)
    text = io.StringIO()
    write_ntriples(text, result.findings, result.conforms, result.datatypes)
    graphs = [rdflib.Graph().parse(data=text.getvalue(), format="nt")]
    for fmt in ("nt", "turtle"):
        out = io.BytesIO()
        write_report(out, result.frame, result.conforms, fmt, batch=4)
        graphs.append(rdflib.Graph().parse(data=out.getvalue().decode(), format=fmt))
    for graph in graphs:
        assert report_results(graph) == report_results(built) and len(graph) == len(built)


_IRIS = st.sampled_from(
    [
        "http://example.org/p/A1",
        "http://example.org/p/A%201",
        "http://example.org/p/a.b",
        "http://example.org/p/ends.",
        "http://example.org/p/-dash",
        "http://example.org/p/轴承",
        "http://example.org/p/x/y",
        "http://example.org/p/",
        "http://example.org/q#frag",
        "urn:x:1",
    ]
)
_FINDINGS = st.builds(
    Finding,
    focus=_IRIS,
    path=st.one_of(st.none(), _IRIS),
    component=st.sampled_from(["MinCountConstraintComponent", "InConstraintComponent"]),
    severity=st.sampled_from(["Violation", "Warning"]),
    value=st.one_of(st.none(), _TEXT),
    rule=st.just("r"),
    message_zh=st.sampled_from(
        ["", '值"不对"\\'],
    ),
    message_en=st.sampled_from(["", "bad\nvalue"]),
    shape=_IRIS,
)


@settings(SETTINGS, max_examples=100)
@given(st.lists(_FINDINGS, max_size=12), st.integers(1, 5))
def test_turtle_reports_shorten_only_the_iris_they_can(findings: list[Finding], batch: int) -> None:
    """Prefixed names where the local part allows one, full IRIs elsewhere; any frame, with or without the
    fast engine's check column: the graph is the report graph, as rdflib and Oxigraph read it."""
    from cpms_kg.conformance.findings_frame import reference_frame

    frame = reference_frame(findings, {})
    out = io.BytesIO()
    write_report(out, frame, not findings, "turtle", batch=batch)
    built = report_graph(findings, not findings)
    parsed = rdflib.Graph().parse(data=out.getvalue().decode(), format="turtle")
    assert report_results(parsed) == report_results(built) and len(parsed) == len(built)
    assert len(list(ox.parse(out.getvalue(), format=ox.RdfFormat.TURTLE))) == len(built)


# --- a large table --------------------------------------------------------------------------------

_FAULTS: dict[int, tuple[str, str | list[str] | None, int]] = {
    # i % 20 -> (attribute or category, value, findings it causes)
    1: ("designation", None, 1),  # required value missing
    2: ("bore_diameter", "abc", 3),  # not a number: datatype, minInclusive, maxInclusive
    3: ("bore_diameter", "999", 1),  # above the range
    4: ("material", "unobtainium", 1),  # not in the code list
    5: ("hs_code", "12345", 2),  # pattern and minLength
    6: ("mass", None, 1),  # recommended value missing
    7: ("seal_type", ["2RS", "Z"], 1),  # too many values
    8: ("row_count", "1.5", 3),  # not an integer: datatype, minInclusive, maxInclusive
    9: (CATEGORY, "NOT-A-CATEGORY", 0),  # no shape targets it, as in pySHACL
    10: ("width", "72.0000001", 1),  # just above the bound
    11: ("brand", "B" * 61, 1),  # too long
}


def bearing_table(n: int) -> tuple[pl.DataFrame, int]:
    """n RB0101 products, 5% of them with each fault of `_FAULTS`; and the number of findings expected."""
    good = {
        "designation": "6205", "bore_diameter": "25", "outside_diameter": "52", "precision_class": "P0",
        "dynamic_load_rating": "14", "static_load_rating": "7.8", "limiting_speed": "18000", "mass": "0.12",
        "material": "chrome-steel", "cage_material": "pressed-steel", "row_count": "1", "hs_code": "848210",
        "dimension_standard": "DIN625-1", "width": "15", "radial_clearance": "CN", "chamfer_min": "1", "brand": "Acme",
    }  # fmt: skip
    k = pl.int_range(0, n, eager=True) % 20
    frame = pl.DataFrame(
        {ROW: pl.int_range(2, n + 2, eager=True), CODE: "P" + pl.int_range(0, n, eager=True).cast(pl.String)}
    )
    columns: dict[str, pl.Expr] = {CATEGORY: pl.lit("RB0101")}
    columns.update({name: pl.lit(value) for name, value in good.items()})
    columns["seal_type"] = pl.lit(["2RS"], dtype=pl.List(pl.String))
    for fault, (name, value, _) in _FAULTS.items():
        dtype = pl.List(pl.String) if isinstance(value, list) else pl.String
        columns[name] = pl.when(pl.lit(k) == fault).then(pl.lit(value, dtype=dtype)).otherwise(columns[name])
    frame = frame.with_columns(**columns)
    expected = sum(int((k == fault).sum()) * count for fault, (_, _, count) in _FAULTS.items())
    return frame, expected


def frame_records(frame: pl.DataFrame) -> Iterator[ProductRecord]:
    names = [c for c in frame.columns if c not in (ROW, CODE, CATEGORY)]
    for row in frame.iter_rows(named=True):
        cells = []
        for name in names:
            value = row[name]
            for v in value if isinstance(value, list) else [] if value is None else [value]:
                cells.append(Cell(name, v, name))
        yield ProductRecord(row[ROW], row[CODE], row[CATEGORY], tuple(cells))


def test_fault_table_matches_pyshacl_and_the_expected_count() -> None:
    frame, expected = bearing_table(200)
    count, _ = check_same(list(frame_records(frame)), BEARINGS, chunk_size=64)
    assert count == expected > 0


def test_a_100k_row_table_runs_in_chunks_and_finds_every_injected_fault() -> None:
    frame, expected = bearing_table(100_000)
    shapes = compile_shapes(BEARINGS, BASE)
    seen: list[int] = []
    result = FastEngine().validate_frames(
        frame.iter_slices(30_000), BEARINGS, shapes, BASE, FIRM, progress=seen.append, sources={"brand": "Brand"}
    )
    assert seen == [30_000, 60_000, 90_000, 100_000]
    assert result.products == 100_000
    assert len(result.findings) == expected == 75_000
    assert not result.conforms
    by_rule = Counter(f.rule for f in result.findings)
    assert by_rule["bore_diameter/datatype"] == by_rule["designation/required"] == 5_000
    brand = next(f for f in result.findings if f.rule == "brand/maxLength")
    placed = result.located().filter((pl.col("focus") == brand.focus) & (pl.col("path") == brand.path))
    assert placed.get_column("column").to_list() == ["Brand"]


def test_frames_of_the_columnar_normaliser_go_straight_in() -> None:
    columns = ("产品编码", "类目", "轴承型号", "内径 d", "单位", "外径 D", "密封型式", "公差等级", "质量")
    texts = {
        "轴承型号": ("6205", "62x5", "６２０５", ""),
        "内径 d": ("25", "2.5", "abc", "999", "1,5", ""),
        "单位": ("mm", "cm", ""),
        "外径 D": ("52", "5.2 cm", "52 kg", ""),
        "密封型式": ("2RS", "2rs", "XX", ""),
        "公差等级": ("P0", "p6", "P9", ""),
        "质量": ("0.1", "100 g", "0,25", ""),
    }
    categories = ("单列深沟球轴承", "RB010101", "推力球轴承", "Deep groove ball bearings", "RB0201")
    rows = []
    for n in range(60):
        cells = {"产品编码": f"P{n:03d}", "类目": categories[n % len(categories)]}
        cells |= {column: values[(n * 7 + i) % len(values)] for i, (column, values) in enumerate(texts.items())}
        rows.append(Row(n + 2, cells))
    table = Table("t.csv", columns, tuple(rows))
    mapping = auto_map(list(table.columns), BEARINGS, rows=table.rows).mapping
    seen = SeenCodes()
    frames = [
        product_frame(
            table_frame(Table("t.csv", columns, table.rows[i : i + 25])), BEARINGS, mapping, source="t.csv", seen=seen
        )
        for i in range(0, 60, 25)
    ]
    shapes = compile_shapes(BEARINGS, BASE)
    got = FastEngine().validate_frames(
        [f.frame for f in frames], BEARINGS, shapes, BASE, FIRM, sources=frames[0].columns
    )
    products = [r for f in frames for r in frame_records_of(f)]
    graph = product_graph(products, BEARINGS, BASE, FIRM)
    expected = PyshaclEngine().validate(graph.triples, shapes)
    assert len(expected.findings) > 60
    assert sorted(got.findings, key=full) == sorted(expected.findings, key=full)
    assert where(got.located()) == where(locate(expected, graph.origins))


def test_records_frame_keeps_values_sources_and_multiples() -> None:
    records = [
        ProductRecord(2, "A", "RB", (Cell("brand", "x", "B1"), Cell("gtin", "1", "G"), Cell("gtin", "2", "G"))),
        ProductRecord(3, "B", "RB", (Cell("brand", "y", "B2"),)),
    ]
    frame, sources = records_frame(records, BEARINGS)
    assert frame["gtin"].to_list() == [["1", "2"], None]
    assert frame["brand"].to_list() == ["x", "y"]
    assert sources == {"gtin": "G"} and frame["__source__:brand"].to_list() == ["B1", "B2"]
    with pytest.raises(ValueError):
        records_frame([ProductRecord(2, "A", "RB", (Cell("nope", "x", "c"),))], BEARINGS)
