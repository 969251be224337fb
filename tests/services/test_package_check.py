"""四性检测 of real exported packages: an intact bag and image pass; one changed byte, one deleted
file, one stray file (in a folder, and added to the image with xorriso), a PDF that does not parse,
footage that does not play and audit references the database does not hold each fail, named."""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from threading import Event

import bagit
import pytest

import tests.support.case_builder as cb
from tests.support.demo_db import open_demo
from jlclient.domain.model import Procedure, Stage
from jlclient.domain.package_check import AUTHENTICITY, FAIL, INTEGRITY, PASS, SECURITY, SKIP, USABILITY
from jlclient.services import archiving, compliance, export, package_check
from jlclient.services.context import AppContext, ServiceError
from tests.support.clips import write_clip
from tests.support.pdf import assert_fonts_embedded, pdftotext, squash
from tests.support.tamper import flip_byte

FOOTAGE_DIR = "data/音像"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """One demo database with a closed, bound case with real footage, exported once as a bag and
    once as an image; the tests check copies of them."""
    root = tmp_path_factory.mktemp("packages")
    ctx, login = open_demo(root)
    clip = write_clip(root / "clip.mp4", seconds=1, size=(160, 120)).read_bytes()
    case_id = cb.build_case(ctx, Procedure.PENALTY, av=False)
    cb.add_av(ctx, case_id, Stage.INVESTIGATION, content=clip, seconds=1, camera="执法仪01")
    compliance.close_case(ctx, login("approver"), case_id, cb.version(ctx, case_id), override_reason="测试用结案")
    archiving.build_volume(ctx, login("archivist"), case_id)
    user = login("archivist")
    bag = export.export_bag(ctx, user, case_id, root / "bag")
    iso = export.export_iso(ctx, user, case_id, root / "disc.iso")
    yield ctx, bag, iso
    ctx.close()


@pytest.fixture
def db(exported) -> AppContext:
    return exported[0]


@pytest.fixture
def bag(exported, tmp_path) -> Path:
    """A fresh copy of the exported bag to damage."""
    return Path(shutil.copytree(exported[1].path, tmp_path / "bag"))


def _found(report, check=None) -> list[tuple[str, str, str]]:
    return [(f.category, f.check, f.path) for f in report.findings if check is None or f.check == check]


def _footage(bag: Path) -> Path:
    return next((bag / FOOTAGE_DIR).iterdir())


def test_an_intact_bag_and_image_pass_with_the_audit_checked_against_the_database(exported, db):
    for result in exported[1:]:
        seen = []
        report = package_check.check_package(result.path, db, progress=lambda d, t: seen.append((d, t)))
        assert report.ok, report.findings
        assert {c.code: c.status for c in report.checks}["audit"] == PASS
        assert report.case_number == result.case_number and report.archive_number == result.archive_number
        assert seen[-1][0] == seen[-1][1] > 0
    iso = package_check.check_package(exported[2].path, db)
    assert iso.kind == "iso" and {c.code: c.status for c in iso.checks}["namespaces"] == PASS
    alone = package_check.check_package(exported[1].path)          # no database: said so, not failed
    assert alone.ok and [c.note for c in alone.checks if c.code == "audit"] == ["未与数据库核对（没有提供数据库）"]


def test_one_changed_byte_fails_authenticity_naming_the_file(bag, db):
    footage = _footage(bag)
    flip_byte(footage, 2000)
    report = package_check.check_package(bag, db)
    rel = f"{FOOTAGE_DIR}/{footage.name}"
    assert (AUTHENTICITY, "payload_hash", rel) in _found(report)
    assert report.failed_categories == (AUTHENTICITY,)
    with pytest.raises(bagit.BagValidationError):      # the independent tool agrees
        bagit.Bag(str(bag)).validate()


def test_one_deleted_file_fails_integrity_naming_it(bag, db):
    gone = bag / "data" / "文书" / "03_询问笔录.pdf"
    gone.unlink()
    report = package_check.check_package(bag, db)
    assert (INTEGRITY, "listed", "data/文书/03_询问笔录.pdf") in _found(report)
    assert any(f.check == "numbering" and "缺少第 03 号" in f.message for f in report.findings)
    assert report.failed_categories == (INTEGRITY,)


def test_one_stray_file_fails_security_naming_it(bag, db):
    (bag / "data" / "文书" / "补充说明.pdf").write_bytes((bag / "data" / "文书" / "01_行政处罚决定书.pdf").read_bytes())
    (bag / "setup.exe").write_bytes(b"MZ\x90\x00\x03")
    report = package_check.check_package(bag, db)
    assert (SECURITY, "stray", "data/文书/补充说明.pdf") in _found(report)
    assert (SECURITY, "stray", "setup.exe") in _found(report)
    assert (SECURITY, "executable", "setup.exe") in _found(report)
    assert SECURITY in report.failed_categories


def _reseal(bag: Path, edit=None) -> None:
    """Re-make every hash after a change — metadata and manifests — as someone covering their tracks
    would, with the bagit tool."""
    meta_path = bag / "data" / "metadata" / "case.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    for item in meta["documents"] + meta["recordings"] + meta["notes"]:
        data = (bag / item["path"]).read_bytes()
        item["sha256"], item["size"] = hashlib.sha256(data).hexdigest(), len(data)
    if edit:
        edit(meta)
    meta_path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    b = bagit.Bag(str(bag))
    b.save(manifests=True)
    b.validate()


def test_a_pdf_that_does_not_parse_fails_usability_even_when_resealed(bag, db):
    pdf = bag / "data" / "文书" / "02_立案审批表.pdf"
    pdf.write_bytes(pdf.read_bytes()[:4000])
    _reseal(bag)
    report = package_check.check_package(bag, db)
    assert _found(report) == [(USABILITY, "pdf", "data/文书/02_立案审批表.pdf")]


def test_resealed_footage_is_caught_by_the_database_and_references_it_does_not_hold(bag, db):
    footage = _footage(bag)
    flip_byte(footage, 2000)

    def forge(meta):
        meta["recordings"][0]["source"]["hash"] = meta["recordings"][0]["sha256"]
        meta["audit_trail"][0]["entry_hash"] = "0" * 64
        meta["audit_trail"].append({"seq": 999999, "entry_hash": "1" * 64, "entity": "case_file#1", "action": "x"})
    _reseal(bag, forge)
    offline = package_check.check_package(bag)
    assert offline.ok                                    # consistent in itself: only the database can tell
    report = package_check.check_package(bag, db)
    assert {f.check for f in report.findings} == {"audit"} and report.failed_categories == (AUTHENTICITY,)
    messages = " ".join(f.message for f in report.findings)
    assert "#999999" in messages and "不存在" in messages and "哈希与数据库不符" in messages
    assert any(f.path == f"{FOOTAGE_DIR}/{footage.name}" and "av_record#" in f.message for f in report.findings)


def test_footage_that_does_not_play_fails_usability(demo_ctx, login_as, tmp_path):
    case_id = cb.build_case(demo_ctx, Procedure.PERMIT, until=Stage.INVESTIGATION)   # a few bytes stand in for video
    user = login_as("archivist")
    result = export.export_bag(demo_ctx, user, case_id, tmp_path / "bag")
    report = package_check.check_package(result.path, demo_ctx)
    assert [(c, k) for c, k, _ in _found(report)] == [(USABILITY, "video")]
    assert report.findings[0].path.startswith(FOOTAGE_DIR + "/")


def test_an_image_with_a_changed_byte_or_a_file_added_by_xorriso_fails(exported, db, tmp_path):
    clip = _footage(exported[1].path).read_bytes()
    data = bytearray(exported[2].path.read_bytes())
    at = data.find(clip[1000:1064])
    assert at > 0
    data[at] ^= 0x01
    changed = tmp_path / "changed.iso"
    changed.write_bytes(bytes(data))
    report = package_check.check_package(changed, db)
    assert {k for c, k, _ in _found(report) if c == AUTHENTICITY} == {"payload_hash", "metadata_content"}
    assert report.failed_categories == (AUTHENTICITY,)
    assert all(f.path.startswith(FOOTAGE_DIR + "/") for f in report.findings)

    script = tmp_path / "run.sh"
    script.write_text("#!/bin/sh\necho hi\n")
    added = tmp_path / "added.iso"
    subprocess.run(["xorriso", "-indev", str(exported[2].path), "-outdev", str(added), "-joliet", "on",
                    "-map", str(script), "/data/run.sh", "-commit"], capture_output=True, check=True)
    report = package_check.check_package(added, db)
    assert (SECURITY, "stray", "data/run.sh") in _found(report)
    assert (SECURITY, "executable", "data/run.sh") in _found(report)


def test_the_report_prints_as_pdf_and_json(bag, db, tmp_path):
    (bag / "data" / "文书" / "03_询问笔录.pdf").unlink()
    report = package_check.check_package(bag, db)
    pdf, js = tmp_path / "报告.pdf", tmp_path / "报告.json"
    package_check.save_report(report, pdf, js)
    text = squash(pdftotext(pdf.read_bytes()))
    assert "电子档案四性检测报告" in text and "四性检测未通过" in text and "03_询问笔录.pdf" in text
    assert "缺少第03号" in text and report.case_number in text and "不通过" in text
    assert_fonts_embedded(pdf.read_bytes(), tmp_path)
    doc = json.loads(js.read_text(encoding="utf-8"))
    assert doc["ok"] is False and doc["categories"][INTEGRITY] == FAIL and doc["categories"][SECURITY] == PASS
    assert {"category": INTEGRITY, "check": "listed", "path": "data/文书/03_询问笔录.pdf"}.items() <= \
        next(f for f in doc["findings"] if f["check"] == "listed").items()
    assert {c["code"]: c["status"] for c in doc["checks"]}["namespaces"] == SKIP


def test_what_is_not_a_package_is_named_and_a_check_can_be_cancelled(exported, tmp_path):
    with pytest.raises(ServiceError, match="不是 BagIt 包"):
        package_check.check_package(tmp_path)
    (tmp_path / "x.iso").write_bytes(b"not an image" * 100)
    with pytest.raises(ServiceError, match="不是可读取的 ISO 光盘映像"):
        package_check.check_package(tmp_path / "x.iso")
    with pytest.raises(ServiceError, match="找不到"):
        package_check.check_package(tmp_path / "none")
    cancel = Event()
    cancel.set()
    with pytest.raises(package_check.CheckCancelled):
        package_check.check_package(exported[1].path, cancel=cancel)
