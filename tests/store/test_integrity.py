"""A damaged database answers in words (issue 15, finding 8): a page of a copy of the demo database
is overwritten with garbage, as a failing disk would, and opening it or verifying it names the
table (and the page where SQLite tells it) instead of a traceback. Nothing else is mistaken for
damage."""
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from jlclient.config import Paths
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.verify import verify
from jlclient.store.integrity import DatabaseDamaged, damage_answered

GARBAGE = bytes((i * 37 + 11) % 256 for i in range(4096))


def _database_file(ctx) -> Path:
    return Path(ctx.paths.database_url.removeprefix("sqlite:///"))


def _copy(ctx, tmp_path) -> Paths:
    """A whole copy of the database (SQLite's backup: the WAL included) beside the same evidence."""
    home = tmp_path / "damaged"
    home.mkdir()
    target = home / "jlclient.db"
    source, copy = sqlite3.connect(_database_file(ctx)), sqlite3.connect(target)
    source.backup(copy)
    source.close()
    copy.close()
    return Paths(home, f"sqlite:///{target}", ctx.paths.evidence)


def _pages_of(paths: Paths, table: str) -> list[int]:
    conn = sqlite3.connect(paths.home / "jlclient.db")
    try:
        return [p for (p,) in conn.execute("SELECT pageno FROM dbstat WHERE name = ? ORDER BY pageno", (table,))]
    finally:
        conn.close()


def _overwrite(paths: Paths, page: int, content: bytes = GARBAGE) -> None:
    with open(paths.home / "jlclient.db", "r+b") as f:
        f.seek((page - 1) * 4096)
        f.write(content)


def _open_and_verify(paths: Paths) -> str:
    with pytest.raises(DatabaseDamaged) as info:
        ctx = AppContext.open(paths)
        try:
            verify(ctx)
        finally:
            ctx.close()
    assert isinstance(info.value, ServiceError)      # the CLI prints it and exits 2, the UI shows it
    return str(info.value)


def test_a_damaged_page_of_the_audit_trail_is_named_by_its_table(demo_ctx, tmp_path):
    paths = _copy(demo_ctx, tmp_path)
    _overwrite(paths, _pages_of(paths, "audit_entry")[-1])
    message = _open_and_verify(paths)
    assert f"数据库文件 {paths.home / 'jlclient.db'} 已损坏，无法读取：数据表 audit_entry" in message
    assert "从备份恢复" in message and "malformed" not in message


def test_a_damaged_root_page_is_named_with_its_number(demo_ctx, tmp_path):
    paths = _copy(demo_ctx, tmp_path)
    root = _pages_of(paths, "audit_entry")[0]
    _overwrite(paths, root)
    assert f"数据表 audit_entry，第 {root} 页" in _open_and_verify(paths)


def test_a_damaged_party_table_is_found_when_opening_still_works(demo_ctx, tmp_path):
    paths = _copy(demo_ctx, tmp_path)
    _overwrite(paths, _pages_of(paths, "party")[0])
    assert "数据表 party" in _open_and_verify(paths)


@pytest.mark.parametrize("content", [GARBAGE, b"this is not a database at all\n" * 140])
def test_a_file_that_is_no_database_says_so(demo_ctx, tmp_path, content):
    paths = _copy(demo_ctx, tmp_path)
    _overwrite(paths, 1, content)
    message = _open_and_verify(paths)
    assert "文件头或表结构目录（第 1 页）已损坏，或这根本不是本软件的数据库文件" in message


def test_a_refusal_is_not_mistaken_for_damage(demo_ctx):
    """A unique number taken is the store's to answer, not a damaged file."""
    with pytest.raises(IntegrityError):
        with damage_answered(demo_ctx.paths.database_url):
            with demo_ctx.db.writer.begin() as conn:
                conn.execute(text("INSERT INTO chain_head (id, seq, hash) SELECT id, seq, hash FROM chain_head"))


def test_an_undamaged_database_verifies_as_before(demo_ctx):
    assert verify(demo_ctx).ok
