"""`cpms-kg export --standard ID[@VERSION] --out DIR` and `cpms-kg import-package FILE`: the package for
the national platform (cpms_kg/package.py), written from one instance and loaded into another."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cpms_kg.cli_common import audited, say, with_store
from cpms_kg.errors import PayloadTooLarge, UsageError
from cpms_kg.settings import Settings
from cpms_kg.store import Store


@with_store
def export(
    opened: Store,
    standard: Annotated[
        str, typer.Option("--standard", metavar="ID[@VERSION]", help="the version; ID alone: the latest published")
    ],
    out: Annotated[Path, typer.Option("--out", help="folder to write ID-VERSION.zip into (created if missing)")],
    licence: Annotated[
        str, typer.Option("--licence", help="licence IRI of the package's DCAT record")
    ] = "https://creativecommons.org/licenses/by/4.0/",
) -> None:
    """Write a standard version's package for the national platform; prints its SHA-256 and path. 导出数据包。"""
    from cpms_kg.package import build

    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file, not a folder", message_zh=f"--out {out} 是文件而非目录")
    # The command line is trusted: it may package an unpublished version, and the manifest says its status.
    package = build(opened, standard, trusted=True, licence=licence)
    out.mkdir(parents=True, exist_ok=True)
    path = out / package.name
    path.write_bytes(package.data)
    typer.echo(f"{package.sha256}  {path}")  # the `sha256sum` format, so `sha256sum -c` checks it
    status = package.standard.info.status.value
    say(
        f"exported {package.standard.key} ({status}) to {path}",
        f"已将 {package.standard.key}（{status}）导出到 {path}",
    )


@with_store
def import_package(
    opened: Store,
    file: Annotated[Path, typer.Argument(help="a package made by `cpms-kg export` or GET .../package")],
) -> None:
    """Verify a package and load it, all or nothing, keeping its IRIs (idempotent). 导入数据包。"""
    from cpms_kg.package_import import import_package as run

    if not file.is_file():
        raise UsageError(f"{file}: no such file", message_zh=f"{file}：文件不存在")
    limit = Settings.from_env().max_upload_bytes
    if file.stat().st_size > limit:
        raise PayloadTooLarge(
            f"{file}: over {limit} bytes (CPMS_KG_MAX_UPLOAD_BYTES)",
            message_zh=f"{file}：超过 {limit} 字节（CPMS_KG_MAX_UPLOAD_BYTES）",
        )
    report = run(opened, file.read_bytes(), name=file.name, limit=limit)
    key = f"{report.standard_id}@{report.version}"
    if not report.changed:
        say(f"{key} is already here as in the package; nothing changed", f"{key} 已与数据包一致，未作更改")
        return
    previous = report.previous_status.value if report.previous_status else None
    audited(
        opened,
        "package.import",
        report.iri,
        before=f"status={previous}" if previous else None,
        after=f"status={report.status.value}; package sha256={report.sha256}",
    )
    say(
        f"imported {key} ({report.status.value}) into {len(report.graphs)} graphs",
        f"已导入 {key}（{report.status.value}），共 {len(report.graphs)} 个图",
    )
