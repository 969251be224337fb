"""`jlclient case import` and `jlclient verify` answer instead of crashing (issue 15, finding 8):
each hostile file is refused with a Chinese message and exit code 2, nothing is written; a
damaged database file is named with the table, exit 2, never a traceback."""
import json
import re
import sqlite3
from pathlib import Path

import pytest

from jlclient.cli import main
from jlclient.services import exchange
from tests.support.cli import signed_in

PENALTY = "灵行审罚〔2026〕1号"


@pytest.fixture
def home(demo_home):
    return demo_home


def _document(demo_ctx) -> str:
    data = exchange.export_case(demo_ctx, PENALTY)
    data["case"]["number"] = "灵行审罚〔2026〕99号"
    return exchange.dumps(data)


def _import(tmp_path, capsys, content: bytes) -> str:
    path = tmp_path / "case.json"
    path.write_bytes(content)
    capsys.readouterr()
    assert main([*signed_in(tmp_path, "clerk"), "case", "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "Traceback" not in err
    return err


def _cases(capsys, tmp_path) -> int:
    capsys.readouterr()
    assert main([*signed_in(tmp_path, "admin"), "verify", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"]
    assert main([*signed_in(tmp_path, "clerk"), "case", "list", "--json"]) == 0
    return len(json.loads(capsys.readouterr().out))


@pytest.mark.parametrize("change, message", [
    (lambda t: re.sub(r'"opened_at": "[^"]*"', '"opened_at": "0001-01-01T00:00:00+08:00"', t, count=1),
     "case.opened_at：“0001-01-01T00:00:00+08:00”超出可接受的范围"),
    (lambda t: t.replace('"title": "', '"title": "\\ud800', 1), "case.title：含有不能保存的字符"),
    (lambda t: t.replace('"format": "jlclient.case/1",', '"format": "jlclient.case/1", "n": ' + "9" * 5000 + ",", 1),
     "5000 位的整数"),
    (lambda t: t[:-2] + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n", "嵌套超过 64 层"),
])
def test_a_hostile_case_file_is_refused_with_exit_2_and_nothing_written(home, demo_ctx, tmp_path, capsys,
                                                                       change, message):
    before = _cases(capsys, tmp_path)
    text = change(_document(demo_ctx))
    assert message in _import(tmp_path, capsys, text.encode("utf-8"))
    assert _cases(capsys, tmp_path) == before


def _damaged_copy(demo_ctx, tmp_path, table: str) -> Path:
    home = tmp_path / "damaged"
    home.mkdir()
    source, copy = sqlite3.connect(demo_ctx.paths.home / "jlclient.db"), sqlite3.connect(home / "jlclient.db")
    source.backup(copy)
    source.close()
    [page] = copy.execute("SELECT max(pageno) FROM dbstat WHERE name = ?", (table,)).fetchone()
    copy.close()
    with open(home / "jlclient.db", "r+b") as f:
        f.seek((page - 1) * 4096)
        f.write(bytes((i * 37 + 11) % 256 for i in range(4096)))
    return home


@pytest.mark.parametrize("table", ["audit_entry", "app_user"])
def test_verify_on_a_damaged_database_names_the_table_and_exits_2(demo_ctx, tmp_path, capsys, monkeypatch, table):
    """The user table too: signing in reads it before verify begins."""
    monkeypatch.setenv("JL_HOME", str(_damaged_copy(demo_ctx, tmp_path, table)))
    monkeypatch.delenv("JL_DATABASE_URL", raising=False)
    capsys.readouterr()
    assert main([*signed_in(tmp_path, "admin"), "verify"]) == 2
    err = capsys.readouterr().err
    assert f"已损坏，无法读取：数据表 {table}" in err and "从备份恢复" in err
    assert "Traceback" not in err and "malformed" not in err


def test_verify_on_a_file_that_is_no_database_says_so(tmp_path, capsys, monkeypatch):
    home = tmp_path / "jl"
    home.mkdir()
    (home / "jlclient.db").write_bytes(b"this is not a database at all\n" * 300)
    monkeypatch.setenv("JL_HOME", str(home))
    monkeypatch.delenv("JL_DATABASE_URL", raising=False)
    assert main([*signed_in(tmp_path, "admin"), "verify"]) == 2
    assert "这根本不是本软件的数据库文件" in capsys.readouterr().err
