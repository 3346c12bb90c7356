"""A checked classification as SKOS + XKOS Turtle, with IRIs relative to the service's base IRI."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from cpms_kg import iris
from cpms_kg.classification.table import Classification
from cpms_kg.classification.turtle import (
    Names,
        concept_namespace,
    integer,
    iri,
    lang_of,
    literal,
    statement,
)


def labels(zh: str | None, en: str | None) -> list[str]:
    """prefLabels in the languages the source has: never translated."""
    return [literal(t, lang) for t, lang in ((en, "en"), (zh, "zh")) if t]


def scheme_turtle(
    table: Classification,
    *,
    header: Sequence[str],
    sources: Sequence[str] = (),
    description: str = "",
    license: str | None = None,
    prefixes: Mapping[str, str] | None = None,
    concept_types: Sequence[str] = ("skos:Concept",),
    extra: Mapping[str, Sequence[tuple[str, Sequence[str]]]] | None = None,
) -> str:
    """The Turtle text of a classification: scheme, levels and concepts, sorted by code.

    `sources` are IRIs cited with dcterms:source; without any, the table's file name is cited.
    `extra` adds (property, objects) per code, written with `prefixes` declared.
    """
    profile, scheme = table.profile, table.profile.scheme
    names = Names(concept_namespace(scheme) | dict(prefixes or {}))
    extra = extra or {}
    scheme_ref = iri(iris.scheme_path(scheme))
    levels = [iri(iris.level_path(scheme, d)) for d in range(1, table.level_count + 1)]
    by_depth: dict[int, list[str]] = defaultdict(list)
    children: dict[str, list[str]] = defaultdict(list)
    for c in table.concepts:
        ref = names.concept(scheme, c.code)
        by_depth[c.depth].append(ref)
        if c.parent is not None:
            children[c.parent].append(ref)

    out: list[str] = []
    out.append(statement(scheme_ref, [
        ("a", ["skos:ConceptScheme"]),
        ("skos:prefLabel", labels(profile.title_zh, profile.title_en)),
        ("dcterms:identifier", [literal(scheme)]),
        ("dcterms:source", [iri(s) for s in sources] or [literal(table.source)]),
        ("dcterms:description", [literal(description, "en")] if description else []),
        ("dcterms:license", [iri(license)] if license else []),
        ("skos:note", [literal(profile.notes, "en")] if profile.notes else []),
        ("xkos:numberOfLevels", [integer(table.level_count)]),
        ("xkos:levels", ["( " + " ".join(levels) + " )"] if levels else []),
        ("skos:hasTopConcept", by_depth[1]),
    ]))
    for depth, level_ref in enumerate(levels, start=1):
        spec = profile.level(depth)
        pattern = (
            [literal(f"[0-9]{{{spec.code_length}}}")]
            if spec.code_length and profile.code_pattern == "[0-9]+" else []
        )
        out.append("\n" + statement(level_ref, [
            ("a", ["xkos:ClassificationLevel"]),
            ("skos:prefLabel", labels(spec.name_zh, spec.name_en)),
            ("xkos:depth", [integer(depth)]),
            ("xkos:notationPattern", pattern),
            ("skos:member", by_depth[depth]),
        ]))
    for c in table.concepts:
        external = profile.external_iri_template
        out.append("\n" + statement(names.concept(scheme, c.code), [
            ("a", list(concept_types)),
            ("skos:notation", [literal(c.code)]),
            ("skos:prefLabel", labels(c.name_zh, c.name_en)),
            ("skos:inScheme", [scheme_ref]),
            ("skos:topConceptOf", [scheme_ref] if c.parent is None else []),
            ("skos:broader", [names.concept(scheme, c.parent)] if c.parent is not None else []),
            ("skos:narrower", children.get(c.code, [])),
            ("skos:scopeNote", [literal(c.notes, lang_of(c.notes))] if c.notes else []),
            ("skos:exactMatch", [iri(external.format(code=c.code))] if external else []),
            *extra.get(c.code, ()),
        ]))
    return names.document(header, out)
