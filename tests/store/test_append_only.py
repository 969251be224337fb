"""The database itself refuses rewrites (issue 15): triggers on the append-only tables and a chain
head that only moves forward, on SQLite and PostgreSQL; on PostgreSQL the application role may
only add to those tables, and migrations run as the owner."""
from __future__ import annotations

import io
import sqlite3

import psycopg
import pytest
from sqlalchemy import event, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from jlclient.config import Paths
from jlclient.services import setup
from jlclient.services.context import AppContext
from jlclient.services.verify import verify
from jlclient.store import migrate
from jlclient.store.models import AuditEntry, Base, ChainHead, _refuse
from tests.support.tamper import raw_sql

REFUSED = "只能追加，不能修改或删除"


def _append_only_tables() -> set[str]:
    """The tables whose models the application already refuses to change (models.py listeners)."""
    return {m.class_.__tablename__ for m in Base.registry.mappers
            if event.contains(m.class_, "before_update", _refuse) and event.contains(m.class_, "before_delete", _refuse)}


def _tables_with_triggers(ctx) -> set[str]:
    """Tables that refuse both UPDATE and DELETE by trigger, as the database itself lists them."""
    with ctx.db.reader.connect() as conn:
        if conn.dialect.name == "sqlite":
            names = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
            return {n.removeprefix("jl_append_only_").removesuffix("_update") for n in names
                    if n.startswith("jl_append_only_") and n.endswith("_update")
                    and n.removesuffix("_update") + "_delete" in names}
        return set(conn.execute(text(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = 'jl_append_only'")).scalars())


def test_every_append_only_table_has_its_triggers(any_ctx):
    """A later migration that batch-copies one of these tables on SQLite loses its triggers: caught here."""
    expected = _append_only_tables()
    assert {"audit_entry", "text_record_revision", "stage_event", "pulled_file", "disposal"} <= expected
    assert _tables_with_triggers(any_ctx) == expected


def _refused(ctx, sql: str) -> str:
    """Run one statement beneath the application (no ORM listener sees it); the database's refusal."""
    with pytest.raises(IntegrityError) as caught:
        with ctx.db.writer.begin() as conn:
            conn.execute(text(sql))
    return str(caught.value.orig)


def test_chain_head_only_moves_forward(any_ctx):
    with any_ctx.db.writer.begin() as conn:    # forward is how every append moves it
        conn.execute(text("UPDATE chain_head SET seq = 5, hash = 'b' WHERE id = 1"))
    assert "审计链头只能前进" in _refused(any_ctx, "UPDATE chain_head SET seq = 4 WHERE id = 1")
    assert "审计链头只能前进" in _refused(any_ctx, "UPDATE chain_head SET hash = 'c' WHERE id = 1")
    assert "审计链头只能前进" in _refused(any_ctx, "DELETE FROM chain_head")
    with any_ctx.db.read() as s:
        assert s.execute(select(ChainHead.seq, ChainHead.hash)).one() == (5, "b")


def test_append_only_rows_refuse_sql_updates_and_deletes(any_ctx):
    setup.initialise(any_ctx, "cli:test")
    for sql in ("UPDATE audit_entry SET actor = 'user:mallory' WHERE seq = 1", "DELETE FROM audit_entry",
                "UPDATE audit_entry SET seq = seq"):
        assert f"audit_entry {REFUSED}" in _refused(any_ctx, sql)
    if any_ctx.db.kind == "PostgreSQL":
        assert REFUSED in _refused(any_ctx, "TRUNCATE audit_entry CASCADE")
    assert verify(any_ctx).ok


def test_raw_sqlite_client_is_refused_on_every_table_with_rows(demo_ctx):
    """The holder of the file, with sqlite3 and without dropping the triggers, changes nothing."""
    conn = sqlite3.connect(make_url(demo_ctx.paths.database_url).database)
    tried = set()
    try:
        for table in sorted(_append_only_tables()):
            if conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0:
                continue
            column = conn.execute(f"PRAGMA table_info({table})").fetchone()[1]
            for sql in (f"UPDATE {table} SET {column} = {column}", f"DELETE FROM {table}"):
                with pytest.raises(sqlite3.IntegrityError, match=REFUSED):
                    with conn:
                        conn.execute(sql)
            tried.add(table)
    finally:
        conn.close()
    assert {"audit_entry", "text_record_revision", "stage_event"} <= tried
    report = verify(demo_ctx)
    assert report.ok, report.problem


def test_tamper_helper_drops_the_triggers_as_an_insider_would(ctx):
    """tests/support/tamper.raw_sql is the insider who knows the design; verify still catches them."""
    setup.initialise(ctx, "cli:test")
    raw_sql(ctx, "DELETE FROM audit_entry WHERE seq = 1")
    assert _tables_with_triggers(ctx) == set()
    assert not verify(ctx).ok


# --- PostgreSQL: an owner role migrates, the application role may only add --------------------

@pytest.fixture
def bureau(pg_cluster, tmp_path):
    """A bureau server as the README sets it up: a database owned by an owner role (not a superuser)
    that may create roles; the workstations' application role does not exist yet."""
    owner = pg_cluster.new_role("jl_owner", createrole=True)
    owner_url = pg_cluster.new_database(owner=owner)
    database = make_url(owner_url).database
    app = f"jl_app_{database}"
    home = tmp_path / "bureau"
    home.mkdir()
    paths = Paths(home, pg_cluster.url(database, app), home / "evidence", owner_url)
    return paths, app


def _as(pg_cluster, url: str):
    u = make_url(url)
    return psycopg.connect(host=str(pg_cluster.root), port=pg_cluster.port, user=u.username, dbname=u.database)


@pytest.mark.postgres
def test_application_role_may_only_add_to_append_only_tables(bureau, pg_cluster):
    paths, app = bureau
    ctx = AppContext.open(paths)           # the administrator's workstation: migrates as owner, grants the app role
    try:
        assert ctx.db.url.username == app
        setup.initialise(ctx, "cli:test")
        setup.seed_demo(ctx, "cli:test")   # the whole application works as the application role
        report = verify(ctx)
        assert report.ok, report.problem
        with ctx.db.read() as s:
            entries = s.scalar(select(func.count()).select_from(AuditEntry))
    finally:
        ctx.close()

    for sql in ("DELETE FROM audit_entry", "UPDATE text_record_revision SET content = '{}'",
                "TRUNCATE audit_entry CASCADE", "DELETE FROM chain_head", "UPDATE pulled_file SET size = 0",
                "DROP TRIGGER jl_append_only ON audit_entry", "ALTER TABLE audit_entry DISABLE TRIGGER ALL",
                "UPDATE alembic_version SET version_num = '0001'"):
        with _as(pg_cluster, paths.database_url) as conn:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
    with _as(pg_cluster, paths.database_url) as conn:     # chain_head may move, but only forward
        with pytest.raises(psycopg.errors.RestrictViolation, match="审计链头只能前进"):
            conn.execute("UPDATE chain_head SET seq = 1")
    with _as(pg_cluster, paths.owner_database_url) as conn:   # the owner, too, meets the triggers
        with pytest.raises(psycopg.errors.RestrictViolation, match=REFUSED):
            conn.execute("DELETE FROM audit_entry")

    # an ordinary workstation knows only the application role, and opens the current schema
    plain = AppContext.open(Paths(paths.home, paths.database_url, paths.evidence))
    try:
        report = verify(plain)
        assert report.ok and report.entries == entries, report.problem
    finally:
        plain.close()


@pytest.mark.postgres
def test_rights_granted_by_hand_are_taken_back_on_the_owners_start(bureau, pg_cluster):
    paths, app = bureau
    AppContext.open(paths).close()
    with _as(pg_cluster, paths.owner_database_url) as conn:
        conn.execute(f'GRANT ALL ON audit_entry TO "{app}"')
    AppContext.open(paths).close()
    with _as(pg_cluster, paths.database_url) as conn:
        assert conn.execute("SELECT has_table_privilege('audit_entry', 'DELETE'), "
                            "has_table_privilege('audit_entry', 'INSERT')").fetchone() == (False, True)


@pytest.mark.postgres
def test_application_role_cannot_migrate_and_says_who_can(bureau, pg_cluster):
    paths, app = bureau
    with _as(pg_cluster, paths.owner_database_url) as conn:
        conn.execute(f'CREATE ROLE "{app}" LOGIN')
    with pytest.raises(migrate.UpgradeRefused, match="JL_OWNER_DATABASE_URL"):
        AppContext.open(Paths(paths.home, paths.database_url, paths.evidence))
    ctx = AppContext.open(paths)
    try:
        assert inspect(ctx.db.reader).has_table("audit_entry")
        assert migrate.current_revision(ctx.db.reader) == migrate.HEAD
    finally:
        ctx.close()


@pytest.mark.postgres
def test_command_line_says_in_words_that_the_owner_must_upgrade(bureau, pg_cluster, monkeypatch, capsys):
    from jlclient.cli import main
    paths, app = bureau
    with _as(pg_cluster, paths.owner_database_url) as conn:
        conn.execute(f'CREATE ROLE "{app}" LOGIN')
    monkeypatch.setenv("JL_HOME", str(paths.home))
    monkeypatch.setenv("JL_DATABASE_URL", paths.database_url)
    monkeypatch.delenv("JL_OWNER_DATABASE_URL", raising=False)
    assert main(["init"]) == 2
    err = capsys.readouterr().err
    assert "无权升级" in err and "JL_OWNER_DATABASE_URL" in err and "Traceback" not in err
    monkeypatch.setenv("JL_OWNER_DATABASE_URL", paths.owner_database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO("admin-pass-1\n"))    # the first administrator's password
    assert main(["init"]) == 0                   # the administrator's workstation migrates and grants
    monkeypatch.delenv("JL_OWNER_DATABASE_URL")
    capsys.readouterr()
    assert main(["init"]) == 2                   # a workstation as the application role: opens, already set up
    assert "已初始化" in capsys.readouterr().err


def test_a_refusal_by_the_database_reaches_people_in_words(any_ctx):
    """Should a bug in our own code ever try it, the unit of work answers in Chinese, no traceback."""
    from jlclient.services.context import ServiceError
    setup.initialise(any_ctx, "cli:test")
    with pytest.raises(ServiceError, match="^该记录只能追加，不能修改或删除") as refused:
        with any_ctx.db.write() as s:
            s.execute(text("DELETE FROM audit_entry"))
    assert "audit_entry" not in str(refused.value)
    assert verify(any_ctx).ok
