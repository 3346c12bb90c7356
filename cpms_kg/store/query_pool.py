"""Worker processes that run callers' SPARQL queries against read-only snapshots of the embedded store.

pyoxigraph cannot interrupt a running query, so a query that overruns its time is stopped by
ending its process; a fresh worker takes its place and other callers keep being served. Workers
read checkpoints (hard-linked, immutable copies), never the live store, whose compactions would
delete files from under a read-only reader.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing as mp
import queue
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import NamedTuple

import pyoxigraph as ox

from cpms_kg.errors import BadInput, QuerySyntaxError, QueryTimeout, StoreUnavailable
from cpms_kg.store.base import QueryForm, SerializedResult

GROW_AFTER = 1.0
"""Seconds a worker must have been on one query before the pool adds a worker beside it."""


class QueryJob(NamedTuple):
    """One query for a worker (a named tuple: built and pickled on every request)."""

    query: str
    default_graph: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    union: bool
    results_format: str | None
    """Media type of the SPARQL results format, or None when the caller accepts none."""
    graph_format: str | None
    snapshot: str
    """Directory of the checkpoint to read; a worker reopens when it changes."""
    base_iri: str


def _graph_term(iri: str) -> ox.NamedNode | ox.DefaultGraph:
    return ox.DefaultGraph() if iri == "" else ox.NamedNode(iri)


def run_job(store: ox.Store, job: QueryJob) -> tuple[QueryForm, bytes, str]:
    """Evaluates and serialises one job; shared by the workers and the in-process path."""
    kwargs: dict[str, object] = {"use_default_graph_as_union": job.union}
    if job.default_graph is not None:
        kwargs["default_graph"] = [_graph_term(g) for g in job.default_graph]
    if job.named_graphs is not None:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    result = store.query(job.query, base_iri=job.base_iri, **kwargs)  # type: ignore[arg-type]
    if isinstance(result, ox.QueryTriples):
        if job.graph_format is None:
            return QueryForm.CONSTRUCT, b"", ""
        fmt = ox.RdfFormat.from_media_type(job.graph_format)
        assert fmt is not None
        return QueryForm.CONSTRUCT, result.serialize(format=fmt) or b"", fmt.media_type
    form = QueryForm.ASK if isinstance(result, ox.QueryBoolean) else QueryForm.SELECT
    if job.results_format is None:
        return form, b"", ""
    rfmt = ox.QueryResultsFormat.from_media_type(job.results_format)
    assert rfmt is not None
    return form, result.serialize(format=rfmt) or b"", rfmt.media_type


def _worker_main(conn: Connection) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    store: ox.Store | None = None
    opened = ""
    while True:
        try:
            job: QueryJob = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if store is None or job.snapshot != opened:
                store = None
                store = ox.Store.read_only(job.snapshot)
                opened = job.snapshot
            form, body, media_type = run_job(store, job)
            conn.send(("ok", form.value, body, media_type))
        except SyntaxError as exc:
            conn.send(("syntax", str(exc), b"", ""))
        except Exception as exc:  # a worker must answer every job, whatever went wrong
            conn.send(("error", f"{type(exc).__name__}: {exc}", b"", ""))


class _Worker:
    def __init__(self, ctx: mp.context.SpawnContext) -> None:
        self.snapshot = ""
        self.busy_since = 0.0
        """When its current job was sent (monotonic seconds); 0 while idle."""
        self.conn, child = ctx.Pipe()
        self.process: BaseProcess = ctx.Process(target=_worker_main, args=(child,), daemon=True)
        self.process.start()
        child.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)


class QueryPool:
    """`size` query processes, growing to `max_size` while all are busy (long queries must not keep
    everyone else waiting); a job waits for a free one within its own time limit."""

    def __init__(self, size: int, *, max_size: int | None = None) -> None:
        self._ctx = mp.get_context("spawn")
        # Last in, first out: a lone client keeps hitting the same warm worker.
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._closed = False
        self._lock = threading.Lock()
        self._all: set[_Worker] = set()
        self._starting = 0
        self._max = max(size, max_size if max_size is not None else 2 * size)
        for _ in range(size):
            self._add()

    def _add(self) -> None:
        worker = _Worker(self._ctx)
        with self._lock:
            self._all.add(worker)
            self._starting = max(0, self._starting - 1)
        self._idle.put(worker)

    def _grow(self, *, replace: bool = False) -> None:
        """Start one more worker in the background, up to the maximum: as a replacement, or when a
        worker has been held by one query for a while (short bursts just queue: more processes
        than cores would only slow everyone down)."""
        with self._lock:
            if self._closed or len(self._all) + self._starting >= self._max:
                return
            held = time.monotonic() - GROW_AFTER
            if not replace and not any(0 < w.busy_since < held for w in self._all):
                return
            self._starting += 1
        threading.Thread(target=self._add, daemon=True).start()

    @property
    def size(self) -> int:
        with self._lock:
            return len(self._all)

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.stop()
        # The replacement starts off the request path: spawning takes a few hundred ms.
        self._grow(replace=True)

    def run(self, job: QueryJob, timeout: float) -> SerializedResult:
        deadline = time.monotonic() + timeout
        while True:
            try:
                worker = self._idle.get(timeout=min(0.25, max(0.0, deadline - time.monotonic())))
                break
            except queue.Empty:
                if time.monotonic() >= deadline:
                    raise _timeout(timeout) from None
                self._grow()
        return self._exchange(worker, job, lambda: worker.conn.poll(max(0.0, deadline - time.monotonic())), timeout)

    async def run_async(self, job: QueryJob, timeout: float) -> SerializedResult:
        """The same without a thread per query: the event loop waits on the worker's pipe."""
        deadline = time.monotonic() + timeout
        pause = 0.0002
        while True:
            try:
                worker = self._idle.get_nowait()
                break
            except queue.Empty:
                # All workers busy: wait on the loop (a thread each would crowd the loop's pool).
                self._grow()
                if time.monotonic() > deadline:
                    raise _timeout(timeout) from None
                await asyncio.sleep(pause)
                pause = min(pause * 2, 0.005)
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()
        fd = worker.conn.fileno()

        def readable() -> None:
            if not ready.done():
                ready.set_result(None)

        loop.add_reader(fd, readable)
        try:
            try:
                worker.snapshot = job.snapshot
                worker.busy_since = time.monotonic()
                worker.conn.send(job)
                await asyncio.wait_for(ready, max(0.0, deadline - time.monotonic()))
                answered = True
            except TimeoutError:
                answered = False
            except (OSError, BrokenPipeError):
                answered = True  # _exchange reports the broken worker
            except asyncio.CancelledError:
                # The caller went away mid-query: the worker's late answer must not reach the next job.
                self._retire(worker)
                raise
        finally:
            loop.remove_reader(fd)
        return self._exchange(worker, None, lambda: answered, timeout)

    def _exchange(
        self, worker: _Worker, job: QueryJob | None, wait: Callable[[], bool], timeout: float
    ) -> SerializedResult:
        """Sends the job (unless already sent), waits, and takes the answer; a late worker is ended."""
        current: _Worker | None = worker
        try:
            if job is not None:
                worker.snapshot = job.snapshot
                worker.busy_since = time.monotonic()
                worker.conn.send(job)
            if not wait():
                self._retire(worker)
                current = None
                raise _timeout(timeout)
            status, detail, body, media_type = worker.conn.recv()
            worker.busy_since = 0.0
        except (EOFError, OSError, BrokenPipeError) as exc:
            self._retire(worker)
            current = None
            raise StoreUnavailable(f"query process failed: {exc}", message_zh=f"查询进程失败：{exc}") from exc
        finally:
            if current is not None:
                self._idle.put(current)
        if status == "syntax":
            raise QuerySyntaxError(f"SPARQL syntax error: {detail}", message_zh=f"SPARQL 语法错误：{detail}")
        if status == "error":
            if "IO error" in detail or "Corruption" in detail:
                raise StoreUnavailable(f"the store could not be read: {detail}", message_zh=f"存储读取失败：{detail}")
            raise BadInput(f"query failed: {detail}", message_zh=f"查询执行失败：{detail}")
        return SerializedResult(QueryForm(detail), body, media_type)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()


def _timeout(seconds: float) -> QueryTimeout:
    return QueryTimeout(
        f"query stopped: it ran longer than the {seconds:g} s limit (CPMS_KG_QUERY_TIMEOUT)",
        message_zh=f"查询已终止：运行时间超过 {seconds:g} 秒的上限（CPMS_KG_QUERY_TIMEOUT）",
    )
