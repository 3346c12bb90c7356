"""Conformance reports: for machines the W3C SHACL report; for people a JSON summary, a table of
findings mapped back to source row and column (zh/en), and a short text. Many identical findings are
summarised by rule with examples rather than dumped."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, BinaryIO

import orjson
import polars as pl

from cpms_kg.conformance.engine import EngineResult, Finding
from cpms_kg.conformance.findings_frame import FrameFindings, Origins, located, reference_frame
from cpms_kg.conformance.lazy_report import LazyReport

EXAMPLES = 5
"""Examples kept per rule in the summary."""
TABLE_LIMIT = 50
"""Findings of one rule listed one by one in the findings table; the rest become one summary line."""


@dataclass(frozen=True)
class Located:
    finding: Finding
    product: str
    row: int | None
    column: str | None
    attribute: str | None


@dataclass(frozen=True)
class Change:
    row: int
    column: str
    rule: str
    original: str
    normalised: str


@dataclass
class ConformanceReport:
    standard: str
    source: str
    engine: str
    products: int
    result: EngineResult
    findings: pl.DataFrame
    """The located findings (`findings_frame.LOCATED_COLUMNS`), in the engines' order: what reports read."""
    changes: list[Change] = field(default_factory=list)
    unmapped: list[dict[str, Any]] = field(default_factory=list)
    committed: str | None = None
    """The dataset id when a conforming upload was committed."""

    @cached_property
    def conforms(self) -> bool:
        return not self.findings.get_column("severity").eq("Violation").any()

    @cached_property
    def located(self) -> list[Located]:
        """The findings one by one, with their source row and column (small reports; tests)."""
        frame = self.findings
        findings = FrameFindings(frame)
        where = zip(*(frame.get_column(c).to_list() for c in ("product", "row", "column", "attribute")), strict=True)
        return [Located(f, *place) for f, place in zip(findings, where, strict=True)]


def locate(result: EngineResult, origins: Origins) -> pl.DataFrame:
    """The located findings frame of an engine that returns `Finding`s."""
    return located(reference_frame(result.findings, origins))


def _by_rule(frame: pl.DataFrame) -> pl.DataFrame:
    """Per rule (sorted): count, severity and messages of its first finding, the first examples."""
    first = [pl.first(c) for c in ("severity", "message_zh", "message_en")]
    examples = [pl.col(c).head(EXAMPLES).alias(f"ex_{c}") for c in ("row", "column", "product", "value")]
    return frame.group_by("rule", maintain_order=True).agg(pl.len().alias("count"), *first, *examples).sort("rule")


def _counts(frame: pl.DataFrame, column: pl.Expr) -> dict[str, int]:
    """Counts by `column`, in the order values first appear (as a Counter would have them)."""
    counted = frame.group_by(column.alias("key"), maintain_order=True).len()
    return dict(zip(counted.get_column("key").to_list(), counted.get_column("len").to_list(), strict=True))


def _per_product(frame: pl.DataFrame) -> dict[str, dict[str, int]]:
    counted = frame.group_by("product", "severity", maintain_order=True).len().sort("product", maintain_order=True)
    out: dict[str, dict[str, int]] = {}
    for product, severity, n in counted.iter_rows():
        out.setdefault(product, {})[severity] = n
    return out


def _rules(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return [
        {
            "rule": rule["rule"],
            "severity": rule["severity"],
            "count": rule["count"],
            "message_zh": rule["message_zh"],
            "message_en": rule["message_en"],
            "examples": [
                {"row": row, "column": column, "product": product, "value": value}
                for row, column, product, value in zip(
                    rule["ex_row"], rule["ex_column"], rule["ex_product"], rule["ex_value"], strict=True
                )
            ],
        }
        for rule in _by_rule(frame).iter_rows(named=True)
    ]


def _severities(frame: pl.DataFrame) -> dict[str, int]:
    return _counts(frame, pl.col("severity"))


def _json_strings(column: str) -> pl.Expr:
    """`column` as JSON string literals, escaped by polars' own JSON writer."""
    encoded = pl.struct(pl.col(column).alias("s")).struct.json_encode()  # {"s":"..."}
    return encoded.str.slice(5, encoded.str.len_bytes() - 6)


def _per_product_json(frame: pl.DataFrame) -> bytes:
    """`_per_product` as a JSON object, composed by polars: a million products never become a million dicts."""
    counted = frame.group_by("product", "severity", maintain_order=True).len().sort("product", maintain_order=True)
    product = pl.col("product")
    # One "severity":count per row; a product's first row opens its object, its last row closes it.
    opens = pl.when(product.ne_missing(product.shift(1))).then(_json_strings("product") + pl.lit(":{"))
    closes = pl.when(product.ne_missing(product.shift(-1))).then(pl.lit("}"))
    pair = _json_strings("severity") + pl.lit(":") + pl.col("len").cast(pl.String)
    text = counted.select(pl.concat_str([opens, pair, closes], ignore_nulls=True)).to_series()
    return b"{" + text.str.join(",").cast(pl.Binary).item() + b"}"


def summary_json(report: ConformanceReport, *, source: str | None = None) -> bytes:
    """`summary` as indented UTF-8 JSON (what the CLI prints and the API sends), built without a Python
    object per product; `source` names the upload instead of the file that was checked."""
    data = _summary(report, orjson.Fragment(_per_product_json(report.findings)))
    if source is not None:
        data["source"] = source
    return orjson.dumps(data, option=orjson.OPT_INDENT_2)


def summary(report: ConformanceReport) -> dict[str, Any]:
    return _summary(report, _per_product(report.findings))


def _summary(report: ConformanceReport, per_product: object) -> dict[str, Any]:
    frame = report.findings
    changes_by_rule: dict[str, list[Change]] = defaultdict(list)
    for change in report.changes:
        changes_by_rule[change.rule].append(change)
    rules = _rules(frame)
    return {
        "conforms": report.conforms,
        "standard": report.standard,
        "source": report.source,
        "engine": report.engine,
        "products": report.products,
        "counts": {
            "by_severity": _severities(frame),
            "by_rule": {rule["rule"]: rule["count"] for rule in rules},
            "by_attribute": _counts(frame, pl.col("attribute").fill_null("")),
        },
        "rules": rules,
        "changes": [
            {
                "rule": rule,
                "count": len(items),
                "examples": [
                    {"row": c.row, "column": c.column, "original": c.original, "normalised": c.normalised}
                    for c in items[:EXAMPLES]
                ],
            }
            for rule, items in sorted(changes_by_rule.items())
        ],
        "unmapped_columns": report.unmapped,
        "committed_dataset": report.committed,
        # Last: a million-row table has hundreds of thousands of entries; the summaries come first.
        "per_product": per_product,
    }


HEADER = (
    "行 row",
    "列 column",
    "产品 product",
    "属性 attribute",
    "规则 rule",
    "级别 severity",
    "值 value",
    "说明 message (zh)",
    "message (en)",
)


def findings_rows(report: ConformanceReport) -> list[list[str]]:
    """The findings table: the first TABLE_LIMIT findings of each rule, then a line saying how many more."""
    frame = report.findings.with_columns(pl.int_range(pl.len()).over("rule").alias("__n"))
    listed = frame.filter(pl.col("__n") < TABLE_LIMIT).sort("rule", maintain_order=True)
    more = {r["rule"]: (r["count"] - TABLE_LIMIT, r["severity"]) for r in _rules(frame) if r["count"] > TABLE_LIMIT}
    rows: list[list[str]] = []
    rule_of = listed.get_column("rule").to_list()
    for n, item in enumerate(listed.iter_rows(named=True)):
        rows.append(
            [
                str(item["row"] or ""),
                item["column"] or "",
                item["product"],
                item["attribute"] or "",
                item["rule"],
                item["severity"],
                item["value"] or "",
                item["message_zh"],
                item["message_en"],
            ]
        )
        last_of_rule = n + 1 == len(rule_of) or rule_of[n + 1] != item["rule"]
        if last_of_rule and item["rule"] in more:
            count, severity = more[item["rule"]]
            rows.append(
                [
                    "",
                    "",
                    "",
                    "",
                    item["rule"],
                    severity,
                    "",
                    f"…另有 {count} 条同一规则的问题",
                    f"… {count} more findings of this rule",
                ]
            )
    return rows


def findings_csv(report: ConformanceReport) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(findings_rows(report))
    return buffer.getvalue().encode("utf-8-sig")


def findings_xlsx(report: ConformanceReport) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "问题 findings"
    sheet.append(list(HEADER))
    for row in findings_rows(report):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def shacl_report(report: ConformanceReport, fmt: str) -> bytes:
    """The W3C SHACL validation report: fmt is "turtle" or "json-ld"."""
    return report.result.report.serialize(format=fmt).encode()


def shacl_report_chunks(report: ConformanceReport, fmt: str) -> Iterator[bytes]:
    """`shacl_report` a part at a time, streamed when the engine can (the fast engine's findings frame)."""
    graph = report.result.report
    chunks = graph.chunks(fmt) if isinstance(graph, LazyReport) else None
    return chunks if chunks is not None else iter([shacl_report(report, fmt)])


def write_shacl_report(report: ConformanceReport, fmt: str, out: BinaryIO) -> None:
    """`shacl_report` written to a binary file without holding it whole when the engine can stream it."""
    for chunk in shacl_report_chunks(report, fmt):
        out.write(chunk)


def text(report: ConformanceReport) -> str:
    counts = _severities(report.findings)
    head_zh = "符合标准" if report.conforms else "不符合标准"
    head_en = "conforms" if report.conforms else "does not conform"
    lines = [
        f"{report.source} → {report.standard}: {head_zh} / {head_en}",
        f"  产品 products: {report.products} · 违规 violations: {counts.get('Violation', 0)} · "
        f"警告 warnings: {counts.get('Warning', 0)} · 规范化 normalised values: {len(report.changes)}",
    ]
    for rule in _rules(report.findings)[:20]:
        example = rule["examples"][0]
        where = f"行 row {example['row']}" if example["row"] else ""
        if example["column"]:
            where += f", 列 column {example['column']}"
        lines.append(
            f"  [{rule['rule']}] {rule['severity']} ×{rule['count']}: {rule['message_zh']} / {rule['message_en']}"
            + (f" ({where})" if where else "")
        )
    for column in report.unmapped:
        suggestions = ", ".join(s["attribute"] for s in column.get("suggestions", [])[:3]) or "-"
        lines.append(f"  未映射的列 unmapped column: {column['column']} (建议 suggestions: {suggestions})")
    return "\n".join(lines) + "\n"
