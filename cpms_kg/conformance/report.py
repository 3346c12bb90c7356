"""Conformance reports: for machines the W3C SHACL report; for people a JSON summary, a table of
findings mapped back to source row and column (zh/en), and a short text. Many identical findings are
summarised by rule with examples rather than dumped."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from cpms_kg.conformance.engine import EngineResult, Finding
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
    located: list[Located] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    unmapped: list[dict[str, Any]] = field(default_factory=list)
    committed: str | None = None
    """The dataset id when a conforming upload was committed."""

    @property
    def conforms(self) -> bool:
        return not any(item.finding.severity == "Violation" for item in self.located)


def locate(result: EngineResult, origins: dict[tuple[str, str | None], tuple[int, str | None]]) -> list[Located]:
    out = []
    for f in result.findings:
        row, column = origins.get((f.focus, f.path), origins.get((f.focus, None), (None, None)))
        attribute = f.path.rsplit("/", 1)[-1] if f.path else None
        out.append(Located(f, f.focus.rsplit("/", 1)[-1], row, column, attribute))
    return out


def summary(report: ConformanceReport) -> dict[str, Any]:
    by_rule: dict[str, list[Located]] = defaultdict(list)
    for item in report.located:
        by_rule[item.finding.rule].append(item)
    per_product: dict[str, Counter[str]] = defaultdict(Counter)
    for item in report.located:
        per_product[item.product][item.finding.severity] += 1
    changes_by_rule: dict[str, list[Change]] = defaultdict(list)
    for change in report.changes:
        changes_by_rule[change.rule].append(change)
    return {
        "conforms": report.conforms,
        "standard": report.standard,
        "source": report.source,
        "engine": report.engine,
        "products": report.products,
        "counts": {
            "by_severity": dict(Counter(i.finding.severity for i in report.located)),
            "by_rule": {rule: len(items) for rule, items in sorted(by_rule.items())},
            "by_attribute": dict(Counter(i.attribute or "" for i in report.located)),
        },
        "per_product": {p: dict(c) for p, c in sorted(per_product.items())},
        "rules": [
            {
                "rule": rule,
                "severity": items[0].finding.severity,
                "count": len(items),
                "message_zh": items[0].finding.message_zh,
                "message_en": items[0].finding.message_en,
                "examples": [
                    {"row": i.row, "column": i.column, "product": i.product, "value": i.finding.value}
                    for i in items[:EXAMPLES]
                ],
            }
            for rule, items in sorted(by_rule.items())
        ],
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
    rows: list[list[str]] = []
    by_rule: dict[str, list[Located]] = defaultdict(list)
    for item in report.located:
        by_rule[item.finding.rule].append(item)
    for rule, items in sorted(by_rule.items()):
        for i in items[:TABLE_LIMIT]:
            f = i.finding
            rows.append(
                [
                    str(i.row or ""),
                    i.column or "",
                    i.product,
                    i.attribute or "",
                    rule,
                    f.severity,
                    f.value or "",
                    f.message_zh,
                    f.message_en,
                ]
            )
        if len(items) > TABLE_LIMIT:
            more = len(items) - TABLE_LIMIT
            rows.append(
                [
                    "",
                    "",
                    "",
                    "",
                    rule,
                    items[0].finding.severity,
                    "",
                    f"…另有 {more} 条同一规则的问题",
                    f"… {more} more findings of this rule",
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


def write_shacl_report(report: ConformanceReport, fmt: str, out: BinaryIO) -> None:
    """`shacl_report` written to a binary file, streamed when the engine can (the fast engine's findings frame)."""
    graph = report.result.report
    if isinstance(graph, LazyReport) and graph.stream(fmt, out):
        return
    out.write(shacl_report(report, fmt))


def text(report: ConformanceReport) -> str:
    data = summary(report)
    counts = data["counts"]["by_severity"]
    head_zh = "符合标准" if report.conforms else "不符合标准"
    head_en = "conforms" if report.conforms else "does not conform"
    lines = [
        f"{report.source} → {report.standard}: {head_zh} / {head_en}",
        f"  产品 products: {report.products} · 违规 violations: {counts.get('Violation', 0)} · "
        f"警告 warnings: {counts.get('Warning', 0)} · 规范化 normalised values: {len(report.changes)}",
    ]
    for rule in data["rules"][:20]:
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
