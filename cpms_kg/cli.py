"""The `cpms-kg` command line: serve, init, load, query, classification import, standard ....

Exit codes: 0 success, 2 bad input or usage (message names file, line or row), 1 other failures.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
import typer

from cpms_kg import cli_dataip, cli_dataset, cli_mapping, cli_package, cli_standard, cli_user, cli_validate
from cpms_kg.cli_common import (
    BaseOpt,
    EndpointOpt,
    GraphStoreOpt,
    StoreOpt,
    UpdateOpt,
    audited,
    graph_size,
    settings_from_flags,
    with_store,
)
from cpms_kg.cli_common import fail as _fail
from cpms_kg.cli_common import say as _say
from cpms_kg.errors import CpmsError, UsageError
from cpms_kg.store import Store, open_store

app = typer.Typer(
    help="cpms-kg: 产品主数据标准知识图谱 · knowledge graph service for product master data standards",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
classification_app = typer.Typer(
    help="classification schemes (GB/T 7635, CPC, HS, ...) · 分类体系", no_args_is_help=True
)
app.add_typer(classification_app, name="classification")
app.add_typer(cli_standard.app, name="standard")
app.command("validate")(cli_validate.validate)
app.add_typer(cli_dataset.app, name="dataset")
app.add_typer(cli_dataip.app, name="dataip")
app.add_typer(cli_mapping.app, name="mapping")
app.add_typer(cli_user.app, name="user")
app.command("export")(cli_package.export)
app.command("import-package")(cli_package.import_package)


class _Progress:
    """A one-line byte progress indicator on stderr for long loads."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.shown = -1
        self.tty = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        percent = 100 if total == 0 else min(100, done * 100 // total)
        if percent != self.shown and (self.tty or percent % 25 == 0):
            self.shown = percent
            end = "\r" if self.tty and percent < 100 else "\n"
            sys.stderr.write(f"{self.label} {percent:3d}% ({done / 1e6:.1f} / {total / 1e6:.1f} MB){end}")
            sys.stderr.flush()


def _init(store: Store, demo: bool) -> None:
    from cpms_kg.bootstrap import META_GRAPH, initialise

    report = initialise(store, demo=demo, progress=lambda name: _say(f"loading {name}", f"正在载入 {name}"))
    if report.loaded:
        audited(store, "store.init", store.base_iri + META_GRAPH, after=f"loaded={','.join(report.loaded)}")
        _say(f"initialised: {', '.join(report.loaded)}", f"已初始化：{', '.join(report.loaded)}")
    else:
        _say("store already initialised; nothing to load", "存储已初始化，无需载入")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="listen address [CPMS_KG_HOST]")] = None,
    port: Annotated[int | None, typer.Option(help="listen port [CPMS_KG_PORT]")] = None,
    store: StoreOpt = None,
    endpoint: EndpointOpt = None,
    update_endpoint: UpdateOpt = None,
    graph_store: GraphStoreOpt = None,
    base_iri: BaseOpt = None,
    demo: Annotated[bool, typer.Option("--demo/--no-demo", help="load demo data on first start")] = True,
) -> None:
    """Run the HTTP service; an empty store is initialised first. 运行服务。"""
    import uvicorn
    from cpms_kg_api import create_app

    try:
        settings = settings_from_flags(store, endpoint, update_endpoint, graph_store, base_iri, host=host, port=port)
        opened = open_store(settings)
        _init(opened, demo)
    except CpmsError as exc:
        raise _fail(exc) from None
    _say(f"serving on http://{settings.host}:{settings.port}/", f"服务地址 http://{settings.host}:{settings.port}/")
    uvicorn.run(
        create_app(settings, store=opened),
        host=settings.host,
        port=settings.port,
        log_level="warning",
        access_log=False,
    )
    opened.close()


@app.command()
def init(
    store: StoreOpt = None,
    endpoint: EndpointOpt = None,
    update_endpoint: UpdateOpt = None,
    graph_store: GraphStoreOpt = None,
    base_iri: BaseOpt = None,
    demo: Annotated[bool, typer.Option("--demo/--no-demo", help="also load demo data")] = True,
) -> None:
    """Initialise the store with the ontology and classifications (idempotent). 初始化存储。"""
    try:
        opened = open_store(settings_from_flags(store, endpoint, update_endpoint, graph_store, base_iri))
        try:
            _init(opened, demo)
        finally:
            opened.close()
    except CpmsError as exc:
        raise _fail(exc) from None


@app.command()
@with_store
def load(
    opened: Store,
    files: Annotated[list[Path], typer.Argument(help="RDF files (.ttl .nt .nq .trig .rdf .jsonld)")],
    graph: Annotated[
        str | None, typer.Option(help="named graph for triples (default: the store's default graph)")
    ] = None,
) -> None:
    """Load RDF files, all or nothing. 载入 RDF 文件（全部成功或全部不载入）。"""
    from cpms_kg.rdfio import source_from_path
    from cpms_kg.store.base import is_protected_graph

    if graph is not None and is_protected_graph(opened.base_iri, graph):
        raise UsageError(
            f"{graph} is written only by the service (audit trail, accounts)",
            message_zh=f"{graph} 仅由服务写入（审计记录、账户）",
        )
    sources = [source_from_path(f, graph=graph, base_iri=f.resolve().as_uri()) for f in files]
    # Audited per graph written: --graph (or the default graph) for triples; the named graphs of quad
    # files are known only by comparing every named graph's size before and after.
    quads = any(s.format.supports_datasets for s in sources)
    sizes: dict[str | None, int | None] = {}
    if graph is not None or not all(s.format.supports_datasets for s in sources):
        sizes[graph] = graph_size(opened, graph)
    named_before = _named_sizes(opened) if quads else {}
    report = opened.load(sources, progress=_Progress("loading / 载入"))
    if quads:
        after = _named_sizes(opened)
        changed: dict[str | None, int | None] = {
            g: named_before.get(g) for g, n in after.items() if named_before.get(g) != n
        }
        if not changed and not sizes:
            changed[None] = None  # no named graph grew: what the files held went to the default graph
        sizes = changed | sizes
    for target, before in sorted(sizes.items(), key=lambda item: item[0] or ""):
        audited(
            opened,
            "store.load",
            target or opened.base_iri + "graph/default",
            before=f"triples={before}",
            after=f"triples={graph_size(opened, target)}",
        )
    megabytes = f"{report.bytes / 1e6:.1f} MB"
    if report.quads is None:
        _say(f"loaded {megabytes} from {len(files)} file(s)", f"已从 {len(files)} 个文件载入 {megabytes}")
    else:
        _say(
            f"loaded {report.quads} triples from {len(files)} file(s)",
            f"已从 {len(files)} 个文件载入 {report.quads} 条三元组",
        )


def _named_sizes(store: Store) -> dict[str, int]:
    """Every named graph's triple count, in one query."""
    from cpms_kg.terms import value

    rows = store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", trusted=True)
    return {value(r["g"]): int(value(r["n"])) for r in rows.rows}


@app.command()
def query(
    text: Annotated[str, typer.Argument(metavar="QUERY|@FILE", help="a SPARQL query, or @file.rq")],
    format: Annotated[str, typer.Option("--format", help="table | json | csv | tsv | ttl")] = "table",
    store: StoreOpt = None,
    endpoint: EndpointOpt = None,
    update_endpoint: UpdateOpt = None,
    graph_store: GraphStoreOpt = None,
    base_iri: BaseOpt = None,
) -> None:
    """Run a SPARQL query against the union of the public graphs. 执行 SPARQL 查询。"""
    from cpms_kg.query_output import accept_for, render
    from cpms_kg.sparql_service import run_query

    try:
        if text.startswith("@"):
            path = Path(text[1:])
            if not path.is_file():
                raise UsageError(f"{path}: no such file", message_zh=f"{path}：文件不存在")
            text = path.read_text(encoding="utf-8")
        settings = settings_from_flags(store, endpoint, update_endpoint, graph_store, base_iri)
        opened = open_store(settings)
        try:
            result = run_query(opened, settings, text, accept=accept_for(format))
        finally:
            opened.close()
        sys.stdout.write(render(result, format))
    except CpmsError as exc:
        raise _fail(exc) from None


@classification_app.command("import")
@with_store
def classification_import(
    opened: Store,
    scheme: Annotated[str, typer.Argument(help="scheme id, e.g. gbt7635")],
    file: Annotated[Path, typer.Argument(help="CSV or XLSX table: code, parent, level, zh name, en name, notes")],
) -> None:
    """Import a classification table; it replaces the scheme's graph. 导入分类表。"""
    from cpms_kg.classification.importer import import_table
    from cpms_kg.store.base import LoadSource

    imported = import_table(file, scheme)
    graph = opened.base_iri + imported.graph
    data = imported.turtle.encode()
    source = LoadSource(name=str(file), format=ox.RdfFormat.TURTLE, data=data, graph=graph, base_iri=opened.base_iri)
    before = graph_size(opened, graph)
    opened.replace_graph(graph, source)
    after = graph_size(opened, graph)
    audited(opened, "classification.import", graph, before=f"triples={before}", after=f"triples={after}")
    per_level = " / ".join(str(n) for n in imported.counts_per_level)
    _say(
        f"imported {imported.concept_count} concepts into {scheme} ({imported.level_count} levels: {per_level})",
        f"已导入 {imported.concept_count} 个概念到 {scheme}（{imported.level_count} 层：{per_level}）",
    )


def main() -> None:
    app()
