"""`jlclient spot-check ledger`: the headless twin of 导出检查台账 — the PDF saved, each plan's outcome in words."""
from datetime import timedelta

import pytest

import tests.support.case_builder as cb
from jlclient.cli import main
from jlclient.clock import today
from jlclient.domain.spot_check import CheckItem, ScopeKind, SizeKind
from jlclient.services import spot_checks
from jlclient.store.audit import utcnow
from tests.support.cli import signed_in
from tests.support.pdf import pdftotext, squash


@pytest.fixture
def home(demo_home):
    return demo_home


def test_the_ledger_is_saved_and_each_plan_told_in_words(home, demo_ctx, login_as, tmp_path, capsys):
    reviewer = login_as("reviewer")
    ids = [cb.add_av(demo_ctx, None, None, officer="王强", camera="DSJ0002",
                     start=utcnow().replace(microsecond=0) - timedelta(days=400, hours=i)) for i in range(2)]
    day = today() - timedelta(days=400)
    plan = spot_checks.create_plan(demo_ctx, reviewer, day - timedelta(days=1), day + timedelta(days=1), ScopeKind.ALL,
                                   "", SizeKind.COUNT, 2, [CheckItem.USABLE], seed=7)
    spot_checks.record_check(demo_ctx, reviewer, plan, ids[0], {CheckItem.USABLE: True}, [], "画面清晰")
    out = tmp_path / "ledger.pdf"
    assert main([*signed_in(tmp_path, "reviewer"), "spot-check", "ledger", "--from", f"{today()}", "--to", f"{today()}", "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert f"抽检计划 {plan}：全部" in said and "随机种子 7" in said
    assert "样本 2 件，已检查 1 件，未检查 1 件；合格 1 件，不合格 0 件，合格率 100%" in said
    assert "共 1 个抽检计划" in said and "seed" not in said and "Art." not in said
    text = squash(pdftotext(out.read_bytes()))
    assert "画面清晰" in text and "随机种子：7" in text and "负责人（签名）" in text

    assert main([*signed_in(tmp_path, "reviewer"), "spot-check", "ledger", "--from", f"{today()}", "--to", f"{today() - timedelta(days=1)}",
                 "-o", str(out)]) == 2
    assert "起始日期不能晚于截止日期" in capsys.readouterr().err
