"""Issue 16: under seed 004 (1 working day to store footage, Art. 18) the docking pane's session
carries the calendar warning while the year the deadline falls in has no known 放假安排."""
from jlclient.clock import today
from jlclient.domain import workdays
from jlclient.services import footage, setup
from tests.services.test_footage import _dock_and_pull, _session


def test_the_seed_004_upload_deadline_warns_while_the_year_is_unknown(demo_ctx, login_as, tmp_path, monkeypatch):
    setup.set_profile(demo_ctx, "cli:test", "lingchuan-approval")
    year = today().year
    monkeypatch.setattr(workdays, "_package_covers", lambda y: y < year)   # the package lacks this year
    _dock_and_pull(demo_ctx, tmp_path)
    session = _session(demo_ctx, login_as("officer"))
    assert session.due is not None and "年放假安排尚未公布或录入" in session.due_note
    assert session.due_note.startswith(str(year))


def test_no_warning_when_the_year_is_known(demo_ctx, login_as, tmp_path, monkeypatch):
    setup.set_profile(demo_ctx, "cli:test", "lingchuan-approval")
    monkeypatch.setattr(workdays, "_package_covers", lambda y: True)
    monkeypatch.setattr(workdays.chinese_calendar, "is_workday", lambda d: d.weekday() < 5)
    _dock_and_pull(demo_ctx, tmp_path)
    assert _session(demo_ctx, login_as("officer")).due_note is None
    assert footage.unlinked_counts(demo_ctx)
