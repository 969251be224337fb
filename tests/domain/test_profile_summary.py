import pytest

from jlclient.domain.profile_summary import SILENT, summary
from jlclient.services.profiles import list_profiles, load_profile


@pytest.mark.parametrize("profile", list_profiles(), ids=lambda p: p.key)
def test_every_stated_rule_has_a_citation(profile):
    for rule, text, source in summary(profile):
        assert text
        assert (text == SILENT) == (source == ""), rule


def test_seed_000_upload_deadline_reads_24_hours():
    rows = {r: (t, s) for r, t, s in summary(load_profile("lingshou-approval"))}
    assert rows["音像记录存储时限"] == ("24 小时内", "seed 000 Art. 23")
    assert rows["异地/连续执法"][0] == "返回后 24 小时内"
