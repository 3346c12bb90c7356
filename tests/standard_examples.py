"""A small, hand-made standard version used by several tests."""

from __future__ import annotations

from decimal import Decimal

from cpms_kg.standards.model import (
    Attribute,
    Category,
    Code,
    CodeList,
    Datatype,
    Mapping,
    MappingRelation,
    Obligation,
    Requirement,
    Standard,
    StandardInfo,
    Text,
)

STANDARD = Standard(
    info=StandardInfo(
        id="t-bearings",
        version="1.0",
        title=Text("测试轴承标准", "Test bearing standard"),
        region="330000",
        industry=Mapping(MappingRelation.EXACT, "cpc21", "4331"),
        issuing_body=Text("测试机构", "Test body"),
    ),
    categories=(
        Category("B", Text("滚动轴承", "Rolling bearings")),
        Category("B1", Text("球轴承", "Ball bearings"), parent="B"),
        Category("B11", Text("深沟球轴承", "Deep groove ball bearings"), parent="B1"),
    ),
    attributes=(
        Attribute(
            "designation",
            Text("型号", "Designation"),
            Datatype.STRING,
            pattern="^[0-9]{3,5}$",
            min_length=3,
            max_length=5,
        ),
        Attribute(
            "inner_diameter",
            Text("内径", "Inner diameter"),
            Datatype.DECIMAL,
            unit="MilliM",
            min_inclusive=Decimal("1"),
            max_inclusive=Decimal("1000"),
        ),
        Attribute("seal", Text("密封型式", "Seal type"), Datatype.CODE, code_list="seal"),
        Attribute("balls", Text("钢球数", "Number of balls"), Datatype.INTEGER, min_inclusive=Decimal("3")),
    ),
    code_lists=(
        CodeList(
            "seal",
            Text("密封型式", "Seal types"),
            (Code("open", Text("开式", "open")), Code("2RS", Text("双面接触密封", "two contact seals"))),
        ),
    ),
    requirements=(
        Requirement("B", "designation", Obligation.REQUIRED),
        Requirement("B", "inner_diameter", Obligation.REQUIRED),
        Requirement("B1", "balls", Obligation.RECOMMENDED),
        Requirement("B11", "seal", Obligation.OPTIONAL),
    ),
)
