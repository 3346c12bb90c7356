"""The command line as a user runs it: exit codes, messages naming file and line, store unchanged."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import BASE, ROOT, cli

SKOS = "http://www.w3.org/2004/02/skos/core#"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def triple_count(store: Path) -> int:
    out = cli("query", COUNT, "--format", "json", "--store", str(store), check=True).stdout
    return int(json.loads(out)["results"]["bindings"][0]["n"]["value"])


def test_load_query_all_formats(store_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "firm.ttl"
    data.write_text(
        '@prefix ex: <http://example.org/> .\nex:bolt ex:length 25.0 ; ex:name "螺栓"@zh .\n', encoding="utf-8"
    )
    loaded = cli("load", str(data), "--graph", BASE + "graph/demo-firm", "--store", str(store_dir))
    assert loaded.returncode == 0, loaded.stderr
    assert "2" in loaded.stderr and "三元组" in loaded.stderr
    query = "SELECT ?n WHERE { <http://example.org/bolt> <http://example.org/name> ?n }"
    table = cli("query", query, "--store", str(store_dir), check=True).stdout
    assert "螺栓" in table and "(1 rows" in table
    assert cli("query", query, "--format", "csv", "--store", str(store_dir), check=True).stdout.splitlines() == [
        "n",
        "螺栓",
    ]
    assert "螺栓" in cli("query", query, "--format", "tsv", "--store", str(store_dir), check=True).stdout
    construct = "CONSTRUCT WHERE { <http://example.org/bolt> ?p ?o }"
    turtle = cli("query", construct, "--format", "ttl", "--store", str(store_dir), check=True).stdout
    assert '"25"^^<http://www.w3.org/2001/XMLSchema#decimal>' in turtle
    query_file = tmp_path / "q.rq"
    query_file.write_text(query, encoding="utf-8")
    assert "螺栓" in cli("query", f"@{query_file}", "--store", str(store_dir), check=True).stdout


def test_malformed_rdf_exits_2_names_file_and_line_and_changes_nothing(store_dir: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.nt"
    good.write_text("<http://example.org/a> <http://example.org/p> <http://example.org/b> .\n", encoding="utf-8")
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:p "ok" .\nex:a ex:p ;\n', encoding="utf-8")
    before = triple_count(store_dir)
    result = cli("load", str(good), str(bad), "--store", str(store_dir))
    assert result.returncode == 2
    assert f"{bad}:3" in result.stderr
    assert "Traceback" not in result.stderr
    assert triple_count(store_dir) == before


def test_unknown_extension_and_missing_file_exit_2(store_dir: Path, tmp_path: Path) -> None:
    odd = tmp_path / "data.xyz"
    odd.write_text("x", encoding="utf-8")
    for target in (odd, tmp_path / "missing.ttl"):
        result = cli("load", str(target), "--store", str(store_dir))
        assert result.returncode == 2 and str(target) in result.stderr and "Traceback" not in result.stderr


def test_malformed_query_exits_2(store_dir: Path) -> None:
    result = cli("query", "SELECT WHERE {", "--store", str(store_dir))
    assert result.returncode == 2 and "syntax" in result.stderr.lower() and "Traceback" not in result.stderr


def test_gbt7635_import_from_the_fixture(store_dir: Path) -> None:
    fixture = ROOT / "tests" / "fixtures" / "gbt7635_fixture.csv"
    result = cli("classification", "import", "gbt7635", str(fixture), "--store", str(store_dir))
    assert result.returncode == 0, result.stderr
    query = (
        f'SELECT ?label WHERE {{ ?c <{SKOS}notation> "99011" ; <{SKOS}prefLabel> ?label ; '
        f"<{SKOS}inScheme> <{BASE}classification/gbt7635> FILTER(LANG(?label) = 'zh') }}"
    )
    assert "测试类目五" in cli("query", query, "--store", str(store_dir), check=True).stdout


def test_bad_classification_row_exits_2_names_row_and_changes_nothing(store_dir: Path, tmp_path: Path) -> None:
    table = tmp_path / "bad.csv"
    table.write_text(
        "代码,上级代码,层级,中文名称,英文名称,说明\n9,,1,测试一,Fixture 1,FIXTURE\n98,97,2,测试二,Fixture 2,FIXTURE\n",
        encoding="utf-8",
    )
    before = triple_count(store_dir)
    result = cli("classification", "import", "gbt7635", str(table), "--store", str(store_dir))
    assert result.returncode == 2
    assert "bad.csv" in result.stderr and "3" in result.stderr and "97" in result.stderr
    assert "Traceback" not in result.stderr
    assert triple_count(store_dir) == before


def test_init_is_idempotent(store_dir: Path) -> None:
    before = triple_count(store_dir)
    result = cli("init", "--store", str(store_dir), check=True)
    assert "nothing to load" in result.stderr
    assert triple_count(store_dir) == before


def test_store_made_under_another_base_is_refused(store_dir: Path) -> None:
    result = cli("init", "--store", str(store_dir), "--base-iri", "https://example.org/other/")
    assert result.returncode == 2 and BASE in result.stderr
