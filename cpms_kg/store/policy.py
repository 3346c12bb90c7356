"""Which graphs a query sees: the union of the public graphs unless a dataset is given.

A dataset from the protocol (default-graph-uri, named-graph-uri) overrides FROM clauses, as the
SPARQL 1.1 Protocol says; either may only name public graphs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cpms_kg.errors import Forbidden
from cpms_kg.store.base import Dataset, Store, is_private_graph
from cpms_kg.store.sparql_text import scan_query


@dataclass(frozen=True)
class QueryScope:
    """How to call the engine. "" in default_graph stands for the store's own default graph."""

    union: bool
    default_graph: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    query_dataset: bool
    """True when the query's own FROM / FROM NAMED clauses define the dataset."""


def check_public(base_iri: str, dataset: Dataset) -> None:
    for graph in (*dataset.default_graphs, *dataset.named_graphs):
        if is_private_graph(base_iri, graph):
            raise Forbidden(
                f"graph {graph} is private and cannot be queried on the public endpoint",
                message_zh=f"图 {graph} 为非公开数据，公共端点不可查询",
            )


def scope_for_query(
    query: str,
    dataset: Dataset | None,
    *,
    base_iri: str,
    public: Callable[[], list[str]],
    all_graphs: Callable[[], list[str]],
    trusted: bool = False,
) -> QueryScope:
    """trusted: the service's own reads (workflow, accounts, targets), which also see private graphs."""
    if trusted:
        if dataset is not None and not dataset.empty:
            return QueryScope(False, dataset.default_graphs, dataset.named_graphs, False)
        return QueryScope(True, None, None, False)
    if dataset is not None and not dataset.empty:
        check_public(base_iri, dataset)
        return QueryScope(False, dataset.default_graphs, dataset.named_graphs, False)
    declared = scan_query(query).dataset
    if not declared.empty:
        check_public(base_iri, declared)
        # Passed on explicitly: engines in union-default-graph mode would otherwise ignore FROM.
        return QueryScope(False, declared.default_graphs, declared.named_graphs, True)
    visible = public()
    if len(visible) == len(all_graphs()):
        return QueryScope(True, None, None, False)
    return QueryScope(False, ("", *visible), tuple(visible), False)


def scope_of(store: Store, query: str, dataset: Dataset | None, trusted: bool = False) -> QueryScope:
    """`scope_for_query` with the store's own graphs."""
    return scope_for_query(
        query,
        dataset,
        base_iri=store.base_iri,
        public=store.public_graphs,
        all_graphs=store.named_graphs,
        trusted=trusted,
    )
