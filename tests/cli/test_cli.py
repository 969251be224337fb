"""The CLI as an operator uses it: a real subprocess for the entry point, in-process for the rest."""
import json
import os
import subprocess
import sys

import pytest

from jlclient.cli import main
from tests.support.cli import signed_in
from tests.support.tamper import raw_sql


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("JL_HOME", str(tmp_path / "jl"))
    monkeypatch.delenv("JL_DATABASE_URL", raising=False)
    return tmp_path / "jl"


def _as(home, user="admin", password=None):
    """The sign-in options of a demo user (or of the administrator ``init`` made, with ``password``)."""
    return signed_in(home.parent, user, *([password] if password else []))


def _stdin(monkeypatch, text):
    import io
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))


def test_help_runs_as_a_command(home):
    out = subprocess.run([sys.executable, "-m", "jlclient", "--help"], capture_output=True, text=True,
                         env={**os.environ, "JL_HOME": str(home)})
    assert out.returncode == 0
    for word in ("init", "verify", "users"):
        assert word in out.stdout


def test_init_demo_then_verify_json(home, capsys):
    assert main(["init", "--demo"]) == 0
    assert (home / "jlclient.db").exists()
    capsys.readouterr()
    assert main([*_as(home), "verify", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True and report["entries"] > 50 and report["problem"] is None


def test_verify_exits_non_zero_naming_the_problem(home, capsys):
    main(["init", "--demo"])
    from jlclient.services.context import AppContext
    ctx = AppContext.open()
    raw_sql(ctx, "UPDATE party SET name = '张三' WHERE id = 1")
    ctx.close()
    capsys.readouterr()
    assert main([*_as(home), "verify"]) == 1
    assert "party #1" in capsys.readouterr().err
    assert main([*_as(home), "verify", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["problem"]["where"] == "party #1"


def test_users_add_list_passwd(home, capsys, monkeypatch):
    _stdin(monkeypatch, "admin-pass-1\n")
    assert main(["init"]) == 0
    admin = _as(home, password="admin-pass-1")
    _stdin(monkeypatch, "officer-pass\n")
    assert main([*admin, "users", "add", "lina", "--name", "李娜", "--roles", "OFFICER,REVIEWER", "--cert-no", "13010001",
                 "--password-stdin"]) == 0
    capsys.readouterr()
    assert main([*admin, "users", "list", "--json"]) == 0
    listed = {u["username"]: u for u in json.loads(capsys.readouterr().out)}
    assert listed["lina"]["roles"] == ["OFFICER", "REVIEWER"] and listed["admin"]["roles"] == ["ADMIN"]
    _stdin(monkeypatch, "new-password\n")
    assert main([*admin, "users", "passwd", "lina", "--password-stdin"]) == 0
    from jlclient.services import auth
    from jlclient.services.context import AppContext
    ctx = AppContext.open()
    assert auth.login(ctx, "lina", "new-password").username == "lina"
    ctx.close()


def test_bad_input_gets_a_chinese_message_and_exit_2(home, capsys, monkeypatch):
    _stdin(monkeypatch, "admin-pass-1\n")
    main(["init"])
    admin = _as(home, password="admin-pass-1")
    _stdin(monkeypatch, "x\n")
    assert main([*admin, "users", "add", "bob", "--roles", "janitor", "--password-stdin"]) == 2
    assert "错误" in capsys.readouterr().err
    assert main([*admin, "users", "passwd", "nobody", "--password-stdin"]) == 2


def test_profile_list_and_set(home, capsys, monkeypatch):
    main(["init", "--demo"])
    capsys.readouterr()
    assert main(["profile", "list"]) == 0
    keys = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert len(keys) == 5
    assert main([*_as(home), "profile", "set", keys[-1]]) == 0
    assert main([*_as(home), "profile", "set", "no-such-profile"]) == 2
    assert main([*_as(home), "verify"]) == 0


def test_postgres_password_lives_in_the_keyring(home, monkeypatch, capsys):
    import keyring
    monkeypatch.setenv("JL_DATABASE_URL", "postgresql+psycopg://jl@db.example:5433/bureau")
    _stdin(monkeypatch, "s3cret\n")
    assert main(["db-password", "--password-stdin"]) == 0
    assert keyring.get_password("jlclient-database", "jl@db.example:5433/bureau") == "s3cret"
    from sqlalchemy.engine import make_url

    from jlclient.store.db import with_keyring_password
    assert with_keyring_password(make_url(os.environ["JL_DATABASE_URL"])).password == "s3cret"


def test_deadlines_lists_running_deadlines(home, capsys):
    main(["init", "--demo"])
    capsys.readouterr()
    assert main([*_as(home, "officer"), "deadlines", "--mine", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert any(r["deadline"] == "penalty_decision" and r["basis"].endswith("行政处罚法 Art. 60）") for r in rows)
    assert main([*_as(home, "clerk"), "deadlines", "--mine", "--json"]) == 0
    assert not {r["case"] for r in json.loads(capsys.readouterr().out)} & {r["case"] for r in rows}
    assert main([*_as(home, "approver"), "deadlines"]) == 0
    assert "作出行政处罚决定" in capsys.readouterr().out


def test_case_show_and_import_round_trip(home, tmp_path, capsys, monkeypatch):
    main(["init", "--demo"])
    capsys.readouterr()
    assert main([*_as(home, "clerk"), "case", "show", "1", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["format"] == "jlclient.case/1"
    doc["case"]["number"] = "灵行审许〔2026〕99号"
    path = tmp_path / "case.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert main([*_as(home, "clerk"), "case", "import", str(path)]) == 0
    assert "99号" in capsys.readouterr().out
    assert main([*_as(home, "clerk"), "case", "import", str(path)]) == 2            # the number is taken now
    assert "case.number" in capsys.readouterr().err
    path.write_text('{"format": ', encoding="utf-8")
    assert main([*_as(home, "clerk"), "case", "import", str(path)]) == 2
    assert "第 1 行" in capsys.readouterr().err
    assert main([*_as(home), "verify"]) == 0


def test_check_names_findings_with_citations_and_gates_on_blocking(home, capsys):
    main(["init", "--demo"])
    capsys.readouterr()
    code = main([*_as(home, "reviewer"), "check", "1", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert report["profile"] == "lingshou-approval" and report["case"].endswith("1号")
    assert all(f["basis"] for f in report["findings"])
    assert code == (1 if report["blocking"] else 0)
    assert main([*_as(home, "reviewer"), "check", "1", "--closing"]) == 1          # a case in its first stages cannot close
    out = capsys.readouterr().out
    assert "阻断" in out and "共 " in out
    assert main([*_as(home, "reviewer"), "check", "no-such-case"]) == 2


def test_simulate_then_ingest_headless(home, tmp_path, capsys):
    from jlclient.services.verify import verify
    main(["init", "--demo"])
    volume = tmp_path / "cam"
    assert main(["camera", "simulate", str(volume), "--layout", "dcim-imp", "--segments", "2", "--skew", "90",
                 "--broken", "--serial", "DSJ0001"]) == 0     # the demo's registered camera
    capsys.readouterr()
    assert main([*_as(home, "officer"), "ingest", str(volume), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["camera"] == "DSJ0001" and report["complete"]
    assert 85 <= report["clock_offset_s"] <= 95 and report["clock_drift"]      # beyond the 30 s default
    assert report["registered"] == "IN_SERVICE" and report["analysed"] == 3
    statuses = [f["status"] for f in report["files"]]
    assert statuses.count("stored") == 3
    assert any(f["unreadable"] for f in report["files"])      # the broken file is kept, flagged
    assert main([*_as(home, "officer"), "ingest", str(volume)]) == 0                 # again: everything skipped
    out = capsys.readouterr().out
    assert out.count("此前已导入") == 3 and "skipped" not in out
    assert main([*_as(home, "officer"), "ingest", str(tmp_path)]) == 2
    from jlclient.services.context import AppContext
    ctx = AppContext.open()
    assert verify(ctx).ok
    ctx.close()


def test_print_a_record_headless(home, tmp_path, capsys):
    import subprocess
    main(["init", "--demo"])
    capsys.readouterr()
    from jlclient.services.context import AppContext
    ctx = AppContext.open()
    from sqlalchemy import select

    from jlclient.store.models import Case, TextRecord
    with ctx.db.read() as s:   # a demo application taken in at the window: its materials receipt
        number, party = s.execute(select(Case.number, Case.party_name).join(TextRecord, TextRecord.case_id == Case.id)
                                  .where(TextRecord.form == "materials_receipt").order_by(Case.id)).first()
    ctx.close()
    out = tmp_path / "receipt.pdf"
    clerk = _as(home, "clerk")
    assert main([*clerk, "print", "materials_receipt", "--case", number, "-o", str(out)]) == 0
    assert "已登记为案件电子记录" in capsys.readouterr().out
    text = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "材料接收凭证" in text and party in "".join(text.split())
    assert main([*clerk, "print", "no_such_form", "--case", number, "-o", str(out)]) == 2
    assert main([*clerk, "print", "hearing_notice", "--case", number, "-o", str(out)]) == 2
    assert "还没有" in capsys.readouterr().err


def test_bind_a_closed_case_and_print_its_papers_headless(home, tmp_path, capsys):
    import tests.support.case_builder as cb
    from jlclient.domain.model import Procedure
    from jlclient.services import auth, compliance, setup
    from jlclient.services.context import AppContext
    from tests.support.pdf import pdftotext, squash
    main(["init", "--demo"])
    ctx = AppContext.open()
    case_id = cb.build_case(ctx, Procedure.PENALTY)
    compliance.close_case(ctx, auth.login(ctx, "officer", setup.DEMO_PASSWORD), case_id, cb.version(ctx, case_id))
    from jlclient.services.cases import case_detail
    number = case_detail(ctx, case_id).row.number
    ctx.close()
    capsys.readouterr()
    assert main([*_as(home, "officer"), "volume", number]) == 2
    assert "档案管理员" in capsys.readouterr().err
    archivist = _as(home, "archivist")
    assert main([*archivist, "volume", number, "--fonds", "J012"]) == 0
    said = capsys.readouterr().out
    assert "归档号" in said and "-0001" in said and "永久" in said
    assert main([*archivist, "volume", number]) == 2
    assert "已经立卷" in capsys.readouterr().err
    for kind, expected in (("cover", "J012"), ("index", "行政处罚决定书"), ("spine", "J012"), ("av_note", "SHA-256")):
        out = tmp_path / f"{kind}.pdf"
        assert main([*archivist, "print", kind, "--case", number, "-o", str(out)]) == 0
        assert expected in squash(pdftotext(out.read_bytes())), kind
    assert "已登记为案件电子记录" in capsys.readouterr().out
