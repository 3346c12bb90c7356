"""A standard's own quality, checked against the shipped classifications in a real store."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from cpms_kg.standards.model import (
    Category,
    CodeList,
    Mapping,
    MappingRelation,
    Obligation,
    Requirement,
    Standard,
    Text,
)
from cpms_kg.standards.quality import check_standard
from cpms_kg.store.embedded import EmbeddedStore
from tests.conftest import BASE
from tests.standard_examples import STANDARD

UNDER_4331 = (Mapping(MappingRelation.BROAD, "cpc21", "43310"),)


def good() -> Standard:
    """The example standard, mapped into its industry's subtree and with a unit on every number."""
    categories = tuple(replace(c, mappings=UNDER_4331) for c in STANDARD.categories)
    attributes = tuple(replace(a, unit="UNITLESS") if a.code == "balls" else a for a in STANDARD.attributes)
    return replace(STANDARD, categories=categories, attributes=attributes)


@pytest.fixture(scope="module")
def store(initialised_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    import shutil

    target = tmp_path_factory.mktemp("quality") / "store"
    shutil.copytree(initialised_store, target)
    opened = EmbeddedStore(target, base_iri=BASE, query_workers=1)
    yield opened
    opened.close()


def rules(store: EmbeddedStore, standard: Standard) -> set[tuple[str, str]]:
    report = check_standard(store, standard)
    for result in report.results:
        assert result.message_zh and result.message_en and result.message_zh != result.message_en
    return {(r.rule, r.focus.rsplit("/", 1)[-1]) for r in report.results}


def test_a_good_standard_conforms(store: EmbeddedStore) -> None:
    report = check_standard(store, good())
    assert report.conforms and report.results == ()


def test_industry_must_be_level_3_or_4(store: EmbeddedStore) -> None:
    at_level_5 = replace(good(), info=replace(good().info, industry=Mapping(MappingRelation.EXACT, "cpc21", "43310")))
    assert ("Q03", "1.0") in rules(store, at_level_5)


def test_categories_must_map_inside_the_industry_subtree(store: EmbeddedStore) -> None:
    elsewhere = (Mapping(MappingRelation.BROAD, "cpc21", "43320"),)
    standard = good()
    categories = (
        replace(standard.categories[0], mappings=elsewhere),
        replace(standard.categories[1], mappings=()),
        standard.categories[2],
    )
    assert {r for r in rules(store, replace(standard, categories=categories)) if r[0] == "Q07"} == {
        ("Q07", "B"),
        ("Q07", "B1"),
    }


def test_numeric_attributes_need_a_unit_from_the_units_scheme(store: EmbeddedStore) -> None:
    attributes = tuple(replace(a, unit=None) if a.code == "inner_diameter" else a for a in good().attributes)
    assert ("Q10", "inner_diameter") in rules(store, replace(good(), attributes=attributes))


def test_empty_code_list_and_dangling_requirement(store: EmbeddedStore) -> None:
    standard = replace(
        good(),
        code_lists=(*good().code_lists, CodeList("empty", Text("空表", "Empty list"), ())),
        requirements=(*good().requirements, Requirement("B", "no_such_attribute", Obligation.OPTIONAL)),
        categories=(
            *good().categories,
            Category("B2", Text("滚子轴承", "Roller bearings"), parent="B", mappings=UNDER_4331),
        ),
    )
    found = rules(store, standard)
    assert ("Q11", "empty") in found
    assert any(rule == "Q13" for rule, _ in found)


def test_both_labels_are_required(store: EmbeddedStore) -> None:
    standard = good()
    categories = (replace(standard.categories[0], name=Text("滚动轴承", "")), *standard.categories[1:])
    assert ("Q06", "B") in rules(store, replace(standard, categories=categories))
