"""The workflow services on an embedded store: group rules, the vote's quorum and threshold at their
boundaries, changed votes, and a draft returned by the regional reviewer starting a new round."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cpms_kg import accounts
from cpms_kg.accounts import Role
from cpms_kg.errors import BadInput, Conflict, Forbidden, RuleBreach, UsageError
from cpms_kg.standards.model import Status, Text
from cpms_kg.standards.rdf import load_standard
from cpms_kg.store.embedded import EmbeddedStore
from cpms_kg.workflow import groups, proposals, publication, review
from cpms_kg.workflow.groups import Phase
from cpms_kg.workflow.review import Choice
from tests.conftest import BASE
from tests.workflow_data import EXPERTS, FIRMS, proposal

STANDARD = "qz-bearings"


@pytest.fixture
def store(store_dir: Path) -> Iterator[EmbeddedStore]:
    opened = EmbeddedStore(store_dir, base_iri=BASE, query_workers=1)
    accounts.add_user(opened, "lead", [Role.EXPERT_LEAD])
    accounts.add_user(opened, "steward", [Role.FIRM_STEWARD], firm="acme")
    for expert in EXPERTS:
        accounts.add_user(opened, expert, [Role.EXPERT])
    yield opened
    opened.close()


def _group(store: EmbeddedStore, group_id: str = "g", **rule: str) -> groups.Group:
    return groups.create(
        store,
        group_id,
        name=Text("衢州轴承专家组", "Quzhou bearings experts"),
        standard_id=STANDARD,
        version="1.0",
        lead="lead",
        **rule,
    )


def _voting(store: EmbeddedStore) -> review.Draft:
    """A group of 15 whose members all proposed the demo standard as it is: no conflicts, vote open."""
    _group(store)
    for expert, firm in zip(EXPERTS, FIRMS, strict=True):
        groups.add_member(store, "g", expert, firm)
    same = proposal(14)
    for expert in EXPERTS:
        proposals.submit(store, "g", expert, same)
    review.close_seminar(store, "g")
    return review.open_vote(store, "g")


def test_group_rules(store: EmbeddedStore) -> None:
    with pytest.raises(UsageError):
        _group(store, "bad", quorum="3/2")
    with pytest.raises(RuleBreach, match="expert-lead"):
        groups.create(store, "x", name=Text("组", "group"), standard_id=STANDARD, version="1.0", lead=EXPERTS[0])
    group = _group(store)
    assert group.phase is Phase.PROPOSALS and str(group.quorum) == "2/3"
    groups.add_member(store, "g", EXPERTS[0], FIRMS[0])
    with pytest.raises(Conflict):
        groups.add_member(store, "g", EXPERTS[0], FIRMS[1])
    with pytest.raises(RuleBreach) as caught:
        groups.add_member(store, "g", EXPERTS[1], FIRMS[0])
    assert "每家企业至多一名专家" in caught.value.message_zh
    with pytest.raises(RuleBreach, match="does not have the role"):
        groups.add_member(store, "g", "steward", "acme")
    with pytest.raises(Forbidden):
        proposals.submit(store, "g", EXPERTS[1], proposal(0))
    proposals.submit(store, "g", EXPERTS[0], proposal(0))
    with pytest.raises(RuleBreach, match="at least 15"):
        review.close_seminar(store, "g")
    assert groups.load(store, "g").phase is Phase.PROPOSALS


def _ballot(draft: review.Draft, choice: Choice) -> list[tuple[review.ItemKind, str, Choice, str]]:
    return [(item.kind, item.key, choice, "") for item in draft.items]


def test_quorum_and_threshold_at_their_boundaries(store: EmbeddedStore) -> None:
    draft = _voting(store)
    first = draft.items[0]
    for expert in EXPERTS[:9]:  # 9 of 15 is under two thirds
        review.vote(store, "g", expert, _ballot(draft, Choice.APPROVE))
    with pytest.raises(RuleBreach) as caught:
        review.close_vote(store, "g")
    assert len(caught.value.problems) == len(draft.items)
    review.vote(store, "g", EXPERTS[9], _ballot(draft, Choice.APPROVE))  # 10 = ceil(2/3 * 15)
    for expert in EXPERTS[:4]:  # 6 approve, 4 reject: 0.6 of the votes cast, under 2/3
        review.vote(store, "g", expert, [(first.kind, first.key, Choice.REJECT, "不需要 · not needed")])
    tallies = {(t.kind, t.key): t for t in review.tally(store, "g")[2]}
    assert tallies[(first.kind, first.key)].outcome == "rejected"
    assert (tallies[(first.kind, first.key)].approve, tallies[(first.kind, first.key)].reject) == (6, 4)
    review.vote(store, "g", EXPERTS[0], [(first.kind, first.key, Choice.APPROVE, "")])  # 7 of 10: adopted
    tallies = {(t.kind, t.key): t for t in review.tally(store, "g")[2]}
    assert tallies[(first.kind, first.key)].outcome == "adopted"
    assert all(t.outcome == "adopted" for t in tallies.values())
    with pytest.raises(Forbidden):
        review.vote(store, "g", "steward", _ballot(draft, Choice.APPROVE))


def test_a_returned_draft_starts_a_new_round(store: EmbeddedStore) -> None:
    draft = _voting(store)
    for expert in EXPERTS:
        review.vote(store, "g", expert, _ballot(draft, Choice.APPROVE))
    review.close_vote(store, "g")
    assert load_standard(store, STANDARD, "1.0", trusted=True).info.status is Status.UNDER_REVIEW
    with pytest.raises(BadInput, match="comments"):
        publication.regional_review(store, "g", "reviewer", approve=False, comment=" ")
    group = publication.regional_review(store, "g", "reviewer", approve=False, comment="单位需统一 · units")
    assert (group.phase, group.round) == (Phase.DRAFT, 2)
    assert load_standard(store, STANDARD, "1.0", trusted=True).info.status is Status.CONSENSUS
    review.open_vote(store, "g")
    assert all(t.voted == 0 for t in review.tally(store, "g")[2])  # round 1's votes stay with round 1
    for expert in EXPERTS:
        review.vote(store, "g", expert, _ballot(draft, Choice.APPROVE))
    review.close_vote(store, "g")
    publication.regional_review(store, "g", "reviewer", approve=True, comment="")
    published = publication.publish(store, "g", "reviewer")
    assert published.info.status is Status.PUBLISHED_PROVINCIAL and published.info.expert_group == "g"
    assert load_standard(store, STANDARD, "1.0").info.status is Status.PUBLISHED_PROVINCIAL  # now public
    with pytest.raises(Conflict):
        publication.publish(store, "g", "reviewer")


def test_a_refused_proposal_names_the_uploaded_file_not_the_servers_folder(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from cpms_kg.standards.demo import bearings
    from cpms_kg.standards.spreadsheet import write_standard

    book = tmp_path / "mine.xlsx"
    write_standard(bearings(), book, format="xlsx")
    workbook = load_workbook(book)
    sheet = workbook.worksheets[1]  # categories: row 2 is the first category, column C its English name
    sheet.cell(row=2, column=3).value = None
    workbook.save(book)
    with pytest.raises(BadInput) as refused:
        proposals.read_bytes(book.read_bytes(), "提案.xlsx", "https://w3id.org/cpms-kg/id/")
    texts = [refused.value.message, refused.value.message_zh, *(str(p) for p in refused.value.problems)]
    assert refused.value.problems and all("cpms-proposal-" not in t for t in texts)
    assert "提案.xlsx" in refused.value.message and (refused.value.problems[0].source or "").startswith("提案.xlsx")
