import pytest

from jlclient.domain.matters import MaterialCheck, MatterError, missing_materials, parse_matters

TEXT = """
[[matter]]
code = "m1"
name = "食品经营许可"
procedure = "PERMIT"
basis = "食品安全法"
promised_days = 10
materials = [
  { name = "申请书", copies = 1, original = true, required = true },
  { name = "营业执照", copies = 1, original = false, required = true, standard = "复印件" },
  { name = "委托书", copies = 1, original = true, required = false },
]
"""


def test_missing_required_materials_are_all_listed_once():
    matter = parse_matters(TEXT, "t.toml")[0]
    checks = [MaterialCheck("申请书", True), MaterialCheck("营业执照", False)]
    assert [m.name for m in missing_materials(matter, checks)] == ["营业执照"]
    assert missing_materials(matter, [MaterialCheck("申请书", True), MaterialCheck("营业执照", True)]) == []


def test_bad_catalogue_is_named():
    with pytest.raises(MatterError, match="procedure"):
        parse_matters(TEXT.replace('"PERMIT"', '"PERMITS"'), "t.toml")
    with pytest.raises(MatterError, match="materials\\[0\\]"):
        parse_matters(TEXT.replace("copies = 1, original = true, required = true }", "copies = 1 }", 1), "t.toml")


def test_shipped_catalogue_loads():
    from jlclient.services.matters import load_matters
    matters = load_matters()
    assert len(matters) >= 5 and all(m.materials for m in matters)
