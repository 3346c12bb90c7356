"""What every `cpms-kg` command shares: the store flags, bilingual messages, and error exits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from cpms_kg.errors import CpmsError
from cpms_kg.settings import Settings
from cpms_kg.store import Store, open_store

StoreOpt = Annotated[Path | None, typer.Option("--store", help="embedded store directory [CPMS_KG_STORE]")]
EndpointOpt = Annotated[str | None, typer.Option("--endpoint", help="remote SPARQL query endpoint [CPMS_KG_ENDPOINT]")]
UpdateOpt = Annotated[str | None, typer.Option("--update-endpoint", help="remote SPARQL update endpoint")]
GraphStoreOpt = Annotated[str | None, typer.Option("--graph-store", help="remote Graph Store Protocol URL")]
BaseOpt = Annotated[str | None, typer.Option("--base-iri", help="base IRI of instance data [CPMS_KG_BASE_IRI]")]


def settings_from_flags(
    store: Path | None,
    endpoint: str | None,
    update_endpoint: str | None,
    graph_store: str | None,
    base_iri: str | None,
    **more: Any,
) -> Settings:
    return Settings.from_env(
        store=store,
        endpoint=endpoint,
        update_endpoint=update_endpoint,
        graph_store=graph_store,
        base_iri=base_iri,
        **more,
    )


@contextmanager
def open_from_flags(
    store: Path | None, endpoint: str | None, update_endpoint: str | None, graph_store: str | None, base_iri: str | None
) -> Iterator[Store]:
    opened = open_store(settings_from_flags(store, endpoint, update_endpoint, graph_store, base_iri))
    try:
        yield opened
    finally:
        opened.close()


def say(en: str, zh: str) -> None:
    typer.echo(f"{zh}\n{en}", err=True)


def fail(exc: CpmsError) -> typer.Exit:
    typer.echo(f"错误 error: {exc.message}", err=True)
    if exc.message_zh and exc.message_zh != exc.message:
        typer.echo(f"        {exc.message_zh}", err=True)
    for problem in exc.problems[:50]:
        typer.echo(f"  - {problem}", err=True)
    if len(exc.problems) > 50:
        typer.echo(f"  ... {len(exc.problems) - 50} more / 另有 {len(exc.problems) - 50} 条", err=True)
    return typer.Exit(2 if exc.status < 500 else 1)
