"""Lifecycle rules: the code's table equals the ontology's, publishing needs quality, published is final."""

from __future__ import annotations

import pytest
import rdflib

from cpms_kg.errors import BadInput
from cpms_kg.namespaces import CPMS
from cpms_kg.standards.lifecycle import ALLOWED, check_editable, check_transition
from cpms_kg.standards.model import Status
from tests.conftest import ROOT


def test_table_equals_the_ontology() -> None:
    onto = rdflib.Graph().parse(ROOT / "ontology" / "cpms.ttl", format="turtle")

    def code(node: rdflib.term.Node) -> str:
        return str(onto.value(node, rdflib.SKOS.notation))

    in_ontology = {(code(s), code(o)) for s, o in onto.subject_objects(rdflib.URIRef(str(CPMS.allowedNextStatus)))}
    in_code = {(a.value, b.value) for a, targets in ALLOWED.items() for b in targets}
    assert in_code == in_ontology


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Status.DRAFT, Status.PUBLISHED_PROVINCIAL),
        (Status.PUBLISHED_NATIONAL, Status.DRAFT),
        (Status.RETIRED, Status.PUBLISHED_PROVINCIAL),
    ],
)
def test_refused_steps(current: Status, target: Status) -> None:
    with pytest.raises(BadInput) as caught:
        check_transition(current, target)
    assert caught.value.status == 409 and current.value in caught.value.message and caught.value.message_zh


def test_publishing_needs_a_clean_quality_check() -> None:
    check_transition(Status.UNDER_REVIEW, Status.PUBLISHED_PROVINCIAL)
    with pytest.raises(BadInput, match="quality"):
        check_transition(Status.UNDER_REVIEW, Status.PUBLISHED_PROVINCIAL, quality_problems=2)


def test_published_versions_are_immutable() -> None:
    check_editable(Status.CONSENSUS)
    for status in (Status.PUBLISHED_PROVINCIAL, Status.RECOMMENDED, Status.SUPERSEDED):
        with pytest.raises(BadInput, match="immutable"):
            check_editable(status)
