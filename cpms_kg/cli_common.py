"""What every `cpms-kg` command shares: the store flags, bilingual messages, and error exits."""

from __future__ import annotations

import functools
import getpass
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cpms_kg.errors import CpmsError
from cpms_kg.settings import Settings
from cpms_kg.store import Store, open_store

if TYPE_CHECKING:
    from cpms_kg.accounts import User

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


_STORE_FLAGS: tuple[tuple[str, Any], ...] = (
    ("store", StoreOpt),
    ("endpoint", EndpointOpt),
    ("update_endpoint", UpdateOpt),
    ("graph_store", GraphStoreOpt),
    ("base_iri", BaseOpt),
)


def with_store(command: Callable[..., None]) -> Callable[..., None]:
    """A store command: adds the store flags every such command takes, opens the store and passes it
    as `opened`, and turns a CpmsError into its bilingual message and exit code."""
    signature = inspect.signature(command, eval_str=True)
    own = [p for name, p in signature.parameters.items() if name != "opened"]
    flags = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=hint)
        for name, hint in _STORE_FLAGS
    ]

    @functools.wraps(command)
    def run(**kwargs: Any) -> None:
        chosen = {name: kwargs.pop(name) for name, _ in _STORE_FLAGS}
        try:
            with open_from_flags(**chosen) as opened:
                command(opened=opened, **kwargs)
        except CpmsError as exc:
            raise fail(exc) from None

    # Typer reads the parameters from the signature and the annotations: give it the full set.
    run.__signature__ = signature.replace(parameters=[*own, *flags])  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in (*own, *flags)} | {"return": None}
    return run


def operator() -> User:
    """Who acts on the command line: whoever can run it has direct access to the store, so an administrator,
    named after the operating-system account (`cli:alice`) to tell them from the service's accounts."""
    from cpms_kg.accounts import Role, User

    try:
        name = getpass.getuser()
    except (OSError, KeyError):  # no login name (some containers): still an administrator
        name = "unknown"
    return User(f"cli:{name}", frozenset({Role.ADMIN}))


def audited(opened: Store, action: str, target: str, *, before: str | None = None, after: str | None = None) -> None:
    """Records a write made from the command line in the audit trail, as the API records its writes.

    Call it after the write succeeded: a command that fails leaves neither the store nor the trail changed.
    """
    from cpms_kg.accounts import Role
    from cpms_kg.workflow import audit

    audit.record(opened, operator(), action, target, before=before, after=after, role=Role.ADMIN)


def graph_size(opened: Store, graph: str | None) -> int | None:
    """A graph's triple count for an audit record (None: the default graph, or no such graph), as the API's."""
    from cpms_kg.terms import value

    if graph is None or not opened.graph_exists(graph):
        return None
    rows = opened.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", trusted=True)
    return int(value(rows.rows[0]["n"])) if rows.rows else 0
