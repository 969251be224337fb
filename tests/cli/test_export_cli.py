"""`jlclient export` and `jlclient verify-package` as an operator runs them: a bag and an image of a
case, each checked; a changed byte, a deleted file and a stray file make the check exit 1 naming them."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import select

import tests.support.case_builder as cb
from jlclient.cli import main
from jlclient.domain.model import Procedure, Stage
from jlclient.services import archiving, auth, compliance, setup
from jlclient.services.context import AppContext
from jlclient.store.models import AuditEntry
from tests.support.clips import write_clip
from tests.support.cli import signed_in
from tests.support.tamper import flip_byte


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("JL_HOME", str(tmp_path / "jl"))
    monkeypatch.delenv("JL_DATABASE_URL", raising=False)
    return tmp_path / "jl"


@pytest.fixture
def case_number(home, tmp_path, capsys) -> str:
    """The demo database with a closed, bound case that has real footage."""
    assert main(["init", "--demo"]) == 0
    ctx = AppContext.open()
    try:
        login = lambda name: auth.login(ctx, name, setup.DEMO_PASSWORD)   # noqa: E731
        case_id = cb.build_case(ctx, Procedure.PENALTY, av=False)
        clip = write_clip(tmp_path / "clip.mp4", seconds=1, size=(160, 120)).read_bytes()
        cb.add_av(ctx, case_id, Stage.INVESTIGATION, content=clip, seconds=1)
        compliance.close_case(ctx, login("approver"), case_id, cb.version(ctx, case_id), override_reason="测试用结案")
        archiving.build_volume(ctx, login("archivist"), case_id)
        number = archiving.volume_of(ctx, case_id).case_number
    finally:
        ctx.close()
    capsys.readouterr()
    return number


def test_export_a_bag_and_an_image_and_check_both(case_number, tmp_path, capsys):
    bag, image = tmp_path / "bag", tmp_path / "disc.iso"
    assert main([*signed_in(tmp_path, "archivist"), "export", case_number, "--bag", str(bag)]) == 0
    out = capsys.readouterr().out
    assert f"已导出案件 {case_number} 的 BagIt 包" in out and "归档号" in out
    assert main([*signed_in(tmp_path, "reviewer"), "export", case_number, "--iso", str(image)]) == 0
    out = capsys.readouterr().out
    assert "ISO 光盘映像" in out and "disc_光盘标签.pdf" in out and (tmp_path / "disc_光盘标签.pdf").is_file()

    assert main([*signed_in(tmp_path, "reviewer"), "verify-package", str(bag)]) == 0
    assert "四性检测通过" in capsys.readouterr().out
    pdf, js = tmp_path / "report.pdf", tmp_path / "report.json"
    assert main([*signed_in(tmp_path, "reviewer"), "verify-package", str(image), "--json", "--pdf", str(pdf), "--report-json", str(js)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True and report["kind"] == "iso" and report["case_number"] == case_number
    assert {c["code"]: c["status"] for c in report["checks"]}["audit"] == "通过"
    assert pdf.read_bytes().startswith(b"%PDF") and json.loads(js.read_text(encoding="utf-8"))["ok"] is True

    ctx = AppContext.open()
    with ctx.db.read() as s:
        actors = [(e.actor, json.loads(e.detail)["kind"]) for e in
                  s.scalars(select(AuditEntry).where(AuditEntry.action == "case.export").order_by(AuditEntry.seq))]
    ctx.close()
    assert actors == [("user:archivist", "bag"), ("user:reviewer", "iso")]


def test_damage_makes_the_check_exit_1_naming_it(case_number, tmp_path, capsys):
    bag = tmp_path / "bag"
    assert main([*signed_in(tmp_path, "archivist"), "export", case_number, "--bag", str(bag)]) == 0
    footage = next((bag / "data" / "音像").iterdir())
    flip_byte(footage, 1000)
    (bag / "data" / "文书" / "02_立案审批表.pdf").unlink()
    (bag / "data" / "readme.bat").write_text("del *.*")
    capsys.readouterr()
    assert main([*signed_in(tmp_path, "reviewer"), "verify-package", str(bag)]) == 1
    err = capsys.readouterr().err
    assert "四性检测未通过" in err
    assert f"[真实性] data/音像/{footage.name}：内容与清单中的 SHA-256 不符" in err
    assert "[完整性] data/文书/02_立案审批表.pdf：清单中列出的文件缺失" in err
    assert "[安全性] data/readme.bat：清单以外的文件" in err and "[安全性] data/readme.bat：可执行文件或脚本" in err
    assert main(["verify-package", str(bag), "--json", "--no-db"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["categories"]["可用性"] == "不通过"     # .bat is no archive format
    assert {c["code"]: c["status"] for c in report["checks"]}["audit"] == "未检测"


def test_errors_exit_2_with_a_message(case_number, tmp_path, capsys):
    archivist = signed_in(tmp_path, "archivist")
    assert main(["export", case_number, "--bag", str(tmp_path / "b")]) == 2
    assert "请先登录" in capsys.readouterr().err and not (tmp_path / "b").exists()
    assert main([*archivist, "export", "灵行审〔1999〕9号", "--bag", str(tmp_path / "b")]) == 2
    assert "没有案件" in capsys.readouterr().err
    assert main([*signed_in(tmp_path, "officer"), "export", case_number, "--bag", str(tmp_path / "b")]) == 2
    err = capsys.readouterr().err
    assert "没有此操作的权限" in err and "档案管理员" in err
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    assert main([*archivist, "export", case_number, "--bag", str(tmp_path / "full")]) == 2
    assert "已存在且不是空的" in capsys.readouterr().err
    assert main([*archivist, "verify-package", str(tmp_path / "none")]) == 2
    assert "找不到" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["export", case_number])                  # --bag or --iso is required
    assert "--bag" in capsys.readouterr().err


def test_the_commands_are_listed_in_help(home):
    out = subprocess.run([sys.executable, "-m", "jlclient", "--help"], capture_output=True, text=True,
                         env={**os.environ, "JL_HOME": str(home)})
    assert out.returncode == 0 and "export" in out.stdout and "verify-package" in out.stdout
