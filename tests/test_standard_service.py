"""Standards through the CLI, REST and linked data, on a store initialised with the demo standards."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

import httpx
import pyshacl
import rdflib

from cpms_kg.standards import service
from cpms_kg.standards.demo import bearings
from cpms_kg.standards.model import Status
from cpms_kg.standards.spreadsheet import write_standard
from tests.conftest import BASE, Server, app_client, cli
from tests.test_shapes import SHACL_SHACL

BEARINGS = "zj-rolling-bearings"


def next_version() -> Path:
    """Bearings 1.1 (draft): bore_diameter renamed to inner_diameter; the rest as in 1.0."""
    old = bearings()
    attributes = tuple(replace(a, code="inner_diameter") if a.code == "bore_diameter" else a for a in old.attributes)
    requirements = tuple(
        replace(r, attribute="inner_diameter") if r.attribute == "bore_diameter" else r for r in old.requirements
    )
    return replace(
        old,
        info=replace(old.info, version="1.1", previous_version="1.0", status=Status.DRAFT),
        attributes=attributes,
        requirements=requirements,
    )


def test_list_and_check_the_demo_standards(store_dir: Path) -> None:
    listed = cli("standard", "list", "--store", str(store_dir), check=True).stdout
    assert "zj-rolling-bearings" in listed and "zj-fasteners" in listed and "published-provincial" in listed
    for key in (BEARINGS, "zj-fasteners@1.0"):
        checked = cli("standard", "check", key, "--store", str(store_dir))
        assert checked.returncode == 0 and "通过质量检查" in checked.stderr


def test_shapes_are_deterministic_and_valid_shacl(store_dir: Path) -> None:
    first = cli("standard", "shapes", BEARINGS, "--store", str(store_dir), check=True).stdout
    assert first == cli("standard", "shapes", f"{BEARINGS}@1.0", "--store", str(store_dir), check=True).stdout
    shapes = rdflib.Graph().parse(data=first, format="turtle")
    conforms, _, text = pyshacl.validate(shapes, shacl_graph=rdflib.Graph().parse(SHACL_SHACL))
    assert conforms, text
    assert "mm" in first  # messages name the unit by its symbol


def test_xlsx_round_trip_through_the_store(store_dir: Path, tmp_path: Path) -> None:
    xlsx, ttl_before, ttl_after = tmp_path / "b.xlsx", tmp_path / "before.ttl", tmp_path / "after.ttl"
    cli("standard", "export", BEARINGS, "--format", "ttl", "-o", str(ttl_before), "--store", str(store_dir), check=True)
    cli("standard", "export", BEARINGS, "--format", "xlsx", "-o", str(xlsx), "--store", str(store_dir), check=True)
    imported = cli("standard", "import", str(xlsx), "--store", str(store_dir))
    assert imported.returncode == 0, imported.stderr
    cli("standard", "export", BEARINGS, "--format", "ttl", "-o", str(ttl_after), "--store", str(store_dir), check=True)
    assert ttl_before.read_text(encoding="utf-8") == ttl_after.read_text(encoding="utf-8")


def test_new_version_diff_and_lifecycle(store_dir: Path, tmp_path: Path) -> None:
    workbook = tmp_path / "v11.xlsx"
    write_standard(next_version(), workbook, format="xlsx")
    assert cli("standard", "import", str(workbook), "--store", str(store_dir)).returncode == 0
    result = json.loads(cli("standard", "diff", BEARINGS, "1.0", "1.1", "--store", str(store_dir), check=True).stdout)
    assert result["migration"]["renamed_attributes"] == [{"old": "bore_diameter", "new": "inner_diameter"}]
    kinds = {(c["kind"], c["key"], c["change"]) for c in result["changes"]}
    assert ("attribute", "bore_diameter", "removed") in kinds and ("attribute", "inner_diameter", "added") in kinds
    turtle = cli("standard", "diff", BEARINGS, "1.0", "1.1", "--format", "ttl", "--store", str(store_dir), check=True)
    graph = rdflib.Graph().parse(data=turtle.stdout, format="turtle")
    assert (None, rdflib.DCTERMS.replaces, None) in graph
    refused = cli("standard", "status", f"{BEARINGS}@1.1", "published-provincial", "--store", str(store_dir))
    assert refused.returncode == 2 and "draft" in refused.stderr
    assert cli("standard", "status", f"{BEARINGS}@1.1", "consensus", "--store", str(store_dir)).returncode == 0


def test_unpublished_versions_are_private_until_published(store_dir: Path, tmp_path: Path) -> None:
    workbook = tmp_path / "v11.xlsx"
    write_standard(next_version(), workbook, format="xlsx")
    assert cli("standard", "import", str(workbook), "--store", str(store_dir)).returncode == 0
    assert "1.1" in cli("standard", "list", "--store", str(store_dir), check=True).stdout  # operators see drafts
    for status in ("consensus", "under-review"):
        assert cli("standard", "status", f"{BEARINGS}@1.1", status, "--store", str(store_dir)).returncode == 0
    ask = f"ASK {{ <{BASE}standard/{BEARINGS}/1.1> ?p ?o }}"
    with app_client(store_dir) as (client, store):
        assert client.get(f"/api/standards/{BEARINGS}/versions/1.1").status_code == 404
        listed = client.get(f"/api/standards/{BEARINGS}").json()
        assert [v["version"] for v in listed["versions"]] == ["1.0"]
        assert client.get(f"/id/standard/{BEARINGS}/1.1", headers={"Accept": "text/turtle"}).status_code == 404
        assert client.get("/sparql", params={"query": ask}).json()["boolean"] is False
        assert store.ask(ask, trusted=True)
        service.set_status(store, f"{BEARINGS}@1.1", Status.PUBLISHED_PROVINCIAL)
        assert client.get(f"/api/standards/{BEARINGS}/versions/1.1").status_code == 200
        assert client.get("/sparql", params={"query": ask}).json()["boolean"] is True
        private = BASE + f"graph/private/standard/{BEARINGS}/1.1"
        assert private not in store.named_graphs()


def test_published_version_cannot_be_overwritten(store_dir: Path, tmp_path: Path) -> None:
    first = bearings().attributes[0]
    renamed = replace(first, name=replace(first.name, en=first.name.en + " (changed)"))
    changed = replace(bearings(), attributes=(renamed, *bearings().attributes[1:]))
    workbook = tmp_path / "changed.xlsx"
    write_standard(changed, workbook, format="xlsx")
    result = cli("standard", "import", str(workbook), "--store", str(store_dir))
    assert result.returncode == 2 and "immutable" in result.stderr


def test_bad_workbook_names_sheet_row_and_column_and_imports_nothing(store_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    write_standard(next_version(), folder, format="csv")
    requirements = folder / "requirements.csv"
    rows = list(csv.reader(requirements.read_text(encoding="utf-8-sig").splitlines()))
    attribute_column = 1  # category, attribute, obligation
    rows.append([v if i != attribute_column else "no_such_attribute" for i, v in enumerate(rows[1])])
    with requirements.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerows(rows)
    lines = rows
    result = cli("standard", "import", str(folder), "--store", str(store_dir))
    assert result.returncode == 2, result.stderr
    assert "no_such_attribute" in result.stderr and str(len(lines)) in result.stderr
    assert "1.1" not in cli("standard", "list", "--store", str(store_dir), check=True).stdout


def test_rest_routes(server: Server) -> None:
    listed = httpx.get(server.url + "/api/standards").json()["standards"]
    assert {s["id"] for s in listed} == {BEARINGS, "zj-fasteners"}
    version = httpx.get(f"{server.url}/api/standards/{BEARINGS}/versions/1.0").json()
    assert version["counts"]["attributes"] >= 20 and version["info"]["industry"]["code"] == "4331"
    assert any(c["parent"] is None for c in version["categories"])
    turtle = httpx.get(f"{server.url}/api/standards/{BEARINGS}/versions/1.0/shapes")
    assert turtle.headers["content-type"].startswith("text/turtle") and "sh:NodeShape" in turtle.text
    jsonld = httpx.get(
        f"{server.url}/api/standards/{BEARINGS}/versions/1.0/shapes", headers={"Accept": "application/ld+json"}
    )
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    same = httpx.get(f"{server.url}/api/standards/{BEARINGS}/diff", params={"from": "1.0", "to": "1.0"}).json()
    assert same["changes"] == []
    missing = httpx.get(f"{server.url}/api/standards/nope")
    assert missing.status_code == 404 and missing.json()["ok"] is False


def test_standard_items_dereference(server: Server) -> None:
    attribute = f"standard/{BEARINGS}/1.0/attribute/bore_diameter"
    response = httpx.get(f"{server.url}/id/{attribute}", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    assert (rdflib.URIRef(BASE + attribute), rdflib.RDF.type, None) in graph
    page = httpx.get(f"{server.url}/id/standard/{BEARINGS}/1.0/category/RB01", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "球轴承" in page.text


def test_version_page_shows_tree_attributes_units_and_code_lists(server: Server) -> None:
    page = httpx.get(f"{server.url}/id/standard/{BEARINGS}/1.0", headers={"Accept": "text/html"})
    assert page.status_code == 200
    text = page.text
    assert "深沟球轴承" in text and "Deep groove ball bearings" in text
    assert f'href="/id/standard/{BEARINGS}/1.0/category/RB0101"' in text
    assert f'href="/id/standard/{BEARINGS}/1.0/attribute/bore_diameter"' in text
    assert "<td>mm</td>" in text and "kN" in text
    assert f'href="/id/standard/{BEARINGS}/1.0/codelist/' in text
    turtle = httpx.get(f"{server.url}/id/standard/{BEARINGS}/1.0", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and "StandardVersion" in turtle.text


def test_diff_in_rdf_over_rest(server: Server) -> None:
    response = httpx.get(
        f"{server.url}/api/standards/{BEARINGS}/diff",
        params={"from": "1.0", "to": "1.0"},
        headers={"Accept": "text/turtle"},
    )
    assert response.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    diff_type = rdflib.URIRef("https://w3id.org/cpms-kg/ontology#VersionDiff")
    assert len(list(graph.subjects(rdflib.RDF.type, diff_type))) == 1


def test_saved_mapping_follows_a_rename_to_the_next_version(store_dir: Path, tmp_path: Path) -> None:
    from cpms_kg.conformance.mapping import ColumnMapping, load_mapping, save_mapping

    workbook = tmp_path / "v11.xlsx"
    write_standard(next_version(), workbook, format="xlsx")
    assert cli("standard", "import", str(workbook), "--store", str(store_dir)).returncode == 0
    saved = tmp_path / "mapping.json"
    save_mapping(
        ColumnMapping(
            standard=BEARINGS,
            version="1.0",
            columns={"孔径": "bore_diameter", "型号": "designation"},
            product_code_column="编码",
            category_column=None,
            category="RB010101",
            unit_columns={},
            ignored=(),
        ),
        saved,
    )
    result = cli("mapping", "upgrade", str(saved), "--to", "1.1", "--store", str(store_dir))
    assert result.returncode == 0, result.stderr
    upgraded = load_mapping(saved)
    assert upgraded.version == "1.1" and upgraded.columns["孔径"] == "inner_diameter"
