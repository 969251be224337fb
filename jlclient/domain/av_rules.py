"""The rules at the dock, as pure functions: recording sessions and their interruptions
(seed 000 Art. 22, seed 004 Art. 15) and the upload deadline of the agency profile
(seed 000 Art. 23: 24 hours; seed 004 Art. 18: 1 working day; remote duty from the return)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from jlclient.domain.profile import AvUpload, Deadline, TimeUnit
from jlclient.domain.workdays import WorkCalendar

# practice, configurable: cameras split one recording into segments with a second or two between
INTERRUPTION_AFTER = timedelta(seconds=5)
# a pause longer than this is a new recording, not an interrupted one
NEW_SESSION_AFTER = timedelta(minutes=30)


@dataclass(frozen=True)
class Segment:
    id: int
    camera: str
    start: datetime
    end: datetime


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


def sessions(segments: list[Segment], interruption_after: timedelta = INTERRUPTION_AFTER,
             new_session_after: timedelta = NEW_SESSION_AFTER) -> list[RecordingSession]:
    """Chain each camera's segments by time into recording sessions, noting interruptions."""
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
    calendar = calendar or WorkCalendar()
    if returned_at is not None and rule.remote is not None:
        return _due(returned_at, rule.remote, calendar), str(rule.remote.source)
    return _due(recording_end, rule.deadline, calendar), str(rule.deadline.source)
