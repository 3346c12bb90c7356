"""Diffs between versions: per item, field by field, and the migration map firms apply."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

from cpms_kg.standards.diff import Move, Rename, UnitChange, diff
from cpms_kg.standards.model import Code, Obligation, Requirement, Standard, Text
from tests.standard_examples import STANDARD


def second_version() -> Standard:
    attrs = {a.code: a for a in STANDARD.attributes}
    inner = replace(attrs["inner_diameter"], code="bore_diameter", max_inclusive=Decimal("1200"))
    balls = replace(attrs["balls"], unit="NUM")
    seal_list = STANDARD.code_lists[0]
    seal_list = replace(
        seal_list,
        codes=(
            *seal_list.codes[:1],
            Code("2RS1", seal_list.codes[1].label),
            Code("2Z", Text("双面防尘盖", "two shields")),
        ),
    )
    return replace(
        STANDARD,
        info=replace(STANDARD.info, version="1.1", previous_version="1.0"),
        attributes=(attrs["designation"], inner, attrs["seal"], balls),
        code_lists=(seal_list,),
        requirements=(
            Requirement("B", "designation", Obligation.REQUIRED),
            Requirement("B", "bore_diameter", Obligation.REQUIRED),
            Requirement("B11", "balls", Obligation.RECOMMENDED),
            Requirement("B11", "seal", Obligation.OPTIONAL),
        ),
    )


def test_same_version_has_no_changes() -> None:
    result = diff(STANDARD, STANDARD)
    assert result.changes == () and result.migration.renamed_attributes == ()


def test_item_and_field_changes() -> None:
    result = diff(STANDARD, second_version())
    keyed = {(c.kind, c.key): c for c in result.changes}
    assert keyed[("attribute", "inner_diameter")].change == "removed"
    assert keyed[("attribute", "bore_diameter")].change == "added"
    balls = keyed[("attribute", "balls")]
    assert balls.change == "changed" and [(f.field, f.old, f.new) for f in balls.fields] == [("unit", None, "NUM")]
    assert keyed[("code", "seal/2RS")].change == "removed" and keyed[("code", "seal/2Z")].change == "added"
    assert keyed[("requirement", "B1/balls")].change == "removed"
    assert keyed[("requirement", "B11/balls")].change == "added"
    assert ("standard", "t-bearings") not in keyed  # only version fields changed


def test_migration_map() -> None:
    migration = diff(STANDARD, second_version()).migration
    assert migration.renamed_attributes == (Rename("inner_diameter", "bore_diameter"),)
    assert migration.moved_attributes == (Move("balls", "B1", "B11"),)
    assert migration.unit_changes == (UnitChange("balls", None, "NUM"),)
    assert migration.removed_attributes == ()
    assert migration.renamed_codes == (("seal", Rename("2RS", "2RS1")),)


def test_json_form() -> None:
    data = diff(STANDARD, second_version()).as_json()
    text = json.dumps(data, ensure_ascii=False)
    assert data["old_version"] == "1.0" and data["new_version"] == "1.1"
    assert "bore_diameter" in text and data["migration"]["renamed_attributes"] == [
        {"old": "inner_diameter", "new": "bore_diameter"}
    ]


def test_rdf_form_uses_declared_terms_and_links_renames() -> None:
    import rdflib

    from cpms_kg.namespaces import CPMS
    from cpms_kg.standards.diff_rdf import diff_triples
    from cpms_kg.standards.model import item_path
    from tests.conftest import BASE, ROOT

    triples = diff_triples(diff(STANDARD, second_version()), BASE)
    graph = rdflib.Graph().parse(data="\n".join(f"{t} ." for t in triples), format="nt")
    onto = rdflib.Graph().parse(ROOT / "ontology" / "cpms.ttl", format="turtle")
    used = {t for triple in graph for t in triple if isinstance(t, rdflib.URIRef) and str(t).startswith(str(CPMS))}
    assert used and all((term, None, None) in onto for term in used)
    renamed = rdflib.URIRef(BASE + item_path("t-bearings", "1.1", "attribute", "bore_diameter"))
    original = rdflib.URIRef(BASE + item_path("t-bearings", "1.0", "attribute", "inner_diameter"))
    assert (renamed, rdflib.DCTERMS.replaces, original) in graph
    kinds = {str(o) for o in graph.objects(None, rdflib.URIRef(str(CPMS.changeKind)))}
    assert kinds == {"added", "removed", "changed", "renamed", "moved", "unit-changed"}
