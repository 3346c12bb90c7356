"""Large loads take the bulk path (no transaction); a failure must still leave the store as it was."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from cpms_kg.errors import BadInput
from cpms_kg.rdfio import source_from_path
from cpms_kg.store import embedded
from cpms_kg.store.base import LoadSource
from cpms_kg.store.embedded import EmbeddedStore
from tests.conftest import BASE

EX = "http://example.org/"


def _count(store: EmbeddedStore) -> int:
    row = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0]["n"]
    assert isinstance(row, ox.Literal)
    return int(row.value)


@pytest.fixture
def bulk_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> EmbeddedStore:
    monkeypatch.setattr(embedded, "TRANSACTION_LIMIT", 0)
    store = EmbeddedStore(tmp_path / "store", base_iri=BASE, query_workers=1)
    store.load(
        [LoadSource(name="seed", format=ox.RdfFormat.TURTLE, data=f"<{EX}seed> <{EX}p> 0 .".encode(), graph=EX + "g")]
    )
    return store


def test_bulk_load_of_good_files(bulk_store: EmbeddedStore, tmp_path: Path) -> None:
    files = []
    for i in range(2):
        f = tmp_path / f"part{i}.nt"
        f.write_text("".join(f'<{EX}s{i}-{j}> <{EX}p> "{j}" .\n' for j in range(500)), encoding="utf-8")
        files.append(source_from_path(f, graph=EX + "g"))
    report = bulk_store.load(files)
    assert report.quads is None and report.bytes == sum(f.path.stat().st_size for f in files if f.path)
    assert _count(bulk_store) == 1001


def test_failed_bulk_load_restores_the_store(bulk_store: EmbeddedStore, tmp_path: Path) -> None:
    good = tmp_path / "good.nt"
    good.write_text("".join(f'<{EX}s{j}> <{EX}p> "{j}" .\n' for j in range(2000)), encoding="utf-8")
    bad = tmp_path / "bad.nt"
    bad.write_text(f'<{EX}x> <{EX}p> "1" .\n<{EX}x> <{EX}p> .\n', encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        bulk_store.load([source_from_path(good, graph=EX + "g"), source_from_path(bad, graph=EX + "g")])
    assert caught.value.problems[0].line == 2 and caught.value.problems[0].source == str(bad)
    assert _count(bulk_store) == 1
    # The restored store is fully usable, for writes and for the query workers.
    bulk_store.load([source_from_path(good, graph=EX + "g")])
    assert _count(bulk_store) == 2001
    bulk_store.close()
