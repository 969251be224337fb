"""Starting the GUI: display check, first start (agency and demo data), log-in, idle lock."""
from __future__ import annotations

import os
import sys

NO_DISPLAY = ("jlclient: 没有可用的图形显示（未设置 DISPLAY 或 WAYLAND_DISPLAY）。\n"
              "在没有显示器的机器上请用虚拟显示启动：xvfb-run make run\n"
              "只用命令行功能请运行：.venv/bin/jlclient --help")


def has_display() -> bool:
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def install_qt_chinese(app) -> bool:
    """Qt's own texts (确定/取消 in dialog buttons, context menus) in Chinese, from the catalogue
    PySide6 ships; kept on the application so it lives as long as the app."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
    translator = QTranslator(app)
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(QLocale(QLocale.Chinese, QLocale.China), "qtbase", "_", path):
        return False
    return app.installTranslator(translator)


def run() -> int:
    if not has_display():
        print(NO_DISPLAY, file=sys.stderr)
        return 1
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("jlclient")
    app.setApplicationDisplayName("行政执法全过程记录")
    install_qt_chinese(app)
    session = Session(app, None)
    if not session.login():
        if session.ctx is not None:
            session.ctx.close()
        return 1 if session.failed else 0
    code = app.exec()
    session.ctx.close()
    return code


def open_context():
    """AppContext.open() and first_start(); ServiceError/OSError when the store cannot be opened."""
    from jlclient.services.context import AppContext
    ctx = AppContext.open()
    first_start(ctx)
    return ctx


def first_start(ctx) -> bool:
    """A new data directory gets the demo agency (seed 000), a user per role and a few cases."""
    from jlclient.services import setup
    if setup.is_initialised(ctx):
        return False
    setup.initialise(ctx, "system:first-start")
    setup.seed_demo(ctx, "system:first-start")
    from jlclient.devices.simulator import simulate
    # a clock 37 s fast (beyond the default bound), an interruption to explain and a covered lens
    simulate(ctx.paths.home / "demo-camera", "dcim-imp", segments=3, skew_seconds=37, important=True,
             gap_minutes=1.5, dark=((1.0, 4.0, "covered"),))
    print(f"jlclient: 首次启动，已在 {ctx.paths.home} 建立演示数据；"
          f"用户 admin、clerk、officer、reviewer、archivist、approver，密码均为 {setup.DEMO_PASSWORD}")
    return True


def settle_heap() -> None:
    """Move what start-up allocated (Qt wrappers, SQLAlchemy metadata) out of the collector's
    view: a full collection over it, run on a pull's worker thread, holds the GIL long enough to
    freeze the window for 60–100 ms (measured by tests/benchmarks/bench_dock_stall.py)."""
    import gc
    gc.collect()
    gc.freeze()


class Session:
    """One logged-in user: the main window, and the lock screen when idle."""

    def __init__(self, app, ctx):
        self.app, self.ctx = app, ctx
        self.window = None
        self.watcher = None
        self.failed = False

    def login(self) -> bool:
        from jlclient.ui.login import LoginDialog
        dialog = LoginDialog(self.ctx)
        if self.ctx is None:
            # Show the window first; open the database (SQLAlchemy, Alembic: most of the start-up)
            # once it has been painted, while the user types.
            dialog.after_first_paint = lambda: self._open(dialog)
        else:
            from jlclient.services import auth
            dialog.agency.setText(auth.agency_summary(self.ctx)[0])
        if dialog.exec() != LoginDialog.Accepted:
            return False
        self.open_main(dialog.user)
        return True

    def _open(self, dialog) -> None:
        from PySide6.QtWidgets import QMessageBox

        from jlclient.services import auth
        from jlclient.services.context import ServiceError
        try:
            self.ctx = open_context()
        except (ServiceError, OSError) as exc:
            self.failed = True
            QMessageBox.critical(dialog, "无法启动", f"无法打开数据库或证据存储：{exc}")
            dialog.reject()
            return
        dialog.attach(self.ctx, auth.agency_summary(self.ctx)[0])

    def open_main(self, user) -> None:
        from jlclient.services import settings
        from jlclient.ui.idle import IdleWatcher
        from jlclient.ui.main_window import MainWindow
        self.window = MainWindow(self.ctx, user)
        self.watcher = IdleWatcher(self.app, settings.read_int(self.ctx, "idle_lock_minutes"), self.window)
        self.watcher.idle.connect(self.lock)
        self.window.lock_requested.connect(self.lock)
        if "settings" in self.window.pages:
            self.window.pages["settings"].agency.idle_minutes_changed.connect(self.watcher.set_minutes)
        self.window.show()
        settle_heap()


    def lock(self) -> None:
        """Hide the work behind the lock dialog until the same user's password is given."""
        from jlclient.ui.login import LoginDialog
        self.watcher.pause()
        self.window.centralWidget().hide()
        dialog = LoginDialog(self.ctx, parent=self.window, locked_user=self.window.user)
        if dialog.exec() != LoginDialog.Accepted:
            self.window.close()
            return
        self.window.centralWidget().show()
        self.watcher.resume()
