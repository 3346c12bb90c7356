"""Committing conforming uploads privately, sharing them into the warehouse, and unsharing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import httpx

from tests.conftest import ADMIN_TOKEN, BASE, Server, cli
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
        f"FILTER(?d = <{BASE}dataset/acme/2026-q4>) "  # the demo firms' shared datasets are in the store too
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


def test_commit_over_rest_needs_a_token_and_a_conforming_file(server: Server, tmp_path: Path) -> None:
    good = write(tmp_path / "good.csv", [ROWS[0]])
    form = {"standard": "zj-rolling-bearings", "firm": "acme", "commit": "true", "dataset": "rest-1"}
    with good.open("rb") as data:
        anonymous = httpx.post(server.url + "/api/validate", files={"file": ("good.csv", data)}, data=form)
    assert anonymous.status_code == 401
    with good.open("rb") as data:
        committed = httpx.post(
            server.url + "/api/validate",
            files={"file": ("good.csv", data)},
            data=form,
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        )
    assert committed.status_code == 200 and committed.json()["committed_dataset"] == "rest-1"
    bad = write(tmp_path / "bad.csv", ROWS)
    with bad.open("rb") as data:
        refused = httpx.post(
            server.url + "/api/validate",
            files={"file": ("bad.csv", data)},
            data={**form, "dataset": "rest-2"},
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        )
    assert refused.status_code == 200 and refused.json()["committed_dataset"] is None


def test_rdf_input_and_a_saved_mapping(store_dir: Path, tmp_path: Path) -> None:
    from cpms_kg.conformance.mapping import ColumnMapping, save_mapping
    from cpms_kg.standards.model import item_path

    renamed = ["编码", "类别", "型号", "孔径", "外径 D", "宽度 B", "密封型式", "公差等级", "基本额定动载荷", "备注"]
    table = tmp_path / "own-headers.csv"
    with table.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([renamed, ROWS[0]])
    mapping = tmp_path / "mapping.yaml"
    save_mapping(
        ColumnMapping(
            standard="zj-rolling-bearings",
            version="1.0",
            columns={"型号": "designation", "孔径": "bore_diameter"},
            product_code_column="编码",
            category_column="类别",
            category=None,
            unit_columns={},
            ignored=("备注",),
        ),
        mapping,
    )
    result = cli(
        "validate",
        str(table),
        "--standard",
        "zj-rolling-bearings",
        "--mapping",
        str(mapping),
        "--format",
        "json",
        "--store",
        str(store_dir),
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert json.loads(result.stdout)["unmapped_columns"] == []
    attribute = BASE + item_path("zj-rolling-bearings", "1.0", "attribute", "designation")
    category = BASE + item_path("zj-rolling-bearings", "1.0", "category", "RB010101")
    rdf = tmp_path / "products.ttl"
    rdf.write_text(f'<{BASE}product/acme/X1> a <{category}> ; <{attribute}> "not a designation" .\n', encoding="utf-8")
    checked = cli(
        "validate", str(rdf), "--standard", "zj-rolling-bearings", "--format", "json", "--store", str(store_dir)
    )
    assert checked.returncode == 1
    rules = {r["rule"] for r in json.loads(checked.stdout)["rules"]}
    assert {"designation/pattern", "bore_diameter/required"} <= rules
