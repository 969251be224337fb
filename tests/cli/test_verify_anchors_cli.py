"""`jlclient verify` with the signed checkpoints, as an operator types it (issue 15, finding 1)."""
import json
import re
import shutil

import pytest

from jlclient.cli import main
from tests.support.cli import signed_in


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("JL_HOME", str(tmp_path / "jl"))
    monkeypatch.delenv("JL_DATABASE_URL", raising=False)
    assert main(["init", "--demo"]) == 0
    return tmp_path / "jl"


def _as(home, user="admin"):
    return signed_in(home.parent, user)


def test_checkpoint_on_demand_and_the_key_in_words(home, capsys):
    capsys.readouterr()
    assert main([*_as(home), "verify", "--checkpoint"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"已写入检查点 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d（第 \d+ 条审计记录，工作站 .+）", out)
    assert re.search(r"签名检查点 [1-9]\d* 个", out)
    assert re.search(r"检查点签名密钥：[0-9a-f]{16}（公钥指纹 [0-9a-f]{4}( [0-9a-f]{4}){7}）", out)
    assert "user:" not in out and "True" not in out and "T0" not in out


def test_a_copy_kept_elsewhere_is_checked_and_a_forged_one_named(home, tmp_path, capsys):
    main([*_as(home), "verify", "--checkpoint"])
    usb = tmp_path / "usb"
    shutil.copytree(home / "evidence" / "anchors", usb)     # what a person does with a stick
    capsys.readouterr()
    assert main([*_as(home), "verify", "--anchors", str(usb)]) == 0
    newest = sorted(usb.rglob("*.json"))[-1]
    data = json.loads(newest.read_text(encoding="utf-8"))
    newest.chmod(0o644)
    newest.write_text(json.dumps({**data, "hash": "0" * 64}), encoding="utf-8")
    assert main([*_as(home), "verify", "--anchors", str(usb)]) == 1
    err = capsys.readouterr().err
    assert "签名无效：检查点文件被改动或伪造" in err and newest.name in err
    assert main([*_as(home), "verify", "--anchors", str(tmp_path / "nowhere")]) == 2
    assert "找不到检查点文件夹" in capsys.readouterr().err


def test_only_an_administrator_makes_a_new_key(home, capsys):
    capsys.readouterr()
    assert main([*_as(home, "officer"), "verify", "--new-key"]) == 2
    assert "只有系统管理员可以生成检查点签名密钥" in capsys.readouterr().err
    assert main([*_as(home), "verify", "--new-key"]) == 0
    out = capsys.readouterr().out
    assert "已生成本工作站新的检查点签名密钥" in out and "旧密钥的检查点仍可核对" in out
