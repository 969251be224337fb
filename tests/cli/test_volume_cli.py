"""`jlclient volume` (issue 14): a case with findings is bound only with an approver's written
reason; the remarks the volume records are printed; an empty reason is refused in words."""
from sqlalchemy import select

import tests.support.case_builder as cb
from jlclient.cli import main
from jlclient.domain.model import Procedure
from jlclient.services import cases
from jlclient.store.models import Case


def test_volume_with_findings_needs_the_approver_and_a_reason(demo_ctx, monkeypatch, capsys):
    case_id = cb.build_case(demo_ctx, Procedure.PENALTY, skip=("rights_notice",))
    with demo_ctx.db.write() as s:
        case = s.get(Case, case_id)
        cases.advance(s, "cli:import", case)
        number = case.number
    monkeypatch.setenv("JL_HOME", str(demo_ctx.paths.home))
    monkeypatch.delenv("JL_DATABASE_URL", raising=False)
    capsys.readouterr()
    assert main(["volume", number, "--filer", "archivist"]) == 2
    err = capsys.readouterr().err
    assert "不能立卷" in err and "行政处罚事先告知书" in err and "Traceback" not in err
    assert main(["volume", number, "--filer", "archivist", "--approver", "approver", "--reason", " "]) == 2
    assert "书面理由" in capsys.readouterr().err
    assert main(["volume", number, "--filer", "archivist", "--approver", "approver", "--reason", "补正说明附卷"]) == 0
    out = capsys.readouterr().out
    assert "已立卷" in out and "1 项阻断性问题" in out and "周杰" in out and "补正说明附卷" in out
    assert "齐全" not in out


def test_a_clean_volume_prints_complete(demo_ctx, monkeypatch, capsys):
    with demo_ctx.db.read() as s:
        number = s.scalar(select(Case.number).where(Case.number == "灵行审许〔2026〕6号"))
    monkeypatch.setenv("JL_HOME", str(demo_ctx.paths.home))
    monkeypatch.delenv("JL_DATABASE_URL", raising=False)
    capsys.readouterr()
    assert main(["volume", number, "--filer", "archivist"]) == 0
    assert "本卷文件齐全" in capsys.readouterr().out
