"""The rules at the dock, as pure functions: recording sessions and their interruptions
(seed 000 Art. 22, seed 004 Art. 15), the upload deadline of the agency profile
(seed 000 Art. 23: 24 hours; seed 004 Art. 18: 1 working day; remote duty from the return),
clock drift, the case a session most likely belongs to, and classification by the six keys
(seed 000 Art. 27, seed 003 Art. 17)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable
from datetime import datetime, time, timedelta

from jlclient.domain.model import Stage
from jlclient.domain.profile import AvUpload, Deadline, TimeUnit
from jlclient.domain.workdays import WorkCalendar

# practice, configurable (settings): cameras split one recording into segments with a second or
# two between; a longer pause at one site is an interruption to explain
INTERRUPTION_AFTER = timedelta(seconds=10)
# a pause longer than this is a new recording, not an interrupted one
NEW_SESSION_AFTER = timedelta(minutes=30)
# GA/T 947 devices drift "a few seconds a day"; beyond this the clock needs setting (practice)
DRIFT_BOUND = timedelta(seconds=30)


@dataclass(frozen=True)
class DockRules:
    """The configurable thresholds of the dock (agency settings)."""
    interruption_after: timedelta = INTERRUPTION_AFTER
    new_session_after: timedelta = NEW_SESSION_AFTER
    drift_bound: timedelta = DRIFT_BOUND

    def drifted(self, offset_s: float | None) -> bool:
        """The device clock is off by more than the bound (checked at every docking)."""
        return offset_s is not None and abs(offset_s) > self.drift_bound.total_seconds()


@dataclass(frozen=True)
class Segment:
    id: int
    camera: str
    start: datetime
    end: datetime
    seq: int | None = None    # the sequence number the camera wrote into the file name, when it has one


@dataclass(frozen=True)
class Gap:
    before: int          # segment id the gap follows
    after: int           # segment id that resumes the recording
    start: datetime
    end: datetime

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


@dataclass
class RecordingSession:
    camera: str
    segments: list[Segment] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)   # interruptions: each needs its statement

    @property
    def start(self) -> datetime:
        return self.segments[0].start

    @property
    def end(self) -> datetime:
        return self.segments[-1].end

    @property
    def ids(self) -> list[int]:
        return [s.id for s in self.segments]


def sessions(segments: list[Segment], interruption_after: timedelta = INTERRUPTION_AFTER,
             new_session_after: timedelta = NEW_SESSION_AFTER) -> list[RecordingSession]:
    """Chain each camera's segments by time into recording sessions, noting interruptions.
    Sessions come out in (camera, start) order."""
    result: list[RecordingSession] = []
    for camera in sorted({s.camera for s in segments}):
        current: RecordingSession | None = None
        for seg in sorted((s for s in segments if s.camera == camera), key=lambda s: (s.start, s.id)):
            pause = seg.start - current.end if current else None
            if current is None or pause > new_session_after:
                current = RecordingSession(camera)
                result.append(current)
            elif pause > interruption_after:
                current.gaps.append(Gap(current.segments[-1].id, seg.id, current.end, seg.start))
            current.segments.append(seg)
    return result


# a camera starts the next segment within a second or two of the last one's end; more overlap than
# this means the stamped time and the file's own length cannot both be true (practice)
OVERLAP_TOLERANCE = timedelta(seconds=2)
SELECTIVE_SOURCE = "seed 001 Art. 12(四)"   # 不得断续记录，不得任意选择取舍或事后补录，不得插入其他画面


def _no(seq: int) -> str:
    return f"第 {seq:04d} 段"


def selective_signs(session: RecordingSession,
                    shown: Callable[[datetime], datetime] = lambda t: t) -> list[str]:
    """Signs that footage of a session was left out, added afterwards or inserted (seed 001 Art. 12(四)):
    the camera numbers its segments one after another, so a missing number, numbers out of the order of
    the stamped times, or a segment stamped to start before the previous file's own length has run out
    mean the names, stamps and files no longer tell one story. Words for people, one sign a line;
    ``shown`` turns a stored time into the wall time people read."""
    signs: list[str] = []
    for before, after in zip(session.segments, session.segments[1:]):
        # a camera that numbers each recording afresh starts again at 1 after a pause: a new recording
        restarted = after.seq == 1 and after.start - before.end > OVERLAP_TOLERANCE
        if before.seq is not None and after.seq is not None and not restarted:
            if after.seq < before.seq:
                signs.append(f"段号与录制时间顺序不符：{_no(after.seq)}（{shown(after.start):%H:%M:%S}）"
                             f"录在{_no(before.seq)}（{shown(before.start):%H:%M:%S}）之后，段号却更小")
            elif after.seq == before.seq:
                signs.append(f"两个文件都编为{_no(after.seq)}")
            elif after.seq > before.seq + 1:
                signs.append(f"段号不连续：{_no(before.seq)}之后是{_no(after.seq)}，"
                             f"缺少 {after.seq - before.seq - 1} 段")
        if before.end - after.start > OVERLAP_TOLERANCE:
            signs.append(f"时间重叠：{shown(after.start):%H:%M:%S} 开始的一段，与前一段按文件时长至 "
                         f"{shown(before.end):%H:%M:%S} 才结束的录像重叠")
    return signs


def _due(start: datetime, deadline: Deadline, calendar: WorkCalendar) -> datetime:
    if deadline.unit is TimeUnit.HOURS:
        return start + timedelta(hours=deadline.amount)
    # N working days: to the end of the Nth working day after the day of the action
    day = calendar.add_working_days(start.date(), deadline.amount).value
    return datetime.combine(day, time(23, 59, 59))


def upload_due(rule: AvUpload, recording_end: datetime, *, returned_at: datetime | None = None,
               calendar: WorkCalendar | None = None) -> tuple[datetime, str]:
    """When the footage must be stored, and the rule that says so. ``returned_at``: remote or
    continuous duty, counted from the return where the profile allows it. Local wall times."""
    start, deadline = _counted_from(rule, recording_end, returned_at)
    return _due(start, deadline, calendar or WorkCalendar()), str(deadline.source)


def _counted_from(rule: AvUpload, recording_end: datetime, returned_at: datetime | None) -> tuple[datetime, Deadline]:
    """Remote or continuous duty counts from the return where the profile allows it."""
    if returned_at is not None and rule.remote is not None:
        return returned_at, rule.remote
    return recording_end, rule.deadline


def upload_due_warning(rule: AvUpload | None, recording_end: datetime, *, returned_at: datetime | None = None,
                       calendar: WorkCalendar | None = None) -> str | None:
    """The calendar's warning when the upload deadline was counted in working days of a year whose
    放假安排 is not known yet (issue 16), else None."""
    if rule is None:
        return None
    start, deadline = _counted_from(rule, recording_end, returned_at)
    if deadline.unit is TimeUnit.HOURS:
        return None
    return (calendar or WorkCalendar()).add_working_days(start.date(), deadline.amount).message


def upload_late(rule: AvUpload | None, recording_end: datetime, uploaded_at: datetime, *,
                returned_at: datetime | None = None, calendar: WorkCalendar | None = None) -> str | None:
    """The rule's source when the footage was stored after its deadline, else None."""
    if rule is None:
        return None
    due, source = upload_due(rule, recording_end, returned_at=returned_at, calendar=calendar)
    return source if uploaded_at > due else None


# ---------------------------------------------------------------------------- linking


@dataclass(frozen=True)
class CaseAction:
    """Something done in a case at a known time (a stage entered, an on-site record's time)."""
    stage: Stage
    at: datetime
    what: str


@dataclass(frozen=True)
class LinkCandidate:
    case_id: int
    number: str
    title: str
    stage: Stage                      # the case's current stage
    opened_at: datetime
    closed_at: datetime | None
    officer_ids: frozenset[int]
    actions: tuple[CaseAction, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    case_id: int
    stage: Stage
    score: int
    why: str


# an on-site action this close to the recording is taken as the same occasion (practice)
NEAR_ACTION = timedelta(hours=2)


def suggest(start: datetime, end: datetime, officer_id: int | None,
            candidates: list[LinkCandidate]) -> list[Suggestion]:
    """Cases the recording may belong to, best first: the officer's cases open at the time,
    ranked by an action of the case during or near the recording (its stage is suggested)."""
    found = []
    for c in candidates:
        if officer_id is not None and officer_id not in c.officer_ids:
            continue
        if c.opened_at - NEAR_ACTION > end or (c.closed_at and c.closed_at < start):
            continue
        found.append(_rank(start, end, c))
    return sorted(found, key=lambda s: (-s.score, s.case_id))


def _rank(start: datetime, end: datetime, c: LinkCandidate) -> Suggestion:
    def distance(a: CaseAction) -> timedelta:
        return max(start - a.at, a.at - end, timedelta(0))
    near = sorted((a for a in c.actions if distance(a) <= NEAR_ACTION), key=distance)
    if near:
        best = near[0]
        score = 100 if distance(best) == timedelta(0) else 50
        return Suggestion(c.case_id, best.stage, score, f"{best.what}（{best.at:%m-%d %H:%M}）与录像时间相符")
    return Suggestion(c.case_id, c.stage, 10, "您承办的案件，录像时正在办理")


# ---------------------------------------------------------------------------- classification

# the six keys of seed 000 Art. 27 / seed 003 Art. 17; agencies whose regulation names none
# still classify by them (practice), but only the first four are then required
ALL_KEYS = ("name", "device_number", "officer", "time_of_use", "party", "case_cause")
PRACTICE_KEYS = ("name", "device_number", "officer", "time_of_use")


def unclassified(values: dict[str, str], required: tuple[str, ...] | None) -> list[str]:
    """The keys (codes) that are required but empty."""
    return [k for k in (required or PRACTICE_KEYS) if not str(values.get(k) or "").strip()]
