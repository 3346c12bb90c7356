"""GET /api/search on the demo data: Chinese by segmentation, English by word and prefix, codes by prefix,
the ranking rules, filters, paging, the index following store writes, and bad parameters."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from cpms_kg.accounts import ADMIN
from cpms_kg.search.text import index_tokens, normalise, query_tokens
from cpms_kg.workflow import audit
from tests.conftest import ADMIN_TOKEN, BASE, app_client, start_oxigraph, start_server, stop

RANK = ["code", "label", "prefix", "token", "token-prefix"]


@pytest.fixture(scope="module")
def client(initialised_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    target = tmp_path_factory.mktemp("search") / "store"
    shutil.copytree(initialised_store, target)
    with app_client(target) as (test_client, _):
        yield test_client


def search(client: TestClient, q: str, **params: Any) -> dict[str, Any]:
    response = client.get("/api/search", params={"q": q, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def codes(body: dict[str, Any]) -> list[str]:
    return [r["code"] for r in body["results"]]


def test_chinese_words_by_segmentation() -> None:
    # jieba's search mode indexes the words inside a long word; a query keeps its words whole.
    assert index_tokens("深沟球轴承") == {"深沟", "轴承", "球轴承"}
    assert query_tokens("深沟轴承") == ["深沟", "轴承"]
    assert query_tokens("沟球") == ["沟球"]


def test_chinese_label_found_by_its_words(client: TestClient) -> None:
    ball = search(client, "球轴承", kind="category")
    assert [(r["code"], r["match"]) for r in ball["results"]] == [
        ("RB01", "label"),  # 球轴承 itself
        ("RB0101", "token"),  # 深沟球轴承
        ("RB0102", "token"),  # 推力球轴承
        ("RB010101", "token"),  # 单列深沟球轴承
        ("RB010102", "token"),  # 双列深沟球轴承
    ]
    bearings = search(client, "轴承", kind="category")
    assert {"RB", "RB01", "RB0101", "RB02", "RB0201", "RB0202"} <= set(codes(bearings))
    assert all(r["match"] == "token" for r in bearings["results"])
    assert all("轴承" in r["labels"]["zh"] for r in bearings["results"])


def test_segmentation_finds_what_a_substring_rule_misses_and_not_its_accidents(client: TestClient) -> None:
    # 深沟轴承 is no substring of 深沟球轴承, but both its words are words of that label.
    assert "深沟轴承" not in "深沟球轴承"
    found = search(client, "深沟轴承", kind="category")
    assert codes(found) == ["RB0101", "RB010101", "RB010102"]
    assert {r["match"] for r in found["results"]} == {"token"}
    # Word order does not matter either.
    assert codes(search(client, "轴承 深沟", kind="category")) == ["RB0101", "RB010101", "RB010102"]
    # 沟球 is a substring of 深沟球轴承 (a CONTAINS filter would return it) but no word of it.
    assert "沟球" in "深沟球轴承"
    assert search(client, "沟球")["total"] == 0


def test_english_words_and_word_prefixes(client: TestClient) -> None:
    roller = search(client, "roller bearings", scheme="hs2017", limit=200)
    assert roller["total"] == len(roller["results"]) > 5
    for hit in roller["results"]:
        words = set(re.findall(r"[a-z0-9]+", normalise(hit["labels"]["en"])))
        if hit["match"] == "token":
            assert {"roller", "bearings"} <= words, hit
        else:
            assert hit["match"] == "token-prefix", hit
            assert all(any(w.startswith(q) for w in words) for q in ("roller", "bearings")), hit
    matches = [r["match"] for r in roller["results"]]
    assert matches == sorted(matches, key=RANK.index) and "848220" in codes(roller)
    # "cylindrical roller bear": the last word is only the start of "bearings".
    # RB0201 "Cylindrical roller bearings" starts with it; 848250 "Bearings; cylindrical roller bearings" has its
    # words, the last as a prefix.
    partial = {r["code"]: r["match"] for r in search(client, "cylindrical roller bear", limit=200)["results"]}
    assert partial["RB0201"] == "prefix" and partial["848250"] == "token-prefix"
    # Case and full-width letters do not matter.
    assert codes(search(client, "ＣＹＬＩＮＤＲＩＣＡＬ Roller BEARINGS", kind="category")) == ["RB0201"]


def test_codes_exact_first_then_by_prefix(client: TestClient) -> None:
    exact = search(client, "43310")
    assert exact["results"][0]["code"] == "43310" and exact["results"][0]["match"] == "code"
    assert exact["results"][0]["iri"] == BASE + "classification/cpc21/43310"
    by_prefix = search(client, "8482", scheme="hs2017", limit=200)
    assert codes(by_prefix)[0] == "8482"
    rest = [r for r in by_prefix["results"] if r["match"] == "prefix"]
    assert [r["code"] for r in rest] == sorted((r["code"] for r in rest), key=lambda c: (len(c), c))
    query = f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?code WHERE {{ ?c skos:inScheme <{BASE}classification/hs2017> ; skos:notation ?code
                              FILTER(STRSTARTS(?code, "8482") && ?code != "8482") }}"""
    answer = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    expected = {b["code"]["value"] for b in answer.json()["results"]["bindings"]}
    assert len(expected) > 5 and {r["code"] for r in rest} == expected
    assert search(client, "kilogm", scheme="units")["results"][0]["code"] == "KiloGM"


def test_ranking_rules_in_order(client: TestClient) -> None:
    # 4331: its own code, then 43310 (code prefix), then 4333 "... classes 4331 and 4332" (word), then
    # 43331 "... subclass 43310" (word prefix).
    ranked = search(client, "4331", scheme="cpc21")
    assert [(r["code"], r["match"]) for r in ranked["results"]] == [
        ("4331", "code"),
        ("43310", "prefix"),
        ("4333", "token"),
        ("43331", "token-prefix"),
    ]
    # An exact label beats a label prefix: 牛顿 (N) before 牛顿每米 (N-PER-M).
    newton = search(client, "牛顿", scheme="units")
    assert [(r["code"], r["match"]) for r in newton["results"][:2]] == [("N", "label"), ("N-PER-M", "prefix")]
    # Whatever the query, rules never go backwards and ties go to the shorter, then smaller code.
    for q in ("bearing", "轴承", "screw", "84"):
        results = search(client, q, limit=200)["results"]
        keys = [(RANK.index(r["match"]), len(r["code"]), r["code"], r["iri"]) for r in results]
        assert keys == sorted(keys), q


def test_filters(client: TestClient) -> None:
    fasteners = search(client, "螺纹", standard="zj-fasteners")
    assert fasteners["total"] > 0
    assert all(r["standard"] == "zj-fasteners@1.0" for r in fasteners["results"])
    assert search(client, "螺纹", standard="zj-fasteners@1.0")["total"] == fasteners["total"]
    assert search(client, "螺纹", standard="zj-fasteners@9.9")["total"] == 0
    attributes = search(client, "diameter", kind="attribute", limit=200)
    assert attributes["total"] > 3 and {r["kind"] for r in attributes["results"]} == {"attribute"}
    assert {"bore_diameter", "outside_diameter", "nominal_diameter"} <= set(codes(attributes))
    level_four = search(client, "轴承", kind="category", level=4)
    assert codes(level_four) == ["RB010101", "RB010102"] and {r["level"] for r in level_four["results"]} == {4}
    concepts = search(client, "bearings", scheme="cpc21", level=5, limit=200)
    assert concepts["total"] > 0
    assert all(r["scheme"] == "cpc21" and r["level"] == 5 and r["kind"] == "concept" for r in concepts["results"])
    standard = search(client, "滚动轴承", kind="standard")
    assert [(r["code"], r["standard"]) for r in standard["results"]] == [
        ("zj-rolling-bearings", "zj-rolling-bearings@1.0")
    ]
    assert standard["results"][0]["labels"]["zh"] == "浙江省滚动轴承产品主数据标准"


def test_pages_are_stable_and_add_up(client: TestClient) -> None:
    whole = search(client, "bearing", limit=200)
    total = whole["total"]
    assert 20 < total <= 200
    seen: list[str] = []
    for offset in range(0, total + 7, 7):
        page = search(client, "bearing", limit=7, offset=offset)
        assert (page["total"], page["limit"], page["offset"]) == (total, 7, offset)
        seen += [r["iri"] for r in page["results"]]
    assert seen == [r["iri"] for r in whole["results"]]
    assert len(set(seen)) == total
    assert search(client, "bearing", offset=total)["results"] == []


def test_response_shape(client: TestClient) -> None:
    body = search(client, "RB0101")
    assert set(body) == {"q", "total", "limit", "offset", "results"}
    assert (body["q"], body["limit"], body["offset"]) == ("RB0101", 20, 0)
    hit = body["results"][0]
    assert hit == {
        "kind": "category",
        "iri": BASE + "standard/zj-rolling-bearings/1.0/category/RB0101",
        "code": "RB0101",
        "labels": {"zh": "深沟球轴承", "en": "Deep groove ball bearings"},
        "scheme": None,
        "standard": "zj-rolling-bearings@1.0",
        "standards": ["zj-rolling-bearings@1.0"],
        "level": 3,
        "match": "code",
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "bearing", "limit": "0"}, "limit"),
        ({"q": "bearing", "limit": "201"}, "limit"),
        ({"q": "bearing", "limit": "many"}, "limit"),
        ({"q": "bearing", "offset": "-1"}, "offset"),
        ({"q": "bearing", "kind": "product"}, "kind"),
        ({"q": "bearing", "level": "0"}, "level"),
    ],
)
def test_bad_parameters_are_400(client: TestClient, params: dict[str, str], field: str) -> None:
    response = client.get("/api/search", params=params)
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False and body["status"] == 400
    assert field in body["error"] + " ".join(e.get("column", "") for e in body["errors"])


def test_index_follows_writes(store_dir: Path) -> None:
    turtle = f"""@base <{BASE}> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<classification/gyro> a skos:ConceptScheme ; skos:prefLabel "陀螺仪分类"@zh .
<classification/gyro/G1> a skos:Concept ; skos:inScheme <classification/gyro> ; skos:notation "G1" ;
    skos:topConceptOf <classification/gyro> ; skos:prefLabel "光纤陀螺仪"@zh, "Fibre optic gyroscopes"@en .
"""
    with app_client(store_dir) as (client, store):
        assert search(client, "陀螺仪")["total"] == 0
        built = client.app.state.search.current(store)  # type: ignore[attr-defined]
        assert client.app.state.search.current(store) is built  # type: ignore[attr-defined]
        before = store.generation
        response = client.put(
            "/graph-store",
            params={"graph": BASE + "graph/test/gyro"},
            content=turtle.encode(),
            headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {ADMIN_TOKEN}"},
        )
        assert response.status_code in (200, 201, 204), response.text
        assert store.generation > before
        found = search(client, "陀螺仪")
        assert [(r["code"], r["scheme"], r["match"]) for r in found["results"]] == [("G1", "gyro", "token")]
        assert search(client, "gyro")["results"][0]["code"] == "G1"
        rebuilt = client.app.state.search.current(store)  # type: ignore[attr-defined]
        assert rebuilt is not built
        # The PUT was audited (a private graph) and more private writes follow: the index stays as it is.
        audit_only = store.generation
        audit.record(store, ADMIN, "test.private", BASE + "graph/test/gyro")
        assert store.generation > audit_only
        assert client.app.state.search.current(store) is rebuilt  # type: ignore[attr-defined]
        client.delete(
            "/graph-store",
            params={"graph": BASE + "graph/test/gyro"},
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        )
        assert search(client, "陀螺仪")["total"] == 0


def test_segmenter_is_quiet_and_writes_no_cache(tmp_path: Path) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path / "tmp"), "HOME": str(tmp_path / "home")}
    (tmp_path / "tmp").mkdir()
    (tmp_path / "home").mkdir()
    work = tmp_path / "work"
    work.mkdir()
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from cpms_kg.search.text import index_tokens; print(sorted(index_tokens('深沟球轴承')))",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.strip() == "['深沟', '球轴承', '轴承']"
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


@pytest.mark.slow
def test_search_and_paging_on_a_remote_store(tmp_path: Path, client: TestClient) -> None:
    """The index reads a remote SPARQL store as it reads the embedded one: same hits, same order."""
    oxigraph = start_oxigraph(tmp_path / "oxigraph")
    try:
        server = start_server({}, *oxigraph.flags())
        try:
            for q, params in (("深沟轴承", {}), ("43310", {}), ("roller bearings", {"scheme": "hs2017"})):
                remote = httpx.get(server.url + "/api/search", params={"q": q, **params}, timeout=120).json()
                assert remote == search(client, q, **params), q
            url, params = "/api/schemes/cpc21/concepts/433/children", {"limit": 2, "offset": 1}
            children = httpx.get(server.url + url, params=params).json()
            assert [c["code"] for c in children["children"]] == ["4332", "4333"] and children["total"] == 3
            assert children == client.get(url, params=params).json()
        finally:
            stop(server.process)
    finally:
        stop(oxigraph.process)


def test_warm_up_builds_the_index_before_the_first_search(store_dir: Path) -> None:
    from cpms_kg.search import SearchService

    with app_client(store_dir) as (_client, store):
        service = SearchService()
        service.warm_up(store).join(timeout=120)
        built = service.current(store)
        assert built.generation == store.public_generation and service.current(store) is built
