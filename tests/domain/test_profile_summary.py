import pytest

from jlclient.domain.profile_summary import SILENT, profile_label, summary
from jlclient.services.profiles import list_profiles, load_profile


@pytest.mark.parametrize("profile", list_profiles(), ids=lambda p: p.key)
def test_every_stated_rule_has_a_citation(profile):
    for rule, text, source in summary(profile):
        assert text
        assert (text == SILENT) == (source == ""), rule


def test_seed_000_upload_deadline_reads_24_hours():
    rows = {r: (t, s) for r, t, s in summary(load_profile("lingshou-approval"))}
    assert rows["音像记录存储时限"] == ("24 小时内", "《灵寿县行政审批局行政执法全过程记录办法》第二十三条")
    assert rows["异地/连续执法"][0] == "返回后 24 小时内"


@pytest.mark.parametrize("profile", list_profiles(), ids=lambda p: p.key)
def test_citations_name_the_regulation_never_the_seed(profile):
    for rule, _text, source in summary(profile):
        assert "seed" not in source and "Art." not in source, rule
        assert not source or source.startswith("《"), rule


def test_an_administrator_named_placeholder_regulation_is_cited_by_that_name():
    rows = {r: s for r, _t, s in summary(load_profile("bureau-002"), "某县某局行政执法全过程记录办法")}
    assert rows["日常音像资料保存"] == "《某县某局行政执法全过程记录办法》第十六条"
    assert profile_label(load_profile("bureau-002")).startswith("《行政执法全过程记录办法》")
    assert "seed" not in profile_label(load_profile("bureau-002"))
    assert profile_label(load_profile("lingshou-approval")) == "《灵寿县行政审批局行政执法全过程记录办法》"
