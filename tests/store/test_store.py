"""The schema, the SQLite settings, append-only rows and concurrent writers, on both databases."""
import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select

from jlclient.store import audit, migrate
from jlclient.store.models import AppendOnlyViolation, AuditEntry, Base, Officer
from jlclient.services.verify import verify


def test_migrations_match_the_models(any_ctx):
    assert migrate.is_current(any_ctx.db.writer)
    with any_ctx.db.writer.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_sqlite_runs_in_wal_with_foreign_keys(ctx):
    with ctx.db.reader.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_audit_rows_cannot_be_changed_through_the_app(any_ctx):
    with any_ctx.db.write() as s:
        officer = Officer(name="李娜", cert_no="13010001", unit="")
        s.add(officer)
        audit.append(s, "cli:t", "officer.add", officer)
    with pytest.raises(AppendOnlyViolation):
        with any_ctx.db.write() as s:
            s.scalar(select(AuditEntry)).actor = "user:mallory"
    with pytest.raises(AppendOnlyViolation):
        with any_ctx.db.write() as s:
            s.delete(s.scalar(select(AuditEntry)))
    assert verify(any_ctx).ok


def test_failed_unit_of_work_leaves_no_audit_entry(any_ctx):
    with pytest.raises(RuntimeError):
        with any_ctx.db.write() as s:
            officer = Officer(name="王强", cert_no="13010002", unit="")
            s.add(officer)
            audit.append(s, "cli:t", "officer.add", officer)
            raise RuntimeError("crash before commit")
    with any_ctx.db.read() as s:
        assert s.scalar(select(AuditEntry)) is None and s.scalar(select(Officer)) is None


def test_concurrent_writers_keep_one_unbroken_chain(any_ctx):
    """Two workstations (threads with their own sessions) append at once."""
    errors = []

    def worker(prefix):
        try:
            for i in range(25):
                with any_ctx.db.write() as s:
                    officer = Officer(name=f"{prefix}{i}", cert_no=f"{prefix}-{i}", unit="")
                    s.add(officer)
                    audit.append(s, f"cli:{prefix}", "officer.add", officer)
        except Exception as exc:  # reported below, a thread cannot fail the test itself
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(p,)) for p in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = verify(any_ctx)
    assert report.ok, report.problem
    with any_ctx.db.read() as s:       # besides the 50, the workstation's checkpoint key may be registered
        actions = list(s.scalars(select(AuditEntry.action)))
    assert actions.count("officer.add") == 50 and report.entries == len(actions)


def test_head_constant_is_the_newest_migration():
    from alembic.script import ScriptDirectory
    assert migrate.HEAD == ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()


def test_fast_path_skips_alembic_on_a_current_database(ctx):
    assert migrate.current_revision(ctx.db.writer) == migrate.HEAD
    migrate.upgrade(ctx.db.writer)  # nothing to do, and no error
