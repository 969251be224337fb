"""The command line in words for people (issue 13): help and errors in Chinese, cases listed and shown by
any form of their number, citations naming the regulation, and no code, key or ISO time in human output."""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys

import pytest
from sqlalchemy import select

from jlclient.cli import build_parser, main
from tests.support.cli import signed_in

# argparse's own English, and what a leak of internal words looks like
ENGLISH = re.compile(r"usage:|positional arguments|optional arguments|options:|show this help|error:|"
                     r"the following arguments|invalid choice|expected one argument|unrecognized arguments|"
                     r"invalid int value")
ENUM_VALUES = re.compile(r"\b(PERMIT|PENALTY|COERCION|INSPECTION|INITIATION|ACCEPTANCE|INVESTIGATION|DECISION|"
                         r"SERVICE|EXECUTION|ARCHIVING|OPEN|CLOSED|ON_APPLICATION|EX_OFFICIO)\b")
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
USER_KEY = re.compile(r"\buser:\w+")


def assert_for_people(text: str) -> None:
    assert "seed" not in text and "Art." not in text, text
    assert not ENUM_VALUES.search(text), ENUM_VALUES.search(text)
    assert not ISO_TIME.search(text), text
    assert not USER_KEY.search(text), text


AS: list[str] = []     # the demo fixture signs the reviewer in: cases are read as a signed-in user


@pytest.fixture
def demo(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JL_HOME", str(tmp_path / "jl"))
    monkeypatch.delenv("JL_DATABASE_URL", raising=False)
    assert main(["init", "--demo"]) == 0
    capsys.readouterr()
    AS[:] = signed_in(tmp_path, "reviewer")
    from jlclient.services.context import AppContext
    from jlclient.store.models import Case
    ctx = AppContext.open()
    with ctx.db.read() as s:
        numbers = {c.id: c.number for c in s.scalars(select(Case))}
    ctx.close()
    return numbers


def _subparsers(parser: argparse.ArgumentParser, path=()):
    """(command path, parser) of every command and subcommand."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _subparsers(child, (*path, name))


COMMANDS = [path for path, _ in _subparsers(build_parser())]


def test_the_top_help_is_chinese_as_a_command(tmp_path):
    out = subprocess.run([sys.executable, "-m", "jlclient", "--help"], capture_output=True, text=True,
                         env={**os.environ, "JL_HOME": str(tmp_path / "jl")})
    assert out.returncode == 0
    assert out.stdout.startswith("用法：jlclient") and "选项：" in out.stdout and "显示本帮助并退出" in out.stdout
    assert not ENGLISH.search(out.stdout), ENGLISH.search(out.stdout)


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "jlclient")
def test_every_help_is_chinese(path, capsys):
    with pytest.raises(SystemExit) as done:
        main([*path, "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("用法：") and "-h, --help" in text and "显示本帮助并退出" in text
    assert not ENGLISH.search(text), ENGLISH.search(text)


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "jlclient")
def test_every_argument_has_a_chinese_help_text(path):
    parser = dict(_subparsers(build_parser()))[path]
    for action in parser._actions:
        assert action.help and re.search(r"[\u4e00-\u9fff]", action.help), (path, action.dest)
        if action.option_strings == [] and not isinstance(action, argparse._SubParsersAction):
            assert re.search(r"[\u4e00-\u9fff]", action.metavar or ""), (path, action.dest)   # 用法 shows it


@pytest.mark.parametrize(("argv", "said"), [
    (["users", "add"], "缺少必需的参数：用户名, --roles"),
    (["case", "nope"], "无效的选择 'nope'"),
    (["print", "receipt", "--case", "1", "-o", "x.pdf", "--spine-mm", "abc"], "'abc' 不是有效的整数"),
    (["--bogus"], "无法识别的参数：--bogus"),
    (["export", "1"], "参数 --bag --iso 必须填写其中之一"),
    (["users", "add", "bob", "--roles"], "参数 --roles：需要填写一个值"),
])
def test_usage_errors_are_chinese(argv, said, capsys):
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("用法：") and "错误：" in err and said in err, err
    assert not ENGLISH.search(err), err


def test_case_list_in_words_and_as_json(demo, capsys):
    assert main([*AS, "case", "list"]) == 0
    out = capsys.readouterr().out
    for number in demo.values():
        assert number in out
    assert "行政许可 · 受理 · 办理中" in out and "行政处罚" in out and "已结案" in out
    assert re.search(r"立案：\d{4}-\d{2}-\d{2} \d{2}:\d{2}", out) and f"共 {len(demo)} 件" in out
    assert_for_people(out)
    assert main([*AS, "case", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["number"] for r in rows} == set(demo.values())
    assert set(rows[0]) == {"id", "number", "title", "procedure", "stage", "status", "party", "matter", "opened_at"}
    assert {r["procedure"] for r in rows} == {"PERMIT", "PENALTY"} and rows[0]["opened_at"].endswith("Z")


def _shown(capsys) -> str:
    out = capsys.readouterr().out
    assert_for_people(out)
    return out


def test_case_show_in_words_for_every_case(demo, capsys):
    for number in demo.values():
        assert main([*AS, "case", "show", number]) == 0
        out = _shown(capsys)
        assert out.startswith(number) and "当前环节：" in out and "状态：" in out and "立案时间：" in out


@pytest.mark.parametrize("form", ["{p}〔{y}〕{n}号", "{p}[{y}]{n}号", "{p}({y}){n}号", "{p}（{y}）{n}号",
                                  "{p}【{y}】{n}号", "{p}〔{y}〕{n}", "〔{y}〕{n}号", "[{y}]{n}", "（{y}）{n}号"])
def test_case_show_takes_any_bracket_form(demo, capsys, form):
    number = next(n for n in demo.values() if n.endswith("5号"))
    prefix, year = re.match(r"(.+)〔(\d{4})〕", number).groups()
    assert main([*AS, "case", "show", form.format(p=prefix, y=year, n=5)]) == 0
    assert any(line.startswith(f"{number}  ") for line in _shown(capsys).splitlines()[:2])


def test_case_show_5_shows_5hao_and_says_so(demo, capsys):
    """The old bug: ``case show 5`` showed 4号 (the case whose id is 5). A number wins, and the
    output says which case it is and that id 5 is another."""
    five = next(n for n in demo.values() if n.endswith("5号"))
    assert demo[5] != five                                    # the demo numbers procedures apart
    assert main([*AS, "case", "show", "5"]) == 0
    out = _shown(capsys)
    lines = out.splitlines()
    assert lines[0].startswith("说明：按案号显示 " + five) and demo[5] in lines[0]
    assert lines[1].startswith(five)
    assert main([*AS, "case", "show", "#5"]) == 0                  # the internal id, asked for as such
    assert _shown(capsys).startswith(demo[5])


def test_an_ambiguous_or_missing_case_gets_a_chinese_message(demo, capsys):
    year = re.search(r"〔(\d{4})〕", demo[1]).group(1)
    assert main([*AS, "case", "show", f"〔{year}〕1号"]) == 2     # 许 and 罚 are both 1号 this year
    err = capsys.readouterr().err
    assert "对应多个案件" in err and "请填写完整案号" in err and "Traceback" not in err
    for ref in ("99", "灵行审许〔2026〕99号", "abc", "#999"):
        assert main([*AS, "case", "show", ref]) == 2
        err = capsys.readouterr().err
        assert err.startswith("错误：没有案件") and "Traceback" not in err, err


def test_a_missing_case_exits_non_zero_without_a_traceback(demo, tmp_path):
    out = subprocess.run([sys.executable, "-m", "jlclient", *AS, "case", "show", "灵行审许〔2026〕99号"],
                         capture_output=True, text=True, env={**os.environ, "JL_HOME": os.environ["JL_HOME"]})
    assert out.returncode == 2 and "错误：没有案件" in out.stderr and "Traceback" not in out.stderr


def test_check_cites_the_regulation_in_words(demo, capsys):
    penalty = next(n for n in demo.values() if "罚" in n)
    assert main([*AS, "check", penalty, "--closing"]) == 1
    out = capsys.readouterr().out
    assert "当前环节：调查取证/审查" in out
    assert "《灵寿县行政审批局行政执法全过程记录办法》第八条" in out
    assert "《中华人民共和国行政处罚法》第五十四条" in out
    assert_for_people(out)
    assert main([*AS, "check", penalty, "--json"]) == 1                 # JSON keeps the short form and codes
    report = json.loads(capsys.readouterr().out)
    assert report["stage"] == "INVESTIGATION" and any("seed 000 Art. 8" in f["basis"] for f in report["findings"])


def test_deadlines_and_profiles_cite_in_words(demo, capsys):
    assert main([*AS, "deadlines"]) == 0
    out = capsys.readouterr().out
    assert "《中华人民共和国行政处罚法》第六十条" in out
    assert_for_people(out)
    assert main(["profile", "list"]) == 0
    out = capsys.readouterr().out
    assert "《灵寿县行政审批局行政执法全过程记录办法》" in out and "seed" not in out
