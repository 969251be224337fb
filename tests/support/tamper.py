"""Change the database and the evidence store the way someone outside the app would."""
from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from sqlalchemy.engine import make_url

from jlclient.services.context import AppContext


def raw_sql(ctx: AppContext, *statements: str) -> None:
    """Run SQL with the database's own client library, not through jlclient, as an insider who
    knows the design: the database's refusal of rewrites (triggers) is dropped first, as the
    holder of the SQLite file or PostgreSQL's owner role can, and stays dropped."""
    url = make_url(ctx.paths.database_url)
    if url.get_backend_name() == "sqlite":
        conn = sqlite3.connect(url.database)
        with conn:
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
                conn.execute(f'DROP TRIGGER "{name}"')
            for sql in statements:
                conn.execute(sql)
        conn.close()
        return
    import psycopg
    q = url.query
    with psycopg.connect(host=q["host"], port=int(q["port"]), user=url.username, dbname=url.database,
                         autocommit=False) as conn:
        triggers = conn.execute("SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                                "WHERE NOT t.tgisinternal").fetchall()
        for name, table in triggers:
            conn.execute(f'DROP TRIGGER "{name}" ON "{table}"')
        for sql in statements:
            conn.execute(sql)
        conn.commit()


def flip_byte(path: Path, offset: int = 0) -> None:
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))
