"""The industry data warehouses: the demo firms' shared data after `cpms-kg init`, one catalog per industry,
entries paged with totals, data items linked to the attributes that define them, zh/en pages."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from cpms_kg.demo_firms import BOLT_LENGTHS, BOLTS_ROWS, DEMO_FIRMS, DemoFirm, rows
from cpms_kg.standards.demo import fasteners
from tests.conftest import BASE, SHARED, app_client, cli

BOLTS = SHARED / "data" / "bolts-standard-parts"
CATALOGS = {"cpc21-4331": "zj-rolling-bearings@1.0", "cpc21-4294": "zj-fasteners@1.0"}


def firms_of(catalog: str) -> list[DemoFirm]:
    return [f for f in DEMO_FIRMS if f.standard == CATALOGS[catalog]]


def used(firm: DemoFirm) -> dict[str, int]:
    """attribute code -> products of the firm's table with a value of it."""
    out: dict[str, int] = {}
    for row in rows(firm):
        for code, value in row.items():
            if value and code not in ("code", "category"):
                out[code] = out.get(code, 0) + 1
    return out


def test_demo_dimensions_are_rows_of_the_bolts_tables() -> None:
    with (BOLTS / "bolts_table_rows.csv").open(encoding="utf-8") as f:
        table = {(r["class_id"], r["index_value"]): json.loads(r["values_json"]) for r in csv.DictReader(f)}
    for class_id, keyed in BOLTS_ROWS.items():
        for key, columns in keyed.items():
            assert {c: table[(class_id, key)][c] for c in columns} == columns, (class_id, key)
    hexbolt2 = next(c for c in json.loads((BOLTS / "hex.json").read_text(encoding="utf-8"))["classes"]
                    if c["id"] == "hexbolt2")  # fmt: skip
    common = {keys[0]: values for keys, values, *_ in hexbolt2["parameters"]["common"]}
    assert all(set(lengths) <= set(common[size]) for size, lengths in BOLT_LENGTHS.items())
    counties = {f.county for f in DEMO_FIRMS}
    assert counties <= {"330782", "330226", "330282"} and len(counties) >= 2
    assert len({f.id for f in DEMO_FIRMS if f.standard == CATALOGS["cpc21-4331"]}) == 3


def test_catalogs_entries_and_data_items_over_rest(store_dir: Path) -> None:
    with app_client(store_dir) as (client, _store):
        listed = {c["id"]: c for c in client.get("/api/catalogs").json()["catalogs"]}
        assert set(listed) == set(CATALOGS)
        for catalog in CATALOGS:
            firms = firms_of(catalog)
            assert listed[catalog]["entries"] == len(firms)
            assert listed[catalog]["products"] == sum(len(rows(f)) for f in firms)
            assert listed[catalog]["data_items"] == sum(len(used(f)) for f in firms)
            assert listed[catalog]["industry"] == BASE + "classification/" + catalog.replace("-", "/")
        bearings = listed["cpc21-4331"]["title"]
        assert "Ball or roller bearings" in bearings["en"] and "行业数据仓" in bearings["zh"]

        # Paged, in one stable order, with the total on every page.
        pages = [client.get("/api/catalogs/cpc21-4294", params={"limit": 2, "offset": o}).json() for o in (0, 2)]
        assert [(p["total"], p["limit"], p["offset"], len(p["items"])) for p in pages] == [(3, 2, 0, 2), (3, 2, 2, 1)]
        iris = [e["iri"] for p in pages for e in p["items"]]
        assert iris == sorted(f"{BASE}dataset/{f.id}/{f.dataset}" for f in firms_of("cpc21-4294"))
        first = pages[0]["items"][0]
        firm = next(f for f in DEMO_FIRMS if f.id == first["firm"])
        assert first["firm_name"] == {"zh": firm.name.zh, "en": firm.name.en}
        assert first["products"] == len(rows(firm)) and first["data_items"] == len(used(firm))
        assert first["standard"] == BASE + "standard/zj-fasteners/1.0"

        for bad in ({"limit": 0}, {"limit": 501}, {"offset": -1}, {"limit": "many"}):
            response = client.get("/api/catalogs/cpc21-4294", params=bad)
            assert response.status_code == 400 and response.json()["ok"] is False, bad
        for unknown in ("cpc21-9999", "a> } ?s ?p ?o {"):
            missing = client.get(f"/api/catalogs/{unknown}")
            assert missing.status_code == 404 and missing.json()["error_zh"], unknown


def test_data_items_link_to_the_attributes_that_define_them(store_dir: Path) -> None:
    firm = next(f for f in DEMO_FIRMS if f.id == "demo-fastener-b")
    with app_client(store_dir) as (client, _store):
        entry = client.get(f"/api/catalogs/cpc21-4294/entries/{firm.id}/{firm.dataset}").json()
        assert entry["iri"] == f"{BASE}dataset/{firm.id}/{firm.dataset}" and entry["catalog"]["id"] == "cpc21-4294"
        items = {i["code"]: i for i in entry["items"]}
        assert {code: i["products"] for code, i in items.items()} == used(firm)
        own, reused = fasteners().attribute("washer_thickness"), fasteners().attribute("brand")
        assert own is not None and reused is not None and reused.reuse is not None
        assert items["washer_thickness"]["attribute"] == BASE + "standard/zj-fasteners/1.0/attribute/washer_thickness"
        assert items["washer_thickness"]["unit"] == own.unit == "MilliM"
        # A reused attribute's data item points at the one IRI both industries use.
        assert items["brand"]["attribute"] == BASE + reused.reuse
        assert {i["standard"] for i in entry["items"]} == {BASE + "standard/zj-fasteners/1.0"}
        assert {t["code"] for t in entry["themes"]} == set(firm.categories)
        assert client.get(f"/api/catalogs/cpc21-4294/entries/{firm.id}/other").status_code == 404


def test_catalogue_pages_in_zh_and_en_without_script(store_dir: Path) -> None:
    with app_client(store_dir) as (client, _store):
        home = client.get("/").text
        assert 'href="/catalogs"' in home and 'href="/examples"' in home
        listing = client.get("/catalogs").text
        assert "<h1>行业数据仓</h1>" in listing and "<script" not in listing and '<html lang="zh">' in listing
        assert 'href="/catalogs/cpc21-4331"' in listing and 'href="/catalogs/cpc21-4294"' in listing
        english = client.get("/catalogs", params={"lang": "en"}).text
        assert "<h1>Industry data warehouses</h1>" in english and "Ball or roller bearings" in english
        first = client.get("/catalogs/cpc21-4331", params={"limit": 2}).text
        assert "1–2 / 3" in first and 'href="/catalogs/cpc21-4331?offset=2&amp;limit=2"' in first
        assert "演示轴承甲公司" in first and "下一页" in first
        last = client.get("/catalogs/cpc21-4331", params={"limit": 2, "offset": 2, "lang": "en"}).text
        assert "3–3 / 3" in last and "offset=0&amp;limit=2" in last and "Demo Bearings C Co." in last
        entry = client.get("/catalogs/cpc21-4331/entries/demo-bearing-c/demo-2025")
        assert entry.status_code == 200 and "推力球轴承" in entry.text and "有值产品数" in entry.text
        assert 'href="/id/standard/zj-rolling-bearings/1.0/attribute/height"' in entry.text
        entry_en = client.get("/catalogs/cpc21-4331/entries/demo-bearing-c/demo-2025", params={"lang": "en"}).text
        assert "Thrust ball bearings" in entry_en and "Products with a value" in entry_en
        error = client.get("/catalogs/nowhere", headers={"Accept": "text/html"})
        assert error.status_code == 404 and "没有数据目录库" in error.text


def test_unsharing_withdraws_the_entry_and_init_shares_nothing_again(store_dir: Path) -> None:
    modified = (
        "SELECT ?m WHERE { <" + BASE + "dataset/demo-bearing-a/demo-2025> <http://purl.org/dc/terms/modified> ?m }"
    )

    def stamp() -> str:
        out = cli("query", modified, "--format", "json", "--store", str(store_dir), check=True).stdout
        return str(json.loads(out)["results"]["bindings"][0]["m"]["value"])

    before = stamp()
    assert cli("dataset", "unshare", "demo-bearing-b", "demo-2025", "--store", str(store_dir)).returncode == 0
    again = cli("init", "--store", str(store_dir), check=True)
    assert "demo-bearing" not in again.stderr
    assert stamp() == before  # an unchanged demo table is not shared again
    with app_client(store_dir) as (client, _store):
        catalog = client.get("/api/catalogs/cpc21-4331").json()
        assert catalog["total"] == 2 and "demo-bearing-b" not in {e["firm"] for e in catalog["items"]}
