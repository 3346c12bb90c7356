"""A remote SPARQL 1.1 store, reached over the Query, Update and Graph Store protocols.

The union of the public graphs is asked for per query: with oxigraph's `union-default-graph`
parameter while no private graph exists (other stores ignore the parameter and need their own
union setting, e.g. Fuseki's unionDefaultGraph), and by naming the public graphs once one does.
Relative IRIs resolve against the service's base IRI, never the remote's own address.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import httpx
import pyoxigraph as ox

from cpms_kg.errors import BadInput, NotFound, QuerySyntaxError, QueryTimeout, StoreUnavailable
from cpms_kg.rdfio import iter_quads
from cpms_kg.store.base import (
    ByteProgress,
    Dataset,
    FormatChoice,
    LoadReport,
    LoadSource,
    QueryForm,
    SerializedResult,
    Solutions,
    Store,
    touches_public,
    written_graphs,
)
from cpms_kg.store.policy import QueryScope, scope_of
from cpms_kg.store.sparql_text import has_relative_iri, scan_query

_GRAPH_CACHE_SECONDS = 2.0
_BATCH_BYTES = 16 * 1024 * 1024
# Writes carry whole graphs and may take minutes; reads are bounded by the query time limit.
_WRITE_TIMEOUT = 600.0


class RemoteStore(Store):
    def __init__(
        self,
        endpoint: str,
        *,
        update_endpoint: str | None,
        graph_store: str | None,
        base_iri: str,
        timeout: float = 30.0,
    ) -> None:
        self.base_iri = base_iri
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or endpoint
        self.graph_store = graph_store
        self._query_timeout = timeout
        self._client = httpx.Client(timeout=httpx.Timeout(_WRITE_TIMEOUT, connect=10.0))
        self._graphs: tuple[float, list[str]] | None = None

    # -- protocol plumbing -------------------------------------------------------------------
    def _post(
        self,
        url: str,
        *,
        data: dict[str, str],
        params: list[tuple[str, str]],
        accept: str,
        timeout: float | None = None,
    ) -> httpx.Response:
        try:
            response = self._client.post(
                url,
                data=data,
                params=tuple(params),
                headers={"Accept": accept},
                timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
            )
        except httpx.TimeoutException as exc:
            raise QueryTimeout(
                f"the remote store did not answer within {timeout or 'the configured'} s",
                message_zh="远程存储未在时限内响应",
            ) from exc
        except httpx.HTTPError as exc:
            raise StoreUnavailable(
                f"remote store {url} unreachable: {exc}", message_zh=f"无法连接远程存储 {url}：{exc}"
            ) from exc
        if response.status_code == 400:
            raise QuerySyntaxError(
                f"the remote store rejected the request: {response.text.strip()}",
                message_zh=f"远程存储拒绝了请求：{response.text.strip()}",
            )
        if response.status_code >= 300:
            raise StoreUnavailable(
                f"remote store answered {response.status_code}: {response.text.strip()[:500]}",
                message_zh=f"远程存储返回 {response.status_code}",
            )
        return response

    @staticmethod
    def _params(scope: QueryScope) -> list[tuple[str, str]]:
        params: list[tuple[str, str]] = [("union-default-graph", "")] if scope.union else []
        params += [("default-graph-uri", g) for g in scope.default_graph or () if g]
        params += [("named-graph-uri", g) for g in scope.named_graphs or ()]
        return params

    def _query(
        self, query: str, dataset: Dataset | None, accept: str, timeout: float | None = None, *, trusted: bool = False
    ) -> httpx.Response:
        scope = scope_of(self, query, dataset, trusted)
        return self._post(
            self.endpoint,
            data={"query": self._with_base(query)},
            params=self._params(scope),
            accept=accept,
            timeout=timeout if timeout is not None else self._query_timeout,
        )

    def _with_base(self, text: str) -> str:
        # Only when needed, and on the first line, so the remote's error positions stay right.
        return f"BASE <{self.base_iri}> {text}" if has_relative_iri(text) else text

    # -- reads -----------------------------------------------------------------------------
    def select(self, query: str, *, dataset: Dataset | None = None, trusted: bool = False) -> Solutions:
        body = self._query(query, dataset, "application/sparql-results+json", trusted=trusted).content
        result = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        if not isinstance(result, ox.QuerySolutions):
            raise BadInput("expected a SELECT query", message_zh="应为 SELECT 查询")
        variables = [v.value for v in result.variables]
        rows = [{name: sol[name] for name in variables if sol[name] is not None} for sol in result]
        return Solutions(variables, rows)

    def ask(self, query: str, *, dataset: Dataset | None = None, trusted: bool = False) -> bool:
        body = self._query(query, dataset, "application/sparql-results+json", trusted=trusted).content
        result = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        if not isinstance(result, ox.QueryBoolean):
            raise BadInput("expected an ASK query", message_zh="应为 ASK 查询")
        return bool(result)

    def construct(self, query: str, *, dataset: Dataset | None = None, trusted: bool = False) -> list[ox.Triple]:
        body = self._query(query, dataset, "application/n-triples", trusted=trusted).content
        return [q.triple for q in ox.parse(body, ox.RdfFormat.N_TRIPLES)]

    def execute(
        self, query: str, *, formats: FormatChoice, dataset: Dataset | None = None, timeout: float
    ) -> SerializedResult:
        form = scan_query(query).form or QueryForm.SELECT
        fmt = formats.results if form.tabular else formats.graph
        accept = fmt.media_type if fmt is not None else "*/*"
        response = self._query(query, dataset, accept, timeout=timeout)
        media_type = response.headers.get("content-type", accept)
        return SerializedResult(form, response.content if fmt is not None else b"", media_type)

    # -- writes ----------------------------------------------------------------------------
    def _changed(self, graphs: Sequence[str | None] | None = None) -> None:
        """After a write to `graphs` (None: not known)."""
        self.generation += 1
        if touches_public(self.base_iri, graphs):
            self.public_generation += 1
        self._graphs = None

    def update(self, update: str, *, dataset: Dataset | None = None) -> None:
        params: list[tuple[str, str]] = []
        if dataset is not None:
            params += [("using-graph-uri", g) for g in dataset.default_graphs]
            params += [("using-named-graph-uri", g) for g in dataset.named_graphs]
        try:
            self._post(self.update_endpoint, data={"update": self._with_base(update)}, params=params, accept="*/*")
        finally:
            self._changed()

    def load(self, sources: Sequence[LoadSource], *, progress: Callable[[int, int], None] | None = None) -> LoadReport:
        advance = ByteProgress(sources, progress)
        total = advance.total

        # Parse everything first: bad input must change nothing on the remote either.
        quads = [q for s in sources for q in iter_quads(s, on_read=advance)]
        batches: list[list[str]] = [[]]
        size = 0
        for q in quads:
            line = f"{q.subject} {q.predicate} {q.object}"
            stmt = f"GRAPH {q.graph_name} {{ {line} }}" if isinstance(q.graph_name, ox.NamedNode) else line
            if size > _BATCH_BYTES:
                batches.append([])
                size = 0
            batches[-1].append(stmt + " .")
            size += len(stmt)
        # One update is one transaction on the remote; inputs above one batch go in several.
        for batch in batches:
            if batch:
                self._post(
                    self.update_endpoint,
                    data={"update": "INSERT DATA {\n" + "\n".join(batch) + "\n}"},
                    params=[],
                    accept="*/*",
                )
        self._changed(written_graphs(sources))
        return LoadReport(quads=len(quads), files=[s.name for s in sources], bytes=total)

    def _gsp(self, method: str, graph: str | None, *, content: bytes | None = None) -> httpx.Response:
        if self.graph_store is None:
            raise StoreUnavailable(
                "no --graph-store URL configured for the remote store",
                message_zh="未配置远程图存储协议地址（--graph-store）",
            )
        params = {"default": ""} if graph is None else {"graph": graph}
        headers = {"Accept": "application/n-triples"}
        if content is not None:
            headers["Content-Type"] = "application/n-triples"
        try:
            return self._client.request(method, self.graph_store, params=params, content=content, headers=headers)
        except httpx.HTTPError as exc:
            raise StoreUnavailable(
                f"remote graph store unreachable: {exc}", message_zh=f"无法连接远程图存储：{exc}"
            ) from exc

    def graph_triples(self, graph: str | None) -> list[ox.Triple]:
        response = self._gsp("GET", graph)
        if response.status_code == 404:
            raise NotFound(f"no graph {graph}", message_zh=f"图 {graph} 不存在")
        if response.status_code >= 300:
            raise StoreUnavailable(f"remote graph store answered {response.status_code}", message_zh="远程图存储出错")
        return [q.triple for q in ox.parse(response.content, ox.RdfFormat.N_TRIPLES)]

    def _send_graph(self, method: str, graph: str | None, source: LoadSource) -> bool:
        created = not self.graph_exists(graph)
        body = "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in iter_quads(source, graph_name=""))
        response = self._gsp(method, graph, content=body.encode())
        if response.status_code >= 300:
            raise StoreUnavailable(
                f"remote graph store answered {response.status_code}: {response.text[:300]}",
                message_zh="远程图存储出错",
            )
        self._changed([graph])
        return created

    def replace_graph(self, graph: str | None, source: LoadSource) -> bool:
        return self._send_graph("PUT", graph, source)

    def add_to_graph(self, graph: str | None, source: LoadSource) -> bool:
        return self._send_graph("POST", graph, source)

    def drop_graph(self, graph: str | None) -> None:
        response = self._gsp("DELETE", graph)
        self._changed([graph])
        if response.status_code == 404:
            raise NotFound(f"no graph {graph}", message_zh=f"图 {graph} 不存在")
        if response.status_code >= 300:
            raise StoreUnavailable(f"remote graph store answered {response.status_code}", message_zh="远程图存储出错")

    def graph_exists(self, graph: str | None) -> bool:
        return graph is None or graph in self.named_graphs()

    def named_graphs(self) -> list[str]:
        now = time.monotonic()
        if self._graphs is None or now - self._graphs[0] > _GRAPH_CACHE_SECONDS:
            body = self._post(
                self.endpoint,
                data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"},
                params=[],
                accept="application/sparql-results+json",
            ).content
            result = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
            graphs = sorted(s["g"].value for s in result if isinstance(s["g"], ox.NamedNode))  # type: ignore[union-attr]
            self._graphs = (now, graphs)
        return self._graphs[1]

    def is_empty(self) -> bool:
        body = self._post(
            self.endpoint,
            data={"query": "ASK { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"},
            params=[],
            accept="application/sparql-results+json",
        ).content
        return not bool(ox.parse_query_results(body, ox.QueryResultsFormat.JSON))

    def close(self) -> None:
        self._client.close()
