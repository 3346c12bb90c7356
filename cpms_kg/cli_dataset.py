"""`cpms-kg dataset share|unshare`: a firm's committed data in the industry data warehouse."""

from __future__ import annotations

from typing import Annotated

import typer

from cpms_kg.cli_common import audited, say, with_store
from cpms_kg.store import Store

app = typer.Typer(help="firms' datasets in the industry data warehouse · 行业数据仓库", no_args_is_help=True)


@app.command()
@with_store
def share(
    opened: Store,
    firm: Annotated[str, typer.Argument(help="firm id")],
    dataset: Annotated[str, typer.Argument(help="dataset id (from validate --commit)")],
    licence: Annotated[str, typer.Option("--licence", help="licence IRI")] = "https://creativecommons.org/licenses/by/4.0/",
) -> None:
    """Share a committed dataset: a public catalogue entry of the industry warehouse. 共享数据集。"""
    from cpms_kg.conformance.datasets import current_licence, is_shared
    from cpms_kg.conformance.datasets import share as run

    before = "shared" if is_shared(opened, firm, dataset) else "not shared"
    iri = run(opened, firm, dataset, licence=licence)
    after = f"shared; licence {current_licence(opened, firm, dataset)}"
    audited(opened, "dataset.share", iri, before=before, after=after)
    say(f"shared {iri}", f"已共享 {iri}")


@app.command()
@with_store
def unshare(
    opened: Store,
    firm: Annotated[str, typer.Argument(help="firm id")],
    dataset: Annotated[str, typer.Argument(help="dataset id")],
) -> None:
    """Withdraw a shared dataset from public view (it stays in the firm's private graph). 取消共享。"""
    from cpms_kg.conformance.datasets import dataset_iri
    from cpms_kg.conformance.datasets import unshare as run

    run(opened, firm, dataset)
    audited(opened, "dataset.unshare", dataset_iri(opened.base_iri, firm, dataset), before="shared", after="not shared")
    say(f"{dataset} is no longer shared", f"{dataset} 已取消共享")
