"""设置 (administrators): the agency's rule profile, lock timings and user accounts."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox, QPushButton,
                               QSpinBox, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from jlclient.clock import local
from jlclient.domain.model import Role
from jlclient.services import auth, citations, settings, setup, users
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext, ServiceError
from jlclient.domain.profile_summary import profile_label, summary
from jlclient.services.profiles import list_profiles, load_profile
from jlclient.ui import changes
from jlclient.ui.tables import table


class UserDialog(QDialog):
    """Add a user, or change an existing user's roles (and optionally password)."""

    def __init__(self, existing: users.UserRow | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("修改用户") if existing else self.tr("添加用户"))
        self.username = QLineEdit(objectName="newUsername")
        self.name = QLineEdit(objectName="newName")
        self.cert_no = QLineEdit(objectName="newCertNo")
        self.password = QLineEdit(objectName="newPassword")
        self.password.setEchoMode(QLineEdit.Password)
        self.role_boxes = {r: QCheckBox(r.label, objectName=f"role_{r.value}") for r in Role}
        form = QFormLayout()
        form.addRow(self.tr("用户名："), self.username)
        form.addRow(self.tr("姓名："), self.name)
        form.addRow(self.tr("执法证号："), self.cert_no)
        form.addRow(self.tr("密码：") if not existing else self.tr("新密码（不改请留空）："), self.password)
        roles = QGroupBox(self.tr("角色（可多选）"))
        role_layout = QVBoxLayout(roles)
        for box in self.role_boxes.values():
            role_layout.addWidget(box)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(roles)
        layout.addWidget(buttons)
        if existing:
            self.username.setText(existing.username)
            self.username.setReadOnly(True)
            self.name.setText(existing.display_name)
            self.name.setReadOnly(True)
            self.cert_no.setText(existing.cert_no)
            self.cert_no.setReadOnly(True)
            for role, box in self.role_boxes.items():
                box.setChecked(role in existing.roles)

    def roles(self) -> frozenset[Role]:
        return frozenset(r for r, box in self.role_boxes.items() if box.isChecked())


class UsersTab(QWidget):
    def __init__(self, ctx: AppContext, user: CurrentUser, parent=None):
        super().__init__(parent)
        self.ctx, self.user = ctx, user
        self.table = table([self.tr("用户名"), self.tr("姓名"), self.tr("角色"), self.tr("执法证号"), self.tr("状态")],
                           "usersTable")
        buttons = QHBoxLayout()
        for text, name, slot in ((self.tr("添加用户…"), "addUser", self.add_user),
                                 (self.tr("修改角色/密码…"), "editUser", self.edit_user),
                                 (self.tr("停用/启用"), "toggleUser", self.toggle_user),
                                 (self.tr("解除锁定"), "unlockUser", self.unlock_user)):
            button = QPushButton(text, objectName=name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        self.reload()

    def reload(self) -> None:
        self.rows = users.list_users(self.ctx)
        self.table.setRowCount(len(self.rows))
        for i, u in enumerate(self.rows):
            state = self.tr("正常") if u.active else self.tr("已停用")
            if u.locked_until:
                state += self.tr("（锁定至 {t}）").format(t=local(u.locked_until).strftime("%H:%M"))
            for j, text in enumerate((u.username, u.display_name, u.role_labels, u.cert_no, state)):
                self.table.setItem(i, j, QTableWidgetItem(text))

    def selected(self) -> users.UserRow | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _act(self, fn, *args) -> bool:
        try:
            fn(self.ctx, self.user.actor, *args)
        except ServiceError as exc:
            QMessageBox.warning(self, self.tr("无法完成"), str(exc))
            return False
        self.reload()
        return True

    def _duties_accepted(self, name: str, roles: frozenset[Role]) -> bool:
        """Roles that let one person check their own work are given only after the administrator
        has read why and confirmed (issue 14)."""
        warnings = users.role_warnings(roles)
        if not warnings:
            return True
        answer = QMessageBox.question(self, self.tr("职责分离提示"), self.tr(
            "为“{name}”同时授予这些角色：\n{why}\n\n本人承办案件的法制审核将被拒绝。确定仍要授予吗？").format(
            name=name, why="\n".join(f"• {w}" for w in warnings)), QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        return answer == QMessageBox.Yes

    def add_user(self) -> None:
        dialog = UserDialog(parent=self)
        if dialog.exec() == QDialog.Accepted and self._duties_accepted(dialog.name.text(), dialog.roles()):
            self._act(lambda ctx, actor: users.add_user(
                ctx, actor, dialog.username.text().strip(), dialog.name.text(), dialog.password.text(),
                dialog.roles(), cert_no=dialog.cert_no.text()))

    def edit_user(self) -> None:
        row = self.selected()
        if row is None:
            return
        dialog = UserDialog(row, parent=self)
        if dialog.exec() != QDialog.Accepted or not self._duties_accepted(row.display_name, dialog.roles()):
            return
        if self._act(users.set_roles, row.username, dialog.roles()) and dialog.password.text():
            self._act(users.set_password, row.username, dialog.password.text())

    def toggle_user(self) -> None:
        row = self.selected()
        if row is None:
            return
        verb = self.tr("启用") if not row.active else self.tr("停用")
        answer = QMessageBox.question(self, verb, self.tr("确定要{verb}用户“{name}”吗？").format(verb=verb, name=row.display_name))
        if answer == QMessageBox.Yes:
            self._act(users.set_active, row.username, not row.active)

    def unlock_user(self) -> None:
        row = self.selected()
        if row is not None:
            self._act(users.unlock, row.username)


class AgencyTab(QWidget):
    """The agency's rule profile and the lock timings."""
    idle_minutes_changed = Signal(int)

    def __init__(self, ctx: AppContext, user: CurrentUser, parent=None):
        super().__init__(parent)
        self.ctx, self.user = ctx, user
        _, current = auth.agency_summary(ctx)
        self.profile = QComboBox(objectName="profileCombo")
        self.titles = citations.read_titles(ctx)     # the administrator's title of a placeholder regulation
        for p in list_profiles():
            self.profile.addItem(profile_label(p, self.titles.get(p.seed) if p.key == current else None), p.key)
        self.profile.setCurrentIndex(max(0, self.profile.findData(current)))
        self.current_key = current
        # where the regulation names no agency, the administrator enters its real title
        self.regulation = QLineEdit(objectName="regulationTitle")
        self.regulation.setMinimumWidth(420)
        self.rules = QTableWidget(0, 3, objectName="profileRules")
        self.rules.setHorizontalHeaderLabels([self.tr("规则"), self.tr("内容"), self.tr("依据")])
        self.rules.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.rules.verticalHeader().hide()
        self.rules.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.rules.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.rules.setWordWrap(True)
        self.profile.currentIndexChanged.connect(self._show_rules)
        self._show_rules()
        self.spins = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldsStayAtSizeHint)
        form.addRow(self.tr("规则配置："), self.profile)
        form.addRow(self.tr("执法全过程记录规定名称："), self.regulation)
        for key, spec in settings.SPECS.items():
            spin = QSpinBox(objectName=f"setting_{key}")
            spin.setRange(spec.minimum, spec.maximum)
            spin.setValue(settings.read_int(ctx, key))
            self.spins[key] = spin
            form.addRow(spec.label + "：", spin)
        save = QPushButton(self.tr("保存"), objectName="saveSettings")
        save.clicked.connect(self.save)
        self.status = QLabel(objectName="settingsStatus")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("所选规则配置的主要规定：")))
        layout.addWidget(self.rules, 1)
        row = QHBoxLayout()
        row.addWidget(save)
        row.addWidget(self.status, 1)
        layout.addLayout(row)

    def _title(self, profile) -> str:
        """The title citations give the selected profile's regulation."""
        if profile.key == self.current_key:
            return self.titles.get(profile.seed, profile.regulation.title)
        return profile.regulation.title

    def _show_rules(self) -> None:
        profile = load_profile(self.profile.currentData())
        self.regulation.setText(self._title(profile))
        self.regulation.setEnabled(profile.regulation.placeholder)     # a title the regulation carries is fixed
        self.regulation.setToolTip(self.tr("本规定未载明机关名称和标题，请填写本机关规定的全称，引用依据时使用")
                                   if profile.regulation.placeholder else self.tr("规定本身载明的名称"))
        rows = summary(profile, self._title(profile))
        self.rules.setRowCount(len(rows))
        for i, cells in enumerate(rows):
            for j, text in enumerate(cells):
                self.rules.setItem(i, j, QTableWidgetItem(text))
        self.rules.resizeRowsToContents()

    def save(self) -> None:
        try:
            setup.set_profile(self.ctx, self.user.actor, self.profile.currentData())
            citations.set_regulation_title(self.ctx, self.user.actor, self.profile.currentData(),
                                           self.regulation.text())
            for key, spin in self.spins.items():
                settings.set_int(self.ctx, self.user.actor, key, spin.value())
        except ServiceError as exc:
            QMessageBox.warning(self, self.tr("无法保存"), str(exc))
            return
        self.titles, self.current_key = citations.read_titles(self.ctx), self.profile.currentData()
        profile = load_profile(self.current_key)
        self.profile.setItemText(self.profile.currentIndex(), profile_label(profile, self._title(profile)))
        self._show_rules()
        self.status.setText(self.tr("已保存"))
        self.idle_minutes_changed.emit(self.spins["idle_lock_minutes"].value())
        changes.announce(changes.PROFILE)   # the status bar and every page naming the agency or its rules


class SettingsPage(QTabWidget):
    def __init__(self, ctx: AppContext, user: CurrentUser, parent=None):
        super().__init__(parent)
        self.setObjectName("SettingsPage")
        self.agency = AgencyTab(ctx, user)
        self.users = UsersTab(ctx, user)
        self.addTab(self.agency, self.tr("机构与规则"))
        self.addTab(self.users, self.tr("用户管理"))
        from jlclient.ui.label_settings import LabelSettingsTab
        self.labels = LabelSettingsTab(ctx, user)
        self.addTab(self.labels, self.tr("标签打印"))
        from jlclient.ui.anchors_tab import AnchorsTab
        self.anchors = AnchorsTab(ctx, user)
        self.addTab(self.anchors, self.tr("防删改检查点"))
        from jlclient.ui.holidays_tab import HolidaysTab
        self.holidays = HolidaysTab(ctx, user)
        self.addTab(self.holidays, self.tr("节假日安排"))
