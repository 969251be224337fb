"""Access to recordings: classification, access requests and their approval, and an audit entry
for every playback, refusal, snapshot and marker (seed 003 Art. 16, seed 000 Art. 27 ¶2, seed 001
Art. 18, seed 004 Art. 20). The rules themselves are domain.av_access."""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from jlclient.clock import local
from jlclient.domain.av_access import (RESTRICTED_GROUNDS, AvClass, Grant, RestrictedReason, Verdict, Viewer, may_approve,
                                       may_view)
from jlclient.domain.citation import in_words
from jlclient.domain.profile import RestrictedAccess
from jlclient.domain.model import Role
from jlclient.services import citations
from jlclient.services.auth import CurrentUser
from jlclient.services.cameras import docking_offsets, workstation
from jlclient.services.compliance import agency_profile
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.hall_cctv import recorded_by
from jlclient.services.retention import disposals_of
from jlclient.services.spot_checks import checker_role
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.db import locked
from jlclient.store.models import (AccessRequest, AuditEntry, AvMarker, AvRecord, CaseOfficer, Disposal,
                                   ElectronicRecord, SpotCheckPlan)

SNAPSHOT = "snapshot"      # ElectronicRecord.kind of a frame taken from a recording
MAX_HOURS = 24 * 30        # an approval lasts at most a month
CLASSIFIERS = (Role.REVIEWER, Role.APPROVER)


# --- who may view ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ViewingRules:
    """What one user's verdicts depend on, read once per request (a list of 500 recordings would
    otherwise ask the database the same things 500 times). The one rule for who may see a recording:
    playback, the lists, exports, evidence copies and spot-check samples all ask it."""
    user: CurrentUser
    rule: RestrictedAccess | None
    own_cases: frozenset[int]          # cases the user handles as an officer
    sampled: frozenset[int]            # drawn into spot checks, when the user is of the checking role
    grants: dict[int, Grant]           # the newest approved request covering each recording
    disposed: frozenset[int] = frozenset()   # recordings in the disposal register: nobody views them

    def verdict(self, av: AvRecord) -> Verdict:
        if av.id in self.disposed:
            return Verdict(False, "该音像记录已按保存期限销毁，见销毁清册")
        officer = self.user.officer_id
        own = officer is not None and (av.officer_id == officer or av.case_id in self.own_cases)
        return may_view(Viewer(self.user.roles, own, av.id in self.sampled), AvClass(av.access_class), self.rule,
                        self.grants.get(av.id), utcnow())


def viewing_rules(s: Session, user: CurrentUser) -> ViewingRules:
    own_cases = frozenset(s.scalars(select(CaseOfficer.case_id).where(CaseOfficer.officer_id == user.officer_id))) \
        if user.officer_id is not None else frozenset()
    sampled = frozenset(i for sample in s.scalars(select(SpotCheckPlan.sample)) for i in json.loads(sample)) \
        if user.has(checker_role(s)) else frozenset()
    disposed = frozenset(s.scalars(select(Disposal.av_record_id)))
    return ViewingRules(user, agency_profile(s).restricted_access, own_cases, sampled, _grants(s, user), disposed)


def _approved(s: Session, user: CurrentUser):
    return select(AccessRequest).where(AccessRequest.requester == user.actor, AccessRequest.status == "APPROVED")


def _grants(s: Session, user: CurrentUser, requests=None) -> dict[int, Grant]:
    """The newest approved request covering each recording (expired or not: the rule says); of the
    user's approved ``requests`` when given, else of all of them."""
    grants: dict[int, Grant] = {}
    for row in s.scalars((requests if requests is not None else _approved(s, user))
                         .order_by(AccessRequest.decided_at.desc())):
        for av_id in json.loads(row.av_record_ids):
            grants.setdefault(av_id, Grant(row.decided_by, row.expires_at, local(row.expires_at)))
    return grants


TO_EXPORT = "export"          # the purpose of a request to take recordings out: an export or an evidence copy
EXPORT_REASON = "申请导出或复制（导出案件包、制作证据副本）："


def export_rules(s: Session, user: CurrentUser) -> ViewingRules:
    """The rules for taking recordings out of the building (an export package, an evidence copy): as
    for playback, but an approval counts only when its request named the export — leave to watch a
    recording is not leave to hand it over."""
    approved = _approved(s, user)
    mine = [str(i) for i in s.scalars(approved.with_only_columns(AccessRequest.id))]
    named = {int(entity_id) for entity_id, detail in s.execute(     # the purpose is kept in the request's entry
        select(AuditEntry.entity_id, AuditEntry.detail).where(AuditEntry.entity_type == AccessRequest.__tablename__,
                                                             AuditEntry.action == "access.request",
                                                             AuditEntry.entity_id.in_(mine)))
        if json.loads(detail or "{}").get("purpose") == TO_EXPORT}
    return replace(viewing_rules(s, user), grants=_grants(s, user, approved.where(AccessRequest.id.in_(named))))


def _verdict(s: Session, user: CurrentUser, av: AvRecord) -> Verdict:
    return viewing_rules(s, user).verdict(av)


def _record(s: Session, av_id: int, *, lock: bool = False) -> AvRecord:
    """``lock``: for a change of the row (see :func:`jlclient.store.db.locked`)."""
    av = locked(s, AvRecord, av_id) if lock else s.get(AvRecord, av_id)
    if av is None:
        raise ServiceError("音像记录不存在")
    return av


def check_view(ctx: AppContext, user: CurrentUser, av_id: int) -> Verdict:
    with ctx.db.read() as s:
        return _verdict(s, user, _record(s, av_id))


@dataclass(frozen=True)
class Playable:
    av_id: int
    path: Path
    file_name: str
    started_at: datetime | None      # true time, UTC: the pull took the docking's clock offset off
    duration_s: float
    reason: str                      # why this user may view it
    clock_offset_s: float = 0.0      # device clock minus true time, as seen when the camera docked
    case_id: int | None = None


def open_for_playback(ctx: AppContext, user: CurrentUser, av_ids: list[int]) -> list[Playable]:
    """The files to play, after checking every one: a refusal is audited and names the recording
    and the reason; an allowed playback is audited with the workstation."""
    with ctx.db.write() as s:
        records = [_record(s, i) for i in av_ids]
        facts = viewing_rules(s, user)
        verdicts = [facts.verdict(av) for av in records]
        refused = next(((av, v) for av, v in zip(records, verdicts) if not v), None)
        if refused:
            audit.append(s, user.actor, "av.view_refused", refused[0],
                         detail={"reason": refused[1].reason, "workstation": workstation()})
        else:
            for av, v in zip(records, verdicts):
                audit.append(s, user.actor, "av.play", av, detail={"basis": v.reason, "workstation": workstation()})
        offsets = docking_offsets(s, {av.docking_id for av in records})
    if refused:   # the refusal is committed before it is reported
        raise ServiceError(citations.words(ctx, f"不能播放“{refused[0].file_name.rsplit('/', 1)[-1]}”：{refused[1].reason}"))
    return [Playable(av.id, ctx.evidence.path(av.file_hash), av.file_name.rsplit("/", 1)[-1], av.started_at,
                     av.duration_s or 0.0, v.reason, offsets.get(av.docking_id, 0.0), av.case_id) for av, v in zip(records, verdicts)]


# --- classification -------------------------------------------------------------------------------

def classify(ctx: AppContext, user: CurrentUser, av_id: int, access_class: AvClass,
             reason: RestrictedReason | None = None) -> None:
    """Reviewers and approvers classify; lifting a restriction is the approver's (it widens who sees)."""
    if not user.has(*CLASSIFIERS):
        raise ServiceError("只有法制审核人员或负责人可以设定音像记录的密级")
    if access_class is AvClass.RESTRICTED and reason is None:
        raise ServiceError(f"设为受限须写明原因：{RESTRICTED_GROUNDS}")
    with ctx.db.write() as s:
        av = _record(s, av_id, lock=True)
        if av.access_class == AvClass.RESTRICTED.value and access_class is not AvClass.RESTRICTED \
                and not user.has(Role.APPROVER):
            raise ServiceError("解除受限须由负责人决定")
        before = av.access_class
        av.access_class = access_class.value
        av.restricted_reason = reason.value if access_class is AvClass.RESTRICTED else ""
        audit.append(s, user.actor, "av.classify", av, detail={"from": before, "to": access_class.value,
                                                               "reason": av.restricted_reason})


# --- access requests ------------------------------------------------------------------------------

@dataclass(frozen=True)
class RequestView:
    id: int
    requester: str
    requester_name: str
    av_ids: tuple[int, ...]
    files: tuple[str, ...]
    reason: str
    hours: int
    requested_at: datetime
    status: str
    decided_by: str
    decision_note: str
    expires_at: datetime | None

    @property
    def status_label(self) -> str:
        if self.status == "APPROVED" and self.expires_at and self.expires_at <= utcnow():
            return "已过期"
        return {"PENDING": "待审批", "APPROVED": "已批准", "REFUSED": "不予批准"}[self.status]


def request_access(ctx: AppContext, user: CurrentUser, av_ids: list[int], reason: str, hours: int,
                   purpose: str = "") -> int:
    """``purpose=TO_EXPORT``: the request names the export (the approver reads so in its reason)."""
    if not reason.strip():
        raise ServiceError("请写明查阅事由")
    if not 1 <= hours <= MAX_HOURS:
        raise ServiceError(f"查阅期限应在 1 到 {MAX_HOURS} 小时之间")
    if not av_ids:
        raise ServiceError("请选择要查阅的音像记录")
    with ctx.db.write() as s:
        for i in av_ids:
            _record(s, i)
        said = EXPORT_REASON + reason.strip() if purpose == TO_EXPORT else reason.strip()
        row = AccessRequest(requester=user.actor, requester_name=user.display_name,
                            av_record_ids=json.dumps(sorted(set(av_ids))), reason=said, hours=hours,
                            requested_at=utcnow())
        s.add(row)
        audit.append(s, user.actor, "access.request", row, detail={"purpose": purpose} if purpose else None)
        return row.id


def decide_access(ctx: AppContext, user: CurrentUser, request_id: int, approve: bool, note: str = "") -> None:
    """Once only; by the role the profile names; never one's own request. An approval runs from now
    for the hours asked."""
    with ctx.db.write() as s:
        row = locked(s, AccessRequest, request_id)     # decided once, also by two approvers at once
        if row is None:
            raise ServiceError("查阅申请不存在")
        if row.status != "PENDING":
            raise ServiceError("该申请已经审批，不能更改")
        problem = may_approve(user.roles, agency_profile(s).restricted_access, row.requester == user.actor)
        if problem:
            raise ServiceError(problem)
        if not approve and not note.strip():
            raise ServiceError("不予批准的，请写明理由")
        now = utcnow()
        row.status, row.decided_by, row.decided_at = ("APPROVED" if approve else "REFUSED"), user.display_name, now
        row.decision_note = note.strip()
        row.expires_at = now + timedelta(hours=row.hours) if approve else None
        audit.append(s, user.actor, "access.approve" if approve else "access.refuse", row)


def requests(ctx: AppContext, user: CurrentUser, *, pending_only: bool = False) -> list[RequestView]:
    """An approver sees every request; anyone else their own."""
    with ctx.db.read() as s:
        q = select(AccessRequest).order_by(AccessRequest.requested_at.desc())
        if not user.has(Role.APPROVER):
            q = q.where(AccessRequest.requester == user.actor)
        if pending_only:
            q = q.where(AccessRequest.status == "PENDING")
        out = []
        for r in s.scalars(q):
            ids = tuple(json.loads(r.av_record_ids))
            names = tuple(s.scalars(select(AvRecord.file_name).where(AvRecord.id.in_(ids))))
            out.append(RequestView(r.id, r.requester, r.requester_name, ids,
                                   tuple(n.rsplit("/", 1)[-1] for n in names), r.reason, r.hours, r.requested_at,
                                   r.status, r.decided_by, r.decision_note, r.expires_at))
        return out


# --- markers and snapshots ------------------------------------------------------------------------

def _viewable(s: Session, user: CurrentUser, av_id: int) -> AvRecord:
    av = _record(s, av_id)
    verdict = _verdict(s, user, av)
    if not verdict:
        raise ServiceError(in_words(verdict.reason, citations.titles(s)))
    return av


def add_marker(ctx: AppContext, user: CurrentUser, av_id: int, position_ms: int, note: str) -> int:
    if not note.strip():
        raise ServiceError("请写下标记说明")
    with ctx.db.write() as s:
        _viewable(s, user, av_id)
        row = AvMarker(av_record_id=av_id, position_ms=max(0, int(position_ms)), note=note.strip(),
                       created_by=user.display_name, created_at=utcnow())
        s.add(row)
        audit.append(s, user.actor, "av.mark", row)
        return row.id


def markers(ctx: AppContext, av_ids: list[int]) -> list[tuple[int, int, str, str]]:
    """(av id, position ms, note, by) in recording and time order."""
    with ctx.db.read() as s:
        return [(m.av_record_id, m.position_ms, m.note, m.created_by) for m in s.scalars(
            select(AvMarker).where(AvMarker.av_record_id.in_(av_ids))
            .order_by(AvMarker.av_record_id, AvMarker.position_ms))]


def _clock(ms: int) -> str:
    seconds = ms // 1000
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.{ms % 1000:03d}"


def save_snapshot(ctx: AppContext, user: CurrentUser, av_id: int, position_ms: int, png: bytes) -> int:
    """The frame as a PNG evidence file of the recording's case: stored by hash, registered, audited."""
    if not png.startswith(b"\x89PNG"):
        raise ServiceError("截图不是有效的 PNG 图像")
    stored = ctx.evidence.put_bytes(png)
    with ctx.db.write() as s:
        av = _viewable(s, user, av_id)
        name = av.file_name.rsplit("/", 1)[-1]
        row = ElectronicRecord(case_id=av.case_id, stage=av.stage, title=f"截图：{name} {_clock(position_ms)}",
                               kind=SNAPSHOT, file_hash=stored.sha256,
                               file_name=f"{Path(name).stem}_{position_ms:010d}.png", size=stored.size,
                               created_at=utcnow(), created_by=user.actor)
        s.add(row)
        audit.append(s, user.actor, "av.snapshot", row, detail={"av_record": av_id, "position_ms": position_ms,
                                                                "workstation": workstation()})
        return row.id


# --- browsing -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RecordingRow:
    av_id: int
    file_name: str
    officer: str
    case_id: int | None
    case_number: str
    started_at: datetime | None
    duration_s: float
    access_class: AvClass
    restricted_reason: str
    verdict: Verdict              # whether this user may play it, and why (not)
    disposed: str = ""            # its disposal register entry in words (已销毁：… 批准，依据…); "" when not


def browse(ctx: AppContext, user: CurrentUser, text: str = "", limit: int = 500) -> list[RecordingRow]:
    """The newest recordings matching ``text`` (file, officer or case number), each with this user's
    verdict, so the list shows at once what needs a request."""
    from jlclient.store.models import Case, Officer
    with ctx.db.read() as s:
        q = (select(AvRecord, Officer.name, Case.number).outerjoin(Officer, Officer.id == AvRecord.officer_id)
             .outerjoin(Case, Case.id == AvRecord.case_id).order_by(AvRecord.started_at.desc(), AvRecord.id.desc()))
        if text.strip():
            like = f"%{text.strip()}%"
            q = q.where(AvRecord.file_name.like(like) | Officer.name.like(like) | Case.number.like(like)
                        | AvRecord.channel.like(like) | AvRecord.title.like(like))
        facts = viewing_rules(s, user)
        found = s.execute(q.limit(limit)).all()
        gone = disposals_of(ctx, s, [av.id for av, _, _ in found if av.id in facts.disposed]) if facts.disposed else {}
        return [RecordingRow(av.id, av.file_name.rsplit("/", 1)[-1], recorded_by(av, officer), av.case_id, number or "",
                             av.started_at, av.duration_s or 0.0, AvClass(av.access_class),
                             RestrictedReason(av.restricted_reason).label if av.restricted_reason else "",
                             facts.verdict(av), gone[av.id].in_words() if av.id in gone else "")
                for av, officer, number in found]
