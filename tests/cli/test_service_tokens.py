"""Service accounts (issue 15): an unattended docking station or a scheduled CCTV import signs in with a
per-machine token an administrator made, limited to its commands, seen in the audit trail as service:<name>."""
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from jlclient.cli import main
from jlclient.services.context import AppContext
from jlclient.store.models import AuditEntry, ServiceToken
from tests.support.cli import signed_in
from tests.support.clips import write_clip


@pytest.fixture
def home(demo_home):
    write_clip(demo_home / "nvr" / "ch01_20261120080000_20261120080002.mp4", seconds=2, size=(160, 120))
    return demo_home


def _made(home, capsys, name="大厅监控导入", commands="import-cctv") -> str:
    assert main([*signed_in(home, "admin"), "users", "token", "create", "--name", name, "--commands", commands]) == 0
    out = capsys.readouterr().out
    [token] = re.findall(r"^jlt_\S+$", out, flags=re.MULTILINE)
    assert "只显示这一次" in out
    (home / f"{name}.token").write_text(token + "\n", encoding="utf-8")
    return str(home / f"{name}.token")


def _actions():
    ctx = AppContext.open()
    try:
        with ctx.db.read() as s:
            return s.execute(select(AuditEntry.actor, AuditEntry.action).order_by(AuditEntry.seq)).all()
    finally:
        ctx.close()


def test_a_token_runs_its_command_and_is_the_actor_on_record(home, capsys):
    token_file = _made(home, capsys)
    assert main(["--token-file", token_file, "import-cctv", str(home / "nvr")]) == 0
    assert "新登记 1 个" in capsys.readouterr().out
    actions = _actions()
    assert ("service:大厅监控导入", "service.login") in actions and ("service:大厅监控导入", "av.import_cctv") in actions
    ctx = AppContext.open()
    try:
        with ctx.db.read() as s:       # only its hash is kept
            stored = s.scalar(select(ServiceToken.token_hash))
    finally:
        ctx.close()
    assert stored.startswith("$argon2") and Path(token_file).read_text(encoding="utf-8").strip() not in stored


def test_a_token_is_limited_to_its_commands(home, capsys, monkeypatch):
    token_file = _made(home, capsys)
    for argv in (["users", "list"], ["ingest", str(home / "nvr")], ["case", "list"], ["verify"]):
        assert main(["--token-file", token_file, *argv]) == 2, argv
        err = capsys.readouterr().err
        assert "只能用于：import-cctv" in err and "Traceback" not in err
    monkeypatch.setenv("JL_TOKEN", Path(token_file).read_text(encoding="utf-8").strip())   # the same through the environment
    assert main(["users", "token", "create", "--name", "x", "--commands", "ingest"]) == 2
    assert "只能用于" in capsys.readouterr().err


def test_a_revoked_or_forged_token_does_nothing(home, capsys):
    token_file = _made(home, capsys)
    assert main([*signed_in(home, "admin"), "users", "token", "revoke", "大厅监控导入"]) == 0
    assert main([*signed_in(home, "admin"), "users", "token", "list"]) == 0
    assert "撤销" in capsys.readouterr().out
    assert main(["--token-file", token_file, "import-cctv", str(home / "nvr")]) == 2
    assert "已撤销" in capsys.readouterr().err
    forged = home / "forged.token"
    token = Path(token_file).read_text(encoding="utf-8").strip()
    forged.write_text(token[:-6] + ("AAAAAA" if not token.endswith("AAAAAA") else "BBBBBB"), encoding="utf-8")
    assert main(["--token-file", str(forged), "import-cctv", str(home / "nvr")]) == 2
    assert "服务令牌无效" in capsys.readouterr().err
    assert not any(action == "av.import_cctv" for _, action in _actions())


def test_only_an_administrator_makes_tokens_and_only_for_unattended_commands(home, capsys):
    args = ["users", "token", "create", "--name", "采集站", "--commands", "ingest"]
    assert main([*signed_in(home, "archivist"), *args]) == 2
    assert "系统管理员" in capsys.readouterr().err
    assert main([*signed_in(home, "admin"), "users", "token", "create", "--name", "采集站", "--commands", "users"]) == 2
    assert "只能用于这些命令" in capsys.readouterr().err
    _made(home, capsys, "采集站", "ingest")
    assert main([*signed_in(home, "admin"), *args]) == 2            # a name is one machine's, revoked or not
    assert "已用于" in capsys.readouterr().err
