"""Two demo provincial sub-industry standards: rolling bearings (滚动轴承) and fasteners (紧固件).

Grounding (issue 3 part 3):
- Designations, thread sizes, dimension examples and every dimension range come from the BOLTS
  standard-parts tables, ../shared/data/bolts-standard-parts/PROVENANCE.md (boltsparts/BOLTS_archive
  commit 05a2acd1f77737789a313b4c77f1f8eea35da256, LGPL 2.1+): bearing classes singlerowradialbearing
  (DIN 625-1), doublerowradialbearing (DIN 625-3), axialthrustbearing (DIN 711 / ISO 104),
  cylindricalrollerbearing (DIN 5412-1), needleroller (DIN 5405-1 / ISO 3030); fastener classes
  hexbolt2 (ISO 4014), hexscrew2 (ISO 4017), hexsocketheadcap (ISO 4762), hexsocketcountersunk
  (ISO 10642), hexsocketsetscrew{flat,cone,dog,cup} (ISO 4026-4029), hexagonnut1 (ISO 4032),
  hexagonthinnut1 (ISO 4035), hexagonlocknut (ISO 7040), plainwasher1 / plainwasherchamfered /
  plainwasher2 / plainwasherforcheesehead (ISO 7089 / 7090 / 7091 / 7092). A range is the min..max of
  the mapped table columns (fasteners: over the sizes of the thread-size code list);
  tests/test_standard_demo.py recomputes each one from the CSV.
- Industry and category mappings use UN CPC Ver.2.1 (../shared/data/un-cpc21-hs-isic), because
  GB/T 7635 is not available as data: bearings 4331 / 43310 "Ball or roller bearings", fasteners
  4294 "Metal fasteners, springs ..." / 42944 "... screws, bolts, nuts, ... washers ...".
- BOLTS has no load ratings, speeds, masses or materials: those attributes have plausible bounds and
  no example. Code lists follow the ISO standards named in their labels (ISO 492, ISO 5753-1,
  ISO 898-1/-2, ISO 3506-1, ISO 4759-1, ISO 4042, ISO 10683, ISO 10684).
No GB/T numbers are used as data; the PROVENANCE file only notes that GB/T 276, GB/T 5782 and
GB/T 6170 are technically equivalent to DIN 625 / ISO 4014 / ISO 4032 for many sizes.

Cross-industry reuse: the trade attributes (HS code, GTIN, brand, firm item code) mean the same for
any product, so the bearing standard defines them and the fastener standard reuses them (same IRIs,
so one query finds the brands of bearings and fasteners alike). Attributes that are alike but not the
same carry skos:closeMatch: the fasteners' material and maximum service temperature to the bearings'
material and maximum operating temperature (same notion and unit, different code lists and limits).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from decimal import Decimal

from cpms_kg.standards.model import (
    Attribute,
    AttributeMatch,
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
    Status,
    Text,
    item_path,
)

BOLTS_PROVENANCE = "../shared/data/bolts-standard-parts/PROVENANCE.md"
CPC_PROVENANCE = "../shared/data/un-cpc21-hs-isic/PROVENANCE.md"

# Demo values: the issuing body, expert groups and dates are plausible, not those of a real standard.
REGION_ZHEJIANG = "330000"
ISSUER = Text("浙江省经济和信息化厅", "Zhejiang Provincial Department of Economy and Information Technology")
ISSUED = date(2025, 6, 30)
IMPLEMENTED = date(2025, 10, 1)

REQ, REC, OPT = Obligation.REQUIRED, Obligation.RECOMMENDED, Obligation.OPTIONAL
EXACT, BROAD = MappingRelation.EXACT, MappingRelation.BROAD


def _num(
    code: str, name: Text, unit: str, lo: str, hi: str, example: str | None, definition: Text, *, integer: bool = False
) -> Attribute:
    return Attribute(
        code,
        name,
        Datatype.INTEGER if integer else Datatype.DECIMAL,
        definition=definition,
        unit=unit,
        min_inclusive=Decimal(lo),
        max_inclusive=Decimal(hi),
        example=example,
    )


def _code(
    code: str, name: Text, code_list: str, example: str | None, definition: Text, *, max_count: int | None = 1
) -> Attribute:
    return Attribute(
        code, name, Datatype.CODE, definition=definition, code_list=code_list, example=example, max_count=max_count
    )


def _text(
    code: str,
    name: Text,
    example: str | None,
    definition: Text,
    *,
    pattern: str | None = None,
    min_length: int = 1,
    max_length: int,
) -> Attribute:
    return Attribute(
        code,
        name,
        Datatype.STRING,
        definition=definition,
        pattern=pattern,
        min_length=min_length,
        max_length=max_length,
        example=example,
    )


def _code_list(list_id: str, name: Text, rows: Iterable[tuple[str, str, str]]) -> CodeList:
    return CodeList(list_id, name, tuple(Code(code, Text(zh, en)) for code, zh, en in rows))


def _categories(
    rows: Iterable[tuple[str, str | None, MappingRelation, str, str, str, str]], cpc: str
) -> tuple[Category, ...]:
    """Rows: code, parent, relation to the CPC concept, zh name, en name, zh definition, en definition."""
    return tuple(
        Category(code, Text(zh, en), parent, Text(dzh, den), (Mapping(rel, "cpc21", cpc),))
        for code, parent, rel, zh, en, dzh, den in rows
    )


def _requirements(rows: Iterable[tuple[str, Obligation, str]]) -> tuple[Requirement, ...]:
    """Rows: category, obligation, space-separated attribute codes."""
    return tuple(Requirement(cat, attr, obligation) for cat, obligation, attrs in rows for attr in attrs.split())


def _trade_attributes(hs_example: str) -> tuple[Attribute, ...]:
    """Identification attributes any product has: defined by the bearing standard, reused by the fasteners'."""
    return (
        _text(
            "hs_code",
            Text("海关商品编码", "Customs commodity code"),
            hs_example,
            Text(
                "进出口申报所用的协调制度（HS）商品编码，6 位子目或 8/10 位国家细目。",
                "Harmonized System commodity code used in customs declarations: 6-digit subheading or "
                "8/10-digit national item.",
            ),
            pattern="^[0-9]{6}([0-9]{2}|[0-9]{4})?$",
            min_length=6,
            max_length=10,
        ),
        _text(
            "gtin",
            Text("商品条码", "GTIN"),
            None,
            Text("GS1 全球贸易项目代码（GTIN-8、GTIN-12、GTIN-13 或 GTIN-14）。", "GS1 Global Trade Item Number "
                 "(GTIN-8, GTIN-12, GTIN-13 or GTIN-14)."),
            pattern="^([0-9]{8}|[0-9]{12,14})$",
            min_length=8,
            max_length=14,
        ),
        _text(
            "brand",
            Text("品牌", "Brand"),
            None,
            Text("产品上标示的品牌或商标名称。", "Brand or trade mark name marked on the product."),
            max_length=60,
        ),
        _text(
            "firm_item_code",
            Text("企业物料编码", "Firm item code"),
            None,
            Text("企业内部使用的物料或产品编码，用于与企业数据映射。", "The firm's own item or product code, used to "
                 "map the firm's data to this standard."),
            max_length=40,
        ),
    )


# --- Rolling bearings ----------------------------------------------------------------------------

# Basic designation (optional type letters, digits; needle cages Fw x Ew x Bc) plus hyphenated
# supplementary designations (-2RS seals, -E design, -TVP2/-TVH/-TV/-M1 cages), as in the BOLTS tables.
BEARING_DESIGNATION = "^(N|NU|NJ|NUP|NF|K)?[0-9][0-9X.]{2,11}(-[0-9A-Z]{1,5}){0,3}$"

_BEARING_CATEGORIES = (
    ("RB", None, EXACT, "滚动轴承", "Rolling bearings",
     "在支承负荷和彼此相对运动的零件间作滚动运动的轴承，由带滚道的零件、滚动体（球或滚子）和通常有的保持架组成。",
     "Bearings with rolling motion between the parts that support the load and move relative to each other, "
     "made of raceway members, rolling elements (balls or rollers) and usually a cage."),
    ("RB01", "RB", BROAD, "球轴承", "Ball bearings", "滚动体为球的滚动轴承。",
     "Rolling bearings whose rolling elements are balls."),
    ("RB0101", "RB01", BROAD, "深沟球轴承", "Deep groove ball bearings",
     "套圈上均有沟槽、主要承受径向负荷的向心球轴承。",
     "Radial ball bearings with a groove in each ring, mainly for radial loads."),
    ("RB010101", "RB0101", BROAD, "单列深沟球轴承", "Single row deep groove ball bearings",
     "一列钢球的深沟球轴承，可为开式、带防尘盖或带密封圈，尺寸按 DIN 625-1（如 6205、6205-2RS）。",
     "Deep groove ball bearings with one row of balls, open, shielded or sealed; dimensions to DIN 625-1 "
     "(e.g. 6205, 6205-2RS)."),
    ("RB010102", "RB0101", BROAD, "双列深沟球轴承", "Double row deep groove ball bearings",
     "两列钢球的深沟球轴承，尺寸按 DIN 625-3（如 4205-B-TVH）。",
     "Deep groove ball bearings with two rows of balls; dimensions to DIN 625-3 (e.g. 4205-B-TVH)."),
    ("RB0102", "RB01", BROAD, "推力球轴承", "Thrust ball bearings",
     "由轴圈、座圈和球与保持架组件组成、承受轴向负荷的球轴承，尺寸按 DIN 711 / ISO 104（如 51205）。",
     "Ball bearings for axial loads, made of a shaft washer, a housing washer and a ball and cage assembly; "
     "dimensions to DIN 711 / ISO 104 (e.g. 51205)."),
    ("RB02", "RB", BROAD, "滚子轴承", "Roller bearings", "滚动体为滚子的滚动轴承。",
     "Rolling bearings whose rolling elements are rollers."),
    ("RB0201", "RB02", BROAD, "圆柱滚子轴承", "Cylindrical roller bearings",
     "滚动体为圆柱滚子的向心滚子轴承，尺寸按 DIN 5412-1（如 N205-E-TVP2）。",
     "Radial roller bearings with cylindrical rollers; dimensions to DIN 5412-1 (e.g. N205-E-TVP2)."),
    ("RB0202", "RB02", BROAD, "滚针轴承", "Needle roller bearings",
     "滚动体为滚针（直径小而长径比大的圆柱滚子）的滚子轴承。",
     "Roller bearings whose rolling elements are needle rollers (thin cylindrical rollers, long for their "
     "diameter)."),
    ("RB020201", "RB0202", BROAD, "向心滚针和保持架组件", "Radial needle roller and cage assemblies",
     "无套圈、由滚针和保持架组成的向心组件，直接以轴和座孔为滚道，尺寸按 DIN 5405-1 / ISO 3030（如 K20X24X10）。",
     "Radial assemblies of needle rollers and a cage without rings, running directly on the shaft and in the "
     "housing bore; dimensions to DIN 5405-1 / ISO 3030 (e.g. K20X24X10)."),
)

_BEARING_CODE_LISTS = (
    _code_list("precision_class", Text("公差等级", "Tolerance classes"), (
        ("P0", "P0 普通级（ISO 492 Normal 级）", "P0 normal class (ISO 492 Normal)"),
        ("P6", "P6 6 级（ISO 492 6 级）", "P6 class 6 (ISO 492 class 6)"),
        ("P5", "P5 5 级（ISO 492 5 级）", "P5 class 5 (ISO 492 class 5)"),
        ("P4", "P4 4 级（ISO 492 4 级）", "P4 class 4 (ISO 492 class 4)"),
        ("P2", "P2 2 级（ISO 492 2 级，最高精度）", "P2 class 2 (ISO 492 class 2, highest precision)"),
    )),
    _code_list("radial_clearance", Text("径向游隙组别", "Radial internal clearance groups"), (
        ("C2", "C2 组：小于基本组（ISO 5753-1）", "C2: smaller than normal (ISO 5753-1)"),
        ("CN", "CN 基本组（ISO 5753-1）", "CN: normal (ISO 5753-1)"),
        ("C3", "C3 组：大于基本组（ISO 5753-1）", "C3: greater than normal (ISO 5753-1)"),
        ("C4", "C4 组：大于 C3 组（ISO 5753-1）", "C4: greater than C3 (ISO 5753-1)"),
        ("C5", "C5 组：大于 C4 组（ISO 5753-1）", "C5: greater than C4 (ISO 5753-1)"),
    )),
    # The BOLTS DIN 625-1 table writes the double shield postfix as -ZZ; 2Z is the ISO-style marking.
    _code_list("seal_type", Text("密封与防尘型式", "Seal and shield types"), (
        ("open", "开式（无防尘盖、无密封圈）", "open (no shield, no seal)"),
        ("Z", "单面金属防尘盖（后缀 -Z）", "metal shield on one side (suffix -Z)"),
        ("2Z", "双面金属防尘盖（后缀 -2Z，亦标作 -ZZ）", "metal shields on both sides (suffix -2Z, also marked -ZZ)"),
        ("RS", "单面接触式橡胶密封圈（后缀 -RS）", "contact rubber seal on one side (suffix -RS)"),
        ("2RS", "双面接触式橡胶密封圈（后缀 -2RS）", "contact rubber seals on both sides (suffix -2RS)"),
    )),
    _code_list("cage_material", Text("保持架型式与材料", "Cage types and materials"), (
        ("pressed-steel", "钢板冲压保持架", "pressed steel cage"),
        ("machined-brass", "黄铜实体保持架（如后缀 -M1）", "machined brass cage (e.g. suffix -M1)"),
        ("polyamide", "玻璃纤维增强聚酰胺保持架（如后缀 -TVP2、-TVH、-TV）",
         "glass fibre reinforced polyamide cage (e.g. suffixes -TVP2, -TVH, -TV)"),
        ("full-complement", "无保持架（满装滚动体）", "no cage (full complement of rolling elements)"),
    )),
    _code_list("bearing_material", Text("套圈与滚动体材料", "Ring and rolling element materials"), (
        ("chrome-steel", "高碳铬轴承钢（GCr15 / 100Cr6）", "through-hardening chromium bearing steel (GCr15 / 100Cr6)"),
        ("stainless-steel", "不锈轴承钢", "stainless bearing steel"),
        ("case-hardening-steel", "渗碳轴承钢", "case-hardening bearing steel"),
        ("hybrid-ceramic", "钢制套圈配陶瓷（氮化硅）滚动体",
         "steel rings with ceramic (silicon nitride) rolling elements"),
    )),
    _code_list("lubrication", Text("出厂润滑状态", "Lubrication as delivered"), (
        ("none", "未加润滑脂（仅涂防锈油）", "not lubricated (preservative oil only)"),
        ("grease", "出厂预填润滑脂", "filled with grease"),
        ("solid-oil", "填充固体油", "filled with solid oil"),
    )),
    _code_list("thrust_direction", Text("推力方向", "Thrust directions"), (
        ("single", "单向（承受一个方向的轴向负荷）", "single direction (axial load in one direction)"),
        ("double", "双向（承受两个方向的轴向负荷）", "double direction (axial load in both directions)"),
    )),
    _code_list("roller_bearing_design", Text("圆柱滚子轴承结构型式", "Cylindrical roller bearing designs"), (
        ("N", "N 型：外圈无挡边，内圈双挡边", "N: outer ring without ribs, inner ring with two ribs"),
        ("NU", "NU 型：内圈无挡边，外圈双挡边", "NU: inner ring without ribs, outer ring with two ribs"),
        ("NJ", "NJ 型：内圈单挡边，外圈双挡边", "NJ: inner ring with one rib, outer ring with two ribs"),
        ("NUP", "NUP 型：内圈单挡边并带平挡圈", "NUP: inner ring with one rib and a loose flat rib"),
        ("NF", "NF 型：外圈单挡边，内圈双挡边", "NF: outer ring with one rib, inner ring with two ribs"),
    )),
    _code_list("bearing_dimension_standard", Text("外形尺寸标准", "Boundary dimension standards"), (
        ("DIN625-1", "DIN 625-1 单列深沟球轴承", "DIN 625-1 single row deep groove ball bearings"),
        ("DIN625-3", "DIN 625-3 双列深沟球轴承", "DIN 625-3 double row deep groove ball bearings"),
        ("ISO104", "ISO 104 / DIN 711 单向推力球轴承", "ISO 104 / DIN 711 single direction thrust ball bearings"),
        ("DIN5412-1", "DIN 5412-1 圆柱滚子轴承", "DIN 5412-1 cylindrical roller bearings"),
        ("ISO3030", "ISO 3030 / DIN 5405-1 向心滚针和保持架组件",
         "ISO 3030 / DIN 5405-1 radial needle roller and cage assemblies"),
    )),
)


def _bearing_attributes() -> tuple[Attribute, ...]:
    mm = "MilliM"
    return (
        _text(
            "designation",
            Text("轴承型号", "Bearing designation"),
            "6205",
            Text(
                "轴承的完整代号：基本代号（类型字母、系列和内径代号；滚针组件为 K 加 Fw×Ew×Bc）加以短横线分隔的"
                "后置代号（密封、结构、保持架等），如 6205、6205-2RS、N205-E-TVP2、K20X24X10。",
                "Full designation of the bearing: basic designation (type letters, series and bore code; needle "
                "cage assemblies K followed by Fw x Ew x Bc) plus hyphenated supplementary designations (seals, "
                "design, cage), e.g. 6205, 6205-2RS, N205-E-TVP2, K20X24X10.",
            ),
            pattern=BEARING_DESIGNATION,
            min_length=3,
            max_length=24,
        ),
        # Dimension ranges: min..max of the BOLTS columns named in each definition (see module docstring).
        _num("bore_diameter", Text("内径 d", "Bore diameter d"), mm, "3", "340", "25", Text(
            "轴承内孔公称直径；推力轴承为轴圈内径，滚针组件为滚针内接圆直径 Fw。",
            "Nominal bore diameter; for thrust bearings the shaft washer bore, for needle roller and cage "
            "assemblies the roller inscribed circle diameter Fw.")),
        _num("outside_diameter", Text("外径 D", "Outside diameter D"), mm, "5", "460", "52", Text(
            "轴承公称外径；推力轴承为座圈外径，滚针组件为滚针外接圆直径 Ew。",
            "Nominal outside diameter; for thrust bearings the housing washer outside diameter, for needle "
            "roller and cage assemblies the roller circumscribed circle diameter Ew.")),
        _num("width", Text("宽度 B", "Width B"), mm, "4", "72", "15", Text(
            "向心轴承套圈公称宽度；滚针组件为保持架宽度 Bc。",
            "Nominal ring width of a radial bearing; for needle roller and cage assemblies the cage width Bc.")),
        _num("height", Text("高度 T", "Height T"), mm, "9", "135", "15", Text(
            "推力轴承的公称总高度。", "Nominal overall height of a thrust bearing.")),
        _num("chamfer_min", Text("倒角尺寸 r（最小）", "Chamfer dimension r (min)"), mm, "0.3", "6", "1.5", Text(
            "套圈或垫圈的最小单一倒角尺寸，决定配合件的最大圆角半径。",
            "Smallest single chamfer dimension of a ring or washer, which limits the fillet radius of mating parts.")),
        _num("housing_washer_bore", Text("座圈内径 D1", "Housing washer bore D1"), mm, "11", "345", "27", Text(
            "推力轴承座圈的公称内径。", "Nominal bore diameter of the housing washer of a thrust bearing.")),
        _num("shaft_washer_outside_diameter", Text("轴圈外径 d1", "Shaft washer outside diameter d1"), mm,
             "24", "455", "47", Text("推力轴承轴圈的公称外径。",
                                     "Nominal outside diameter of the shaft washer of a thrust bearing.")),
        # BOLTS has no load ratings, speeds, masses or temperatures: plausible bounds and no examples.
        _num("dynamic_load_rating", Text("基本额定动载荷", "Basic dynamic load rating"), "KiloN", "0.1", "5000", None,
             Text("按 ISO 281 计算的基本额定动载荷（向心轴承 Cr，推力轴承 Ca）。",
                  "Basic dynamic load rating calculated to ISO 281 (Cr for radial, Ca for thrust bearings).")),
        _num("static_load_rating", Text("基本额定静载荷", "Basic static load rating"), "KiloN", "0.1", "10000", None,
             Text("按 ISO 76 计算的基本额定静载荷（C0r 或 C0a）。",
                  "Basic static load rating calculated to ISO 76 (C0r or C0a).")),
        _num("limiting_speed", Text("极限转速", "Limiting speed"), "REV-PER-MIN", "10", "150000", None,
             Text("制造商给出的轴承在规定润滑条件下允许的最高转速。",
                  "Highest speed the manufacturer allows for the bearing under stated lubrication."), integer=True),
        _num("mass", Text("质量", "Mass"), "KiloGM", "0.0001", "500", None,
             Text("单套轴承的参考质量。", "Reference mass of one bearing.")),
        _num("max_operating_temperature", Text("最高工作温度", "Maximum operating temperature"), "DEG_C", "-60", "350",
             None, Text("轴承（含密封件、保持架和润滑脂）允许的最高工作温度。",
                        "Highest operating temperature allowed for the bearing including seals, cage and grease.")),
        _num("row_count", Text("滚动体列数", "Number of rows"), "ONE", "1", "4", "1",
             Text("轴承中滚动体的列数。", "Number of rows of rolling elements in the bearing."), integer=True),
        _code("precision_class", Text("公差等级", "Tolerance class"), "precision_class", "P0", Text(
            "按 ISO 492（向心轴承）或 ISO 199（推力轴承）的尺寸和旋转精度等级。",
            "Dimensional and running accuracy class to ISO 492 (radial) or ISO 199 (thrust bearings).")),
        _code("radial_clearance", Text("径向游隙", "Radial internal clearance"), "radial_clearance", "CN", Text(
            "按 ISO 5753-1 的径向游隙组别。", "Radial internal clearance group to ISO 5753-1.")),
        _code("seal_type", Text("密封型式", "Seal type"), "seal_type", "2RS", Text(
            "轴承两侧的防尘盖或密封圈配置，对应型号后缀。",
            "Shields or seals on the sides of the bearing, as given by the designation suffix.")),
        _code("cage_material", Text("保持架", "Cage"), "cage_material", "pressed-steel", Text(
            "保持架的型式和材料。", "Type and material of the cage.")),
        _code("material", Text("材料", "Material"), "bearing_material", "chrome-steel", Text(
            "套圈和滚动体的材料。", "Material of the rings and rolling elements.")),
        _code("lubrication", Text("润滑", "Lubrication"), "lubrication", "grease", Text(
            "轴承出厂时的润滑状态。", "Lubrication of the bearing as delivered.")),
        _code("thrust_direction", Text("推力方向", "Thrust direction"), "thrust_direction", "single", Text(
            "推力轴承承受轴向负荷的方向数。", "Directions in which a thrust bearing carries axial load.")),
        _code("roller_bearing_design", Text("结构型式", "Design"), "roller_bearing_design", "N", Text(
            "圆柱滚子轴承的挡边配置，即型号的类型字母。",
            "Rib arrangement of a cylindrical roller bearing, the type letters of its designation.")),
        _code("dimension_standard", Text("外形尺寸标准", "Dimension standard"), "bearing_dimension_standard",
              "DIN625-1", Text("规定轴承外形尺寸的标准。", "Standard that defines the boundary dimensions.")),
        *_trade_attributes("848210"),
    )


def bearings() -> Standard:
    """Rolling bearings (滚动轴承), industry CPC 2.1 class 4331 Ball or roller bearings."""
    return Standard(
        info=StandardInfo(
            id="zj-rolling-bearings",
            version="1.0",
            title=Text("浙江省滚动轴承产品主数据标准", "Zhejiang product master data standard for rolling bearings"),
            region=REGION_ZHEJIANG,
            # GB/T 7635 is not available as data, so the industry is the CPC 2.1 class.
            industry=Mapping(EXACT, "cpc21", "4331"),
            issuing_body=ISSUER,
            status=Status.PUBLISHED_PROVINCIAL,
            expert_group="zj-rolling-bearings-experts",
            issued=ISSUED,
            implemented=IMPLEMENTED,
            description=Text(
                "演示用省级细分行业产品主数据标准（发布机构和日期为演示值）。型号与尺寸取自 BOLTS 标准件库中 "
                "DIN 625-1、DIN 625-3、DIN 711 / ISO 104、DIN 5412-1、DIN 5405-1 / ISO 3030 的尺寸表"
                f"（见 {BOLTS_PROVENANCE}）；"
                "行业与类目映射到 CPC 2.1 的 4331 / 43310（GB/T 7635 暂无数据）。",
                "Demo provincial sub-industry product master data standard (issuing body and dates are demo "
                "values). Designations and dimensions come from the BOLTS tables for DIN 625-1, DIN 625-3, "
                f"DIN 711 / ISO 104, DIN 5412-1 and DIN 5405-1 / ISO 3030 (see {BOLTS_PROVENANCE}); industry and "
                "categories map to CPC 2.1 4331 / 43310 (GB/T 7635 is not available as data).",
            ),
        ),
        categories=_categories(_BEARING_CATEGORIES, "43310"),
        attributes=_bearing_attributes(),
        code_lists=_BEARING_CODE_LISTS,
        requirements=_requirements((
            ("RB", REQ, "designation bore_diameter outside_diameter precision_class dynamic_load_rating"),
            ("RB", REC, "static_load_rating limiting_speed mass material cage_material row_count dimension_standard "
                       "hs_code"),
            ("RB", OPT, "max_operating_temperature lubrication gtin brand firm_item_code"),
            ("RB0101", REQ, "width seal_type"),
            ("RB0101", REC, "radial_clearance chamfer_min"),
            ("RB0102", REQ, "height thrust_direction"),
            ("RB0102", REC, "housing_washer_bore shaft_washer_outside_diameter chamfer_min"),
            ("RB0201", REQ, "width roller_bearing_design"),
            ("RB0201", REC, "radial_clearance"),
            ("RB0202", REQ, "width"),
            ("RB020201", REQ, "cage_material"),
        )),
        notes=(
            f"Dimensions, designations and ranges: BOLTS bearing classes singlerowradialbearing (DIN 625-1), "
            f"doublerowradialbearing (DIN 625-3), axialthrustbearing (DIN 711 / ISO 104), cylindricalrollerbearing "
            f"(DIN 5412-1), needleroller (DIN 5405-1 / ISO 3030); see {BOLTS_PROVENANCE}.",
            f"Industry and category mappings: UN CPC Ver.2.1 4331 / 43310; see {CPC_PROVENANCE}.",
            "BOLTS has no load ratings, speeds or masses: those ranges are plausible bounds without examples.",
            "GB/T 276 is technically equivalent to DIN 625 for many sizes (per the PROVENANCE file); not used as data.",
        ),
    )


# --- Fasteners -----------------------------------------------------------------------------------

_TRADE = ("hs_code", "gtin", "brand", "firm_item_code")


def _bearing_item(kind: str, code: str) -> str:
    """An item of the bearing standard, relative to the base IRI (the same data under any base)."""
    info = bearings().info
    return item_path(info.id, info.version, kind, code)


def _close_to_bearings(code: str) -> AttributeMatch:
    return AttributeMatch(MappingRelation.CLOSE, _bearing_item("attribute", code))


# ISO 261 first- and second-choice sizes M1.6..M64 that the BOLTS ISO tables list.
THREAD_SIZES = (
    "M1.6", "M2", "M2.5", "M3", "M3.5", "M4", "M5", "M6", "M8", "M10", "M12", "M14", "M16", "M18", "M20",
    "M22", "M24", "M27", "M30", "M33", "M36", "M39", "M42", "M45", "M48", "M52", "M56", "M60", "M64",
)

_FASTENER_CATEGORIES = (
    ("FA", None, BROAD, "紧固件", "Fasteners",
     "将两个或多个零件连接成一体的机械零件；本标准包括钢制（含不锈钢）螺栓、螺钉、螺母和垫圈。",
     "Mechanical parts that join two or more parts; this standard covers bolts, screws, nuts and washers of "
     "steel, including stainless steel."),
    ("FA01", "FA", BROAD, "螺栓和螺钉", "Bolts and screws", "带外螺纹的紧固件。", "Fasteners with an external thread."),
    ("FA0101", "FA01", BROAD, "六角头螺栓", "Hexagon head bolts",
     "杆部部分带螺纹的六角头螺栓，A 级和 B 级，按 ISO 4014。",
     "Hexagon head bolts with a partly threaded shank, product grades A and B, to ISO 4014."),
    ("FA0102", "FA01", BROAD, "全螺纹六角头螺栓", "Hexagon head screws",
     "杆部全部带螺纹的六角头螺栓（螺钉），A 级和 B 级，按 ISO 4017。",
     "Hexagon head screws threaded to the head, product grades A and B, to ISO 4017."),
    ("FA0103", "FA01", BROAD, "内六角螺钉", "Hexagon socket screws", "以内六角扳手拧紧的螺钉。",
     "Screws driven with a hexagon key."),
    ("FA010301", "FA0103", BROAD, "内六角圆柱头螺钉", "Hexagon socket head cap screws",
     "圆柱头内六角螺钉，按 ISO 4762。", "Hexagon socket head cap screws to ISO 4762."),
    ("FA010302", "FA0103", BROAD, "内六角沉头螺钉", "Hexagon socket countersunk head screws",
     "90° 沉头内六角螺钉，按 ISO 10642。", "Hexagon socket screws with a 90° countersunk head, to ISO 10642."),
    ("FA010303", "FA0103", BROAD, "内六角紧定螺钉", "Hexagon socket set screws",
     "无头内六角紧定螺钉，平端、锥端、圆柱端或凹端，按 ISO 4026、ISO 4027、ISO 4028、ISO 4029。",
     "Headless hexagon socket set screws with flat, cone, dog or cup point, to ISO 4026, ISO 4027, ISO 4028, "
     "ISO 4029."),
    ("FA02", "FA", BROAD, "螺母", "Nuts", "带内螺纹、与螺栓或螺钉配合使用的紧固件。",
     "Fasteners with an internal thread, used with a bolt or screw."),
    ("FA0201", "FA02", BROAD, "六角螺母", "Hexagon nuts", "1 型六角螺母，按 ISO 4032。",
     "Hexagon nuts, style 1, to ISO 4032."),
    ("FA0202", "FA02", BROAD, "六角薄螺母", "Hexagon thin nuts", "倒角六角薄螺母，按 ISO 4035。",
     "Hexagon thin nuts, chamfered, to ISO 4035."),
    ("FA0203", "FA02", BROAD, "锁紧螺母", "Prevailing torque nuts",
     "带非金属嵌件、靠有效力矩防松的六角锁紧螺母，按 ISO 7040。",
     "Hexagon nuts with a non-metallic insert that resists loosening by prevailing torque, to ISO 7040."),
    ("FA03", "FA", BROAD, "垫圈", "Washers", "置于螺母或螺栓头与被连接件之间的零件。",
     "Parts placed between a nut or bolt head and the joined part."),
    ("FA0301", "FA03", BROAD, "平垫圈", "Plain washers", "扁平圆环形垫圈。", "Flat annular washers."),
    ("FA030101", "FA0301", BROAD, "平垫圈 标准系列 A 级", "Plain washers, normal series, grade A",
     "标准系列、A 级平垫圈，按 ISO 7089。", "Plain washers, normal series, product grade A, to ISO 7089."),
    ("FA030102", "FA0301", BROAD, "平垫圈 倒角型 A 级", "Plain washers, chamfered, grade A",
     "标准系列、倒角型、A 级平垫圈，按 ISO 7090。",
     "Plain washers, chamfered, normal series, product grade A, to ISO 7090."),
    ("FA030103", "FA0301", BROAD, "平垫圈 标准系列 C 级", "Plain washers, normal series, grade C",
     "标准系列、C 级平垫圈，按 ISO 7091。", "Plain washers, normal series, product grade C, to ISO 7091."),
    ("FA030104", "FA0301", BROAD, "小垫圈 A 级", "Plain washers, small series, grade A",
     "小系列、A 级平垫圈，用于圆柱头螺钉，按 ISO 7092。",
     "Plain washers, small series, product grade A, for cheese head screws, to ISO 7092."),
)


def _bolt_class(code: str) -> tuple[str, str, str]:
    """ISO 898-1 class x.y: nominal tensile strength 100*x MPa, yield ratio y/10."""
    x, y = code.split(".")
    rm, ratio = int(x) * 100, f"0.{y}"
    return (
        code,
        f"{code} 级（公称抗拉强度 {rm} MPa，屈强比 {ratio}，ISO 898-1）",
        f"class {code} (nominal tensile strength {rm} MPa, yield ratio {ratio}, ISO 898-1)",
    )


def _stainless(code: str) -> tuple[str, str, str]:
    """ISO 3506 class A2-70 etc.: steel group and tensile strength / 10 MPa."""
    group, strength = code.split("-")
    zh, en = ("奥氏体不锈钢", "austenitic") if group == "A2" else ("含钼奥氏体不锈钢", "austenitic molybdenum")
    rm = int(strength) * 10
    return (
        code,
        f"{code}（{zh} {group}，抗拉强度 {rm} MPa，ISO 3506）",
        f"{code} ({en} stainless steel {group}, tensile strength {rm} MPa, ISO 3506)",
    )


_STAINLESS = ("A2-70", "A4-70", "A4-80")

# ISO standards of the BOLTS classes used, with the DIN numbers BOLTS lists in the same class.
_PRODUCT_STANDARDS = (
    ("4014", "六角头螺栓 A 级和 B 级", "hexagon head bolts, grades A and B", ""),
    ("4017", "全螺纹六角头螺栓 A 级和 B 级", "hexagon head screws, grades A and B", ""),
    ("4762", "内六角圆柱头螺钉", "hexagon socket head cap screws", "DIN 912"),
    ("10642", "内六角沉头螺钉", "hexagon socket countersunk head screws", "DIN 7991"),
    ("4026", "内六角平端紧定螺钉", "hexagon socket set screws, flat point", "DIN 913"),
    ("4027", "内六角锥端紧定螺钉", "hexagon socket set screws, cone point", "DIN 914"),
    ("4028", "内六角圆柱端紧定螺钉", "hexagon socket set screws, dog point", "DIN 915"),
    ("4029", "内六角凹端紧定螺钉", "hexagon socket set screws, cup point", "DIN 916"),
    ("4032", "1 型六角螺母", "hexagon nuts, style 1", ""),
    ("4035", "六角薄螺母", "hexagon thin nuts", ""),
    ("7040", "非金属嵌件六角锁紧螺母", "prevailing torque hexagon nuts with non-metallic insert", "DIN 982"),
    ("7089", "平垫圈 A 级", "plain washers, grade A", "DIN 125 A"),
    ("7090", "平垫圈 倒角型 A 级", "plain washers, chamfered, grade A", "DIN 125 B"),
    ("7091", "平垫圈 C 级", "plain washers, grade C", "DIN 126"),
    ("7092", "小垫圈 A 级", "plain washers, small series, grade A", "DIN 433"),
)

_FASTENER_CODE_LISTS = (
    _code_list("thread_size", Text("螺纹规格", "Thread sizes"), (
        (size, f"{size}（公称直径 {size[1:]} mm）", f"{size} (nominal diameter {size[1:]} mm)") for size in THREAD_SIZES
    )),
    _code_list("thread_series", Text("螺纹系列", "Thread series"), (
        ("coarse", "粗牙", "coarse pitch"),
        ("fine", "细牙", "fine pitch"),
    )),
    _code_list("bolt_property_class", Text("螺栓、螺钉性能等级", "Property classes of bolts and screws"), (
        *(_bolt_class(c) for c in ("4.6", "4.8", "5.6", "5.8", "6.8", "8.8", "9.8", "10.9", "12.9")),
        *(_stainless(c) for c in _STAINLESS),
    )),
    _code_list("nut_property_class", Text("螺母性能等级", "Property classes of nuts"), (
        ("04", "04 级（薄螺母，保证应力 400 MPa，ISO 898-2）", "class 04 (thin nut, proof stress 400 MPa, ISO 898-2)"),
        ("05", "05 级（薄螺母，保证应力 500 MPa，ISO 898-2）", "class 05 (thin nut, proof stress 500 MPa, ISO 898-2)"),
        *(
            (c, f"{c} 级（与不高于 {c}.{b} 级的螺栓配合，ISO 898-2）",
             f"class {c} (for bolts up to class {c}.{b}, ISO 898-2)")
            for c, b in (("5", "8"), ("6", "8"), ("8", "8"), ("10", "9"), ("12", "9"))
        ),
        *(_stainless(c) for c in _STAINLESS),
    )),
    _code_list("washer_hardness_class", Text("垫圈硬度等级", "Washer hardness classes"), (
        (c, f"硬度等级 {c[:-2]} HV", f"hardness class {c[:-2]} HV") for c in ("100HV", "200HV", "300HV")
    )),
    _code_list("fastener_material", Text("紧固件材料", "Fastener materials"), (
        ("carbon-steel", "碳素钢", "carbon steel"),
        ("alloy-steel", "合金钢（调质）", "alloy steel, quenched and tempered"),
        ("stainless-A2", "奥氏体不锈钢 A2（约相当于 304）", "austenitic stainless steel A2 (about AISI 304)"),
        ("stainless-A4", "含钼奥氏体不锈钢 A4（约相当于 316）",
         "austenitic stainless steel A4 with molybdenum (about AISI 316)"),
        ("brass", "黄铜", "brass"),
    )),
    _code_list("surface_treatment", Text("表面处理", "Surface treatments"), (
        ("plain", "本色（不处理，可涂油）", "plain (untreated, may be oiled)"),
        ("black-oxide", "发黑（氧化）", "black oxide"),
        ("zinc-plated", "电镀锌（ISO 4042）", "zinc electroplated (ISO 4042)"),
        ("zinc-nickel", "电镀锌镍合金（ISO 4042）", "zinc-nickel electroplated (ISO 4042)"),
        ("zinc-flake", "锌铝涂层（俗称达克罗，ISO 10683）", "zinc flake coating (ISO 10683)"),
        ("hot-dip-galvanized", "热浸镀锌（ISO 10684）", "hot dip galvanized (ISO 10684)"),
        ("phosphated", "磷化", "phosphated"),
    )),
    _code_list("fastener_product_standard", Text("产品标准", "Product standards"), (
        (f"ISO{n}", f"ISO {n} {zh}" + (f"（{din}）" if din else ""), f"ISO {n} {en}" + (f" ({din})" if din else ""))
        for n, zh, en, din in _PRODUCT_STANDARDS
    )),
    _code_list("product_grade", Text("产品等级", "Product grades"), (
        ("A", "A 级（ISO 4759-1，公差最小）", "grade A (ISO 4759-1, closest tolerances)"),
        ("B", "B 级（ISO 4759-1）", "grade B (ISO 4759-1)"),
        ("C", "C 级（ISO 4759-1，公差最大）", "grade C (ISO 4759-1, widest tolerances)"),
    )),
    _code_list("point_type", Text("紧定螺钉端部型式", "Set screw points"), (
        ("flat", "平端（ISO 4026）", "flat point (ISO 4026)"),
        ("cone", "锥端（ISO 4027）", "cone point (ISO 4027)"),
        ("dog", "圆柱端（ISO 4028）", "dog point (ISO 4028)"),
        ("cup", "凹端（ISO 4029）", "cup point (ISO 4029)"),
    )),
)


def _fastener_attributes() -> tuple[Attribute, ...]:
    mm = "MilliM"
    # Examples: the M12 rows of the BOLTS tables (ISO 4014 bolt, ISO 4762 screw, ISO 4032 nut, ISO 7089 washer).
    return (
        _code("thread_size", Text("螺纹规格", "Thread size"), "thread_size", "M12", Text(
            "普通螺纹规格（M 加公称直径）；垫圈为其配用的螺纹规格。",
            "Metric thread size (M followed by the nominal diameter); for washers the size of the bolt it fits.")),
        _num("nominal_diameter", Text("公称直径 d", "Nominal diameter d"), mm, "1.6", "64", "12", Text(
            "螺纹大径的公称尺寸。", "Nominal major diameter of the thread.")),
        _num("thread_pitch", Text("螺距 P", "Thread pitch P"), mm, "0.2", "6", "1.75", Text(
            "相邻两牙对应点间的轴向距离（范围取自 BOLTS 粗牙与细牙螺距表）。",
            "Axial distance between corresponding points of adjacent threads (range from the BOLTS coarse and "
            "fine pitch table).")),
        _code("thread_series", Text("螺纹系列", "Thread series"), "thread_series", "coarse", Text(
            "粗牙或细牙螺纹。", "Coarse or fine pitch thread.")),
        _text("thread_tolerance", Text("螺纹公差带", "Thread tolerance class"), "6g", Text(
            "按 ISO 965 的螺纹公差带，外螺纹用小写字母（如 6g），内螺纹用大写字母（如 6H）。",
            "Thread tolerance class to ISO 965: lower case for external (e.g. 6g), upper case for internal "
            "threads (e.g. 6H)."), pattern="^[3-9][efghEGH]([3-9][efghEGH])?$", max_length=4),
        _num("nominal_length", Text("公称长度 l", "Nominal length l"), mm, "3", "200", "80", Text(
            "螺栓、螺钉的公称长度（沉头螺钉含头部，其余不含头部）。",
            "Nominal length of a bolt or screw (including the head for countersunk screws, otherwise excluding "
            "it).")),
        _num("thread_length", Text("螺纹长度 b", "Thread length b"), mm, "12", "153", "30", Text(
            "部分螺纹螺栓、螺钉的螺纹长度参考值。", "Reference thread length of a partly threaded bolt or screw.")),
        _num("width_across_flats", Text("对边宽度 s", "Width across flats s"), mm, "0.9", "95", "18", Text(
            "六角头、六角螺母的对边宽度，或内六角的扳手尺寸。",
            "Width across flats of a hexagon head or nut, or the key size of a hexagon socket.")),
        _num("width_across_corners", Text("对角宽度 e", "Width across corners e"), mm, "3.48", "104.86", "21.1", Text(
            "六角头或六角螺母的对角宽度（最小值）。", "Width across corners of a hexagon head or nut (minimum).")),
        _num("head_height", Text("头部高度 k", "Head height k"), mm, "1.1", "64", "7.5", Text(
            "螺栓、螺钉头部的公称高度。", "Nominal height of the head of a bolt or screw.")),
        _num("head_diameter", Text("头部直径 dk", "Head diameter dk"), mm, "3", "96", "18", Text(
            "圆柱头或沉头螺钉头部的最大直径。", "Maximum head diameter of a cap or countersunk screw.")),
        _num("socket_depth", Text("内六角深度 t", "Socket depth t"), mm, "0.7", "38", "6", Text(
            "内六角孔的最小有效深度。", "Minimum effective depth of the hexagon socket.")),
        _code("point_type", Text("端部型式", "Point type"), "point_type", "cup", Text(
            "紧定螺钉末端的型式。", "Form of the end of a set screw.")),
        _num("nut_height", Text("螺母高度 m", "Nut height m"), mm, "1", "51", "10.8", Text(
            "螺母的最大高度（锁紧螺母为含嵌件的总高度）。",
            "Maximum height of the nut (for prevailing torque nuts the overall height with the insert).")),
        _num("washer_inner_diameter", Text("垫圈内径 d1", "Washer inside diameter d1"), mm, "1.7", "70", "13", Text(
            "垫圈的公称内径。", "Nominal inside diameter of the washer.")),
        _num("washer_outer_diameter", Text("垫圈外径 d2", "Washer outside diameter d2"), mm, "3.5", "115", "24", Text(
            "垫圈的公称外径。", "Nominal outside diameter of the washer.")),
        _num("washer_thickness", Text("垫圈厚度 h", "Washer thickness h"), mm, "0.3", "9", "2.5", Text(
            "垫圈的公称厚度。", "Nominal thickness of the washer.")),
        _code("bolt_property_class", Text("螺栓性能等级", "Bolt property class"), "bolt_property_class", "8.8", Text(
            "螺栓、螺钉的机械性能等级，碳钢和合金钢按 ISO 898-1，不锈钢按 ISO 3506-1。",
            "Mechanical property class of bolts and screws: ISO 898-1 for carbon and alloy steel, ISO 3506-1 "
            "for stainless steel.")),
        _code("nut_property_class", Text("螺母性能等级", "Nut property class"), "nut_property_class", "8", Text(
            "螺母的机械性能等级，按 ISO 898-2 或 ISO 3506-2。",
            "Mechanical property class of nuts, to ISO 898-2 or ISO 3506-2.")),
        _code("washer_hardness_class", Text("垫圈硬度等级", "Washer hardness class"), "washer_hardness_class",
              "200HV", Text("平垫圈的硬度等级（维氏硬度）。", "Hardness class of a plain washer (Vickers).")),
        _num("min_tensile_strength", Text("最小抗拉强度 Rm", "Minimum tensile strength Rm"), "MegaPA", "300", "1500",
             "800", Text("螺栓、螺钉材料的最小抗拉强度。", "Minimum tensile strength of the bolt or screw material.")),
        _num("tightening_torque", Text("推荐拧紧力矩", "Recommended tightening torque"), "N-M", "0.01", "10000", None,
             Text("制造商推荐的拧紧力矩。", "Tightening torque recommended by the manufacturer.")),
        replace(_num("max_service_temperature", Text("最高使用温度", "Maximum service temperature"), "DEG_C", "-60",
                     "300", None, Text("锁紧性能保持有效的最高使用温度。", "Highest service temperature at which "
                                       "locking stays effective.")),
                matches=(_close_to_bearings("max_operating_temperature"),)),
        replace(_code("material", Text("材料", "Material"), "fastener_material", "carbon-steel", Text(
            "紧固件的基体材料。", "Base material of the fastener.")), matches=(_close_to_bearings("material"),)),
        _code("surface_treatment", Text("表面处理", "Surface treatment"), "surface_treatment", "zinc-plated", Text(
            "紧固件的表面处理或涂层。", "Surface treatment or coating of the fastener.")),
        # A part is often marked to more than one equivalent standard, hence no upper bound.
        _code("product_standard", Text("产品标准", "Product standard"), "fastener_product_standard", "ISO4014",
              Text("产品所符合的尺寸和技术条件标准。", "Standard the product's dimensions and specifications "
                   "conform to."), max_count=None),
        _code("product_grade", Text("产品等级", "Product grade"), "product_grade", "A", Text(
            "按 ISO 4759 的公差产品等级。", "Product grade for tolerances, to ISO 4759.")),
        _num("mass_per_thousand", Text("千件质量", "Mass per 1000 pieces"), "KiloGM", "0.01", "20000", None, Text(
            "1000 件产品的参考质量。", "Reference mass of 1000 pieces.")),
        _num("package_quantity", Text("包装数量", "Pieces per package"), "ONE", "1", "1000000", None, Text(
            "每个最小销售包装内的件数。", "Number of pieces in the smallest sales package."), integer=True),
        *(replace(a, reuse=_bearing_item("attribute", a.code)) for a in bearings().attributes if a.code in _TRADE),
    )


def fasteners() -> Standard:
    """Fasteners (紧固件), industry CPC 2.1 class 4294 Metal fasteners, springs and ... metal wire."""
    return Standard(
        info=StandardInfo(
            id="zj-fasteners",
            version="1.0",
            title=Text("浙江省紧固件产品主数据标准", "Zhejiang product master data standard for fasteners"),
            region=REGION_ZHEJIANG,
            # CPC 4294 also holds springs and wire articles, so it is broader than this standard.
            industry=Mapping(BROAD, "cpc21", "4294"),
            issuing_body=ISSUER,
            status=Status.PUBLISHED_PROVINCIAL,
            expert_group="zj-fasteners-experts",
            issued=ISSUED,
            implemented=IMPLEMENTED,
            description=Text(
                "演示用省级细分行业产品主数据标准（发布机构和日期为演示值）。螺纹规格与尺寸取自 BOLTS 标准件库中 "
                "ISO 4014、ISO 4017、ISO 4762、ISO 10642、ISO 4026–4029、ISO 4032、ISO 4035、ISO 7040、"
                f"ISO 7089–7092 的尺寸表（见 {BOLTS_PROVENANCE}）；行业为 CPC 2.1 的 4294，类目映射到 42944"
                "（GB/T 7635 暂无数据）。",
                "Demo provincial sub-industry product master data standard (issuing body and dates are demo "
                "values). Thread sizes and dimensions come from the BOLTS tables for ISO 4014, ISO 4017, ISO 4762, "
                "ISO 10642, ISO 4026-4029, ISO 4032, ISO 4035, ISO 7040 and ISO 7089-7092 "
                f"(see {BOLTS_PROVENANCE}); the industry is CPC 2.1 4294 and categories map to 42944 (GB/T 7635 "
                "is not available as data).",
            ),
        ),
        categories=_categories(_FASTENER_CATEGORIES, "42944"),
        attributes=_fastener_attributes(),
        code_lists=_FASTENER_CODE_LISTS,
        requirements=_requirements((
            ("FA", REQ, "thread_size product_standard material"),
            ("FA", REC, "surface_treatment mass_per_thousand hs_code"),
            ("FA", OPT, "package_quantity gtin brand firm_item_code"),
            ("FA01", REQ, "thread_pitch nominal_length bolt_property_class"),
            ("FA01", REC, "nominal_diameter thread_series product_grade width_across_flats"),
            ("FA01", OPT, "thread_tolerance min_tensile_strength tightening_torque"),
            ("FA0101", REQ, "thread_length"),
            ("FA0101", REC, "head_height width_across_corners"),
            ("FA0102", REC, "head_height width_across_corners"),
            ("FA0103", REC, "socket_depth"),
            ("FA010301", REC, "head_height head_diameter thread_length"),
            ("FA010302", REC, "head_height head_diameter"),
            ("FA010303", REQ, "point_type"),
            ("FA02", REQ, "thread_pitch nut_property_class width_across_flats nut_height"),
            ("FA02", REC, "nominal_diameter thread_series product_grade width_across_corners"),
            ("FA02", OPT, "thread_tolerance"),
            ("FA0203", REC, "max_service_temperature"),
            ("FA03", REQ, "washer_inner_diameter washer_outer_diameter washer_thickness washer_hardness_class"),
            ("FA03", OPT, "product_grade"),
        )),
        notes=(
            "Dimensions, thread sizes and ranges: BOLTS classes hexbolt2 (ISO 4014), hexscrew2 (ISO 4017), "
            "hexsocketheadcap (ISO 4762), hexsocketcountersunk (ISO 10642), hexsocketsetscrewflat/cone/dog/cup "
            "(ISO 4026-4029), hexagonnut1 (ISO 4032), hexagonthinnut1 (ISO 4035), hexagonlocknut (ISO 7040), "
            "plainwasher1, plainwasherchamfered, plainwasher2, plainwasherforcheesehead (ISO 7089-7092); pitch "
            f"from the hexscrew1 pitch table; lengths from the classes' common lengths; see {BOLTS_PROVENANCE}.",
            f"Industry: UN CPC Ver.2.1 class 4294; categories map to subclass 42944; see {CPC_PROVENANCE}.",
            "BOLTS has no masses, torques or strengths: those ranges are plausible bounds.",
            "GB/T 5782 and GB/T 6170 are technically equivalent to ISO 4014 / ISO 4032 for many sizes (per the "
            "PROVENANCE file); not used as data.",
        ),
    )


DEMO_STANDARDS: tuple[Standard, ...] = (bearings(), fasteners())
