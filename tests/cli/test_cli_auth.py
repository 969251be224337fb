"""Every action from the command line has a signed-in actor (issue 15, finding 2): `jlclient --user NAME
[--password-file FILE] COMMAND …`, checked as the UI's log-in is, with the roles the UI requires."""
import io
import sys

import pytest
from sqlalchemy import select

from jlclient.cli import main
from jlclient.services import auth, setup
from jlclient.services.context import AppContext, ServiceError
from jlclient.store.models import AuditEntry, User
from tests.support.cli import signed_in


@pytest.fixture
def home(demo_home):
    return demo_home


def _stdin(monkeypatch, text, tty=False):
    stream = io.StringIO(text)
    stream.isatty = lambda: tty
    monkeypatch.setattr(sys, "stdin", stream)


def _db(fn):
    ctx = AppContext.open()
    try:
        with ctx.db.read() as s:
            return fn(s)
    finally:
        ctx.close()


def _users(s):
    return {u.username: u for u in s.scalars(select(User))}


def test_a_state_change_without_signing_in_is_refused_in_chinese(home, capsys, monkeypatch):
    for argv in (["users", "add", "mallory", "--roles", "ADMIN", "--password-stdin"], ["users", "unlock", "admin"],
                 ["profile", "set", "changli-dapuhe"], ["case", "list"], ["verify"]):
        _stdin(monkeypatch, "mallory-pass\n")
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert "请先登录" in err and "--user" in err and "Traceback" not in err
    assert "mallory" not in _db(_users)


def test_a_wrong_password_is_refused_and_counted_toward_the_lockout(home, capsys):
    wrong = signed_in(home, "admin", "not-the-password")
    assert main([*wrong, "users", "disable", "officer"]) == 2
    assert "用户名或密码错误（再错" in capsys.readouterr().err
    assert _db(_users)["admin"].failed_logins == 1
    assert _db(lambda s: s.scalar(select(AuditEntry.action).order_by(AuditEntry.seq.desc()))) == "user.login_failed"
    for _ in range(4):                                   # the demo's default: five failures in a row lock
        main([*wrong, "users", "list"])
    assert "锁定" in capsys.readouterr().err
    assert main([*signed_in(home, "admin"), "users", "disable", "officer"]) == 2     # even the right password now
    assert "锁定" in capsys.readouterr().err
    assert _db(_users)["officer"].active


def test_a_disabled_account_can_do_nothing(home, capsys):
    assert main([*signed_in(home, "admin"), "users", "disable", "archivist"]) == 0
    capsys.readouterr()
    assert main([*signed_in(home, "archivist"), "retention", "register"]) == 2
    assert "用户名或密码错误" in capsys.readouterr().err      # as at the UI's log-in: nothing said about the account


def test_an_officer_cannot_administer_users(home, capsys, monkeypatch):
    _stdin(monkeypatch, "mallory-pass\n")
    assert main([*signed_in(home, "officer"), "users", "add", "mallory", "--roles", "ADMIN", "--password-stdin"]) == 2
    err = capsys.readouterr().err
    assert "没有此操作的权限" in err and "系统管理员" in err and "ADMIN" not in err
    assert main([*signed_in(home, "officer"), "users", "roles", "officer", "ADMIN"]) == 2
    found = _db(_users)
    assert "mallory" not in found and found["officer"].roles == "OFFICER"


def test_the_actor_recorded_is_the_signed_in_user(home, capsys, monkeypatch):
    _stdin(monkeypatch, "helper-pass-1\n")
    assert main([*signed_in(home, "admin"), "users", "add", "helper", "--roles", "CLERK", "--password-stdin"]) == 0
    actors = _db(lambda s: s.execute(select(AuditEntry.action, AuditEntry.actor).order_by(AuditEntry.seq.desc())
                                     .limit(2)).all())
    assert actors == [("user.add", "user:admin"), ("user.login", "user:admin")]


def test_init_runs_only_on_an_empty_database(home, capsys, monkeypatch):
    _stdin(monkeypatch, "takeover-pass\n")
    assert main(["init"]) == 2
    assert "不能再次初始化" in capsys.readouterr().err
    assert main(["init", "--demo"]) == 2
    ctx = AppContext.open()
    try:
        with pytest.raises(ServiceError):
            auth.login(ctx, "admin", "takeover-pass")
    finally:
        ctx.close()


def test_without_a_password_file_the_terminal_is_asked(home, capsys, monkeypatch):
    import getpass
    asked = []
    monkeypatch.setattr(getpass, "getpass", lambda prompt: asked.append(prompt) or setup.DEMO_PASSWORD)
    _stdin(monkeypatch, "", tty=True)
    assert main(["--user", "admin", "users", "list"]) == 0
    assert asked == ["admin 的密码："] and "archivist" in capsys.readouterr().out
    _stdin(monkeypatch, "", tty=False)                     # no terminal and no file: said, not hung
    assert main(["--user", "admin", "users", "list"]) == 2
    assert "--password-file" in capsys.readouterr().err


def test_an_unreadable_password_file_is_said_in_chinese(home, capsys):
    assert main(["--user", "admin", "--password-file", str(home / "missing"), "users", "list"]) == 2
    err = capsys.readouterr().err
    assert "无法读取密码文件" in err and "Traceback" not in err


def test_help_and_the_simulator_need_no_one(home, capsys):
    with pytest.raises(SystemExit) as done:
        main(["users", "--help"])
    assert done.value.code == 0
    assert main(["profile", "list"]) == 0
    assert main(["camera", "simulate", str(home / "cam"), "--layout", "dcim-imp", "--segments", "1"]) == 0
