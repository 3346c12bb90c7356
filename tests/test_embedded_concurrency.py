"""Reads while writing, and callers that go away: the query workers must stay correct."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from cpms_kg.errors import CpmsError
from cpms_kg.store.base import FormatChoice, LoadSource
from cpms_kg.store.embedded import EmbeddedStore
from tests.conftest import BASE

EX = "http://example.org/"
JSON = FormatChoice(ox.QueryResultsFormat.JSON, None)


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedStore:
    opened = EmbeddedStore(tmp_path / "store", base_iri=BASE, query_workers=2)
    data = " ".join(f"<{EX}s{i}> <{EX}p> {i} ." for i in range(3000))
    opened.load([LoadSource(name="seed", format=ox.RdfFormat.TURTLE, data=data.encode(), graph=EX + "g")])
    return opened


def test_queries_never_see_a_deleted_snapshot_while_writes_go_on(store: EmbeddedStore) -> None:
    failures: list[str] = []
    answered = 0
    stop = time.monotonic() + 4

    def read() -> None:
        nonlocal answered
        while time.monotonic() < stop:
            try:
                store.execute(f"SELECT (SUM(?o) AS ?n) WHERE {{ ?s <{EX}p> ?o }}", formats=JSON, timeout=10)
                answered += 1
            except CpmsError as exc:
                failures.append(str(exc))

    readers = [threading.Thread(target=read) for _ in range(4)]
    for thread in readers:
        thread.start()
    i = 0
    while time.monotonic() < stop:
        store.update(f"INSERT DATA {{ GRAPH <{EX}w> {{ <{EX}w{i}> <{EX}q> {i} }} }}")
        i += 1
        time.sleep(0.01)
    for thread in readers:
        thread.join()
    assert failures == []
    assert answered > 20 and i > 20
    store.close()


def test_a_cancelled_caller_does_not_hand_its_answer_to_the_next(store: EmbeddedStore) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"
    quick = f"SELECT ?o WHERE {{ <{EX}s7> <{EX}p> ?o }}"

    async def scenario() -> list[bytes]:
        for _ in range(2):  # both workers get a job whose caller then goes away
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(store.execute_async(slow, formats=JSON, timeout=30), 0.2)
        answers = []
        for _ in range(4):
            result = await store.execute_async(quick, formats=JSON, timeout=30)
            answers.append(result.body)
        return answers

    answers = asyncio.run(scenario())
    assert all(b'"value":"7"' in body for body in answers), answers
    store.close()


def test_a_long_query_does_not_keep_other_callers_waiting(tmp_path: Path) -> None:
    """One configured worker busy with a long query: the pool grows and a quick query is answered."""
    store = EmbeddedStore(tmp_path / "one", base_iri=BASE, query_workers=1)
    data = " ".join(f"<{EX}s{i}> <{EX}p> {i} ." for i in range(400))
    store.load([LoadSource(name="seed", format=ox.RdfFormat.TURTLE, data=data.encode(), graph=EX + "g")])
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    outcome: list[str] = []
    thread = threading.Thread(
        target=lambda: outcome.append(_run_expecting_timeout(store, runaway)),
    )
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    quick = store.execute(f"ASK {{ <{EX}s7> <{EX}p> 7 }}", formats=JSON, timeout=8)
    assert b"true" in quick.body and time.monotonic() - started < 5
    thread.join()
    assert outcome == ["timeout"]
    store.close()


def _run_expecting_timeout(store: EmbeddedStore, query: str) -> str:
    try:
        store.execute(query, formats=JSON, timeout=8)
    except CpmsError as exc:
        return "timeout" if exc.status == 503 else str(exc)
    return "answered"
