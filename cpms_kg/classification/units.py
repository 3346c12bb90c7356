"""The `units` scheme: QUDT units that carry an active UN/CEFACT Rec 20 code, as SKOS concepts + qudt:Unit."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cpms_kg.classification.profiles import LevelSpec, SchemeProfile
from cpms_kg.classification.skos import scheme_turtle
from cpms_kg.classification.table import Classification, Concept
from cpms_kg.classification.turtle import Names, decimal, literal

UNITS = SchemeProfile(
    scheme="units",
    title_zh="计量单位（QUDT，附 UN/CEFACT 第20号建议书代码）",
    title_en="Units of measure (QUDT, with UN/CEFACT Recommendation 20 codes)",
    levels=(LevelSpec(1, "计量单位", "unit"),),
    code_pattern=r"[A-Za-z0-9_-]+",
    external_iri_template="http://qudt.org/vocab/unit/{code}",
    notes="Concept code = QUDT unit local name. Only non-deprecated QUDT units with at least one "
    "Rec 20 code whose status is active in Rec 20 Rev.17 are included; other Rec 20 codes are dropped.",
)
QUDT_NS = "http://qudt.org/schema/qudt/"
UNIT_PREFIXES = {
    "unit": "http://qudt.org/vocab/unit/",
    "quantitykind": "http://qudt.org/vocab/quantitykind/",
    "qkdv": "http://qudt.org/vocab/dimensionvector/",
}


@dataclass(frozen=True)
class Unit:
    local_name: str
    label_en: str
    label_zh: str
    symbol: str
    ucum_codes: tuple[str, ...]
    rec20_codes: tuple[str, ...]
    multiplier: str
    offset: str
    dimension_vector: str
    quantity_kinds: tuple[str, ...]


@dataclass(frozen=True)
class UnitSelection:
    """The units kept, and what the Rec 20 cross-check dropped."""

    units: tuple[Unit, ...]
    candidates: int  # non-deprecated QUDT units with a Rec 20 code
    dropped_codes: tuple[str, ...]  # codes not active in Rec 20 (sorted)
    dropped_units: tuple[str, ...]  # units left without any active code (sorted)


def _split(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split("|") if p.strip())


def quantity_kinds(qudt_ttl: Path) -> dict[str, set[str]]:
    """Unit local name -> quantity kind local names, from QUDT's units Turtle.

    QUDT 3 links units with qudt:unitForQuantityKind (the CSV's quantity_kinds column only has the
    older qudt:hasQuantityKind, on 84 units), so both are read here.
    """
    import pyoxigraph

    unit_ns, kind_ns = UNIT_PREFIXES["unit"], UNIT_PREFIXES["quantitykind"]
    wanted = {QUDT_NS + "unitForQuantityKind", QUDT_NS + "hasQuantityKind"}
    kinds: dict[str, set[str]] = defaultdict(set)
    for t in pyoxigraph.parse(path=qudt_ttl, format=pyoxigraph.RdfFormat.TURTLE):
        s, o = t.subject, t.object
        if t.predicate.value in wanted and isinstance(s, pyoxigraph.NamedNode) and \
                isinstance(o, pyoxigraph.NamedNode) and s.value.startswith(unit_ns) and \
                o.value.startswith(kind_ns) and o.value != kind_ns + "Unknown":
            kinds[s.value.removeprefix(unit_ns)].add(o.value.removeprefix(kind_ns))
    return kinds


def select_units(qudt_csv: Path, rec20_csv: Path, qudt_ttl: Path | None = None) -> UnitSelection:
    """Non-deprecated QUDT units keeping only Rec 20 codes that are active in Rec 20.

    With `qudt_ttl`, quantity kinds also come from its qudt:unitForQuantityKind links.
    """
    kinds = quantity_kinds(qudt_ttl) if qudt_ttl else {}
    with rec20_csv.open(encoding="utf-8", newline="") as handle:
        active = {r["common_code"] for r in csv.DictReader(handle) if r["status"] == "active"}
    units: list[Unit] = []
    dropped_codes: set[str] = set()
    dropped_units: list[str] = []
    candidates = 0
    with qudt_csv.open(encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            codes = _split(r["unece_common_codes"])
            if r["deprecated"].strip() == "1" or not codes:
                continue
            candidates += 1
            kept = tuple(c for c in codes if c in active)
            dropped_codes.update(c for c in codes if c not in active)
            if not kept:
                dropped_units.append(r["local_name"])
                continue
            units.append(Unit(
                r["local_name"], r["label_en"].strip(), r["label_zh"].strip(), r["symbol"],
                _split(r["ucum_codes"]), kept, r["conversion_multiplier"].strip(),
                r["conversion_offset"].strip(), r["dimension_vector"].strip(),
                tuple(sorted(set(_split(r["quantity_kinds"])) | kinds.get(r["local_name"], set()))),
            ))
    units.sort(key=lambda u: u.local_name)
    return UnitSelection(tuple(units), candidates, tuple(sorted(dropped_codes)), tuple(sorted(dropped_units)))


def _properties(u: Unit) -> list[tuple[str, Sequence[str]]]:
    names = Names(UNIT_PREFIXES, vocabularies=())
    return [
        ("qudt:symbol", [literal(u.symbol)] if u.symbol else []),
        ("qudt:ucumCode", [literal(c, datatype="qudt:UCUMcs") for c in u.ucum_codes]),
        ("qudt:uneceCommonCode", [literal(c) for c in u.rec20_codes]),
        ("qudt:conversionMultiplier", [decimal(u.multiplier)] if u.multiplier else []),
        ("qudt:conversionOffset", [decimal(u.offset)] if u.offset else []),
        ("qudt:hasQuantityKind", [names.term("quantitykind", q) for q in u.quantity_kinds]),
        ("qudt:hasDimensionVector", [names.term("qkdv", u.dimension_vector)] if u.dimension_vector else []),
    ]


def units_turtle(selection: UnitSelection, *, header: Sequence[str], sources: Sequence[str]) -> str:
    concepts = tuple(
        Concept(u.local_name, 1, None, u.label_zh or None, u.label_en or None) for u in selection.units
    )
    return scheme_turtle(
        Classification(UNITS, concepts, "qudt_units.csv"),
        header=header,
        sources=sources,
        license="https://creativecommons.org/licenses/by/4.0/",
        prefixes=UNIT_PREFIXES,
        concept_types=("skos:Concept", "qudt:Unit"),
        extra={u.local_name: _properties(u) for u in selection.units},
    )
