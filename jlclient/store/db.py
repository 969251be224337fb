"""Engines and units of work.

SQLite runs in WAL mode with foreign keys on; a write transaction starts with
BEGIN IMMEDIATE so that two writers (the GUI and a headless ingest, say) queue
instead of failing half-way. PostgreSQL's password comes from the OS keyring.

On PostgreSQL (read committed) two workstations do race: a service that reads a shared row and
then changes it takes the row with :func:`locked` first, so the second waits and then reads what
the first committed. A race lost all the same (a unique number taken, a deadlock, a lock that
timed out) ends the unit of work with one Chinese message, :data:`LOST_RACE`, never a traceback;
text the database cannot keep (:mod:`jlclient.domain.storable`) is refused before it is written.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from jlclient.domain.errors import ServiceError
from jlclient.domain.storable import UNSTORABLE, is_storable

KEYRING_SERVICE = "jlclient-database"
LOST_RACE = "该记录已被其他工作站修改，请刷新后再操作"

# PostgreSQL's codes for a race lost: unique violation; serialization failure, deadlock, lock not available
_RACE_STATES = {"23505", "40001", "40P01", "55P03"}
# ... and for text it cannot keep: character not in repertoire, untranslatable character, NUL in a literal
_TEXT_STATES = {"22021", "22P05"}


def keyring_user(url: URL) -> str:
    """The keyring entry name for one database: user@host:port/database."""
    return f"{url.username}@{url.host or 'localhost'}:{url.port or 5432}/{url.database}"


def with_keyring_password(url: URL) -> URL:
    if url.get_backend_name() != "postgresql" or url.password or not url.username:
        return url
    import keyring  # lazy: keyring backends probe the desktop session

    password = keyring.get_password(KEYRING_SERVICE, keyring_user(url))
    return url.set(password=password) if password else url


def _sqlite_engine(url: URL, immediate: bool) -> Engine:
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@dataclass
class Database:
    """One database: a writer engine and a reader engine (the same one on PostgreSQL)."""
    url: URL
    writer: Engine
    reader: Engine

    @property
    def kind(self) -> str:
        return "SQLite" if self.url.get_backend_name() == "sqlite" else "PostgreSQL"

    @classmethod
    def open(cls, url: str | URL) -> "Database":
        url = make_url(url)
        if url.get_backend_name() == "sqlite":
            return cls(url, _sqlite_engine(url, True), _sqlite_engine(url, False))
        url = with_keyring_password(url)
        engine = create_engine(url, pool_pre_ping=True)
        return cls(url, engine, engine)

    def dispose(self) -> None:
        self.writer.dispose()
        self.reader.dispose()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on error. A race lost to another
        workstation, or text the database cannot keep, becomes a :class:`ServiceError`."""
        try:
            with sessionmaker(self.writer, expire_on_commit=False)() as session:
                event.listen(session, "before_flush", _refuse_unstorable)
                with session.begin():
                    yield session
        except StaleDataError as exc:       # a versioned row (a case) changed since it was read
            raise ServiceError(LOST_RACE) from exc
        except DBAPIError as exc:
            message = _in_words(exc)
            if message is None:
                raise
            raise ServiceError(message) from exc
        except UnicodeEncodeError as exc:   # a lone surrogate met by a hash before the flush could refuse it
            if "surrogate" not in exc.reason:
                raise
            raise ServiceError(UNSTORABLE) from exc

    @contextmanager
    def read(self) -> Iterator[Session]:
        with sessionmaker(self.reader)() as session:
            yield session


def locked(session: Session, model, key):
    """The row, locked until commit and read afresh: a read-then-write of a shared row starts
    here, so a second workstation waits for the first and then sees its change (SQLite's writers
    already queue: BEGIN IMMEDIATE)."""
    return session.get(model, key, with_for_update=True, populate_existing=True)


def _refuse_unstorable(session: Session, _flush_context, _instances) -> None:
    for obj in (*session.new, *session.dirty):
        if not all(is_storable(v) for v in inspect(obj).dict.values() if isinstance(v, str)):
            raise ServiceError(UNSTORABLE)


def _in_words(exc: DBAPIError) -> str | None:
    """The message for a database error a person can act on; None for a fault of ours."""
    state = getattr(exc.orig, "sqlstate", None)
    if state in _RACE_STATES:
        return LOST_RACE
    if state in _TEXT_STATES:
        return UNSTORABLE
    text = str(exc.orig)
    if "NUL (0x00)" in text:     # psycopg refuses it before the server sees it
        return UNSTORABLE
    if isinstance(exc, IntegrityError) and "UNIQUE constraint failed" in text:
        return LOST_RACE
    if isinstance(exc, IntegrityError) and ("只能追加" in text or "审计链头只能前进" in text):
        # the database's own append-only triggers (migration 0013): said without the table's name
        return "该记录只能追加，不能修改或删除：已形成的记录不得更改，更正须另作新版本"
    if isinstance(exc, OperationalError) and "database is locked" in text:
        return LOST_RACE
    return None
