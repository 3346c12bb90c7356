"""The two demo standards: well formed, grounded in the BOLTS tables, CPC 2.1 and the units scheme, and
every example a product could carry passes the shapes compiled from them."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

import pyshacl
import pytest
import rdflib
from rdflib.namespace import RDF, SKOS

from cpms_kg.namespaces import CPMS, QUDT, SH
from cpms_kg.standards.demo import BEARING_DESIGNATION, DEMO_STANDARDS, THREAD_SIZES, bearings, fasteners
from cpms_kg.standards.model import (
    Attribute,
    Datatype,
    MappingRelation,
    Standard,
    Status,
    Text,
    attribute_iri,
    item_path,
)
from cpms_kg.standards.shapes import shapes_turtle
from tests.conftest import BASE, ROOT, SHARED
from tests.test_shapes import SHACL_SHACL

BOLTS = SHARED / "data" / "bolts-standard-parts"
CLASSIFICATIONS = SHARED / "data" / "un-cpc21-hs-isic"
UNITS_TTL = ROOT / "ontology" / "schemes" / "units.ttl"
UNITS_BASE = "https://w3id.org/cpms-kg/id/"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")

# BOLTS class -> {table column: attribute}: the tables each dimension attribute is grounded in.
_RADIAL = {"d1": "bore_diameter", "d2": "outside_diameter", "B": "width"}
BEARING_COLUMNS: dict[str, dict[str, str]] = {
    "singlerowradialbearing": {**_RADIAL, "r_fillet": "chamfer_min"},
    "doublerowradialbearing": _RADIAL,
    "cylindricalrollerbearing": _RADIAL,
    "needleroller": {"Fw": "bore_diameter", "Ew": "outside_diameter", "Bc": "width"},
    "axialthrustbearing": {
        "d_w": "bore_diameter",
        "D_g": "outside_diameter",
        "T": "height",
        "d_g": "housing_washer_bore",
        "D_w": "shaft_washer_outside_diameter",
        "r_fillet": "chamfer_min",
    },
}
_SET_SCREWS = ("hexsocketsetscrewflat", "hexsocketsetscrewcone", "hexsocketsetscrewdog", "hexsocketsetscrewcup")
_HEAD = {"d1": "nominal_diameter", "k": "head_height", "s": "width_across_flats", "e": "width_across_corners"}
_NUT = {"d1": "nominal_diameter", "s": "width_across_flats", "m_max": "nut_height", "e_min": "width_across_corners"}
_WASHER = {"d1": "washer_inner_diameter", "d2": "washer_outer_diameter", "s": "washer_thickness"}
_THREAD = {"b1": "thread_length", "b2": "thread_length", "b3": "thread_length"}
FASTENER_COLUMNS: dict[str, dict[str, str]] = {
    "hexbolt2": {**_HEAD, **_THREAD},
    "hexscrew2": _HEAD,
    "hexsocketheadcap": {
        "d1": "nominal_diameter",
        "d2": "head_diameter",
        "k": "head_height",
        "s": "width_across_flats",
        "t_min": "socket_depth",
        "b": "thread_length",
    },
    "hexsocketcountersunk": {
        "d1": "nominal_diameter",
        "d2": "head_diameter",
        "k_max": "head_height",
        "s": "width_across_flats",
        "t": "socket_depth",
        **_THREAD,
    },
    **{c: {"d": "nominal_diameter", "s": "width_across_flats", "t": "socket_depth"} for c in _SET_SCREWS},
    **{c: _NUT for c in ("hexagonnut1", "hexagonthinnut1", "hexagonlocknut")},
    **{c: _WASHER for c in ("plainwasher1", "plainwasherchamfered", "plainwasher2", "plainwasherforcheesehead")},
}
# Classes whose "common" (key, lengths) combinations give the nominal length range.
LENGTH_CLASSES = ("hexbolt2", "hexsocketheadcap", *_SET_SCREWS)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@cache
def bolts_rows() -> tuple[dict[str, str], ...]:
    return tuple(read_csv(BOLTS / "bolts_table_rows.csv"))


def bolts_keys(classes: Iterable[str]) -> set[str]:
    wanted = set(classes)
    return {r["index_value"] for r in bolts_rows() if r["class_id"] in wanted and r["index_param"] == "key"}


def table_values(columns: dict[str, dict[str, str]], keys: set[str] | None = None) -> dict[str, list[Decimal]]:
    """attribute -> every numeric value of the mapped BOLTS columns (rows limited to `keys` if given)."""
    out: dict[str, list[Decimal]] = {}
    for row in bolts_rows():
        mapped = columns.get(row["class_id"])
        if mapped is None or row["index_param"] != "key" or (keys is not None and row["index_value"] not in keys):
            continue
        for column, value in json.loads(row["values_json"]).items():
            if column in mapped and isinstance(value, int | float):
                out.setdefault(mapped[column], []).append(Decimal(str(value)))
    return out


def bolts_classes(collection: str) -> dict[str, dict[str, object]]:
    data = json.loads((BOLTS / f"{collection}.json").read_text(encoding="utf-8"))
    return {c["id"]: c for c in data["classes"]}


def common_lengths() -> list[Decimal]:
    classes = {**bolts_classes("hex"), **bolts_classes("hex_socket")}
    lengths = []
    for class_id in LENGTH_CLASSES:
        params = classes[class_id]["parameters"]
        assert isinstance(params, dict)
        for keys, values, *_ in params["common"]:
            if any(k in THREAD_SIZES for k in keys):
                lengths += [Decimal(str(v)) for v in values]
    return lengths


def pitches() -> list[Decimal]:
    params = bolts_classes("hex")["hexscrew1"]["parameters"]
    assert isinstance(params, dict)
    table = next(t for t in params["tables2d"] if t["result"] == "pitch")
    return [Decimal(str(v)) for k, row in table["data"].items() if k in THREAD_SIZES for v in row if v != "None"]


@cache
def cpc() -> dict[str, tuple[str, int]]:
    """code -> (parent, level)"""
    return {r["code"]: (r["parent_code"], int(r["level"])) for r in read_csv(CLASSIFICATIONS / "cpc21_structure.csv")}


def cpc_ancestors(code: str) -> list[str]:
    chain = [code]
    while parent := cpc()[chain[-1]][0]:
        chain.append(parent)
    return chain


@pytest.fixture(scope="module")
def units() -> dict[str, str]:
    """units scheme: notation -> Rec 20 code"""
    graph = rdflib.Graph().parse(UNITS_TTL, format="turtle", publicID=UNITS_BASE)
    out = {}
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        rec20 = graph.value(concept, QUDT.uneceCommonCode)
        out[str(graph.value(concept, SKOS.notation))] = str(rec20)
    return out


def by_id(standard: Standard) -> str:
    return standard.info.id


STANDARDS = pytest.mark.parametrize("standard", DEMO_STANDARDS, ids=by_id)


def depth(standard: Standard, code: str) -> int:
    category = standard.category(code)
    assert category is not None
    return 1 if category.parent is None else 1 + depth(standard, category.parent)


def lineage(standard: Standard, code: str) -> list[str]:
    category = standard.category(code)
    assert category is not None
    return [code] if category.parent is None else [code, *lineage(standard, category.parent)]


def problems(standard: Standard, attribute: Attribute, value: str) -> list[str]:
    """Why `value` breaks the attribute's value domain (empty if it does not)."""
    found = []
    if attribute.datatype.numeric:
        try:
            number = Decimal(value)
        except InvalidOperation:
            return [f"{value!r} is not a number"]
        if attribute.datatype is Datatype.INTEGER and number != number.to_integral_value():
            found.append(f"{value!r} is not an integer")
        if attribute.min_inclusive is not None and number < attribute.min_inclusive:
            found.append(f"{value} < {attribute.min_inclusive}")
        if attribute.max_inclusive is not None and number > attribute.max_inclusive:
            found.append(f"{value} > {attribute.max_inclusive}")
    if attribute.pattern is not None and not re.search(attribute.pattern, value):
        found.append(f"{value!r} does not match {attribute.pattern}")
    if attribute.min_length is not None and len(value) < attribute.min_length:
        found.append(f"{value!r} shorter than {attribute.min_length}")
    if attribute.max_length is not None and len(value) > attribute.max_length:
        found.append(f"{value!r} longer than {attribute.max_length}")
    if attribute.datatype is Datatype.CODE:
        codes = standard.code_list(attribute.code_list or "")
        if codes is None or value not in {c.code for c in codes.codes}:
            found.append(f"{value!r} not in code list {attribute.code_list}")
    return found


def texts(standard: Standard) -> Iterator[tuple[str, Text]]:
    info = standard.info
    yield "title", info.title
    yield "issuing body", info.issuing_body
    if info.description is not None:
        yield "description", info.description
    for c in standard.categories:
        yield f"category {c.code}", c.name
        if c.definition is not None:
            yield f"category {c.code} definition", c.definition
    for a in standard.attributes:
        yield f"attribute {a.code}", a.name
        if a.definition is not None:
            yield f"attribute {a.code} definition", a.definition
    for cl in standard.code_lists:
        yield f"code list {cl.id}", cl.name
        for code in cl.codes:
            yield f"code {cl.id}/{code.code}", code.label


def test_both_build_as_published_provincial_standards_of_zhejiang() -> None:
    assert [s.key for s in DEMO_STANDARDS] == ["zj-rolling-bearings@1.0", "zj-fasteners@1.0"]
    assert bearings() == DEMO_STANDARDS[0] and fasteners() == DEMO_STANDARDS[1]
    for standard in DEMO_STANDARDS:
        info = standard.info
        assert (info.region, info.status, info.version) == ("330000", Status.PUBLISHED_PROVINCIAL, "1.0")
        assert info.issuing_body.zh == "浙江省经济和信息化厅"
        assert info.issued is not None and info.implemented is not None and info.issued <= info.implemented
        assert info.description is not None and "bolts-standard-parts/PROVENANCE.md" in info.description.en
        assert any("bolts-standard-parts/PROVENANCE.md" in note for note in standard.notes)


@STANDARDS
def test_category_tree_has_one_root_and_at_least_three_levels(standard: Standard) -> None:
    codes = [c.code for c in standard.categories]
    assert len(codes) == len(set(codes))
    assert [c.code for c in standard.categories if c.parent is None] == [codes[0]]
    assert all(c.parent in codes for c in standard.categories if c.parent is not None)
    assert max(depth(standard, c) for c in codes) >= 3
    assert all(c.definition is not None and c.mappings for c in standard.categories)


@STANDARDS
def test_at_least_twenty_attributes_with_unique_codes(standard: Standard) -> None:
    codes = [a.code for a in standard.attributes]
    assert len(codes) >= 20
    assert len(codes) == len(set(codes))
    assert all(a.definition is not None for a in standard.attributes)


@STANDARDS
def test_numeric_attributes_have_a_unit_of_the_units_scheme(standard: Standard, units: dict[str, str]) -> None:
    for a in standard.attributes:
        if a.datatype.numeric:
            assert a.unit in units, f"{a.code}: unit {a.unit} not in {UNITS_TTL.name}"
            assert re.fullmatch(r"[0-9A-Z]{2,3}", units[a.unit]), f"{a.unit} has no Rec 20 code"
            assert a.min_inclusive is not None and a.max_inclusive is not None and a.min_inclusive < a.max_inclusive
        else:
            assert a.unit is None, a.code


@STANDARDS
def test_industry_and_category_mappings_are_cpc21_concepts(standard: Standard) -> None:
    industry = standard.info.industry
    assert industry.scheme == "cpc21" and cpc()[industry.code][1] in (3, 4)
    for category in standard.categories:
        for mapping in category.mappings:
            assert mapping.scheme == "cpc21" and mapping.code in cpc(), (category.code, mapping)
            assert industry.code in cpc_ancestors(mapping.code), f"{mapping.code} is outside {industry.code}"


def test_bearing_categories_map_under_43310_and_only_the_root_exactly() -> None:
    standard = bearings()
    for category in standard.categories:
        (mapping,) = category.mappings
        assert "43310" in cpc_ancestors(mapping.code)
        # Subcategories are narrower than "Ball or roller bearings": the CPC concept is the broader one.
        assert mapping.relation is (MappingRelation.EXACT if category.parent is None else MappingRelation.BROAD)


@STANDARDS
def test_code_lists_are_non_empty_unique_and_used(standard: Standard) -> None:
    ids = [cl.id for cl in standard.code_lists]
    assert len(ids) == len(set(ids))
    for cl in standard.code_lists:
        codes = [c.code for c in cl.codes]
        assert codes and len(codes) == len(set(codes)), cl.id
    used = {a.code_list for a in standard.attributes if a.datatype is Datatype.CODE}
    assert used == set(ids)
    assert all(a.code_list is None for a in standard.attributes if a.datatype is not Datatype.CODE)


@STANDARDS
def test_requirements_point_to_existing_items_and_bind_every_attribute(standard: Standard) -> None:
    pairs = [(r.category, r.attribute) for r in standard.requirements]
    assert len(pairs) == len(set(pairs))
    for category, attribute in pairs:
        assert standard.category(category) is not None, category
        assert standard.attribute(attribute) is not None, attribute
    assert {a for _, a in pairs} == {a.code for a in standard.attributes}
    root = standard.categories[0].code
    assert any(r.category == root for r in standard.requirements)
    assert any(r.category != root for r in standard.requirements)


@STANDARDS
def test_every_example_satisfies_its_value_domain(standard: Standard) -> None:
    with_examples = [a for a in standard.attributes if a.example is not None]
    assert len(with_examples) >= 15
    for a in with_examples:
        assert a.example is not None
        assert problems(standard, a, a.example) == [], a.code


def test_the_domain_check_catches_bad_values() -> None:
    standard = bearings()
    designation, bore, seal = (standard.attribute(c) for c in ("designation", "bore_diameter", "seal_type"))
    assert designation is not None and bore is not None and seal is not None
    assert problems(standard, designation, "6205 2RS") and problems(standard, designation, "ab")
    assert problems(standard, bore, "341") and problems(standard, bore, "x")
    assert problems(standard, seal, "ZZ")


def test_designation_pattern_accepts_every_metric_bolts_bearing() -> None:
    pattern = re.compile(BEARING_DESIGNATION)
    keys = bolts_keys(BEARING_COLUMNS)
    postfixes = [
        json.loads(r["values_json"])["postfix"] for r in bolts_rows() if r["class_id"] == "singlerowradialbearing"
        and r["index_param"] == "type"
    ]
    assert len(keys) > 400 and postfixes == ["", "-Z", "-ZZ", "-RS", "-2RS"]
    assert [k for k in keys if not pattern.search(k)] == []
    assert [k for k in bolts_keys(["singlerowradialbearing"]) for p in postfixes if not pattern.search(k + p)] == []


def test_example_designations_and_sizes_appear_in_the_bolts_tables() -> None:
    designation = bearings().attribute("designation")
    thread_size = fasteners().attribute("thread_size")
    assert designation is not None and thread_size is not None
    assert designation.example in bolts_keys(BEARING_COLUMNS)
    fastener_keys = bolts_keys(FASTENER_COLUMNS)
    assert thread_size.example in fastener_keys
    assert set(THREAD_SIZES) <= fastener_keys
    codes = fasteners().code_list("thread_size")
    assert codes is not None and [c.code for c in codes.codes] == list(THREAD_SIZES)


def grounded_values(standard: Standard) -> dict[str, list[Decimal]]:
    """attribute -> the BOLTS values its range and example come from."""
    if standard.info.id == "zj-rolling-bearings":
        return table_values(BEARING_COLUMNS)
    return {
        **table_values(FASTENER_COLUMNS, set(THREAD_SIZES)),
        "nominal_length": common_lengths(),
        "thread_pitch": pitches(),
    }


@STANDARDS
def test_dimension_ranges_and_examples_come_from_the_bolts_tables(standard: Standard) -> None:
    grounded = grounded_values(standard)
    assert len(grounded) >= 7
    for code, numbers in grounded.items():
        a = standard.attribute(code)
        assert a is not None and a.unit == "MilliM", code
        assert (a.min_inclusive, a.max_inclusive) == (min(numbers), max(numbers)), code
        assert a.example is not None and Decimal(a.example) in numbers, code
    # The worked example is one real row: 6205 (d 25, D 52, B 15, r 1.5) and the M12 parts.
    if standard.info.id == "zj-rolling-bearings":
        (row,) = [r for r in bolts_rows() if r["class_id"] == "singlerowradialbearing" and r["index_value"] == "6205"]
        dims = {k: Decimal(str(v)) for k, v in json.loads(row["values_json"]).items()}
        examples = {c: standard.attribute(c) for c in ("bore_diameter", "outside_diameter", "width", "chamfer_min")}
        assert {c: Decimal(a.example or "") for c, a in examples.items() if a} == {
            "bore_diameter": dims["d1"],
            "outside_diameter": dims["d2"],
            "width": dims["B"],
            "chamfer_min": dims["r_fillet"],
        }


def test_standard_codes_are_those_of_the_bolts_classes() -> None:
    listed = {
        s.replace(" ", "")
        for row in read_csv(BOLTS / "bolts_classes.csv")
        for s in row["standards"].split(";")
        if s.strip()
    }
    for standard, list_id in ((bearings(), "bearing_dimension_standard"), (fasteners(), "fastener_product_standard")):
        codes = standard.code_list(list_id)
        assert codes is not None
        assert [c.code for c in codes.codes if c.code not in listed] == []


@STANDARDS
def test_hs_code_examples_are_hs2017_subheadings(standard: Standard) -> None:
    hs = {r["code"] for r in read_csv(CLASSIFICATIONS / "hs2017_structure.csv")}
    a = standard.attribute("hs_code")
    assert a is not None and a.example in hs


@STANDARDS
def test_zh_texts_are_chinese_and_en_texts_are_not(standard: Standard) -> None:
    for where, text in texts(standard):
        assert CJK.search(text.zh), f"{where}: zh {text.zh!r} has no Chinese"
        assert not CJK.search(text.en), f"{where}: en {text.en!r} has Chinese"
        assert text.en.strip() == text.en and text.en


@cache
def compiled(standard_id: str) -> rdflib.Graph:
    standard = next(s for s in DEMO_STANDARDS if s.info.id == standard_id)
    return rdflib.Graph().parse(data=shapes_turtle(standard, BASE), format="turtle")


@STANDARDS
def test_compiled_shapes_pass_shacl_shacl(standard: Standard) -> None:
    conforms, _, text = pyshacl.validate(compiled(standard.info.id), shacl_graph=rdflib.Graph().parse(SHACL_SHACL))
    assert conforms, text


_XSD = {t: rdflib.URIRef(f"http://www.w3.org/2001/XMLSchema#{t.value}") for t in (Datatype.DECIMAL, Datatype.INTEGER)}
LEAVES = [
    (s, c.code)
    for s in DEMO_STANDARDS
    for c in s.categories
    if not any(other.parent == c.code for other in s.categories)
]


@pytest.mark.parametrize(("standard", "leaf"), LEAVES, ids=[f"{s.info.id}-{c}" for s, c in LEAVES])
def test_a_product_made_of_the_examples_only_misses_attributes_without_example(standard: Standard, leaf: str) -> None:
    info = standard.info

    def iri(kind: str, code: str) -> rdflib.URIRef:
        return rdflib.URIRef(BASE + item_path(info.id, info.version, kind, code))

    chain = lineage(standard, leaf)
    bound = {r.attribute for r in standard.requirements if r.category in chain}
    product = rdflib.URIRef(BASE + "product/demo-firm/p1")
    data = rdflib.Graph()
    data.add((product, RDF.type, iri("category", leaf)))
    for code in bound:
        a = standard.attribute(code)
        if a is not None and a.example is not None:
            # attribute_iri: a reused attribute's values use the IRI of the standard that defines it.
            predicate = rdflib.URIRef(attribute_iri(BASE, info, a))
            data.add((product, predicate, rdflib.Literal(a.example, datatype=_XSD.get(a.datatype))))
    shapes = compiled(info.id)
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, ont_graph=shapes, inference="none")
    rules = {
        str(shapes.value(report.value(result, SH.sourceShape), rdflib.URIRef(str(CPMS.ruleId))))
        for result in report.subjects(RDF.type, SH.ValidationResult)
    }
    without_example = {code for code in bound if (a := standard.attribute(code)) is not None and a.example is None}
    assert {rule.split("/")[0] for rule in rules} <= without_example, rules
    assert {rule.split("/")[1] for rule in rules} <= {"required", "recommended"}, rules
