"""`cpms-kg dataip register|show|verify`: data IP registrations of shared datasets and their checks.

`verify` exits 0 when the dataset matches its registration, 1 when it does not (or is not shared and no
file is given), 2 on bad input (unknown number, unreadable file).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cpms_kg.cli_common import audited, operator, say, with_store
from cpms_kg.store import Store

app = typer.Typer(help="data IP registrations · 数据知识产权登记", no_args_is_help=True)


@app.command()
@with_store
def register(
    opened: Store,
    firm: Annotated[str, typer.Argument(help="registrant firm id")],
    dataset: Annotated[str, typer.Argument(help="shared dataset id")],
    number: Annotated[str, typer.Option("--number", help="registration number issued by the authority")],
    authority: Annotated[str, typer.Option("--authority", help="registration authority")],
    date: Annotated[str, typer.Option("--date", help="registration date YYYY-MM-DD")],
    licence: Annotated[str | None, typer.Option("--licence", help="licence IRI (default: the sharing licence)")] = None,
) -> None:
    """Record the data IP registration of a shared dataset, with its content hash. 登记数据知识产权。"""
    from cpms_kg.workflow.dataip import register as run

    # The command line runs with the store owner's rights, like `cpms-kg dataset share`.
    record = run(
        opened, operator(), firm=firm, dataset=dataset, number=number, authority=authority, when=date, licence=licence
    )
    audited(opened, "dataip.register", record.iri, after=record.content_hash)
    typer.echo(record.iri)
    say(
        f"registered {record.number}: {record.dataset_iri}, {record.algorithm} {record.content_hash}",
        f"已登记 {record.number}：{record.dataset_iri}，{record.algorithm} {record.content_hash}",
    )


@app.command()
@with_store
def show(
    opened: Store,
    number: Annotated[str, typer.Argument(help="registration number")],
    format: Annotated[str, typer.Option("--format", help="text | json")] = "text",
) -> None:
    """Show a registration. 查看登记记录。"""
    from cpms_kg.errors import UsageError
    from cpms_kg.workflow.dataip import find

    if format not in ("text", "json"):
        raise UsageError(f"--format {format}: use text or json", message_zh=f"--format {format}：可选 text 或 json")
    record = find(opened, number)
    if format == "json":
        typer.echo(json.dumps(record.as_json(), ensure_ascii=False, indent=2))
        return
    for zh, en, text in (
        ("登记号", "number", record.number),
        ("登记记录", "record", record.iri),
        ("登记主体", "registrant", f"{record.firm} <{record.registrant}>"),
        ("数据集", "dataset", record.dataset_iri),
        ("登记机构", "authority", record.authority),
        ("登记日期", "date", record.date),
        ("哈希算法", "hash algorithm", record.algorithm),
        ("内容哈希", "content hash", record.content_hash),
        ("许可", "licence", f"ODRL offer <{record.policy}> · {record.licence}"),
    ):
        typer.echo(f"{zh} {en}: {text}")


@app.command()
@with_store
def verify(
    opened: Store,
    number: Annotated[str, typer.Argument(help="registration number")],
    data: Annotated[
        Path | None, typer.Option("--data", help="also check this RDF file (.ttl .nt .jsonld .rdf .nq .trig)")
    ] = None,
) -> None:
    """Check the dataset (and a file) against its registration: exit 0 match, 1 mismatch. 核验数据集与登记是否一致。"""
    from cpms_kg.workflow.dataip import verify as run

    result = run(opened, number, data)
    registration = result.registration
    typer.echo(f"登记号 registration: {registration.number} ({registration.dataset_iri})")
    typer.echo(f"登记哈希 registered ({registration.algorithm}): {registration.content_hash}")
    shown = result.store_hash or "未共享，无法计算 / not shared, not computed"
    typer.echo(f"存储中数据集 dataset in store: {shown}")
    if result.file is not None:
        typer.echo(f"文件 file {result.file}: {result.file_hash}")
    summary = result.as_json()
    if result.match:
        typer.echo(f"一致 MATCH: {summary['message_zh']} / {summary['message']}")
        return
    typer.echo(f"不一致 MISMATCH: {summary['message_zh']} / {summary['message']}")
    raise typer.Exit(1)
