"""The store interface: one small typed API, two implementations (embedded pyoxigraph, remote SPARQL 1.1).

One result type per query form: `select` gives `Solutions`, `ask` a bool, `construct` a list of
triples; `execute` runs a caller's query and gives the serialised body for HTTP.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import pyoxigraph as ox

from cpms_kg.iris import PRIVATE_GRAPH_PREFIX

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class QueryForm(Enum):
    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"

    @property
    def tabular(self) -> bool:
        return self in (QueryForm.SELECT, QueryForm.ASK)


@dataclass(frozen=True)
class Dataset:
    """An RDF dataset given by the SPARQL protocol (default-graph-uri, named-graph-uri) or FROM clauses."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.default_graphs and not self.named_graphs


@dataclass(frozen=True)
class Solutions:
    variables: list[str]
    rows: list[dict[str, Term]]

    def __iter__(self) -> Iterator[dict[str, Term]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class SerializedResult:
    """A query result already serialised for an HTTP answer."""

    form: QueryForm
    body: bytes
    media_type: str


@dataclass(frozen=True)
class FormatChoice:
    """What the client accepts, decided before running: one format per kind of result."""

    results: ox.QueryResultsFormat | None
    graph: ox.RdfFormat | None


@dataclass(frozen=True)
class LoadSource:
    """One RDF input: a file (or in-memory bytes) with its format, target graph and base IRI."""

    name: str
    format: ox.RdfFormat
    path: Path | None = None
    data: bytes | None = None
    graph: str | None = None
    base_iri: str | None = None


@dataclass
class LoadReport:
    quads: int | None = 0
    """Quads written; None after a bulk load, which does not count them."""
    files: list[str] = field(default_factory=list)
    bytes: int = 0


class ByteProgress:
    """Counts bytes read across a load's sources and reports (done, total) to an optional callback."""

    def __init__(self, sources: Sequence[LoadSource], callback: Callable[[int, int], None] | None) -> None:
        self.total = sum(len(s.data or b"") if s.path is None else s.path.stat().st_size for s in sources)
        self.done = 0
        self._callback = callback

    def __call__(self, n: int) -> None:
        self.done += n
        if self._callback is not None:
            self._callback(self.done, self.total)


def is_private_graph(base_iri: str, graph: str) -> bool:
    return graph.startswith(base_iri + PRIVATE_GRAPH_PREFIX)


def written_graphs(sources: Sequence[LoadSource]) -> list[str | None] | None:
    """The graphs a load writes (None: the default graph), or None when the files name their own graphs."""
    if any(s.format in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG) for s in sources):
        return None
    return [s.graph for s in sources]


def touches_public(base_iri: str, graphs: Sequence[str | None] | None) -> bool:
    """Whether a write to `graphs` (None: graphs not known, e.g. a SPARQL Update) may change public data."""
    return graphs is None or any(g is None or not is_private_graph(base_iri, g) for g in graphs)


PROTECTED_GRAPHS = ("graph/private/audit", "graph/private/accounts")
"""Graphs only the service itself writes: no SPARQL Update or Graph Store request may change them."""


PROTECTED_WRITES = threading.RLock()
"""Held by every write to a protected graph, and by updates that must leave them as they were."""


def protected_graphs(base_iri: str) -> list[str]:
    return [base_iri + path for path in PROTECTED_GRAPHS]


def is_protected_graph(base_iri: str, graph: str) -> bool:
    return graph in protected_graphs(base_iri)


class Store(ABC):
    """Store access. Every read defaults to the union of the public graphs; `trusted=True` (the service's own
    reads, never a caller's query) sees every graph, private ones included."""

    base_iri: str
    generation: int = 0
    """Bumped by every write through this object. Writes made by other clients of a remote store are not seen."""
    public_generation: int = 0
    """Bumped by every write that may change public data (not by writes to private graphs only, such as audit
    records): caches derived from the public graphs (search index, VoID) key on it."""

    @abstractmethod
    def select(self, query: str, *, dataset: Dataset | None = None, trusted: bool = False) -> Solutions: ...

    @abstractmethod
    def ask(self, query: str, *, dataset: Dataset | None = None, trusted: bool = False) -> bool: ...

    @abstractmethod
    def construct(self, query: str, *, dataset: Dataset | None = None, trusted: bool = False) -> list[ox.Triple]: ...

    @abstractmethod
    def execute(
        self, query: str, *, formats: FormatChoice, dataset: Dataset | None = None, timeout: float
    ) -> SerializedResult:
        """Runs a caller's query within `timeout` seconds, stopping it for real when it overruns."""

    async def execute_async(
        self, query: str, *, formats: FormatChoice, dataset: Dataset | None = None, timeout: float
    ) -> SerializedResult:
        """`execute` for an event loop; implementations may avoid the thread."""
        import asyncio  # only servers run an event loop; the command line does not pay for the import

        return await asyncio.to_thread(self.execute, query, formats=formats, dataset=dataset, timeout=timeout)

    @abstractmethod
    def update(self, update: str, *, dataset: Dataset | None = None) -> None: ...

    @abstractmethod
    def load(self, sources: Sequence[LoadSource], *, progress: Callable[[int, int], None] | None = None) -> LoadReport:
        """Loads all sources or nothing; sources are fully validated before anything is written."""

    @abstractmethod
    def graph_triples(self, graph: str | None) -> list[ox.Triple]:
        """Triples of one graph (None: the store's default graph); NotFound when it does not exist."""

    @abstractmethod
    def replace_graph(self, graph: str | None, source: LoadSource) -> bool:
        """Replaces a graph's content; returns True when the graph was created."""

    @abstractmethod
    def add_to_graph(self, graph: str | None, source: LoadSource) -> bool:
        """Merges triples into a graph; returns True when the graph was created."""

    @abstractmethod
    def drop_graph(self, graph: str | None) -> None: ...

    @abstractmethod
    def graph_exists(self, graph: str | None) -> bool: ...

    @abstractmethod
    def named_graphs(self) -> list[str]: ...

    def public_graphs(self) -> list[str]:
        return [g for g in self.named_graphs() if not is_private_graph(self.base_iri, g)]

    @abstractmethod
    def is_empty(self) -> bool: ...

    @abstractmethod
    def close(self) -> None: ...
