"""Writes made with the command line are in the audit trail, as those made through the API: one record per
write, by the operator acting as administrator; failed commands and reads add nothing."""

from __future__ import annotations

from pathlib import Path

from cpms_kg.cli_common import operator
from cpms_kg.standards.spreadsheet import write_standard
from cpms_kg.store.embedded import EmbeddedStore
from cpms_kg.workflow import audit
from cpms_kg.workflow.audit import AuditRecord
from tests.conftest import BASE, ROOT, cli
from tests.test_conformance_e2e import ROWS
from tests.test_dataip import write_csv
from tests.test_standard_service import BEARINGS, next_version

ACCOUNT = operator().name
DATASET = f"{BASE}dataset/acme/2026-q4"


def trail(store: Path) -> list[AuditRecord]:
    opened = EmbeddedStore(store, base_iri=BASE, query_workers=1)
    try:
        return audit.records(opened)
    finally:
        opened.close()


def run(store: Path, *args: str) -> None:
    done = cli(*args, "--store", str(store))
    assert done.returncode == 0, done.stderr


def test_every_cli_write_is_recorded_once_by_the_operator_as_admin(store_dir: Path, tmp_path: Path) -> None:
    known = len(trail(store_dir))
    data = tmp_path / "firm.ttl"
    data.write_text('@prefix ex: <http://example.org/> .\nex:bolt ex:length 25.0 ; ex:name "螺栓"@zh .\n')
    workbook = tmp_path / "v11.xlsx"
    write_standard(next_version(), workbook, format="xlsx")
    fixture = ROOT / "tests" / "fixtures" / "gbt7635_fixture.csv"
    products = write_csv(tmp_path / "good.csv", [ROWS[0]])
    commit = ["--standard", BEARINGS, "--firm", "acme", "--commit", "--dataset", "2026-q4"]
    registration = ["--number", "N-1", "--authority", "A", "--date", "2026-03-01"]

    run(store_dir, "load", str(data), "--graph", BASE + "graph/demo-firm")
    run(store_dir, "load", str(data), "--graph", BASE + "graph/demo-firm")
    run(store_dir, "classification", "import", "gbt7635", str(fixture))
    run(store_dir, "standard", "import", str(workbook))
    run(store_dir, "standard", "status", f"{BEARINGS}@1.1", "consensus")
    run(store_dir, "validate", str(products), *commit)
    run(store_dir, "dataset", "share", "acme", "2026-q4")
    run(store_dir, "dataip", "register", "acme", "2026-q4", *registration)
    run(store_dir, "dataset", "unshare", "acme", "2026-q4")
    run(store_dir, "user", "add", "bureau", "--role", "pilot-authority")
    token = cli("user", "token", "bureau", "--store", str(store_dir), check=True).stdout.strip()
    token_id = token.split("_")[1]
    run(store_dir, "user", "revoke", token)

    records = trail(store_dir)[known:]
    assert {(r.account, r.role) for r in records} == {(ACCOUNT, "admin")}
    assert [r.action for r in records] == [
        "store.load",
        "store.load",
        "classification.import",
        "standard.import",
        "standard.status",
        "dataset.commit",
        "dataset.share",
        "dataip.register",
        "dataset.unshare",
        "user.add",
        "user.token",
        "user.revoke",
    ]
    first_load, second_load, scheme, imported, status, committed, shared, registered, unshared = records[:9]
    added, issued, revoked = records[9:]
    assert (first_load.target, first_load.before, first_load.after) == (
        BASE + "graph/demo-firm",
        "triples=None",
        "triples=2",
    )
    assert (second_load.before, second_load.after) == ("triples=2", "triples=2")
    assert scheme.target == BASE + "graph/classification/gbt7635"
    assert scheme.before is not None and scheme.before.startswith("triples=")
    assert scheme.after is not None and scheme.after.startswith("triples=") and scheme.after != "triples=None"
    version = f"{BASE}standard/{BEARINGS}/1.1"
    assert (imported.target, imported.before, imported.after) == (version, None, "status=draft")
    assert (status.target, status.before, status.after) == (version, "status=draft", "status=consensus")
    assert committed.target == DATASET and committed.after is not None and committed.after.startswith("products=1 ")
    assert (shared.target, shared.before) == (DATASET, "not shared")
    assert shared.after == "shared; licence https://creativecommons.org/licenses/by/4.0/"
    assert registered.target == f"{BASE}dataip/N-1" and registered.after and len(registered.after) == 64
    assert (unshared.target, unshared.before, unshared.after) == (DATASET, "shared", "not shared")
    assert (added.target, added.after) == (f"{BASE}account/bureau", "roles=pilot-authority firm=")
    assert (issued.target, issued.after) == (f"{BASE}token/{token_id}", "account=bureau")
    assert (revoked.target, revoked.before, revoked.after) == (f"{BASE}token/{token_id}", "active", "revoked")


def test_reimporting_a_version_records_the_status_it_replaced(store_dir: Path, tmp_path: Path) -> None:
    known = len(trail(store_dir))
    exported = tmp_path / "b.xlsx"
    run(store_dir, "standard", "export", BEARINGS, "--format", "xlsx", "-o", str(exported))
    run(store_dir, "standard", "import", str(exported))
    (record,) = trail(store_dir)[known:]
    assert (record.action, record.target) == ("standard.import", f"{BASE}standard/{BEARINGS}/1.0")
    assert (record.before, record.after) == ("status=published-provincial", "status=published-provincial")


def test_a_quad_file_load_records_each_named_graph_it_wrote(store_dir: Path, tmp_path: Path) -> None:
    known = len(trail(store_dir))
    quads = tmp_path / "two.nq"
    quads.write_text(
        f"<http://example.org/a> <http://example.org/p> <http://example.org/b> <{BASE}graph/one> .\n"
        f"<http://example.org/a> <http://example.org/q> <http://example.org/b> <{BASE}graph/one> .\n"
        f"<http://example.org/a> <http://example.org/p> <http://example.org/c> <{BASE}graph/two> .\n"
    )
    run(store_dir, "load", str(quads))
    records = trail(store_dir)[known:]
    assert [(r.action, r.target, r.before, r.after) for r in records] == [
        ("store.load", f"{BASE}graph/one", "triples=None", "triples=2"),
        ("store.load", f"{BASE}graph/two", "triples=None", "triples=1"),
    ]
    triples = tmp_path / "default.nt"
    triples.write_text("<http://example.org/a> <http://example.org/p> <http://example.org/d> .\n")
    run(store_dir, "load", str(triples))
    (default,) = trail(store_dir)[known + 2 :]
    assert (default.target, default.before, default.after) == (f"{BASE}graph/default", "triples=None", "triples=None")


def test_init_is_recorded_once_when_it_loads_something(tmp_path: Path) -> None:
    store = tmp_path / "fresh"
    run(store, "init", "--no-demo")
    run(store, "init", "--no-demo")
    (record,) = trail(store)
    assert (record.action, record.account, record.role) == ("store.init", ACCOUNT, "admin")
    assert record.target == f"{BASE}graph/meta"
    assert record.after is not None and record.after.startswith("loaded=cpms.ttl,")


def test_failed_commands_and_reads_add_nothing(store_dir: Path, tmp_path: Path) -> None:
    known = trail(store_dir)
    bad_rdf = tmp_path / "bad.ttl"
    bad_rdf.write_text('@prefix ex: <http://example.org/> .\nex:a ex:p "ok" .\nex:a ex:p ;\n')
    bad_table = tmp_path / "bad.csv"
    bad_table.write_text("代码,上级代码,层级,中文名称,英文名称,说明\n9,,1,一,One,X\n98,97,2,二,Two,X\n")  # no parent 97
    not_conforming = write_csv(tmp_path / "bad-products.csv", [ROWS[1]])
    commit = ["--standard", BEARINGS, "--firm", "acme", "--commit", "--dataset", "2026-q4"]
    failing = [
        ("load", str(bad_rdf)),
        ("classification", "import", "gbt7635", str(bad_table)),
        ("standard", "import", str(tmp_path / "missing.xlsx")),
        ("standard", "status", f"{BEARINGS}@1.0", "draft"),
        ("standard", "status", f"{BEARINGS}@1.0", "no-such-status"),
        ("validate", str(not_conforming), *commit),
        ("dataset", "share", "acme", "no-such-dataset"),
        ("dataset", "unshare", "acme", "no-such-dataset"),
        ("dataip", "register", "acme", "no-such", "--number", "N-1", "--authority", "A", "--date", "2026-03-01"),
        ("user", "add", "x", "--role", "emperor"),
        ("user", "token", "nobody"),
        ("user", "revoke", "0123456789abcdef"),
    ]
    for args in failing:
        done = cli(*args, "--store", str(store_dir))
        assert done.returncode != 0, args
        assert "Traceback" not in done.stderr, done.stderr
    reads = [
        ("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1"),
        ("standard", "list"),
        ("standard", "show", BEARINGS),
        ("standard", "check", BEARINGS),
        ("standard", "shapes", BEARINGS),
    ]
    for args in reads:
        run(store_dir, *args)
    assert trail(store_dir) == known


def test_load_refuses_the_protected_graphs(store_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "forged.nt"
    data.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    for graph in (BASE + "graph/private/audit", BASE + "graph/private/accounts"):
        result = cli("load", str(data), "--graph", graph, "--store", str(store_dir))
        assert result.returncode == 2 and "仅由服务写入" in result.stderr and "audit trail" in result.stderr
