"""A profile's rules in plain Chinese, each with its citation, for settings and reports."""
from __future__ import annotations

from jlclient.domain.profile import Deadline, Level, RuleProfile, TimeUnit

_UNIT = {TimeUnit.HOURS: "小时", TimeUnit.WORKING_DAYS: "个工作日"}
SILENT = "本办法未规定"


def _deadline(d: Deadline) -> str:
    return f"{d.amount} {_UNIT[d.unit]}内"


def summary(profile: RuleProfile) -> list[tuple[str, str, str]]:
    """(rule, what it says, source) rows; a rule the seed is silent on says so."""
    rows: list[tuple[str, str, str]] = [
        ("适用执法类别", "、".join(p.label for p in profile.procedures.procedures), str(profile.procedures.source))]
    up = profile.av_upload
    rows.append(("音像记录存储时限", _deadline(up.deadline)
                 if up else SILENT, str(up.deadline.source) if up else ""))
    if up and up.remote:
        rows.append(("异地/连续执法", f"返回后 {_deadline(up.remote)}", str(up.remote.source)))
    for label, rule in (("日常音像资料保存", profile.retention.routine), ("大厅视频监控保存", profile.retention.hall_cctv),
                        ("作为证据的音像资料", profile.retention.evidence)):
        rows.append((label, str(rule) if rule else SILENT, str(rule.source) if rule else ""))
    required = [a for a in profile.av_acts if a.level is Level.REQUIRED]
    rows.append(("必须音像记录", "、".join(a.label for a in required) or SILENT,
                 "；".join(sorted({str(a.source) for a in required}))))
    arch = profile.archiving
    rows.append(("归档时限", (f"结案后 {arch.days_after_closing} 日内" if arch.days_after_closing else "每年年底集中归档")
                 if arch else SILENT, str(arch.source) if arch else ""))
    access = profile.restricted_access
    rows.append(("受限记录查阅审批", (access.approver.label if access.approver else "按保密规定和权限") if access else SILENT,
                 str(access.source) if access else ""))
    return rows
