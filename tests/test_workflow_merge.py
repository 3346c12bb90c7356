"""The consensus-draft merge: alignment by code and by name, conflicts, resolutions, and the draft's three views."""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as rdfns
from rdflib.namespace import PROV, RDF

from cpms_kg.errors import BadInput
from cpms_kg.namespaces import CPMS
from cpms_kg.standards.demo import bearings
from cpms_kg.standards.model import (
    Attribute,
    Category,
    CodeList,
    Datatype,
    Mapping,
    MappingRelation,
    Obligation,
    Requirement,
    Standard,
    Text,
)
from cpms_kg.standards.quality import check_standard
from cpms_kg.store.embedded import EmbeddedStore
from cpms_kg.workflow.merge import (
    Draft,
    DraftItem,
    ItemKind,
    Resolution,
    apply_resolutions,
    draft_json,
    draft_triples,
    merge,
    resolve,
    to_standard,
)
from tests.conftest import BASE
from tests.standard_examples import STANDARD
from tests.standard_strategies import standards

BEARINGS = bearings()
INFO = BEARINGS.info
KINDS = {"MilliM": "Length", "M": "Length", "KiloGM": "Mass", "GM": "Mass", "KiloN": "Force", "N": "Force"}


# --- building proposals --------------------------------------------------------------------------

def rename_attribute(s: Standard, old: str, new: str, name: Text | None = None) -> Standard:
    attributes = tuple(replace(a, code=new, name=name or a.name) if a.code == old else a for a in s.attributes)
    requirements = tuple(replace(r, attribute=new) if r.attribute == old else r for r in s.requirements)
    return replace(s, attributes=attributes, requirements=requirements)


def rename_category(s: Standard, old: str, new: str) -> Standard:
    categories = tuple(replace(c, code=new if c.code == old else c.code, parent=new if c.parent == old else c.parent)
                       for c in s.categories)
    requirements = tuple(replace(r, category=new) if r.category == old else r for r in s.requirements)
    return replace(s, categories=categories, requirements=requirements)


def rename_code_list(s: Standard, old: str, new: str, name: Text) -> Standard:
    lists = tuple(replace(c, id=new, name=name) if c.id == old else c for c in s.code_lists)
    attributes = tuple(replace(a, code_list=new) if a.code_list == old else a for a in s.attributes)
    return replace(s, code_lists=lists, attributes=attributes)


def change_attribute(s: Standard, code: str, **changes: object) -> Standard:
    return replace(s, attributes=tuple(replace(a, **changes) if a.code == code else a  # type: ignore[arg-type]
                                       for a in s.attributes))


def change_obligation(s: Standard, category: str, attribute: str, obligation: Obligation) -> Standard:
    return replace(s, requirements=tuple(replace(r, obligation=obligation)
                                         if (r.category, r.attribute) == (category, attribute) else r
                                         for r in s.requirements))


def items_of(s: Standard) -> dict[str, list[str]]:
    """Every item of a standard, order-free, for comparing standards whose items come in another order."""
    return {name: sorted(repr(i) for i in getattr(s, name))
            for name in ("categories", "attributes", "code_lists", "requirements")}


def item(draft: Draft, kind: ItemKind, key: str) -> DraftItem:
    found = draft.item(kind, key)
    assert found is not None, f"no {kind} {key}"
    return found


def options(draft: Draft, kind: ItemKind, key: str, field: str) -> dict[str, tuple[str, ...]]:
    conflict = next((c for c in item(draft, kind, key).conflicts if c.field == field), None)
    assert conflict is not None, f"no conflict on {field} of {kind} {key}"
    return dict(conflict.options)


def chosen(draft: Draft, kind: ItemKind, key: str, field: str) -> str:
    return next(c.chosen for c in item(draft, kind, key).conflicts if c.field == field)


# --- agreement and alignment ---------------------------------------------------------------------

def test_fifteen_identical_proposals_agree_on_every_item() -> None:
    experts = [f"expert{n:02d}" for n in range(15)]
    draft = merge([(e, BEARINGS) for e in experts], INFO)
    size = sum(len(getattr(BEARINGS, n)) for n in ("categories", "attributes", "code_lists", "requirements"))
    assert len(draft.items) == size
    assert draft.experts == tuple(experts)
    assert draft.open_conflicts == []
    for i in draft.items:
        assert i.support == tuple(experts) and not i.conflicts
        assert {(m.reason, m.reason_zh) for m in i.matches} == {("same code", "代码相同")}
    back = to_standard(draft)
    assert items_of(back) == items_of(BEARINGS) and back.notes == () and back.info == INFO


def test_items_come_ordered_by_kind_then_key() -> None:
    draft = merge([("a", BEARINGS)], INFO)
    order = [(("category", "attribute", "codelist", "requirement").index(i.kind), i.key) for i in draft.items]
    assert order == sorted(order)


def test_a_renamed_attribute_aligns_by_name_and_says_why() -> None:
    # Full-width brackets with a unit, other case: normalisation makes the names equal.
    renamed = rename_attribute(BEARINGS, "bore_diameter", "inner_d", Text("内径 d（mm）", "BORE DIAMETER D"))
    draft = merge([("chen", renamed), ("ann", BEARINGS), ("bo", BEARINGS)], INFO)
    assert draft.item("attribute", "inner_d") is None
    merged = item(draft, "attribute", "bore_diameter")
    assert merged.support == ("ann", "bo", "chen")
    match = next(m for m in merged.matches if m.expert == "chen")
    assert match.code == "inner_d"
    assert match.reason == ('similar names to bore_diameter: zh "内径 d（mm）" ~ "内径 d" 1.00, '
                            'en "BORE DIAMETER D" ~ "Bore diameter d" 1.00; same datatype decimal; same unit MilliM')
    assert match.reason_zh == ("与 bore_diameter 名称相近：中文“内径 d（mm）”~“内径 d” 1.00，"
                               "英文“BORE DIAMETER D”~“Bore diameter d” 1.00；数据类型同为 decimal；单位同为 MilliM")
    assert options(draft, "attribute", "bore_diameter", "name.zh") == {
        "内径 d": ("ann", "bo"), "内径 d（mm）": ("chen",)}
    assert merged.item == next(a for a in BEARINGS.attributes if a.code == "bore_diameter")
    # Requirements follow: chen's requirements on inner_d are the same requirements.
    for r in (r for r in BEARINGS.requirements if r.attribute == "bore_diameter"):
        req = item(draft, "requirement", f"{r.category}/bore_diameter")
        assert req.support == ("ann", "bo", "chen") and not req.conflicts
        assert [(m.code, m.reason) for m in req.matches if m.expert == "chen"] == [
            (f"{r.category}/inner_d", "attribute inner_d aligned to bore_diameter")]


def test_the_merged_code_is_the_majority_code() -> None:
    renamed = rename_attribute(BEARINGS, "bore_diameter", "inner_d")
    draft = merge([("ann", BEARINGS), ("bo", renamed), ("chen", renamed)], INFO)
    assert draft.item("attribute", "bore_diameter") is None
    merged = item(draft, "attribute", "inner_d")
    assert isinstance(merged.item, Attribute) and merged.item.code == "inner_d"
    assert [m.reason.split(":")[0] for m in merged.matches] == ["similar names to inner_d", "same code", "same code"]
    assert all(r.attribute != "bore_diameter" for r in to_standard(draft).requirements)


def test_an_item_joined_through_its_code_says_through_whom() -> None:
    # chen's inner_d has bore_diameter's names; dai's inner_d does not, it only shares chen's code.
    chen = rename_attribute(BEARINGS, "bore_diameter", "inner_d")
    dai = rename_attribute(BEARINGS, "bore_diameter", "inner_d", Text("孔", "Hole"))
    draft = merge([("ann", BEARINGS), ("bo", BEARINGS), ("chen", chen), ("dai", dai)], INFO)
    merged = item(draft, "attribute", "bore_diameter")  # two codes with two supporters each: the smaller
    assert merged.support == ("ann", "bo", "chen", "dai")
    dai_match = merged.matches[3]
    assert dai_match.reason.startswith("same code inner_d as chen's item, which has similar names to bore_diameter: ")
    assert dai_match.reason_zh.startswith("与专家 chen 的条目代码同为 inner_d，该条目与 bore_diameter 名称相近：")
    assert options(draft, "attribute", "bore_diameter", "name.en") == {
        "Bore diameter d": ("ann", "bo", "chen"), "Hole": ("dai",)}


def test_renamed_categories_and_code_lists_align_and_references_follow() -> None:
    renamed = rename_category(BEARINGS, "RB0101", "deep_groove")
    renamed = rename_code_list(renamed, "seal_type", "seals", Text("密封与防尘型式", "Seal and shield type"))
    draft = merge([("ann", BEARINGS), ("bo", BEARINGS), ("chen", renamed)], INFO)
    deep = item(draft, "category", "RB0101")
    assert deep.support == ("ann", "bo", "chen") and not deep.conflicts
    assert next(m.reason for m in deep.matches if m.expert == "chen") == (
        'similar names to RB0101: zh "深沟球轴承" ~ "深沟球轴承" 1.00, '
        'en "Deep groove ball bearings" ~ "Deep groove ball bearings" 1.00')
    seals = item(draft, "codelist", "seal_type")
    assert seals.support == ("ann", "bo", "chen")
    assert [c.field for c in seals.conflicts] == ["name.en"]
    # Parents and code lists were rewritten to the merged codes, so they agree.
    assert not item(draft, "category", "RB010101").conflicts
    assert not item(draft, "attribute", "seal_type").conflicts
    seal = item(draft, "requirement", "RB0101/seal_type")
    assert seal.support == ("ann", "bo", "chen") and not seal.conflicts
    assert [m.reason_zh for m in seal.matches] == ["代码相同", "代码相同", "类目 deep_groove 对齐为 RB0101"]


@pytest.mark.parametrize(
    ("changes", "unit_kinds", "aligned"),
    [
        ({}, {}, True),
        ({"datatype": Datatype.INTEGER}, {}, True),  # both numeric
        ({"datatype": Datatype.STRING, "unit": None}, {}, False),
        ({"unit": None}, {}, True),  # a missing unit does not contradict
        ({"unit": "M"}, KINDS, True),  # same quantity kind
        ({"unit": "M"}, {}, False),  # unknown kinds: different units stay apart
        ({"unit": "KiloGM"}, KINDS, False),
    ],
)
def test_name_alignment_needs_compatible_datatype_and_unit(
    changes: dict[str, object], unit_kinds: dict[str, str], aligned: bool
) -> None:
    renamed = change_attribute(rename_attribute(STANDARD, "inner_diameter", "bore"), "bore", **changes)
    draft = merge([("ann", STANDARD), ("bo", renamed)], STANDARD.info, unit_kinds=unit_kinds)
    merged = next(i for i in draft.items if i.kind == "attribute" and "bore" in {m.code for m in i.matches})
    assert (merged.support == ("ann", "bo")) is aligned
    if aligned and changes.get("unit") == "M":
        # Equal support: the smaller code, bore, is the merged code; the reason is ann's side of the link.
        reason = merged.matches[0].reason
        assert reason.endswith("same datatype decimal; units MilliM and M of one quantity kind Length")


def test_a_contradicting_language_prevents_alignment() -> None:
    # en names equal, but zh 内径 (inner) vs 外径 (outer) scores 0.5: not the same attribute.
    outer = rename_attribute(STANDARD, "inner_diameter", "od", Text("外径", "Inner diameter"))
    draft = merge([("ann", STANDARD), ("bo", outer)], STANDARD.info)
    assert item(draft, "attribute", "od").support == ("bo",)
    assert item(draft, "attribute", "inner_diameter").support == ("ann",)


def test_one_experts_two_items_never_merge() -> None:
    # bo proposes the attribute twice under two codes; ann's item can join only one of them.
    twin = replace(next(a for a in STANDARD.attributes if a.code == "inner_diameter"), code="inner_diameter_2")
    bo = replace(STANDARD, attributes=(*STANDARD.attributes, twin))
    solo = rename_attribute(STANDARD, "inner_diameter", "id")
    draft = merge([("ann", solo), ("bo", bo)], STANDARD.info)
    # Equal scores: the smaller pair of codes joins first; the merged code is then the smallest of equals.
    assert item(draft, "attribute", "id").support == ("ann", "bo")
    assert [m.code for m in item(draft, "attribute", "id").matches] == ["id", "inner_diameter"]
    assert item(draft, "attribute", "inner_diameter_2").support == ("bo",)
    assert draft.item("attribute", "inner_diameter") is None


# --- conflicts and resolutions -------------------------------------------------------------------

def five_experts() -> Draft:
    """ann, bo and chen propose the demo; dai and eve change units, datatypes, code lists, obligations."""
    changed = change_attribute(BEARINGS, "width", unit="M")
    changed = change_attribute(changed, "row_count", datatype=Datatype.DECIMAL)
    changed = change_attribute(changed, "material", code_list="cage_material")
    changed = change_attribute(changed, "height", min_inclusive=Decimal("9.0"), max_inclusive=Decimal("140"))
    changed = change_obligation(changed, "RB", "designation", Obligation.OPTIONAL)
    lists = tuple(replace(c, codes=c.codes[:-1]) if c.id == "lubrication" else c for c in changed.code_lists)
    changed = replace(changed, code_lists=lists)
    moved = replace(changed, categories=tuple(replace(c, parent="RB02") if c.code == "RB0102" else c
                                              for c in changed.categories))
    return merge([("eve", moved), ("dai", changed), ("ann", BEARINGS), ("bo", BEARINGS), ("chen", BEARINGS)],
                 INFO, unit_kinds=KINDS)


def test_conflicts_list_every_option_with_its_supporters_and_the_majority_is_chosen() -> None:
    draft = five_experts()
    majority, minority = ("ann", "bo", "chen"), ("dai", "eve")
    assert options(draft, "attribute", "width", "unit") == {"MilliM": majority, "M": minority}
    assert options(draft, "attribute", "row_count", "datatype") == {"integer": majority, "decimal": minority}
    assert options(draft, "attribute", "material", "code_list") == {"bearing_material": majority,
                                                                     "cage_material": minority}
    codes = [c.code for c in next(cl for cl in BEARINGS.code_lists if cl.id == "lubrication").codes]
    assert options(draft, "codelist", "lubrication", "codes") == {json.dumps(sorted(codes)): majority,
                                                                  json.dumps(sorted(codes[:-1])): minority}
    assert options(draft, "requirement", "RB/designation", "obligation") == {"required": majority,
                                                                              "optional": minority}
    assert options(draft, "category", "RB0102", "parent") == {"RB01": ("ann", "bo", "chen", "dai"), "RB02": ("eve",)}
    # 9.0 and 9 are one value; 140 is not 135.
    assert [c.field for c in item(draft, "attribute", "height").conflicts] == ["max_inclusive"]
    conflict = item(draft, "attribute", "width").conflicts[0]
    assert conflict.options == (("MilliM", majority), ("M", minority)) and conflict.chosen == "MilliM"
    assert conflict.resolution is None
    assert len(draft.open_conflicts) == 7
    assert items_of(to_standard(draft)) == items_of(BEARINGS)  # the majority everywhere is the demo


def test_equal_values_are_no_conflict() -> None:
    # Mappings are compared as a set, numbers by value: reordered mappings and 1.00 vs 1 agree.
    two = (Mapping(MappingRelation.BROAD, "cpc21", "43310"), Mapping(MappingRelation.RELATED, "hs2017", "848210"))
    ann = replace(STANDARD, categories=tuple(replace(c, mappings=two) for c in STANDARD.categories))
    bo = replace(ann, categories=tuple(replace(c, mappings=two[::-1]) for c in STANDARD.categories))
    bo = change_attribute(bo, "inner_diameter", min_inclusive=Decimal("1.00"))
    draft = merge([("ann", ann), ("bo", bo)], INFO)
    assert draft.open_conflicts == []
    assert items_of(to_standard(draft)) == items_of(ann)  # values come from the first expert by name


def test_a_tie_chooses_the_smallest_text() -> None:
    optional = change_obligation(BEARINGS, "RB", "designation", Obligation.OPTIONAL)
    draft = merge([("ann", BEARINGS), ("bo", optional)], INFO)
    assert options(draft, "requirement", "RB/designation", "obligation") == {"optional": ("bo",), "required": ("ann",)}
    assert chosen(draft, "requirement", "RB/designation", "obligation") == "optional"
    merged = item(draft, "requirement", "RB/designation").item
    assert merged == Requirement("RB", "designation", Obligation.OPTIONAL)


def test_resolve_sets_the_chosen_value_with_its_reason() -> None:
    draft = five_experts()
    done = resolve(draft, "attribute", "width", "unit", "M", reason="ISO 15 gives widths in m", by="lead")
    conflict = item(done, "attribute", "width").conflicts[0]
    assert conflict.chosen == "M"
    assert conflict.resolution == Resolution("unit", "M", "ISO 15 gives widths in m", "lead")
    width = item(done, "attribute", "width").item
    assert isinstance(width, Attribute) and width.unit == "M"
    assert len(done.open_conflicts) == len(draft.open_conflicts) - 1
    assert chosen(draft, "attribute", "width", "unit") == "MilliM"  # the draft itself is unchanged
    again = resolve(done, "attribute", "width", "unit", "MilliM", reason="back to mm", by="lead")
    assert item(again, "attribute", "width").item == item(draft, "attribute", "width").item
    fewer = next(v for v, e in options(draft, "codelist", "lubrication", "codes").items() if e == ("dai", "eve"))
    codes = resolve(draft, "codelist", "lubrication", "codes", fewer, reason="drop solid oil", by="x")
    lubrication = item(codes, "codelist", "lubrication").item
    assert isinstance(lubrication, CodeList) and [c.code for c in lubrication.codes] == ["none", "grease"]


@pytest.mark.parametrize(
    ("kind", "key", "field", "value", "reason", "words"),
    [
        ("attribute", "nope", "unit", "M", "r", "no attribute nope"),
        ("attribute", "mass", "unit", "GM", "r", "not in conflict"),
        ("attribute", "width", "unit", "KiloM", "r", "was not proposed"),
        ("attribute", "width", "unit", "M", "  ", "needs a reason"),
    ],
)
def test_resolve_refuses_what_cannot_be_resolved(
    kind: ItemKind, key: str, field: str, value: str, reason: str, words: str
) -> None:
    with pytest.raises(BadInput) as raised:
        resolve(five_experts(), kind, key, field, value, reason=reason, by="lead")
    assert words in raised.value.message
    assert raised.value.message_zh and raised.value.message_zh != raised.value.message


def test_apply_resolutions_is_resolve_in_sequence() -> None:
    draft = five_experts()
    steps: list[tuple[ItemKind, str, Resolution]] = [
        ("attribute", "width", Resolution("unit", "M", "metres", "lead")),
        ("requirement", "RB/designation", Resolution("obligation", "optional", "not every firm has one", "lead")),
    ]
    by_hand = resolve(resolve(draft, "attribute", "width", "unit", "M", reason="metres", by="lead"),
                      "requirement", "RB/designation", "obligation", "optional", reason="not every firm has one",
                      by="lead")
    assert apply_resolutions(draft, steps) == by_hand
    with pytest.raises(BadInput):
        apply_resolutions(draft, [("attribute", "width", Resolution("unit", "M", "", "lead"))])


def test_merge_refuses_ambiguous_proposals() -> None:
    with pytest.raises(BadInput):
        merge([], INFO)
    with pytest.raises(BadInput, match="repeated"):
        merge([("ann", STANDARD), ("ann", STANDARD)], INFO)
    dangling = replace(STANDARD, requirements=(*STANDARD.requirements, Requirement("B", "nope", Obligation.REQUIRED)))
    with pytest.raises(BadInput) as raised:
        merge([("ann", STANDARD), ("bo", dangling)], INFO)
    problems = [(p.source, p.message_zh) for p in raised.value.problems]
    assert problems == [("bo", "属性要求 B/nope 引用的 nope 不在该提案中")]


# --- order does not matter -----------------------------------------------------------------------

EXPERTS = ("ann", "bo", "chen", "dai")
T = TypeVar("T")


@st.composite
def proposal_sets(draw: st.DrawFn) -> list[tuple[str, Standard]]:
    """Variations of one random standard: renamed attributes, other units, dropped or changed requirements."""
    base = draw(standards(max_categories=5, max_attributes=5))
    out = []
    for expert in draw(st.lists(st.sampled_from(EXPERTS), min_size=1, max_size=4, unique=True)):
        s = base
        if draw(st.booleans()) and s.attributes:
            s = rename_attribute(s, draw(st.sampled_from(s.attributes)).code, f"renamed~{expert}")
        numeric = [a.code for a in s.attributes if a.datatype.numeric]
        if draw(st.booleans()) and numeric:
            s = change_attribute(s, draw(st.sampled_from(numeric)), unit=draw(st.sampled_from([None, *KINDS])))
        kept = [r for r in s.requirements if draw(st.booleans())]
        s = replace(s, requirements=tuple(replace(r, obligation=draw(st.sampled_from(Obligation))) for r in kept))
        out.append((expert, s))
    return out


def mix(items: tuple[T, ...], rnd: random.Random) -> tuple[T, ...]:
    return tuple(rnd.sample(items, len(items)))


def shuffled(s: Standard, rnd: random.Random) -> Standard:
    return replace(s, categories=mix(s.categories, rnd), attributes=mix(s.attributes, rnd),
                   code_lists=mix(s.code_lists, rnd), requirements=mix(s.requirements, rnd))


@settings(max_examples=60, deadline=None)
@given(proposal_sets(), st.randoms(use_true_random=False))
def test_the_draft_does_not_depend_on_the_order_of_proposals_or_items(
    proposals: list[tuple[str, Standard]], rnd: random.Random
) -> None:
    draft = merge(proposals, INFO, unit_kinds=KINDS)
    mixed = [(e, shuffled(s, rnd)) for e, s in rnd.sample(proposals, len(proposals))]
    assert merge(mixed, INFO, unit_kinds=KINDS) == draft
    # Every proposed item is in exactly one draft item, and no draft item holds two items of one expert.
    for expert, s in proposals:
        for kind, name in (("category", "categories"), ("attribute", "attributes"), ("codelist", "code_lists")):
            codes = sorted(m.code for i in draft.items if i.kind == kind for m in i.matches if m.expert == expert)
            assert codes == sorted(getattr(x, "id", None) or x.code for x in getattr(s, name))
    for i in draft.items:
        assert i.support == tuple(sorted({m.expert for m in i.matches})) == tuple(m.expert for m in i.matches)


@settings(max_examples=40, deadline=None)
@given(standards(), st.integers(1, 4))
def test_identical_random_proposals_round_trip(standard: Standard, copies: int) -> None:
    draft = merge([(EXPERTS[n], standard) for n in range(copies)], standard.info)
    assert draft.open_conflicts == []
    assert all(len(i.support) == copies for i in draft.items)
    assert items_of(to_standard(draft)) == items_of(standard)


# --- back to a standard --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def store(initialised_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    target = tmp_path_factory.mktemp("merge") / "store"
    shutil.copytree(initialised_store, target)
    opened = EmbeddedStore(target, base_iri=BASE, query_workers=1)
    yield opened
    opened.close()


def test_rejected_items_take_their_references_with_them(store: EmbeddedStore) -> None:
    assert check_standard(store, BEARINGS).conforms
    draft = five_experts()
    rejected = {("codelist", "seal_type"), ("category", "RB01"), ("attribute", "bore_diameter")}
    result = to_standard(draft, keep=lambda i: (i.kind, i.key) not in rejected)
    assert result.info == INFO
    assert "seal_type" not in {a.code for a in result.attributes}  # a code attribute without its code list
    assert {c.code: c.parent for c in result.categories if c.code in ("RB0101", "RB0102")} == {
        "RB0101": None, "RB0102": None}
    gone = {"RB01", "bore_diameter", "seal_type"}
    assert not [r for r in result.requirements if {r.category, r.attribute} & gone]
    assert len(result.requirements) == len([r for r in BEARINGS.requirements if not {r.category, r.attribute} & gone])
    assert any("attribute seal_type dropped" in n and "已删除属性 seal_type" in n for n in result.notes)
    assert any("category RB0101: parent RB01" in n for n in result.notes)
    assert sum("requirement" in n and "dropped" in n for n in result.notes) == len(BEARINGS.requirements) - len(
        result.requirements)
    report = check_standard(store, result)
    assert report.conforms and report.results == ()


def test_parents_chosen_into_a_cycle_are_cut() -> None:
    two = replace(STANDARD, categories=(Category("X", Text("甲", "X")), Category("Y", Text("乙", "Y"), parent="X")),
                  requirements=())
    other = replace(two, categories=(Category("X", Text("甲", "X"), parent="Y"), Category("Y", Text("乙", "Y"))))
    draft = merge([("ann", two), ("bo", other)], INFO)
    draft = resolve(draft, "category", "X", "parent", "Y", reason="r", by="lead")
    draft = resolve(draft, "category", "Y", "parent", "X", reason="r", by="lead")
    result = to_standard(draft)
    assert {c.code: c.parent for c in result.categories} == {"X": None, "Y": "X"}
    assert any("cycle" in n and "循环" in n for n in result.notes)


# --- the JSON and RDF views ----------------------------------------------------------------------

def test_draft_json_shows_support_matches_and_conflicts() -> None:
    draft = resolve(five_experts(), "attribute", "width", "unit", "M", reason="metres", by="lead")
    view = json.loads(json.dumps(draft_json(draft), ensure_ascii=False))
    assert view["experts"] == ["ann", "bo", "chen", "dai", "eve"] and view["open_conflicts"] == 6
    width = next(i for i in view["items"] if i["kind"] == "attribute" and i["key"] == "width")
    assert width["support_count"] == 5 and width["item"]["unit"] == "M"
    assert width["matches"][0] == {"expert": "ann", "code": "width", "reason": "same code", "reason_zh": "代码相同"}
    assert width["conflicts"] == [{
        "field": "unit", "chosen": "M",
        "options": [{"value": "MilliM", "experts": ["ann", "bo", "chen"], "support": 3},
                    {"value": "M", "experts": ["dai", "eve"], "support": 2}],
        "resolution": {"field": "unit", "value": "M", "reason": "metres", "by": "lead"},
    }]


def test_draft_triples_describe_items_supporters_and_conflicts() -> None:
    renamed = rename_attribute(BEARINGS, "bore_diameter", "inner_d")
    draft = merge([("ann", BEARINGS), ("bo", renamed), ("chen", change_attribute(BEARINGS, "width", unit="M"))], INFO)
    draft = resolve(draft, "attribute", "width", "unit", "M", reason="metres", by="lead")
    iri = "https://example.org/draft/1"
    triples = draft_triples(draft, iri, proposal_iri=lambda e: f"https://example.org/proposal/{e}",
                            expert_iri=lambda e: f"https://example.org/account/{e}")
    turtle = ox.serialize(triples, format=ox.RdfFormat.TURTLE)
    assert turtle is not None
    graph = Graph().parse(data=turtle.decode(), format="turtle")
    node = URIRef(iri)
    assert {(node, RDF.type, CPMS.ConsensusDraft), (node, RDF.type, PROV.Entity)} <= set(graph)
    assert len(set(graph.objects(node, PROV.wasDerivedFrom))) == 3
    items = set(graph.subjects(CPMS.inDraft, node))
    assert len(items) == len(draft.items)
    for i in draft.items:
        subject = URIRef(f"{iri}/item/{i.kind}/{i.key.replace('/', '%2F')}")
        assert graph.value(subject, CPMS.supportCount) == Literal(len(i.support), datatype=rdfns.XSD.integer)
        assert str(graph.value(subject, CPMS.itemKey)) == i.key
        assert len(set(graph.objects(subject, PROV.wasAttributedTo))) == len(i.support)
    bore = URIRef(f"{iri}/item/attribute/bore_diameter")
    reasons = {str(r) for m in graph.objects(bore, CPMS.hasMatch) for r in graph.objects(m, CPMS.matchReason)}
    assert any(r.startswith("similar names to bore_diameter") for r in reasons) and "代码相同" in reasons
    conflicts = [c for s in items for c in graph.objects(s, CPMS.hasConflict)]
    assert len(conflicts) == sum(len(i.conflicts) for i in draft.items)
    unit = URIRef(f"{iri}/item/attribute/width/conflict/unit")
    assert {str(o) for o in graph.objects(unit, CPMS.option)} == {"MilliM", "M"}
    assert str(graph.value(unit, CPMS.chosenValue)) == "M" and str(graph.value(unit, CPMS.resolutionReason)) == "metres"
    assert graph.value(unit, PROV.wasAttributedTo) == URIRef("https://example.org/account/lead")
