"""`verify` catches every change made behind the application's back (issue 2, Audit log)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from jlclient.services.verify import verify
from jlclient.store.models import AuditEntry, ElectronicRecord, TextRecordRevision
from tests.support.tamper import flip_byte, raw_sql


@pytest.fixture
def seeded(any_ctx):
    from jlclient.services import setup
    setup.initialise(any_ctx, "cli:test")
    setup.seed_demo(any_ctx, "cli:test")
    return any_ctx


def _last_seq(ctx) -> int:
    with ctx.db.read() as s:
        return s.scalar(select(func.max(AuditEntry.seq)))


def test_untouched_store_verifies(seeded):
    report = verify(seeded)
    assert report.ok, report.problem
    assert report.entries == _last_seq(seeded) > 50
    assert report.records > 30 and report.files == 3     # a scan and two recordings


def test_edited_audit_entry_is_named(seeded):
    raw_sql(seeded, "UPDATE audit_entry SET actor = 'user:mallory' WHERE seq = 7")
    report = verify(seeded)
    assert report.problem.kind == "audit"
    assert report.problem.where == "审计记录 #7"
    assert "改动" in report.problem.what


def test_deleted_audit_entry_is_named(seeded):
    raw_sql(seeded, "DELETE FROM audit_entry WHERE seq = 12")
    report = verify(seeded)
    assert report.problem.where == "审计记录 #12"
    assert "删除" in report.problem.what


def test_reordered_audit_entries_are_caught(seeded):
    # swap the positions of entries 20 and 21 (via a free number, as a tool would)
    raw_sql(seeded, "UPDATE audit_entry SET seq = -1 WHERE seq = 20",
            "UPDATE audit_entry SET seq = 20 WHERE seq = 21",
            "UPDATE audit_entry SET seq = 21 WHERE seq = -1")
    report = verify(seeded)
    assert report.problem.where == "审计记录 #20"
    assert not report.ok


def test_cut_off_tail_is_caught(seeded):
    last = _last_seq(seeded)
    raw_sql(seeded, f"DELETE FROM audit_entry WHERE seq = {last}")
    report = verify(seeded)
    assert report.problem.kind == "audit"
    assert str(last) in report.problem.what


def test_changed_case_row_is_named(seeded):
    raw_sql(seeded, "UPDATE case_file SET title = '已篡改' WHERE id = 2")
    report = verify(seeded)
    assert (report.problem.kind, report.problem.where) == ("record", "case_file #2")
    assert "改动" in report.problem.what


def test_changed_record_revision_is_named(seeded):
    with seeded.db.read() as s:
        rid = s.scalar(select(TextRecordRevision.id).order_by(TextRecordRevision.id).limit(1))
    raw_sql(seeded, f"UPDATE text_record_revision SET content = '{{}}' WHERE id = {rid}")
    report = verify(seeded)
    assert report.problem.where == f"text_record_revision #{rid}"


def test_deleted_record_row_is_named(seeded):
    with seeded.db.read() as s:
        rid = s.scalar(select(func.max(TextRecordRevision.id)))
    raw_sql(seeded, f"DELETE FROM text_record_revision WHERE id = {rid}")
    report = verify(seeded)
    assert report.problem.where == f"text_record_revision #{rid}"
    assert "删除" in report.problem.what


def test_row_inserted_outside_the_app_is_named(seeded):
    raw_sql(seeded, "INSERT INTO officer (id, name, cert_no, unit) VALUES (900, '冒名', 'X-1', '')")
    report = verify(seeded)
    assert report.problem.where == "officer #900"
    assert "没有对应的审计记录" in report.problem.what


def test_flipped_byte_in_stored_file_is_named(seeded):
    with seeded.db.read() as s:
        digest = s.scalar(select(ElectronicRecord.file_hash))
    flip_byte(seeded.evidence.path(digest), 3)
    report = verify(seeded)
    assert (report.problem.kind, report.problem.where) == ("file", f"证据文件 {digest}")


def test_missing_stored_file_is_named(seeded):
    with seeded.db.read() as s:
        digest = s.scalar(select(ElectronicRecord.file_hash))
    seeded.evidence.path(digest).unlink()
    report = verify(seeded)
    assert report.problem.what == "文件缺失"
