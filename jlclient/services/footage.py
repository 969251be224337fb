"""Footage pulled from body cameras, after the pull: recording sessions with their interruptions and
upload deadline, linking each session to its case and stage with the six classification keys
(seed 000 Art. 27, seed 003 Art. 17) and the officer's confirmation that the party was told
recording had started (seed 000 Art. 25, 001 Art. 12, 003 Art. 19, 004 Art. 15), and the reason
for an interruption spoken when recording resumed (seed 000 Art. 22, seed 004 Art. 15).

Times in the views are the agency's local wall time; the store keeps UTC.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jlclient.clock import footage_times, local, to_utc
from jlclient.devices.layouts import load_layout
from jlclient.domain import av_rules
from jlclient.domain.av_rules import CaseAction, LinkCandidate, RecordingSession, Segment
from jlclient.domain.camera_layout import LayoutError, match_name
from jlclient.domain.forms import FieldType
from jlclient.domain.model import CaseStatus, Role, Stage
from jlclient.domain.profile import STORAGE_KEYS, AvUpload
from jlclient.services import analysis
from jlclient.services.auth import CurrentUser
from jlclient.services.av_access import viewing_rules
from jlclient.services.cameras import dock_rules, docking_offsets
from jlclient.services.cases import find_case
from jlclient.services.compliance import agency_profile, form_specs
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.retention import not_disposed
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.models import (AvRecord, BodyCamera, Case, CaseOfficer, Disposal, InterruptionNote,
                                   Docking, Officer, PulledFile, StageEvent, TextRecord, TextRecordRevision,
                                   UploadExemption)

SESSION_REACH = timedelta(hours=12)   # how far from a chosen segment its session's others are looked for
INTERRUPTION_REASONS = {  # the choices of forms/interruption_statement.toml (seed 004 Art. 15)
    "device_fault": "设备故障、损坏", "weather": "天气恶劣", "obstruction": "人为阻挠", "battery": "电量不足",
    "storage": "存储空间不足", "other": "其他客观原因",
}


@dataclass(frozen=True)
class GapView:
    after_id: int          # the segment that resumes: a spoken reason is noted on it
    start: datetime
    end: datetime
    seconds: int
    explained: bool


@dataclass(frozen=True)
class SessionView:
    camera: str
    officer_id: int | None
    officer_name: str
    start: datetime
    end: datetime
    av_ids: tuple[int, ...]
    important: bool
    gaps: tuple[GapView, ...]
    late_source: str | None     # the upload rule broken, when stored too late
    due: datetime | None
    dark_seconds: float = 0.0   # black picture or covered lens, as the analysis found
    device_start: datetime | None = None   # the start as the camera's clock stamped it (what its picture shows)
    # signs of left-out, added or inserted footage (seed 001 Art. 12(四)): missing or disordered sequence
    # numbers, stamped times that overlap the previous file's length
    selective: tuple[str, ...] = ()
    due_note: str | None = None   # the calendar's warning: ``due`` counted without the year's 放假安排

    @property
    def unexplained(self) -> list[GapView]:
        return [g for g in self.gaps if not g.explained]


@dataclass(frozen=True)
class SuggestionView:
    case_id: int
    number: str
    title: str
    party_name: str
    stage: Stage
    why: str


@dataclass(frozen=True)
class Classification:
    """The six keys; device number, officer and time of use come from the recording itself."""
    title: str
    party_name: str = ""
    cause: str = ""


# ---------------------------------------------------------------------------- sessions


def _officer_filter(stmt, officer_id: int | None):
    return stmt if officer_id is None else stmt.where(AvRecord.officer_id == officer_id)


def _unlinked(s: Session, officer_id: int | None) -> list[tuple[AvRecord, str, str]]:
    stmt = (select(AvRecord, BodyCamera.serial, func.coalesce(Officer.name, ""))
            .join(BodyCamera, BodyCamera.id == AvRecord.camera_id)
            .outerjoin(Officer, Officer.id == AvRecord.officer_id)
            .where(AvRecord.linked_at.is_(None), AvRecord.case_id.is_(None), AvRecord.started_at.is_not(None),
                   not_disposed()))           # a disposed recording is nothing to link
    return [tuple(row) for row in s.execute(_officer_filter(stmt, officer_id))]


def _returned_at(s: Session, docking_ids: set[int]) -> dict[int, datetime]:
    rows = s.scalars(select(UploadExemption).where(UploadExemption.docking_id.in_(docking_ids))
                     .order_by(UploadExemption.id))
    return {r.docking_id: r.returned_at for r in rows}


def _spoken(s: Session, ids: list[int]) -> set[int]:
    return set(s.scalars(select(InterruptionNote.av_record_id).where(InterruptionNote.av_record_id.in_(ids))))


def _late(rule: AvUpload | None, records: list[AvRecord],
          returned: dict[int, datetime]) -> tuple[str | None, datetime | None, str | None]:
    """The upload rule broken by the session's last segment, its due time (local), and the
    calendar's warning when that time was counted in a year whose 放假安排 is not known."""
    last = max(records, key=lambda a: a.ended_at or a.started_at)
    if rule is None or last.pulled_at is None:
        return None, None, None
    back = returned.get(last.docking_id)
    end, back = local(last.ended_at or last.started_at), local(back) if back else None
    due, source = av_rules.upload_due(rule, end, returned_at=back)
    note = av_rules.upload_due_warning(rule, end, returned_at=back)
    return (source if local(last.pulled_at) > due else None), due, note


def _sequence_numbers(s: Session, ids: list[int]) -> dict[int, int]:
    """The sequence number each pulled file's name carries, read with the layout of its docking."""
    rows = s.execute(select(PulledFile.av_record_id, PulledFile.path, Docking.layout)
                     .join(AvRecord, AvRecord.id == PulledFile.av_record_id)
                     .join(Docking, Docking.id == AvRecord.docking_id)
                     .where(PulledFile.av_record_id.in_(ids)))
    found: dict[int, int] = {}
    for av_id, path, layout_key in rows:
        try:
            clip = match_name(load_layout(layout_key), path)
        except LayoutError:        # a layout no longer installed: no number to compare
            continue
        if clip is not None:
            found[av_id] = clip.seq
    return found


def _dark(s: Session, ids: list[int]) -> dict[int, float]:
    return {i: sum(d.end_s - d.start_s for d in spans) for i, spans in analysis.spans_in(s, ids).items()}


def _view(rule: AvUpload | None, session: RecordingSession, rows: dict[int, tuple[AvRecord, str, str]],
          spoken: set[int], returned: dict[int, datetime], dark: dict[int, float],
          offsets: dict[int, float]) -> SessionView:
    records = [rows[i][0] for i in session.ids]
    late, due, due_note = _late(rule, records, returned)
    gaps = tuple(GapView(g.after, local(g.start), local(g.end), int(g.seconds), g.after in spoken)
                 for g in session.gaps)
    first = records[0]
    device_start, start = footage_times(session.start, offsets.get(first.docking_id, 0.0))
    return SessionView(session.camera, first.officer_id, rows[first.id][2], start,
                       footage_times(session.end, offsets.get(records[-1].docking_id, 0.0))[1], tuple(session.ids),
                       any(a.important for a in records), gaps, late, due,
                       sum(dark.get(i, 0.0) for i in session.ids), device_start,
                       tuple(av_rules.selective_signs(session, local)), due_note)


def sessions_of(s: Session, rows: list[tuple[AvRecord, str, str]]) -> list[SessionView]:
    by_id = {a.id: (a, serial, name) for a, serial, name in rows}
    numbers = _sequence_numbers(s, list(by_id))
    segments = [Segment(a.id, serial, a.started_at, a.ended_at or a.started_at, numbers.get(a.id))
                for a, serial, _ in rows]
    rules = dock_rules(s)
    found = av_rules.sessions(segments, rules.interruption_after, rules.new_session_after)
    spoken = _spoken(s, list(by_id))
    dockings = {a.docking_id for a, _, _ in rows if a.docking_id}
    returned, offsets = _returned_at(s, dockings), docking_offsets(s, dockings)
    dark = _dark(s, list(by_id))
    rule = agency_profile(s).av_upload
    views = [_view(rule, x, by_id, spoken, returned, dark, offsets) for x in found]
    return sorted(views, key=lambda v: (v.start, v.camera))


def unlinked_sessions(ctx: AppContext, officer_id: int | None = None) -> list[SessionView]:
    """Recording sessions not yet linked or classified, the officer's own or everyone's."""
    with ctx.db.read() as s:
        return sessions_of(s, _unlinked(s, officer_id))


def unlinked_counts(ctx: AppContext) -> list[tuple[str, int]]:
    """Recordings still to link, per officer (name; "未配发" for cameras not yet assigned)."""
    with ctx.db.read() as s:
        rows = s.execute(select(func.coalesce(Officer.name, ""), func.count(AvRecord.id))
                         .select_from(AvRecord).join(BodyCamera, BodyCamera.id == AvRecord.camera_id)
                         .outerjoin(Officer, Officer.id == AvRecord.officer_id)
                         .where(AvRecord.linked_at.is_(None), AvRecord.case_id.is_(None), not_disposed())
                         .group_by(Officer.name).order_by(Officer.name))
        return [(name or "未配发", n) for name, n in rows]


def session_ids(ctx: AppContext, user: CurrentUser, av_ids: list[int]) -> list[int]:
    """What to play for the chosen recordings: every segment of the recording sessions they belong
    to, in recording order, so a session listed as 3 段 plays as one timeline. Segments this user
    may not view (or that were disposed of) are left out; the chosen ones always stay, so playback
    checks, refuses and audits exactly what was asked for."""
    with ctx.db.read() as s:
        chosen = list(s.scalars(select(AvRecord).where(AvRecord.id.in_(list(av_ids)))))
        rules, facts = dock_rules(s), viewing_rules(s, user)
        keep = {a.id: a for a in chosen}
        for camera_id in {a.camera_id for a in chosen if a.camera_id is not None and a.started_at is not None}:
            times = [a.started_at for a in chosen if a.camera_id == camera_id and a.started_at is not None]
            near = list(s.scalars(select(AvRecord).where(
                AvRecord.camera_id == camera_id, AvRecord.started_at.is_not(None),
                AvRecord.started_at >= min(times) - SESSION_REACH, AvRecord.started_at <= max(times) + SESSION_REACH)))
            segments = [Segment(a.id, str(camera_id), a.started_at, a.ended_at or a.started_at) for a in near]
            by_id = {a.id: a for a in near}
            for found in av_rules.sessions(segments, rules.interruption_after, rules.new_session_after):
                if keep.keys() & set(found.ids):
                    keep.update((i, by_id[i]) for i in found.ids if facts.verdict(by_id[i]))
        return [a.id for a in sorted(keep.values(), key=lambda a: (a.started_at or datetime.min, a.id))]


def visible_officer(user: CurrentUser) -> int | None:
    """Officers see their own recordings; administrators and reviewers see everyone's."""
    if user.has(Role.ADMIN, Role.REVIEWER, Role.APPROVER) or user.officer_id is None:
        return None
    return user.officer_id


# ---------------------------------------------------------------------------- suggestions


def _datetimes(values: dict, keys: list[str]) -> list[datetime]:
    found = []
    for key in keys:
        try:
            found.append(datetime.fromisoformat(str(values.get(key) or "")))
        except ValueError:
            continue
    return found


def _actions(s: Session, case_ids: list[int]) -> dict[int, list[CaseAction]]:
    """Stage entries and the date-time fields of final records: when things happened in each case."""
    actions: dict[int, list[CaseAction]] = {i: [] for i in case_ids}
    for e in s.scalars(select(StageEvent).where(StageEvent.case_id.in_(case_ids))):
        actions[e.case_id].append(CaseAction(Stage(e.stage), local(e.at), f"进入“{Stage(e.stage).label}”环节"))
    specs = form_specs()
    rows = s.execute(select(TextRecord, TextRecordRevision.content)
                     .join(TextRecordRevision, TextRecordRevision.record_id == TextRecord.id)
                     .where(TextRecord.case_id.in_(case_ids), TextRecordRevision.final.is_(True)))
    for record, content in rows:
        spec = specs.get(record.form)
        keys = [f.key for f in spec.fields if f.type is FieldType.DATETIME] if spec else []
        for at in _datetimes(json.loads(content), keys):
            actions[record.case_id].append(CaseAction(Stage(record.stage), at.replace(tzinfo=None), record.title))
    return actions


def suggest(ctx: AppContext, session: SessionView) -> list[SuggestionView]:
    """Cases the session may belong to, best first (the officer's cases open at the time)."""
    with ctx.db.read() as s:
        stmt = select(Case).where(Case.status != CaseStatus.ARCHIVED.value)
        if session.officer_id is not None:
            stmt = stmt.where(Case.id.in_(select(CaseOfficer.case_id)
                                          .where(CaseOfficer.officer_id == session.officer_id)))
        cases = {c.id: c for c in s.scalars(stmt)}
        actions = _actions(s, list(cases))
        officers: dict[int, set[int]] = {i: set() for i in cases}
        for co in s.scalars(select(CaseOfficer).where(CaseOfficer.case_id.in_(list(cases)))):
            officers[co.case_id].add(co.officer_id)
        candidates = [LinkCandidate(c.id, c.number, c.title, Stage(c.stage), local(c.opened_at),
                                    local(c.closed_at) if c.closed_at else None, frozenset(officers[c.id]),
                                    tuple(actions[c.id])) for c in cases.values()]
        found = av_rules.suggest(session.start, session.end, session.officer_id, candidates)
        return [SuggestionView(x.case_id, cases[x.case_id].number, cases[x.case_id].title,
                               cases[x.case_id].party_name, x.stage, x.why) for x in found]


def pick_case(ctx: AppContext, case_ref: str) -> SuggestionView:
    """Any case by its number, when the suggestions do not hold it (another officer's case,
    a camera not yet assigned); its current stage is proposed."""
    with ctx.db.read() as s:
        c = find_case(s, case_ref)
        return SuggestionView(c.id, c.number, c.title, c.party_name, Stage(c.stage), "按案号选择")


# ---------------------------------------------------------------------------- linking


def required_keys(ctx: AppContext) -> tuple[str, ...]:
    with ctx.db.read() as s:
        keys = agency_profile(s).storage_keys
        return keys.keys if keys else av_rules.PRACTICE_KEYS


def _key_values(cam: str, officer: str, record: AvRecord, c: Classification) -> dict[str, str]:
    return {"name": c.title, "device_number": cam, "officer": officer,
            "time_of_use": record.started_at.isoformat() if record.started_at else "",
            "party": c.party_name, "case_cause": c.cause}


def link_session(ctx: AppContext, user: CurrentUser, av_ids: list[int] | tuple[int, ...], *,
                 case_id: int | None, stage: Stage | None, classification: Classification,
                 party_informed: bool | None) -> int:
    """Link every segment of a session to a case stage (or to none: routine footage) and classify
    it; returns the number of recordings linked. All or nothing, each one audited."""
    if party_informed is None:
        raise ServiceError("请确认是否已告知当事人正在进行音像记录")
    if (case_id is None) != (stage is None):
        raise ServiceError("请同时选择案件和执法环节")
    with ctx.db.write() as s:
        profile_keys = agency_profile(s).storage_keys
        case = s.get(Case, case_id) if case_id is not None else None
        if case_id is not None and case is None:
            raise ServiceError("案件不存在")
        if case is not None and case.status == CaseStatus.ARCHIVED.value:
            raise ServiceError("案件已归档，不能再关联音像记录")
        # locked, in id order (two links never wait on each other crosswise), and read afresh: a
        # link or a classification committed meanwhile is seen, never overwritten
        records = list(s.scalars(select(AvRecord).where(AvRecord.id.in_(list(av_ids))).order_by(AvRecord.id)
                                 .with_for_update().execution_options(populate_existing=True)))
        if len(records) != len(set(av_ids)):
            raise ServiceError("部分音像记录不存在")
        for record in records:
            _check_linkable(s, user, record)
            _classify(s, record, classification, profile_keys.keys if profile_keys else None)
            record.case_id, record.stage = case_id, stage.value if stage else None
            record.title, record.party_name, record.cause = (classification.title.strip(),
                                                             classification.party_name.strip(),
                                                             classification.cause.strip())
            record.party_informed, record.linked_by, record.linked_at = party_informed, user.actor, utcnow()
            audit.append(s, user.actor, "av.link", record,
                         detail={"case": case.number if case else None, "stage": stage.value if stage else None})
        return len(records)


def _check_linkable(s: Session, user: CurrentUser, record: AvRecord) -> None:
    if s.scalar(select(Disposal.id).where(Disposal.av_record_id == record.id)):
        raise ServiceError(f"音像记录 {record.file_name} 已按保存期限销毁，不能关联")
    if record.linked_at is not None or record.case_id is not None:
        raise ServiceError(f"音像记录 {record.file_name} 已关联，不能重复关联")
    if not user.has(Role.ADMIN) and record.officer_id is not None and record.officer_id != user.officer_id:
        raise ServiceError(f"音像记录 {record.file_name} 不是您的记录仪录制的")


def _classify(s: Session, record: AvRecord, c: Classification, required: tuple[str, ...] | None) -> None:
    cam = s.get(BodyCamera, record.camera_id).serial if record.camera_id else ""
    officer = s.get(Officer, record.officer_id).name if record.officer_id else ""
    missing = av_rules.unclassified(_key_values(cam, officer, record, c), required)
    if missing:
        labels = "、".join(STORAGE_KEYS[k] for k in missing)
        hint = "（记录仪尚未配发给执法人员，请管理员先在记录仪登记中配发）" if "officer" in missing else ""
        raise ServiceError(f"音像记录应按名称、记录设备编号、执法人员、使用时间、当事人和案由分类存储，"
                           f"缺少：{labels}{hint}")


def note_spoken_reason(ctx: AppContext, user: CurrentUser, av_record_id: int, reason: str, spoken_at: datetime,
                       details: str = "") -> None:
    """The reason for an interruption was spoken when recording resumed: note where (local time
    of the footage), so a reviewer can find it."""
    if reason not in INTERRUPTION_REASONS:
        raise ServiceError("请选择中断原因")
    with ctx.db.write() as s:
        record = s.get(AvRecord, av_record_id)
        if record is None:
            raise ServiceError("音像记录不存在")
        at = to_utc(spoken_at)
        if record.started_at and record.ended_at and not record.started_at <= at <= record.ended_at:
            raise ServiceError(f"说明时间应在恢复录制的这段录像之内"
                               f"（{local(record.started_at):%H:%M:%S}–{local(record.ended_at):%H:%M:%S}）")
        note = InterruptionNote(av_record_id=record.id, reason=reason, spoken_at=at, details=details.strip(),
                                noted_by=user.actor, noted_at=utcnow())
        s.add(note)
        audit.append(s, user.actor, "av.interruption_spoken", note)
