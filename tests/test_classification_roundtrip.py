"""Property: any valid tree written as a table (CSV or XLSX, any header spelling and column order)
imports to Turtle whose concepts, notations, broader links, levels and labels are exactly the tree's."""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from cpms_kg import iris
from cpms_kg.classification.importer import import_table
from cpms_kg.classification.table import HEADERS

BASE = "https://kg.example.org/id/"
SCHEME = "demo"


@dataclass(frozen=True)
class Node:
    code: str
    parent: int | None  # index of the parent node
    zh: str
    en: str
    notes: str


@dataclass(frozen=True)
class Table:
    nodes: list[Node]
    order: list[int]  # row order
    headers: dict[str, str]  # field -> header spelling
    columns: list[str]  # field order
    with_levels: bool
    fmt: str


codes = st.from_regex(r"[0-9A-Za-z._-]{0,5}[0-9A-Za-z][0-9A-Za-z._-]{0,5}", fullmatch=True)
text = st.text(
    st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs"), include_characters='"\\\n'),
    max_size=20,
).map(str.strip)


@st.composite
def tables(draw: st.DrawFn) -> Table:
    names = draw(st.lists(codes, min_size=1, max_size=20, unique=True))
    nodes = []
    for i, code in enumerate(names):
        parent = draw(st.none() | st.integers(0, i - 1)) if i else None
        zh, en = draw(text), draw(text)
        if not zh and not en:
            en = "x"
        nodes.append(Node(code, parent, zh, en, draw(text)))
    with_levels = draw(st.booleans())
    fields = ["code", "parent", "name_zh", "name_en", "notes"] + (["level"] if with_levels else [])
    return Table(
        nodes=nodes,
        order=draw(st.permutations(range(len(nodes)))),
        headers={f: draw(st.sampled_from(HEADERS[f])) for f in fields},
        columns=draw(st.permutations(fields)),
        with_levels=with_levels,
        fmt=draw(st.sampled_from(["csv", "xlsx"])),
    )


def depth(nodes: list[Node], i: int) -> int:
    parent = nodes[i].parent
    return 1 if parent is None else depth(nodes, parent) + 1


def write(table: Table, folder: Path) -> Path:
    rows = [[table.headers[f] for f in table.columns]]
    for i in table.order:
        n = table.nodes[i]
        values = {"code": n.code, "parent": "" if n.parent is None else table.nodes[n.parent].code,
                  "name_zh": n.zh, "name_en": n.en, "notes": n.notes, "level": str(depth(table.nodes, i))}
        rows.append([values[f] for f in table.columns])
    path = folder / f"table.{table.fmt}"
    if table.fmt == "csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    else:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                sheet.cell(r, c, value).data_type = "s"  # text, even "=0" (else a formula)
        book.save(path)
    return path


def ref(code: str) -> URIRef:
    return URIRef(BASE + iris.concept_path(SCHEME, code))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_tree_round_trips_through_table_and_turtle(table: Table) -> None:
    with tempfile.TemporaryDirectory() as folder:
        result = import_table(write(table, Path(folder)), SCHEME)
    g = Graph().parse(data=result.turtle, format="turtle", publicID=BASE)
    assert len(g) == sum(1 for _ in pyoxigraph.parse(result.turtle, format=pyoxigraph.RdfFormat.TURTLE,
                                                    base_iri=BASE))
    nodes = table.nodes
    assert set(g.subjects(RDF.type, SKOS.Concept)) == {ref(n.code) for n in nodes}
    assert result.concept_count == len(nodes)
    assert result.level_count == max(depth(nodes, i) for i in range(len(nodes)))
    for i, n in enumerate(nodes):
        c = ref(n.code)
        assert list(g.objects(c, SKOS.notation)) == [Literal(n.code)]
        labels = {Literal(t, lang=lang) for t, lang in ((n.zh, "zh"), (n.en, "en")) if t}
        assert set(g.objects(c, SKOS.prefLabel)) == labels
        broader = [] if n.parent is None else [ref(nodes[n.parent].code)]
        assert list(g.objects(c, SKOS.broader)) == broader
        level = URIRef(BASE + iris.level_path(SCHEME, depth(nodes, i)))
        assert (level, SKOS.member, c) in g
        assert [str(x) for x in g.objects(c, SKOS.scopeNote)] == ([n.notes] if n.notes else [])
