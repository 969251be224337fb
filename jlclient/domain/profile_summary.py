"""A profile's rules in plain Chinese, each with its citation in words, for settings and reports."""
from __future__ import annotations

from jlclient.domain.citation import in_words
from jlclient.domain.profile import Deadline, Level, RuleProfile, Source, TimeUnit

_UNIT = {TimeUnit.HOURS: "小时", TimeUnit.WORKING_DAYS: "个工作日"}
SILENT = "本办法未规定"


def _deadline(d: Deadline) -> str:
    return f"{d.amount} {_UNIT[d.unit]}内"


def profile_label(profile: RuleProfile, title: str | None = None) -> str:
    """How a person picks a profile: by its regulation, 《灵寿县行政审批局行政执法全过程记录办法》; one
    that names no agency says so (its title may be the administrator's) instead of a placeholder name."""
    title = title or profile.regulation.title
    return f"《{title}》" + ("（规定未载明机关名称）" if profile.regulation.placeholder else "")


def summary(profile: RuleProfile, title: str | None = None) -> list[tuple[str, str, str]]:
    """(rule, what it says, source in words) rows; a rule the seed is silent on says so.

    ``title``: the regulation's title where the administrator named it (a placeholder profile)."""
    titles = {profile.seed: title or profile.regulation.title}

    def cite(*sources: Source) -> str:
        return in_words("；".join(dict.fromkeys(str(s) for s in sources)), titles)

    rows: list[tuple[str, str, str]] = [
        ("适用执法类别", "、".join(p.label for p in profile.procedures.procedures), cite(profile.procedures.source))]
    up = profile.av_upload
    rows.append(("音像记录存储时限", _deadline(up.deadline) if up else SILENT, cite(up.deadline.source) if up else ""))
    if up and up.remote:
        rows.append(("异地/连续执法", f"返回后 {_deadline(up.remote)}", cite(up.remote.source)))
    for label, rule in (("日常音像资料保存", profile.retention.routine), ("大厅视频监控保存", profile.retention.hall_cctv),
                        ("作为证据的音像资料", profile.retention.evidence)):
        scope = f"（{'、'.join(p.label for p in rule.procedures)}案件）" if rule and rule.procedures else ""
        rows.append((label + scope, str(rule) if rule else SILENT, cite(rule.source) if rule else ""))
    required = [a for a in profile.av_acts if a.level is Level.REQUIRED]
    rows.append(("必须音像记录", "、".join(a.label for a in required) or SILENT,
                 cite(*sorted({a.source for a in required}, key=str))))
    arch = profile.archiving
    rows.append(("归档时限", (f"结案后 {arch.days_after_closing} 日内" if arch.days_after_closing else "每年年底集中归档")
                 if arch else SILENT, cite(arch.source) if arch else ""))
    access = profile.restricted_access
    rows.append(("受限记录查阅审批", (access.approver.label if access.approver else "按保密规定和权限") if access else SILENT,
                 cite(access.source) if access else ""))
    return rows
