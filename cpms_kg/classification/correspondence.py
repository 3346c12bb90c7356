"""A correspondence table between two schemes as an xkos:Correspondence plus SKOS mapping links."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cpms_kg import iris
from cpms_kg.classification.table import Classification
from cpms_kg.classification.turtle import Names, concept_namespace, iri, literal, statement
from cpms_kg.errors import BadInput, Problem

MAPPINGS = ("exactMatch", "broadMatch", "narrowMatch", "relatedMatch")
CARDINALITIES = ("one-to-one", "many-to-one", "one-to-many", "many-to-many")


@dataclass(frozen=True)
class Association:
    """One row: source and target codes, cardinality seen from source to target, SKOS mapping."""

    source_code: str
    target_code: str
    cardinality: str
    mapping: str  # local name of the skos mapping property, e.g. broadMatch


def read_associations(path: Path, source: Classification, target: Classification) -> list[Association]:
    """Rows of a CSV with columns {source}_code, {target}_code, cardinality, skos_relation."""
    src, tgt = source.profile.scheme, target.profile.scheme
    known = {src: {c.code for c in source.concepts}, tgt: {c.code for c in target.concepts}}
    columns = (f"{src}_code", f"{tgt}_code", "cardinality", "skos_relation")
    problems: list[Problem] = []

    def fail(row: int, column: str, en: str, zh: str) -> None:
        problems.append(Problem(en, source=str(path), line=row, column=column, message_zh=zh))

    rows: list[Association] = []
    seen: dict[tuple[str, str], int] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        for column in missing:
            fail(1, column, f"missing column {column}", f"缺少列 {column}")
        for number, rec in enumerate(reader if not missing else [], start=2):
            a = Association(rec[columns[0]].strip(), rec[columns[1]].strip(), rec["cardinality"].strip(),
                            rec["skos_relation"].strip().removeprefix("skos:"))
            for scheme, code, column in ((src, a.source_code, columns[0]), (tgt, a.target_code, columns[1])):
                if code not in known[scheme]:
                    fail(number, column, f"{code!r} is not a {scheme} code", f"{code!r} 不是 {scheme} 代码")
            if a.cardinality not in CARDINALITIES:
                fail(number, "cardinality", f"unknown cardinality {a.cardinality!r}",
                     f"未知对应关系 {a.cardinality!r}")
            if a.mapping not in MAPPINGS:
                fail(number, "skos_relation", f"unknown SKOS mapping {a.mapping!r}",
                     f"未知 SKOS 映射 {a.mapping!r}")
            pair = (a.source_code, a.target_code)
            if pair in seen:
                fail(number, columns[1], f"duplicate pair {pair[0]} -> {pair[1]} (first at row {seen[pair]})",
                     f"重复的对应 {pair[0]} -> {pair[1]}（首次出现在第 {seen[pair]} 行）")
            seen.setdefault(pair, number)
            rows.append(a)
    if problems:
        raise BadInput(f"{len(problems)} problems in {path}", f"{path} 中有 {len(problems)} 个问题",
                       problems=problems)
    return sorted(rows, key=lambda a: (a.source_code, a.target_code))


def correspondence_turtle(
    source: str,
    target: str,
    associations: Sequence[Association],
    *,
    header: Sequence[str],
    title_en: str,
    title_zh: str,
    sources: Sequence[str] = (),
    note: str = "",
) -> str:
    """xkos:Correspondence with one xkos:ConceptAssociation per row, and the SKOS mapping links."""
    ident = f"{source}-{target}"
    names = Names(concept_namespace(source) | concept_namespace(target)
                  | {ident: iris.correspondence_path(source, target) + "/"})
    assoc = [names.term(ident, f"{iris.segment(a.source_code)}-{iris.segment(a.target_code)}")
             for a in associations]
    out: list[str] = []
    out.append(statement(iri(iris.correspondence_path(source, target)), [
        ("a", ["xkos:Correspondence"]),
        ("skos:prefLabel", [literal(title_en, "en"), literal(title_zh, "zh")]),
        ("dcterms:identifier", [literal(ident)]),
        ("xkos:compares", [iri(iris.scheme_path(source)), iri(iris.scheme_path(target))]),
        ("dcterms:source", [iri(s) for s in sources]),
        ("skos:note", [literal(note, "en")] if note else []),
        ("xkos:madeOf", assoc),
    ]))
    for ref, a in zip(assoc, associations, strict=True):
        out.append("\n" + statement(ref, [
            ("a", ["xkos:ConceptAssociation"]),
            ("xkos:sourceConcept", [names.concept(source, a.source_code)]),
            ("xkos:targetConcept", [names.concept(target, a.target_code)]),
            ("cpms:associationCardinality", [literal(a.cardinality)]),
        ]))
    links: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for a in associations:
        links[a.source_code][a.mapping].append(names.concept(target, a.target_code))
    out.append("\n# SKOS mapping links (source concept -> target concept)\n")
    for code, by_mapping in links.items():
        out.append(statement(names.concept(source, code),
                             [(f"skos:{m}", by_mapping[m]) for m in MAPPINGS if m in by_mapping]))
    return names.document(header, out)
