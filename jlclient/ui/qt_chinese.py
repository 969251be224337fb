"""Qt's own texts in Chinese: the zh_CN locale (calendars, numbers, Qt's dialogs) and the qtbase
catalogue PySide6 ships, plus the few strings that catalogue lacks.

Why the file dialog said "Look in" and "Files of type": Qt 6 gave those two labels accelerators
("&Look in:", "Files of &type:"), and qtbase_zh_CN.qm still only has the old source texts, so the
lookup misses and Qt shows the English source. :class:`MissingQtTexts` answers for those (and
for 体积, Qt's odd word for a file's size)."""
from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

CHINA = QLocale(QLocale.Chinese, QLocale.China)

# (context, source text) → Chinese; only what qtbase_zh_CN.qm lacks or gets wrong
MISSING = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
    ("QFileSystemModel", "Size"): "大小",
}


class MissingQtTexts(QTranslator):
    """Answers only for :data:`MISSING`; every other text goes on to the qtbase catalogue."""

    def translate(self, context: str, source: str, disambiguation=None, n: int = -1) -> str | None:  # noqa: ARG002
        return MISSING.get((context, source))   # None: a null text, so Qt asks the next catalogue

    def isEmpty(self) -> bool:  # noqa: N802 (Qt name)
        return False


def install(app) -> bool:
    """Once per application: the locale and both translators, kept on the application so they
    live as long as it does. False when Qt's catalogue is not there (the fixes still apply)."""
    QLocale.setDefault(CHINA)
    if app.property("jlclientQtChinese"):
        return True
    catalogue = QTranslator(app)
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    found = catalogue.load(CHINA, "qtbase", "_", path) and app.installTranslator(catalogue)
    app.installTranslator(MissingQtTexts(app))   # installed last, asked first
    app.setProperty("jlclientQtChinese", found)
    return found
