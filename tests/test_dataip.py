"""Data IP registration: the canonical content hash (RDFC-1.0/SHA-256) and `cpms-kg dataip register|show|verify`."""

from __future__ import annotations

import csv
import json
import random
import subprocess
import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpms_kg.conformance.datasets import public_graph
from cpms_kg.settings import Settings
from cpms_kg.store import open_store
from cpms_kg.workflow.dataip import ALGORITHM, canonical_nquads, content_hash, file_triples
from tests.conftest import BASE, cli
from tests.test_conformance_e2e import HEADER, ROWS

EX = "http://example.org/"
CPMS = "https://w3id.org/cpms-kg/ontology#"

# --- the canonical form ---------------------------------------------------------------------------


def parse_nt(text: str) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(text.encode(), ox.RdfFormat.N_TRIPLES)]


def test_canonical_form_is_that_of_the_rdfc10_recommendation() -> None:
    # The "unique hashes" example of W3C RDF Dataset Canonicalization (RDFC-1.0), with its published result.
    given_nt = """_:e1 <http://example.com/#t> <http://example.com/#u> .
<http://example.com/#p> <http://example.com/#r> _:e1 .
_:e0 <http://example.com/#s> <http://example.com/#u> .
<http://example.com/#p> <http://example.com/#q> _:e0 .
"""
    expected = """<http://example.com/#p> <http://example.com/#q> _:c14n0 .
<http://example.com/#p> <http://example.com/#r> _:c14n1 .
_:c14n0 <http://example.com/#s> <http://example.com/#u> .
_:c14n1 <http://example.com/#t> <http://example.com/#u> .
"""
    assert canonical_nquads(parse_nt(given_nt)).decode() == expected


XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
IRIS = st.sampled_from([ox.NamedNode(EX + name) for name in ("a", "b", "c", "d")])
PREDICATES = st.sampled_from([ox.NamedNode(EX + name) for name in ("p", "q", "r")])
BLANKS = st.integers(min_value=0, max_value=5)
LITERALS = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=8).map(ox.Literal),
    st.integers(-1000, 1000).map(lambda i: ox.Literal(str(i), datatype=ox.NamedNode(XSD_INTEGER))),
    st.sampled_from(["zh", "en", "de-ch"]).map(lambda tag: ox.Literal("轴承 bearing", language=tag)),
)

# A triple template: blank nodes are small integers, named and labelled only when a graph is built.
TEMPLATE = st.tuples(st.one_of(IRIS, BLANKS), PREDICATES, st.one_of(IRIS, BLANKS, LITERALS))
GRAPHS = st.lists(TEMPLATE, min_size=1, max_size=12)


def build(template: list[tuple[object, ox.NamedNode, object]], labels: dict[int, str]) -> list[ox.Triple]:
    def term(t: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        return ox.BlankNode(labels[t]) if isinstance(t, int) else t  # type: ignore[return-value]

    return [ox.Triple(term(s), p, term(o)) for s, p, o in template]  # type: ignore[arg-type]


@given(GRAPHS, st.randoms(use_true_random=False))
def test_hash_ignores_blank_node_labels_and_triple_order(
    template: list[tuple[object, ox.NamedNode, object]], rnd: random.Random
) -> None:
    first = build(template, {i: f"b{i}" for i in range(6)})
    relabelled = build(template, {i: f"x{rnd.randrange(10**9)}n{i}" for i in range(6)})
    rnd.shuffle(relabelled)
    assert content_hash(first) == content_hash(relabelled)
    assert content_hash(first + first[:1]) == content_hash(first)  # a graph is a set: duplicates vanish


@given(GRAPHS, st.data())
def test_one_changed_literal_changes_the_hash(
    template: list[tuple[object, ox.NamedNode, object]], data: st.DataObject
) -> None:
    triples = build(template, {i: f"b{i}" for i in range(6)})
    position = data.draw(st.integers(0, len(triples) - 1))
    changed = list(triples)
    old = changed[position]
    # A value no generated graph holds, so the changed graph cannot be isomorphic to the original.
    changed[position] = ox.Triple(old.subject, old.predicate, ox.Literal("changed value ∆"))
    assert content_hash(changed) != content_hash(triples)


SYNTAXES = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
}


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(GRAPHS)
def test_hash_ignores_the_syntax(template: list[tuple[object, ox.NamedNode, object]]) -> None:
    triples = build(template, {i: f"b{i}" for i in range(6)})
    expected = content_hash(triples)
    with tempfile.TemporaryDirectory() as folder:
        for suffix, fmt in SYNTAXES.items():
            path = Path(folder) / f"data{suffix}"
            path.write_bytes(ox.serialize(triples, format=fmt) or b"")
            assert content_hash(file_triples(path)) == expected, suffix


def test_turtle_blank_node_brackets_and_labelled_n_triples_hash_the_same(tmp_path: Path) -> None:
    turtle = tmp_path / "a.ttl"
    turtle.write_text(
        f'@prefix ex: <{EX}> .\nex:a ex:p [ ex:q "1" ; ex:r [ ex:q "2" ] ] .\nex:a ex:p [ ex:q "3" ] .\n',
        encoding="utf-8",
    )
    ntriples = tmp_path / "b.nt"
    ntriples.write_text(
        f'_:zz <{EX}q> "2" .\n_:y <{EX}r> _:zz .\n<{EX}a> <{EX}p> _:k .\n_:k <{EX}q> "3" .\n'
        f'<{EX}a> <{EX}p> _:y .\n_:y <{EX}q> "1" .\n',
        encoding="utf-8",
    )
    assert content_hash(file_triples(turtle)) == content_hash(file_triples(ntriples))
    ntriples.write_text(ntriples.read_text(encoding="utf-8").replace('"3"', '"4"'), encoding="utf-8")
    assert content_hash(file_triples(turtle)) != content_hash(file_triples(ntriples))


# --- registration and verification on a store, through the command line -----------------------------


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([HEADER, *rows])
    return path


def commit(store: Path, data: Path, firm: str, dataset: str) -> None:
    flags = ["--standard", "zj-rolling-bearings", "--firm", firm, "--commit", "--dataset", dataset]
    done = cli("validate", str(data), *flags, "--store", str(store))
    assert done.returncode == 0, done.stderr


def shared_triples(store: Path, firm: str, dataset: str) -> list[ox.Triple]:
    opened = open_store(Settings(store=store))
    try:
        return opened.graph_triples(public_graph(opened.base_iri, firm, dataset))
    finally:
        opened.close()


@pytest.fixture
def shared(store_dir: Path, tmp_path: Path) -> Path:
    """acme's dataset 2026-q4 committed and shared."""
    commit(store_dir, write_csv(tmp_path / "good.csv", [ROWS[0]]), "acme", "2026-q4")
    assert cli("dataset", "share", "acme", "2026-q4", "--store", str(store_dir)).returncode == 0
    return store_dir


def register(
    store: Path, number: str, firm: str = "acme", dataset: str = "2026-q4"
) -> subprocess.CompletedProcess[str]:
    return cli(
        "dataip", "register", firm, dataset, "--number", number, "--authority", "浙江省数据知识产权登记平台",
        "--date", "2026-03-01", "--store", str(store),
    )  # fmt: skip


def test_register_show_and_verify(shared: Path, tmp_path: Path) -> None:
    done = cli(
        "dataip", "register", "acme", "2026-q4", "--number", "ZJ-DIP-2026-0001", "--authority",
        "浙江省数据知识产权登记平台", "--date", "2026-03-01", "--store", str(shared),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{BASE}dataip/ZJ-DIP-2026-0001"
    assert "已登记" in done.stderr and "registered" in done.stderr
    expected = content_hash(shared_triples(shared, "acme", "2026-q4"))

    shown = cli("dataip", "show", "ZJ-DIP-2026-0001", "--format", "json", "--store", str(shared))
    record = json.loads(shown.stdout)
    assert record["content_hash"] == expected and record["hash_algorithm"] == ALGORITHM == "RDFC-1.0/SHA-256"
    assert record["registrant"]["iri"] == f"{BASE}firm/acme"
    assert record["dataset"] == {"firm": "acme", "id": "2026-q4", "iri": f"{BASE}dataset/acme/2026-q4"}
    assert record["authority"] == "浙江省数据知识产权登记平台" and record["date"] == "2026-03-01"
    assert record["licence"]["licence_document"] == "https://creativecommons.org/licenses/by/4.0/"
    text = cli("dataip", "show", "ZJ-DIP-2026-0001", "--store", str(shared)).stdout
    assert f"内容哈希 content hash: {expected}" in text

    # The record is public linked data: the public endpoint sees it, with the ODRL offer of the firm.
    ask = (
        f'SELECT (COUNT(*) AS ?n) WHERE {{ ?r a <{CPMS}DataIPRegistration> ; <{CPMS}contentHash> "{expected}" ; '
        f'<{CPMS}registrationNumber> "ZJ-DIP-2026-0001" ; <http://purl.org/dc/terms/license> ?policy . '
        f"?policy a <http://www.w3.org/ns/odrl/2/Offer> ; <http://www.w3.org/ns/odrl/2/assigner> <{BASE}firm/acme> ; "
        f"<http://www.w3.org/ns/odrl/2/permission>/<http://www.w3.org/ns/odrl/2/target> <{BASE}dataset/acme/2026-q4> }}"
    )
    found = cli("query", ask, "--format", "json", "--store", str(shared), check=True).stdout
    assert json.loads(found)["results"]["bindings"][0]["n"]["value"] == "1"

    verified = cli("dataip", "verify", "ZJ-DIP-2026-0001", "--store", str(shared))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.count(expected) == 2 and "一致 MATCH" in verified.stdout

    # The same content in any syntax verifies; one changed literal does not.
    triples = shared_triples(shared, "acme", "2026-q4")
    for suffix, fmt in SYNTAXES.items():
        path = tmp_path / f"export{suffix}"
        path.write_bytes(ox.serialize(triples, format=fmt) or b"")
        checked = cli("dataip", "verify", "ZJ-DIP-2026-0001", "--data", str(path), "--store", str(shared))
        assert checked.returncode == 0, (suffix, checked.stdout, checked.stderr)
    forged = tmp_path / "forged.ttl"
    forged.write_text(
        (tmp_path / "export.ttl").read_text(encoding="utf-8").replace('"6205"', '"6206"'), encoding="utf-8"
    )
    assert forged.read_text(encoding="utf-8") != (tmp_path / "export.ttl").read_text(encoding="utf-8")
    mismatch = cli("dataip", "verify", "ZJ-DIP-2026-0001", "--data", str(forged), "--store", str(shared))
    assert mismatch.returncode == 1
    assert "不一致 MISMATCH" in mismatch.stdout and "文件内容与登记的数据集不同" in mismatch.stdout
    assert content_hash(file_triples(forged)) in mismatch.stdout


def test_resharing_keeps_the_hash_and_changed_content_fails(shared: Path, tmp_path: Path) -> None:
    assert register(shared, "N-1").returncode == 0
    before = content_hash(shared_triples(shared, "acme", "2026-q4"))
    again = cli(
        "dataset", "share", "acme", "2026-q4", "--licence", "https://example.org/licence", "--store", str(shared)
    )
    assert again.returncode == 0
    assert content_hash(shared_triples(shared, "acme", "2026-q4")) == before
    assert cli("dataip", "verify", "N-1", "--store", str(shared)).returncode == 0

    # The firm commits the dataset again with one changed value, and shares it: the registration no longer holds.
    changed = [list(ROWS[0])]
    changed[0][2] = "6206"
    commit(shared, write_csv(tmp_path / "changed.csv", changed), "acme", "2026-q4")
    assert cli("dataset", "share", "acme", "2026-q4", "--store", str(shared)).returncode == 0
    after = content_hash(shared_triples(shared, "acme", "2026-q4"))
    assert after != before
    failed = cli("dataip", "verify", "N-1", "--store", str(shared))
    assert failed.returncode == 1 and before in failed.stdout and after in failed.stdout
    assert "已共享的数据集自登记以来已改变" in failed.stdout

    assert cli("dataset", "unshare", "acme", "2026-q4", "--store", str(shared)).returncode == 0
    gone = cli("dataip", "verify", "N-1", "--store", str(shared))
    assert gone.returncode == 1 and "未共享" in gone.stdout and "not shared" in gone.stdout


def test_registration_refusals(shared: Path, tmp_path: Path) -> None:
    commit(shared, write_csv(tmp_path / "other.csv", [ROWS[0]]), "acme", "private-only")
    unshared = register(shared, "N-2", dataset="private-only")
    assert unshared.returncode == 2
    assert "未共享" in unshared.stderr and "not shared" in unshared.stderr
    missing = register(shared, "N-2", dataset="nothing")
    assert missing.returncode == 2 and "没有已提交的数据集" in missing.stderr
    assert register(shared, "N-2").returncode == 0
    duplicate = register(shared, "N-2")
    assert duplicate.returncode == 2
    assert "已有登记记录" in duplicate.stderr and "already recorded" in duplicate.stderr
    slash = register(shared, "A/B")
    assert slash.returncode == 2 and "登记号" in slash.stderr
    unknown = cli("dataip", "verify", "NO-SUCH", "--store", str(shared))
    assert unknown.returncode == 2 and "NO-SUCH" in unknown.stderr
    bad_date = cli(
        "dataip", "register", "acme", "2026-q4", "--number", "N-3", "--authority", "x", "--date", "March",
        "--store", str(shared),
    )  # fmt: skip
    assert bad_date.returncode == 2 and "YYYY-MM-DD" in bad_date.stderr
