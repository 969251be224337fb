"""Who may view a recording: its classification, the viewer's roles and relation to it, the
agency's access rule and any approved access request (seed 003 Art. 16, seed 000 Art. 27 ¶2,
seed 001 Art. 18, seed 004 Art. 20). Pure rules: the services look the facts up and audit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jlclient.domain.model import LabelledEnum, Role
from jlclient.domain.profile import AccessScope, RestrictedAccess


class AvClass(LabelledEnum):
    """音像记录密级"""
    ORDINARY = ("ORDINARY", "普通")
    INTERNAL = ("INTERNAL", "内部")
    RESTRICTED = ("RESTRICTED", "受限")


class RestrictedReason(LabelledEnum):
    """受限原因"""
    STATE_SECRET = ("STATE_SECRET", "国家秘密")
    COMMERCIAL_SECRET = ("COMMERCIAL_SECRET", "商业秘密")
    WORK_SECRET = ("WORK_SECRET", "工作秘密")          # seed 004 Art. 20 names it
    PRIVACY = ("PRIVACY", "个人隐私")


# the grounds in words, the same in every message that names them
RESTRICTED_GROUNDS = "、".join(r.label for r in list(RestrictedReason)[:-1]) + "或" + list(RestrictedReason)[-1].label


# the classes each role sees in its work; anything else needs an approved request or is refused
ROLE_CLASSES: dict[Role, frozenset[AvClass]] = {
    Role.OFFICER: frozenset({AvClass.ORDINARY, AvClass.INTERNAL}),     # own footage and own cases only
    Role.REVIEWER: frozenset({AvClass.ORDINARY, AvClass.INTERNAL}),    # legal review and spot checks
    Role.APPROVER: frozenset({AvClass.ORDINARY, AvClass.INTERNAL}),
    Role.ARCHIVIST: frozenset({AvClass.ORDINARY}),                     # files and discs, not internal matters
}
# window clerks and system administrators never view footage: separation of duties
NO_FOOTAGE = (Role.CLERK, Role.ADMIN)


@dataclass(frozen=True)
class Viewer:
    roles: frozenset[Role]
    own: bool = False            # recorded it, or an officer of its case
    sampled: bool = False        # drawn into a spot check this viewer carries out


@dataclass(frozen=True)
class Grant:
    """An approved access request covering the recording. ``expires_at`` is compared with ``now`` (UTC
    in the services); ``local_expiry``, the same moment as the agency's wall time, is what people read."""
    approved_by: str
    expires_at: datetime
    local_expiry: datetime | None = None

    @property
    def expiry_text(self) -> str:
        return f"{self.local_expiry or self.expires_at:%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str
    approval_needed: bool = False   # may ask for approval (a request can change the verdict)
    approver: Role | None = None    # who approves, when approval_needed

    def __bool__(self) -> bool:
        return self.allowed


def approver_of(rule: RestrictedAccess | None) -> Role:
    """The approving role the profile names; where the seed names none, the agency head (负责人),
    who answers for secrecy under the secrecy rules the seeds defer to."""
    return rule.approver if rule and rule.approver else Role.APPROVER


def _by_role(viewer: Viewer, av_class: AvClass) -> Verdict | None:
    """Allowed by the viewer's work alone, or None."""
    if Role.OFFICER in viewer.roles and viewer.own and av_class in ROLE_CLASSES[Role.OFFICER]:
        return Verdict(True, "本人录制或承办案件的音像记录")
    for role in (Role.REVIEWER, Role.APPROVER, Role.ARCHIVIST):
        if role in viewer.roles and av_class in ROLE_CLASSES[role]:
            return Verdict(True, f"{role.label}职责范围内")
    return None


def may_view(viewer: Viewer, av_class: AvClass, rule: RestrictedAccess | None, grant: Grant | None,
             now: datetime) -> Verdict:
    """Whether ``viewer`` may play the recording now, and why (the reason is shown and audited)."""
    if not viewer.roles - set(NO_FOOTAGE):
        return Verdict(False, "窗口工作人员和系统管理员无权查看执法音像记录")
    approver = approver_of(rule)
    if grant is not None:
        if grant.expires_at <= now:
            return Verdict(False, f"查阅审批已于 {grant.expiry_text} 过期，请重新申请", True, approver)
        return Verdict(True, f"已经{grant.approved_by}批准查阅（{grant.expiry_text} 前有效）")
    if av_class is AvClass.RESTRICTED:
        return Verdict(False, f"受限音像记录（涉及{RESTRICTED_GROUNDS}）须经批准后方可查阅", True, approver)
    allowed = _by_role(viewer, av_class)
    if allowed is None:
        return Verdict(False, f"{av_class.label}音像记录不在您的职责范围内，须经批准后方可查阅", True, approver)
    if rule and rule.scope is AccessScope.ALL and not viewer.own and not viewer.sampled:
        return Verdict(False, f"本机构规定未经批准不得查阅执法记录（{rule.source}），请先申请", True, approver)
    return allowed


def may_approve(roles: frozenset[Role], rule: RestrictedAccess | None, requester_is_self: bool) -> str | None:
    """None when the user may approve the request, else why not (nobody approves their own)."""
    if requester_is_self:
        return "不能审批自己的申请"
    approver = approver_of(rule)
    return None if approver in roles else f"查阅申请须由{approver.label}审批"
