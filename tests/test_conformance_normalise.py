"""Cell normalisation (issue 4 part 3): each rule, unit conversion against known factors, code labels, properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpms_kg.conformance.normalise import Normalised, normalise
from cpms_kg.conformance.units import ALIASES, IncompatibleUnits, catalog
from cpms_kg.standards.demo import DEMO_STANDARDS
from cpms_kg.standards.model import Attribute, Code, CodeList, Datatype, Text


def attr(datatype: Datatype, unit: str | None = None, code_list: str | None = None) -> Attribute:
    return Attribute("a", Text("属性", "attribute"), datatype, unit=unit, code_list=code_list)


SEALS = CodeList(
    "seal_type",
    Text("密封型式", "Seal types"),
    (
        Code("open", Text("开式", "open")),
        Code("2RS", Text("双面接触式橡胶密封圈", "contact rubber seals on both sides")),
        Code("2Z", Text("双面金属防尘盖", "metal shields on both sides")),
        Code("Zx", Text("甲", "case one")),
        Code("ZX", Text("乙", "case two")),
        Code("dup1", Text("重复", "duplicate")),
        Code("dup2", Text("重复", "duplicate label")),
    ),
)

MM = attr(Datatype.DECIMAL, "MilliM")
INT_MM = attr(Datatype.INTEGER, "MilliM")
KN = attr(Datatype.DECIMAL, "KiloN")
CEL = attr(Datatype.DECIMAL, "DEG_C")
RPM = attr(Datatype.INTEGER, "REV-PER-MIN")
NM = attr(Datatype.DECIMAL, "N-M")
MPA = attr(Datatype.DECIMAL, "MegaPA")
KG = attr(Datatype.DECIMAL, "KiloGM")
PLAIN = attr(Datatype.DECIMAL)
BOOL = attr(Datatype.BOOLEAN)
DATE = attr(Datatype.DATE)
CODE = attr(Datatype.CODE, code_list="seal_type")
STRING = attr(Datatype.STRING)


def rules(n: Normalised) -> list[str]:
    return [c.rule for c in n.changes]


# (text, attribute, unit column, expected value, expected rule ids in order)
CASES: list[tuple[str, Attribute, str | None, str | None, list[str]]] = [
    # trim / empty
    ("  25 ", MM, None, "25", ["trim"]),
    ("\u3000\u00a025\t", MM, None, "25", ["trim"]),
    ("   ", MM, None, None, ["trim"]),
    ("", MM, None, None, []),
    ("  深沟球轴承  ", STRING, None, "深沟球轴承", ["trim"]),
    ("ＡＢＣ", STRING, None, "ＡＢＣ", []),  # free text keeps the firm's full-width forms
    # full-width
    ("２５", MM, None, "25", ["fullwidth"]),
    ("２．５ｃｍ", MM, None, "25", ["fullwidth", "unit-suffix"]),
    ("－３", PLAIN, None, "-3", ["fullwidth"]),
    # thousands and decimal commas
    ("1,234.5", MM, None, "1234.5", ["thousands"]),
    ("1,234", MM, None, "1234", ["thousands"]),
    ("1,234,567", MM, None, "1234567", ["thousands"]),
    ("1 234,5", MM, None, "1234.5", ["thousands", "decimal-comma"]),
    ("1 234 567", MM, None, "1234567", ["thousands"]),
    ("1.234,5", MM, None, "1234.5", ["thousands", "decimal-comma"]),
    ("1.234.567", MM, None, "1234567", ["thousands"]),
    ("1'234.5", MM, None, "1234.5", ["thousands"]),
    ("2,5", MM, None, "2.5", ["decimal-comma"]),
    ("0,125", MM, None, "0.125", ["decimal-comma"]),
    ("1234,567", MM, None, "1234.567", ["decimal-comma"]),
    ("-2,5", MM, None, "-2.5", ["decimal-comma"]),
    ("1,234.5 mm", MM, None, "1234.5", ["thousands", "unit-suffix"]),
    # already normal: nothing recorded
    ("25", MM, None, "25", []),
    ("2.50", MM, None, "2.50", []),
    ("-0.5", PLAIN, None, "-0.5", []),
    # unit suffixes, converted to the attribute's unit
    ("25mm", MM, None, "25", ["unit-suffix"]),
    ("25 毫米", MM, None, "25", ["unit-suffix"]),
    ("2.5 cm", MM, None, "25", ["unit-suffix"]),
    ("2.5厘米", MM, None, "25", ["unit-suffix"]),
    ("0.025 m", MM, None, "25", ["unit-suffix"]),
    ("0.025米", MM, None, "25", ["unit-suffix"]),
    ("25000 μm", MM, None, "25", ["unit-suffix"]),
    ("25000um", MM, None, "25", ["unit-suffix"]),
    ("1000 N", KN, None, "1", ["unit-suffix"]),
    ("1500牛", KN, None, "1.5", ["unit-suffix"]),
    ("12 千牛", KN, None, "12", ["unit-suffix"]),
    ("12kN", KN, None, "12", ["unit-suffix"]),
    ("1500 r/min", RPM, None, "1500", ["unit-suffix"]),
    ("1500rpm", RPM, None, "1500", ["unit-suffix"]),
    ("1500 转/分", RPM, None, "1500", ["unit-suffix"]),
    ("25 rev/s", RPM, None, "1500", ["unit-suffix"]),  # factors carry 34 digits; rounding to 15 gives exactly 1500
    ("120 °C", CEL, None, "120", ["unit-suffix"]),
    ("120℃", CEL, None, "120", ["unit-suffix"]),
    ("120摄氏度", CEL, None, "120", ["unit-suffix"]),
    ("393.15 K", CEL, None, "120", ["unit-suffix"]),
    ("212 °F", CEL, None, "100", ["unit-suffix"]),
    ("-40 °F", CEL, None, "-40", ["unit-suffix"]),
    ("8.8 N·m", NM, None, "8.8", ["unit-suffix"]),
    ("8.8 牛·米", NM, None, "8.8", ["unit-suffix"]),
    ("800 兆帕", MPA, None, "800", ["unit-suffix"]),
    ("0.8 GPa", MPA, None, "800", ["unit-suffix"]),
    ("250 克", KG, None, "0.25", ["unit-suffix"]),
    ("1.5 公斤", KG, None, "1.5", ["unit-suffix"]),
    ("2 t", KG, None, "2000", ["unit-suffix"]),
    ("100 °F", CEL, None, "37.777777777778", ["unit-suffix"]),  # 15 digits at the scale of 310.93 K
    ("32 °F", CEL, None, "0", ["unit-suffix"]),
    ("1E-10", PLAIN, None, "0.0000000001", ["exponent"]),
    ("1.5E+3 mm", MM, None, "1500", ["exponent", "unit-suffix"]),
    ("2,5e3", PLAIN, None, "2500", ["decimal-comma", "exponent"]),
    # a separate unit column
    ("2.5", MM, "cm", "25", ["unit-column"]),
    ("2.5", MM, " 厘米 ", "25", ["unit-column"]),
    ("25", MM, "mm", "25", []),
    ("2.5cm", MM, "厘米", "25", ["unit-suffix"]),  # both given and agreeing
    ("25", MM, "", "25", []),
    # integers
    ("3.0", INT_MM, None, "3", ["integer"]),
    ("+3", INT_MM, None, "3", ["integer"]),
    ("0.3 cm", INT_MM, None, "3", ["unit-suffix"]),
    ("3", INT_MM, None, "3", []),
    # booleans
    ("是", BOOL, None, "true", ["boolean"]),
    ("否", BOOL, None, "false", ["boolean"]),
    ("Y", BOOL, None, "true", ["boolean"]),
    ("n", BOOL, None, "false", ["boolean"]),
    ("TRUE", BOOL, None, "true", ["boolean"]),
    ("1", BOOL, None, "true", ["boolean"]),
    ("0", BOOL, None, "false", ["boolean"]),
    ("１", BOOL, None, "true", ["fullwidth", "boolean"]),
    ("true", BOOL, None, "true", []),
    ("false", BOOL, None, "false", []),
    # dates
    ("2024-01-31", DATE, None, "2024-01-31", []),
    ("2024/1/31", DATE, None, "2024-01-31", ["date-format"]),
    ("2024.1.31", DATE, None, "2024-01-31", ["date-format"]),
    ("2024-1-5", DATE, None, "2024-01-05", ["date-format"]),
    ("2024年1月31日", DATE, None, "2024-01-31", ["date-format"]),
    ("２０２４年１月３１日", DATE, None, "2024-01-31", ["fullwidth", "date-format"]),
    ("20240131", DATE, None, "2024-01-31", ["date-format"]),
    ("2024-01-31 00:00:00", DATE, None, "2024-01-31", ["date-format"]),
    ("2024-01-31T00:00", DATE, None, "2024-01-31", ["date-format"]),
    ("45322", DATE, None, "2024-01-31", ["date-serial"]),
    ("1", DATE, None, "1900-01-01", ["date-serial"]),
    ("59", DATE, None, "1900-02-28", ["date-serial"]),
    ("61", DATE, None, "1900-03-01", ["date-serial"]),
    # code lists
    ("2RS", CODE, None, "2RS", []),
    ("2rs", CODE, None, "2RS", ["code-case"]),
    ("OPEN", CODE, None, "open", ["code-case"]),
    ("Zx", CODE, None, "Zx", []),  # exact match wins over the two case-insensitive ones
    ("双面接触式橡胶密封圈", CODE, None, "2RS", ["code-label"]),
    ("Metal Shields on Both Sides", CODE, None, "2Z", ["code-label"]),
    ("２ＲＳ", CODE, None, "2RS", ["fullwidth"]),
    ("２ｒｓ", CODE, None, "2RS", ["fullwidth", "code-case"]),
    (" 开式 ", CODE, None, "open", ["trim", "code-label"]),
    ("anything", attr(Datatype.CODE), None, "anything", []),  # no code list known: left to the validator
]


@pytest.mark.parametrize(("text", "attribute", "unit_column", "value", "rule_ids"), CASES)
def test_rules(
    text: str, attribute: Attribute, unit_column: str | None, value: str | None, rule_ids: list[str]
) -> None:
    out = normalise(text, attribute, SEALS if attribute.code_list else None, unit_column=unit_column)
    assert out.error is None, out.error
    assert out.value == value
    assert rules(out) == rule_ids
    for change in out.changes:
        assert change.original != change.normalised
        assert change.description.zh and change.description.en


def test_changes_chain_from_original_to_value() -> None:
    out = normalise(" １,２３４.５ｃｍ ", MM, None)
    assert out.value == "12345"
    assert [(c.rule, c.original, c.normalised) for c in out.changes] == [
        ("trim", " １,２３４.５ｃｍ ", "１,２３４.５ｃｍ"),
        ("fullwidth", "１,２３４.５ｃｍ", "1,234.5cm"),
        ("thousands", "1,234.5", "1234.5"),
        ("unit-suffix", "1,234.5cm", "12345"),
    ]
    assert "cm" in out.changes[-1].description.en and "mm" in out.changes[-1].description.zh


ERRORS: list[tuple[str, Attribute, str | None, str]] = [
    ("abc", MM, None, "not-number"),
    ("约25", MM, None, "not-number"),
    ("1,23,4", MM, None, "not-number"),
    ("12,34.5", MM, None, "not-number"),
    ("25 2", MM, None, "not-number"),
    ("1.2.3", MM, None, "not-number"),
    ("3.5", INT_MM, None, "not-integer"),
    ("0.35 cm", INT_MM, None, "not-integer"),
    ("25 furlongs!", MM, None, "unit-unknown"),
    ("25", MM, "parsecs?", "unit-unknown"),
    ("25 kg", MM, None, "unit-incompatible"),
    ("25 kN", NM, None, "unit-incompatible"),
    ("25 °C", KN, None, "unit-incompatible"),
    ("2.5 cm", MM, "kg", "unit-conflict"),
    ("25 mm", PLAIN, None, "unit-unexpected"),
    ("maybe", BOOL, None, "not-boolean"),
    ("2024-02-30", DATE, None, "not-date"),
    ("31/01/2024", DATE, None, "not-date"),  # day-first or month-first cannot be told apart: not guessed
    ("2024-01-31 12:30", DATE, None, "not-date"),
    ("0", DATE, None, "not-date"),
    ("60", DATE, None, "not-date"),  # Excel's fictitious 1900-02-29
    ("nonsense", CODE, None, "code-unknown"),
    ("zx", CODE, None, "code-ambiguous"),
    ("重复", CODE, None, "code-ambiguous"),
]


@pytest.mark.parametrize(("text", "attribute", "unit_column", "rule"), ERRORS)
def test_errors_keep_the_raw_value(text: str, attribute: Attribute, unit_column: str | None, rule: str) -> None:
    out = normalise(text, attribute, SEALS, unit_column=unit_column)
    assert out.error is not None
    assert out.error.rule == rule
    assert out.error.message.zh and out.error.message.en
    assert out.value == text
    assert out.changes == ()


# Known factors, straight from the catalog.
@pytest.mark.parametrize(
    ("value", "src", "dst", "expected"),
    [
        ("25", "MilliM", "CentiM", "2.5"),
        ("25", "MilliM", "M", "0.025"),
        ("2.5", "CentiM", "M", "0.025"),
        ("1", "KiloN", "N", "1000"),
        ("1", "KiloGM", "GM", "1000"),
        ("1", "MegaPA", "PA", "1000000"),
        ("0", "DEG_C", "K", "273.15"),
        ("100", "DEG_C", "DEG_F", "212"),
        ("32", "DEG_F", "DEG_C", "0"),
        ("1", "REV-PER-SEC", "REV-PER-MIN", "60"),
    ],
)
def test_convert_known_factors(value: str, src: str, dst: str, expected: str) -> None:
    assert catalog().convert(Decimal(value), src, dst) == Decimal(expected)


def test_convert_refuses_other_dimensions() -> None:
    with pytest.raises(IncompatibleUnits):
        catalog().convert(Decimal(1), "MilliM", "KiloGM")
    with pytest.raises(IncompatibleUnits):
        catalog().convert(Decimal(1), "N-M", "KiloN")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("mm", "MilliM"),
        ("cm", "CentiM"),
        ("kN", "KiloN"),
        ("°C", "DEG_C"),
        ("r/min", "REV-PER-MIN"),
        ("rpm", "REV-PER-MIN"),
        ("rev/min", "REV-PER-MIN"),
        ("MMT", "MilliM"),  # Rec 20
        ("Cel", "DEG_C"),  # UCUM
        ("N.m", "N-M"),
        ("Millimetre", "MilliM"),
        ("KILONEWTON", "KiloN"),
        ("牛顿", "N"),  # zh label in the scheme
        ("公斤", "KiloGM"),
        ("ｍｍ", "MilliM"),
        ("µm", "MicroM"),  # micro sign U+00B5
        ("μm", "MicroM"),  # Greek mu U+03BC
        ("MilliM", "MilliM"),
        ("Mm", None),  # not millimetre: case matters for symbols
        ("furlong-ish", None),
        ("", None),
    ],
)
def test_lookup(text: str, code: str | None) -> None:
    assert catalog().lookup(text) == code


def test_aliases_and_demo_units_exist() -> None:
    units = catalog()
    for alias, code in ALIASES.items():
        assert units.get(code) is not None, alias
        assert units.lookup(alias) == code, alias
    demo_units = {a.unit for s in DEMO_STANDARDS for a in s.attributes if a.unit}
    assert demo_units >= {"MilliM", "KiloN", "REV-PER-MIN", "KiloGM", "DEG_C", "MegaPA", "N-M", "ONE"}
    for code in demo_units:
        unit = units.get(code)
        assert unit is not None and unit.dimension and unit.multiplier > 0, code
        assert units.lookup(units.symbol(code)) == code, code


def test_catalog_is_cached() -> None:
    assert catalog() is catalog()


# Units with exact (power-of-ten) factors to each other, by the attribute unit they convert to.
_FAMILIES = {
    "MilliM": ["MilliM", "CentiM", "M", "KiloM", "MicroM", "DeciM"],
    "KiloN": ["KiloN", "N", "MegaN"],
    "KiloGM": ["KiloGM", "GM", "TONNE"],
    "MegaPA": ["MegaPA", "PA", "KiloPA", "GigaPA"],
    "DEG_C": ["DEG_C", "K"],
}
_DECIMALS = st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(
    d=_DECIMALS,
    pair=st.sampled_from([(t, u) for t, us in _FAMILIES.items() for u in us]),
    space=st.sampled_from(["", " "]),
    how=st.sampled_from(["suffix", "column"]),
)
def test_property_conversion_is_exact_and_idempotent(d: Decimal, pair: tuple[str, str], space: str, how: str) -> None:
    target, unit = pair
    units = catalog()
    attribute = attr(Datatype.DECIMAL, target)
    text = f"{d:f}{space}{units.symbol(unit)}" if how == "suffix" else f"{d:f}"
    out = normalise(text, attribute, None, unit_column=units.symbol(unit) if how == "column" else None)
    assert out.error is None, (text, out.error)
    assert out.value is not None
    # d in u equals the result in the attribute's unit, and back again, exactly.
    assert units.convert_exact(d, unit, target) == Decimal(out.value)
    assert units.convert(Decimal(out.value), target, unit) == d
    again = normalise(out.value, attribute, None)
    assert again.value == out.value and again.changes == () and again.error is None


_ANY_ATTR = st.sampled_from([MM, INT_MM, KN, CEL, RPM, PLAIN, BOOL, DATE, CODE, STRING])


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("0123456789０１ ,.-+年月日/:T mcNk°C是否YnRS开式zx")), max_size=14),
    a=_ANY_ATTR,
)
def test_property_total_and_idempotent(text: str, a: Attribute) -> None:
    """Any cell either normalises or errors (no exception), and a normalised value normalises to itself."""
    out = normalise(text, a, SEALS)
    if out.error is not None:
        assert out.value == text
        return
    if out.value is not None:
        again = normalise(out.value, a, SEALS)
        assert (again.value, again.changes, again.error) == (out.value, (), None)
