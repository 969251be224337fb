"""A database that can no longer be read answers with what is damaged, not a traceback.

A damaged SQLite file (a page overwritten by a failing disk, a file that is no database at all)
makes every query that touches the damage fail with "database disk image is malformed" or "file is
not a database". Whoever meets it — opening the database, signing in, ``jlclient verify`` — gets
one Chinese message naming the table and, where SQLite says so, the page, and what to do. SQLite's
own ``PRAGMA quick_check`` finds the damage; where it fails too, each table is read in turn to
find the first that cannot be. PostgreSQL reports its own damage (class XX) with the relation and
block, which is passed on.
"""
from __future__ import annotations

import re
import sqlite3
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from jlclient.domain.errors import ServiceError

F = TypeVar("F", bound=Callable)

_SQLITE_DAMAGE = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}
_WHAT_TO_DO = "请停止在此数据库上操作，保留损坏的文件供核查，并从备份恢复（或请系统管理员处理）"
_PAGE = re.compile(r"\b[Pp]age (\d+)")
_TREE = re.compile(r"\b[Tt]ree (\d+)")


class DatabaseDamaged(ServiceError):
    """The database file is damaged; the message names where and says what to do."""


def is_damage(exc: BaseException) -> bool:
    """Whether ``exc`` (the driver's or SQLAlchemy's) says the stored data itself is damaged,
    as opposed to a refusal, a race or a lost connection."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    if isinstance(orig, sqlite3.DatabaseError):
        return getattr(orig, "sqlite_errorname", "") in _SQLITE_DAMAGE
    return str(getattr(orig, "sqlstate", "") or "").startswith("XX")   # PostgreSQL: data or index corrupted


@contextmanager
def damage_answered(url: str | Callable[[], str]) -> Iterator[None]:
    """Damage met inside the block becomes :class:`DatabaseDamaged` describing it; ``url`` (or the
    function giving it, asked only then) names the database."""
    try:
        yield
    except (DBAPIError, sqlite3.DatabaseError) as exc:
        if not is_damage(exc):
            raise
        raise DatabaseDamaged(describe_damage(url() if callable(url) else url, exc)) from None


def answers_damage(url_of: Callable[..., str]) -> Callable[[F], F]:
    """A decorator: the function with damage answered (see :func:`damage_answered`);
    ``url_of(*args, **kwargs)`` gives the database's URL from the function's own arguments."""
    def decorate(fn: F) -> F:
        @wraps(fn)
        def wrapper(*args, **kwargs):
            with damage_answered(lambda: url_of(*args, **kwargs)):
                return fn(*args, **kwargs)
        return wrapper  # type: ignore[return-value]
    return decorate


def of_context(ctx, *_args, **_kwargs) -> str:
    """``url_of`` for a function whose first argument is the AppContext."""
    return ctx.paths.database_url


def describe_damage(url: str, exc: BaseException | None = None) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        orig = exc.orig if isinstance(exc, DBAPIError) else exc
        said = getattr(getattr(orig, "diag", None), "message_primary", None) or str(orig).splitlines()[0]
        return f"数据库中的数据已损坏，无法读取（PostgreSQL 报告：{said}）。{_WHAT_TO_DO}"
    path = Path(parsed.database)
    where = _sqlite_where(path)
    return f"数据库文件 {path} 已损坏，无法读取{'：' + where if where else ''}。{_WHAT_TO_DO}"


def _sqlite_where(path: Path) -> str:
    """Which table (and page) is damaged, as far as the file still tells."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return "文件无法打开"
    try:
        try:
            objects = conn.execute("SELECT rootpage, name, type FROM sqlite_master WHERE rootpage > 0").fetchall()
        except sqlite3.DatabaseError:
            return "文件头或表结构目录（第 1 页）已损坏，或这根本不是本软件的数据库文件"
        roots = {root: name for root, name, _ in objects}
        return _checked(conn, roots) or _first_unreadable(conn, [n for _, n, kind in objects if kind == "table"])
    finally:
        conn.close()


def _checked(conn: sqlite3.Connection, roots: dict[int, str]) -> str:
    """SQLite's own check, when it can run: its first finding with the table it is in."""
    try:
        findings = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
    except sqlite3.DatabaseError:
        return ""
    if findings == ["ok"]:
        return ""
    first = next((f for f in findings if _PAGE.search(f) or _TREE.search(f)), findings[-1])
    tree, page = _TREE.search(first), _PAGE.search(first)
    table = roots.get(int(tree.group(1))) if tree else roots.get(int(page.group(1))) if page else None
    table = table or (_table_of_page(conn, int(page.group(1))) if page else None)
    place = f"第 {page.group(1)} 页" if page else ""
    return "，".join(p for p in (f"数据表 {table}" if table else "", place) if p) or first


def _table_of_page(conn: sqlite3.Connection, page: int) -> str | None:
    try:
        row = conn.execute("SELECT name FROM dbstat WHERE pageno = ?", (page,)).fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def _first_unreadable(conn: sqlite3.Connection, names: list[str]) -> str:
    """Read each table through to find the first that cannot be read."""
    for name in names:
        try:
            for _ in conn.execute(f'SELECT * FROM "{name}"'):
                pass
        except sqlite3.DatabaseError:
            return f"数据表 {name} 的数据页损坏"
    return ""
