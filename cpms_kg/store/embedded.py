"""The embedded store: pyoxigraph on disk, callers' queries in worker processes with a real time limit."""

from __future__ import annotations

import gc
import shutil
import threading
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from cpms_kg.errors import BadInput, NotFound, QuerySyntaxError, StoreUnavailable
from cpms_kg.rdfio import iter_quads, source_size, syntax_problem
from cpms_kg.store.base import (
    ByteProgress,
    Dataset,
    FormatChoice,
    LoadReport,
    LoadSource,
    SerializedResult,
    Solutions,
    Store,
    is_private_graph,
    touches_public,
    written_graphs,
)
from cpms_kg.store.policy import scope_of
from cpms_kg.store.sparql_text import with_using

if TYPE_CHECKING:
    from cpms_kg.store.query_pool import QueryJob, QueryPool

# Inputs up to this size load in one transaction; larger ones are validated first, then bulk-loaded.
TRANSACTION_LIMIT = 64 * 1024 * 1024


def _graph(iri: str | None) -> ox.NamedNode | ox.DefaultGraph:
    return ox.DefaultGraph() if iri is None else ox.NamedNode(iri)


class EmbeddedStore(Store):
    def __init__(self, path: Path, *, base_iri: str, query_workers: int = 2) -> None:
        self.base_iri = base_iri
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        try:
            self._store = ox.Store(str(path))
        except OSError as exc:
            raise StoreUnavailable(
                f"cannot open the store at {path}: {exc} (is another cpms-kg process using it?)",
                message_zh=f"无法打开存储 {path}：{exc}（是否有另一个 cpms-kg 进程正在使用？）",
            ) from exc
        self._workers = query_workers
        self._pool: QueryPool | None = None
        self._pool_lock = threading.Lock()
        self.generation = 0
        self._graphs: list[str] | None = None
        self._public: list[str] | None = None
        # Checkpoints for the query workers live beside the store (hard links need the same disk).
        self._snapshots_dir = path.with_name(path.name + ".snapshots")
        shutil.rmtree(self._snapshots_dir, ignore_errors=True)
        self._snapshot: tuple[int, str] | None = None
        self._snapshot_users: dict[str, int] = {}

    # -- reads ---------------------------------------------------------------------------------
    def _run(self, query: str, dataset: Dataset | None, trusted: bool) -> object:
        scope = scope_of(self, query, dataset, trusted)
        kwargs: dict[str, object] = {"use_default_graph_as_union": scope.union}
        if scope.default_graph is not None:
            kwargs["default_graph"] = [ox.DefaultGraph() if g == "" else ox.NamedNode(g) for g in scope.default_graph]
        if scope.named_graphs is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in scope.named_graphs]
        try:
            return self._store.query(query, base_iri=self.base_iri, **kwargs)  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise QuerySyntaxError(f"SPARQL syntax error: {exc}", message_zh=f"SPARQL 语法错误：{exc}") from exc

    def select(self, query: str, *, dataset: Dataset | None = None, trusted: bool = False) -> Solutions:
        result = self._run(query, dataset, trusted)
        if not isinstance(result, ox.QuerySolutions):
            raise BadInput("expected a SELECT query", message_zh="应为 SELECT 查询")
        variables = [v.value for v in result.variables]
        rows = [{name: sol[name] for name in variables if sol[name] is not None} for sol in result]
        return Solutions(variables, rows)

    def ask(self, query: str, *, dataset: Dataset | None = None, trusted: bool = False) -> bool:
        result = self._run(query, dataset, trusted)
        if not isinstance(result, ox.QueryBoolean):
            raise BadInput("expected an ASK query", message_zh="应为 ASK 查询")
        return bool(result)

    def construct(self, query: str, *, dataset: Dataset | None = None, trusted: bool = False) -> list[ox.Triple]:
        result = self._run(query, dataset, trusted)
        if not isinstance(result, ox.QueryTriples):
            raise BadInput("expected a CONSTRUCT or DESCRIBE query", message_zh="应为 CONSTRUCT 或 DESCRIBE 查询")
        return list(result)

    def _job(self, query: str, formats: FormatChoice, dataset: Dataset | None) -> QueryJob:
        from cpms_kg.store.query_pool import QueryJob  # with the pool: callers' queries only (servers)

        scope = scope_of(self, query, dataset)
        return QueryJob(
            query=query,
            default_graph=scope.default_graph,
            named_graphs=scope.named_graphs,
            union=scope.union,
            results_format=formats.results.media_type if formats.results else None,
            graph_format=formats.graph.media_type if formats.graph else None,
            snapshot=self._acquire_snapshot(),
            base_iri=self.base_iri,
        )

    def execute(
        self, query: str, *, formats: FormatChoice, dataset: Dataset | None = None, timeout: float
    ) -> SerializedResult:
        job = self._job(query, formats, dataset)
        try:
            return self._query_pool().run(job, timeout)
        finally:
            self._release_snapshot(job.snapshot)

    async def execute_async(
        self, query: str, *, formats: FormatChoice, dataset: Dataset | None = None, timeout: float
    ) -> SerializedResult:
        job = self._job(query, formats, dataset)
        try:
            return await self._query_pool().run_async(job, timeout)
        finally:
            self._release_snapshot(job.snapshot)

    def _query_pool(self) -> QueryPool:
        with self._pool_lock:
            if self._pool is None:
                from cpms_kg.store.query_pool import QueryPool

                self._pool = QueryPool(self._workers)
            return self._pool

    def _acquire_snapshot(self) -> str:
        """A checkpoint of the store as of the last write (made on the first query after it), held
        for the job: a checkpoint is deleted only when no job holds it and a newer one exists."""
        with self._pool_lock:
            if self._snapshot is None or self._snapshot[0] != self.generation:
                self._snapshots_dir.mkdir(parents=True, exist_ok=True)
                target = self._snapshots_dir / f"{self.generation}-{uuid.uuid4().hex[:8]}"
                self._store.backup(str(target))
                self._snapshot = (self.generation, str(target))
            path = self._snapshot[1]
            self._snapshot_users[path] = self._snapshot_users.get(path, 0) + 1
            return path

    def _release_snapshot(self, path: str) -> None:
        with self._pool_lock:
            self._snapshot_users[path] -= 1
            current = self._snapshot[1] if self._snapshot else None
            stale = [p for p, n in self._snapshot_users.items() if n == 0 and p != current]
            for p in stale:
                del self._snapshot_users[p]
                shutil.rmtree(p, ignore_errors=True)

    # -- writes --------------------------------------------------------------------------------
    def _changed(self, graphs: Sequence[str | None] | None = None) -> None:
        """After a write to `graphs` (None: not known)."""
        self.generation += 1
        if touches_public(self.base_iri, graphs):
            self.public_generation += 1
        self._graphs = None
        self._public = None

    def update(self, update: str, *, dataset: Dataset | None = None) -> None:
        text = with_using(update, dataset) if dataset is not None and not dataset.empty else update
        try:
            self._store.update(text, base_iri=self.base_iri)
        except SyntaxError as exc:
            raise QuerySyntaxError(
                f"SPARQL Update syntax error: {exc}", message_zh=f"SPARQL 更新语法错误：{exc}"
            ) from exc
        except OSError as exc:
            raise BadInput(f"update failed: {exc}", message_zh=f"更新失败：{exc}") from exc
        finally:
            self._changed()

    def load(self, sources: Sequence[LoadSource], *, progress: Callable[[int, int], None] | None = None) -> LoadReport:
        advance = ByteProgress(sources, progress)
        total = advance.total

        report = LoadReport(files=[s.name for s in sources], bytes=total)
        if total <= TRANSACTION_LIMIT:
            quads = [q for s in sources for q in iter_quads(s, on_read=advance)]
            self._store.extend(quads)
            report.quads = len(quads)
        else:
            self._bulk_load(sources, advance)
            report.quads = None  # counting would cost a pass over the whole store
        self._store.flush()
        self._changed(written_graphs(sources))
        return report

    def _bulk_load(self, sources: Sequence[LoadSource], advance: Callable[[int], None]) -> None:
        """Large inputs: bulk-load at full speed over a checkpoint taken first; any failure restores it.

        The checkpoint is hard links to immutable files (tens of ms), so all-or-nothing costs no
        second pass over the input.
        """
        before = self.path.with_name(self.path.name + ".before-load")
        shutil.rmtree(before, ignore_errors=True)
        self._store.flush()
        self._store.backup(str(before))
        try:
            for s in sources:
                # The engine reads and parses the file itself: no Python object per triple.
                kwargs = {"format": s.format, "base_iri": s.base_iri, "to_graph": _graph(s.graph)}
                if s.path is not None:
                    self._store.bulk_load(path=str(s.path), **kwargs)  # type: ignore[arg-type]
                else:
                    self._store.bulk_load(s.data, **kwargs)  # type: ignore[arg-type]
                advance(source_size(s))
        except SyntaxError as exc:
            self._restore(before)
            raise syntax_problem(s.name, exc) from exc
        except BaseException:
            self._restore(before)
            raise
        finally:
            self._changed(written_graphs(sources))
            shutil.rmtree(before, ignore_errors=True)

    def _restore(self, checkpoint: Path) -> None:
        del self._store
        gc.collect()  # the RocksDB handle closes when its last reference goes
        shutil.rmtree(self.path)
        checkpoint.rename(self.path)
        self._store = ox.Store(str(self.path))

    def graph_triples(self, graph: str | None) -> list[ox.Triple]:
        if not self.graph_exists(graph):
            raise NotFound(f"no graph {graph}", message_zh=f"图 {graph} 不存在")
        return [q.triple for q in self._store.quads_for_pattern(None, None, None, _graph(graph))]

    def replace_graph(self, graph: str | None, source: LoadSource) -> bool:
        created = not self.graph_exists(graph)
        quads = list(iter_quads(source, graph_name=graph or ""))
        if created:
            self._store.extend(quads)
            if graph is not None and not quads:
                self._store.add_graph(ox.NamedNode(graph))
            self._changed([graph])
            return True
        # DROP and INSERT in one update: one transaction, so readers never see the graph half-replaced.
        target = "DEFAULT" if graph is None else f"GRAPH <{graph}>"
        body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
        wrapped = body if graph is None else f"GRAPH <{graph}> {{\n{body}\n}}"
        self._store.update(f"DROP SILENT {target} ; INSERT DATA {{\n{wrapped}\n}}")
        if graph is not None and not quads:
            self._store.add_graph(ox.NamedNode(graph))
        self._changed([graph])
        return created

    def add_to_graph(self, graph: str | None, source: LoadSource) -> bool:
        created = not self.graph_exists(graph)
        self._store.extend(list(iter_quads(source, graph_name=graph or "")))
        if graph is not None and created:
            self._store.add_graph(ox.NamedNode(graph))
        self._changed([graph])
        return created

    def drop_graph(self, graph: str | None) -> None:
        if graph is None:
            self._store.clear_graph(ox.DefaultGraph())
        elif not self._store.contains_named_graph(ox.NamedNode(graph)):
            raise NotFound(f"no graph {graph}", message_zh=f"图 {graph} 不存在")
        else:
            self._store.remove_graph(ox.NamedNode(graph))
        self._changed([graph])

    def graph_exists(self, graph: str | None) -> bool:
        return graph is None or self._store.contains_named_graph(ox.NamedNode(graph))

    def named_graphs(self) -> list[str]:
        if self._graphs is None:
            self._graphs = sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))
            self._public = None
        return self._graphs

    def public_graphs(self) -> list[str]:
        graphs = self.named_graphs()
        if self._public is None:
            self._public = [g for g in graphs if not is_private_graph(self.base_iri, g)]
        return self._public

    def is_empty(self) -> bool:
        return next(iter(self._store.quads_for_pattern(None, None, None, None)), None) is None

    def flush(self) -> None:
        self._store.flush()

    def close(self) -> None:
        with self._pool_lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None
        self._store.flush()
        shutil.rmtree(self._snapshots_dir, ignore_errors=True)
        del self._store
