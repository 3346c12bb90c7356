"""`cpms-kg standard ...`: standards as data from the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cpms_kg.cli_common import audited, say, with_store
from cpms_kg.errors import UsageError
from cpms_kg.store import Store

if TYPE_CHECKING:
    from cpms_kg.standards.model import Standard
    from cpms_kg.standards.quality import QualityReport

app = typer.Typer(help="standards as data · 标准数据", no_args_is_help=True)
Key = Annotated[str, typer.Argument(metavar="ID[@VERSION]")]


def _audit_status(opened: Store, action: str, before: Standard | None, after: Standard) -> None:
    from cpms_kg.standards.model import version_path

    audited(
        opened,
        action,
        opened.base_iri + version_path(after.info.id, after.info.version),
        before=f"status={before.info.status.value}" if before is not None else None,
        after=f"status={after.info.status.value}",
    )


def _report_quality(report: QualityReport) -> None:
    if not report.results:
        say(f"{report.standard}: passes its quality checks", f"{report.standard}：通过质量检查")
        return
    for r in report.results:
        target = r.focus.rsplit("/", 1)[-1]
        typer.echo(f"  [{r.rule} {r.severity}] {target}: {r.message_zh}\n      {r.message_en}", err=True)
    n = len(report.results)
    say(f"{report.standard}: {n} quality finding(s)", f"{report.standard}：{n} 条质量问题")


@app.command("list")
@with_store
def list_(opened: Store) -> None:
    """List standards and their versions. 列出标准及其版本。"""
    from cpms_kg.standards.rdf import list_standards

    for s in list_standards(opened, trusted=True):
        versions = ", ".join(f"{v.version} ({v.status.value})" for v in s.versions)
        typer.echo(f"{s.id}\t{s.latest.title.zh} / {s.latest.title.en}\t{versions}")


@app.command()
@with_store
def show(opened: Store, key: Key) -> None:
    """Show a version's metadata and counts as JSON. 显示标准版本。"""
    from cpms_kg.standards.api_view import summary
    from cpms_kg.standards.service import load

    typer.echo(json.dumps(summary(load(opened, key, trusted=True), opened.base_iri), ensure_ascii=False, indent=2))


@app.command("import")
@with_store
def import_(
    opened: Store,
    file: Annotated[Path, typer.Argument(help="XLSX workbook, CSV folder or .zip (see cpms_kg/standards/TEMPLATE.md)")],
) -> None:
    """Import a standard version from the spreadsheet template; runs its quality check. 导入标准。"""
    from cpms_kg.errors import NotFound
    from cpms_kg.standards.rdf import load_standard
    from cpms_kg.standards.service import save
    from cpms_kg.standards.spreadsheet import read_standard

    # What import_file does, with the version it replaces read in between for the audit trail.
    standard = read_standard(file)
    try:
        existing: Standard | None = load_standard(opened, standard.info.id, standard.info.version, trusted=True)
    except NotFound:
        existing = None
    result = save(opened, standard, name=str(file))
    _audit_status(opened, "standard.import", existing, result.standard)
    verb = ("replaced", "已替换") if result.replaced else ("imported", "已导入")
    say(f"{verb[0]} {result.standard.key}", f"{verb[1]} {result.standard.key}")
    _report_quality(result.quality)


@app.command()
@with_store
def export(
    opened: Store,
    key: Key,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="file (xlsx, ttl, jsonld) or folder (csv); default ID-VERSION.EXT here"),
    ] = None,
    format: Annotated[str, typer.Option("--format", help="xlsx | csv | ttl | jsonld")] = "xlsx",
) -> None:
    """Export a version as a spreadsheet or RDF. 导出标准。"""
    from cpms_kg.standards.service import export as run
    from cpms_kg.standards.service import load

    if format not in ("xlsx", "csv", "ttl", "jsonld"):
        raise UsageError(
            f"--format must be xlsx, csv, ttl or jsonld, not {format!r}",
            message_zh="--format 须为 xlsx、csv、ttl 或 jsonld",
        )
    if out is None:
        found = load(opened, key, trusted=True)
        out = Path(f"{found.info.id}-{found.info.version}{'' if format == 'csv' else '.' + format}")
    standard = run(opened, key, format, out, trusted=True)  # type: ignore[arg-type]
    say(f"exported {standard.key} to {out}", f"已将 {standard.key} 导出到 {out}")


@app.command()
@with_store
def check(opened: Store, key: Key) -> None:
    """Check a version against the standard quality shapes; exit 1 on violations. 质量检查。"""
    from cpms_kg.standards.service import check as run

    report = run(opened, key, trusted=True)
    _report_quality(report)
    if not report.conforms:
        raise typer.Exit(1)


@app.command()
@with_store
def shapes(opened: Store, key: Key) -> None:
    """Print the version's compiled SHACL shapes (Turtle). 输出 SHACL 形状。"""
    from cpms_kg.standards.service import shapes as run

    sys.stdout.write(run(opened, key, trusted=True))


@app.command()
@with_store
def diff(
    opened: Store,
    standard_id: Annotated[str, typer.Argument(metavar="ID")],
    old: Annotated[str, typer.Argument(metavar="V1")],
    new: Annotated[str, typer.Argument(metavar="V2")],
    format: Annotated[str, typer.Option("--format", help="json | ttl")] = "json",
) -> None:
    """Per-item differences and the migration map, as JSON or Turtle. 版本差异。"""
    from cpms_kg.standards.service import compare

    if format not in ("json", "ttl"):
        raise UsageError(f"--format must be json or ttl, not {format!r}", message_zh="--format 须为 json 或 ttl")
    result = compare(opened, standard_id, old, new, trusted=True)
    if format == "ttl":
        import pyoxigraph as ox

        from cpms_kg.namespaces import PREFIXES
        from cpms_kg.sparql_service import serialize_triples
        from cpms_kg.standards.diff_rdf import diff_triples

        sys.stdout.write(
            serialize_triples(diff_triples(result, opened.base_iri), ox.RdfFormat.TURTLE, PREFIXES).decode()
        )
    else:
        typer.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))


@app.command()
@with_store
def status(
    opened: Store,
    key: Annotated[str, typer.Argument(metavar="ID@VERSION")],
    target: Annotated[
        str, typer.Argument(metavar="STATUS", help="draft, consensus, under-review, published-provincial, ...")
    ],
) -> None:
    """Move a version one lifecycle step (publishing needs a clean quality check). 变更状态。"""
    from cpms_kg.standards.service import load, set_status, status_from_text

    wanted = status_from_text(target)
    before = load(opened, key, trusted=True)
    updated = set_status(opened, key, wanted)
    _audit_status(opened, "standard.status", before, updated)
    say(f"{updated.key} is now {updated.info.status.value}", f"{updated.key} 状态已变更为 {updated.info.status.value}")
