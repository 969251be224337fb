"""The main window: navigation by role, one page per place, a status bar."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMainWindow, QStackedWidget, QWidget

from jlclient.domain.model import Role
from jlclient.domain.places import places_for
from jlclient.services import auth
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext
from jlclient.ui.cases_page import CasesPage
from jlclient.ui.pages import StatsPage, WorkbenchPage
from jlclient.ui.settings_page import SettingsPage



class MainWindow(QMainWindow):
    lock_requested = Signal()

    def __init__(self, ctx: AppContext, user: CurrentUser, parent=None):
        super().__init__(parent)
        self.ctx, self.user = ctx, user
        self.setObjectName("MainWindow")
        self.setWindowTitle(self.tr("行政执法全过程记录"))
        self.nav = QListWidget(objectName="navigation")
        self.nav.setFixedWidth(150)
        self.nav.setStyleSheet("QListWidget { font-size: 12pt; } QListWidget::item { padding: 8px; }")
        self.stack = QStackedWidget(objectName="pages")
        self.pages: dict[str, QWidget] = {}
        for place in places_for(user.roles):
            item = QListWidgetItem(QCoreApplication.translate("Places", place.label))
            item.setData(Qt.UserRole, place.key)
            self.nav.addItem(item)
            page = self._make_page(place.key, place.label)
            self.pages[place.key] = page
            self.stack.addWidget(page)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.setCurrentRow(0)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._menus()
        self._status_bar()
        self.dock_pane = self._docking_pane() if user.has(Role.OFFICER, Role.ADMIN) else None
        self.resize(1280, 800)

    def _docking_pane(self):
        """Officers dock their body cameras here after duty (demo: a simulated camera folder)."""
        from jlclient.ui.dock_watch import DockWatcher
        from jlclient.ui.docking_pane import DockingPane
        self.watcher = DockWatcher([self.ctx.paths.home / "demo-camera"], parent=self)
        pane = DockingPane(self.ctx, self.user, self.watcher, self)
        self.addDockWidget(Qt.RightDockWidgetArea, pane)
        self.watcher.start()
        return pane

    def place_keys(self) -> list[str]:
        return [self.nav.item(i).data(Qt.UserRole) for i in range(self.nav.count())]

    def go(self, key: str) -> QWidget:
        self.nav.setCurrentRow(self.place_keys().index(key))
        return self.pages[key]

    def _make_page(self, key: str, label: str) -> QWidget:
        if key == "workbench":
            return WorkbenchPage(self.ctx, self.user)
        if key == "cases":
            return CasesPage(self.ctx, self.user)
        if key == "stats":
            return StatsPage(self.ctx)
        if key == "settings":
            return SettingsPage(self.ctx, self.user)
        if key == "cameras":
            from jlclient.ui.cameras_page import CamerasPage
            return CamerasPage(self.ctx, self.user)
        if key == "review":
            from jlclient.ui.review_page import ReviewPage
            return ReviewPage(self.ctx, self.user)
        if key == "archive":
            from jlclient.ui.archive_page import ArchivePage
            return ArchivePage(self.ctx, self.user)
        if key == "party_requests":
            from jlclient.ui.party_requests_page import PartyRequestsPage
            return PartyRequestsPage(self.ctx, self.user)
        raise KeyError(f"no page for the place {key!r} ({label})")

    def _menus(self) -> None:
        system = self.menuBar().addMenu(self.tr("系统(&S)"))
        lock = QAction(self.tr("锁定屏幕"), self, shortcut=QKeySequence("Ctrl+L"))
        lock.triggered.connect(self.lock_requested)
        quit_ = QAction(self.tr("退出"), self, shortcut=QKeySequence.Quit)
        quit_.triggered.connect(self.close)
        system.addAction(lock)
        system.addAction(quit_)
        find = QAction(self.tr("筛选案件"), self, shortcut=QKeySequence.Find)
        find.triggered.connect(self._focus_filter)
        self.addAction(find)
        for i in range(min(9, self.nav.count())):
            jump = QAction(self, shortcut=QKeySequence(f"Alt+{i + 1}"))
            jump.triggered.connect(lambda _=False, row=i: self.nav.setCurrentRow(row))
            self.addAction(jump)

    def _focus_filter(self) -> None:
        if "cases" in self.pages:
            self.go("cases").filter.setFocus()

    def _status_bar(self) -> None:
        agency, profile = auth.agency_summary(self.ctx)
        roles = "、".join(r.label for r in sorted(self.user.roles, key=lambda r: r.value))
        for name, text in (("statusUser", self.tr("用户：{u}（{r}）").format(u=self.user.display_name, r=roles)),
                           ("statusProfile", self.tr("机构：{a}　规则配置：{p}").format(a=agency, p=profile)),
                           ("statusDatabase", self.tr("数据库：{k}").format(k=self.ctx.db.kind))):
            self.statusBar().addPermanentWidget(QLabel(text, objectName=name))
