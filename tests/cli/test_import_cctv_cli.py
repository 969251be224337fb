"""`jlclient import-cctv` as a hall's scheduled job runs it: an NVR export taken in by a named
archivist, a second run registering nothing twice, and a clerk refused."""
from __future__ import annotations

import json

import pytest

from jlclient.cli import main
from tests.support.cli import signed_in
from tests.support.clips import write_clip


@pytest.fixture
def export(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JL_HOME", str(tmp_path / "jl"))
    monkeypatch.delenv("JL_DATABASE_URL", raising=False)
    assert main(["init", "--demo"]) == 0
    write_clip(tmp_path / "nvr" / "ch01_20261120080000_20261120080002.mp4", seconds=2, size=(160, 120))
    write_clip(tmp_path / "nvr" / "ch02_20261120080000_20261120080002.mp4", seconds=2, size=(160, 120), first=100)
    capsys.readouterr()
    return tmp_path / "nvr"


def test_an_export_is_taken_in_once(export, capsys):
    assert main([*signed_in(export.parent, "archivist"), "import-cctv", str(export), "--location", "城关大厅"]) == 0
    out = capsys.readouterr().out
    assert "2 个监控录像文件" in out and "新登记 2 个，此前已导入 0 个" in out
    assert out.count("  新登记  ") == 2 and not any(w in out for w in ("stored", "linked", "skipped"))
    assert main([*signed_in(export.parent, "archivist"), "import-cctv", str(export), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["complete"] and [f["status"] for f in again["files"]] == ["skipped", "skipped"]


def test_a_clerk_is_refused_and_nothing_is_stored(export, capsys):
    assert main([*signed_in(export.parent, "clerk"), "import-cctv", str(export)]) == 2
    assert "由档案管理员、系统管理员进行" in capsys.readouterr().err
    assert main([*signed_in(export.parent, "admin"), "import-cctv", str(export / "none")]) == 2
    assert "找不到文件夹" in capsys.readouterr().err
