"""The search service: one index per public generation of the store, rebuilt by the first search after a
write that may change public data."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from cpms_kg.search.collect import collect
from cpms_kg.search.index import Index
from cpms_kg.search.model import SearchPage, SearchQuery
from cpms_kg.store.base import Store

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Built:
    index: Index
    generation: int
    seconds: float
    """Wall-clock time the build took (reading the store included)."""


class SearchService:
    """Holds the index of one store; safe to share between request threads."""

    def __init__(self) -> None:
        self._built: Built | None = None
        self._lock = threading.Lock()

    def current(self, store: Store) -> Built:
        """The index for the store as it is now, building it when the store has changed since."""
        built = self._built
        if built is not None and built.generation == store.public_generation:
            return built
        with self._lock:
            built = self._built
            if built is None or built.generation != store.public_generation:
                # Read the generation first: a write during the build leaves the index marked stale.
                generation = store.public_generation
                started = time.perf_counter()
                index = Index(collect(store))
                built = Built(index, generation, time.perf_counter() - started)
                self._built = built
            return built

    def warm_up(self, store: Store) -> threading.Thread:
        """Builds the index in the background, so the first search of a fresh server does not wait for it."""

        def build() -> None:
            try:
                self.current(store)
            except Exception:  # the first search builds it then, and reports what went wrong
                _log.warning("building the search index at start-up failed", exc_info=True)

        thread = threading.Thread(target=build, name="search-index", daemon=True)
        thread.start()
        return thread

    def search(self, store: Store, query: SearchQuery) -> SearchPage:
        return self.current(store).index.search(query)
