"""设置 → 节假日安排: the administrator enters a year's 放假安排 from the State Council's notice
(title, number, rest days, adjusted working days) when the software's holiday data does not
have that year yet. Until then deadlines in that year carry a warning."""
from __future__ import annotations

from PySide6.QtWidgets import (QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
                               QVBoxLayout, QWidget)

from jlclient.clock import today
from jlclient.domain.model import Role
from jlclient.services import holidays
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext, ServiceError
from jlclient.ui.error_label import clear_when_edited
from jlclient.ui.tables import fill, table

RED = "color: #c0392b;"


class HolidaysTab(QWidget):
    def __init__(self, ctx: AppContext, user: CurrentUser, parent=None):
        super().__init__(parent)
        self.setObjectName("HolidaysTab")
        self.ctx, self.user = ctx, user
        intro = QLabel(self.tr(
            "元旦、春节（除夕至初三）、清明、劳动节（5月1日、2日）、端午、中秋、国庆（10月1日至3日）每年放假，"
            "软件已自动计算。调休和补假以国务院办公厅每年的放假安排通知为准：软件内置数据尚未包含的年份，"
            "请在此按通知录入；录入前该年份的期限都会提示“请核对”。"), wordWrap=True)
        self.years = table([self.tr("年份"), self.tr("放假安排来源"), self.tr("通知")], "holidayYears")
        self.year = QLineEdit(objectName="holidayYear", placeholderText=self.tr("如 2027"))
        self.title = QLineEdit(objectName="holidayTitle",
                               placeholderText=self.tr("如 国务院办公厅关于2027年部分节假日安排的通知"))
        self.number = QLineEdit(objectName="holidayNumber", placeholderText=self.tr("如 国办发明电〔2026〕1号"))
        self.rest = QPlainTextEdit(objectName="holidayRest", tabChangesFocus=True,
                                   placeholderText=self.tr("如 2027-02-05至2027-02-12、2027-10-01至2027-10-07"))
        self.rest.setFixedHeight(70)
        self.work = QLineEdit(objectName="holidayWork", placeholderText=self.tr("如 2027-02-14、2027-10-09"))
        self.save_button = QPushButton(self.tr("保存放假安排(&S)"), objectName="saveHolidays")
        self.save_button.setEnabled(user.has(Role.ADMIN))
        self.save_button.clicked.connect(self.save)
        self.status = QLabel(objectName="holidayStatus", wordWrap=True)
        form = QFormLayout()
        form.addRow(self.tr("年份："), self.year)
        form.addRow(self.tr("通知标题："), self.title)
        form.addRow(self.tr("文号："), self.number)
        form.addRow(self.tr("放假日期："), self.rest)
        form.addRow(self.tr("调休上班日期："), self.work)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.years)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        clear_when_edited(self, self.status)
        self.years.itemSelectionChanged.connect(self._chosen)
        self._views: list[holidays.YearView] = []
        self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        self._views = holidays.years(self.ctx, today().year)
        fill(self.years, [(f"{v.year}年", v.source,
                           f"{v.arrangement.title}（{v.arrangement.number}）" if v.arrangement else "")
                          for v in self._views])

    def _chosen(self) -> None:
        """An entered year, chosen in the list, fills the form: to check it or correct it."""
        row = self.years.currentRow()
        view = self._views[row] if 0 <= row < len(self._views) else None
        if view is None or view.arrangement is None:
            return
        a = view.arrangement
        self.year.setText(str(a.year))
        self.title.setText(a.title)
        self.number.setText(a.number)
        self.rest.setPlainText(holidays.days_text(a.rest_days))
        self.work.setText(holidays.days_text(a.working_days))

    def save(self) -> None:
        year = self.year.text().strip()
        try:
            if not year.isdigit():
                raise ServiceError("请填写年份（四位数字，如 2027）")
            arrangement = holidays.arrangement_of(int(year), self.title.text(), self.number.text(),
                                                  self.rest.toPlainText(), self.work.text())
            holidays.save(self.ctx, self.user, arrangement)
        except ServiceError as exc:
            self.status.setStyleSheet(RED)
            self.status.setText(str(exc))
            return
        self.status.setStyleSheet("")
        self.status.setText(self.tr("已保存 {y} 年放假安排，期限按此计算").format(y=year))
        self.refresh()
