"""Child process of bench_startup.py: start one GUI, show its first window, report when it has painted.

    python _startup_child.py bare       # QApplication + an empty QDialog
    python _startup_child.py jlclient   # jlclient.ui.app.run() up to the LoginDialog

Both print ``PAINTED <json>`` on stdout from a QTimer.singleShot(0) queued by the window's first Paint
event, then exit. The JSON holds wall-clock (time.time()) marks: "painted" is when that paint had been
handled (see show_until_painted), the others split the time into phases. Nothing else may be imported
here: every import counts.
"""
import sys
import time

MARKS = {"interpreter": time.time()}


def show_until_painted(widget) -> None:
    """Show ``widget``, run an event loop until its first paint has been handled, then print the marker.

    "Handled" is the first event of any other kind that Qt delivers after the window's Paint event(s):
    the paint of the window and its children, and the flush, are done by then. A QTimer.singleShot(0)
    queued at the Paint event guarantees such an event; the time is taken when it is delivered, so
    work the application itself queued for after the first paint is not counted.
    """
    import json

    from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, QTimer

    loop = QEventLoop()
    state = {"seen": False}

    def done():
        print("PAINTED " + json.dumps(MARKS), flush=True)
        loop.quit()

    class Watch(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
            kind = event.type()
            if "painted" in MARKS:
                pass
            elif not state["seen"]:
                if kind == QEvent.Paint and obj is widget:
                    state["seen"] = True
                    QTimer.singleShot(0, done)
            elif kind != QEvent.Paint:
                MARKS["painted"] = time.time()
            return False

    watch = Watch()
    app = QCoreApplication.instance()
    app.installEventFilter(watch)
    MARKS["show"] = time.time()
    widget.show()
    QTimer.singleShot(20000, loop.quit)  # never hang the benchmark: the parent reports a missing marker
    loop.exec()
    app.removeEventFilter(watch)


def bare() -> int:
    from PySide6.QtWidgets import QApplication, QDialog

    MARKS["imports"] = time.time()
    app = QApplication(sys.argv)
    MARKS["qapplication"] = time.time()
    dialog = QDialog()
    dialog.setWindowTitle("bare")
    show_until_painted(dialog)
    del app
    return 0


def jlclient() -> int:
    """The real start-up path (jlclient.ui.app.run) with LoginDialog.exec replaced by show-until-painted."""
    from jlclient.ui import app as ui_app
    from jlclient.ui.login import LoginDialog

    real_first_start = ui_app.first_start

    def timed_first_start(ctx):  # called by run() right after AppContext.open()
        MARKS["ctx_opened"] = time.time()
        try:
            return real_first_start(ctx)
        finally:
            MARKS["first_start_done"] = time.time()

    def exec_until_painted(self):
        MARKS["dialog_built"] = time.time()
        show_until_painted(self)
        return LoginDialog.Rejected  # Session.login() returns False and run() returns without app.exec()

    ui_app.first_start = timed_first_start
    LoginDialog.exec = exec_until_painted
    MARKS["imports"] = time.time()
    return ui_app.run()


if __name__ == "__main__":
    sys.exit({"bare": bare, "jlclient": jlclient}[sys.argv[1]]())
