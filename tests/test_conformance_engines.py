"""`cpms-kg validate` end to end: the fast engine (the default) and the reference give the same report,
finding by finding with rows and columns, for tables (XLSX, GBK CSV, a CSV over several chunks) and RDF;
the fast engine's W3C report is the same graph as the reference's."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from cpms_kg.conformance import report as reports
from cpms_kg.conformance.inputs import read_table
from cpms_kg.conformance.mapping import auto_map
from cpms_kg.conformance.pipeline import Options, _records, check_file
from cpms_kg.conformance.products import product_graph
from cpms_kg.errors import BadInput
from cpms_kg.standards.service import load
from cpms_kg.store.embedded import EmbeddedStore
from tests.conftest import BASE, ROOT
from tests.test_conformance_e2e import write_gbk_csv, write_xlsx

sys.path.insert(0, str(ROOT / "bench"))
import conformance as bench


@pytest.fixture
def store(store_dir: Path) -> Iterator[EmbeddedStore]:
    opened = EmbeddedStore(store_dir, base_iri=BASE, query_workers=1)
    yield opened
    opened.close()


def _located(report: reports.ConformanceReport) -> list[tuple[object, ...]]:
    return [
        (i.finding, i.product, i.row, i.column, i.attribute)
        for i in sorted(report.located, key=lambda i: (i.finding.focus, i.finding.path or "", i.finding.rule,
                                                      i.finding.value or "", i.finding.severity, i.finding.shape))
    ]  # fmt: skip


def _both(store: EmbeddedStore, path: Path) -> tuple[reports.ConformanceReport, reports.ConformanceReport]:
    fast = check_file(store, "zj-rolling-bearings", path, Options(firm="acme")).report
    reference = check_file(store, "zj-rolling-bearings", path, Options(firm="acme", engine="pyshacl")).report
    return fast, reference


def _same(fast: reports.ConformanceReport, reference: reports.ConformanceReport) -> None:
    assert fast.engine.startswith("fast") and reference.engine == "pyshacl"
    assert _located(fast) == _located(reference) and fast.located
    assert (fast.products, fast.conforms, fast.changes) == (reference.products, reference.conforms, reference.changes)
    fast_summary, reference_summary = reports.summary(fast), reports.summary(reference)
    fast_summary.pop("engine"), reference_summary.pop("engine")
    assert fast_summary == reference_summary
    # N-Triples keeps every value's lexical form (rdflib's Turtle writer shortens decimals: 9999 -> 9999.0).
    graphs = [rdflib.Graph().parse(data=reports.shacl_report(r, "nt"), format="nt") for r in (fast, reference)]
    # The Rust validator also states which severities break conformance (SHACL 1.2's sh:conformanceDisallows).
    graphs[0].remove((None, rdflib.URIRef("http://www.w3.org/ns/shacl#conformanceDisallows"), None))
    assert isomorphic(*graphs)
    for report in (fast, reference):
        streamed = io.BytesIO()
        reports.write_shacl_report(report, "turtle", streamed)
        assert streamed.getvalue() == reports.shacl_report(report, "turtle")
    turtle = rdflib.Graph().parse(data=reports.shacl_report(fast, "turtle"), format="turtle")
    turtle.remove((None, rdflib.URIRef("http://www.w3.org/ns/shacl#conformanceDisallows"), None))
    assert len(turtle) == len(graphs[0])


def test_tables_give_the_reference_report(store: EmbeddedStore, tmp_path: Path) -> None:
    for path in (write_xlsx(tmp_path / "p.xlsx"), write_gbk_csv(tmp_path / "p.csv")):
        _same(*_both(store, path))


def test_a_table_over_several_chunks(store: EmbeddedStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cpms_kg.conformance.pipeline as pipeline

    monkeypatch.setattr(pipeline, "CHUNK", 70)
    path = tmp_path / "b.csv"
    expected = bench.generate(400, path)
    fast, reference = _both(store, path)
    _same(fast, reference)
    assert len(fast.located) == expected and fast.products == 400


@pytest.mark.parametrize(
    ("tail", "problem"),
    [
        ("P-late,RB010101,extra," + "," * 20 + "x\n", "cells but the header has"),  # ragged, far on
        ("P-late,RB010101," + "9" * 12_000 + "\n", "characters, more than the limit"),
    ],
)
def test_a_late_problem_in_a_plain_csv_is_located_by_the_careful_reader(
    store: EmbeddedStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tail: str, problem: str
) -> None:
    import cpms_kg.conformance.pipeline as pipeline

    monkeypatch.setattr(pipeline, "CHUNK", 5_000)
    path = tmp_path / "late.csv"
    bench.generate(20_000, path)  # far enough for polars to read the first rows without meeting the problem
    with path.open("a", encoding="utf-8") as out:
        out.write(tail)
    for engine in ("fast", "pyshacl"):
        with pytest.raises(BadInput) as caught:
            check_file(store, bench.STANDARD, path, Options(firm="f", engine=engine, trusted=True))
        assert [(p.line, problem in p.message) for p in caught.value.problems] == [(20_002, True)]


def test_codes_repeated_across_chunks_are_refused_as_by_the_careful_reader(
    store: EmbeddedStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cpms_kg.conformance.pipeline as pipeline

    monkeypatch.setattr(pipeline, "CHUNK", 300)
    path = tmp_path / "twice.csv"
    bench.generate(1_000, path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("P00000950,", "P00000010,").replace("P00000420,", " P00000420 ,"), encoding="utf-8")
    problems = []
    for engine in ("fast", "pyshacl"):
        with pytest.raises(BadInput) as caught:
            check_file(store, bench.STANDARD, path, Options(firm="f", engine=engine, trusted=True))
        problems.append([(p.line, p.message) for p in caught.value.problems])
    assert problems[0] == problems[1] == [(952, "product code P00000010 repeats row 12")]


def test_a_plain_csv_with_gbk_bytes_after_the_first_rows(store: EmbeddedStore, tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    bench.generate(1_200, path)
    text = path.read_text(encoding="utf-8").replace("P00001100", "P00001100甲", 1)
    path.write_bytes(text.encode("gbk"))  # an ASCII header: only the rows further on show the encoding
    fast, reference = _both(store, path)
    _same(fast, reference)
    assert fast.products == 1_200  # the row with GBK bytes included; without the re-read polars fails


def test_rdf_gives_the_reference_report(store: EmbeddedStore, tmp_path: Path) -> None:
    table = tmp_path / "b.csv"
    bench.generate(200, table)
    standard = load(store, "zj-rolling-bearings")
    read = read_table(table)
    records, _changes = _records(read, standard, auto_map(list(read.columns), standard, rows=read.rows).mapping)
    data = tmp_path / "b.nt"
    data.write_bytes(
        ox.serialize(product_graph(records, standard, BASE, "acme").triples, format=ox.RdfFormat.N_TRIPLES)
    )
    fast, reference = _both(store, data)
    _same(fast, reference)
    assert fast.engine == "fast (shacl)" and fast.products == 200


def test_a_large_rdf_file_is_checked_in_parts(
    store: EmbeddedStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Split by subject, validated part by part, merged: the findings and the W3C report of the whole file,
    also for products whose class reaches a category only through the data's own rdfs:subClassOf."""
    import cpms_kg.conformance.rdf_parts as parts
    from cpms_kg.conformance.rdf_engine import FastRdfEngine
    from cpms_kg.standards.shapes import compile_shapes

    table = tmp_path / "b.csv"
    bench.generate(300, table)
    standard = load(store, "zj-rolling-bearings")
    read = read_table(table)
    records, _changes = _records(read, standard, auto_map(list(read.columns), standard, rows=read.rows).mapping)
    triples = product_graph(records, standard, BASE, "acme").triples
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    category = next(t.object for t in triples if t.predicate.value == rdf_type)
    own = ox.NamedNode("https://example.org/acme/MiniBearings")
    moved = {t.subject for t in triples if t.predicate.value == rdf_type and t.object == category}
    data = tmp_path / "b.nt"
    data.write_bytes(
        ox.serialize(
            [
                *(
                    ox.Triple(t.subject, t.predicate, own) if t.subject in moved and t.object == category else t
                    for t in triples
                ),
                ox.Triple(own, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf"), category),
            ],
            format=ox.RdfFormat.N_TRIPLES,
        )
    )
    shapes = compile_shapes(standard, BASE)
    whole = FastRdfEngine().validate_file(data, ox.RdfFormat.N_TRIPLES, shapes)
    monkeypatch.setattr(parts, "PART_BYTES", data.stat().st_size // 4 + 1)
    split = FastRdfEngine().validate_file(data, ox.RdfFormat.N_TRIPLES, shapes)
    assert (whole.parts, split.parts) == (1, 4) and split.engine == "shacl"
    assert split.findings == whole.findings and split.conforms == whole.conforms
    assert {f.focus for f in split.findings} & {m.value for m in moved}  # the data's subclass reached them
    fast, reference = _both(store, data)  # end to end, in parts, against pySHACL on the whole file
    _same(fast, reference)
    assert fast.products == 301  # the products and the firm's class


def test_shapes_that_read_other_nodes_are_not_split() -> None:
    from cpms_kg.conformance.rdf_parts import local
    from cpms_kg.standards.demo import bearings
    from cpms_kg.standards.shapes import compile_shapes

    shapes = compile_shapes(bearings(), BASE)
    assert local(shapes)
    sh = "http://www.w3.org/ns/shacl#"
    some_property = next(t.subject for t in shapes if t.predicate.value == sh + "path")
    for extra in (
        ox.Triple(some_property, ox.NamedNode(sh + "class"), ox.NamedNode("https://example.org/C")),
        ox.Triple(some_property, ox.NamedNode(sh + "property"), ox.NamedNode("https://example.org/nested")),
        ox.Triple(ox.NamedNode("https://example.org/s"), ox.NamedNode(sh + "targetObjectsOf"), some_property),
        ox.Triple(ox.NamedNode("https://example.org/s"), ox.NamedNode(sh + "path"), ox.BlankNode()),
    ):
        assert not local([*shapes, extra]), extra


def test_the_command_line_shows_progress_chunk_by_chunk(store_dir: Path, tmp_path: Path) -> None:
    from tests.conftest import cli

    path = tmp_path / "big.csv"
    expected = bench.generate(120_000, path)
    result = cli(
        "validate", str(path), "--standard", "zj-rolling-bearings", "--format", "json", "--store", str(store_dir)
    )
    assert result.returncode == 1, result.stderr
    steps = [line for line in result.stderr.splitlines() if line.startswith("big.csv: validating (")]
    assert len(steps) >= 2 and "(100000 rows)" in steps[0] and "(120000 rows)" in steps[-1], result.stderr
    assert all("[#" in line and line.endswith("%") for line in steps)
    assert result.stderr.splitlines()[-1] == "big.csv: 完成 done [" + "#" * 24 + "] 100%"
    summary = json.loads(result.stdout)
    assert sum(summary["counts"]["by_severity"].values()) == expected and summary["products"] == 120_000


def test_the_progress_bar_updates_one_line_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from cpms_kg.cli_validate import _Steps

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    steps = _Steps("t.csv")
    for phase, fraction in (
        ("reading", 0.05),
        ("validating (5 rows)", 0.5),
        ("validating (5 rows)", 0.6),
        ("完成 done", 1),
    ):
        steps(phase, fraction)
    assert screen.getvalue() == (
        "\r\x1b[Kt.csv: reading [#.......................]   5%"
        "\r\x1b[Kt.csv: validating (5 rows) [############............]  50%"
        "\r\x1b[Kt.csv: 完成 done [########################] 100%\n"
    )


def test_a_merged_report_keeps_its_file_while_it_is_used() -> None:
    import gc

    from cpms_kg.conformance.rdf_parts import MergedReport

    merged = MergedReport()
    folder = merged.folder
    report = merged.close(True)
    del merged
    gc.collect()
    assert folder.exists() and "ValidationReport" in report.serialize(format="nt")
    del report
    gc.collect()
    assert not folder.exists()
    failed = MergedReport()  # a run that stops before its report is made
    folder = failed.folder
    del failed
    gc.collect()
    assert not folder.exists()
