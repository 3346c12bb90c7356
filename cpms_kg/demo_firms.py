"""Demo firms and the product tables they share, so that the data warehouse and the example queries have
answers after `cpms-kg init` (issue 7). The tables go through the real pipeline at init: checked
against the demo standard, committed to the firm's private graph, shared into the industry catalogue.

Six fictional firms, three bearing makers and three fastener makers, in three Zhejiang counties.
County codes: GB/T 2260 codes already used in this repository (330782 in cpms_kg/workflow/pilots.py,
330226 and 330282 in the pilot tests); ../shared/data has no GB/T 2260 table, so no other code is used.
Sizes and dimensions are rows of the BOLTS tables (../shared/data/bolts-standard-parts/PROVENANCE.md),
each kept with its class and key so that tests/test_catalogue.py checks it against bolts_table_rows.csv;
bolt lengths are BOLTS common lengths of hexbolt2, HS codes subheadings of HS 2017. Firm names, brands,
product codes and the dynamic load ratings (BOLTS has none) are demo values, not data of real firms.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from cpms_kg.iris import firm_iri
from cpms_kg.namespaces import CPMS, RDF, SKOS
from cpms_kg.standards.model import Text

Dims = dict[str, dict[str, float]]
"""BOLTS key (designation or thread size) -> table column -> value."""

# Deep groove: DIN 625-1; thrust: DIN 711 / ISO 104.
DEEP_GROOVE: Dims = {
    key: {"d1": d1, "d2": d2, "B": b, "r_fillet": r}
    for key, d1, d2, b, r in (
        ("6200", 10, 30, 9, 1), ("6201", 12, 32, 10, 1), ("6202", 15, 35, 11, 1), ("6203", 17, 40, 12, 1),
        ("6204", 20, 47, 14, 1.5), ("6205", 25, 52, 15, 1.5), ("6206", 30, 62, 16, 1.5),
    )
}
THRUST: Dims = {
    key: {"d_w": dw, "d_g": dg, "D_w": big_w, "D_g": big_g, "T": t, "r_fillet": 1}
    for key, dw, dg, big_w, big_g, t in (
        ("51200", 10, 12, 26, 26, 11), ("51201", 12, 14, 28, 28, 11), ("51202", 15, 17, 32, 32, 12),
        ("51203", 17, 19, 35, 35, 12), ("51204", 20, 22, 40, 40, 14), ("51205", 25, 27, 47, 47, 15),
    )
}
HEX_BOLT: Dims = {  # ISO 4014
    "M8": {"d1": 8.0, "k": 5.3, "s": 13.0, "b1": 22.0}, "M10": {"d1": 10.0, "k": 6.4, "s": 16.0, "b1": 26.0},
    "M12": {"d1": 12.0, "k": 7.5, "s": 18.0, "b1": 30.0}, "M16": {"d1": 16.0, "k": 10.0, "s": 24.0, "b1": 38.0},
}
HEX_NUT: Dims = {  # ISO 4032
    "M8": {"s": 13, "m_max": 6.8}, "M10": {"s": 16, "m_max": 8.4}, "M12": {"s": 18, "m_max": 10.8},
    "M16": {"s": 24, "m_max": 14.8},
}
WASHER: Dims = {  # ISO 7089
    "M8": {"d1": 8.4, "d2": 16, "s": 1.6}, "M10": {"d1": 10, "d2": 20, "s": 2}, "M12": {"d1": 13, "d2": 24, "s": 2.5},
    "M16": {"d1": 17, "d2": 30, "s": 3},
}
PITCH: Dims = {"M8": {"pitch": 1.25}, "M10": {"pitch": 1.5}, "M12": {"pitch": 1.75}, "M16": {"pitch": 2.0}}  # hexscrew1
BOLTS_ROWS: dict[str, Dims] = {  # BOLTS class -> its rows used here
    "singlerowradialbearing": DEEP_GROOVE,
    "axialthrustbearing": THRUST,
    "hexbolt2": HEX_BOLT,
    "hexagonnut1": HEX_NUT,
    "plainwasher1": WASHER,
    "hexscrew1": PITCH,
}
BOLT_LENGTHS = {"M8": (40, 60), "M10": (50, 80), "M12": (60, 100), "M16": (80, 120)}  # hexbolt2 common lengths
# Demo values: BOLTS has no load ratings.
_DYNAMIC_LOAD = {"6200": "5.1", "6201": "6.8", "6202": "7.8", "6203": "9.6", "6204": "12.8", "6205": "14.0",
                 "6206": "19.5", "51200": "12.7", "51201": "13.3", "51202": "16.6", "51203": "17.2",
                 "51204": "22.4", "51205": "27.8"}

BEARINGS, FASTENERS = "zj-rolling-bearings@1.0", "zj-fasteners@1.0"
DEEP_GROOVE_CATEGORY, THRUST_CATEGORY = "RB010101", "RB0102"
BOLT_CATEGORY, NUT_CATEGORY, WASHER_CATEGORY = "FA0101", "FA0201", "FA030101"


@dataclass(frozen=True)
class DemoFirm:
    id: str
    name: Text
    county: str
    """GB/T 2260 county code."""
    standard: str
    """ID@VERSION of the standard its table follows."""
    categories: tuple[str, ...]
    brand: str
    variants: tuple[str, ...]
    """Bearings: seal types of deep groove bearings; fasteners: surface treatments."""
    dataset: str = "demo-2025"


DEMO_FIRMS: tuple[DemoFirm, ...] = (
    DemoFirm("demo-bearing-a", Text("演示轴承甲公司", "Demo Bearings A Co."), "330782", BEARINGS,
             (DEEP_GROOVE_CATEGORY, THRUST_CATEGORY), "DEMO-A", ("open", "2RS")),
    DemoFirm("demo-bearing-b", Text("演示轴承乙公司", "Demo Bearings B Co."), "330226", BEARINGS,
             (DEEP_GROOVE_CATEGORY,), "DEMO-B", ("2Z", "2RS")),
    DemoFirm("demo-bearing-c", Text("演示轴承丙公司", "Demo Bearings C Co."), "330282", BEARINGS,
             (THRUST_CATEGORY,), "DEMO-C", ()),
    DemoFirm("demo-fastener-a", Text("演示紧固件甲公司", "Demo Fasteners A Co."), "330782", FASTENERS,
             (BOLT_CATEGORY, NUT_CATEGORY), "DEMO-FA", ("zinc-plated",)),
    DemoFirm("demo-fastener-b", Text("演示紧固件乙公司", "Demo Fasteners B Co."), "330282", FASTENERS,
             (NUT_CATEGORY, WASHER_CATEGORY), "DEMO-FB", ("zinc-plated", "hot-dip-galvanized")),
    DemoFirm("demo-fastener-c", Text("演示紧固件丙公司", "Demo Fasteners C Co."), "330282", FASTENERS,
             (BOLT_CATEGORY, WASHER_CATEGORY), "DEMO-FC", ("plain",)),
)

Row = dict[str, str]


def _num(value: float) -> str:
    return format(value, "g")


def _bearings(firm: DemoFirm) -> Iterator[Row]:
    common = {"precision_class": "P0", "material": "chrome-steel", "row_count": "1", "hs_code": "848210",
              "brand": firm.brand}
    if DEEP_GROOVE_CATEGORY in firm.categories:
        for key, dims in DEEP_GROOVE.items():
            for seal in firm.variants:
                suffix = "" if seal == "open" else f"-{seal}"
                yield {"code": key + suffix, "category": DEEP_GROOVE_CATEGORY, **common, "designation": key + suffix,
                       "bore_diameter": _num(dims["d1"]), "outside_diameter": _num(dims["d2"]),
                       "width": _num(dims["B"]), "chamfer_min": _num(dims["r_fillet"]), "seal_type": seal,
                       "dynamic_load_rating": _DYNAMIC_LOAD[key], "dimension_standard": "DIN625-1"}
    if THRUST_CATEGORY in firm.categories:
        for key, dims in THRUST.items():
            yield {"code": key, "category": THRUST_CATEGORY, **common, "designation": key,
                   "bore_diameter": _num(dims["d_w"]), "outside_diameter": _num(dims["D_g"]),
                   "height": _num(dims["T"]), "housing_washer_bore": _num(dims["d_g"]),
                   "shaft_washer_outside_diameter": _num(dims["D_w"]), "chamfer_min": _num(dims["r_fillet"]),
                   "thrust_direction": "single", "dynamic_load_rating": _DYNAMIC_LOAD[key],
                   "dimension_standard": "ISO104"}


def _fasteners(firm: DemoFirm) -> Iterator[Row]:
    for treatment in firm.variants:
        common = {"material": "carbon-steel", "surface_treatment": treatment, "brand": firm.brand}
        tag = "".join(w[0] for w in treatment.split("-")).upper()
        for size in HEX_BOLT if BOLT_CATEGORY in firm.categories else ():
            bolt = HEX_BOLT[size]
            for length in BOLT_LENGTHS[size]:
                yield {"code": f"B{size}X{length}-{tag}", "category": BOLT_CATEGORY, **common, "thread_size": size,
                       "product_standard": "ISO4014", "nominal_diameter": _num(bolt["d1"]),
                       "thread_pitch": _num(PITCH[size]["pitch"]), "nominal_length": str(length),
                       "thread_length": _num(bolt["b1"]), "head_height": _num(bolt["k"]),
                       "width_across_flats": _num(bolt["s"]), "bolt_property_class": "8.8", "product_grade": "A",
                       "hs_code": "731815"}
        for size in HEX_NUT if NUT_CATEGORY in firm.categories else ():
            yield {"code": f"N{size}-{tag}", "category": NUT_CATEGORY, **common, "thread_size": size,
                   "product_standard": "ISO4032", "thread_pitch": _num(PITCH[size]["pitch"]),
                   "width_across_flats": _num(HEX_NUT[size]["s"]), "nut_height": _num(HEX_NUT[size]["m_max"]),
                   "nut_property_class": "8", "product_grade": "A", "hs_code": "731816"}
        for size in WASHER if WASHER_CATEGORY in firm.categories else ():
            washer = WASHER[size]
            yield {"code": f"W{size}-{tag}", "category": WASHER_CATEGORY, **common, "thread_size": size,
                   "product_standard": "ISO7089", "washer_inner_diameter": _num(washer["d1"]),
                   "washer_outer_diameter": _num(washer["d2"]), "washer_thickness": _num(washer["s"]),
                   "washer_hardness_class": "200HV", "hs_code": "731822"}


def rows(firm: DemoFirm) -> list[Row]:
    """The firm's products: product code, category code and attribute codes to values."""
    return list(_bearings(firm) if firm.standard == BEARINGS else _fasteners(firm))


def table(firm: DemoFirm) -> bytes:
    """The firm's product table as UTF-8 CSV, headed 产品编码, 类目 and the attribute codes."""
    found = rows(firm)
    columns = sorted({k for r in found for k in r} - {"code", "category"})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["产品编码", "类目", *columns])
    writer.writerows([r["code"], r["category"], *(r.get(c, "") for c in columns)] for r in found)
    return out.getvalue().encode("utf-8")


def firm_triples(base_iri: str, firm: DemoFirm) -> list[ox.Triple]:
    """The firm's public record: a cpms:Firm with zh/en names and its county."""
    node = ox.NamedNode(firm_iri(base_iri, firm.id))
    return [
        ox.Triple(node, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(CPMS.Firm))),
        ox.Triple(node, ox.NamedNode(str(SKOS.prefLabel)), ox.Literal(firm.name.zh, language="zh")),
        ox.Triple(node, ox.NamedNode(str(SKOS.prefLabel)), ox.Literal(firm.name.en, language="en")),
        ox.Triple(node, ox.NamedNode(str(CPMS.regionCode)), ox.Literal(firm.county)),
    ]
