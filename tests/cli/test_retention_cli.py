"""`jlclient retention register` as an operator runs it: the disposal register listed in words, and
printed as 销毁清册 (PDF with the signature lines, every font embedded); a bad date is refused in Chinese."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

import tests.support.case_builder as cb
from jlclient.cli import main
from jlclient.clock import today
from jlclient.services import auth, retention, setup
from jlclient.services.context import AppContext
from jlclient.store.audit import utcnow
from tests.cli.test_cli_words import assert_for_people
from tests.support.cli import signed_in
from tests.support.pdf import fonts, pdftotext


@pytest.fixture
def disposed(tmp_path, monkeypatch, capsys) -> str:
    """The demo under seed 003's profile with one expired recording of 李娜's disposed of by 周杰."""
    monkeypatch.setenv("JL_HOME", str(tmp_path / "jl"))
    monkeypatch.delenv("JL_DATABASE_URL", raising=False)
    assert main(["init", "--demo"]) == 0
    ctx = AppContext.open()
    try:
        setup.set_profile(ctx, "cli:test", "changli-dapuhe")
        av_id = cb.add_av(ctx, None, None, officer="李娜", camera="DSJ0009", start=utcnow() - timedelta(days=250))
        assert retention.dispose(ctx, auth.login(ctx, "approver", setup.DEMO_PASSWORD), [av_id]).disposed == (av_id,)
        [entry] = retention.register(ctx)
    finally:
        ctx.close()
    capsys.readouterr()
    return entry.file_name


def test_the_register_is_listed_and_printed(disposed, tmp_path, capsys):
    pdf = tmp_path / "销毁清册.pdf"
    assert main([*signed_in(tmp_path, "archivist"), "retention", "register", "--pdf", str(pdf)]) == 0
    out = capsys.readouterr().out
    assert disposed in out and "李娜" in out and "周杰批准" in out and "文件内容已销毁" in out
    assert "《昌黎县大蒲河镇行政执法全过程记录实施办法》第十二条" in out and "共 1 条销毁登记" in out
    assert_for_people(out)
    flat = "".join(pdftotext(pdf.read_bytes()).split())
    for words in ("音像记录销毁清册", disposed, "周杰", "批准人（负责人）签名", "销毁执行人签名"):
        assert words in flat, words
    assert all(row.split()[-5] == "yes" for row in fonts(pdf.read_bytes(), tmp_path))

    assert main([*signed_in(tmp_path, "archivist"), "retention", "register", "--json", "--from", f"{today():%Y%m%d}"]) == 0
    [entry] = json.loads(capsys.readouterr().out)
    assert entry["file"] == disposed and entry["destroyed"] is True and entry["approved_by"] == "周杰"
    assert main([*signed_in(tmp_path, "archivist"), "retention", "register", "--to", "2020-01-31"]) == 0
    assert "共 0 条销毁登记" in capsys.readouterr().out


def test_a_bad_date_is_refused_in_chinese(disposed, tmp_path, capsys):
    with pytest.raises(SystemExit) as done:
        main([*signed_in(tmp_path, "archivist"), "retention", "register", "--from", "2026-13-01"])
    assert done.value.code == 2 and "不是有效的日期" in capsys.readouterr().err
    assert main([*signed_in(tmp_path, "archivist"), "retention", "register", "--from", "2026-12-02", "--to", "2026-12-01"]) == 2
    assert "起始日期不能晚于截止日期" in capsys.readouterr().err
