"""Compiling a standard version to SHACL: valid SHACL, deterministic, and it finds what it should."""

from __future__ import annotations

import pyshacl
import pytest
import rdflib
from rdflib.namespace import SH

from cpms_kg.namespaces import CPMS
from cpms_kg.standards.model import (
    item_path,
)
from cpms_kg.standards.shapes import compile_shapes, shapes_turtle
from tests.conftest import BASE
from tests.standard_examples import STANDARD
from tests.test_shapes import SHACL_SHACL


def iri(kind: str, code: str) -> str:
    return BASE + item_path("t-bearings", "1.0", kind, code)


def shapes_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(data=shapes_turtle(STANDARD, BASE, unit_symbols={"MilliM": "mm"}), format="turtle")


def product(category: str, values: dict[str, str]) -> str:
    body = " ; ".join(f"<{iri('attribute', k)}> {v}" for k, v in values.items())
    return f"<{BASE}product/firm-1/p1> a <{iri('category', category)}> ; {body} ."


def validate(data: str) -> list[tuple[str, str, str]]:
    """(rule id, severity, English message) of each result."""
    shapes = shapes_graph()
    graph = rdflib.Graph().parse(data=data, format="turtle")
    _, report, _ = pyshacl.validate(graph, shacl_graph=shapes, ont_graph=shapes, inference="none")
    out = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        source = report.value(result, SH.sourceShape)
        rule = str(shapes.value(source, rdflib.URIRef(str(CPMS.ruleId))))
        severity = str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[1]
        messages = {m.language: str(m) for m in shapes.objects(source, SH.message)}
        out.append((rule, severity, messages["en"]))
    return sorted(out)


def test_shapes_pass_shacl_shacl() -> None:
    conforms, _, text = pyshacl.validate(shapes_graph(), shacl_graph=rdflib.Graph().parse(SHACL_SHACL))
    assert conforms, text


def test_output_is_deterministic() -> None:
    assert shapes_turtle(STANDARD, BASE) == shapes_turtle(STANDARD, BASE)
    assert compile_shapes(STANDARD, BASE) == compile_shapes(STANDARD, BASE)


def test_every_constraint_has_a_rule_id_and_messages_in_both_languages() -> None:
    shapes = shapes_graph()
    props = list(shapes.subjects(rdflib.RDF.type, SH.PropertyShape))
    assert len(props) >= 10
    rule_ids = [str(shapes.value(p, rdflib.URIRef(str(CPMS.ruleId)))) for p in props]
    assert len(set(rule_ids)) == len(rule_ids)
    for p in props:
        assert {m.language for m in shapes.objects(p, SH.message)} == {"zh", "en"}


def test_conforming_product_in_a_subcategory() -> None:
    data = product("B11", {"designation": '"6205"', "inner_diameter": "25.0", "balls": "9", "seal": '"2RS"'})
    assert validate(data) == []


def test_faults_are_reported_with_rule_severity_and_message() -> None:
    data = product("B11", {"designation": '"62x5"', "inner_diameter": "1500.0", "seal": '"3Z"'})
    results = validate(data)
    assert ("designation/pattern", "Violation", "Designation must match the pattern ^[0-9]{3,5}$") in results
    assert ("inner_diameter/maxInclusive", "Violation", "Inner diameter must be at most 1000 mm") in results
    assert ("balls/recommended", "Warning", "Number of balls is recommended but has no value") in results
    assert any(r[0] == "seal/in" and r[1] == "Violation" and "open, 2RS" in r[2] for r in results)
    assert len(results) == 4


@pytest.mark.parametrize(
    ("category", "missing", "expected"),
    [
        ("B", "inner_diameter", ("inner_diameter/required", "Violation")),
        ("B11", "designation", ("designation/required", "Violation")),
    ],
)
def test_required_values_inherit_down_the_category_tree(category: str, missing: str, expected: tuple[str, str]) -> None:
    values = {"designation": '"6205"', "inner_diameter": "25.0", "balls": "9"}
    del values[missing]
    assert expected in [r[:2] for r in validate(product(category, values))]


def test_wrong_datatype_is_a_violation() -> None:
    results = validate(product("B", {"designation": '"6205"', "inner_diameter": '"twenty"'}))
    # SHACL 4.3: a value that cannot be compared with the bounds fails them too.
    assert [r[:2] for r in results] == [
        ("inner_diameter/datatype", "Violation"),
        ("inner_diameter/maxInclusive", "Violation"),
        ("inner_diameter/minInclusive", "Violation"),
    ]
