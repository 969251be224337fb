"""`jlclient volume` (issue 14): a case with findings is bound only with an approver's written
reason; the remarks the volume records are printed; an empty reason is refused in words."""
from sqlalchemy import select

import tests.support.case_builder as cb
from jlclient.cli import main
from jlclient.domain.model import Procedure
from jlclient.services import cases
from jlclient.store.models import Case
from tests.support.cli import signed_in


def test_volume_with_findings_needs_the_approver_and_a_reason(demo_ctx, monkeypatch, tmp_path, capsys):
    case_id = cb.build_case(demo_ctx, Procedure.PENALTY, skip=("rights_notice",))
    with demo_ctx.db.write() as s:
        case = s.get(Case, case_id)
        cases.advance(s, "cli:import", case)
        number = case.number
    monkeypatch.setenv("JL_HOME", str(demo_ctx.paths.home))
    monkeypatch.delenv("JL_DATABASE_URL", raising=False)
    capsys.readouterr()
    archivist, approver = signed_in(tmp_path, "archivist"), signed_in(tmp_path, "approver")
    assert main([*archivist, "volume", number]) == 2
    err = capsys.readouterr().err
    assert "不能立卷" in err and "行政处罚事先告知书" in err and "Traceback" not in err
    assert main([*approver, "volume", number, "--reason", " "]) == 2
    assert "书面理由" in capsys.readouterr().err
    assert main([*approver, "volume", number, "--reason", "补正说明附卷"]) == 0
    assert "请档案管理员立卷" in capsys.readouterr().out        # the approver approves; the archivist binds
    assert main([*archivist, "volume", number]) == 0
    out = capsys.readouterr().out
    assert "已立卷" in out and "1 项阻断性问题" in out and "周杰" in out and "补正说明附卷" in out
    assert "齐全" not in out


def test_a_clean_volume_prints_complete(demo_ctx, monkeypatch, tmp_path, capsys):
    with demo_ctx.db.read() as s:
        number = s.scalar(select(Case.number).where(Case.number == "灵行审许〔2026〕6号"))
    monkeypatch.setenv("JL_HOME", str(demo_ctx.paths.home))
    monkeypatch.delenv("JL_DATABASE_URL", raising=False)
    capsys.readouterr()
    assert main([*signed_in(tmp_path, "archivist"), "volume", number]) == 0
    assert "本卷文件齐全" in capsys.readouterr().out
