"""The shipped units scheme (QUDT units with Rec 20 codes) as a lookup and conversion table.

Unit codes are QUDT local names (MilliM, KiloN), the same codes `Attribute.unit` holds. Conversion goes through
QUDT's base-unit form: base = (value + offset) * multiplier; arithmetic is exact (fractions), so prefix conversions
(mm -> cm -> m, kN -> N) are exact decimals.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction
from functools import cache

import pyoxigraph as ox

from cpms_kg.resources import scheme_file

_BASE = "https://w3id.org/cpms-kg/id/"
_PREFIX = _BASE + "classification/units/"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_QUDT = "http://qudt.org/schema/qudt/"

# Chinese unit words and common spellings that the scheme's own labels and symbols do not cover. Every target is
# checked against units.ttl when the catalog loads (a missing one raises), so this table cannot drift silently.
ALIASES: dict[str, str] = {
    # length
    "毫米": "MilliM",
    "厘米": "CentiM",
    "分米": "DeciM",
    "米": "M",
    "千米": "KiloM",
    "公里": "KiloM",
    "微米": "MicroM",
    "um": "MicroM",
    "µm": "MicroM",
    # mass
    "克": "GM",
    "千克": "KiloGM",
    "公斤": "KiloGM",
    "吨": "TONNE",
    "t": "TONNE",
    # force, torque, pressure
    "牛": "N",
    "牛顿": "N",
    "千牛": "KiloN",
    "千牛顿": "KiloN",
    "牛·米": "N-M",
    "牛米": "N-M",
    "N.m": "N-M",
    "Nm": "N-M",
    "N*m": "N-M",
    "帕": "PA",
    "千帕": "KiloPA",
    "兆帕": "MegaPA",
    "MPA": "MegaPA",
    # rotational speed: "r/min" is the GB 3102 symbol, "rpm" the everyday one
    "r/min": "REV-PER-MIN",
    "rpm": "REV-PER-MIN",
    "RPM": "REV-PER-MIN",
    "转/分": "REV-PER-MIN",
    "转/分钟": "REV-PER-MIN",
    "转每分": "REV-PER-MIN",
    # temperature
    "摄氏度": "DEG_C",
    "℃": "DEG_C",
    "度": "DEG_C",
    "华氏度": "DEG_F",
    "℉": "DEG_F",
    "开": "K",
    # time
    "秒": "SEC",
    "分": "MIN",
    "分钟": "MIN",
    "小时": "HR",
    # counts
    "个": "ONE",
    "件": "ONE",
}


class IncompatibleUnits(ValueError):
    """The units measure different quantities (different QUDT dimension vectors)."""


@dataclass(frozen=True)
class Unit:
    code: str
    symbol: str | None
    label_en: str | None
    label_zh: str | None
    ucum: tuple[str, ...]
    rec20: str | None
    multiplier: Decimal
    offset: Decimal
    dimension: str | None
    """Local name of the QUDT dimension vector, e.g. A0E0L1I0M0H0T0D0."""


def _key(text: str) -> str:
    # NFKC folds full-width letters, the micro sign and ℃ compatibility forms; spaces are never significant.
    return "".join(unicodedata.normalize("NFKC", text).split())


class UnitCatalog:
    def __init__(self, units: dict[str, Unit]) -> None:
        self.units = units
        missing = sorted({c for c in ALIASES.values() if c not in units})
        if missing:
            raise ValueError(f"unit aliases point at codes missing from units.ttl: {missing}")
        # Tiers in priority order; a key that is ambiguous inside a tier is left out of it (see lookup).
        tiers: list[dict[str, set[str]]] = [{} for _ in range(7)]

        def add(tier: int, text: str | None, code: str, *, fold: bool = False) -> None:
            if text:
                k = _key(text)
                tiers[tier].setdefault(k.casefold() if fold else k, set()).add(code)

        for alias, code in ALIASES.items():
            add(0, alias, code)
        for u in units.values():
            add(1, u.symbol, u.code)
            for ucum in u.ucum:
                add(2, ucum, u.code)
            add(3, u.rec20, u.code)
            add(4, u.code, u.code)
            add(5, u.label_en, u.code, fold=True)
            add(6, u.label_zh, u.code)
        self._tiers = [{k: next(iter(v)) for k, v in tier.items() if len(v) == 1} for tier in tiers]

    def lookup(self, text: str) -> str | None:
        """The unit code `text` names (symbol, UCUM, Rec 20, code, en/zh label, alias), or None if none or ambiguous.

        Case matters for symbols and codes (mm is not Mm); English labels match case-insensitively.
        """
        k = _key(text)
        if not k:
            return None
        for i, tier in enumerate(self._tiers):
            hit = tier.get(k.casefold() if i == 5 else k)
            if hit is not None:
                return hit
        return None

    def get(self, code: str) -> Unit | None:
        return self.units.get(code)

    def symbol(self, code: str) -> str:
        u = self.units[code]
        return u.symbol or code

    def compatible(self, a: str, b: str) -> bool:
        ua, ub = self.units.get(a), self.units.get(b)
        return ua is not None and ub is not None and ua.dimension is not None and ua.dimension == ub.dimension

    def convert_exact(self, value: Decimal, from_unit: str, to_unit: str) -> Fraction:
        """`value` in `from_unit` expressed in `to_unit`, as an exact fraction."""
        if from_unit == to_unit:
            return Fraction(value)
        if not self.compatible(from_unit, to_unit):
            raise IncompatibleUnits(f"cannot convert {from_unit} to {to_unit}")
        src, dst = self.units[from_unit], self.units[to_unit]
        # QUDT: base = (value + offset) * multiplier, the offset being in the unit itself (°F: +459.67, then * 5/9).
        base = (Fraction(value) + Fraction(src.offset)) * Fraction(src.multiplier)
        return base / Fraction(dst.multiplier) - Fraction(dst.offset)

    def convert(self, value: Decimal, from_unit: str, to_unit: str) -> Decimal:
        """`value` in `from_unit` expressed in `to_unit` (see `convert_rounded`)."""
        return self.convert_rounded(value, from_unit, to_unit)[0]

    def convert_rounded(self, value: Decimal, from_unit: str, to_unit: str) -> tuple[Decimal, bool]:
        """`value` converted, and whether it had to be rounded.

        Exact when the result fits in max(15, digits of `value`) significant digits, which power-of-ten factors
        (mm -> m, kN -> N) and decimal offsets (°C -> K) always do. Otherwise it is rounded to that many digits:
        QUDT writes non-decimal factors (rev/min, °F) to 34 digits, so further digits are artefacts. Digits count
        from the larger of the result and the target's offset, so 32 °F -> 0 °C rather than 2E-32.
        """
        exact = self.convert_exact(value, from_unit, to_unit)
        offset = Fraction(self.units[to_unit].offset) if from_unit != to_unit else Fraction(0)
        scale = max(abs(exact), abs(exact + offset), abs(offset))
        return _round(exact, max(MIN_SIGNIFICANT, significant_digits(value)), scale)


MIN_SIGNIFICANT = 15


def significant_digits(value: Decimal) -> int:
    return len(value.normalize().as_tuple().digits)


def _round(f: Fraction, digits: int, scale: Fraction) -> tuple[Decimal, bool]:
    if scale == 0:
        return Decimal(0), False
    with localcontext() as ctx:
        ctx.prec = digits + 40  # ample: |f| <= scale, so quantizing to `digits` below `scale` fits
        top = (Decimal(scale.numerator) / Decimal(scale.denominator)).adjusted()
        approx = Decimal(f.numerator) / Decimal(f.denominator)
        rounded = approx.quantize(Decimal(1).scaleb(top - digits + 1), rounding=ROUND_HALF_EVEN)
    return plain(rounded), Fraction(rounded) != f


def lexical(d: Decimal) -> str:
    """`d` as an xsd:decimal lexical form: no exponent, no trailing zeros (1E-10 -> 0.0000000001, 2.50 -> 2.5)."""
    return f"{plain(d):f}"


def plain(d: Decimal) -> Decimal:
    """`d` without trailing zeros (2.50 -> 2.5, 1E+3 -> 1000, -0 -> 0)."""
    if d == 0:
        return Decimal(0)
    d = d.normalize()
    return d.quantize(Decimal(1)) if d.as_tuple().exponent > 0 else d  # type: ignore[operator]


def _local(term: object, prefix: str) -> str | None:
    if isinstance(term, ox.NamedNode) and term.value.startswith(prefix):
        return term.value[len(prefix) :]
    return None


def _load() -> dict[str, Unit]:
    data = scheme_file("units.ttl").read_bytes()
    props: dict[str, dict[str, list[ox.Literal]]] = {}
    for t in ox.parse(data, ox.RdfFormat.TURTLE, base_iri=_BASE):
        code = _local(t.subject, _PREFIX)
        if code is None or "/" in code:
            continue
        p = t.predicate.value
        if isinstance(t.object, ox.Literal):
            props.setdefault(code, {}).setdefault(p, []).append(t.object)
        elif p == _QUDT + "hasDimensionVector" and isinstance(t.object, ox.NamedNode):
            props.setdefault(code, {}).setdefault(p, []).append(ox.Literal(t.object.value.rsplit("/", 1)[-1]))
    units: dict[str, Unit] = {}
    for code, pv in props.items():

        def first(p: str, lang: str | None = None, pv: dict[str, list[ox.Literal]] = pv) -> str | None:
            return next((lit.value for lit in pv.get(p, []) if lang is None or lit.language == lang), None)

        mult = first(_QUDT + "conversionMultiplier")
        if mult is None:
            continue  # not a unit (the level concept)
        units[code] = Unit(
            code=code,
            symbol=first(_QUDT + "symbol"),
            label_en=first(_SKOS + "prefLabel", "en"),
            label_zh=first(_SKOS + "prefLabel", "zh"),
            ucum=tuple(lit.value for lit in pv.get(_QUDT + "ucumCode", [])),
            rec20=first(_QUDT + "uneceCommonCode"),
            multiplier=Decimal(mult),
            offset=Decimal(first(_QUDT + "conversionOffset") or "0"),
            dimension=first(_QUDT + "hasDimensionVector"),
        )
    return units


@cache
def catalog() -> UnitCatalog:
    """The shipped units scheme, parsed once per process."""
    return UnitCatalog(_load())
