"""The national platform package: export from one instance, import into another, tampering refused."""

from __future__ import annotations

import hashlib
import io
import json
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpms_kg import demo_firms, package
from cpms_kg.errors import Conflict, PayloadTooLarge
from cpms_kg.package_check import PackageRefused, verify
from cpms_kg.package_import import import_package
from cpms_kg.settings import Settings
from cpms_kg.standards import service
from cpms_kg.standards.demo import bearings
from cpms_kg.standards.model import Status
from cpms_kg.standards.rdf import to_turtle
from cpms_kg.store.base import LoadSource, Store
from cpms_kg.store.embedded import EmbeddedStore
from cpms_kg.store.remote import RemoteStore
from cpms_kg.workflow import audit, publication
from cpms_kg.workflow.dataip import canonical_nquads
from tests.conftest import ADMIN_TOKEN, BASE, OxigraphServer, app_client, cli

KEY = "zj-rolling-bearings@1.0"
LIMIT = 20 * 1024 * 1024
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(files: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a name twice is one of the tampered packages made here
        for name, data in files:
            archive.writestr(name, data)
    return out.getvalue()


def graph_content(store: Store, graph: str) -> bytes:
    return canonical_nquads(store.graph_triples(graph))


def snapshot(store: Store) -> dict[str, bytes]:
    return {g: graph_content(store, g) for g in store.named_graphs()}


@pytest.fixture
def source(store_dir: Path) -> Iterator[EmbeddedStore]:
    """An instance initialised with the demo data (both demo standards published)."""
    opened = EmbeddedStore(store_dir, base_iri=BASE, query_workers=1)
    yield opened
    opened.close()


@pytest.fixture
def target(tmp_path: Path) -> Iterator[EmbeddedStore]:
    """A second, empty instance."""
    opened = EmbeddedStore(tmp_path / "national", base_iri=BASE, query_workers=1)
    yield opened
    opened.close()


@pytest.fixture
def built(source: EmbeddedStore) -> package.Package:
    return package.build(source, KEY)


# --- the round trip, through the command line and REST -----------------------------------------------


def test_export_then_import_into_a_second_instance(store_dir: Path, tmp_path: Path) -> None:
    national = tmp_path / "national"
    cli("init", "--store", str(national), "--no-demo", check=True)
    exported = cli(
        "export", "--standard", "zj-rolling-bearings", "--out", str(tmp_path / "out"), "--store", str(store_dir)
    )
    assert exported.returncode == 0, exported.stderr
    digest, path = exported.stdout.split()
    zipped = Path(path)
    assert zipped == tmp_path / "out" / "zj-rolling-bearings-1.0.zip"
    assert hashlib.sha256(zipped.read_bytes()).hexdigest() == digest
    assert list(members(zipped.read_bytes())) == [
        "README.md",
        "standard.ttl",
        "standard.jsonld",
        "shapes.ttl",
        "provenance.ttl",
        "dcat.ttl",
        "manifest.json",
    ]

    imported = cli("import-package", str(zipped), "--store", str(national))
    assert imported.returncode == 0, imported.stderr
    assert "zj-rolling-bearings" in cli("standard", "list", "--store", str(national), check=True).stdout
    shapes = cli("standard", "shapes", KEY, "--store", str(national), check=True).stdout
    assert shapes.encode() == members(zipped.read_bytes())["shapes.ttl"]
    again = cli("import-package", str(zipped), "--store", str(national))
    assert again.returncode == 0 and "nothing changed" in again.stderr

    graph = f"{BASE}graph/standard/zj-rolling-bearings/1.0"
    with app_client(store_dir) as (client_a, store_a), app_client(national) as (client_b, store_b):
        assert graph_content(store_a, graph) == graph_content(store_b, graph)  # the same graph, IRIs kept
        version = "/api/standards/zj-rolling-bearings/versions/1.0"
        assert client_b.get(version).json() == client_a.get(version).json()
        listed = client_b.get("/api/standards").json()["standards"]
        assert [s["id"] for s in listed] == ["zj-rolling-bearings"]
        manifest = json.loads(members(zipped.read_bytes())["manifest.json"])
        shapes_graph = next(f["graph"] for f in manifest["files"] if f["path"] == "shapes.ttl")
        dcat_graph = next(f["graph"] for f in manifest["files"] if f["path"] == "dcat.ttl")
        assert {graph, shapes_graph, dcat_graph} <= set(store_b.public_graphs())
        # The second import changed nothing, so it left no second audit record.
        assert [r.action for r in audit.records(store_b, action="package.import")] == ["package.import"]
        # The REST download is the same bytes as the command line's, made in another process.
        download = client_a.get(version + "/package")
        assert download.status_code == 200 and download.headers["content-type"] == "application/zip"
        assert 'filename="zj-rolling-bearings-1.0.zip"' in download.headers["content-disposition"]
        assert download.content == zipped.read_bytes()


def test_the_package_is_byte_reproducible_and_dated_by_the_version(source: EmbeddedStore) -> None:
    first, second = package.build(source, KEY), package.build(source, "zj-rolling-bearings")
    assert first.data == second.data
    standard = first.standard
    assert standard.info.issued is not None
    created = f"{standard.info.issued.isoformat()}T00:00:00Z"
    assert first.manifest["created"] == created
    with zipfile.ZipFile(io.BytesIO(first.data)) as archive:
        assert {info.date_time[:3] for info in archive.infolist()} == {standard.info.issued.timetuple()[:3]}


def test_manifest_and_dcat_describe_every_file(built: package.Package) -> None:
    files = members(built.data)
    manifest = json.loads(files["manifest.json"])
    assert manifest["format"] == "cpms-kg-package" and manifest["format_version"] == "1"
    assert manifest["source_base_iri"] == BASE
    assert manifest["standard"]["iri"] == BASE + "standard/zj-rolling-bearings/1.0"
    assert manifest["standard"]["status"] == "published-provincial" and manifest["standard"]["published"] is True
    assert [f["path"] for f in manifest["files"]] == list(files)[:-1]
    for entry in manifest["files"]:
        assert entry["sha256"] == hashlib.sha256(files[entry["path"]]).hexdigest()
        assert entry["size"] == len(files[entry["path"]])
    dcat = files["dcat.ttl"].decode()
    for entry in manifest["files"]:
        if entry["path"] != "dcat.ttl":
            assert f'"{entry["sha256"]}"^^xsd:hexBinary' in dcat
    readme = files["README.md"].decode()
    assert "导入" in readme and "Import" in readme and "cpms-kg import-package zj-rolling-bearings-1.0.zip" in readme


def test_only_published_versions_are_public_and_the_cli_says_the_status(source: EmbeddedStore, tmp_path: Path) -> None:
    demo = bearings()
    draft = replace(
        demo, info=replace(demo.info, version="2.0", status=Status.DRAFT, issued=None, previous_version="1.0")
    )
    service.save(source, draft)
    assert package.build(source, "zj-rolling-bearings").standard.info.version == "1.0"  # the latest *published*
    with pytest.raises(Exception) as refused:
        package.build(source, "zj-rolling-bearings@2.0")
    assert getattr(refused.value, "status", None) == 404 and "published" in str(refused.value)
    private = package.build(source, "zj-rolling-bearings@2.0", trusted=True)
    assert private.manifest["standard"]["status"] == "draft"  # type: ignore[index]
    assert private.manifest["created"] is None
    # A draft's graph is private: it may go only to an instance with the same base IRI.
    elsewhere = EmbeddedStore(tmp_path / "other", base_iri="https://national.example.org/id/", query_workers=1)
    try:
        with pytest.raises(PackageRefused, match="unpublished"):
            import_package(elsewhere, private.data, name="draft.zip", limit=LIMIT)
        assert elsewhere.named_graphs() == []
    finally:
        elsewhere.close()


def test_rest_download_refuses_drafts_and_unknown_versions(store_dir: Path) -> None:
    with app_client(store_dir) as (client, store):
        demo = bearings()
        service.save(store, replace(demo, info=replace(demo.info, version="2.0", status=Status.DRAFT)))
        for path in (
            "/api/standards/zj-rolling-bearings/versions/2.0/package",
            "/api/standards/nope/versions/1/package",
        ):
            answer = client.get(path)
            assert answer.status_code == 404 and answer.json()["ok"] is False and answer.json()["error_zh"]


def test_iris_are_kept_on_an_instance_with_another_base(built: package.Package, tmp_path: Path) -> None:
    other = EmbeddedStore(tmp_path / "other", base_iri="https://national.example.org/id/", query_workers=1)
    try:
        report = import_package(other, built.data, name=built.name, limit=LIMIT)
        assert report.iri == BASE + "standard/zj-rolling-bearings/1.0" and report.changed
        assert all(g.startswith(BASE) for g in report.graphs)
        assert other.ask(f"ASK {{ <{report.iri}> a <https://w3id.org/cpms-kg/ontology#StandardVersion> }}")
        assert not other.ask("ASK { ?s ?p ?o FILTER(STRSTARTS(STR(?s), 'https://national.example.org/')) }")
    finally:
        other.close()


def test_rest_import_needs_an_admin_and_is_idempotent(built: package.Package, tmp_path: Path) -> None:
    national = tmp_path / "national"
    zip_headers = {"Content-Type": "application/zip"}
    with app_client(national) as (client, store):
        assert client.post("/api/packages", content=built.data, headers=zip_headers).status_code == 401
        first = client.post("/api/packages", content=built.data, headers={**AUTH, **zip_headers})
        assert first.status_code == 201, first.text
        assert first.json()["changed"] is True and first.json()["iri"] == BASE + "standard/zj-rolling-bearings/1.0"
        second = client.post("/api/packages", content=built.data, headers={**AUTH, **zip_headers})
        assert second.status_code == 200 and second.json()["changed"] is False
        assert client.get("/api/standards/zj-rolling-bearings/versions/1.0").status_code == 200
        assert len(audit.records(store, action="package.import")) == 1
        wrong = client.post("/api/packages", content=built.data, headers={**AUTH, "Content-Type": "text/plain"})
        assert wrong.status_code == 415
        before = snapshot(store)
        files = members(built.data)
        files["shapes.ttl"] = files["shapes.ttl"].replace(b"sh:Violation", b"sh:Warning", 1)
        bad = client.post("/api/packages", content=rezip(list(files.items())), headers={**AUTH, **zip_headers})
        body = bad.json()
        assert bad.status_code == 400 and body["ok"] is False and "shapes.ttl" in body["error"]
        assert "shapes.ttl" in body["error_zh"] and body["errors"][0]["source"] == "shapes.ttl"
        assert snapshot(store) == before


# --- tampering ---------------------------------------------------------------------------------------


def _tampered(data: bytes, case: str) -> tuple[bytes, str]:
    """A tampered copy of a package and the file the refusal must name."""
    files = members(data)
    items = list(files.items())
    if case == "byte changed":
        files["standard.ttl"] = files["standard.ttl"].replace(b"cpms:", b"cpmz:", 1)
        return rezip(list(files.items())), "standard.ttl"
    if case == "file added":
        return rezip([*items[:-1], ("extra.ttl", b"<a:b> <a:c> <a:d> ."), items[-1]]), "extra.ttl"
    if case == "file removed":
        return rezip([i for i in items if i[0] != "shapes.ttl"]), "shapes.ttl"
    if case == "manifest follows the change, dcat does not":
        changed = files["README.md"] + b"\nextra\n"
        manifest = json.loads(files["manifest.json"])
        for entry in manifest["files"]:
            if entry["path"] == "README.md":
                entry["sha256"], entry["size"] = hashlib.sha256(changed).hexdigest(), len(changed)
        files["README.md"] = changed
        files["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
        return rezip(list(files.items())), "dcat.ttl"
    if case == "manifest digest edited":
        manifest = json.loads(files["manifest.json"])
        manifest["files"][1]["sha256"] = "0" * 64
        files["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
        return rezip(list(files.items())), "standard.ttl"
    if case == "manifest reformatted":
        files["manifest.json"] = json.dumps(json.loads(files["manifest.json"])).encode()
        return rezip(list(files.items())), "manifest.json"
    if case == "manifest missing":
        return rezip(items[:-1]), "manifest.json"
    if case == "path traversal":
        return rezip([("../standard.ttl", files["standard.ttl"]), *items]), "../standard.ttl"
    if case == "folder":
        return rezip([*items, ("sub/standard.ttl", files["standard.ttl"])]), "sub/standard.ttl"
    if case == "name twice":
        return rezip([*items, ("shapes.ttl", files["shapes.ttl"])]), "shapes.ttl"
    if case == "not a zip":
        return b"PK\x03\x04 certainly not a zip", "x.zip"
    if case == "jsonld disagrees, checksums updated everywhere":
        old = files["standard.jsonld"]
        new = old.replace("滚动轴承".encode(), "滑动轴承".encode(), 1)
        dcat = files["dcat.ttl"].decode()
        dcat = dcat.replace(hashlib.sha256(old).hexdigest(), hashlib.sha256(new).hexdigest())
        dcat = dcat.replace(f'"{len(old)}"^^xsd:nonNegativeInteger', f'"{len(new)}"^^xsd:nonNegativeInteger')
        files["standard.jsonld"], files["dcat.ttl"] = new, dcat.encode()
        manifest = json.loads(files["manifest.json"])
        for entry in manifest["files"]:
            entry["sha256"], entry["size"] = hashlib.sha256(files[entry["path"]]).hexdigest(), len(files[entry["path"]])
        files["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
        return rezip(list(files.items())), "standard.jsonld"
    raise AssertionError(case)


TAMPER_CASES = [
    "byte changed",
    "file added",
    "file removed",
    "manifest follows the change, dcat does not",
    "manifest digest edited",
    "manifest reformatted",
    "manifest missing",
    "path traversal",
    "folder",
    "name twice",
    "not a zip",
    "jsonld disagrees, checksums updated everywhere",
]


@pytest.mark.parametrize("case", TAMPER_CASES)
def test_tampered_packages_are_refused_and_change_nothing(
    case: str, built: package.Package, target: EmbeddedStore
) -> None:
    import_package(target, built.data, name=built.name, limit=LIMIT)  # a store with something to keep
    before = snapshot(target)
    data, culprit = _tampered(built.data, case)
    with pytest.raises(PackageRefused) as refused:
        import_package(target, data, name="x.zip", limit=LIMIT)
    assert culprit in refused.value.message and culprit in refused.value.message_zh
    assert refused.value.status == 400 and refused.value.problems[0].source == culprit
    assert snapshot(target) == before


def test_zip_bombs_and_oversized_packages_are_bounded(built: package.Package, target: EmbeddedStore) -> None:
    bomb = rezip([*members(built.data).items(), ("zeros.ttl", b"\0" * 4_000_000)])
    assert len(bomb) < 1_000_000
    with pytest.raises(PayloadTooLarge):
        verify(bomb, name="bomb.zip", limit=1_000_000)
    with pytest.raises(PayloadTooLarge):
        verify(built.data, name="big.zip", limit=len(built.data) - 1)
    assert target.named_graphs() == []


def test_a_tampered_package_exits_2_on_the_command_line(built: package.Package, tmp_path: Path) -> None:
    data, _ = _tampered(built.data, "byte changed")
    path = tmp_path / "tampered.zip"
    path.write_bytes(data)
    result = cli("import-package", str(path), "--store", str(tmp_path / "national"))
    assert result.returncode == 2
    assert "standard.ttl" in result.stderr and "数据包被拒绝" in result.stderr and "SHA-256" in result.stderr


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_single_byte_flip_in_any_member_is_refused(built: package.Package, data: st.DataObject) -> None:
    files = members(built.data)
    name = data.draw(st.sampled_from(sorted(files)), label="member")
    content = bytearray(files[name])
    at = data.draw(st.integers(0, len(content) - 1), label="offset")
    content[at] = data.draw(st.integers(0, 255).filter(lambda b: b != content[at]), label="byte")
    files[name] = bytes(content)
    with pytest.raises(PackageRefused):
        verify(rezip(list(files.items())), name="flipped.zip", limit=LIMIT)


# --- what the importing side already has -------------------------------------------------------------


def test_published_content_is_immutable_and_status_only_moves_forward(
    source: EmbeddedStore, target: EmbeddedStore
) -> None:
    provincial = package.build(source, KEY)
    import_package(target, provincial.data, name="p.zip", limit=LIMIT)
    publication.promote(source, KEY, "admin", Status.RECOMMENDED)
    recommended = package.build(source, KEY)
    assert recommended.manifest["standard"]["status"] == "recommended"  # type: ignore[index]
    # The promotion is recorded in the provenance graph, which now travels with the package.
    provenance = next(f for f in recommended.manifest["files"] if f["path"] == "provenance.ttl")  # type: ignore[union-attr,attr-defined]
    assert provenance["graph"] == publication.provenance_graph(BASE, "zj-rolling-bearings", "1.0")
    assert recommended.manifest["created"] > provincial.manifest["created"]  # type: ignore[operator]
    report = import_package(target, recommended.data, name="r.zip", limit=LIMIT)
    assert report.previous_status is Status.PUBLISHED_PROVINCIAL and report.status is Status.RECOMMENDED
    assert service.load(target, KEY).info.status is Status.RECOMMENDED
    before = snapshot(target)
    with pytest.raises(Conflict, match="earlier step"):
        import_package(target, provincial.data, name="p.zip", limit=LIMIT)
    # Other content under the same published version: refused.
    demo = bearings()
    changed = replace(demo, info=replace(demo.info, title=replace(demo.info.title, en="Something else")))
    graph = f"{BASE}graph/standard/zj-rolling-bearings/1.0"
    other = EmbeddedStore(source.path.parent / "elsewhere", base_iri=BASE, query_workers=1)
    try:
        turtle = to_turtle(changed, BASE).encode()
        other.replace_graph(graph, LoadSource("changed", format=ox.RdfFormat.TURTLE, data=turtle, graph=graph))
        with pytest.raises(Conflict, match="immutable"):
            import_package(target, package.build(other, KEY).data, name="o.zip", limit=LIMIT)
    finally:
        other.close()
    assert snapshot(target) == before


# --- pushing to a remote store over the Graph Store Protocol ------------------------------------------


@pytest.mark.slow
def test_push_to_a_real_oxigraph_server(built: package.Package, oxigraph: OxigraphServer, tmp_path: Path) -> None:
    path = tmp_path / built.name
    path.write_bytes(built.data)
    pushed = cli("import-package", str(path), *oxigraph.flags())
    assert pushed.returncode == 0, pushed.stderr
    manifest = json.loads(members(built.data)["manifest.json"])
    answer = httpx.post(
        oxigraph.query,
        data={"query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"},
        headers={"Accept": "application/sparql-results+json"},
    ).json()
    counts = {b["g"]["value"]: int(b["n"]["value"]) for b in answer["results"]["bindings"]}
    loaded = {f["graph"] for f in manifest["files"] if f["graph"]}
    assert loaded <= set(counts) and all(counts[g] > 0 for g in loaded)
    remote = RemoteStore(
        oxigraph.query, update_endpoint=oxigraph.update, graph_store=oxigraph.graph_store, base_iri=BASE
    )
    try:
        graph = BASE + "graph/standard/zj-rolling-bearings/1.0"
        parsed = ox.parse(members(built.data)["standard.ttl"], ox.RdfFormat.TURTLE)
        expected = canonical_nquads(q.triple for q in parsed)
        assert graph_content(remote, graph) == expected
        assert import_package(remote, built.data, name=built.name, limit=LIMIT).changed is False
    finally:
        remote.close()
    again = cli("import-package", str(path), *oxigraph.flags())
    assert again.returncode == 0 and "nothing changed" in again.stderr


# --- between instances with different base IRIs, and standards that reuse others ----------------------

NATIONAL = "https://national.example/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
FASTENERS = "zj-fasteners@1.0"


@contextmanager
def national_client(path: Path) -> Iterator[tuple[TestClient, EmbeddedStore]]:
    """The app in-process over an instance whose base IRI is not the provincial one."""
    from api import create_app

    opened = EmbeddedStore(path, base_iri=NATIONAL, query_workers=1)
    configured = Settings(store=path, base_iri=NATIONAL, admin_token=ADMIN_TOKEN, query_workers=1)
    try:
        with TestClient(create_app(configured, store=opened)) as client:
            yield client, opened
    finally:
        opened.close()


def test_a_standard_imported_under_another_base_reads_validates_and_reexports(store_dir: Path, tmp_path: Path) -> None:
    national, out, again = tmp_path / "national", tmp_path / "out", tmp_path / "again"
    env = {"CPMS_KG_BASE_IRI": NATIONAL}
    cli("init", "--store", str(national), "--no-demo", env=env, check=True)
    for key in ("zj-rolling-bearings", "zj-fasteners"):
        cli("export", "--standard", key, "--out", str(out), "--store", str(store_dir), check=True)
    bearings_zip, fasteners_zip = out / "zj-rolling-bearings-1.0.zip", out / "zj-fasteners-1.0.zip"

    # The fasteners reuse the bearings' attributes: refused, naming the package to import first.
    first = cli("import-package", str(fasteners_zip), "--store", str(national), env=env)
    assert first.returncode == 2
    assert "zj-rolling-bearings-1.0.zip" in first.stderr and "请先导入数据包" in first.stderr
    for path in (bearings_zip, fasteners_zip):
        cli("import-package", str(path), "--store", str(national), env=env, check=True)

    shapes = cli("standard", "shapes", FASTENERS, "--store", str(national), env=env, check=True).stdout
    assert shapes.encode() == members(fasteners_zip.read_bytes())["shapes.ttl"]
    table = tmp_path / "fasteners.csv"
    table.write_bytes(demo_firms.table(next(f for f in demo_firms.DEMO_FIRMS if f.standard == FASTENERS)))
    checked = cli("validate", str(table), "--standard", FASTENERS, "--store", str(national), env=env)
    assert checked.returncode == 0, checked.stderr
    assert "conforms" in checked.stdout and "products: 12" in checked.stdout
    # Findings and committed products use the standard's own (provincial) IRIs; the products are the national
    # instance's own, minted under its base.
    faulty = tmp_path / "faulty.csv"
    faulty.write_text(table.read_text(encoding="utf-8-sig").replace(",731815,", ",73181X,", 1), encoding="utf-8")
    for engine in ("fast", "pyshacl"):
        report = cli("validate", str(faulty), "--standard", FASTENERS, "--firm", "nat", "--format", "ttl",
                     "--engine", engine, "--store", str(national), env=env)  # fmt: skip
        graph = rdflib.Graph().parse(data=report.stdout, format="turtle")
        sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
        paths = {str(o) for o in graph.objects(None, sh.resultPath)}
        assert f"{BASE}standard/zj-rolling-bearings/1.0/attribute/hs_code" in paths, (engine, paths)
        assert all(p.startswith(f"{BASE}standard/zj-") for p in paths), (engine, paths)
        shapes_used = {str(o) for o in graph.objects(None, sh.sourceShape)}
        assert shapes_used and all(s.startswith(f"{BASE}standard/zj-fasteners/1.0/") for s in shapes_used)
        assert {str(o).startswith(f"{NATIONAL}product/nat/") for o in graph.objects(None, sh.focusNode)} == {True}
    committed = cli("validate", str(table), "--standard", FASTENERS, "--firm", "nat", "--commit", "--dataset", "d1",
                    "--store", str(national), env=env)  # fmt: skip
    assert committed.returncode == 0, committed.stderr
    for key in ("zj-rolling-bearings", "zj-fasteners"):
        cli("export", "--standard", key, "--out", str(again), "--store", str(national), env=env, check=True)
    for name in ("zj-rolling-bearings-1.0.zip", "zj-fasteners-1.0.zip"):
        assert (again / name).read_bytes() == (out / name).read_bytes()  # the same package, byte for byte

    with app_client(store_dir) as (client_a, _), national_client(national) as (client_b, store_b):
        for key in ("zj-rolling-bearings", "zj-fasteners"):
            path = f"/api/standards/{key}/versions/1.0"
            answer = client_b.get(path)
            assert answer.status_code == 200, answer.text
            assert answer.json() == client_a.get(path).json()  # every item, the reused ones resolved
            assert answer.json()["iri"] == f"{BASE}standard/{key}/1.0"
            shapes_answer = client_b.get(path + "/shapes")
            assert shapes_answer.status_code == 200 and shapes_answer.text == client_a.get(path + "/shapes").text
            assert client_b.get(path + "/package").content == (out / f"{key}-1.0.zip").read_bytes()
        version = client_b.get("/api/standards/zj-fasteners/versions/1.0").json()
        reused = [a for a in version["attributes"] if a["reuse"]]
        assert reused and all(a["iri"].startswith(f"{BASE}standard/zj-rolling-bearings/1.0/") for a in reused)
        assert all(a["name"]["zh"] and a["datatype"] for a in reused)
        assert all(NATIONAL not in a["iri"] for a in version["attributes"])
        assert service.load(store_b, FASTENERS) == service.load(store_b, "zj-fasteners")
        assert not store_b.ask(f"ASK {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), '{NATIONAL}standard/')) }}")
        rows = store_b.select(
            f"""SELECT DISTINCT ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
                  FILTER(STRSTARTS(STR(?s), '{NATIONAL}product/nat/') && (isIRI(?o) || ?p != <{RDF_TYPE}>)) }}""",
            trusted=True,
        ).rows
        predicates = {r["p"].value for r in rows if r["p"].value != RDF_TYPE}  # type: ignore[union-attr]
        types = {r["o"].value for r in rows if r["p"].value == RDF_TYPE}  # type: ignore[union-attr]
        assert predicates and all(p.startswith(f"{BASE}standard/") for p in predicates)
        assert f"{BASE}standard/zj-rolling-bearings/1.0/attribute/hs_code" in predicates
        assert types and all(t.startswith(f"{BASE}standard/zj-fasteners/1.0/category/") for t in types)
        conforms_to = store_b.select(
            f"SELECT ?v WHERE {{ GRAPH ?g {{ <{NATIONAL}dataset/nat/d1> <http://purl.org/dc/terms/conformsTo> ?v }} }}",
            trusted=True,
        ).rows
        assert [r["v"].value for r in conforms_to] == [f"{BASE}standard/zj-fasteners/1.0"]  # type: ignore[union-attr]


def test_the_manifest_lists_the_versions_whose_items_are_reused(source: EmbeddedStore) -> None:
    fasteners = package.build(source, FASTENERS)
    bearings_iri = BASE + "standard/zj-rolling-bearings/1.0"
    assert fasteners.manifest["requires"] == [{"iri": bearings_iri, "id": "zj-rolling-bearings", "version": "1.0"}]
    assert package.build(source, KEY).manifest["requires"] == []
    readme = members(fasteners.data)["README.md"].decode()
    assert "zj-rolling-bearings-1.0.zip" in readme and "先导入" in readme and "Import first" in readme
    assert package.build(source, FASTENERS).data == fasteners.data


def _with_requires(data: bytes, requires: list[dict[str, str]]) -> bytes:
    files = members(data)
    manifest = json.loads(files["manifest.json"])
    manifest["requires"] = requires
    files["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    return rezip(list(files.items()))


@pytest.mark.parametrize(
    "requires",
    [
        [],
        [{"iri": BASE + "standard/zj-rolling-bearings/2.0", "id": "zj-rolling-bearings", "version": "2.0"}],
        [{"iri": BASE + "standard/zj-rolling-bearings/1.0", "id": "zj-rolling-bearings", "version": "2.0"}],
        [
            {"iri": BASE + "standard/other/1.0", "id": "other", "version": "1.0"},
            {"iri": BASE + "standard/zj-rolling-bearings/1.0", "id": "zj-rolling-bearings", "version": "1.0"},
        ],
        [{"iri": BASE + "standard/zj-rolling-bearings/1.0", "id": "zj-rolling-bearings"}],
    ],
)
def test_a_manifest_whose_requires_disagrees_is_refused(
    requires: list[dict[str, str]], source: EmbeddedStore, target: EmbeddedStore
) -> None:
    import_package(target, package.build(source, KEY).data, name="b.zip", limit=LIMIT)
    before = snapshot(target)
    with pytest.raises(PackageRefused) as refused:
        import_package(
            target, _with_requires(package.build(source, FASTENERS).data, requires), name="f.zip", limit=LIMIT
        )
    assert refused.value.problems[0].source == "manifest.json" and "manifest.json" in refused.value.message_zh
    assert snapshot(target) == before


def test_rest_import_of_a_reusing_standard_needs_its_dependency_first(source: EmbeddedStore, tmp_path: Path) -> None:
    headers = {**AUTH, "Content-Type": "application/zip"}
    fasteners, bearings_package = package.build(source, FASTENERS), package.build(source, KEY)
    with national_client(tmp_path / "national") as (client, store):
        before = snapshot(store)
        refused = client.post("/api/packages", content=fasteners.data, headers=headers)
        body = refused.json()
        assert refused.status_code == 409 and body["ok"] is False and body["status"] == 409
        assert "zj-rolling-bearings-1.0.zip" in body["error"] and "zj-rolling-bearings-1.0.zip" in body["error_zh"]
        assert body["errors"][0]["source"] == "manifest.json"
        assert snapshot(store) == before and audit.records(store, action="package.import") == []
        assert client.post("/api/packages", content=bearings_package.data, headers=headers).status_code == 201
        assert client.post("/api/packages", content=fasteners.data, headers=headers).status_code == 201
        assert client.get("/api/standards/zj-fasteners/versions/1.0").status_code == 200
