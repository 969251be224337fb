"""Drawing a spot-check sample again with its seed, the checklist's rules and per-officer figures."""
import pytest

from jlclient.domain.spot_check import (CheckItem, Issue, SampleError, SizeKind, check_problems, clock, conclusion,
                                        draw, issues_text, per_officer, sample_size)

POPULATION = list(range(100, 160))


def test_the_same_seed_draws_the_same_sample_and_another_seed_another():
    first = draw(POPULATION, SizeKind.COUNT, 8, seed=20261123)
    assert first == draw(reversed(POPULATION), SizeKind.COUNT, 8, seed=20261123)   # order does not matter
    assert len(first) == 8 and set(first) <= set(POPULATION) and first == sorted(first)
    assert first != draw(POPULATION, SizeKind.COUNT, 8, seed=20261124)


def test_sizes_by_count_and_by_percentage_rounded_up():
    assert sample_size(60, SizeKind.COUNT, 8) == 8
    assert sample_size(5, SizeKind.COUNT, 8) == 5                 # never more than there are
    assert sample_size(60, SizeKind.PERCENT, 10) == 6
    assert sample_size(7, SizeKind.PERCENT, 10) == 1              # a small period is still checked
    for bad in ((SizeKind.COUNT, 0), (SizeKind.PERCENT, 101)):
        with pytest.raises(SampleError):
            sample_size(60, *bad)
    with pytest.raises(SampleError, match="没有音像记录"):
        draw([], SizeKind.COUNT, 3, seed=1)


def test_a_check_needs_every_item_judged_and_every_failure_placed_in_the_footage():
    items = [CheckItem.PARTY_TOLD, CheckItem.ID_SHOWN]
    assert check_problems(items, {CheckItem.PARTY_TOLD: True}, [], 60_000) == ["“出示执法证件”尚未判定"]
    failed = {CheckItem.PARTY_TOLD: True, CheckItem.ID_SHOWN: False}
    assert "请在录像中标出" in check_problems(items, failed, [], 60_000)[0]
    placed = [Issue(CheckItem.ID_SHOWN, 12_000, "未出示执法证")]
    assert check_problems(items, failed, placed, 60_000) == []
    late = [Issue(CheckItem.ID_SHOWN, 61_000, "未出示执法证")]
    assert "不在录像时长内" in check_problems(items, failed, late, 60_000)[0]
    assert "请写明" in check_problems(items, failed, [Issue(CheckItem.ID_SHOWN, 1000, " ")], 60_000)[0]


def test_conclusion_and_issue_text_for_the_ledger():
    assert conclusion({CheckItem.PARTY_TOLD: True}) == "合格"
    assert conclusion({CheckItem.PARTY_TOLD: True, CheckItem.USABLE: False}) == "不合格"
    text = issues_text([Issue(CheckItem.USABLE, 200_000, "画面模糊"), Issue(CheckItem.ID_SHOWN, 3_000, "未出示")])
    assert text == "00:00:03 出示执法证件：未出示；00:03:20 画面和声音清晰可用：画面模糊"
    assert clock(3_723_000) == "01:02:03"


def test_per_officer_figures_count_checks_failures_and_items():
    ok = {CheckItem.PARTY_TOLD: True, CheckItem.ID_SHOWN: True}
    bad = {CheckItem.PARTY_TOLD: False, CheckItem.ID_SHOWN: True}
    figures = per_officer([("李娜", ok), ("王强", bad), ("李娜", bad), ("王强", bad)])
    assert [(f.officer, f.checked, f.failed) for f in figures] == [("王强", 2, 2), ("李娜", 2, 1)]
    assert figures[0].by_item == {CheckItem.PARTY_TOLD: 2} and figures[1].pass_rate == 0.5


def test_a_tally_counts_what_was_checked_and_rates_only_that():
    from jlclient.domain.spot_check import tally
    t = tally(["合格", "不合格", "未检查", "合格", "未检查（已销毁，不能检查）"])
    assert (t.sampled, t.checked, t.unchecked, t.passed, t.failed) == (5, 3, 2, 2, 1)
    assert t.pass_rate == 2 / 3 and "合格率 67%" in t.words()
    assert tally(["未检查"]).pass_rate is None and "尚无检查结果" in tally(["未检查"]).words()
