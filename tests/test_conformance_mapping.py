"""Column mapping: headers to attributes (zh, en, codes, units in brackets, full-width), suggestions,
product code / category / unit columns, mapping files and their upgrade along a standard diff."""

from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from cpms_kg.conformance.mapping import (
    ColumnMapping,
    auto_map,
    load_mapping,
    resolve_category,
    save_mapping,
    suggest,
    upgrade,
)
from cpms_kg.conformance.table import Row
from cpms_kg.errors import BadInput
from cpms_kg.standards.demo import bearings
from cpms_kg.standards.diff import diff
from cpms_kg.standards.model import Standard

BEARINGS = bearings()


def test_zh_headers_with_units_in_brackets() -> None:
    result = auto_map(
        ["产品编码", "类目", "轴承型号", "内径 d (mm)", "外径 D（mm）", "宽度B【mm】", "质量/kg"], BEARINGS
    )
    assert result.mapping.columns == {
        "轴承型号": "designation",
        "内径 d (mm)": "bore_diameter",
        "外径 D（mm）": "outside_diameter",
        "宽度B【mm】": "width",
        "质量/kg": "mass",
    }
    assert result.mapping.product_code_column == "产品编码"
    assert result.mapping.category_column == "类目"
    assert result.unmapped == []


def test_en_headers_codes_and_full_width() -> None:
    columns = [
        "Item Code",
        "Category",
        "Bore Diameter d",
        "OUTSIDE_DIAMETER",
        "width",
        "ＢＲＡＮＤ",
        "ｍａｓｓ（ｋｇ）",
    ]
    result = auto_map(columns, BEARINGS)
    assert result.mapping.columns == {
        "Bore Diameter d": "bore_diameter",
        "OUTSIDE_DIAMETER": "outside_diameter",
        "width": "width",
        "ＢＲＡＮＤ": "brand",
        "ｍａｓｓ（ｋｇ）": "mass",
    }
    assert result.mapping.product_code_column == "Item Code"
    assert result.mapping.category_column == "Category"


def test_header_without_drawing_symbol() -> None:
    result = auto_map(["SKU", "内径", "Chamfer dimension r (min)"], BEARINGS, category="RB010101")
    assert result.mapping.columns == {"内径": "bore_diameter", "Chamfer dimension r (min)": "chamfer_min"}


def test_unmapped_columns_are_reported_with_ranked_suggestions() -> None:
    result = auto_map(["产品编码", "类目", "外圈直径", "杂项备注", "Load rating dynamic"], BEARINGS)
    unmapped = {u.column: u.suggestions for u in result.unmapped}
    assert set(unmapped) == {"外圈直径", "杂项备注", "Load rating dynamic"}
    outer = unmapped["外圈直径"]
    assert outer[0].attribute == "outside_diameter"
    assert "外径 D" in outer[0].reason.zh and "外径 D" in outer[0].reason.en
    assert [s.score for s in outer] == sorted((s.score for s in outer), reverse=True)
    assert unmapped["Load rating dynamic"][0].attribute == "dynamic_load_rating"
    assert unmapped["杂项备注"] == []  # reported even with nothing to suggest


def test_suggestions_in_english() -> None:
    assert suggest("Outer diameter", BEARINGS)[0].attribute == "outside_diameter"
    assert suggest("Bore dia.", BEARINGS)[0].attribute == "bore_diameter"


def test_second_column_for_the_same_attribute_stays_unmapped() -> None:
    result = auto_map(["物料编码", "内径 d", "Bore diameter"], BEARINGS, category="RB")
    assert result.mapping.columns == {"内径 d": "bore_diameter"}
    assert [u.column for u in result.unmapped] == ["Bore diameter"]
    assert result.unmapped[0].suggestions[0].attribute == "bore_diameter"
    assert any("Bore diameter" in n for n in result.notes)


def test_unit_columns() -> None:
    columns = ["产品编码", "类目", "内径 d", "单位", "外径 D", "外径 D 单位", "品牌", "质量", "Unit.1"]
    result = auto_map(columns, BEARINGS)
    assert result.mapping.unit_columns == {"内径 d": "单位", "外径 D": "外径 D 单位", "质量": "Unit.1"}
    assert result.unmapped == []


def test_product_code_falls_back_to_firm_item_code() -> None:
    result = auto_map(["企业物料编码", "类目", "轴承型号"], BEARINGS)
    assert result.mapping.product_code_column == "企业物料编码"
    assert result.mapping.columns["企业物料编码"] == "firm_item_code"


def test_missing_product_code_column_names_the_columns() -> None:
    with pytest.raises(BadInput) as caught:
        auto_map(["轴承型号", "类目"], BEARINGS)
    assert "轴承型号" in caught.value.message and "轴承型号" in caught.value.message_zh
    assert "product code" in caught.value.message and "产品编码" in caught.value.message_zh


def test_category_given_for_the_whole_file() -> None:
    result = auto_map(["产品编码", "轴承型号"], BEARINGS, category="深沟球轴承")
    assert result.mapping.category == "RB0101" and result.mapping.category_column is None
    with pytest.raises(BadInput) as caught:
        auto_map(["产品编码"], BEARINGS)
    assert "产品编码" in caught.value.message and "类目" in caught.value.message_zh
    with pytest.raises(BadInput):
        auto_map(["产品编码"], BEARINGS, category="no such category")


def test_category_column_detected_by_values() -> None:
    rows = [Row(2, {"code": "A1", "type": "Deep groove ball bearings"}), Row(3, {"code": "A2", "type": "RB0102"})]
    result = auto_map(["code", "type"], BEARINGS, rows=rows)
    assert result.mapping.category_column == "type" and result.mapping.product_code_column == "code"


def test_resolve_category() -> None:
    assert resolve_category("RB0101", BEARINGS) == "RB0101"
    assert resolve_category(" rb0101 ", BEARINGS) == "RB0101"
    assert resolve_category("单列深沟球轴承", BEARINGS) == "RB010101"
    assert resolve_category("single row deep-groove ball bearings", BEARINGS) == "RB010101"
    assert resolve_category("螺栓", BEARINGS) is None
    assert resolve_category("", BEARINGS) is None


def test_hints_win_over_name_matching() -> None:
    hints = ColumnMapping(
        BEARINGS.info.id, BEARINGS.info.version, {"外圈直径": "outside_diameter"}, "编号", None, "RB01", {}, ("备注",)
    )
    result = auto_map(["编号", "外圈直径", "备注", "内径 d"], BEARINGS, hints=hints)
    mapping = result.mapping
    assert mapping.columns == {"外圈直径": "outside_diameter", "内径 d": "bore_diameter"}
    assert (mapping.product_code_column, mapping.category, mapping.ignored) == ("编号", "RB01", ("备注",))
    assert result.unmapped == []
    with pytest.raises(BadInput):
        auto_map(["编号"], BEARINGS, hints=replace(hints, version="0.9"))


# --- mapping files ------------------------------------------------------------------------------

_names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12)
_codes = [a.code for a in BEARINGS.attributes]


@st.composite
def mappings(draw: st.DrawFn) -> ColumnMapping:
    return ColumnMapping(
        BEARINGS.info.id,
        BEARINGS.info.version,
        draw(st.dictionaries(_names, st.sampled_from(_codes), max_size=6)),
        draw(_names),
        draw(st.none() | _names),
        draw(st.none() | st.sampled_from([c.code for c in BEARINGS.categories])),
        draw(st.dictionaries(_names, _names, max_size=3)),
        tuple(draw(st.lists(_names, max_size=3))),
    )


@settings(max_examples=60, deadline=None)
@given(mappings(), st.sampled_from(["m.yaml", "m.yml", "m.json"]))
def test_mapping_file_round_trip(mapping: ColumnMapping, name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        save_mapping(mapping, path)
        assert load_mapping(path, BEARINGS) == mapping


def test_mapping_file_is_versioned(tmp_path: Path) -> None:
    mapping = auto_map(["产品编码", "类目", "内径 d (mm)"], BEARINGS).mapping
    save_mapping(mapping, tmp_path / "m.yaml")
    data = yaml.safe_load((tmp_path / "m.yaml").read_text(encoding="utf-8"))
    assert data["format_version"] == 1 and data["standard"] == "zj-rolling-bearings@1.0"
    assert data["columns"] == {"内径 d (mm)": "bore_diameter"}


def _write_json(path: Path, **changes: object) -> Path:
    data: dict[str, object] = {
        "format_version": 1,
        "standard": BEARINGS.key,
        "product_code_column": "产品编码",
        "columns": {"内径": "bore_diameter"},
    }
    data.update(changes)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_wrong_standard_version(tmp_path: Path) -> None:
    path = _write_json(tmp_path / "m.json", standard="zj-rolling-bearings@0.9")
    with pytest.raises(BadInput) as caught:
        load_mapping(path, BEARINGS)
    assert "zj-rolling-bearings@0.9" in caught.value.message and "升级" in caught.value.message_zh
    with pytest.raises(BadInput):
        load_mapping(_write_json(tmp_path / "v.json", format_version=2), BEARINGS)
    # Without a standard the file's own target is kept, and auto_map refuses it for another version.
    mapping = load_mapping(path)
    assert (mapping.standard, mapping.version) == ("zj-rolling-bearings", "0.9")
    with pytest.raises(BadInput):
        auto_map(["产品编码"], BEARINGS, hints=mapping)
    with pytest.raises(BadInput):
        load_mapping(_write_json(tmp_path / "s.json", standard="zj-rolling-bearings"))


def test_unknown_attribute_code_names_the_key(tmp_path: Path) -> None:
    path = _write_json(tmp_path / "m.json", columns={"内径": "bore_diameter", "外圈": "outer_dia"})
    with pytest.raises(BadInput) as caught:
        load_mapping(path, BEARINGS)
    problems = caught.value.problems
    assert [p.column for p in problems] == ["外圈"]
    assert "outer_dia" in problems[0].message and "outer_dia" in (problems[0].message_zh or "")


def test_unreadable_mapping_files(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("columns: [unclosed", encoding="utf-8")
    (tmp_path / "list.json").write_text("[]", encoding="utf-8")
    for name in ("bad.yaml", "list.json", "missing.json"):
        with pytest.raises(BadInput):
            load_mapping(tmp_path / name, BEARINGS)
    with pytest.raises(BadInput):
        save_mapping(auto_map(["SKU"], BEARINGS, category="RB").mapping, tmp_path / "m.txt")


# --- upgrade ------------------------------------------------------------------------------------


def _next_version() -> Standard:
    """1.1: bore_diameter renamed inner_diameter (same names), mass removed."""

    def rename(code: str) -> str:
        return "inner_diameter" if code == "bore_diameter" else code

    attributes = tuple(replace(a, code=rename(a.code)) for a in BEARINGS.attributes if a.code != "mass")
    requirements = tuple(
        replace(r, attribute=rename(r.attribute)) for r in BEARINGS.requirements if r.attribute != "mass"
    )
    info = replace(BEARINGS.info, version="1.1", previous_version="1.0")
    return replace(BEARINGS, info=info, attributes=attributes, requirements=requirements)


def test_upgrade_follows_renames_and_unmaps_removed() -> None:
    new = _next_version()
    migration = diff(BEARINGS, new).migration
    mapping = auto_map(["产品编码", "类目", "内径 d (mm)", "质量", "单位", "品牌"], BEARINGS).mapping
    assert mapping.unit_columns == {"质量": "单位"}
    upgraded, notes = upgrade(mapping, migration, "1.1")
    assert upgraded.version == "1.1"
    assert upgraded.columns == {"内径 d (mm)": "inner_diameter", "品牌": "brand"}
    assert upgraded.unit_columns == {}
    removed = next(n for n in notes if "mass" in n)
    assert "质量" in removed and "删除" in removed and "removed" in removed and "单位" in removed
    assert any("inner_diameter" in n and "更名" in n for n in notes)
    # The upgraded mapping is valid against the new version, and the removed column comes back unmapped.
    result = auto_map(["产品编码", "类目", "内径 d (mm)", "质量", "单位", "品牌"], new, hints=upgraded)
    assert result.mapping.columns["内径 d (mm)"] == "inner_diameter"
    assert [u.column for u in result.unmapped] == ["质量", "单位"]


def test_upgraded_mapping_saves_and_loads_against_the_new_version(tmp_path: Path) -> None:
    new = _next_version()
    mapping = auto_map(["产品编码", "类目", "内径 d"], BEARINGS).mapping
    upgraded, _ = upgrade(mapping, diff(BEARINGS, new).migration, "1.1")
    save_mapping(upgraded, tmp_path / "m.json")
    assert load_mapping(tmp_path / "m.json", new) == upgraded
    with pytest.raises(BadInput):
        load_mapping(tmp_path / "m.json", BEARINGS)
