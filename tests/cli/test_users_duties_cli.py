"""`jlclient users roles` says in Chinese when a combination lets one person check their own work (issue 14)."""
import io
import json
import sys

import pytest

from jlclient.cli import main
from tests.support.cli import signed_in


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("JL_HOME", str(tmp_path / "jl"))
    monkeypatch.delenv("JL_DATABASE_URL", raising=False)
    return tmp_path / "jl"


def test_officer_and_legal_reviewer_together_are_assigned_with_a_warning(home, capsys, monkeypatch):
    assert main(["init", "--demo"]) == 0
    capsys.readouterr()
    assert main([*signed_in(home.parent), "users", "roles", "officer", "OFFICER,REVIEWER"]) == 0
    out = capsys.readouterr().out
    assert "已修改 officer 的角色" in out and "职责分离" in out and "法制审核人员" in out
    assert "OFFICER" not in out and "REVIEWER" not in out
    assert main([*signed_in(home.parent), "users", "roles", "officer2", "执法人员"]) == 0
    assert "职责分离" not in capsys.readouterr().out           # one role: nothing to warn about
    monkeypatch.setattr(sys, "stdin", io.StringIO("boss-pass-1\n"))
    assert main([*signed_in(home.parent), "users", "add", "boss", "--name", "刘军", "--roles", "APPROVER,OFFICER", "--cert-no", "13012601009",
                 "--password-stdin"]) == 0
    assert "负责人" in capsys.readouterr().out
    assert main([*signed_in(home.parent), "users", "list", "--json"]) == 0
    listed = {u["username"]: u["roles"] for u in json.loads(capsys.readouterr().out)}
    assert listed["officer"] == ["OFFICER", "REVIEWER"]
