"""Products to RDF, validation with the reference engine, findings located at their source cells."""

from __future__ import annotations

import csv
import io
import json

import orjson
import rdflib

from cpms_kg.conformance.engine import PyshaclEngine
from cpms_kg.conformance.products import Cell, ProductRecord, literal, product_graph, product_iri
from cpms_kg.conformance.report import (
    ConformanceReport,
    findings_csv,
    locate,
    shacl_report,
    summary,
    summary_json,
    text,
)
from cpms_kg.standards.model import Datatype
from cpms_kg.standards.shapes import compile_shapes
from tests.conftest import BASE
from tests.standard_examples import STANDARD

RECORDS = [
    ProductRecord(
        2,
        "P-1",
        "B11",
        (
            Cell("designation", "6205", "型号"),
            Cell("inner_diameter", "25", "内径"),
            Cell("balls", "9", "钢球数"),
            Cell("seal", "2RS", "密封"),
        ),
    ),
    ProductRecord(
        3,
        "P-2",
        "B11",
        (Cell("designation", "62x5", "型号"), Cell("inner_diameter", "twenty", "内径"), Cell("seal", "3Z", "密封")),
    ),
]


def run() -> ConformanceReport:
    graph = product_graph(RECORDS, STANDARD, BASE, "firm-1")
    result = PyshaclEngine().validate(graph.triples, compile_shapes(STANDARD, BASE))
    return ConformanceReport(
        STANDARD.key, "products.xlsx", "pyshacl", len(RECORDS), result, locate(result, graph.origins)
    )


def test_iris_and_typed_values() -> None:
    assert product_iri(BASE, "浙江某厂", "A/01") == BASE + "product/%E6%B5%99%E6%B1%9F%E6%9F%90%E5%8E%82/A%2F01"
    assert literal("25.0", Datatype.DECIMAL).datatype.value.endswith("#decimal")
    assert literal("twenty", Datatype.DECIMAL).datatype.value.endswith("#string")  # the datatype rule reports it


def test_findings_point_at_row_and_column() -> None:
    report = run()
    assert not report.conforms
    found = {(i.product, i.row, i.column, i.finding.rule) for i in report.located}
    assert ("P-2", 3, "型号", "designation/pattern") in found
    assert ("P-2", 3, "内径", "inner_diameter/datatype") in found
    assert ("P-2", 3, "密封", "seal/in") in found
    assert ("P-2", 3, None, "balls/recommended") in found  # a missing value points at the product's row
    assert not any(i.product == "P-1" for i in report.located)
    for item in report.located:
        assert item.finding.message_zh and item.finding.message_en


def test_summary_csv_text_and_the_w3c_report() -> None:
    report = run()
    data = summary(report)
    assert data["conforms"] is False and data["products"] == 2
    assert data["counts"]["by_rule"]["seal/in"] == 1 and data["per_product"]["P-2"]["Violation"] >= 4
    json.dumps(data, ensure_ascii=False)
    rows = list(csv.reader(io.StringIO(findings_csv(report).decode("utf-8-sig"))))
    assert rows[0][0] == "行 row" and any(r[1] == "密封" and r[4] == "seal/in" for r in rows[1:])
    assert "不符合标准" in text(report) and "does not conform" in text(report)
    w3c = rdflib.Graph().parse(data=shacl_report(report, "turtle"), format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert (None, sh.conforms, rdflib.Literal(False)) in w3c
    assert len(list(w3c.subjects(rdflib.RDF.type, sh.ValidationResult))) == len(report.located)


def test_many_identical_findings_are_summarised_by_rule() -> None:
    from cpms_kg.conformance.report import EXAMPLES, TABLE_LIMIT, findings_rows

    records = [ProductRecord(i + 2, f"P{i}", "B11", (Cell("designation", "bad!", "型号"),)) for i in range(120)]
    graph = product_graph(records, STANDARD, BASE, "firm-1")
    result = PyshaclEngine().validate(graph.triples, compile_shapes(STANDARD, BASE))
    report = ConformanceReport(STANDARD.key, "many.csv", "pyshacl", 120, result, locate(result, graph.origins))
    pattern = next(r for r in summary(report)["rules"] if r["rule"] == "designation/pattern")
    assert pattern["count"] == 120 and len(pattern["examples"]) == EXAMPLES
    rows = [r for r in findings_rows(report) if r[4] == "designation/pattern"]
    assert len(rows) == TABLE_LIMIT + 1 and "70 more" in rows[-1][8] and "另有 70 条" in rows[-1][7]


def test_summary_from_the_findings_frame_counts_as_the_findings_one_by_one() -> None:
    """The summary is computed from the frame; it must say what counting the located findings says, in order."""
    from collections import Counter

    from cpms_kg.conformance.report import EXAMPLES

    records = [
        ProductRecord(n + 2, f"P-{n % 7}{n}", "B11", (Cell("designation", "bad!" if n % 3 else "6205", "型号"),))
        for n in range(40)
    ]
    graph = product_graph(records, STANDARD, BASE, "firm-1")
    result = PyshaclEngine().validate(graph.triples, compile_shapes(STANDARD, BASE))
    report = ConformanceReport(STANDARD.key, "p.csv", "pyshacl", 40, result, locate(result, graph.origins))
    located = report.located
    assert len({i.finding.rule for i in located}) > 1 and len({i.finding.severity for i in located}) > 1
    data = summary(report)
    counts = data["counts"]
    assert list(counts["by_severity"].items()) == list(Counter(i.finding.severity for i in located).items())
    assert list(counts["by_attribute"].items()) == list(Counter(i.attribute or "" for i in located).items())
    assert list(counts["by_rule"].items()) == sorted(Counter(i.finding.rule for i in located).items())
    per_product: dict[str, Counter[str]] = {}
    for i in located:
        per_product.setdefault(i.product, Counter())[i.finding.severity] += 1
    assert list(data["per_product"].items()) == [(p, dict(c)) for p, c in sorted(per_product.items())]
    # The JSON the CLI and the API send (per-product counts composed by polars) says the same, in order.
    sent = orjson.loads(summary_json(report, source="upload.csv"))
    assert list(sent)[-1] == "per_product" and list(sent)[:6] == ["conforms", "standard", "source", "engine",
                                                                  "products", "counts"]  # fmt: skip
    assert list(sent.pop("per_product").items()) == list(data.pop("per_product").items())
    assert sent == data | {"source": "upload.csv"}
    for rule in data["rules"]:
        mine = [i for i in located if i.finding.rule == rule["rule"]]
        assert rule["count"] == len(mine) and rule["severity"] == mine[0].finding.severity
        assert rule["examples"] == [
            {"row": i.row, "column": i.column, "product": i.product, "value": i.finding.value} for i in mine[:EXAMPLES]
        ]
