"""Cross-industry reuse: a standard reuses another standard's attributes and code lists by IRI (written,
read, imported from the workbook, compiled to shapes, diffed, validated by both engines), and records
SKOS equivalences between attributes of different standards."""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from cpms_kg.conformance.pipeline import Options, check_file
from cpms_kg.errors import BadInput
from cpms_kg.namespaces import CPMS, SH, SKOS
from cpms_kg.standards.demo import bearings, fasteners
from cpms_kg.standards.diff import diff
from cpms_kg.standards.model import (
    Attribute,
    AttributeMatch,
    Datatype,
    MappingRelation,
    Obligation,
    Requirement,
    Standard,
    Status,
    Text,
    item_path,
)
from cpms_kg.standards.quality import check_standard
from cpms_kg.standards.rdf import from_quads, load_standard, to_triples
from cpms_kg.standards.reuse import resolve
from cpms_kg.standards.service import save
from cpms_kg.standards.shapes import compile_shapes
from cpms_kg.standards.spreadsheet import read_standard, write_standard
from cpms_kg.store.embedded import EmbeddedStore
from tests.conftest import BASE
from tests.test_conformance_engines import _located

BEARING = BASE + "standard/zj-rolling-bearings/1.0/attribute/"
FASTENER = BASE + "standard/zj-fasteners/1.0/attribute/"
TRADE = ("hs_code", "gtin", "brand", "firm_item_code")


@pytest.fixture
def store(store_dir: Path) -> Iterator[EmbeddedStore]:
    opened = EmbeddedStore(store_dir, base_iri=BASE, query_workers=1)
    yield opened
    opened.close()


def objects(triples: list[ox.Triple], subject: str, predicate: str) -> set[str]:
    return {t.object.value for t in triples if t.subject.value == subject and t.predicate.value == predicate}


def test_the_fastener_standard_points_at_the_bearing_trade_attributes_and_defines_them_nowhere() -> None:
    triples = to_triples(fasteners(), BASE)
    listed = objects(triples, BASE + "standard/zj-fasteners/1.0", str(CPMS.hasAttribute))
    assert {BEARING + code for code in TRADE} <= listed
    assert not {FASTENER + code for code in TRADE} & listed
    # No redefinition: nothing is said about the bearing attributes, nor minted under the fasteners' IRIs.
    assert not [t for t in triples if t.subject.value.startswith(BEARING)]
    assert not [t for t in triples if FASTENER + "brand" in (t.subject.value, t.object.value)]
    requirement = BASE + "standard/zj-fasteners/1.0/requirement/FA/brand"
    assert objects(triples, requirement, str(CPMS.attribute)) == {BEARING + "brand"}
    # Equivalences, as SKOS mappings from the fastener attributes to the bearing ones.
    assert objects(triples, FASTENER + "material", str(SKOS.closeMatch)) == {BEARING + "material"}
    assert objects(triples, FASTENER + "max_service_temperature", str(SKOS.closeMatch)) == {
        BEARING + "max_operating_temperature"
    }
    # The reused attributes keep their place in the fasteners' order (after the fasteners' own).
    positions = sorted(
        (int(objects(triples, t.subject.value, str(CPMS.position)).pop()), t.object.value)
        for t in triples
        if t.predicate.value == "http://www.w3.org/2002/07/owl#annotatedTarget" and t.object.value.startswith(BEARING)
    )
    assert [iri for _, iri in positions] == [BEARING + code for code in TRADE]


def test_the_definition_comes_from_the_store(store: EmbeddedStore) -> None:
    loaded = load_standard(store, "zj-fasteners", "1.0")
    assert loaded == fasteners()
    brand = loaded.attribute("brand")
    assert brand == dataclasses.replace(bearings().attribute("brand"), reuse=item_path(  # type: ignore[arg-type]
        "zj-rolling-bearings", "1.0", "attribute", "brand"))
    # Without the defining standard the reference cannot be read, and says why.
    alone = to_triples(fasteners(), BASE)
    with pytest.raises(BadInput, match="defined by another standard"):
        from_quads(alone, BASE, "zj-fasteners", "1.0")
    # The version's own quality shapes find the reused definitions (no dangling requirement).
    assert [r for r in check_standard(store, loaded).results if r.severity == "Violation"] == []


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_reuse_and_equivalences_round_trip_through_the_workbook(store: EmbeddedStore, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / ("fasteners.xlsx" if fmt == "xlsx" else "fasteners")
    write_standard(fasteners(), out, format=fmt)  # type: ignore[arg-type]
    read = read_standard(out)
    brand = read.attribute("brand")
    assert brand is not None and brand.reuse == "standard/zj-rolling-bearings/1.0/attribute/brand"
    material = read.attribute("material")
    assert material is not None and material.matches == (
        AttributeMatch(MappingRelation.CLOSE, "standard/zj-rolling-bearings/1.0/attribute/material"),
    )
    assert resolve(store, read) == fasteners()


def _write_csv_standard(folder: Path, attributes: list[list[str]], code_lists: list[list[str]]) -> Path:
    folder.mkdir()
    sheets = {
        "standard": [["field", "value"], ["id", "zj-gears"], ["version", "1.0"], ["title_zh", "齿轮"],
                     ["title_en", "Gears"], ["region", "330000"], ["industry", "cpc21:4331"],
                     ["issuing_body_zh", "演示"], ["issuing_body_en", "Demo"], ["status", "published-provincial"]],
        "categories": [["code", "name_zh", "name_en"], ["G", "齿轮", "Gears"]],
        "attributes": [["code", "name_zh", "name_en", "datatype", "code_list", "reuse_iri", "matches"], *attributes],
        "code_lists": [["list_id", "list_name_zh", "list_name_en", "code", "label_zh", "label_en", "reuse_iri"],
                       *code_lists],
        "requirements": [["category", "attribute", "obligation"], ["G", "brand", "required"],
                         ["G", "material", "required"], ["G", "seal_type", "optional"]],
    }  # fmt: skip
    for name, rows in sheets.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(rows)
    return folder


def test_a_workbook_reuses_an_attribute_a_code_list_and_maps_an_attribute(store: EmbeddedStore, tmp_path: Path) -> None:
    lists = "standard/zj-rolling-bearings/1.0/codelist/"
    folder = _write_csv_standard(
        tmp_path / "gears",
        [
            ["brand", "", "", "", "", "standard/zj-rolling-bearings/1.0/attribute/brand", ""],
            ["seal_type", "", "", "", "", "standard/zj-rolling-bearings/1.0/attribute/seal_type", ""],
            ["material", "材料", "Material", "code", "bearing_material", "",
             "closeMatch standard/zj-fasteners/1.0/attribute/material"],
        ],
        [["bearing_material", "", "", "", "", "", lists + "bearing_material"]],
    )
    saved = save(store, read_standard(folder)).standard
    # The reused seal type brought its code list along; the own attribute uses a reused list.
    assert {c.id: c.reuse for c in saved.code_lists} == {
        "bearing_material": lists + "bearing_material",
        "seal_type": lists + "seal_type",
    }
    assert saved.code_list("seal_type") == dataclasses.replace(bearings().code_list("seal_type"),  # type: ignore[arg-type]
                                                               reuse=lists + "seal_type")
    assert load_standard(store, "zj-gears", "1.0") == saved
    # The shapes check the reused predicate and the reused list's codes.
    shapes = compile_shapes(saved, BASE)
    paths = {t.object.value for t in shapes if t.predicate.value == str(SH.path)}
    assert paths == {BEARING + "brand", BEARING + "seal_type", BASE + "standard/zj-gears/1.0/attribute/material"}
    allowed = {t.object.value for t in shapes if t.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"}
    assert {"2RS", "chrome-steel", "hybrid-ceramic"} <= allowed
    triples = to_triples(saved, BASE)
    assert objects(triples, BASE + "standard/zj-gears/1.0/attribute/material", str(CPMS.valueDomain)) == {
        BASE + lists + "bearing_material"
    }
    material = BASE + "standard/zj-gears/1.0/attribute/material"
    assert objects(triples, material, str(SKOS.closeMatch)) == {FASTENER + "material"}


OWN = {
    "brand": ["brand", "品牌", "Brand", "string", "", "", ""],
    "material": ["material", "材料", "Material", "string", "", "", ""],
    "seal_type": ["seal_type", "密封", "Seal", "string", "", "", ""],
}


@pytest.mark.parametrize(
    ("reuse", "code", "message"),
    [
        ("standard/zj-rolling-bearings/1.0/attribute/colour", "colour", "no published standard"),
        ("standard/zj-rolling-bearings/1.0/attribute/brand", "marque", "whose code is 'brand'"),
        ("standard/zj-gears/1.0/attribute/brand", "brand", "this version's own"),
    ],
)
def test_a_reference_that_cannot_be_resolved_is_refused_and_nothing_is_stored(
    store: EmbeddedStore, tmp_path: Path, reuse: str, code: str, message: str
) -> None:
    rows = [[code, "", "", "", "", reuse, ""], *(row for own, row in OWN.items() if own != code)]
    folder = _write_csv_standard(tmp_path / "gears", rows, [])
    before = store.named_graphs()
    with pytest.raises(BadInput) as raised:
        save(store, read_standard(folder))
    assert any(message in p.message and code in p.message for p in raised.value.problems)
    assert store.named_graphs() == before


def test_an_unpublished_definition_cannot_be_reused(store: EmbeddedStore) -> None:
    info = dataclasses.replace(bearings().info, id="zj-draft", status=Status.DRAFT)
    draft = dataclasses.replace(bearings(), info=info)
    save(store, draft)
    reusing = _tiny(reuse="standard/zj-draft/1.0/attribute/brand")
    with pytest.raises(BadInput, match="cannot be resolved"):
        save(store, reusing)


def _tiny(*, reuse: str | None) -> Standard:
    brand = Attribute("brand", Text("品牌", "Brand"), Datatype.STRING, reuse=reuse)
    return Standard(
        info=dataclasses.replace(fasteners().info, id="zj-tiny"),
        categories=fasteners().categories[:1],
        attributes=(brand,),
        requirements=(Requirement("FA", "brand", Obligation.REQUIRED),),
    )


def test_diff_shows_an_attribute_becoming_a_reuse() -> None:
    own = dataclasses.replace(
        fasteners(),
        attributes=tuple(dataclasses.replace(a, reuse=None) for a in fasteners().attributes),
    )
    changes = {(c.kind, c.key): c for c in diff(own, fasteners()).changes}
    brand = changes[("attribute", "brand")]
    assert [(f.field, f.old, f.new) for f in brand.fields] == [
        ("reuse", None, "standard/zj-rolling-bearings/1.0/attribute/brand")
    ]
    assert ("attribute", "thread_size") not in changes


FAULTY = [
    ["产品编码", "类目", "thread_size", "product_standard", "material", "thread_pitch", "nominal_length",
     "bolt_property_class", "thread_length", "brand", "gtin", "hs_code"],
    ["B1", "FA0101", "M8", "ISO4014", "carbon-steel", "1.25", "40", "8.8", "22", "B" * 61, "123", "7318"],
    ["B2", "FA0101", "M8", "ISO4014", "carbon-steel", "1.25", "60", "8.8", "22", "DEMO", "12345678", "731815"],
]  # fmt: skip


def test_both_engines_validate_a_reusing_standard_alike(store: EmbeddedStore, tmp_path: Path) -> None:
    table = tmp_path / "fasteners.csv"
    with table.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(FAULTY)
    fast = check_file(store, "zj-fasteners", table, Options(firm="acme")).report
    reference = check_file(store, "zj-fasteners", table, Options(firm="acme", engine="pyshacl")).report
    assert _located(fast) == _located(reference)
    # hs_code is only recommended for fasteners: its findings are warnings.
    found = {(i.finding.path, i.row, i.column, i.finding.severity) for i in fast.located}
    expected = {("brand", "Violation"), ("gtin", "Violation"), ("hs_code", "Warning")}
    assert {(BEARING + code, 2, code, severity) for code, severity in expected} <= found
    assert not [p for p, row, _, severity in found if row == 3 and severity == "Violation"]
    # The same products as RDF (the Rust engine and the reference): the predicates are the bearing IRIs.
    product = f"{BASE}product/acme/B1"
    turtle = tmp_path / "products.ttl"
    turtle.write_text(
        f'<{product}> a <{BASE}standard/zj-fasteners/1.0/category/FA0101> ; <{BEARING}brand> "{"B" * 61}" ; '
        f'<{FASTENER}thread_size> "M8" ; <{FASTENER}product_standard> "ISO4014" ; '
        f'<{FASTENER}material> "carbon-steel" ; '
        f'<{FASTENER}thread_pitch> 1.25 ; <{FASTENER}nominal_length> 40.0 ; <{FASTENER}bolt_property_class> "8.8" ; '
        f"<{FASTENER}thread_length> 22.0 .\n",
        encoding="utf-8",
    )
    rdf_fast = check_file(store, "zj-fasteners", turtle, Options(firm="acme")).report
    rdf_reference = check_file(store, "zj-fasteners", turtle, Options(firm="acme", engine="pyshacl")).report
    assert _located(rdf_fast) == _located(rdf_reference)
    assert {(i.finding.path, i.finding.focus) for i in rdf_fast.located if i.finding.severity == "Violation"} == {
        (BEARING + "brand", product)
    }
