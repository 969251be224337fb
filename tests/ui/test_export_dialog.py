"""The archivist exports a case from the dialog — a BagIt folder or an ISO image — in the
background, cancels one, and checks packages with 四性检测, saving the report."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import func, select

import tests.support.case_builder as cb
from tests.support.demo_db import open_demo
from jlclient.domain.model import Procedure, Stage
from jlclient.services import archiving, compliance, export
from jlclient.store.models import AuditEntry
from jlclient.ui.export_dialog import ExportDialog, PackageCheckDialog
from tests.support.clips import write_clip
from tests.support.held_writes import hold_writes
from tests.support.tamper import flip_byte


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One demo database for the module with a closed, bound case that has real footage."""
    root = tmp_path_factory.mktemp("export-ui")
    ctx, login = open_demo(root)
    case_id = cb.build_case(ctx, Procedure.PENALTY, av=False)
    clip = write_clip(root / "clip.mp4", seconds=1, size=(160, 120)).read_bytes()
    cb.add_av(ctx, case_id, Stage.INVESTIGATION, content=clip, seconds=1, camera="执法仪01")
    compliance.close_case(ctx, login("approver"), case_id, cb.version(ctx, case_id), override_reason="测试用结案")
    archiving.build_volume(ctx, login("archivist"), case_id)
    yield ctx, login, case_id
    ctx.close()


def _exports(ctx) -> int:
    with ctx.db.read() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "case.export"))


def _dialog(qtbot, shared, user="archivist") -> ExportDialog:
    ctx, login, case_id = shared
    dialog = ExportDialog(ctx, login(user), case_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _wait(qtbot, dialog) -> None:
    qtbot.waitUntil(lambda: dialog.task is None, timeout=20000)


def test_export_a_bag_then_check_it_and_save_the_report(qtbot, shared, tmp_path, monkeypatch):
    dialog = _dialog(qtbot, shared)
    assert dialog.bag_radio.isChecked() and dialog.check_after.isChecked()
    volume = archiving.volume_of(shared[0], shared[2])
    assert dialog.target.text().endswith(dialog.default_name) and volume.archive_number in dialog.default_name
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    qtbot.mouseClick(dialog.choose_button, Qt.LeftButton)
    assert dialog.target.text() == str(tmp_path)            # an empty folder is taken as it is …
    (tmp_path / "别的文件.txt").write_text("x")
    qtbot.mouseClick(dialog.choose_button, Qt.LeftButton)
    assert dialog.target.text() == str(tmp_path / dialog.default_name)   # … else a new folder in it
    before = _exports(shared[0])
    qtbot.mouseClick(dialog.start_button, Qt.LeftButton)
    assert not dialog.start_button.isEnabled() and dialog.cancel_button.isEnabled()
    _wait(qtbot, dialog)
    assert dialog.result is not None, dialog.status.text()
    assert dialog.result.kind == "bag" and dialog.result.path == tmp_path / dialog.default_name
    assert dialog.result.manifest_sha256 in dialog.status.text()
    assert "四性检测通过" in dialog.findings.headline.text() and dialog.findings.table.rowCount() == 0
    assert [label.text() for label in dialog.findings.categories.values()] == [
        "真实性：通过", "完整性：通过", "可用性：通过", "安全性：通过"]
    assert dialog.open_button.isVisible() and dialog.save_button.isEnabled() and dialog.start_button.isEnabled()
    assert _exports(shared[0]) == before + 1

    report = tmp_path / "报告.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(report), "PDF 文件 (*.pdf)"))
    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    assert report.read_bytes().startswith(b"%PDF") and "报告.json" in dialog.status.text()
    assert json.loads(report.with_suffix(".json").read_text(encoding="utf-8"))["ok"] is True


def test_export_an_image_with_its_disc_label(qtbot, shared, tmp_path, monkeypatch):
    dialog = _dialog(qtbot, shared)
    qtbot.mouseClick(dialog.iso_radio, Qt.LeftButton)
    assert dialog.target.text().endswith(".iso")
    image = tmp_path / "光盘.iso"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "光盘"), ""))
    qtbot.mouseClick(dialog.choose_button, Qt.LeftButton)
    assert dialog.target.text() == str(image)
    qtbot.mouseClick(dialog.start_button, Qt.LeftButton)
    _wait(qtbot, dialog)
    assert dialog.result is not None, dialog.status.text()
    assert image.is_file() and (tmp_path / "光盘_光盘标签.pdf").is_file()
    assert "光盘标签" in dialog.status.text() and "四性检测通过" in dialog.findings.headline.text()
    assert dialog.findings.report.kind == "iso"


def test_a_cancelled_export_leaves_nothing(qtbot, shared, tmp_path, monkeypatch):
    writes, release = hold_writes(monkeypatch, through=1)   # the first write goes through, then they wait
    dialog = _dialog(qtbot, shared)
    target = tmp_path / "bag"
    dialog.target.setText(str(target))
    before = _exports(shared[0])
    qtbot.mouseClick(dialog.start_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: len(writes) > 1, timeout=20000)
    qtbot.mouseClick(dialog.cancel_button, Qt.LeftButton)
    release.set()
    _wait(qtbot, dialog)
    assert "已取消" in dialog.status.text() and dialog.result is None
    assert not target.exists() and _exports(shared[0]) == before
    assert dialog.start_button.isEnabled() and not dialog.bar.isVisible()


def test_closing_during_an_export_cancels_it_first(qtbot, shared, tmp_path, monkeypatch):
    writes, release = hold_writes(monkeypatch)
    dialog = _dialog(qtbot, shared)
    dialog.target.setText(str(tmp_path / "bag"))
    qtbot.mouseClick(dialog.start_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: bool(writes), timeout=20000)
    dialog.close()
    assert dialog.isVisible()                    # still cleaning up
    release.set()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20000)
    assert not (tmp_path / "bag").exists()


def test_only_archivists_reviewers_and_administrators_export(qtbot, shared):
    dialog = _dialog(qtbot, shared, "officer")
    assert not dialog.start_button.isEnabled() and "档案管理员" in dialog.start_button.toolTip()
    assert _dialog(qtbot, shared, "reviewer").start_button.isEnabled()


def test_a_tampered_package_shows_each_finding_naming_its_file(qtbot, shared, tmp_path, monkeypatch):
    ctx, login, case_id = shared
    user = login("archivist")
    result = export.export_bag(ctx, user, case_id, tmp_path / "bag")
    bag = Path(shutil.copytree(result.path, tmp_path / "copy"))
    footage = next((bag / "data" / "音像").iterdir())
    flip_byte(footage, 1500)
    (bag / "data" / "文书" / "01_行政处罚决定书.pdf").unlink()
    (bag / "data" / "工具.exe").write_bytes(b"MZ\x90\x00")
    dialog = PackageCheckDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(bag))
    qtbot.mouseClick(dialog.folder_button, Qt.LeftButton)
    assert dialog.path.text() == str(bag) and dialog.use_db.isChecked()
    qtbot.mouseClick(dialog.start_button, Qt.LeftButton)
    _wait(qtbot, dialog)
    report = dialog.findings.report
    assert report is not None and not report.ok, dialog.status.text()
    rows = [[dialog.findings.table.item(i, j).text() for j in range(4)]
            for i in range(dialog.findings.table.rowCount())]
    files = {row[2] for row in rows}
    assert f"data/音像/{footage.name}" in files and "data/文书/01_行政处罚决定书.pdf" in files
    assert "data/工具.exe" in files
    assert {row[0] for row in rows} == {"真实性", "完整性", "可用性", "安全性"}
    assert dialog.findings.categories["安全性"].text() == "安全性：不通过"
    assert "四性检测未通过" in dialog.findings.headline.text()
    saved = tmp_path / "检测.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(saved), ""))
    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    assert saved.is_file() and saved.with_suffix(".json").is_file()


def test_checking_nothing_or_what_is_no_package_says_so(qtbot, shared, tmp_path):
    dialog = PackageCheckDialog(None)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.use_db.isChecked() and not dialog.use_db.isEnabled()
    qtbot.mouseClick(dialog.start_button, Qt.LeftButton)
    assert "请选择" in dialog.status.text()
    dialog.path.setText(str(tmp_path))
    qtbot.mouseClick(dialog.start_button, Qt.LeftButton)
    _wait(qtbot, dialog)
    assert "不是 BagIt 包" in dialog.status.text() and dialog.findings.report is None
    assert not dialog.save_button.isEnabled() and not dialog.use_db.isEnabled()
