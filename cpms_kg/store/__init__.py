"""Store access: `open_store(settings)` picks the embedded or the remote implementation."""

from __future__ import annotations

from cpms_kg.settings import Settings
from cpms_kg.store.base import Dataset, FormatChoice, LoadSource, QueryForm, SerializedResult, Solutions, Store


def open_store(settings: Settings) -> Store:
    if settings.endpoint is not None:
        from cpms_kg.store.remote import RemoteStore

        return RemoteStore(
            settings.endpoint,
            update_endpoint=settings.update_endpoint,
            graph_store=settings.graph_store,
            base_iri=settings.base_iri,
            timeout=settings.query_timeout,
        )
    from cpms_kg.store.embedded import EmbeddedStore

    return EmbeddedStore(settings.store, base_iri=settings.base_iri, query_workers=settings.query_workers)


__all__ = ["Dataset", "FormatChoice", "LoadSource", "QueryForm", "SerializedResult", "Solutions", "Store", "open_store"]
