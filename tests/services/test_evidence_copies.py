"""Evidence copies for reconsideration or court (seed 003 Art. 15, seed 004 Art. 22): real files on
disk, checked by the real sha256sum and read back with poppler."""
from __future__ import annotations

import errno
import hashlib
import json
import os
import subprocess
from datetime import timedelta
from threading import Event

import pytest
from sqlalchemy import func, select

import tests.support.case_builder as cb
from jlclient.domain.model import Procedure, Stage
from jlclient.services import archiving, evidence_copies, verify
from jlclient.services.context import ServiceError
from jlclient.services.evidence_copies import LABEL, MANIFEST, NOTE, CopyCancelled
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.models import AuditEntry, AvRecord, BodyCamera, EvidenceCopy
from tests.support.pdf import pdftotext, squash
from tests.support.tamper import flip_byte

PLACE = "灵寿县城关镇建设路 12 号（店堂）"


def footage(ctx, case_id: int, name: str, data: bytes, *, minutes_ago: int = 120, seconds: int = 300,
            linked_by: str = "user:officer", access_class: str = "ORDINARY") -> int:
    """A recording of camera DSJ0001 with the given bytes, registered for the case."""
    stored = ctx.evidence.put_bytes(data)
    start = utcnow().replace(microsecond=0) - timedelta(minutes=minutes_ago)
    with ctx.db.write() as s:
        camera = s.scalar(select(BodyCamera).where(BodyCamera.serial == cb.CAMERA))
        av = AvRecord(case_id=case_id, stage=Stage.INVESTIGATION.value, camera_id=camera.id, file_hash=stored.sha256,
                      file_name=f"DCIM/100MEDIA/{name}", size=stored.size, started_at=start,
                      ended_at=start + timedelta(seconds=seconds), duration_s=float(seconds), created_at=utcnow(),
                      linked_by=linked_by, access_class=access_class)
        s.add(av)
        audit.append(s, "user:officer", "av.add", av)
        return av.id


@pytest.fixture
def case(demo_ctx):
    """A penalty case with three recordings, two of which the camera named alike."""
    case_id = cb.open_case(demo_ctx, Procedure.PENALTY)
    ids = [footage(demo_ctx, case_id, "DSJ0001_20260301_0001.MP4", os.urandom(300_000), minutes_ago=180),
           footage(demo_ctx, case_id, "DSJ0001_20260301_0002.MP4", os.urandom(200_000), minutes_ago=120),
           footage(demo_ctx, case_id, "dsj0001_20260301_0001.mp4", os.urandom(100_000), minutes_ago=60)]
    return case_id, ids


@pytest.fixture
def target(tmp_path):
    """The folder the reviewer picks (a USB stick or the disc burner's staging folder)."""
    folder = tmp_path / "media"
    folder.mkdir()
    return folder


def _copies(ctx) -> int:
    with ctx.db.read() as s:
        return s.scalar(select(func.count(EvidenceCopy.id)))


def test_reviewer_makes_a_verified_copy_with_manifest_and_written_note(demo_ctx, login_as, case, target):
    case_id, ids = case
    reviewer = login_as("reviewer")
    seen = []
    result = evidence_copies.make_copy(demo_ctx, reviewer, case_id, ids, target, "灵寿县人民法院", "行政诉讼",
                                       place=PLACE, progress=lambda d, t: seen.append((d, t)))

    folder = result.folder
    assert folder.parent == target and folder.name.startswith("证据副本_")
    # the camera's names kept; the one differing only in case made unique for case-blind media
    assert result.files == ("DSJ0001_20260301_0001.MP4", "DSJ0001_20260301_0002.MP4", "dsj0001_20260301_0001_2.mp4")
    assert sorted(p.name for p in folder.iterdir()) == sorted((*result.files, MANIFEST, NOTE, LABEL))
    with demo_ctx.db.read() as s:
        hashes = {r.id: r.file_hash for r in s.scalars(select(AvRecord).where(AvRecord.id.in_(ids)))}
    for av_id, name in zip(ids, result.files):
        assert (folder / name).read_bytes() == demo_ctx.evidence.path(hashes[av_id]).read_bytes()
    assert seen[-1] == (2 * 600_000, 2 * 600_000) and all(a <= b for (a, _), (b, _) in zip(seen, seen[1:]))

    check = subprocess.run(["sha256sum", "-c", MANIFEST], cwd=folder, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(": OK") == 3
    manifest = (folder / MANIFEST).read_bytes()
    assert hashlib.sha256(manifest).hexdigest() == result.manifest_sha256

    note = squash(pdftotext((folder / NOTE).read_bytes()))
    assert "视听资料制作说明" in note and cb.PARTY not in note
    assert "制作人赵敏" in note and "提取人李娜" in note          # the reviewer made it, the officer extracted it
    assert squash(PLACE) in note and "3个" in note
    for av_id, name in zip(ids, result.files):
        assert name in note and hashes[av_id] in note
    assert result.manifest_sha256 in note                           # the note's checksum is the manifest's
    assert "DSJ0001" in squash(pdftotext((folder / LABEL).read_bytes()))

    [copy] = evidence_copies.copies_of(demo_ctx, case_id)
    assert (copy.id, copy.av_ids, copy.recipient, copy.purpose) == (result.copy_id, tuple(ids), "灵寿县人民法院", "行政诉讼")
    assert (copy.folder, copy.manifest_sha256, copy.made_by) == (str(folder), result.manifest_sha256, "赵敏")
    with demo_ctx.db.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "av.copy")).one()
    detail = json.loads(entry.detail)
    assert entry.actor == "user:reviewer" and entry.entity_id == str(copy.id)
    assert detail["recipient"] == "灵寿县人民法院" and detail["workstation"] == demo_ctx.workstation
    assert [f["name"] for f in detail["files"]] == list(result.files)
    # the agency keeps the papers it handed over
    assert demo_ctx.evidence.path(detail["kept"][NOTE]).read_bytes() == (folder / NOTE).read_bytes()
    assert verify.verify(demo_ctx).ok


def test_a_second_copy_goes_into_a_new_folder_and_the_note_describes_only_the_chosen(demo_ctx, login_as, case,
                                                                                      target):
    case_id, ids = case
    reviewer = login_as("reviewer")
    first = evidence_copies.make_copy(demo_ctx, reviewer, case_id, ids[:1], target, "县政府", "行政复议", place=PLACE)
    second = evidence_copies.make_copy(demo_ctx, reviewer, case_id, [ids[1]], target, "县法院", "行政诉讼", place=PLACE)
    assert first.folder != second.folder and first.folder.is_dir()
    assert sorted(p.name for p in first.folder.iterdir()) == sorted(
        ("DSJ0001_20260301_0001.MP4", MANIFEST, NOTE, LABEL))
    note = squash(pdftotext((second.folder / NOTE).read_bytes()))
    assert "DSJ0001_20260301_0002.MP4" in note and "DSJ0001_20260301_0001.MP4" not in note and "1个" in note
    assert [c.recipient for c in evidence_copies.copies_of(demo_ctx, case_id)] == ["县政府", "县法院"]


def test_only_a_legal_reviewer_makes_copies(demo_ctx, login_as, case, target):
    case_id, ids = case
    for username in ("officer", "archivist", "approver", "admin"):
        with pytest.raises(ServiceError, match="只有法制审核人员"):
            evidence_copies.make_copy(demo_ctx, login_as(username), case_id, ids, target, "县法院", "行政诉讼",
                                      place=PLACE)
    reviewer = login_as("reviewer")
    with pytest.raises(ServiceError, match="接收单位"):
        evidence_copies.make_copy(demo_ctx, reviewer, case_id, ids, target, " ", "行政诉讼", place=PLACE)
    with pytest.raises(ServiceError, match="录制地点"):     # the case has no on-site record naming the place
        evidence_copies.make_copy(demo_ctx, reviewer, case_id, ids, target, "县法院", "行政诉讼")
    with pytest.raises(ServiceError, match="目标文件夹不存在"):
        evidence_copies.make_copy(demo_ctx, reviewer, case_id, ids, target / "none", "县法院", "行政诉讼",
                                  place=PLACE)
    assert list(target.iterdir()) == [] and _copies(demo_ctx) == 0


def test_a_recording_of_another_case_is_refused(demo_ctx, login_as, case, target):
    case_id, ids = case
    other = cb.open_case(demo_ctx, Procedure.PENALTY)
    stranger = footage(demo_ctx, other, "DSJ0001_20260302_0009.MP4", b"other case")
    with pytest.raises(ServiceError, match="DSJ0001_20260302_0009.MP4.*不是案件"):
        evidence_copies.make_copy(demo_ctx, login_as("reviewer"), case_id, [ids[0], stranger], target, "县法院",
                                  "行政诉讼", place=PLACE)
    assert list(target.iterdir()) == [] and _copies(demo_ctx) == 0
    # the written note alone refuses it as well
    with pytest.raises(ServiceError, match="不属于案件"):
        archiving.disc_data(demo_ctx, "赵敏", case_id, PLACE, av_ids=[stranger])


def test_cancel_midway_leaves_no_folder_and_no_record(demo_ctx, login_as, case, target, monkeypatch):
    case_id, ids = case
    monkeypatch.setattr(evidence_copies, "CHUNK", 64 * 1024)
    cancel, seen = Event(), []

    def progress(done, total):
        seen.append(done)
        if done >= 350_000:            # into the second file
            cancel.set()
    with pytest.raises(CopyCancelled, match="已取消"):
        evidence_copies.make_copy(demo_ctx, login_as("reviewer"), case_id, ids, target, "县法院", "行政诉讼",
                                  place=PLACE, progress=progress, cancel=cancel)
    assert 350_000 <= seen[-1] < 1_200_000
    assert list(target.iterdir()) == [] and _copies(demo_ctx) == 0
    with demo_ctx.db.read() as s:
        assert s.scalar(select(func.count(AuditEntry.seq)).where(AuditEntry.action == "av.copy")) == 0


def test_a_changed_store_file_is_caught_and_nothing_is_handed_over(demo_ctx, login_as, case, target):
    case_id, ids = case
    with demo_ctx.db.read() as s:
        sha = s.get(AvRecord, ids[1]).file_hash
    flip_byte(demo_ctx.evidence.path(sha), 1000)
    with pytest.raises(ServiceError, match="DSJ0001_20260301_0002.MP4.*与登记的 SHA-256 不符"):
        evidence_copies.make_copy(demo_ctx, login_as("reviewer"), case_id, ids, target, "县法院", "行政诉讼",
                                  place=PLACE)
    assert list(target.iterdir()) == [] and _copies(demo_ctx) == 0


def test_a_full_disk_is_named_and_the_partial_folder_removed(demo_ctx, login_as, case, target, monkeypatch):
    case_id, ids = case
    real, calls = evidence_copies.write_all, []

    def write(fd, data):
        calls.append(len(data))
        if len(calls) > 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd, data)
    monkeypatch.setattr(evidence_copies, "write_all", write)
    with pytest.raises(ServiceError, match="目标介质空间已满.*未完成的文件夹已删除"):
        evidence_copies.make_copy(demo_ctx, login_as("reviewer"), case_id, ids, target, "县法院", "行政诉讼",
                                  place=PLACE)
    assert len(calls) == 3 and list(target.iterdir()) == [] and _copies(demo_ctx) == 0


def test_an_existing_folder_is_never_written_into(demo_ctx, login_as, case, target, monkeypatch):
    case_id, ids = case
    fixed = utcnow().replace(microsecond=0)
    monkeypatch.setattr(evidence_copies, "utcnow", lambda: fixed)
    first = evidence_copies.make_copy(demo_ctx, login_as("reviewer"), case_id, ids[:1], target, "县法院", "行政诉讼",
                                      place=PLACE)
    before = {p.name: p.read_bytes() for p in first.folder.iterdir()}
    second = evidence_copies.make_copy(demo_ctx, login_as("reviewer"), case_id, ids[1:2], target, "县法院",
                                       "行政诉讼", place=PLACE)
    assert second.folder.name == first.folder.name + "_2"
    assert {p.name: p.read_bytes() for p in first.folder.iterdir()} == before


def test_copy_names_are_safe_and_unique():
    names = evidence_copies.copy_names(["DCIM\\A.MP4", "a.mp4", "B:1?.mp4", "manifest-sha256.txt", "", "noext",
                                        "noext"])
    assert names == ["A.MP4", "a_2.mp4", "B_1_.mp4", "manifest-sha256_2.txt", "音像记录5", "noext", "noext_2"]


def test_disc_data_describes_all_recordings_by_default(demo_ctx, case):
    case_id, ids = case
    assert archiving.disc_data(demo_ctx, "赵敏", case_id, PLACE).file_count == 3
    assert [f.name for f in archiving.disc_data(demo_ctx, "赵敏", case_id, PLACE, av_ids=ids[1:]).files] == [
        "DSJ0001_20260301_0002.MP4", "dsj0001_20260301_0001.mp4"]
    with pytest.raises(ServiceError, match="至少选择"):
        archiving.disc_data(demo_ctx, "赵敏", case_id, PLACE, av_ids=[])


def test_a_restricted_recording_leaves_only_under_a_request_naming_the_copy(demo_ctx, login_as, case, target):
    """Issue 14: the copy follows the viewing rules; leave to watch is not leave to hand over."""
    from jlclient.services import av_access
    case_id, ids = case
    secret = footage(demo_ctx, case_id, "DSJ0001_20260301_0009.MP4", os.urandom(50_000), access_class="RESTRICTED")
    reviewer, approver = login_as("reviewer"), login_as("approver")
    listed = {r.id: r for r in evidence_copies.recordings(demo_ctx, case_id, reviewer)}
    assert listed[ids[0]].allowed and not listed[secret].allowed and "受限" in listed[secret].reason

    def copy():
        return evidence_copies.make_copy(demo_ctx, reviewer, case_id, [ids[0], secret], target, "灵寿县人民法院",
                                         "行政诉讼", PLACE)
    with pytest.raises(ServiceError, match="DSJ0001_20260301_0009.MP4") as refused:
        copy()
    assert "受限" in str(refused.value) and "申请" in str(refused.value)
    assert list(target.iterdir()) == []
    with demo_ctx.db.read() as s:
        assert s.scalar(select(func.count()).select_from(EvidenceCopy)) == 0
        entries = list(s.scalars(select(AuditEntry).where(AuditEntry.action == "av.copy_refused")))
    assert [(e.actor, e.entity_id) for e in entries] == [("user:reviewer", str(secret))]

    watch = av_access.request_access(demo_ctx, reviewer, [secret], "核对", hours=2)
    av_access.decide_access(demo_ctx, approver, watch, approve=True)
    with pytest.raises(ServiceError, match="不能复制"):
        copy()
    named = av_access.request_access(demo_ctx, reviewer, [secret], "法院调取", hours=2, purpose=av_access.TO_EXPORT)
    av_access.decide_access(demo_ctx, approver, named, approve=True)
    result = copy()
    assert "DSJ0001_20260301_0009.MP4" in result.files
    with demo_ctx.db.read() as s:
        made = s.scalar(select(AuditEntry).where(AuditEntry.action == "av.copy"))
    basis = {f["av"]: f["basis"] for f in json.loads(made.detail)["files"]}
    assert "批准" in basis[secret]
