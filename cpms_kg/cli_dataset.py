"""`cpms-kg dataset share|unshare`: a firm's committed data in the industry data warehouse."""

from __future__ import annotations

from typing import Annotated

import typer

from cpms_kg.cli_common import BaseOpt, EndpointOpt, GraphStoreOpt, StoreOpt, UpdateOpt, fail, open_from_flags, say
from cpms_kg.errors import CpmsError

app = typer.Typer(help="firms' datasets in the industry data warehouse · 行业数据仓库", no_args_is_help=True)


@app.command()
def share(
    firm: Annotated[str, typer.Argument(help="firm id")],
    dataset: Annotated[str, typer.Argument(help="dataset id (from validate --commit)")],
    licence: Annotated[
        str, typer.Option("--licence", help="licence IRI")
    ] = "https://creativecommons.org/licenses/by/4.0/",
    store: StoreOpt = None,
    endpoint: EndpointOpt = None,
    update_endpoint: UpdateOpt = None,
    graph_store: GraphStoreOpt = None,
    base_iri: BaseOpt = None,
) -> None:
    """Share a committed dataset: a public catalogue entry of the industry warehouse. 共享数据集。"""
    from cpms_kg.conformance.datasets import share as run

    try:
        with open_from_flags(store, endpoint, update_endpoint, graph_store, base_iri) as opened:
            iri = run(opened, firm, dataset, licence=licence)
    except CpmsError as exc:
        raise fail(exc) from None
    say(f"shared {iri}", f"已共享 {iri}")


@app.command()
def unshare(
    firm: Annotated[str, typer.Argument(help="firm id")],
    dataset: Annotated[str, typer.Argument(help="dataset id")],
    store: StoreOpt = None,
    endpoint: EndpointOpt = None,
    update_endpoint: UpdateOpt = None,
    graph_store: GraphStoreOpt = None,
    base_iri: BaseOpt = None,
) -> None:
    """Withdraw a shared dataset from public view (it stays in the firm's private graph). 取消共享。"""
    from cpms_kg.conformance.datasets import unshare as run

    try:
        with open_from_flags(store, endpoint, update_endpoint, graph_store, base_iri) as opened:
            run(opened, firm, dataset)
    except CpmsError as exc:
        raise fail(exc) from None
    say(f"{dataset} is no longer shared", f"{dataset} 已取消共享")
