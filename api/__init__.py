"""The HTTP service: `create_app(settings)` builds it; nothing happens at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from cpms_kg import __version__
from cpms_kg.jobs import JobManager
from cpms_kg.search import SearchService
from cpms_kg.settings import Settings
from cpms_kg.store import Store, open_store

from . import (
    audit,
    catalogs,
    changes,
    dataip,
    datasets,
    errors,
    examples,
    graph_store,
    groups,
    home,
    ids,
    login,
    packages,
    pages_browse,
    pages_check,
    pages_groups,
    pages_pilots,
    pages_sparql,
    pilots,
    schemes,
    search,
    sparql,
    standards,
    update,
    users,
    validate,
    web,
    wellknown,
)
from .fast import FastPath


def create_app(settings: Settings | None = None, *, store: Store | None = None, initialise: bool = False) -> FastAPI:
    """The app; it opens the configured store at start-up unless one is given (tests pass their own)."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = store is None
        app.state.store = open_store(settings) if owned else store
        if initialise:
            from cpms_kg.bootstrap import initialise as run_init

            run_init(app.state.store)
        if owned:  # a served store: the first search should not wait for the index
            app.state.search.warm_up(app.state.store)
        try:
            yield
        finally:
            if owned:
                app.state.store.close()

    app = FastAPI(
        title="cpms-kg",
        version=__version__,
        description="产品主数据标准知识图谱服务 · Semantic knowledge graph service for product master data standards",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.jobs = JobManager()
    app.state.search = SearchService()
    errors.install(app)
    for module in (
        home,
        sparql,
        update,
        graph_store,
        ids,
        wellknown,
        schemes,
        search,
        standards,
        packages,
        validate,
        datasets,
        catalogs,
        examples,
        dataip,
        pilots,
        groups,
        audit,
        changes,
        login,
        users,
        web,
        pages_browse,
        pages_check,
        pages_groups,
        pages_pilots,
        pages_sparql,
    ):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(packages=[("cpms_kg.web", "static")]), name="static")
    app.add_middleware(FastPath)
    return app
