"""Exporting a case as a BagIt bag and as an ISO image, checked with independent tools: the bag
with the ``bagit`` library from PyPI, the image listed and extracted with Debian's xorriso and
isoinfo, the disc label read back with poppler."""
from __future__ import annotations

import errno
import hashlib
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from threading import Event
from typing import Callable

import bagit
import pytest
from sqlalchemy import select

import tests.support.case_builder as cb
from tests.support.demo_db import open_demo
from jlclient.domain.model import Procedure, Stage
from jlclient.services import archiving, compliance, evidence_copies, export, records
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.verify import verify
from jlclient.store.models import AuditEntry
from tests.support.clips import write_clip
from tests.support.pdf import pdftotext, squash
from tests.support.tamper import flip_byte

CAMERA = "执法仪01"


def bound_case(ctx, login, clip: bytes) -> int:
    """A closed penalty case with real footage from a camera with a Chinese serial, bound as a volume."""
    case_id = cb.build_case(ctx, Procedure.PENALTY, av=False)
    cb.add_av(ctx, case_id, Stage.INVESTIGATION, content=clip, seconds=1, camera=CAMERA)
    compliance.close_case(ctx, login("approver"), case_id, cb.version(ctx, case_id), override_reason="测试用结案")
    archiving.build_volume(ctx, login("archivist"), case_id)
    return case_id


@dataclass
class Shared:
    ctx: AppContext
    login: Callable
    clip: bytes                 # a real H.264 MP4, one second
    case_id: int                # closed and bound, with that clip as its footage


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One demo database for the module (setting one up costs a second); each test counts the
    export entries it adds."""
    root = tmp_path_factory.mktemp("export")
    ctx, login = open_demo(root)
    clip = write_clip(root / "clip.mp4", seconds=1, size=(160, 120)).read_bytes()
    yield Shared(ctx, login, clip, bound_case(ctx, login, clip))
    ctx.close()


@pytest.fixture
def archivist(shared):
    return shared.login("archivist")


@pytest.fixture
def out(tmp_path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _export_entries(ctx) -> list[AuditEntry]:
    with ctx.db.read() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == "case.export")))


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_bound_case_exports_as_a_bag_the_bagit_library_validates(shared, archivist, out):
    ctx, case_id, clip = shared.ctx, shared.case_id, shared.clip
    before = len(_export_entries(ctx))
    volume = archiving.volume_of(ctx, case_id)
    seen = []
    result = export.export_bag(ctx, archivist, case_id, out / "包",
                               progress=lambda done, total: seen.append((done, total)))
    root = out / "包"
    bag = bagit.Bag(str(root))
    bag.validate()                                      # every payload and tag file against its manifest
    assert bag.is_valid()
    assert bag.info["Source-Organization"] == "灵寿县行政审批局"
    assert bag.info["External-Identifier"] == result.case_number
    assert bag.info["Archive-Number"] == volume.archive_number == result.archive_number
    # documents numbered in binding order: the decision first, as the volume's index lists them
    docs = sorted(p.name for p in (root / "data" / "文书").iterdir())
    assert docs[0] == "01_行政处罚决定书.pdf" and docs[1] == "02_立案审批表.pdf"
    assert [d.split("_", 1)[1][:-4] for d in docs] == [r.title for r in volume.rows if r.page]
    assert [int(d[:2]) for d in docs] == list(range(1, len(docs) + 1))
    footage = root / "data" / "音像" / f"{CAMERA}_{next((root / 'data' / '音像').iterdir()).name.split('_', 1)[1]}"
    assert footage.read_bytes() == clip
    assert (root / "data" / "视听资料制作说明.pdf").is_file()
    meta = json.loads((root / "data" / "metadata" / "case.json").read_text(encoding="utf-8"))
    assert meta["format"] == "jlclient.package/1" and meta["volume"]["archive_number"] == volume.archive_number
    assert meta["case"]["number"] == result.case_number and len(meta["parties"]) == 1 and len(meta["officers"]) == 2
    for item in meta["documents"] + meta["recordings"] + meta["notes"]:
        assert _sha((root / item["path"]).read_bytes()) == item["sha256"]
    assert all(item["audit"] for item in meta["documents"] + meta["recordings"])
    seqs = {r["seq"] for r in meta["audit_trail"]}
    assert all(ref["seq"] in seqs for item in meta["documents"] for ref in item["audit"])
    # the keys that sign the chain's checkpoints travel with the trail, so it can be checked elsewhere
    assert meta["checkpoints"]["keys"] and all(k["fingerprint"] for k in meta["checkpoints"]["keys"])
    manifest = (root / "manifest-sha256.txt").read_bytes()
    assert "data/文书/01_行政处罚决定书.pdf" in manifest.decode() and _sha(manifest) == result.manifest_sha256
    assert seen and seen[-1][0] == seen[-1][1]
    entries = _export_entries(ctx)[before:]
    assert len(entries) == 1 and json.loads(entries[0].detail)["manifest_sha256"] == result.manifest_sha256
    assert entries[0].entity_type == "case_file" and entries[0].seq == result.audit_seq
    assert verify(ctx).ok


def _xorriso(*args: str) -> str:
    return subprocess.run(["xorriso", *args], capture_output=True, text=True, check=True).stdout


def test_the_iso_lists_with_chinese_names_and_extracts_byte_identical(shared, archivist, out):
    ctx, case_id, clip = shared.ctx, shared.case_id, shared.clip
    before = len(_export_entries(ctx))
    volume = archiving.volume_of(ctx, case_id)
    image = out / "光盘.iso"
    result = export.export_iso(ctx, archivist, case_id, image)
    assert result.path == image and result.label == out / "光盘_光盘标签.pdf"
    rock_ridge = _xorriso("-indev", str(image), "-find", "/", "-exec", "lsdl")
    joliet = _xorriso("-rockridge", "off", "-joliet", "on", "-indev", str(image), "-find", "/", "-exec", "lsdl")
    for listing in (rock_ridge, joliet):
        assert "'/data/文书/01_行政处罚决定书.pdf'" in listing and "'/data/视听资料制作说明.pdf'" in listing
        assert f"'/data/音像/{CAMERA}_" in listing and "'/manifest-sha256.txt'" in listing
    isoinfo = subprocess.run(["isoinfo", "-R", "-l", "-i", str(image)], capture_output=True, check=True).stdout.decode()
    assert "01_行政处罚决定书.pdf" in isoinfo and "Directory listing of /data/音像/" in isoinfo
    label = subprocess.run(["isoinfo", "-d", "-i", str(image)], capture_output=True, text=True, check=True).stdout
    assert f"Volume id: {volume.archive_number.replace('-', '_')}" in label

    out = out / "extracted"
    subprocess.run(["xorriso", "-osirrox", "on", "-indev", str(image), "-extract", "/", str(out)],
                   capture_output=True, check=True)
    for p in out.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)         # xorriso keeps the disc's read-only modes
    bagit.Bag(str(out)).validate()                      # byte-identical to what the manifests vouch for
    footage = next((out / "data" / "音像").iterdir())
    assert footage.read_bytes() == clip
    assert _sha((out / "manifest-sha256.txt").read_bytes()) == result.manifest_sha256
    text = squash(pdftotext(result.label.read_bytes()))
    assert result.manifest_sha256[:32] in text and result.manifest_sha256[32:] in text
    assert result.case_number in text
    assert [json.loads(e.detail)["kind"] for e in _export_entries(ctx)[before:]] == ["iso"]


def test_the_iso_has_a_udf_tree_with_the_same_names_and_bytes(shared, archivist, out):
    """7-Zip, told to read UDF only, lists the Chinese names and extracts the same bytes."""
    image = out / "udf.iso"
    export.export_iso(shared.ctx, archivist, shared.case_id, image)
    listing = subprocess.run(["7z", "l", "-tudf", str(image)], capture_output=True, text=True, check=True).stdout
    assert "data/文书/01_行政处罚决定书.pdf" in listing and f"data/音像/{CAMERA}_" in listing
    extracted = out / "udf"
    subprocess.run(["7z", "x", "-tudf", f"-o{extracted}", str(image)], capture_output=True, check=True)
    assert next((extracted / "data" / "音像").iterdir()).read_bytes() == shared.clip
    bagit.Bag(str(extracted)).validate()


def test_the_udf_label_is_the_case_number_in_chinese_when_unbound(shared, archivist, out):
    """Windows and macOS show UDF's label: an unbound case's disc is named by its Chinese case number."""
    case_id = cb.build_case(shared.ctx, Procedure.PERMIT, until=Stage.INVESTIGATION, av=False)
    result = export.export_iso(shared.ctx, archivist, case_id, out / "unbound.iso")
    info = subprocess.run(["udfinfo", str(result.path)], capture_output=True, text=True, check=True).stdout
    number = result.case_number
    assert "〔" in number and f"\nlvid={number[:16]}\n" in info and f"\nvid={number[:15]}\n" in info


def test_an_unbound_case_exports_in_the_order_made_and_says_which_drafts_it_left_out(shared, archivist, out):
    ctx = shared.ctx
    case_id = cb.build_case(ctx, Procedure.PERMIT, until=Stage.INVESTIGATION, av=False)
    draft = records.save_form(ctx, cb.ACTOR, case_id, "inquiry_record", {"place": "询问室"}, final=False)
    result = export.export_bag(ctx, archivist, case_id, out / "bag")
    bagit.Bag(str(out / "bag")).validate()
    docs = sorted(p.name for p in (out / "bag" / "data" / "文书").iterdir())
    assert docs == ["01_材料接收凭证.pdf", "02_受理通知书.pdf", "03_现场检查（勘验）笔录.pdf"]
    assert result.archive_number == "" and result.label is None
    assert "Archive-Number" not in bagit.Bag(str(out / "bag")).info
    assert not (out / "bag" / "data" / "音像").exists()
    meta = json.loads((out / "bag" / "data" / "metadata" / "case.json").read_text(encoding="utf-8"))
    assert meta["volume"] is None and meta["recordings"] == []
    assert [o["record"] for o in meta["omitted"]] == [f"text_record#{draft.id}"]
    assert [n["path"] for n in meta["notes"]] == ["data/未导出说明.txt"]     # and the package says so in words
    said = (out / "bag" / "data" / "未导出说明.txt").read_text(encoding="utf-8")
    assert "询问笔录" in said and "草稿，尚未定稿" in said


def test_refusals_say_what_to_do(shared, archivist, out):
    ctx, case_id = shared.ctx, shared.case_id
    before = len(_export_entries(ctx))
    full = out / "full"
    full.mkdir()
    (full / "x.txt").write_text("x")
    args = (ctx, archivist)
    with pytest.raises(ServiceError, match="已存在且不是空的"):
        export.export_bag(*args, case_id, full)
    with pytest.raises(ServiceError, match="不存在"):
        export.export_bag(*args, case_id, out / "no" / "bag")
    with pytest.raises(ServiceError, match="案件不存在"):
        export.export_bag(*args, 9999, out / "bag")
    (out / "old.iso").write_bytes(b"x")
    with pytest.raises(ServiceError, match="已存在"):
        export.export_iso(*args, case_id, out / "old.iso")
    (out / "new_光盘标签.pdf").write_bytes(b"x")
    with pytest.raises(ServiceError, match="new_光盘标签.pdf”已存在"):
        export.export_iso(*args, case_id, out / "new.iso")
    with pytest.raises(ServiceError, match=r"\.iso 结尾"):
        export.export_iso(*args, case_id, out / "disc.img")
    with pytest.raises(ServiceError, match="档案管理员、法制审核人员"):
        export.require_exporter(shared.login("officer"))
    export.require_exporter(shared.login("reviewer"))
    assert len(_export_entries(ctx)) == before and sorted(p.name for p in out.iterdir()) == [
        "full", "new_光盘标签.pdf", "old.iso"]


def test_footage_without_a_recording_place_asks_for_it(shared, archivist, out):
    ctx, clip = shared.ctx, shared.clip
    case_id = cb.open_case(ctx, Procedure.PENALTY)
    cb.add_av(ctx, case_id, Stage.INITIATION, content=clip, seconds=1)
    args = (ctx, archivist, case_id)
    with pytest.raises(ServiceError, match="请填写录制地点"):
        export.export_bag(*args, out / "bag")
    assert not (out / "bag").exists()
    export.export_bag(*args, out / "bag", place="灵寿县城关镇")
    assert "灵寿县城关镇" in pdftotext((out / "bag" / "data" / "视听资料制作说明.pdf").read_bytes())


def test_no_room_on_the_medium_is_refused_before_anything_is_written(shared, archivist, out,
                                                                     monkeypatch):
    ctx, case_id = shared.ctx, shared.case_id
    before = len(_export_entries(ctx))

    class Usage:
        free = 1024
    monkeypatch.setattr(export.shutil, "disk_usage", lambda path: Usage)
    with pytest.raises(ServiceError, match="目标介质剩余 1.00 KB，不够存放导出包"):
        export.export_bag(ctx, archivist, case_id, out / "bag")
    with pytest.raises(ServiceError, match="不够存放导出包"):
        export.export_iso(ctx, archivist, case_id, out / "a.iso")
    assert list(out.iterdir()) == [] and len(_export_entries(ctx)) == before


def test_a_full_medium_during_the_copy_removes_the_partial_bag(shared, archivist, out,
                                                               monkeypatch):
    ctx, case_id = shared.ctx, shared.case_id
    before = len(_export_entries(ctx))
    real = evidence_copies.write_all     # export writes through the copy helpers
    calls = []

    def write(fd, data):
        calls.append(len(data))
        if len(calls) > 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd, data)
    monkeypatch.setattr(evidence_copies, "write_all", write)
    empty = out / "empty"
    empty.mkdir()
    with pytest.raises(ServiceError, match="空间已满：导出未完成"):
        export.export_bag(ctx, archivist, case_id, empty)
    assert empty.is_dir() and list(empty.iterdir()) == []          # the folder was there before: kept, emptied
    assert len(_export_entries(ctx)) == before


@pytest.mark.parametrize("kind", ["bag", "iso"])
def test_a_cancelled_export_leaves_nothing_and_records_nothing(shared, archivist, out,
                                                               monkeypatch, kind):
    ctx, case_id = shared.ctx, shared.case_id
    before = len(_export_entries(ctx))
    monkeypatch.setattr(export, "CHUNK", 1024)          # the footage in a dozen chunks
    cancel, seen = Event(), []

    def progress(done, total):
        seen.append(done)
        if done > 2048:
            cancel.set()
    run = export.export_bag if kind == "bag" else export.export_iso
    target = out / ("bag" if kind == "bag" else "a.iso")
    with pytest.raises(export.ExportCancelled, match="已取消"):
        run(ctx, archivist, case_id, target, progress=progress, cancel=cancel)
    assert seen and list(out.iterdir()) == []
    assert len(_export_entries(ctx)) == before


def test_footage_changed_in_the_store_is_not_handed_on(shared, archivist, out):
    ctx, case_id, clip = shared.ctx, shared.case_id, shared.clip
    before = len(_export_entries(ctx))
    stored = ctx.evidence.path(_sha(clip))
    flip_byte(stored, 100)
    try:
        for run, target in ((export.export_bag, out / "bag"), (export.export_iso, out / "a.iso")):
            with pytest.raises(ServiceError, match="与登记的 SHA-256 不符"):
                run(ctx, archivist, case_id, target)
    finally:
        flip_byte(stored, 100)                          # the module's other tests use the same store
    assert list(out.iterdir()) == [] and len(_export_entries(ctx)) == before


def test_iso_names_are_plain_iso_9660_and_unique_in_their_folder():
    names = export._iso9660_names(["01_行政处罚决定书.pdf", "02_立案审批表.pdf", "文书", "音像", "bagit.txt", "README"],
                                  {"文书", "音像"})
    assert names["bagit.txt"] == "BAGIT.TXT;1" and names["README"] == "README.;1"
    assert len(set(names.values())) == len(names)
    assert all(len(v.split(";")[0].split(".")[0]) <= 8 for v in names.values())
    assert export.volume_labels("2026-0001", "灵行审罚〔2026〕1号") == ("2026_0001", "2026-0001")
    assert export.volume_labels("", "灵行审罚〔2026〕1号") == ("2026_1", "灵行审罚〔2026〕1号")


def test_awkward_camera_file_names_reach_the_disc_unique_and_intact(shared, archivist, out):
    from jlclient.services import package_check
    ctx, clip = shared.ctx, shared.clip
    case_id = cb.open_case(ctx, Procedure.PENALTY)
    start = cb.utcnow().replace(microsecond=0)
    camera = "记录仪;" + "长" * 70                       # a ';' Joliet refuses, a name longer than Joliet allows
    for _ in range(2):                                   # the same name twice
        cb.add_av(ctx, case_id, Stage.INITIATION, content=clip, seconds=1, camera=camera, start=start)
    result = export.export_iso(ctx, archivist, case_id, out / "a.iso", place="现场")
    listing = _xorriso("-rockridge", "off", "-joliet", "on", "-indev", str(result.path), "-find", "/data/音像",
                       "-exec", "lsdl")
    names = [line.rsplit("/", 1)[-1].rstrip("'") for line in listing.splitlines() if "'/data/音像/" in line]
    assert len(names) == 2 and len(set(names)) == 2
    assert all(n.startswith("记录仪_长") and len(n.encode()) <= 64 and n.endswith(".MP4") for n in names)
    assert package_check.check_package(result.path, ctx).ok
