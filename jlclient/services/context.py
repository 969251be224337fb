"""The application context: one database, one evidence store, who is acting and where."""
from __future__ import annotations

import getpass
import socket
from dataclasses import dataclass, field

from sqlalchemy import inspect

from jlclient.config import Paths, resolve
from jlclient.domain.errors import ServiceError  # noqa: F401  (the services' name for it; the store raises it too)
from jlclient.store import migrate
from jlclient.store.db import Database
from jlclient.store.evidence import EvidenceStore, LocalEvidenceStore
from jlclient.store.integrity import answers_damage


@dataclass
class AppContext:
    paths: Paths
    db: Database
    evidence: EvidenceStore
    workstation: str = field(default_factory=socket.gethostname)

    def __post_init__(self) -> None:
        from jlclient.services import anchors   # the chain head is signed outside the database after commits
        anchors.watch(self)

    @classmethod
    @answers_damage(lambda cls, paths=None, **_: (paths or resolve()).database_url)
    def open(cls, paths: Paths | None = None, *, migrate_schema: bool = True) -> "AppContext":
        paths = paths or resolve()
        if paths.is_embedded:
            paths.home.mkdir(parents=True, exist_ok=True)
        db = Database.open(paths.database_url)
        if migrate_schema:
            try:
                migrate.upgrade(db.writer, paths.owner_database_url)
            except BaseException:       # e.g. refused to the application role: leave no connection open
                db.dispose()
                raise
        ctx = cls(paths, db, LocalEvidenceStore(paths.evidence))
        from jlclient.services import holidays   # the entered 放假安排 count in every deadline from now on
        holidays.install(ctx)
        return ctx

    def close(self) -> None:
        self.db.dispose()

    def has_schema(self) -> bool:
        return inspect(self.db.reader).has_table("agency")


def cli_actor() -> str:
    """Who acts from the command line: the operating-system account on this workstation."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return f"cli:{name}"


def user_actor(username: str) -> str:
    return f"user:{username}"
