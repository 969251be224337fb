"""`jlclient`: the headless twin of the UI. With no arguments it starts the GUI."""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Iterator

from jlclient.domain.model import DataFileError
from jlclient.services.context import AppContext, ServiceError, cli_actor

# argparse's own words (its gettext messages), in Chinese: the help, usage and errors a person reads
_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "多余的值 %r",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "参数 %s 必须填写其中之一",
    "expected one argument": "需要填写一个值",
    "expected at most one argument": "最多只能填写一个值",
    "expected at least one argument": "至少需要填写一个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是：%(matches)s",
    "unexpected option string: %s": "意外的选项：%s",
    "invalid %(type)s value: %(value)r": "%(value)r 不是有效的%(type)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择 %(value)r（可选：%(choices)s）",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "未知的命令 %(parser_name)r（可选：%(choices)s）",
}


@contextmanager
def _chinese() -> Iterator[None]:
    """argparse looks its words up through ``argparse._`` / ``argparse.ngettext`` when it needs them:
    while our parser works they come from _ZH (the module is restored afterwards)."""
    saved = argparse._, argparse.ngettext
    argparse._ = lambda text: _ZH.get(text, text)
    argparse.ngettext = lambda one, many, n: "需要填写 %s 个值" if one == "expected %s argument" else saved[1](one, many, n)
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


def _typed(convert, name: str):
    """A type for argparse whose name in its error message is Chinese (``'abc' 不是有效的整数``)."""
    def parse(text: str):
        return convert(text)
    parse.__name__ = name
    return parse


_INT, _FLOAT = _typed(int, "整数"), _typed(float, "数字")
_DAY = _typed(date.fromisoformat, "日期（如 2026-12-01）")


_NO_LINE_START = set("）》」』】〕，。、；：！？”’")


def _cells(text: str) -> int:
    """Terminal columns: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class _Formatter(argparse.HelpFormatter):
    """argparse's layout measured in terminal columns, so Chinese help lines up and wraps in time."""

    def add_argument(self, action):
        super().add_argument(action)
        if action.help is not argparse.SUPPRESS:
            width = _cells(self._format_action_invocation(action)) + self._current_indent
            self._action_max_length = max(self._action_max_length, width)

    def _format_action(self, action):
        help_position = min(self._action_max_length + 2, self._max_help_position)
        help_width = max(self._width - help_position, 11)
        action_width = help_position - self._current_indent - 2
        header = self._format_action_invocation(action)
        indent = " " * self._current_indent
        parts = []
        if not action.help:
            parts.append(f"{indent}{header}\n")
        else:
            lines = self._split_lines(self._expand_help(action), help_width) or [""]
            if _cells(header) <= action_width:
                parts.append(f"{indent}{header}{' ' * (action_width - _cells(header))}  {lines[0]}\n")
            else:
                parts.append(f"{indent}{header}\n{' ' * help_position}{lines[0]}\n")
            parts.extend(f"{' ' * help_position}{line}\n" for line in lines[1:])
        for subaction in self._iter_indented_subactions(action):
            parts.append(self._format_action(subaction))
        return self._join_parts(parts)

    def _split_lines(self, text: str, width: int) -> list[str]:
        """Break between Chinese characters or at spaces, never inside a Latin word or a code, and
        never before closing punctuation."""
        lines, line = [], ""
        for token in re.findall(r"[!-~]+|\s|.", " ".join(text.split())):
            if line and _cells(line + token) > width and token not in _NO_LINE_START:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
        return [*lines, line] if line else lines


class ChineseParser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Chinese: section titles, usage, -h/--help and every error."""

    def __init__(self, *args, **kwargs):
        kwargs["add_help"] = False
        kwargs.setdefault("formatter_class", _Formatter)
        with _chinese():
            super().__init__(*args, **kwargs)
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def parse_known_args(self, args=None, namespace=None):
        with _chinese():
            return super().parse_known_args(args, namespace)

    def parse_args(self, args=None, namespace=None):
        with _chinese():
            return super().parse_args(args, namespace)

    def format_usage(self) -> str:
        with _chinese():
            return super().format_usage()

    def format_help(self) -> str:
        with _chinese():
            text = super().format_help()
        return re.sub(r"^(\S[^\n]*):$", r"\1：", text, flags=re.MULTILINE)   # section titles: 选项：

    def error(self, message: str):
        with _chinese():
            self.print_usage(sys.stderr)
            self.exit(2, f"{self.prog}：错误：{message}\n")


def _password(args, prompt: str = "密码：") -> str:
    """From standard input with --password-stdin (automation), else asked twice on the terminal."""
    if getattr(args, "password_stdin", False) or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    import getpass
    first = getpass.getpass(prompt)
    if getpass.getpass("再输入一次：") != first:
        raise ServiceError("两次输入的密码不一致")
    return first


def cmd_init(args, ctx: AppContext) -> int:
    """The one command without a user, and only while no account exists: whoever runs it creates the
    first administrator (or the demo users), so on a database with users it would hand out the keys."""
    from jlclient.services import setup
    if setup.has_users(ctx):
        raise ServiceError("数据库已初始化并已有用户，不能再次初始化；如需新的数据库，请使用新的数据目录（JL_HOME）")
    if not setup.is_initialised(ctx):
        setup.initialise(ctx, cli_actor(), args.profile)
        print(f"已初始化：{ctx.paths.database_url}（规则配置 {args.profile}）")
    if args.demo:
        setup.seed_demo(ctx, cli_actor())
        print(f"已写入演示数据：{len(setup.DEMO_USERS)} 个用户（密码均为 {setup.DEMO_PASSWORD}）和演示案件")
    else:
        from jlclient.domain.model import Role
        from jlclient.services import users
        print("创建系统管理员 admin。")
        users.add_user(ctx, cli_actor(), "admin", "系统管理员", _password(args), frozenset({Role.ADMIN}))
        print("已创建系统管理员 admin")
    return 0


def cmd_verify(args, ctx: AppContext) -> int:
    from jlclient.services import anchors
    from jlclient.services.verify import verify
    if args.new_key:
        user = getattr(args, "current_user", None)
        if user is None:
            raise ServiceError("生成检查点签名密钥须由系统管理员登录后操作：jlclient --user 用户名 verify --new-key")
        key = anchors.new_key(ctx, user)
        print(f"已生成本工作站新的检查点签名密钥：{key.key_id}（公钥指纹 {key.fingerprint}）；旧密钥的检查点仍可核对")
    if args.checkpoint:
        cp = anchors.checkpoint_now(ctx)
        if cp is not None and not args.json:
            print(f"已写入{cp.name(anchors.local_time(cp))}")
    if args.anchors is not None and not Path(args.anchors).is_dir():
        raise ServiceError(f"找不到检查点文件夹：{args.anchors}")
    report = verify(ctx, args.anchors)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    elif report.ok:
        print(f"校验通过：审计记录 {report.entries} 条，数据行 {report.records} 行，证据文件 {report.files} 个，"
              f"签名检查点 {report.checkpoints} 个")
    else:
        print(f"校验失败：{report.problem}", file=sys.stderr)
        for problem in report.problems[1:]:
            print(f"另有问题：{problem}", file=sys.stderr)
    if not args.json:
        if report.key_id:
            print(f"本工作站的检查点签名密钥：{report.key_id}（公钥指纹 {report.key_fingerprint}）")
        for warning in report.warnings:
            print(f"注意：{warning}", file=sys.stderr)
    return 0 if report.ok else 1


def cmd_users(args, ctx: AppContext) -> int:
    from jlclient.services import users
    actor = args.current_user.actor
    if args.action == "list":
        rows = users.list_users(ctx)
        if args.json:
            print(json.dumps([{"username": u.username, "name": u.display_name, "roles": sorted(r.value for r in u.roles),
                               "active": u.active, "cert_no": u.cert_no} for u in rows], ensure_ascii=False, indent=2))
        for u in rows if not args.json else ():
            state = "" if u.active else "（已停用）"
            print(f"{u.username:<12} {u.display_name:<12} {u.role_labels}{state}")
    elif args.action == "add":
        roles = users.parse_roles(args.roles)
        users.add_user(ctx, actor, args.username, args.name or args.username, _password(args), roles,
                       cert_no=args.cert_no or "", unit=args.unit or "")
        print(f"已添加用户 {args.username}")
        _warn_duties(users.role_warnings(roles))
    elif args.action == "passwd":
        users.set_password(ctx, actor, args.username, _password(args, "新密码："))
        print(f"已修改 {args.username} 的密码")
    elif args.action == "roles":
        warnings = users.set_roles(ctx, actor, args.username, users.parse_roles(args.roles))
        print(f"已修改 {args.username} 的角色")
        _warn_duties(warnings)
    elif args.action in ("disable", "enable"):
        users.set_active(ctx, actor, args.username, args.action == "enable")
        print(f"已{'启用' if args.action == 'enable' else '停用'} {args.username}")
    elif args.action == "unlock":
        users.unlock(ctx, actor, args.username)
        print(f"已解锁 {args.username}")
    elif args.action == "token":
        return _service_tokens(args, ctx)
    return 0


def _service_tokens(args, ctx: AppContext) -> int:
    """Service accounts: made, listed and revoked by an administrator; a token is shown only once."""
    from jlclient.clock import local
    from jlclient.services import auth
    if args.token_action == "create":
        token = auth.create_token(ctx, args.current_user, args.name, auth.parse_token_commands(args.commands))
        print(f"已创建服务令牌“{args.name.strip()}”，可用于：{'、'.join(auth.parse_token_commands(args.commands))}")
        print("令牌只显示这一次，请保存到该工作站的令牌文件中（jlclient --token-file 文件 命令 …）：")
        print(token)
    elif args.token_action == "revoke":
        auth.revoke_token(ctx, args.current_user, args.name)
        print(f"已撤销服务令牌“{args.name.strip()}”")
    else:
        rows = auth.list_tokens(ctx)
        for r in rows:
            state = f"已于 {local(r.revoked_at):%Y-%m-%d %H:%M} 撤销" if r.revoked_at else "有效"
            print(f"{r.name}  可用于：{'、'.join(r.commands)}  创建：{local(r.created_at):%Y-%m-%d %H:%M}  {state}")
        print(f"共 {len(rows)} 个服务令牌")
    return 0


def _warn_duties(warnings: list[str]) -> None:
    """Roles that let one person check their own work: assigned, and said plainly (issue 14)."""
    for warning in warnings:
        print(f"注意（职责分离）：{warning}。请确认确有必要；本人承办案件的法制审核将被拒绝。")


def cmd_profile(args, ctx: AppContext) -> int:
    from jlclient.services import setup
    from jlclient.services.profiles import list_profiles
    from jlclient.domain.profile_summary import profile_label
    if args.action == "list":
        for p in list_profiles():
            print(f"{p.key:<22} {profile_label(p)}")
        return 0
    setup.set_profile(ctx, args.current_user.actor, args.key)
    from jlclient.services.profiles import load_profile
    print(f"已选用规则配置 {args.key}：{profile_label(load_profile(args.key))}")
    return 0


def cmd_deadlines(args, ctx: AppContext) -> int:
    """Running deadlines of every user's cases, or with --mine of the signed-in user's, most urgent first."""
    from jlclient.services import deadlines, users
    names = [args.current_user.username] if args.mine else [u.username for u in users.list_users(ctx)]
    seen, views = set(), []
    for name in names:
        for v in deadlines.my_deadlines(ctx, name):
            if (v.case_id, v.rule_code) not in seen:
                seen.add((v.case_id, v.rule_code))
                views.append(v)
    views.sort(key=lambda v: (v.due, v.case_number))
    if args.json:
        print(json.dumps([{"case": v.case_number, "deadline": v.rule_code, "label": v.label, "start": v.start.isoformat(),
                           "due": v.due.isoformat(), "status": v.status.value, "basis": v.basis, "note": v.note}
                          for v in views], ensure_ascii=False, indent=2))
        return 0
    from jlclient.domain.citation import in_words
    from jlclient.services.citations import read_titles
    titles = read_titles(ctx)
    for v in views:
        print(f"{v.due:%Y-%m-%d}  {v.status.label:<4}  {v.case_number}  {v.label}：{in_words(v.basis, titles)}")
    return 0


def _when(at) -> str:
    """A stored (UTC) time as the agency's local time, as people write it."""
    from jlclient.clock import local
    return local(at).strftime("%Y-%m-%d %H:%M") if at else "—"


def cmd_case(args, ctx: AppContext) -> int:
    """Cases: the list, one case, and data exchange with provincial platforms as jlclient.case/1 JSON
    (docs/case-json.md)."""
    from jlclient.services import exchange
    if args.action == "import":
        row = exchange.import_case(ctx, args.current_user.actor, exchange.load_json(args.file))
        print(f"已导入案件 {row.number}（{row.title}）")
        return 0
    if args.action == "list":
        return _case_list(args, ctx)
    if args.json:
        print(exchange.dumps(exchange.export_case(ctx, args.case)))
        return 0
    return _case_show(ctx, args.case)


def _case_list(args, ctx: AppContext) -> int:
    from jlclient.services.cases import CaseQuery, count_cases, fetch_cases
    with ctx.db.read() as s:
        query = CaseQuery(sort="opened_at", descending=False)
        rows = fetch_cases(s, query, 0, count_cases(s, query))
    if args.json:
        print(json.dumps([{"id": r.id, "number": r.number, "title": r.title, "procedure": r.procedure.value,
                           "stage": r.stage.value, "status": r.status.value, "party": r.party_name,
                           "matter": r.matter, "opened_at": _utc_iso(r.opened_at)} for r in rows],
                         ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("没有案件")
        return 0
    for r in rows:
        print(f"{r.number}  {r.title}\n  {r.procedure.label} · {r.stage.label} · {r.status.label}"
              f"  当事人：{r.party_name}  立案：{_when(r.opened_at)}")
    print(f"共 {len(rows)} 件")
    return 0


def _utc_iso(at) -> str | None:
    return at.isoformat(timespec="seconds") + "Z" if at else None


def _case_show(ctx: AppContext, ref: str) -> int:
    """One case in words: its facts, stages and records (``--json`` gives the exchange document)."""
    from jlclient.services.cases import case_detail, resolve_case
    with ctx.db.read() as s:
        case, note = resolve_case(s, ref)
        case_id = case.id
    d = case_detail(ctx, case_id)
    r = d.row
    if note:
        print(f"说明：{note}")
    print(f"{r.number}  {r.title}")
    for label, value in (("类别", f"{r.procedure.label}（{d.start_mode.label}）"), ("执法事项", r.matter),
                         ("当前环节", r.stage.label), ("状态", r.status.label), ("承办单位", r.handling_unit or "—"),
                         ("当事人", "；".join(f"{name}（{role}）" for role, name in d.parties) or "—"),
                         ("执法人员", "；".join(f"{name}（执法证号 {cert}）" for name, cert in d.officers) or "—"),
                         ("立案时间", _when(r.opened_at))):
        print(f"  {label}：{value}")
    marks = {"done": "✔", "current": "▶", "pending": "○"}
    print("  环节：" + "  ".join(f"{marks.get(v.state, '○')}{v.stage.label}"
                                 + (f"（{_when(v.entered_at)}）" if v.entered_at else "") for v in d.stages))
    print(f"  记录：共 {len(d.records)} 件")
    for rec in d.records:
        stage = rec.stage.label if rec.stage else "—"
        print(f"    {_when(rec.at)}  {rec.kind}  [{stage}] {rec.title}" + (f"  {rec.detail}" if rec.detail else ""))
    return 0


def cmd_check(args, ctx: AppContext) -> int:
    """The compliance check of one case; exit 1 when a blocking finding stands (automation can gate on it)."""
    from jlclient.services import cases, compliance
    with ctx.db.read() as s:
        case = cases.find_case(s, args.case)
        number, title, stage, case_id = case.number, case.title, case.stage, case.id
        profile = compliance.agency_profile(s)
    findings = compliance.check_case(ctx, case_id, closing=args.closing)
    blocking = [f for f in findings if f.blocking]
    if args.json:
        print(json.dumps({"case": number, "stage": stage, "profile": profile.key, "closing": args.closing,
                          "blocking": len(blocking), "warnings": len(findings) - len(blocking),
                          "findings": [f.as_dict() for f in findings]}, ensure_ascii=False, indent=2))
    else:
        from jlclient.domain.model import Stage
        from jlclient.domain.profile_summary import profile_label
        from jlclient.services.citations import read_titles
        titles = read_titles(ctx)
        print(f"{number}  {title}  当前环节：{Stage(stage).label}  "
              f"规则配置：{profile_label(profile, titles.get(profile.seed))}")
        for f in findings:
            ref = f"  记录 #{f.record_id}" if f.record_id else f"  音像 #{f.av_record_id}" if f.av_record_id else ""
            print(f"  {f.severity.label}  {f.text(titles)}{ref}")
        print(f"共 {len(findings)} 项：阻断 {len(blocking)} 项，提醒 {len(findings) - len(blocking)} 项"
              if findings else "未发现问题")
    return 1 if blocking else 0


def cmd_camera(args) -> int:
    """Write a simulated camera volume (for the demo, training and tests)."""
    from jlclient.devices.simulator import serial_for, simulate
    serial = args.serial or serial_for(Path(args.dir))
    written = simulate(Path(args.dir), args.layout, officer=args.officer, serial=serial, segments=args.segments,
                       gap_minutes=args.gap, skew_seconds=args.skew, important=args.important, broken=args.broken)
    print(f"已在 {args.dir} 写入模拟执法记录仪 {serial}（{args.layout}）：{len(written)} 个文件")
    return 0


INGEST_EXIT = ("退出码：0 全部文件已拷贝、校验并登记；1 有文件未完成（重新接入后继续）；"
               "2 不是可识别的记录仪或输入被拒绝；3 内部错误（请把错误信息交给系统管理员）")


def cmd_ingest(args, ctx: AppContext) -> int:
    """The dock's pull, headless (unattended docking stations): per-file results. The exit code tells
    an unattended station complete (0), incomplete (1), refused (2) and internal error (3) apart."""
    try:
        return _ingest(args, ctx)
    except (ServiceError, DataFileError):
        raise   # refused input: exit 2 with its message
    except Exception as exc:  # noqa: BLE001 - the station must tell a crash from an incomplete pull
        print(f"内部错误：{type(exc).__name__}：{exc}（已拷贝登记的文件不受影响，重新接入后会继续）", file=sys.stderr)
        return 3


def _ingest(args, ctx: AppContext) -> int:
    from jlclient.devices.layouts import recognise
    from jlclient.devices.pull import pull, shown
    from jlclient.services import analysis
    from jlclient.services.cameras import dock_found
    found = recognise(Path(args.source))
    if found is None:
        raise ServiceError(f"{args.source} 不是可识别的执法记录仪（没有匹配的目录结构或设备信息文件）")
    actor = args.current_user.actor
    view, docked, files = dock_found(ctx, actor, found)
    report = pull(ctx, actor, docked, files)
    analysed = analysis.analyse_pending(ctx, actor)   # dark spans and thumbnails of what is new
    if args.json:
        print(json.dumps({"camera": docked.serial, "layout": found.layout.key,
                          "clock_offset_s": None if docked.clock_note else docked.clock_offset_s,
                          "clock_note": docked.clock_note,
                          "registered": view.camera.status.value, "clock_drift": view.camera.drift_flagged,
                          "analysed": analysed,
                          "complete": report.complete,
                          "files": [vars(r) for r in report.results]}, ensure_ascii=False, indent=2))
    else:
        clock = docked.clock_note or (f"时钟偏差 {docked.clock_offset_s:+.0f} 秒"
                                      f"{'，超出允许范围，请校准时钟' if view.camera.drift_flagged else ''}")
        print(f"记录仪 {shown(docked.serial)}（{found.layout.name}，{view.camera.status.label}），{clock}")
        _print_results(report)
        print("全部文件已拷贝、校验并登记" if report.complete else "有文件未完成，重新接入后可继续")
    return 0 if report.complete else 1


def _print_results(report) -> None:
    """One line a file; control characters in a name are escaped, so no name can fake a line."""
    from jlclient.devices.pull import shown
    for r in report.results:
        extra = r.message or (f"无法播放：{r.unreadable}" if r.unreadable
                             else f"SHA-256 {r.sha256[:16]}…" if r.sha256 else "")
        print(f"  {r.label}  {shown(r.path)}  {shown(extra)}")


def cmd_import_cctv(args, ctx: AppContext) -> int:
    """Hall CCTV exported from the NVR, taken in headless (a scheduled job at the hall, as a service account)."""
    from jlclient.printing.labels import size_text
    from jlclient.services import hall_cctv
    export = hall_cctv.scan(args.source)
    report = hall_cctv.import_export(ctx, args.current_user, export, args.location)
    if args.json:
        print(json.dumps({"export": str(export.root), "complete": report.complete,
                          "files": [vars(r) for r in report.results]}, ensure_ascii=False, indent=2))
    else:
        print(f"{export.root}：{len(export.files)} 个监控录像文件，共 {size_text(export.size)}")
        _print_results(report)
        print(hall_cctv.summary(report) + ("" if report.complete else "（可重新导入，已导入的不会重复登记）"))
    return 0 if report.complete else 1


def cmd_print(args, ctx: AppContext) -> int:
    """A record or an archive paper of a case as a PDF, headless; kept as an electronic record of the
    case like a UI print."""
    from jlclient.services import archiving
    from jlclient.services.printing import print_form
    user = args.current_user
    if args.form in archiving.PAPERS:
        printed = archiving.print_paper(ctx, user.actor, user.display_name, args.case, args.form,
                                        spine_mm=args.spine_mm, place=args.place or "")
    else:
        printed = print_form(ctx, user.actor, args.form, args.case)
    Path(args.output).write_bytes(printed.pdf)
    print(f"已打印“{printed.title}”到 {args.output}（SHA-256 {printed.sha256[:16]}…，已登记为案件电子记录）")
    return 0


def cmd_volume(args, ctx: AppContext) -> int:
    """Bind a closed case as a volume, filed by the signed-in archivist. With --reason the signed-in
    approver first approves binding despite the findings (and binds too when also an archivist)."""
    from jlclient.domain.archiving import FILERS
    from jlclient.services import archiving
    user = args.current_user
    case_id = _case_id(ctx, args.case)
    if args.reason is not None:      # the approver's written reason to bind despite findings, before binding
        archiving.approve_binding(ctx, user, case_id, args.reason)
        if not user.has(*FILERS):
            print(f"已批准带问题立卷（理由：{args.reason.strip()}），请档案管理员立卷")
            return 0
    v = archiving.build_volume(ctx, user, case_id, retention=args.retention,
                               fonds_no=args.fonds, catalogue_no=args.catalogue, notes=args.notes or "")
    print(f"已立卷：{v.case_number} 归档号 {v.archive_number}，第 {v.box_no} 盒，保管期限 {v.retention}，"
          f"共 {v.items} 件 {v.pages} 页")
    print(f"卷内备考表：{v.notes or archiving.COMPLETE}")
    return 0


def _byte_progress(verb: str):
    """Progress on the terminal (standard error), when there is one."""
    if not sys.stderr.isatty():
        return None
    last = [-1]

    def show(done: int, total: int) -> None:
        percent = int(done * 100 / total) if total else 100
        if percent != last[0]:
            last[0] = percent
            print(f"\r{verb} {percent}%", end="" if percent < 100 else "\n", file=sys.stderr, flush=True)
    return show


def cmd_export(args, ctx: AppContext) -> int:
    """A case as a BagIt bag (folder) or an ISO image with its disc label, headless; audited."""
    from jlclient.services import export
    user = args.current_user     # what footage may leave follows the signed-in user's viewing rules
    export.require_exporter(user)
    case_id = _case_id(ctx, args.case)
    run = export.export_bag if args.bag else export.export_iso
    try:
        result = run(ctx, user, case_id, args.bag or args.iso, place=args.place or "",
                     progress=_byte_progress("导出"))
    except KeyboardInterrupt:
        print("\n已中断：导出未完成，已写入的文件已删除，未作记录", file=sys.stderr)
        return 130
    what = "BagIt 包" if result.kind == "bag" else "ISO 光盘映像"
    print(f"已导出案件 {result.case_number} 的 {what}：{result.path}")
    print(f"  文件 {result.files} 个，{result.bytes} 字节；manifest-sha256.txt 的 SHA-256：{result.manifest_sha256}")
    if result.archive_number:
        print(f"  归档号：{result.archive_number}")
    if result.kind == "iso":
        print(f"  光盘标签：{result.label}" if result.label else "  本案没有可导出的音像记录，未生成光盘标签")
    for line in result.left_out:
        print(f"  未导出：{line}（见包内“未导出说明.txt”）")
    return 0


def cmd_verify_package(args, ctx: AppContext) -> int:
    """四性检测 of a bag folder or an ISO image; exit 1 naming each failure."""
    from jlclient.services import package_check
    report = package_check.check_package(args.path, None if args.no_db else ctx,
                                         progress=_byte_progress("检测"))
    package_check.save_report(report, args.pdf, args.report_json)
    if args.json:
        print(package_check.report_json(report), end="")
    elif report.ok:
        print(report.headline())
    else:
        print(report.headline(), file=sys.stderr)
        for finding in report.findings:
            print(f"  {finding}", file=sys.stderr)
    return 0 if report.ok else 1


def _case_id(ctx: AppContext, ref: str) -> int:
    from jlclient.services.cases import find_case
    with ctx.db.read() as s:
        return find_case(s, ref).id


def cmd_db_password(args) -> int:
    """Keep the PostgreSQL password in the OS keyring, never in a file."""
    import keyring
    from sqlalchemy.engine import make_url

    from jlclient.config import resolve
    from jlclient.store.db import KEYRING_SERVICE, keyring_user
    url = make_url(resolve().database_url)
    if url.get_backend_name() != "postgresql":
        raise ServiceError("JL_DATABASE_URL 未指向 PostgreSQL，无需保存数据库密码")
    keyring.set_password(KEYRING_SERVICE, keyring_user(url), _password(args, "数据库密码："))
    print(f"已将 {keyring_user(url)} 的密码保存到系统密钥环")
    return 0


def cmd_retention(args, ctx: AppContext) -> int:
    """The disposal register (销毁清册): listed, or printed as PDF with its signature lines."""
    from jlclient.clock import local
    from jlclient.printing.labels import size_text
    from jlclient.services import retention
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise ServiceError("起始日期不能晚于截止日期")
    entries = retention.register(ctx, args.date_from, args.date_to)
    if args.pdf:
        Path(args.pdf).write_bytes(retention.register_pdf(ctx, args.date_from, args.date_to))
    if args.json:
        print(json.dumps([{"approved_at": local(e.approved_at).isoformat(timespec="seconds"), "file": e.file_name,
                           "recorded_by": e.recorded_by, "recorded_on": e.recorded_on.isoformat() if e.recorded_on
                           else None, "size": e.size, "sha256": e.file_hash, "rule": e.rule,
                           "approved_by": e.approved_by, "destroyed": e.destroyed, "content": e.content}
                          for e in entries], ensure_ascii=False, indent=2))
        return 0
    for e in entries:
        print(f"{local(e.approved_at):%Y-%m-%d %H:%M}  {e.file_name}  {e.recorded_by or '（未登记）'}  "
              f"{size_text(e.size)}  SHA-256 {e.file_hash[:16]}…  {e.approved_by}批准  {e.content}")
        print(f"    依据：{e.rule}")
    print(f"共 {len(entries)} 条销毁登记" + (f"；销毁清册已保存到 {args.pdf}" if args.pdf else ""))
    return 0


def cmd_spot_check(args, ctx: AppContext) -> int:
    """The spot-check ledger (检查台账) of a period as PDF, and each plan's outcome in words."""
    from jlclient.domain.spot_check import UNCHECKED, tally
    from jlclient.services import spot_checks
    if args.date_from > args.date_to:
        raise ServiceError("起始日期不能晚于截止日期")
    pdf = spot_checks.ledger_pdf(ctx, args.date_from, args.date_to)
    Path(args.output).write_bytes(pdf)
    shown = spot_checks.ledger_plans(ctx, args.date_from, args.date_to)
    for p in shown:
        print(f"抽检计划 {p.id}：{p.scope}，录制期间 {p.period_from}～{p.period_to}，随机种子 {p.seed}，"
              f"抽样总体 {p.population} 件（范围内 {p.in_scope} 件），{p.size}")
        print(f"    {tally(r.result or UNCHECKED for r in p.recordings).words()}")
    print(f"共 {len(shown)} 个抽检计划；检查台账已保存到 {args.output}")
    return 0


def _command(sub, name: str, text: str) -> ChineseParser:
    """A subcommand whose own --help starts with what it does."""
    return sub.add_parser(name, help=text, description=text)


def _actions(parser: argparse.ArgumentParser):
    """The operations of a command (users add, case show…)."""
    return parser.add_subparsers(dest="action", required=True, metavar="操作", title="可用的操作",
                                 help="要执行的操作（各操作的用法：在操作后加 -h）")


def _json(parser: argparse.ArgumentParser, text: str = "以 JSON 输出（键名固定，供其他程序读取）") -> None:
    parser.add_argument("--json", action="store_true", help=text)


def _stdin_password(parser: argparse.ArgumentParser, text: str = "从标准输入读取密码（供脚本使用；否则在终端输入两次）") -> None:
    parser.add_argument("--password-stdin", action="store_true", help=text)


CASE_REF = "案号或内部编号：灵行审许〔2026〕5号（方括号、圆括号均可）、〔2026〕5号、5（本年 5 号）或 #5（内部编号）"


def build_parser() -> argparse.ArgumentParser:
    p = ChineseParser(prog="jlclient", description="行政执法全过程记录客户端。不带参数时启动图形界面。"
                      "除 init、camera、db-password 和 profile list 外，每个命令都先登录：jlclient --user 用户名 "
                      "[--password-file 文件] 命令 …，按图形界面中的角色授权。",
                      epilog="各命令的用法：jlclient 命令 -h")
    p.add_argument("--user", dest="login_name", metavar="用户名", help="登录的用户名：操作以此用户的名义记录")
    p.add_argument("--password-file", metavar="文件", help="从此文件的第一行读取登录密码（供脚本使用；不写时在终端输入）")
    p.add_argument("--token-file", metavar="文件", help="无人值守时以服务账户登录：系统管理员创建的服务令牌所在的文件"
                   "（也可用环境变量 JL_TOKEN）")
    sub = p.add_subparsers(dest="command", metavar="命令", title="可用的命令", help="要执行的命令（不填时启动图形界面）")
    _command(sub, "gui", "启动图形界面（默认）")
    init = _command(sub, "init", "初始化数据库（首次使用）")
    init.add_argument("--demo", action="store_true", help="写入演示用户和案件")
    init.add_argument("--profile", default="lingshou-approval", metavar="规则配置",
                      help="本机构的规则配置（见 jlclient profile list；默认 lingshou-approval）")
    _stdin_password(init, "从标准输入读取管理员密码")
    verify = _command(sub, "verify", "校验审计链、签名检查点、每条记录和每个证据文件")
    _json(verify)
    verify.add_argument("--anchors", metavar="文件夹",
                        help="另行保存的检查点副本（如U盘或另一台工作站上的 anchors 文件夹），一并核对")
    verify.add_argument("--checkpoint", action="store_true", help="校验前先为当前审计链头写入一个签名检查点")
    verify.add_argument("--new-key", action="store_true",
                        help="为本工作站生成新的检查点签名密钥（系统管理员；原密钥丢失时使用）")

    users = _command(sub, "users", "用户管理")
    us = _actions(users)
    ls = _command(us, "list", "列出用户")
    _json(ls)
    add = _command(us, "add", "添加用户")
    add.add_argument("username", metavar="用户名", help="登录用的用户名")
    add.add_argument("--name", metavar="姓名", help="姓名（默认同用户名）")
    add.add_argument("--roles", required=True, metavar="角色",
                     help="角色，逗号分隔：CLERK,OFFICER,REVIEWER,ARCHIVIST,APPROVER,ADMIN（也可写中文名称）")
    add.add_argument("--cert-no", metavar="执法证号", help="执法证号（执法人员必填）")
    add.add_argument("--unit", metavar="单位", help="所在单位")
    _stdin_password(add)
    pw = _command(us, "passwd", "修改密码")
    pw.add_argument("username", metavar="用户名", help="要修改密码的用户")
    _stdin_password(pw)
    roles = _command(us, "roles", "修改角色")
    roles.add_argument("username", metavar="用户名", help="要修改角色的用户")
    roles.add_argument("roles", metavar="角色", help="新的角色，逗号分隔（如 OFFICER,REVIEWER）")
    for name, text in (("disable", "停用用户"), ("enable", "启用用户"), ("unlock", "解除锁定")):
        _command(us, name, text).add_argument("username", metavar="用户名", help="用户名")
    tok = _command(us, "token", "服务令牌：无人值守的采集站或定时监控导入以服务账户登录（jlclient --token-file 文件 命令 …）")
    toks = tok.add_subparsers(dest="token_action", required=True, metavar="操作", title="可用的操作",
                              help="要执行的操作（各操作的用法：在操作后加 -h）")
    make = _command(toks, "create", "为一台工作站创建服务令牌（只显示一次）")
    make.add_argument("--name", required=True, metavar="名称", help="服务账户的名称，如 大厅采集站（审计记录中记为 service:名称）")
    make.add_argument("--commands", required=True, metavar="命令", help="此令牌可用的命令，逗号分隔：ingest、import-cctv")
    _command(toks, "revoke", "撤销服务令牌（此后不能再用）").add_argument("name", metavar="名称", help="服务令牌的名称")
    _command(toks, "list", "列出服务令牌（名称、可用命令、创建时间、是否撤销）")

    prof = _command(sub, "profile", "规则配置（本机构的执法全过程记录规定）")
    ps = _actions(prof)
    _command(ps, "list", "列出可用的规则配置")
    _command(ps, "set", "选用规则配置").add_argument("key", metavar="规则配置", help="规则配置的标识（见 profile list）")

    case = _command(sub, "case", "案件：列表、查看，以及数据交换（JSON，格式见 docs/case-json.md）")
    cs = _actions(case)
    lst = _command(cs, "list", "列出全部案件（案号、案由、类别、环节、状态、当事人、立案时间）")
    _json(lst)
    show = _command(cs, "show", "显示一个案件")
    show.add_argument("case", metavar="案件", help=CASE_REF)
    _json(show, "以 jlclient.case/1 JSON 输出（数据交换格式）")
    imp = _command(cs, "import", "从 JSON 文件导入一个案件（全部校验通过才写入）")
    imp.add_argument("file", metavar="文件", help="jlclient.case/1 格式的 JSON 文件")

    chk = _command(sub, "check", "按本机构规则配置检查一个案件的记录是否齐全（有阻断性问题时退出码为 1）")
    chk.add_argument("case", metavar="案件", help=CASE_REF)
    chk.add_argument("--closing", action="store_true", help="按结案要求检查全部环节")
    _json(chk)
    prn = _command(sub, "print", "把案件的一份文书打印为 PDF（并登记为案件电子记录）")
    prn.add_argument("form", metavar="文书", help="文书代码，如 materials_receipt；或归档材料：cover、index、remarks、"
                                                 "spine、disc_label、av_note")
    prn.add_argument("--case", required=True, metavar="案件", help=CASE_REF)
    prn.add_argument("-o", "--output", required=True, metavar="文件", help="输出的 PDF 文件")
    prn.add_argument("--spine-mm", type=_INT, default=30, choices=(20, 30, 40, 50), metavar="毫米",
                     help="档案盒脊背宽度：20、30、40 或 50 毫米（默认 30）")
    prn.add_argument("--place", metavar="地点", help="音像资料的录制地点（案件笔录中没有写明时）")
    vol = _command(sub, "volume", "把已结案的案件立卷编号（归档号、盒号、保管期限）")
    vol.add_argument("case", metavar="案件", help=CASE_REF)
    vol.add_argument("--retention", choices=("永久", "30年", "10年"), metavar="保管期限",
                     help="保管期限：永久、30年或10年（默认按执法类别）")
    vol.add_argument("--fonds", metavar="全宗号", help="全宗号（默认沿用上一卷）")
    vol.add_argument("--catalogue", metavar="目录号", help="目录号（默认沿用上一卷）")
    vol.add_argument("--notes", metavar="说明", help="卷内备考表的情况说明")
    vol.add_argument("--reason", metavar="理由", help="有阻断性问题时，登录的负责人批准带问题立卷的书面理由"
                     "（负责人同时是档案管理员时随即立卷，否则由档案管理员再立卷）")
    exp = _command(sub, "export", "导出案件包：BagIt 文件夹或可刻录的 ISO 光盘映像（附光盘标签）")
    exp.add_argument("case", metavar="案件", help=CASE_REF)
    target = exp.add_mutually_exclusive_group(required=True)
    target.add_argument("--bag", metavar="文件夹", help="导出为 BagIt 包到此文件夹（新建或空文件夹）")
    target.add_argument("--iso", metavar="文件", help="导出为 ISO 光盘映像（.iso，新文件）；光盘标签 PDF 写在旁边")
    exp.add_argument("--place", metavar="地点", help="音像资料的录制地点（案件笔录中没有写明时）")
    vpk = _command(sub, "verify-package", "四性检测：检查导出的 BagIt 包或 ISO 光盘映像（有问题时退出码为 1）")
    vpk.add_argument("path", metavar="包", help="BagIt 包文件夹或 ISO 光盘映像")
    _json(vpk, "以 JSON 输出检测报告")
    vpk.add_argument("--pdf", metavar="文件", help="把检测报告保存为 PDF")
    vpk.add_argument("--report-json", metavar="文件", help="把检测报告保存为 JSON 文件")
    vpk.add_argument("--no-db", action="store_true", help="不与本机数据库核对审计记录")
    cam = _command(sub, "camera", "执法记录仪（模拟设备，用于演示、培训和测试）")
    cams = _actions(cam)
    sim = _command(cams, "simulate", "写入一个模拟执法记录仪卷（H.264+AAC 分段视频）")
    sim.add_argument("dir", metavar="文件夹", help="写入模拟记录仪卷的文件夹")
    sim.add_argument("--layout", required=True, metavar="目录结构",
                     help="记录仪目录结构：dcim-imp、record-folder、video-dated、generic-dcim")
    sim.add_argument("--officer", default="130101", metavar="警号", help="警号（6 位，默认 130101）")
    sim.add_argument("--serial", default="", metavar="编号",
                     help="记录仪产品序号（7 位字母或数字；默认按文件夹生成，每个文件夹各不相同）")
    sim.add_argument("--segments", type=_INT, default=3, metavar="段数", help="录像段数（默认 3）")
    sim.add_argument("--gap", type=_FLOAT, default=0.0, metavar="分钟", help="第 2、3 段之间的中断（分钟）")
    sim.add_argument("--skew", type=_INT, default=0, metavar="秒", help="设备时钟偏差（秒）")
    sim.add_argument("--important", action="store_true", help="将最后一段标为重要")
    sim.add_argument("--broken", action="store_true", help="另写一个截断的损坏文件")
    ing = _command(sub, "ingest", "拷贝、校验并登记一个执法记录仪卷上的全部文件（无人值守）")
    ing.epilog = INGEST_EXIT
    ing.add_argument("source", metavar="记录仪卷", help="执法记录仪的挂载目录（或其拷贝）")
    _json(ing)
    cctv = _command(sub, "import-cctv", "导入政务服务大厅监控录像（硬盘录像机导出的文件夹）：拷贝、校验并登记")
    cctv.add_argument("source", metavar="文件夹", help="导出文件夹（按通道和时间命名的录像文件）")
    cctv.add_argument("--location", default="政务服务大厅", metavar="位置", help="监控所在位置（默认：政务服务大厅）")
    _json(cctv)
    dl = _command(sub, "deadlines", "列出办理中案件的法定期限（黄色即将到期，红色已超期）")
    dl.add_argument("--mine", action="store_true", help="只看登录用户经办的案件")
    _json(dl)
    ret = _command(sub, "retention", "音像记录保存期限与销毁")
    rts = _actions(ret)
    reg = _command(rts, "register", "列出销毁登记，或打印为销毁清册（PDF，含负责人和销毁执行人签名栏）")
    reg.add_argument("--from", dest="date_from", type=_DAY, metavar="日期", help="批准销毁的起始日期（如 2026-12-01）")
    reg.add_argument("--to", dest="date_to", type=_DAY, metavar="日期", help="批准销毁的截止日期（含当日）")
    reg.add_argument("--pdf", metavar="文件", help="把销毁清册保存为 PDF")
    _json(reg)
    spc = _command(sub, "spot-check", "音像记录回放抽检")
    spcs = _actions(spc)
    led = _command(spcs, "ledger", "把一段期间的检查台账保存为 PDF（抽样方法、全部样本、检查意见、合格率和签名栏）")
    led.add_argument("--from", dest="date_from", required=True, type=_DAY, metavar="日期",
                     help="起始日期（如 2026-12-01）：此期间抽样或检查的计划")
    led.add_argument("--to", dest="date_to", required=True, type=_DAY, metavar="日期", help="截止日期（含当日）")
    led.add_argument("-o", "--output", required=True, metavar="文件", help="输出的 PDF 文件")
    dbp = _command(sub, "db-password", "把 PostgreSQL 密码保存到系统密钥环")
    _stdin_password(dbp)
    return p


_COMMANDS = {"init": cmd_init, "verify": cmd_verify, "users": cmd_users, "profile": cmd_profile,
             "deadlines": cmd_deadlines, "case": cmd_case, "check": cmd_check, "ingest": cmd_ingest,
             "print": cmd_print, "volume": cmd_volume, "export": cmd_export,
             "verify-package": cmd_verify_package, "import-cctv": cmd_import_cctv, "retention": cmd_retention,
             "spot-check": cmd_spot_check}


NOBODY = "nobody"      # runs without signing in (reads no one's data, changes nothing recorded)
ANYONE = "anyone"      # any signed-in user


def _who_may(args) -> str | tuple:
    """Who may run the command: the roles the UI requires for the same work (the places of the main
    window and the services' own checks), ANYONE signed in, or NOBODY needed."""
    from jlclient.domain.archiving import FILERS
    from jlclient.domain.model import Role
    from jlclient.domain.places import PLACES
    seen = {p.key: tuple(r for r in Role if r in p.roles) for p in PLACES}
    command, action = args.command, getattr(args, "action", None)
    if command in ("init", "camera", "db-password") or (command, action) == ("profile", "list"):
        return NOBODY
    if command == "verify-package" and args.no_db:   # the package in hand only, not the database
        return NOBODY
    return {"users": (Role.ADMIN,), "profile": (Role.ADMIN,),
            "case": (Role.CLERK, Role.OFFICER) if action == "import" else seen["cases"],
            "check": seen["cases"], "deadlines": seen["cases"], "print": seen["cases"],
            "volume": tuple(dict.fromkeys((*FILERS, Role.APPROVER))),
            "export": (Role.ARCHIVIST, Role.REVIEWER, Role.ADMIN),
            "ingest": seen["cameras"], "import-cctv": (Role.ARCHIVIST, Role.ADMIN),
            "retention": seen["archive"], "spot-check": seen["review"]}.get(command, ANYONE)


def _first_line(path: str, what: str) -> str:
    """The first line of a secret's file (a password or a token), "" when it is empty."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        raise ServiceError(f"无法读取{what}文件“{path}”：请确认文件存在、可读且为 UTF-8 文本") from None
    return lines[0] if lines else ""


def _login_password(args) -> str:
    """The first line of --password-file, else asked once on the terminal (never echoed)."""
    if args.password_file:
        return _first_line(args.password_file, "密码")
    if not sys.stdin.isatty():
        raise ServiceError("没有终端可输入密码：请用 --password-file 文件 提供登录密码")
    import getpass
    return getpass.getpass(f"{args.login_name} 的密码：")


def _service_token(args) -> str | None:
    """The service token of --token-file (its first line), else of JL_TOKEN, else None."""
    if args.token_file:
        return _first_line(args.token_file, "令牌")
    import os
    return os.environ.get("JL_TOKEN") or None


def _sign_in(args, ctx: AppContext):
    """The CurrentUser who acts, checked as the UI's log-in does (lockout counted, disabled and
    locked accounts refused), with the roles the command needs; None for a command that needs no one."""
    need = _who_may(args)
    if need == NOBODY:
        return None
    token = _service_token(args)
    if token is not None:
        if args.login_name:
            raise ServiceError("--user 与服务令牌只能用其一：无人值守的工作站用服务令牌，有人操作时用 --user")
        from jlclient.services import auth
        return auth.token_login(ctx, token, args.command)
    if not args.login_name:
        raise ServiceError("请先登录：jlclient --user 用户名 [--password-file 文件] 命令 …"
                           "（操作以登录用户的名义记录）")
    from jlclient.services import auth
    user = auth.login(ctx, args.login_name, _login_password(args))
    if need != ANYONE and not user.has(*need):
        raise ServiceError(f"用户 {user.username} 没有此操作的权限，此操作由{'、'.join(r.label for r in need)}进行")
    return user


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command in (None, "gui"):
        from jlclient.ui.app import run
        return run()
    try:
        if args.command == "db-password":
            return cmd_db_password(args)
        if args.command == "camera":
            return cmd_camera(args)
        from jlclient.store.integrity import damage_answered
        ctx = AppContext.open()
        try:
            with damage_answered(ctx.paths.database_url):   # a damaged file is named, never a traceback
                args.current_user = _sign_in(args, ctx)
                return _COMMANDS[args.command](args, ctx)
        finally:
            ctx.close()
    except (ServiceError, DataFileError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:      # the reader went away (`| head`): nothing more to say, no traceback at exit
        import os
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return 0
