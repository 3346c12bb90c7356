"""A firm's XLSX with Chinese headers, mixed units and a few errors, and the same data as a GBK CSV:
the same findings through the CLI and REST, each at its row and column with both messages."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import openpyxl
import pytest

from tests.conftest import Server, cli

HEADER = [
    "产品编码",
    "类目",
    "轴承型号",
    "内径 d",
    "外径 D",
    "宽度 B",
    "密封型式",
    "公差等级",
    "基本额定动载荷",
    "备注",
]
ROWS = [
    ["P001", "单列深沟球轴承", "6205", "25mm", "5.2 cm", "15", "2RS", "P0", "14", "ok"],
    ["P002", "单列深沟球轴承", "62x5", "25", "52", "１５", "XX", "P6", "14", ""],
    ["P003", "深沟球轴承", "6206", "", "62", "16", "open", "P0", "19.5", ""],
]


def write_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    book.save(path)
    return path


def write_gbk_csv(path: Path) -> Path:
    with path.open("w", encoding="gbk", newline="") as out:
        csv.writer(out).writerows([HEADER, *ROWS])
    return path


def findings(summary: dict[str, object]) -> set[tuple[object, ...]]:
    out = set()
    for rule in summary["rules"]:  # type: ignore[attr-defined]
        for example in rule["examples"]:
            out.add((rule["rule"], rule["severity"], example["row"], example["column"], example["product"]))
    return out


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    return write_xlsx(tmp_path / "产品.xlsx"), write_gbk_csv(tmp_path / "products.csv")


def run_cli(store: Path, path: Path) -> tuple[int, dict[str, object]]:
    result = cli(
        "validate",
        str(path),
        "--standard",
        "zj-rolling-bearings",
        "--firm",
        "acme",
        "--format",
        "json",
        "--store",
        str(store),
    )
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def test_xlsx_and_gbk_csv_give_the_same_findings(store_dir: Path, files: tuple[Path, Path]) -> None:
    xlsx, gbk = files
    code_x, from_xlsx = run_cli(store_dir, xlsx)
    code_c, from_csv = run_cli(store_dir, gbk)
    assert code_x == code_c == 1
    assert findings(from_xlsx) == findings(from_csv)
    found = findings(from_xlsx)
    assert ("designation/pattern", "Violation", 3, "轴承型号", "P002") in found
    assert ("seal_type/in", "Violation", 3, "密封型式", "P002") in found
    assert ("bore_diameter/required", "Violation", 4, None, "P003") in found
    assert not any(f[4] == "P001" and f[1] == "Violation" for f in found)
    changes = {c["rule"] for c in from_xlsx["changes"]}  # type: ignore[index]
    assert {"unit-suffix", "fullwidth"} <= changes
    assert from_xlsx["unmapped_columns"][0]["column"] == "备注"  # type: ignore[index]
    for rule in from_xlsx["rules"]:  # type: ignore[attr-defined]
        assert rule["message_zh"] and rule["message_en"]


def test_rest_gives_the_same_findings(server: Server, files: tuple[Path, Path], store_dir: Path) -> None:
    xlsx, _ = files
    _, from_cli = run_cli(store_dir, xlsx)
    with xlsx.open("rb") as data:
        response = httpx.post(
            server.url + "/api/validate",
            files={"file": ("产品.xlsx", data)},
            data={"standard": "zj-rolling-bearings", "firm": "acme"},
            timeout=60,
        )
    assert response.status_code == 200, response.text
    assert findings(response.json()) == findings(from_cli)


def test_rest_streams_the_w3c_report(server: Server, files: tuple[Path, Path], store_dir: Path) -> None:
    import rdflib
    from rdflib.compare import isomorphic

    xlsx, _ = files
    on_cli = cli("validate", str(xlsx), "--standard", "zj-rolling-bearings", "--firm", "acme", "--format", "ttl",
                 "--store", str(store_dir))  # fmt: skip
    with xlsx.open("rb") as data:
        response = httpx.post(
            server.url + "/api/validate",
            files={"file": ("产品.xlsx", data)},
            data={"standard": "zj-rolling-bearings", "firm": "acme"},
            headers={"Accept": "text/turtle"},
            timeout=60,
        )
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    # Sent as it is written, never held whole: no length known in advance.
    assert response.headers.get("transfer-encoding") == "chunked" and "content-length" not in response.headers
    graphs = [rdflib.Graph().parse(data=text, format="turtle") for text in (response.text, on_cli.stdout)]
    assert len(graphs[0]) > 20 and isomorphic(*graphs)


def test_bad_input_is_a_located_400_and_exit_2(server: Server, tmp_path: Path, store_dir: Path) -> None:
    duplicate = tmp_path / "dup.csv"
    with duplicate.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([HEADER, ROWS[0], ROWS[0]])
    result = cli("validate", str(duplicate), "--standard", "zj-rolling-bearings", "--store", str(store_dir))
    assert result.returncode == 2 and "P001" in result.stderr and "Traceback" not in result.stderr
    with duplicate.open("rb") as data:
        response = httpx.post(
            server.url + "/api/validate", files={"file": ("dup.csv", data)}, data={"standard": "zj-rolling-bearings"}
        )
    body = response.json()
    assert response.status_code == 400 and body["errors"][0]["line"] == 3 and body["errors"][0]["column"] == "产品编码"
    empty = httpx.post(
        server.url + "/api/validate", files={"file": ("empty.csv", b"")}, data={"standard": "zj-rolling-bearings"}
    )
    assert empty.status_code == 400 and empty.json()["ok"] is False


def test_w3c_report_on_the_command_line(store_dir: Path, files: tuple[Path, Path]) -> None:
    import rdflib

    xlsx, _ = files
    result = cli(
        "validate", str(xlsx), "--standard", "zj-rolling-bearings", "--format", "ttl", "--store", str(store_dir)
    )
    graph = rdflib.Graph().parse(data=result.stdout, format="turtle")
    assert (None, rdflib.URIRef("http://www.w3.org/ns/shacl#conforms"), rdflib.Literal(False)) in graph


def test_report_files_on_the_command_line(store_dir: Path, files: tuple[Path, Path], tmp_path: Path) -> None:
    """`--report` is written while the output is printed: each file holds what the matching output says."""
    import rdflib
    from rdflib.compare import isomorphic

    xlsx, _ = files
    common = ("validate", str(xlsx), "--standard", "zj-rolling-bearings", "--firm", "acme", "--store", str(store_dir))
    w3c = cli(*common, "--format", "ttl")
    for suffix, shown in ((".ttl", "json"), (".json", "ttl"), (".csv", "csv")):
        out = tmp_path / f"report{suffix}"
        printed = cli(*common, "--format", shown, "--report", str(out))
        assert printed.returncode == 1, printed.stderr
        if suffix == ".ttl":
            written = rdflib.Graph().parse(out, format="turtle")
            assert isomorphic(written, rdflib.Graph().parse(data=w3c.stdout, format="turtle"))
            assert json.loads(printed.stdout)["conforms"] is False
        elif suffix == ".json":
            assert json.loads(out.read_text(encoding="utf-8")) == json.loads(cli(*common, "--format", "json").stdout)
            assert isomorphic(
                rdflib.Graph().parse(data=printed.stdout, format="turtle"),
                rdflib.Graph().parse(data=w3c.stdout, format="turtle"),
            )
        else:
            assert out.read_bytes().decode("utf-8-sig") == printed.stdout.replace("\n", "\r\n")


@pytest.fixture
def small_limits(store_dir: Path) -> Iterator[Server]:
    from tests.conftest import start_server, stop

    running = start_server(
        {"CPMS_KG_MAX_UPLOAD_BYTES": "4000", "CPMS_KG_SYNC_VALIDATE_BYTES": "200"}, "--store", str(store_dir)
    )
    yield running
    stop(running.process)


def test_large_uploads_become_jobs_and_oversized_ones_get_413(small_limits: Server, files: tuple[Path, Path]) -> None:
    import time

    _, gbk = files
    with gbk.open("rb") as data:
        started = httpx.post(
            small_limits.url + "/api/validate",
            files={"file": ("products.csv", data)},
            data={"standard": "zj-rolling-bearings", "firm": "acme"},
        )
    assert started.status_code == 202, started.text
    job = started.json()
    assert started.headers["location"] == job["links"]["self"]
    deadline = time.monotonic() + 60
    while job["status"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.2)
        job = httpx.get(small_limits.url + job["links"]["self"]).json()
    assert job["status"] == "done" and job["progress"] == 1.0
    result = httpx.get(small_limits.url + job["links"]["result"]).json()
    assert ("seal_type/in", "Violation", 3, "密封型式", "P002") in findings(result)
    assert httpx.get(small_limits.url + "/api/jobs/nope").status_code == 404
    huge = httpx.post(
        small_limits.url + "/api/validate",
        files={"file": ("big.csv", b"x" * 5000)},
        data={"standard": "zj-rolling-bearings"},
    )
    assert huge.status_code == 413 and huge.json()["status"] == 413
