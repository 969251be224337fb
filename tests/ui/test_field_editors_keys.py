"""Every field editor worked by a user's hands (tests/support/keys.py): dates typed in each form
people use, the calendar pop-up, the wheel over a form, Tab order, Enter, numbers, choices and
materials rows. Nothing here sets a value through a widget's setter."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QToolButton, QWidget

from jlclient.clock import today
from jlclient.domain.forms import parse_form, validate_values
from jlclient.domain.workdays import WorkCalendar
from jlclient.ui.date_edit import REST_MARK, WORKING_WEEKEND_MARK, DateEdit
from jlclient.ui.form_editors import PageContext
from jlclient.ui.form_page import FormPage
from tests.support.keys import Keys

# One field of each editor type, then a dated signature.
FORM = """\
code = "keys_sample"
title = "键盘示例"
kind = "record"
stages = ["INVESTIGATION"]
procedures = ["INSPECTION"]

[[fields]]
key = "place"
label = "地点"
type = "text"

[[fields]]
key = "opened_on"
label = "开始日期"
type = "date"
required = true

[[fields]]
key = "ended_at"
label = "结束时间"
type = "datetime"

[[fields]]
key = "pages"
label = "页数"
type = "integer"
min = 1
max = 99

[[fields]]
key = "sex"
label = "性别"
type = "choice"
choices = ["男", "女"]

[[fields]]
key = "notes"
label = "记录"
type = "multiline"

[[fields]]
key = "shown"
label = "已出示证件"
type = "bool"

[[fields]]
key = "party"
label = "当事人"
type = "party"

[[fields]]
key = "officers"
label = "执法人员"
type = "officers"

[[fields]]
key = "materials"
label = "材料"
type = "materials"

[[signatures]]
key = "party_signature"
kind = "party"
label = "当事人签名"
required = false
"""
CONTEXT = PageContext(parties=((7, "灵寿县鑫源食品店"),), officers=(("周杰", "13010000001"), ("赵敏", "13010000002")))


@pytest.fixture
def keys(qtbot):
    return Keys(qtbot)


@pytest.fixture
def page(qtbot):
    """The sample form in a window low enough that it scrolls."""
    form = FormPage(parse_form(FORM, "keys_sample.toml"), CONTEXT)
    qtbot.addWidget(form)
    form.resize(640, 320)
    form.show()
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    return form


def _field(page, key):
    return page.editors[key].widget


# --- typing dates ------------------------------------------------------------------------

THIS_YEAR = today().year


@pytest.mark.parametrize("typed, stored", [
    ("2026-12-03", "2026-12-03"),
    ("2026/12/3", "2026-12-03"),
    ("20261203", "2026-12-03"),
    ("2026.12.3", "2026-12-03"),
    ("2026年12月3日", "2026-12-03"),
    ("2026-1-5", "2026-01-05"),
    ("12-03", f"{THIS_YEAR}-12-03"),
    ("12/3", f"{THIS_YEAR}-12-03"),
])
def test_a_date_typed_as_people_type_it_is_stored_and_shown_in_one_form(page, keys, typed, stored):
    keys.type(_field(page, "opened_on"), typed)
    keys.press("Tab")
    assert page.values()["opened_on"] == stored
    assert _field(page, "opened_on").text() == stored
    assert QApplication.focusWidget() is _field(page, "ended_at")    # the focus moved on
    assert validate_values(page.spec, page.values(), final=False) == []


@pytest.mark.parametrize("typed, stored", [
    ("2026-12-03 08:30", "2026-12-03T08:30"),
    ("20261203 0830", "2026-12-03T08:30"),
    ("2026/12/3 8:30", "2026-12-03T08:30"),
    ("2026年12月3日 14时05分", "2026-12-03T14:05"),
    ("12-03 0830", f"{THIS_YEAR}-12-03T08:30"),
])
def test_a_date_and_time_typed_is_stored_and_shown_in_one_form(page, keys, typed, stored):
    keys.type(_field(page, "ended_at"), typed)
    keys.press("Enter")                   # Enter finishes the field and moves on
    assert page.values()["ended_at"] == stored
    assert _field(page, "ended_at").text() == stored.replace("T", " ")
    assert QApplication.focusWidget() is _field(page, "pages")


def test_typing_after_up_on_an_empty_date_still_gives_the_typed_date(page, keys):
    """The old editor turned ↑ then 2026-12-03 into 2026-01-12."""
    keys.focus(_field(page, "opened_on"))
    keys.press("Up")
    assert _field(page, "opened_on").text() == ""
    keys.type_here("2026-12-03")
    keys.press("Tab")
    assert page.values()["opened_on"] == "2026-12-03"


def test_an_impossible_date_is_refused_with_its_reason_and_nothing_else_is_stored(page, keys):
    field = _field(page, "opened_on")
    keys.type(field, "2026-02-30")
    keys.press("Tab")
    assert field.text() == "2026-02-30"                       # what was typed is kept
    assert field.error() == "日期不存在：2026-02-30（2026年2月没有30日）"
    assert field.property("invalid") is True and "#c0392b" in field.styleSheet()
    assert field.toolTip() == field.error() and field.accessibleDescription() == field.error()
    problems = validate_values(page.spec, page.values(), final=True)
    assert [p.key for p in problems] == ["opened_on"]        # the form refuses it, names the field
    keys.replace(field, "2026-02-28")
    keys.press("Tab")
    assert field.error() is None and field.property("invalid") is False
    assert page.values()["opened_on"] == "2026-02-28"


@pytest.mark.parametrize("typed, message", [
    ("0261203", "日期无法识别：0261203（请按 2026-12-03 的格式输入）"),
    ("2026-13-01", "日期不存在：2026-13-01（月份应为 1 至 12）"),
    ("明天", "日期无法识别：明天（请按 2026-12-03 的格式输入）"),
])
def test_an_entry_that_is_no_date_says_so_in_chinese(page, keys, typed, message):
    keys.type(_field(page, "opened_on"), typed)
    keys.press("Tab")
    assert _field(page, "opened_on").error() == message
    assert page.values()["opened_on"] == typed   # kept, and refused by the form
    assert [p.key for p in validate_values(page.spec, page.values(), final=False)] == ["opened_on"]


def test_a_date_time_without_its_time_is_refused(page, keys):
    keys.type(_field(page, "ended_at"), "2026-12-03")
    keys.press("Tab")
    assert _field(page, "ended_at").error() == "请在日期后填写时间，如 2026-12-03 08:30"


def test_an_empty_date_stays_empty_under_arrows_and_delete(page, keys):
    field = _field(page, "opened_on")
    assert field.placeholderText() == "年-月-日" and _field(page, "ended_at").placeholderText() == "年-月-日 时:分"
    keys.focus(field)
    keys.press("Up", "Down", "Ctrl+A", "Delete", "Tab")
    assert field.text() == "" and "opened_on" not in page.values()
    assert validate_values(page.spec, page.values(), final=False) == []


def test_up_and_down_step_a_filled_date_by_a_day(page, keys):
    field = _field(page, "opened_on")
    keys.type(field, "2026-12-31")
    keys.press("Up")
    assert field.text() == "2027-01-01"
    keys.press("Down", times=2)
    assert field.text() == "2026-12-30"


# --- the calendar pop-up -------------------------------------------------------------------

def _popup():
    popup = QApplication.activePopupWidget()
    assert popup is not None, "no calendar pop-up is open"
    return popup


def test_the_calendar_opens_at_today_in_chinese_monday_first_and_enter_takes_the_day(page, keys):
    field = _field(page, "opened_on")
    keys.focus(field)
    keys.press("F4")
    calendar = _popup().calendar
    assert calendar.selectedDate().toPython() == today()
    assert calendar.locale().name() == "zh_CN"
    assert calendar.firstDayOfWeek() == Qt.Monday
    assert calendar.locale().monthName(10) == "十月"
    keys.press("Right", "Enter")
    assert QApplication.activePopupWidget() is None
    assert QApplication.focusWidget() is field
    assert page.values()["opened_on"] == (today() + timedelta(days=1)).isoformat()


def test_the_calendar_opens_at_the_fields_date_and_escape_changes_nothing(page, keys):
    field = _field(page, "opened_on")
    keys.type(field, "2026-10-08")
    keys.press("Alt+Down")
    calendar = _popup().calendar
    assert calendar.selectedDate() == QDate(2026, 10, 8)
    keys.press("Down")                                  # a week later in the calendar …
    assert calendar.selectedDate() == QDate(2026, 10, 15)
    keys.press("Escape")                                # … but not taken
    assert QApplication.activePopupWidget() is None
    assert page.values()["opened_on"] == "2026-10-08"


def test_the_calendar_marks_holidays_and_working_weekends_from_the_working_day_calendar(page, keys):
    work = WorkCalendar()   # the data the marks come from (chinesecalendar's State Council arrangements)
    assert not work.is_workday(date(2026, 10, 1)) and work.is_workday(date(2026, 10, 10))
    keys.type(_field(page, "opened_on"), "2026-08-10")
    keys.press("F4")
    calendar = _popup().calendar
    assert calendar.dateTextFormat(QDate(2026, 10, 1)).toolTip() == ""   # not shown yet, not marked yet
    keys.press("PgDown", times=2)                                        # to October by keys
    assert (calendar.yearShown(), calendar.monthShown()) == (2026, 10)
    national_day, saturday_at_work = calendar.dateTextFormat(QDate(2026, 10, 1)), calendar.dateTextFormat(QDate(2026, 10, 10))
    assert national_day.toolTip() == REST_MARK and national_day.foreground().color().name() == "#c0392b"
    assert saturday_at_work.toolTip() == WORKING_WEEKEND_MARK
    assert saturday_at_work.foreground().color().name() == "#000000"   # not the weekend red
    assert calendar.dateTextFormat(QDate(2026, 10, 13)).toolTip() == ""  # an ordinary Tuesday
    keys.press("Escape")
    assert page.values()["opened_on"] == "2026-08-10"


def test_the_calendar_button_opens_the_pop_up_with_the_mouse(page, keys):
    field = _field(page, "opened_on")
    page.ensureWidgetVisible(field)
    button = next(b for b in field.findChildren(QToolButton) if b.isVisible())
    keys.click(button)
    assert _popup().calendar.selectedDate().toPython() == today()
    keys.press("Enter")
    assert page.values()["opened_on"] == today().isoformat()


def test_choosing_a_day_for_a_date_time_keeps_the_time_for_typing(page, keys):
    field = _field(page, "ended_at")
    keys.focus(field)
    keys.press("F4", "Enter")
    assert field.text() == f"{today():%Y-%m-%d} "          # no time is guessed
    keys.type_here("0830")
    keys.press("Tab")
    assert page.values()["ended_at"] == f"{today():%Y-%m-%d}T08:30"


# --- the wheel ----------------------------------------------------------------------------------

def test_the_wheel_over_a_form_scrolls_it_and_changes_no_value(page, keys):
    keys.type(_field(page, "opened_on"), "2026-12-03")
    keys.type(_field(page, "pages"), "3")
    keys.focus(_field(page, "sex"))
    keys.press("Down")                                    # 男
    before = page.values()
    assert before["opened_on"] == "2026-12-03" and before["pages"] == 3 and before["sex"] == "男"
    bar = page.verticalScrollBar()
    assert bar.maximum() > 0
    for key in ("ended_at", "opened_on", "pages", "sex"):   # an empty date, a filled one, a number, a choice
        page.ensureWidgetVisible(_field(page, key))
        start = bar.value()
        keys.wheel(_field(page, key), notches=-1 if start < bar.maximum() else 1)
        assert bar.value() != start, key                    # the page scrolled …
        assert page.values() == before, key                 # … and nothing changed
    assert "ended_at" not in page.values()


def test_the_wheel_over_a_materials_row_changes_nothing(page, keys):
    materials = page.editors["materials"]
    page.ensureWidgetVisible(materials.add_button)
    keys.click(materials.add_button)
    keys.type_here("营业执照")
    keys.press("Tab")                                      # the number of copies is being edited
    spin = QApplication.focusWidget()
    keys.wheel(spin, notches=1)
    keys.wheel(spin, notches=1)
    keys.press("Tab", "Tab")
    assert materials.value() == [{"name": "营业执照", "copies": 1, "kind": "original", "standard": ""}]


# --- Tab, Enter and the other editors -----------------------------------------------------------

def _owner(page, widget) -> str | None:
    for key, editor in page.editors.items():
        if widget is editor.widget or editor.widget.isAncestorOf(widget):
            return key
    return None


def test_tab_goes_through_the_fields_in_the_forms_order(page, keys):
    keys.focus(_field(page, "place"))
    seen = ["place"]
    for _ in range(25):
        keys.press("Tab")
        owner = _owner(page, QApplication.focusWidget())
        if owner is not None and owner != seen[-1]:
            seen.append(owner)
        if owner == "party_signature":
            break
    assert seen == list(page.editors)
    keys.press("Shift+Tab")
    assert _owner(page, QApplication.focusWidget()) in ("materials", "party_signature")


def test_enter_in_a_field_moves_on_and_keeps_the_text(page, keys):
    keys.type(_field(page, "place"), "灵寿县城关镇")
    keys.press("Enter")
    assert QApplication.focusWidget() is _field(page, "opened_on")
    assert page.values()["place"] == "灵寿县城关镇"


def test_a_number_is_replaced_by_what_is_typed(page, keys):
    spin = _field(page, "pages")
    keys.focus(spin)                                      # entered with the mouse, holding 1
    keys.type_here("3")
    keys.press("Tab")
    assert page.values()["pages"] == 3
    keys.press("Shift+Tab")                               # and again by Shift+Tab
    keys.type_here("12")
    keys.press("Enter")
    assert page.values()["pages"] == 12


def test_a_choice_is_made_by_typing_or_the_arrow_keys(page, keys):
    combo = _field(page, "sex")
    keys.type(combo, "女")                                  # as the input method commits it
    assert page.values()["sex"] == "女"
    keys.press("Up")
    assert page.values()["sex"] == "男"
    keys.press("Enter")                                     # moves on, the choice stays
    assert page.values()["sex"] == "男" and QApplication.focusWidget() is not combo


def test_multiline_text_check_box_and_officers_by_keys(page, keys):
    keys.type(_field(page, "notes"), "当事人在场")
    keys.press("Tab")                                       # Tab leaves the text, it types no tab
    assert QApplication.focusWidget() is _field(page, "shown")
    keys.press("Space")
    keys.press("Tab", "Tab")                                # past the party, into the officers
    assert _owner(page, QApplication.focusWidget()) == "officers"
    keys.press("Space", "Down", "Space")
    values = page.values()
    assert values["notes"] == "当事人在场" and values["shown"] is True
    assert [o["name"] for o in values["officers"]] == ["周杰", "赵敏"]


def test_materials_rows_are_added_and_filled_by_keys(page, keys):
    materials = page.editors["materials"]
    keys.focus(materials.add_button)
    keys.press("Space")                                     # 添加一行: the name is being typed
    keys.type_here("营业执照")
    keys.press("Tab")
    keys.type_here("2")
    keys.press("Tab", "Down", "Tab")                        # 复印件
    keys.type_here("加盖公章")
    keys.press("Tab")                                       # back on 添加一行
    assert QApplication.focusWidget() is materials.add_button
    keys.press("Space")
    keys.type_here("身份证明")
    keys.press("Tab", "Tab", "Tab", "Tab")
    assert materials.value() == [
        {"name": "营业执照", "copies": 2, "kind": "copy", "standard": "加盖公章"},
        {"name": "身份证明", "copies": 1, "kind": "original", "standard": ""},
    ]
    keys.press("Tab")                                       # on to 删除所选行 and out of the table
    assert QApplication.focusWidget().objectName() == "removeMaterial"


def test_the_signature_date_is_typed_like_any_date(page, keys):
    signature = page.editors["party_signature"]
    keys.type(signature.parts["name"].widget, "王五")
    keys.type(signature.parts["date"].widget, "2026/12/3")
    keys.press("Tab")
    assert page.values()["party_signature"] == {"name": "王五", "date": "2026-12-03"}


def test_keys_are_counted_apart_from_typed_content(page, keys):
    keys.type(_field(page, "opened_on"), "20261203")
    keys.press("Tab", "F4", "Escape")
    assert (keys.typed, keys.strokes, keys.clicks) == (8, 3, 1)


def test_a_date_edit_on_its_own_gives_dates_and_required_names_the_field(qtbot, keys):
    edit = DateEdit(objectName="returnedAt")
    host = QWidget()
    edit.setParent(host)
    qtbot.addWidget(host)
    host.show()
    edit.set_value(date(2026, 12, 3))
    assert edit.text() == "2026-12-03" and edit.value() == date(2026, 12, 3)
    keys.replace(edit, "2026-02-30")
    with pytest.raises(Exception, match="返回日期：日期不存在"):
        edit.required("返回日期")
    keys.press("Ctrl+A", "Delete")
    with pytest.raises(Exception, match="请填写返回日期"):
        edit.required("返回日期")


# --- in a real stage form -----------------------------------------------------------------------

def test_finishing_a_stage_form_with_an_impossible_date_is_refused_in_the_fields_words(qtbot, demo_ctx, login_as,
                                                                                     keys):
    from sqlalchemy import select

    from jlclient.services import records
    from jlclient.store.models import Case
    from jlclient.ui.stage_wizard import StageWizard
    with demo_ctx.db.read() as s:
        case_id = s.scalar(select(Case.id).where(Case.procedure == "PENALTY"))
    wizard = StageWizard(demo_ctx, login_as("officer"), case_id)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)
    page = wizard.page()
    assert page.spec.code == "inspection_record"
    keys.type(page.editors["started_at"].widget, "2026-02-30 09:00")
    keys.press("Enter")                                     # moves on; the wizard stays open
    assert wizard.isVisible() and QApplication.focusWidget() is page.editors["ended_at"].widget
    keys.press("Ctrl+Return")                               # 完成本页
    problems = page.problem_label.text()
    assert "检查开始时间：日期不存在：2026-02-30 09:00（2026年2月没有30日）" in problems
    assert not any(r.form == "inspection_record" and r.final for r in records.records_of(demo_ctx, case_id))


def test_remote_duty_return_time_is_typed_in_local_time_and_stored_in_utc(qtbot, demo_ctx, login_as, keys, tmp_path):
    from datetime import datetime

    from sqlalchemy import select

    from jlclient.clock import local, to_utc
    from jlclient.devices.layouts import recognise
    from jlclient.devices.simulator import simulate
    from jlclient.services import cameras
    from jlclient.store.audit import utcnow
    from jlclient.store.models import UploadExemption
    from jlclient.ui.footage_dialogs import RemoteDutyDialog
    simulate(tmp_path / "cam", "dcim-imp", segments=1, segment_seconds=2)
    view, _, _ = cameras.dock_found(demo_ctx, "user:officer", recognise(tmp_path / "cam"))
    dialog = RemoteDutyDialog(demo_ctx, login_as("officer"), view.docking_id)
    qtbot.addWidget(dialog)
    dialog.show()
    shown = datetime.fromisoformat(dialog.returned.text())       # defaults to now, as the agency's clock reads
    assert abs(shown - local(utcnow())) < timedelta(minutes=2)
    yesterday = today() - timedelta(days=1)
    keys.replace(dialog.returned, f"{yesterday:%Y%m%d} 1730")
    keys.type(dialog.reason, "在边远山区连续执法三天")
    keys.press("Enter")                                          # OK
    assert dialog.result() == dialog.DialogCode.Accepted
    with demo_ctx.db.read() as s:
        row = s.scalar(select(UploadExemption).where(UploadExemption.docking_id == view.docking_id))
    assert row.returned_at == to_utc(datetime.combine(yesterday, datetime.min.time()).replace(hour=17, minute=30))
