"""The main window: navigation by role, one page per place, a status bar; remembers its size,
place and splitters; covers itself entirely while the screen is locked."""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QDockWidget, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMainWindow,
                               QSplitter, QStackedWidget, QVBoxLayout, QWidget)

from jlclient.domain.model import Role
from jlclient.domain.places import places_for
from jlclient.services import auth
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext
from jlclient.services.profiles import load_profile
from jlclient.ui import changes, prefs
from jlclient.ui.cases_page import CasesPage
from jlclient.ui.pages import StatsPage, WorkbenchPage
from jlclient.ui.settings_page import SettingsPage



class MainWindow(QMainWindow):
    lock_requested = Signal()
    logout_requested = Signal()     # 注销
    switch_requested = Signal()     # 切换用户

    def __init__(self, ctx: AppContext, user: CurrentUser, parent=None):
        super().__init__(parent)
        self.ctx, self.user = ctx, user
        self._cover: QWidget | None = None          # the lock cover, while locked
        self._hidden_for_lock: list[QWidget] = []
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
        self.setMinimumSize(720, 480)
        self.resize(1280, 800)
        changes.follow(self, (changes.PROFILE, changes.SETTINGS), self._refresh_status)

    def _docking_pane(self):
        """Officers dock their body cameras here after duty (demo: a simulated camera folder)."""
        from jlclient.ui.dock_watch import DockWatcher
        from jlclient.ui.docking_pane import DockingPane
        self.watcher = DockWatcher([self.ctx.paths.home / "demo-camera"], parent=self)
        pane = DockingPane(self.ctx, self.user, self.watcher, self)
        self.addDockWidget(Qt.RightDockWidgetArea, pane)
        self.resizeDocks([pane], [pane.minimumWidth()], Qt.Horizontal)  # until the user widens it (remembered)
        self.watcher.start()
        return pane

    def place_keys(self) -> list[str]:
        return [self.nav.item(i).data(Qt.UserRole) for i in range(self.nav.count())]

    def go(self, key: str) -> QWidget:
        self.nav.setCurrentRow(self.place_keys().index(key))
        return self.pages[key]

    def open_waiting(self, opens: str, target: int) -> None:
        """Open a waiting item of the workbench where it is acted on (``opens``: "place.what")."""
        place, what = opens.split(".", 1)
        if place in self.pages:
            page = self.go(place)
            show = getattr(page, "show_waiting", None)
            if show is not None:
                show(what, None if target < 0 else target)

    def _make_page(self, key: str, label: str) -> QWidget:
        if key == "workbench":
            page = WorkbenchPage(self.ctx, self.user)
            page.open_requested.connect(self.open_waiting)
            return page
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
        lock = QAction(self.tr("锁定屏幕(&L)"), self, shortcut=QKeySequence("Ctrl+L"), objectName="lockAction")
        lock.triggered.connect(self.lock_requested)
        switch = QAction(self.tr("切换用户(&U)"), self, objectName="switchUserAction")
        switch.triggered.connect(self.switch_requested)
        logout = QAction(self.tr("注销(&O)"), self, objectName="logoutAction")
        logout.triggered.connect(self.logout_requested)
        quit_ = QAction(self.tr("退出(&X)"), self, shortcut=QKeySequence.Quit, objectName="quitAction")
        quit_.triggered.connect(self.close)
        system.addAction(lock)
        system.addAction(switch)
        system.addAction(logout)
        system.addSeparator()
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
        roles = "、".join(r.label for r in sorted(self.user.roles, key=lambda r: r.value))
        self.status_labels: dict[str, QLabel] = {}
        for name, text in (("statusUser", self.tr("用户：{u}（{r}）").format(u=self.user.display_name, r=roles)),
                           ("statusProfile", ""),
                           ("statusDatabase", self.tr("数据库：{k}").format(k=self.ctx.db.kind))):
            self.status_labels[name] = QLabel(text, objectName=name)
            self.statusBar().addPermanentWidget(self.status_labels[name])
        self._refresh_status()

    def _refresh_status(self) -> None:
        """The agency and its rule profile as they are now (a profile change shows at once)."""
        agency, key = auth.agency_summary(self.ctx)
        self.status_labels["statusProfile"].setText(
            self.tr("机构：{a}　规则配置：{p}").format(a=agency, p=_profile_name(key)))

    # ------------------------------------------------------------------ remembered geometry

    def show_remembered(self) -> None:
        """As the user left it; the first start (nothing remembered) maximised."""
        store = prefs.settings()
        geometry = store.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty() and self.restoreGeometry(geometry):
            state = store.value("window/state")
            if isinstance(state, QByteArray):
                self.restoreState(state)
            self._restore_splitters(store)
            self.show()
        else:
            # the screen's size first: without a window manager (a kiosk X session) there is
            # nobody to carry out the maximise, and the window would keep its default size
            self.setGeometry(self.screen().availableGeometry())
            self.showMaximized()

    def remember(self) -> None:
        store = prefs.settings()
        store.setValue("window/geometry", self.saveGeometry())
        store.setValue("window/state", self.saveState())
        for key, splitter in self._splitters():
            store.setValue(key, splitter.saveState())
        store.sync()

    def _splitters(self):
        for place, page in self.pages.items():
            for i, splitter in enumerate(page.findChildren(QSplitter)):
                yield f"splitters/{place}/{splitter.objectName() or i}", splitter

    def _restore_splitters(self, store) -> None:
        for key, splitter in self._splitters():
            state = store.value(key)
            if isinstance(state, QByteArray):
                splitter.restoreState(state)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if self.locked:
            self.uncover()            # remember the window as it is, not its lock cover
        self.remember()
        if getattr(self, "watcher", None) is not None:
            self.watcher.stop()
        super().closeEvent(event)

    # ------------------------------------------------------------------ lock cover

    @property
    def locked(self) -> bool:
        return self._cover is not None

    def cover(self) -> None:
        """Nothing of the work stays visible while locked: the pages, the menus and every dock
        (docked or floating) are hidden behind a plain cover; uncover() puts back exactly what was shown."""
        if self.locked:
            return
        self._hidden_for_lock = [w for w in (self.centralWidget(), self.menuBar(), *self.findChildren(QDockWidget))
                                 if w.isVisible()]
        self._lock_state = self.saveState()
        self._cover = QWidget(self, objectName="lockCover")
        self._cover.setAutoFillBackground(True)
        text = QLabel(self.tr("屏幕已锁定\n{u}").format(u=self.user.display_name), objectName="lockCoverText")
        text.setAlignment(Qt.AlignCenter)
        text.setStyleSheet("font-size: 20pt; color: #555;")
        QVBoxLayout(self._cover).addWidget(text)
        for w in self._hidden_for_lock:
            w.hide()
        self._cover.setGeometry(self.rect())
        self._cover.show()
        self._cover.raise_()

    def uncover(self) -> None:
        if not self.locked:
            return
        cover, self._cover = self._cover, None
        cover.hide()
        cover.deleteLater()
        for w in self._hidden_for_lock:
            w.show()
        self._hidden_for_lock = []
        self.restoreState(self._lock_state)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if self._cover is not None:
            self._cover.setGeometry(self.rect())


def _profile_name(key: str) -> str:
    """The profile as people know it (its regulation), not its file key."""
    try:
        profile = load_profile(key)
    except Exception:  # noqa: BLE001 — a profile file gone missing must not stop the status bar
        return key
    title = getattr(getattr(profile, "regulation", None), "title", "")
    return f"《{title}》" if title else profile.agency.name
