"""Fifteen experts' proposals for a county's bearing standard: the demo standard with the kinds of
disagreement a real seminar has (renamed codes, another unit, a missing item, an extra item, a weaker
obligation), so the merge has matches by name, conflicts to resolve and items to reject."""

from __future__ import annotations

from dataclasses import replace

from cpms_kg.standards.demo import bearings
from cpms_kg.standards.model import Attribute, Datatype, Obligation, Requirement, Standard, Text

EXPERTS = [f"expert{i:02d}" for i in range(1, 16)]
FIRMS = [f"firm{i:02d}" for i in range(1, 16)]


def _rename_bore(standard: Standard) -> Standard:
    attributes = tuple(
        replace(a, code="inner_diameter") if a.code == "bore_diameter" else a for a in standard.attributes
    )
    requirements = tuple(
        replace(r, attribute="inner_diameter") if r.attribute == "bore_diameter" else r for r in standard.requirements
    )
    return replace(standard, attributes=attributes, requirements=requirements)


def _mass_in_grams(standard: Standard) -> Standard:
    return replace(
        standard, attributes=tuple(replace(a, unit="GM") if a.code == "mass" else a for a in standard.attributes)
    )


def _without_gtin(standard: Standard) -> Standard:
    return replace(
        standard,
        attributes=tuple(a for a in standard.attributes if a.code != "gtin"),
        requirements=tuple(r for r in standard.requirements if r.attribute != "gtin"),
    )


def _with_colour(standard: Standard) -> Standard:
    colour = Attribute("colour", Text("颜色", "Colour"), Datatype.STRING, definition=Text("外观颜色。", "Colour."))
    return replace(
        standard,
        attributes=(*standard.attributes, colour),
        requirements=(*standard.requirements, Requirement("RB", "colour", Obligation.OPTIONAL)),
    )


def _weaker_outside_diameter(standard: Standard) -> Standard:
    requirements = tuple(
        replace(r, obligation=Obligation.RECOMMENDED) if (r.category, r.attribute) == ("RB", "outside_diameter") else r
        for r in standard.requirements
    )
    return replace(standard, requirements=requirements)


def proposal(index: int) -> Standard:
    """Expert `index` (0-based): three rename a code, two use grams, one drops GTIN, one adds colour,
    two weaken a requirement; the rest propose the demo standard as it is."""
    standard = bearings()
    if index in (0, 1, 2):
        standard = _rename_bore(standard)
    if index in (3, 4):
        standard = _mass_in_grams(standard)
    if index == 5:
        standard = _without_gtin(standard)
    if index == 6:
        standard = _with_colour(standard)
    if index in (7, 8):
        standard = _weaker_outside_diameter(standard)
    return standard
