"""Issue 16: while the 放假安排 of the year a promised date falls in is unknown, the printed
材料接收凭证 and 受理通知书 carry the calendar warning next to the date; once it is known, they do not."""
import pytest

from jlclient.clock import today
from jlclient.domain import workdays
from jlclient.services import auth, holidays, intake, printing, records
from jlclient.services.setup import DEMO_PASSWORD
from tests.services.test_intake import _application
from tests.support.pdf import pdftotext, squash


@pytest.fixture
def clerk(demo_ctx):
    return auth.login(demo_ctx, "clerk", DEMO_PASSWORD)


def _printed(ctx, case_id, form):
    record = next(r for r in reversed(records.records_of(ctx, case_id)) if r.form == form)
    return records.latest_values(ctx, record.id), squash(pdftotext(printing.render_record(ctx, record.id).pdf))


def test_the_receipt_and_notice_warn_while_the_year_s_arrangement_is_unknown(demo_ctx, clerk, monkeypatch):
    # As on a workstation whose holiday package has not yet got this year (today's permits end next year).
    year = today().year
    monkeypatch.setattr(workdays, "_package_covers", lambda y: y < year)
    warning = squash("年放假安排尚未公布或录入")
    result = intake.receive(demo_ctx, clerk, _application(demo_ctx), intake.Acceptance())
    for form in ("materials_receipt", "acceptance_notice"):
        values, text = _printed(demo_ctx, result.case_id, form)
        assert values["calendar_note"].startswith(f"{year}") and "年放假安排尚未公布或录入" in values["calendar_note"]
        assert "期限提示" in text and warning in text and squash("请核对") in text


def test_no_warning_is_printed_once_the_arrangement_is_entered(demo_ctx, clerk, login_as, monkeypatch):
    # The package has this year; next year's notice is entered by the administrator (设置 → 节假日安排).
    year = today().year
    monkeypatch.setattr(workdays, "_package_covers", lambda y: y <= year)
    notice = holidays.arrangement_of(year + 1, f"国务院办公厅关于{year + 1}年部分节假日安排的通知", "国办发明电〔1〕号",
                                     f"{year + 1}-10-01至{year + 1}-10-07", "")
    holidays.save(demo_ctx, login_as("admin"), notice)
    try:
        result = intake.receive(demo_ctx, clerk, _application(demo_ctx), intake.Acceptance())
        for form in ("materials_receipt", "acceptance_notice"):
            values, text = _printed(demo_ctx, result.case_id, form)
            assert "calendar_note" not in values and "期限提示" not in text
    finally:
        workdays.use_arrangements(())
