"""Issue 16: the year's 放假安排 entered on any workstation counts in the deadline list at once, and
a mistyped notice is refused in Chinese."""
import json
from datetime import date

import pytest

from jlclient.clock import today
from jlclient.domain import workdays
from jlclient.services import auth, holidays, intake, settings
from jlclient.services.context import ServiceError
from jlclient.services.deadlines import case_deadlines
from jlclient.services.setup import DEMO_PASSWORD
from tests.services.test_intake import _application


@pytest.fixture(autouse=True)
def _forget():
    yield
    workdays.use_arrangements(())


def _due(ctx, case_id):
    return next(d for d in case_deadlines(ctx, case_id) if d.rule_code == "permit_decision")


def test_an_arrangement_entered_on_another_workstation_moves_the_deadline_here(demo_ctx, monkeypatch):
    year = today().year
    monkeypatch.setattr(workdays, "_package_covers", lambda y: y < year)   # the package lacks this year on
    clerk = auth.login(demo_ctx, "clerk", DEMO_PASSWORD)
    case_id = intake.receive(demo_ctx, clerk, _application(demo_ctx), intake.Acceptance()).case_id
    before = _due(demo_ctx, case_id)
    assert "放假安排尚未公布或录入" in before.note
    # Another workstation's administrator enters the notice: the promised last day becomes a rest day.
    settings.put(demo_ctx, "user:admin", f"{holidays.PREFIX}{before.due.year}", json.dumps(
        {"title": "国务院办公厅关于部分节假日安排的通知", "number": "国办发明电〔1〕号",
         "rest_days": [before.due.isoformat()], "working_days": []}, ensure_ascii=False))
    after = _due(demo_ctx, case_id)
    assert after.due > before.due
    assert f"{before.due.year} 年" not in after.note and f"{before.due.year}、" not in after.note  # known now


@pytest.mark.parametrize("rest, work, message", [
    ("", "", "请填写放假日期"),
    ("2027-02-05至2027-02-01", "", "放假日期中“2027-02-05至2027-02-01”的结束日期早于开始日期"),
    ("2028-01-01", "", "2028年1月1日不在2027年内"),
    ("2027-02-05", "2027-02-05", "调休上班日应是星期六或星期日，2027年2月5日是工作日"),
    ("2027-02-06", "2027-02-06", "2027年2月6日不能既放假又上班"),
    ("二月五日", "", "放假日期中“二月五日”不是日期，请写成 2027-02-05 或 2027-02-05至2027-02-11"),
])
def test_a_mistyped_notice_is_refused_in_chinese(rest, work, message):
    with pytest.raises(ServiceError) as refused:
        holidays.arrangement_of(2027, "通知", "国办发明电〔1〕号", rest, work)
    assert str(refused.value) == message


def test_the_notice_is_read_as_written_in_chinese_dates():
    a = holidays.arrangement_of(2027, "通知", "文号", "2027年2月5日至2027年2月7日，2027年10月4日", "2027年2月20日")
    assert len(a.rest_days) == 4 and [d.day for d in a.working_days] == [20]


def test_only_an_administrator_saves(demo_ctx):
    clerk = auth.login(demo_ctx, "clerk", DEMO_PASSWORD)
    with pytest.raises(ServiceError, match="只有系统管理员"):
        holidays.save(demo_ctx, clerk, holidays.arrangement_of(2027, "通知", "文号", "2027-02-05", ""))


def test_the_arrangement_is_kept_and_read_back_on_either_database(any_ctx):
    notice = holidays.arrangement_of(2027, "国务院办公厅关于2027年部分节假日安排的通知", "国办发明电〔2026〕9号",
                                     "2027-02-05至2027-02-11", "2027-02-20")
    settings.put(any_ctx, "user:admin", f"{holidays.PREFIX}2027", json.dumps(
        {"title": notice.title, "number": notice.number, "rest_days": sorted(d.isoformat() for d in notice.rest_days),
         "working_days": ["2027-02-20"]}, ensure_ascii=False))
    settings.put(any_ctx, "user:admin", "holidayXarrangement.2028", "{}")   # LIKE's _ matches nothing else
    with any_ctx.db.read() as s:
        assert holidays.entered(s) == [notice]
        assert holidays.calendar(s).is_workday(date(2027, 2, 20))
