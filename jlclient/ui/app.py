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
    """The zh_CN locale and Qt's own texts (确定/取消, the file dialog, context menus) in Chinese;
    see :mod:`jlclient.ui.qt_chinese`."""
    from jlclient.ui import qt_chinese
    return qt_chinese.install(app)


def run() -> int:
    if not has_display():
        print(NO_DISPLAY, file=sys.stderr)
        return 1
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv)
    from jlclient.ui import prefs
    app.setOrganizationName(prefs.ORGANISATION)
    app.setApplicationName(prefs.APPLICATION)
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
    """One logged-in user at a time: the main window, the lock screen when idle, and 注销/切换用户
    back to the log-in dialog (the application keeps running; another user may log in)."""

    def __init__(self, app, ctx):
        self.app, self.ctx = app, ctx
        self.window = None
        self.watcher = None
        self.failed = False
        if ctx is not None:
            _use_preferences(ctx)

    def login(self, parent=None) -> bool:
        from jlclient.ui.login import LoginDialog
        dialog = LoginDialog(self.ctx, parent=parent)
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
        _use_preferences(self.ctx)
        dialog.attach(self.ctx, auth.agency_summary(self.ctx)[0])

    def open_main(self, user) -> None:
        from jlclient.services import settings
        from jlclient.ui.idle import IdleWatcher
        from jlclient.ui.main_window import MainWindow
        self.window = MainWindow(self.ctx, user)
        self.watcher = IdleWatcher(self.app, settings.read_int(self.ctx, "idle_lock_minutes"), self.window)
        self.watcher.idle.connect(self.lock)
        self.window.lock_requested.connect(self.lock)
        self.window.logout_requested.connect(lambda: self.logout())
        self.window.switch_requested.connect(lambda: self.logout(switch=True))
        if "settings" in self.window.pages:
            self.window.pages["settings"].agency.idle_minutes_changed.connect(self.watcher.set_minutes)
        self.window.show_remembered()
        settle_heap()

    def lock(self) -> None:
        """Cover the whole window (pages and docks) behind the lock dialog until the same user's
        password is given; unsaved wizard work is kept as drafts first."""
        from jlclient.ui.login import LoginDialog
        if self.window is None or self.window.locked:
            return
        self.watcher.pause()
        _autosave_wizards()
        self.window.cover()
        dialog = LoginDialog(self.ctx, parent=self.window, locked_user=self.window.user)
        dialog.switch_user.connect(lambda: dialog.done(LoginDialog.SWITCH))
        answer = dialog.exec()
        if answer == LoginDialog.Accepted:
            self.window.uncover()
            self.watcher.resume()
        elif answer == LoginDialog.SWITCH:
            self.window.uncover()
            self._end_window()
            self._login_again()
        else:
            self.window.close()

    def logout(self, switch: bool = False) -> bool:
        """注销 / 切换用户: drafts kept, the window closed, the log-in dialog shown again. Cancelling
        the log-in quits the application (as at start-up). False when the user thought better of it."""
        from PySide6.QtWidgets import QMessageBox
        if self.window is None:
            return False
        open_wizards = _open_wizards(self.window)
        busy = self.window.dock_pane is not None and self.window.dock_pane.busy()
        if open_wizards or busy:
            what = "、".join(x for x in (("有打开的环节表单（未保存的内容将保存为草稿）" if open_wizards else ""),
                                         ("记录仪正在拷贝或分析（将中断，重新接入后从中断处继续）" if busy else "")) if x)
            verb = "切换用户" if switch else "注销"
            answer = QMessageBox.question(self.window, verb, f"{what}。确定{verb}吗？",
                                          QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
            if answer != QMessageBox.Yes:
                return False
        _autosave_wizards()
        self._end_window()
        self._login_again()
        return True

    def _end_window(self) -> None:
        window, self.window = self.window, None
        if self.watcher is not None:
            self.watcher.pause()
            self.watcher = None
        quits = self.app.quitOnLastWindowClosed()
        self.app.setQuitOnLastWindowClosed(False)   # the log-in dialog follows at once
        try:
            window.close()
        finally:
            self.app.setQuitOnLastWindowClosed(quits)
        window.deleteLater()

    def _login_again(self) -> None:
        if not self.login():
            self.app.quit()


def _use_preferences(ctx) -> None:
    from jlclient.ui import prefs
    prefs.use_folder(ctx.paths.home)


def _open_wizards(window) -> list:
    from PySide6.QtWidgets import QApplication

    from jlclient.ui.stage_wizard import StageWizard
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, StageWizard) and w.isVisible()]


def _autosave_wizards() -> None:
    """Unsaved stage-form work becomes drafts before the screen locks or the user leaves."""
    from jlclient.ui.stage_wizard import autosave_open_wizards
    autosave_open_wizards()
