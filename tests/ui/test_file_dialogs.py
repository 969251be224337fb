"""File dialogs speak Chinese and open in a sensible folder: the last one used for the purpose, else
Documents or home — never the program's folder."""
import os
from pathlib import Path

from PySide6.QtCore import QDate, QLocale, Qt, QTimer
from PySide6.QtWidgets import QApplication, QCalendarWidget, QFileDialog, QLabel, QLineEdit, QPushButton

from jlclient.ui import file_dialogs
from jlclient.ui.qt_chinese import install
from tests.support.keys import type_text


def _when_dialog_shown(fn) -> None:
    timer = QTimer(QApplication.instance(), interval=50)

    def check():
        dialog = next((w for w in QApplication.topLevelWidgets() if isinstance(w, QFileDialog) and w.isVisible()),
                      None)
        if dialog is not None:
            timer.stop()
            timer.deleteLater()
            fn(dialog)
    timer.timeout.connect(check)
    timer.start()


def _texts(dialog: QFileDialog) -> list[str]:
    return [w.text() for w in dialog.findChildren(QLabel) + dialog.findChildren(QPushButton) if w.text()]


def _type_name_and_enter(qtbot, dialog: QFileDialog, name: str) -> None:
    edit = dialog.findChild(QLineEdit, "fileNameEdit")
    type_text(qtbot, edit, name)
    qtbot.keyClick(edit, Qt.Key_Return)


def test_open_dialog_is_chinese_and_starts_in_documents_not_the_program_folder(qtbot, tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    (home / "Documents" / "scan.pdf").write_bytes(b"%PDF-1.4\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(home / "Documents"))
    seen = {}

    def answer(dialog):
        seen["texts"] = _texts(dialog)
        seen["directory"] = Path(dialog.directory().absolutePath())
        _type_name_and_enter(qtbot, dialog, "scan.pdf")
    _when_dialog_shown(answer)
    chosen = file_dialogs.open_file(None, "选择材料的电子件", "scan", "图像或 PDF (*.png *.pdf);;所有文件 (*)")
    texts = " ".join(seen["texts"])
    assert "查找范围" in texts and "文件类型" in texts and "文件名称" in texts and "打开" in texts
    assert "Look in" not in texts and "Files of type" not in texts and "type" not in texts
    assert seen["directory"] != Path(os.getcwd())
    assert seen["directory"] in (home / "Documents", home)
    assert chosen == str(seen["directory"] / "scan.pdf")


def test_the_last_folder_for_a_purpose_is_remembered(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    target = tmp_path / "导出"
    target.mkdir()
    seen = []

    def in_target(dialog):
        seen.append(Path(dialog.directory().absolutePath()))
        _type_name_and_enter(qtbot, dialog, str(target / "四性检测报告"))
    _when_dialog_shown(in_target)
    saved = file_dialogs.save_file(None, "保存四性检测报告", "check_report", filter="PDF 文件 (*.pdf)")
    assert saved == str(target / "四性检测报告.pdf")      # the extension added to a name typed without it

    def again(dialog):
        seen.append(Path(dialog.directory().absolutePath()))
        seen.append(dialog.findChild(QLineEdit, "fileNameEdit").text())
        qtbot.keyClick(dialog.findChild(QLineEdit, "fileNameEdit"), Qt.Key_Escape)
    _when_dialog_shown(again)
    assert file_dialogs.save_file(None, "保存四性检测报告", "check_report", "报告.pdf", "PDF 文件 (*.pdf)") == ""
    assert seen[1:] == [target, "报告.pdf"]


def test_folder_dialog_starts_at_the_suggested_folder(qtbot, tmp_path):
    start = tmp_path / "证据副本"
    start.mkdir()
    seen = {}

    def answer(dialog):
        seen["directory"] = Path(dialog.directory().absolutePath())
        seen["texts"] = _texts(dialog)
        qtbot.keyClick(dialog.findChild(QLineEdit, "fileNameEdit"), Qt.Key_Escape)
    _when_dialog_shown(answer)
    assert file_dialogs.choose_folder(None, "选择保存证据副本的位置", "evidence_copy", str(start)) == ""
    assert seen["directory"] == start
    assert "选择(&C)" in seen["texts"] and "目录：" in seen["texts"]


def test_the_application_runs_in_the_chinese_locale(qapp):
    install(qapp)
    assert QLocale().language() == QLocale.Chinese and QLocale().territory() == QLocale.China
    calendar = QCalendarWidget()
    calendar.setSelectedDate(QDate(2026, 12, 3))
    assert calendar.locale().monthName(12) == "十二月"
    assert QLocale().toString(1234567.5, "f", 1) == "1,234,567.5"
