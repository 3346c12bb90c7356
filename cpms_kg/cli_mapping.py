"""`cpms-kg mapping upgrade`: carry a saved column mapping to a newer standard version."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cpms_kg.cli_common import say, with_store
from cpms_kg.store import Store

app = typer.Typer(help="saved column mappings · 列映射", no_args_is_help=True)


@app.command()
@with_store
def upgrade(
    opened: Store,
    file: Annotated[Path, typer.Argument(help="saved mapping (YAML or JSON)")],
    to: Annotated[str, typer.Option("--to", help="the newer version of the same standard")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="where to write it (default: in place)")] = None,
) -> None:
    """Apply the standard diff's migration map to a saved mapping. 按迁移表升级列映射。"""
    from cpms_kg.conformance.mapping import load_mapping, save_mapping
    from cpms_kg.conformance.mapping import upgrade as run
    from cpms_kg.standards.rdf import load_standard
    from cpms_kg.standards.service import compare

    mapping = load_mapping(file)
    # It must fit the version it names.
    load_mapping(file, load_standard(opened, mapping.standard, mapping.version, trusted=True))
    upgraded, notes = run(mapping, compare(opened, mapping.standard, mapping.version, to, trusted=True).migration, to)
    save_mapping(upgraded, out or file)
    for note in notes:
        typer.echo(f"  {note}", err=True)
    say(f"mapping now targets {mapping.standard}@{to}", f"列映射已升级到 {mapping.standard}@{to}")
