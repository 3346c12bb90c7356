"""Committing conforming uploads privately, sharing them into the warehouse, and unsharing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.conftest import BASE, cli
from tests.test_conformance_e2e import HEADER, ROWS

COUNT_PRODUCTS = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?p ?x ?y FILTER(STRSTARTS(STR(?p), '{BASE}product/acme/')) }}"


def count(store: Path, query: str = COUNT_PRODUCTS) -> int:
    out = cli("query", query, "--format", "json", "--store", str(store), check=True).stdout
    return int(json.loads(out)["results"]["bindings"][0]["n"]["value"])


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([HEADER, *rows])
    return path


def test_commit_share_unshare(store_dir: Path, tmp_path: Path) -> None:
    good = write(tmp_path / "good.csv", [ROWS[0]])
    committed = cli(
        "validate",
        str(good),
        "--standard",
        "zj-rolling-bearings",
        "--firm",
        "acme",
        "--commit",
        "--dataset",
        "2026-q4",
        "--store",
        str(store_dir),
    )
    assert committed.returncode == 0, committed.stderr
    assert "2026-q4" in committed.stderr
    assert count(store_dir) == 0  # committed data is private: the public endpoint does not see it
    assert cli("dataset", "share", "acme", "2026-q4", "--store", str(store_dir)).returncode == 0
    assert count(store_dir) > 0
    items = (
        "SELECT (COUNT(DISTINCT ?attribute) AS ?n) WHERE { ?catalog a <http://www.w3.org/ns/dcat#Catalog> ; "
        "<http://www.w3.org/ns/dcat#dataset> ?d . ?d <https://w3id.org/cpms-kg/ontology#hasDataItem> ?i . "
        "?i <https://w3id.org/cpms-kg/ontology#definedBy> ?attribute }"
    )
    assert count(store_dir, items) == 7  # the seven attribute columns the file fills (not code, category, notes)
    assert cli("dataset", "unshare", "acme", "2026-q4", "--store", str(store_dir)).returncode == 0
    assert count(store_dir) == 0


def test_non_conforming_upload_stores_nothing(store_dir: Path, tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.csv", ROWS)
    result = cli(
        "validate",
        str(bad),
        "--standard",
        "zj-rolling-bearings",
        "--firm",
        "acme",
        "--commit",
        "--store",
        str(store_dir),
    )
    assert result.returncode == 1 and "未提交" in result.stderr
    graphs = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?g), '/private/')) }"
    # The public endpoint cannot see private graphs at all; the dataset share command proves none exists.
    assert count(store_dir, graphs) == 0
    missing = cli("dataset", "share", "acme", "anything", "--store", str(store_dir))
    assert missing.returncode == 2 and "anything" in missing.stderr
