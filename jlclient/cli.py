"""`jlclient`: the headless twin of the UI. With no arguments it starts the GUI."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from jlclient.domain.model import DataFileError
from jlclient.services.context import AppContext, ServiceError, cli_actor


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
    from jlclient.services import setup
    if setup.is_initialised(ctx):
        if not args.demo:
            print("数据库已初始化。")
            return 0
    else:
        setup.initialise(ctx, cli_actor(), args.profile)
        print(f"已初始化：{ctx.paths.database_url}（规则配置 {args.profile}）")
    if args.demo:
        if setup.has_users(ctx):
            raise ServiceError("已有用户，不能再写入演示数据；请使用新的数据目录（JL_HOME）")
        setup.seed_demo(ctx, cli_actor())
        print(f"已写入演示数据：{len(setup.DEMO_USERS)} 个用户（密码均为 {setup.DEMO_PASSWORD}）和演示案件")
    elif not setup.has_users(ctx):
        from jlclient.domain.model import Role
        from jlclient.services import users
        print("创建系统管理员 admin。")
        users.add_user(ctx, cli_actor(), "admin", "系统管理员", _password(args), frozenset({Role.ADMIN}))
        print("已创建系统管理员 admin")
    return 0


def cmd_verify(args, ctx: AppContext) -> int:
    from jlclient.services.verify import verify
    report = verify(ctx)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    elif report.ok:
        print(f"校验通过：审计记录 {report.entries} 条，数据行 {report.records} 行，证据文件 {report.files} 个")
    else:
        print(f"校验失败：{report.problem}", file=sys.stderr)
    return 0 if report.ok else 1


def cmd_users(args, ctx: AppContext) -> int:
    from jlclient.services import users
    actor = cli_actor()
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
    elif args.action == "passwd":
        users.set_password(ctx, actor, args.username, _password(args, "新密码："))
        print(f"已修改 {args.username} 的密码")
    elif args.action == "roles":
        users.set_roles(ctx, actor, args.username, users.parse_roles(args.roles))
        print(f"已修改 {args.username} 的角色")
    elif args.action in ("disable", "enable"):
        users.set_active(ctx, actor, args.username, args.action == "enable")
        print(f"已{'启用' if args.action == 'enable' else '停用'} {args.username}")
    elif args.action == "unlock":
        users.unlock(ctx, actor, args.username)
        print(f"已解锁 {args.username}")
    return 0


def cmd_profile(args, ctx: AppContext) -> int:
    from jlclient.services import setup
    from jlclient.services.profiles import list_profiles
    if args.action == "list":
        for p in list_profiles():
            print(f"{p.key:<22} {p.agency.name}")
        return 0
    setup.set_profile(ctx, cli_actor(), args.key)
    print(f"已选用规则配置 {args.key}")
    return 0


def cmd_deadlines(args, ctx: AppContext) -> int:
    """Running deadlines of one user's cases (default: every user), most urgent first."""
    from jlclient.services import deadlines, users
    names = [args.user] if args.user else [u.username for u in users.list_users(ctx)]
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
    for v in views:
        print(f"{v.due.isoformat()}  {v.status.label:<4}  {v.case_number}  {v.label}  （{v.basis}）")
    return 0


def cmd_case(args, ctx: AppContext) -> int:
    """Data exchange with provincial platforms: one case as jlclient.case/1 JSON (docs/case-json.md)."""
    from jlclient.services import exchange
    if args.action == "import":
        row = exchange.import_case(ctx, cli_actor(), exchange.load_json(args.file))
        print(f"已导入案件 {row.number}（{row.title}）")
        return 0
    doc = exchange.export_case(ctx, args.case)
    if args.json:
        print(exchange.dumps(doc))
        return 0
    c = doc["case"]
    print(f"{c['number']}  {c['title']}")
    for key, label in (("procedure", "类别"), ("stage", "当前环节"), ("status", "状态"), ("opened_at", "立案时间")):
        print(f"  {label}：{c[key]}")
    print(f"  记录：文字记录 {len(doc['records'])} 件，电子数据 {len(doc['electronic_records'])} 件")
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
        print(f"{number}  {title}  当前环节：{stage}  规则配置：{profile.key}（seed {profile.seed}）")
        for f in findings:
            ref = f"  记录 #{f.record_id}" if f.record_id else f"  音像 #{f.av_record_id}" if f.av_record_id else ""
            print(f"  {'阻断' if f.blocking else '提醒'}  {f}{ref}")
        print(f"共 {len(findings)} 项：阻断 {len(blocking)} 项，提醒 {len(findings) - len(blocking)} 项"
              if findings else "未发现问题")
    return 1 if blocking else 0


def cmd_camera(args) -> int:
    """Write a simulated camera volume (for the demo, training and tests)."""
    from jlclient.devices.simulator import simulate
    written = simulate(Path(args.dir), args.layout, officer=args.officer, segments=args.segments,
                       gap_minutes=args.gap, skew_seconds=args.skew, important=args.important, broken=args.broken)
    print(f"已在 {args.dir} 写入模拟执法记录仪（{args.layout}）：{len(written)} 个文件")
    return 0


def cmd_ingest(args, ctx: AppContext) -> int:
    """The dock's pull, headless (unattended docking stations): per-file results."""
    from jlclient.devices.layouts import recognise
    from jlclient.devices.pull import pull
    from jlclient.services import analysis
    from jlclient.services.cameras import dock_found
    found = recognise(Path(args.source))
    if found is None:
        raise ServiceError(f"{args.source} 不是可识别的执法记录仪（没有匹配的目录结构或设备信息文件）")
    view, docked, files = dock_found(ctx, cli_actor(), found)
    report = pull(ctx, cli_actor(), docked, files)
    analysed = analysis.analyse_pending(ctx, cli_actor())   # dark spans and thumbnails of what is new
    if args.json:
        print(json.dumps({"camera": docked.serial, "layout": found.layout.key, "clock_offset_s": docked.clock_offset_s,
                          "registered": view.camera.status.value, "clock_drift": view.camera.drift_flagged,
                          "analysed": analysed,
                          "complete": report.complete,
                          "files": [vars(r) for r in report.results]}, ensure_ascii=False, indent=2))
    else:
        print(f"记录仪 {docked.serial}（{found.layout.name}，{view.camera.status.label}），"
              f"时钟偏差 {docked.clock_offset_s:+.0f} 秒{'，超出允许范围，请校准时钟' if view.camera.drift_flagged else ''}")
        _print_results(report)
        print("全部文件已拷贝、校验并登记" if report.complete else "有文件未完成，重新接入后可继续")
    return 0 if report.complete else 1


def _print_results(report) -> None:
    for r in report.results:
        extra = r.message or (f"无法播放：{r.unreadable}" if r.unreadable else r.sha256[:16])
        print(f"  {r.status:<8} {r.path}  {extra}")


def cmd_import_cctv(args, ctx: AppContext) -> int:
    """Hall CCTV exported from the NVR, taken in headless (a scheduled job at the hall), by a named user."""
    from jlclient.printing.labels import size_text
    from jlclient.services import hall_cctv, users
    by = users.current_user_named(ctx, args.by)
    export = hall_cctv.scan(args.source)
    report = hall_cctv.import_export(ctx, by, export, args.location)
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
    if args.form in archiving.PAPERS:
        actor = cli_actor()
        printed = archiving.print_paper(ctx, actor, actor.split(":", 1)[1], args.case, args.form,
                                        spine_mm=args.spine_mm, place=args.place or "")
    else:
        printed = print_form(ctx, cli_actor(), args.form, args.case)
    Path(args.output).write_bytes(printed.pdf)
    print(f"已打印“{printed.title}”到 {args.output}（SHA-256 {printed.sha256[:16]}…，已登记为案件电子记录）")
    return 0


def cmd_volume(args, ctx: AppContext) -> int:
    """Bind a closed case as a volume, filed by a named archivist of the application."""
    from jlclient.services import archiving, users
    filer = users.current_user_named(ctx, args.filer)
    v = archiving.build_volume(ctx, filer, _case_id(ctx, args.case), retention=args.retention,
                               fonds_no=args.fonds, catalogue_no=args.catalogue, notes=args.notes or "")
    print(f"已立卷：{v.case_number} 归档号 {v.archive_number}，第 {v.box_no} 盒，保管期限 {v.retention}，"
          f"共 {v.items} 件 {v.pages} 页")
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
    from jlclient.services import export, users
    if args.user:
        user = users.current_user_named(ctx, args.user)
        export.require_exporter(user)
        actor, maker = user.actor, user.display_name
    else:   # the operator at the terminal, as for `jlclient print`
        actor = cli_actor()
        maker = actor.split(":", 1)[1]
    case_id = _case_id(ctx, args.case)
    run = export.export_bag if args.bag else export.export_iso
    try:
        result = run(ctx, actor, maker, case_id, args.bag or args.iso, place=args.place or "",
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
        print(f"  光盘标签：{result.label}" if result.label else "  本案没有音像记录，未生成光盘标签")
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


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="jlclient", description="行政执法全过程记录客户端。不带参数时启动图形界面。")
    sub = p.add_subparsers(dest="command", metavar="命令")
    sub.add_parser("gui", help="启动图形界面（默认）")
    init = sub.add_parser("init", help="初始化数据库（首次使用）")
    init.add_argument("--demo", action="store_true", help="写入演示用户和案件")
    init.add_argument("--profile", default="lingshou-approval", help="本机构的规则配置（见 jlclient profile list）")
    init.add_argument("--password-stdin", action="store_true", help="从标准输入读取管理员密码")
    verify = sub.add_parser("verify", help="校验审计链、每条记录和每个证据文件")
    verify.add_argument("--json", action="store_true", help="以 JSON 输出")

    users = sub.add_parser("users", help="用户管理")
    us = users.add_subparsers(dest="action", required=True, metavar="操作")
    ls = us.add_parser("list", help="列出用户")
    ls.add_argument("--json", action="store_true")
    add = us.add_parser("add", help="添加用户")
    add.add_argument("username")
    add.add_argument("--name", help="姓名")
    add.add_argument("--roles", required=True, help="角色，逗号分隔：CLERK,OFFICER,REVIEWER,ARCHIVIST,APPROVER,ADMIN")
    add.add_argument("--cert-no", help="执法证号（执法人员必填）")
    add.add_argument("--unit", help="所在单位")
    add.add_argument("--password-stdin", action="store_true")
    pw = us.add_parser("passwd", help="修改密码")
    pw.add_argument("username")
    pw.add_argument("--password-stdin", action="store_true")
    roles = us.add_parser("roles", help="修改角色")
    roles.add_argument("username")
    roles.add_argument("roles")
    for name, text in (("disable", "停用用户"), ("enable", "启用用户"), ("unlock", "解除锁定")):
        us.add_parser(name, help=text).add_argument("username")

    prof = sub.add_parser("profile", help="规则配置")
    ps = prof.add_subparsers(dest="action", required=True, metavar="操作")
    ps.add_parser("list", help="列出可用的规则配置")
    ps.add_parser("set", help="选用规则配置").add_argument("key")
    case = sub.add_parser("case", help="案件数据交换（JSON，格式见 docs/case-json.md）")
    cs = case.add_subparsers(dest="action", required=True, metavar="操作")
    imp = cs.add_parser("import", help="从 JSON 文件导入一个案件（全部校验通过才写入）")
    imp.add_argument("file")
    show = cs.add_parser("show", help="显示一个案件（案号或编号）")
    show.add_argument("case")
    show.add_argument("--json", action="store_true", help="以 jlclient.case/1 JSON 输出")
    chk = sub.add_parser("check", help="按本机构规则配置检查一个案件的记录是否齐全（有阻断性问题时退出码为 1）")
    chk.add_argument("case", help="案号或编号")
    chk.add_argument("--closing", action="store_true", help="按结案要求检查全部环节")
    chk.add_argument("--json", action="store_true")
    prn = sub.add_parser("print", help="把案件的一份文书打印为 PDF（并登记为案件电子记录）")
    prn.add_argument("form", help="文书代码，如 materials_receipt；或归档材料：cover、index、remarks、spine、"
                                  "disc_label、av_note")
    prn.add_argument("--case", required=True, help="案号或编号")
    prn.add_argument("-o", "--output", required=True, help="输出的 PDF 文件")
    prn.add_argument("--spine-mm", type=int, default=30, choices=(20, 30, 40, 50), help="档案盒脊背宽度（毫米）")
    prn.add_argument("--place", help="音像资料的录制地点（案件笔录中没有写明时）")
    vol = sub.add_parser("volume", help="把已结案的案件立卷编号（归档号、盒号、保管期限）")
    vol.add_argument("case", help="案号或编号")
    vol.add_argument("--filer", required=True, help="立卷的档案管理员（用户名）")
    vol.add_argument("--retention", choices=("永久", "30年", "10年"), help="保管期限（默认按执法类别）")
    vol.add_argument("--fonds", help="全宗号（默认沿用上一卷）")
    vol.add_argument("--catalogue", help="目录号（默认沿用上一卷）")
    vol.add_argument("--notes", help="卷内备考表的情况说明")
    exp = sub.add_parser("export", help="导出案件包：BagIt 文件夹或可刻录的 ISO 光盘映像（附光盘标签）")
    exp.add_argument("case", help="案号或编号")
    target = exp.add_mutually_exclusive_group(required=True)
    target.add_argument("--bag", metavar="DIR", help="导出为 BagIt 包到此文件夹（新建或空文件夹）")
    target.add_argument("--iso", metavar="FILE", help="导出为 ISO 光盘映像（.iso，新文件）；光盘标签 PDF 写在旁边")
    exp.add_argument("--user", help="以此用户的名义导出（档案管理员、法制审核人员或系统管理员；默认：本机操作员）")
    exp.add_argument("--place", help="音像资料的录制地点（案件笔录中没有写明时）")
    vpk = sub.add_parser("verify-package", help="四性检测：检查导出的 BagIt 包或 ISO 光盘映像（有问题时退出码为 1）")
    vpk.add_argument("path", help="BagIt 包文件夹或 ISO 光盘映像")
    vpk.add_argument("--json", action="store_true", help="以 JSON 输出检测报告")
    vpk.add_argument("--pdf", metavar="FILE", help="把检测报告保存为 PDF")
    vpk.add_argument("--report-json", metavar="FILE", help="把检测报告保存为 JSON 文件")
    vpk.add_argument("--no-db", action="store_true", help="不与本机数据库核对审计记录")
    cam = sub.add_parser("camera", help="执法记录仪")
    cams = cam.add_subparsers(dest="action", required=True, metavar="操作")
    sim = cams.add_parser("simulate", help="写入一个模拟执法记录仪卷（H.264+AAC 分段视频）")
    sim.add_argument("dir")
    sim.add_argument("--layout", required=True, help="记录仪目录结构：dcim-imp、record-folder、video-dated、generic-dcim")
    sim.add_argument("--officer", default="130101", help="警号（6 位）")
    sim.add_argument("--segments", type=int, default=3)
    sim.add_argument("--gap", type=float, default=0.0, help="第 2、3 段之间的中断（分钟）")
    sim.add_argument("--skew", type=int, default=0, help="设备时钟偏差（秒）")
    sim.add_argument("--important", action="store_true", help="将最后一段标为重要")
    sim.add_argument("--broken", action="store_true", help="另写一个截断的损坏文件")
    ing = sub.add_parser("ingest", help="拷贝、校验并登记一个执法记录仪卷上的全部文件（无人值守）")
    ing.add_argument("source")
    ing.add_argument("--json", action="store_true")
    cctv = sub.add_parser("import-cctv", help="导入政务服务大厅监控录像（硬盘录像机导出的文件夹）：拷贝、校验并登记")
    cctv.add_argument("source", help="导出文件夹（按通道和时间命名的录像文件）")
    cctv.add_argument("--by", required=True, help="导入人：档案管理员或系统管理员（用户名）")
    cctv.add_argument("--location", default="政务服务大厅", help="监控所在位置（默认：政务服务大厅）")
    cctv.add_argument("--json", action="store_true")
    dl = sub.add_parser("deadlines", help="列出办理中案件的法定期限（黄色即将到期，红色已超期）")
    dl.add_argument("--user", help="只看此用户经办的案件")
    dl.add_argument("--json", action="store_true")
    dbp = sub.add_parser("db-password", help="把 PostgreSQL 密码保存到系统密钥环")
    dbp.add_argument("--password-stdin", action="store_true")
    return p


_COMMANDS = {"init": cmd_init, "verify": cmd_verify, "users": cmd_users, "profile": cmd_profile,
             "deadlines": cmd_deadlines, "case": cmd_case, "check": cmd_check, "ingest": cmd_ingest,
             "print": cmd_print, "volume": cmd_volume, "export": cmd_export,
             "verify-package": cmd_verify_package, "import-cctv": cmd_import_cctv}


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
        ctx = AppContext.open()
        try:
            return _COMMANDS[args.command](args, ctx)
        finally:
            ctx.close()
    except (ServiceError, DataFileError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
