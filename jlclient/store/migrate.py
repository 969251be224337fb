"""Bring a database to the newest schema with Alembic (the same migrations on SQLite and PostgreSQL).

On a bureau's PostgreSQL server two roles share the work. The owner role owns the tables, runs
the migrations and may drop a trigger; only the administrator's workstation knows it
(``JL_OWNER_DATABASE_URL``). Every workstation connects as the application role
(``JL_DATABASE_URL``), which may read everything and change the working rows, but on the
append-only tables may only add: the grants refuse UPDATE, DELETE and TRUNCATE there, and the
triggers of migration 0013 refuse them to the owner too.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from jlclient.domain.errors import ServiceError

MIGRATIONS = Path(__file__).with_name("migrations")
HEAD = "0014"  # the newest revision in migrations/versions; a test keeps the two equal


def alembic_config():
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:
        return None


NEEDS_OWNER = ("数据库结构需要升级，而本工作站连接数据库的账户无权升级。"
               "请系统管理员在设置了 JL_OWNER_DATABASE_URL（数据库所有者账户）的工作站上启动一次本软件，再重新打开")
_INSUFFICIENT_PRIVILEGE = "42501"


class UpgradeRefused(ServiceError):
    """The schema is behind and this connection may not change it (the application role)."""


def upgrade(engine: Engine, owner_url: str = "") -> None:
    """Bring the schema to HEAD. With an owner URL (PostgreSQL), migrate as the owner and grant
    the application role — the user of ``engine`` — exactly its rights."""
    if owner_url and engine.dialect.name == "postgresql":
        _upgrade_as_owner(engine, owner_url)
        return
    if current_revision(engine) == HEAD:  # the usual start: no need to load Alembic at all
        return
    try:
        _run_migrations(engine)
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) == _INSUFFICIENT_PRIVILEGE:
            raise UpgradeRefused(NEEDS_OWNER) from exc
        raise


def _run_migrations(engine: Engine) -> None:
    from alembic import command
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def _upgrade_as_owner(app: Engine, owner_url: str) -> None:
    from jlclient.store.db import Database
    owner = Database.open(owner_url).writer
    try:
        if current_revision(owner) != HEAD:
            _run_migrations(owner)
        # grants follow every start of the owner's workstation: a table a migration added gets
        # its rights, and a right someone granted by hand is taken back
        with owner.begin() as conn:
            role = app.url.username
            if role and role != conn.execute(text("SELECT current_user")).scalar():
                grant_app_role(conn, role, app.url.password)
    finally:
        owner.dispose()


def grant_app_role(conn: Connection, role: str, password: str | None = None) -> None:
    """Create the application role if the owner may and it is missing, then give it its rights:
    SELECT and INSERT on the append-only tables (those carrying migration 0013's trigger),
    SELECT and UPDATE on the chain head, SELECT on the schema version, and SELECT, INSERT, UPDATE,
    DELETE on the working tables; USAGE on the sequences. Never TRUNCATE, REFERENCES or TRIGGER."""
    quote = conn.dialect.identifier_preparer.quote
    name = quote(role)
    if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first() is None:
        secret = "" if not password else " PASSWORD '" + password.replace("'", "''") + "'"
        conn.exec_driver_sql(f"CREATE ROLE {name} LOGIN{secret}")
    schema = conn.execute(text("SELECT current_schema()")).scalar()
    append_only = set(conn.execute(text(
        "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE t.tgname = 'jl_append_only' AND c.relnamespace = CAST(:s AS regnamespace)"), {"s": schema}).scalars())
    tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema}).scalars()
    statements = [f"GRANT USAGE ON SCHEMA {quote(schema)} TO {name}"]
    for table in tables:
        rights = ("SELECT, INSERT" if table in append_only else
                  "SELECT, UPDATE" if table == "chain_head" else
                  "SELECT" if table == "alembic_version" else
                  "SELECT, INSERT, UPDATE, DELETE")
        statements += [f"REVOKE ALL ON {quote(table)} FROM {name}", f"GRANT {rights} ON {quote(table)} TO {name}"]
    statements.append(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quote(schema)} TO {name}")
    for statement in statements:
        conn.exec_driver_sql(statement)


def is_current(engine: Engine) -> bool:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision() == head
