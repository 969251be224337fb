"""Exports carry the truth (issue 14): each document is the PDF registered when it was printed, byte
for byte, and the bag and the disc carry the same ones; every file of the case's volume is in the
package, snapshots included; no PDF references a font it does not embed; and footage leaves the
building only as the viewing rules allow — a restricted recording only under an approved request
that names the export, else it is left out with a note, and every recording taken out or left out
is audited."""
from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import bagit
import cv2
import numpy as np
import pycdlib
import pytest
from sqlalchemy import select

from jlclient.domain.av_access import AvClass, RestrictedReason
from jlclient.services import archiving, av_access, export, package_check, printing
from jlclient.store.models import AuditEntry, AvRecord, Case, ElectronicRecord, TextRecord
from tests.support.pdf import fonts

CLOSED = "灵行审许〔2026〕6号"      # the demo's closed and complete case, with one recording


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _case(ctx) -> tuple[int, int]:
    with ctx.db.read() as s:
        case_id = s.scalar(select(Case.id).where(Case.number == CLOSED))
        return case_id, s.scalar(select(AvRecord.id).where(AvRecord.case_id == case_id))


def _manifest(bag: Path) -> dict[str, str]:
    lines = (bag / "manifest-sha256.txt").read_text(encoding="utf-8").splitlines()
    return {path: digest for digest, path in (line.split(maxsplit=1) for line in lines)}


def _from_iso(image: Path, path: str) -> bytes:
    iso = pycdlib.PyCdlib()
    iso.open(str(image))
    try:
        out = io.BytesIO()
        iso.get_file_from_iso_fp(out, joliet_path="/" + path)
        return out.getvalue()
    finally:
        iso.close()


def _actions(ctx, *actions: str) -> list[AuditEntry]:
    with ctx.db.read() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action.in_(actions)).order_by(AuditEntry.seq)))


def _meta(bag: Path) -> dict:
    return json.loads((bag / "data" / "metadata" / "case.json").read_text(encoding="utf-8"))


def _png() -> bytes:
    frame = np.zeros((48, 64, 3), np.uint8)
    cv2.rectangle(frame, (8, 8), (40, 30), (255, 255, 255), -1)
    return cv2.imencode(".png", frame)[1].tobytes()


def test_bag_disc_and_register_agree_on_every_document(demo_ctx, login_as, tmp_path):
    ctx = demo_ctx
    case_id, av_id = _case(ctx)
    archivist = login_as("archivist")
    archiving.build_volume(ctx, archivist, case_id)
    with ctx.db.read() as s:
        receipt = s.scalar(select(TextRecord.id).where(TextRecord.case_id == case_id,
                                                       TextRecord.form == "materials_receipt"))
    handed_out = printing.print_record(ctx, "user:clerk", receipt)      # what the window handed the applicant
    snapshot = av_access.save_snapshot(ctx, login_as("reviewer"), av_id, 1200, _png())

    bag = export.export_bag(ctx, archivist, case_id, tmp_path / "包").path
    filed = len(_actions(ctx, "document.file"))
    image = export.export_iso(ctx, archivist, case_id, tmp_path / "光盘.iso").path
    assert len(_actions(ctx, "document.file")) == filed        # rendered and registered once, by the first export

    meta, listed = _meta(bag), _manifest(bag)
    with ctx.db.read() as s:
        registered = {f"electronic_record#{e.id}": e.file_hash for e in s.scalars(
            select(ElectronicRecord).where(ElectronicRecord.case_id == case_id))}
    assert len(meta["documents"]) >= 7
    for doc in meta["documents"]:
        in_bag = (bag / doc["path"]).read_bytes()
        on_disc = _from_iso(image, doc["path"])
        assert in_bag == on_disc, doc["path"]
        assert listed[doc["path"]] == _sha(in_bag) == doc["sha256"] == registered[doc["registered"]["entity"]]
        assert all(row.split()[-5] == "yes" for row in fonts(in_bag, tmp_path)), doc["path"]
    receipt_doc = next(d for d in meta["documents"] if d["record"] == f"text_record#{receipt}")
    assert receipt_doc["sha256"] == handed_out.sha256 and receipt_doc["registered"]["entity"] == \
        f"electronic_record#{handed_out.electronic_record_id}"

    # the snapshot the volume's index lists is in the package, with the hash it was registered with
    shot = next(e for e in meta["electronic_records"] if e["record"] == f"electronic_record#{snapshot}")
    assert shot["in_package"] is True and shot["path"].startswith("data/电子数据/")
    assert _sha((bag / shot["path"]).read_bytes()) == registered[shot["record"]] == listed[shot["path"]]
    assert _from_iso(image, shot["path"]) == (bag / shot["path"]).read_bytes()
    bagit.Bag(str(bag)).validate()
    for package in (bag, image):
        report = package_check.check_package(package, ctx)
        assert report.ok, [f.message for f in report.findings]


@pytest.fixture
def restricted(demo_ctx, login_as):
    """The closed case's recording classified 受限（个人隐私） by the legal reviewer."""
    case_id, av_id = _case(demo_ctx)
    av_access.classify(demo_ctx, login_as("reviewer"), av_id, AvClass.RESTRICTED, RestrictedReason.PRIVACY)
    return case_id, av_id


def test_restricted_footage_is_left_out_with_a_note_and_audited(demo_ctx, login_as, restricted, tmp_path):
    ctx, (case_id, av_id) = demo_ctx, restricted
    archivist = login_as("archivist")
    warned = export.footage_for(ctx, archivist, case_id)
    assert [(f.av_id, f.allowed, f.approval_needed) for f in warned] == [(av_id, False, True)]
    assert "受限" in warned[0].reason

    result = export.export_bag(ctx, archivist, case_id, tmp_path / "bag")
    assert not (result.path / "data" / "音像").exists() and len(result.left_out) == 1
    note = (result.path / "data" / "未导出说明.txt").read_text(encoding="utf-8")
    assert warned[0].file_name in note and "受限" in note and "未导出" in note
    meta = _meta(result.path)
    assert meta["recordings"] == [] and f"av_record#{av_id}" in [o["record"] for o in meta["omitted"]]
    refused = _actions(ctx, "av.export_refused")
    assert [(e.actor, e.entity_id) for e in refused] == [("user:archivist", str(av_id))]
    assert "受限" in json.loads(refused[0].detail)["reason"]
    assert package_check.check_package(result.path, ctx).ok

    # leave to watch is not leave to hand over …
    watch = av_access.request_access(ctx, archivist, [av_id], "核对归档内容", hours=4)
    av_access.decide_access(ctx, login_as("approver"), watch, approve=True)
    assert not export.footage_for(ctx, archivist, case_id)[0].allowed
    # … a request that names the export is
    asked = export.request_export(ctx, archivist, case_id, "移送市档案馆", hours=4)
    view = next(r for r in av_access.requests(ctx, login_as("approver")) if r.id == asked)
    assert view.reason.startswith(av_access.EXPORT_REASON) and view.av_ids == (av_id,)
    av_access.decide_access(ctx, login_as("approver"), asked, approve=True)
    result = export.export_iso(ctx, archivist, case_id, tmp_path / "disc.iso")
    assert result.left_out == () and result.label is not None
    with ctx.db.read() as s:
        av = s.get(AvRecord, av_id)
        digest, name = av.file_hash, av.file_name.rsplit("/", 1)[-1]
    assert _sha(_from_iso(result.path, f"data/音像/{name}")) == digest
    taken = _actions(ctx, "av.export")
    assert [(e.actor, e.entity_id) for e in taken] == [("user:archivist", str(av_id))]
    assert "批准" in json.loads(taken[0].detail)["basis"]


def test_only_exporters_export(demo_ctx, login_as, tmp_path):
    case_id, _ = _case(demo_ctx)
    with pytest.raises(export.ServiceError, match="只有档案管理员"):
        export.export_bag(demo_ctx, login_as("officer"), case_id, tmp_path / "bag")
    assert not (tmp_path / "bag").exists()


def test_a_disposed_recording_is_left_out_with_the_register_named(demo_ctx, login_as, tmp_path):
    """A recording in the disposal register has no content to hand on (a register entry made before
    case footage was kept whatever its volume says; today's retention service keeps it): the export
    leaves it out and says so, instead of failing on a missing store file."""
    from jlclient.store import audit
    from jlclient.store.audit import utcnow
    from jlclient.store.models import Disposal
    ctx = demo_ctx
    case_id, av_id = _case(ctx)
    with ctx.db.write() as s:
        av = s.get(AvRecord, av_id)
        row = Disposal(av_record_id=av_id, file_hash=av.file_hash, file_name=av.file_name, size=av.size,
                       rule="保存期限届满", approved_by="王局长", approved_at=utcnow())
        s.add(row)
        audit.append(s, "user:approver", "retention.dispose", row, detail={"content": "removed", "because": ""})
        digest = av.file_hash
    ctx.evidence.remove(digest)
    archivist = login_as("archivist")
    assert [f.allowed for f in export.footage_for(ctx, archivist, case_id)] == [False]
    result = export.export_bag(ctx, archivist, case_id, tmp_path / "bag")
    assert not (result.path / "data" / "音像").exists()
    assert "销毁" in (result.path / "data" / "未导出说明.txt").read_text(encoding="utf-8")
    assert len(result.left_out) == 1 and "销毁" in result.left_out[0]
