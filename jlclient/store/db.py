"""Engines and units of work.

SQLite runs in WAL mode with foreign keys on; a write transaction starts with
BEGIN IMMEDIATE so that two writers (the GUI and a headless ingest, say) queue
instead of failing half-way. PostgreSQL's password comes from the OS keyring.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

KEYRING_SERVICE = "jlclient-database"


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
        """One unit of work: commit on success, roll back on error."""
        with sessionmaker(self.writer, expire_on_commit=False)() as session:
            with session.begin():
                yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with sessionmaker(self.reader)() as session:
            yield session
