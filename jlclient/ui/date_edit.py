"""The one date editor and date-time editor every form and dialog uses.

A line edit a person types into, parsed when the editing is finished (Enter or leaving the
field) and shown again as ``2026-12-03`` (``2026-12-03 08:30``). It accepts what people type:
``2026-12-03``, ``2026/12/3``, ``2026.12.3``, ``20261203``, ``2026年12月3日`` and ``12-03`` or
``12/3`` (this year, in the agency's time zone); a time follows the date as ``8:30``, ``08:30``,
``0830`` or ``8时30分``.

Why not QDateEdit: its sections swallow typed separators (``2026-12-03`` became 2026-01-12), an
empty value does not exist (a minimum date stood in for it and the wheel or ↑ turned it into
1902-01-01), and its pop-up opened at that minimum. Here an empty field stays empty: neither
the wheel nor an arrow key fills it. An entry that is not a date keeps its text, is framed red
and says why (:meth:`DateEdit.error`); nothing silently turns it into another date.

The pop-up (F4, Alt+↓ or the calendar button) opens at the field's date or today, in Chinese,
Monday first, with holidays (休) and adjusted working weekends (班) marked from the
working-day calendar. Enter or a click chooses a date; Escape closes without a change.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, QLocale, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QIcon, QPainter, QPixmap, QTextCharFormat
from PySide6.QtWidgets import QCalendarWidget, QFrame, QLineEdit, QToolTip, QVBoxLayout

from jlclient.clock import today
from jlclient.domain.workdays import WorkCalendar
from jlclient.services.context import ServiceError

DATE_EXAMPLE = "2026-12-03"
DATETIME_EXAMPLE = "2026-12-03 08:30"
_ERROR_STYLE = "QLineEdit { border: 1px solid #c0392b; }"
REST_MARK, WORKING_WEEKEND_MARK = "休：法定节假日", "班：调休上班"

# what a Chinese keyboard or input method may give instead of ASCII
_ASCII = str.maketrans("０１２３４５６７８９／－．：　．。", "0123456789/-.: ..")
_SEP = r"\s*[-/.年]\s*"
_DATE_FORMS = (
    re.compile(rf"(?P<y>\d{{4}}){_SEP}(?P<m>\d{{1,2}})\s*[-/.月]\s*(?P<d>\d{{1,2}})(?!\d)\s*日?"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?!\d)"),
    re.compile(r"(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?!\d)\s*日?"),   # this year
)
_TIME_FORMS = (
    re.compile(r"(?P<h>\d{1,2})\s*[:时点]\s*(?P<mi>\d{1,2})(?:\s*[:分]\s*(?P<s>\d{1,2})\s*秒?|\s*分)?"),
    re.compile(r"(?P<h>\d{2})(?P<mi>\d{2})(?P<s>\d{2})?"),
)


class DateInputError(ValueError):
    """A typed date or time that cannot be taken; the message is for people."""


def _unknown(text: str, with_time: bool) -> DateInputError:
    example = DATETIME_EXAMPLE if with_time else DATE_EXAMPLE
    kind = "日期时间" if with_time else "日期"
    return DateInputError(f"{kind}无法识别：{text}（请按 {example} 的格式输入）")


def _match_date(text: str, this_year: int) -> tuple[date, str] | None:
    """The date at the start of ``text`` and what follows it; None when no date form fits."""
    for form in _DATE_FORMS:
        m = form.match(text)
        if m is None:
            continue
        year = int(m.group("y")) if "y" in m.groupdict() and m.group("y") else this_year
        month, day = int(m.group("m")), int(m.group("d"))
        if not 1 <= month <= 12:
            raise DateInputError(f"日期不存在：{text.strip()}（月份应为 1 至 12）")
        try:
            return date(year, month, day), text[m.end():]
        except ValueError:
            raise DateInputError(f"日期不存在：{text.strip()}（{year}年{month}月没有{day}日）") from None
    return None


def _match_time(text: str, seconds: bool) -> time | None:
    for form in _TIME_FORMS:
        m = form.fullmatch(text)
        if m is None:
            continue
        hour, minute, second = int(m.group("h")), int(m.group("mi")), int(m.group("s") or 0)
        if second and not seconds:
            return None   # a field kept to the minute takes ":00" (a stored time), never other seconds
        if hour > 23 or minute > 59 or second > 59:
            raise DateInputError(f"时间不存在：{text}（小时应为 0 至 23，分、秒应为 0 至 59）")
        return time(hour, minute, second)
    return None


def parse_date(text: str, *, this_year: int | None = None) -> date | None:
    """The date a person typed; None for an empty text. Raises :class:`DateInputError`."""
    plain = text.translate(_ASCII).strip()
    if not plain:
        return None
    found = _match_date(plain, this_year or today().year)
    if found is None or found[1].strip():
        raise _unknown(text.strip(), with_time=False)
    return found[0]


def parse_datetime(text: str, *, seconds: bool = False, this_year: int | None = None) -> datetime | None:
    """The date and time a person typed (agency wall-clock time); None for an empty text."""
    plain = text.translate(_ASCII).strip()
    if not plain:
        return None
    found = _match_date(plain, this_year or today().year)
    if found is None:
        raise _unknown(text.strip(), with_time=True)
    day, rest = found
    rest = rest.strip().removeprefix("T").strip()
    if not rest:
        example = "2026-12-03 08:30:00" if seconds else DATETIME_EXAMPLE
        raise DateInputError(f"请在日期后填写时间，如 {example}")
    at = _match_time(rest, seconds)
    if at is None:
        raise _unknown(text.strip(), with_time=True)
    return datetime.combine(day, at)


def _calendar_icon() -> QIcon:
    """A small drawn calendar (no icon theme is assumed on the agency's machines)."""
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.transparent)
    p = QPainter(pixmap)
    p.setPen(QColor("#555"))
    p.drawRect(1, 2, 13, 12)
    p.fillRect(2, 3, 12, 3, QColor("#c0392b"))
    for x in (4, 7, 10):
        for y in (8, 11):
            p.drawPoint(x, y)
    p.end()
    return QIcon(pixmap)


class CalendarPopup(QFrame):
    """The month to pick from: Chinese, Monday first, 休 and 班 marked from the working-day calendar."""
    chosen = Signal(QDate)

    def __init__(self, parent=None, work_calendar: WorkCalendar | None = None):
        super().__init__(parent, Qt.Popup)
        self.setFrameShape(QFrame.StyledPanel)
        self.setObjectName("calendarPopup")
        self.work_calendar = work_calendar or WorkCalendar()
        self.calendar = QCalendarWidget(objectName="calendar")
        self.calendar.setLocale(QLocale(QLocale.Chinese, QLocale.China))   # on the widget: never the system's
        self.calendar.setFirstDayOfWeek(Qt.Monday)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.NoVerticalHeader)
        self.calendar.setGridVisible(True)
        self.calendar.activated.connect(self._choose)   # Enter or a double click
        self.calendar.clicked.connect(self._choose)
        self.calendar.currentPageChanged.connect(self._mark)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.addWidget(self.calendar)

    def open_at(self, day: date, below: QLineEdit) -> None:
        self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))
        self._mark(day.year, day.month)
        self.adjustSize()
        self.move(below.mapToGlobal(QPoint(0, below.height())))
        self.show()
        self.calendar.setFocus(Qt.PopupFocusReason)

    def _choose(self, day: QDate) -> None:
        self.chosen.emit(day)
        self.close()

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.key() == Qt.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)

    def _mark(self, year: int, month: int) -> None:
        """Holidays on weekdays in red (休), working weekends in black on blue (班); the month
        shown and the days of its neighbours in the grid."""
        first = date(year, month, 1)
        for offset in range(-7, 45):
            day = first + timedelta(days=offset)
            if not self.work_calendar.covers(day.year):
                continue   # no official data: the plain weekend colours, nothing guessed
            fmt = QTextCharFormat()
            workday, weekend = self.work_calendar.is_workday(day), day.weekday() >= 5
            if not workday and not weekend:
                fmt.setForeground(QBrush(QColor("#c0392b")))
                fmt.setBackground(QBrush(QColor("#fdecea")))
                fmt.setToolTip(REST_MARK)
            elif workday and weekend:
                fmt.setForeground(QBrush(QColor("#000000")))
                fmt.setBackground(QBrush(QColor("#e3ecfa")))
                fmt.setToolTip(WORKING_WEEKEND_MARK)
            elif not workday:
                fmt.setToolTip("休")
            self.calendar.setDateTextFormat(QDate(day.year, day.month, day.day), fmt)


class DateEdit(QLineEdit):
    """A date (or, ``with_time``, a date and time) typed or picked; empty until then."""
    problemChanged = Signal(str)    # the message, or "" when the entry is fine again

    def __init__(self, with_time: bool = False, *, seconds: bool = False, parent=None, objectName: str = ""):
        super().__init__(parent)
        if objectName:
            self.setObjectName(objectName)
        self.with_time, self.seconds = with_time, seconds
        self._error: str | None = None
        self._tip = ""
        self.popup: CalendarPopup | None = None
        self.setPlaceholderText("年-月-日" + (" 时:分" + (":秒" if seconds else "") if with_time else ""))
        self.setAccessibleDescription(self.hint())
        self.setToolTip(self.hint())   # a form may put the field's help here instead
        action = self.addAction(_calendar_icon(), QLineEdit.TrailingPosition)
        action.setToolTip(self.tr("打开日历（F4）"))
        action.triggered.connect(self.open_calendar)
        self.calendar_action: QAction = action
        self.editingFinished.connect(self.normalise)
        self.textEdited.connect(self._forget_error)

    def hint(self) -> str:
        example = f"{DATE_EXAMPLE} 08:30" if self.with_time else DATE_EXAMPLE
        return (f"可输入 {example}、2026/12/3、20261203 或 12-03（今年）"
                f"{'，时间如 8:30 或 0830' if self.with_time else ''}；F4 打开日历")

    # --- the value ---------------------------------------------------------------
    def _parse(self):
        if self.with_time:
            return parse_datetime(self.text(), seconds=self.seconds)
        return parse_date(self.text())

    def value(self) -> date | datetime | None:
        """What is typed, as a date (datetime); None when empty or not a date (see :meth:`error`)."""
        try:
            return self._parse()
        except DateInputError:
            return None

    def error(self) -> str | None:
        """Why the typed text is not taken, in Chinese; None when it is empty or a valid date."""
        try:
            self._parse()
        except DateInputError as exc:
            return str(exc)
        return None

    def set_value(self, value: date | datetime | str | None) -> None:
        """Show a stored value (a date, datetime or its ISO text); text that is not one is kept as typed."""
        if value is None or value == "":
            self.clear()
        elif isinstance(value, (date, datetime)):
            self.setText(self.display(value))
        else:
            self.setText(str(value))
        self.normalise()

    def display(self, value: date | datetime) -> str:
        if not self.with_time:
            return f"{value:%Y-%m-%d}"
        if not isinstance(value, datetime):
            value = datetime.combine(value, time())
        return f"{value:%Y-%m-%d %H:%M:%S}" if self.seconds else f"{value:%Y-%m-%d %H:%M}"

    def required(self, label: str) -> date | datetime:
        """The value for a dialog's service call: a refusal names the field when empty or wrong."""
        error = self.error()
        if error:
            raise ServiceError(f"{label}：{error}")
        value = self.value()
        if value is None:
            raise ServiceError(f"请填写{label}")
        return value

    # --- after editing -------------------------------------------------------------
    def normalise(self) -> None:
        """The accepted entry shown in one form; a wrong one framed red with its reason."""
        try:
            value = self._parse()
        except DateInputError as exc:
            self._show_error(str(exc))
            return
        if value is not None and self.text() != self.display(value):
            self.setText(self.display(value))
        self._show_error(None)

    def _forget_error(self) -> None:
        if self._error is not None:
            self._show_error(None)

    def _show_error(self, message: str | None) -> None:
        if message == self._error:
            return
        if self._error is None:
            self._tip = self.toolTip()
        self._error = message
        self.setProperty("invalid", message is not None)
        self.setStyleSheet(_ERROR_STYLE if message else "")
        self.setToolTip(message or self._tip)
        self.setAccessibleDescription(message or self.hint())
        if message and self.isVisible():
            QToolTip.showText(self.mapToGlobal(QPoint(0, self.height())), message, self)
        self.problemChanged.emit(message or "")

    # --- keys --------------------------------------------------------------------------
    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        key, mods = event.key(), event.modifiers()
        if key == Qt.Key_F4 or (key == Qt.Key_Down and mods & Qt.AltModifier):
            self.open_calendar()
            return
        if key in (Qt.Key_Up, Qt.Key_Down) and mods in (Qt.NoModifier, Qt.KeypadModifier):
            self._step(1 if key == Qt.Key_Up else -1)   # an empty or wrong field is left alone
            return
        super().keyPressEvent(event)

    def _step(self, days: int) -> None:
        value = self.value()
        if value is not None:
            self.setText(self.display(value + timedelta(days=days)))
            self.setModified(True)

    def wheelEvent(self, event) -> None:  # noqa: N802 (Qt name)
        event.ignore()   # the wheel scrolls the form; it never changes a date

    # --- the pop-up ----------------------------------------------------------------------
    def open_calendar(self) -> None:
        if self.popup is None:
            self.popup = CalendarPopup(self)
            self.popup.chosen.connect(self._chosen)
        value = self.value()
        self.popup.open_at(value.date() if isinstance(value, datetime) else value or today(), self)

    def _chosen(self, day: QDate) -> None:
        picked, value = day.toPython(), self.value()
        self.setFocus(Qt.PopupFocusReason)
        self.setModified(True)
        if self.with_time and not isinstance(value, datetime):
            self.setText(f"{picked:%Y-%m-%d} ")   # no time is guessed: the cursor waits for it
            return
        self.setText(self.display(datetime.combine(picked, value.time()) if self.with_time else picked))
        self.normalise()
        self.editingFinished.emit()
