"""SQLAlchemy 2 models. Changes go through Alembic migrations (store/migrations).

Rows that the audit chain covers expose ``canonical()``; the hash of that dict is
the ``subject_hash`` of the row's newest audit entry (see store/audit.py).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (BigInteger, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, MetaData, String, Text,
                        UniqueConstraint, event, true)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from jlclient.domain.audit import content_hash

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Audited:
    """Mixin for rows whose content the audit chain vouches for."""

    # columns left out of the hash: counters that change without a state change
    _volatile: frozenset[str] = frozenset()
    # columns added by a later migration, with the value rows written before it hold: left out
    # of the hash while they keep it, so the audit entries of older rows still match
    _added: dict[str, object] = {}

    def canonical(self) -> dict:
        values = {c.name: getattr(self, c.key) for c in self.__table__.columns if c.name not in self._volatile}
        return {k: v for k, v in values.items() if k not in self._added or v != self._added[k]}

    def row_hash(self) -> str:
        return content_hash(self.canonical())

    @property
    def audit_id(self) -> str:
        return str(self.id)


class AppendOnly:
    """Rows that are written once and never changed or deleted (seed 000 Art. 29)."""


class Agency(Audited, Base):
    __tablename__ = "agency"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(40))
    profile_key: Mapped[str] = mapped_column(String(80))


class Setting(Audited, Base):
    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)

    @property
    def audit_id(self) -> str:
        return self.key


class Officer(Audited, Base):
    __tablename__ = "officer"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    cert_no: Mapped[str] = mapped_column(String(40), unique=True)  # 执法证号
    unit: Mapped[str] = mapped_column(String(200), default="")


class User(Audited, Base):
    __tablename__ = "app_user"
    _volatile = frozenset({"failed_logins", "locked_until", "last_login_at"})
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    roles: Mapped[str] = mapped_column(String(200), default="")  # comma-separated Role values, sorted
    created_at: Mapped[datetime] = mapped_column(DateTime)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    officer: Mapped[Officer | None] = relationship()


class Party(Audited, Base):
    __tablename__ = "party"
    _added = {"no_id_reason": ""}  # migration 0012
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # PERSON | ORGANISATION
    name: Mapped[str] = mapped_column(String(200))
    id_number: Mapped[str | None] = mapped_column(String(18))      # 居民身份证号码
    credit_code: Mapped[str | None] = mapped_column(String(18))    # 统一社会信用代码
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    # 无证照: why the party has neither 身份证号 nor 统一社会信用代码 (an unlicensed operator, say)
    no_id_reason: Mapped[str] = mapped_column(String(200), default="")


class Case(Audited, Base):
    __tablename__ = "case_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    procedure: Mapped[str] = mapped_column(String(20))
    start_mode: Mapped[str] = mapped_column(String(20))
    matter: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    handling_unit: Mapped[str] = mapped_column(String(200))
    party_name: Mapped[str] = mapped_column(String(200), default="")  # main party, for lists
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(80))
    # lower-cased number + title + matter + party, for the list filter
    search_text: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    # covering index: the list filter walks the newest-first order without reading table rows
    __table_args__ = (Index("ix_case_file_opened_search", "opened_at", "search_text"),)


class CaseParty(Audited, Base):
    __tablename__ = "case_party"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"))
    role: Mapped[str] = mapped_column(String(20))  # 当事人 / 申请人
    party: Mapped[Party] = relationship()


class CaseOfficer(Audited, Base):
    __tablename__ = "case_officer"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officer.id"))
    officer: Mapped[Officer] = relationship()


class StageEvent(AppendOnly, Audited, Base):
    """One case entering one stage."""
    __tablename__ = "stage_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    stage: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(DateTime)
    by: Mapped[str] = mapped_column(String(80))


class TextRecord(Audited, Base):
    """文字记录: a document of a case; its content lives in revisions."""
    __tablename__ = "text_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    stage: Mapped[str] = mapped_column(String(20))
    form: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(80))
    revisions: Mapped[list["TextRecordRevision"]] = relationship(order_by="TextRecordRevision.revision")


class TextRecordRevision(AppendOnly, Audited, Base):
    """One immutable revision; a correction is a new revision (seed 000 Art. 29)."""
    __tablename__ = "text_record_revision"
    __table_args__ = (UniqueConstraint("record_id", "revision"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("text_record.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)  # canonical JSON of the form's fields
    content_hash: Mapped[str] = mapped_column(String(64))
    author: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(String(300), default="")
    # False for a saved draft; a finished page is checked before its final revision is written
    final: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class DocNumber(AppendOnly, Audited, Base):
    """文号 handed out: one row per number, never reused. The database refuses a second use of a
    number or of a sequence of one kind and year, so two workstations cannot hand out the same."""
    __tablename__ = "doc_number"
    __table_args__ = (UniqueConstraint("kind", "year", "seq"), UniqueConstraint("number"))
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))        # the kind's word in the number: 收, 受, 补, 不受 …
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)             # 0 for a number typed by hand outside the sequence
    number: Mapped[str] = mapped_column(String(80))
    form: Mapped[str] = mapped_column(String(60))
    record_id: Mapped[int | None] = mapped_column(ForeignKey("text_record.id"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(DateTime)
    assigned_by: Mapped[str] = mapped_column(String(80))


class FormDraft(Base):
    """Unsaved work on a form page, kept every 30 s and on lock so a crash loses little.
    A recovery buffer, not a record: it is replaced while the page is edited and removed when
    the page is saved (the saved revision is the record)."""
    __tablename__ = "form_draft"
    __table_args__ = (UniqueConstraint("case_id", "form", "username"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    form: Mapped[str] = mapped_column(String(60))
    username: Mapped[str] = mapped_column(String(80))
    content: Mapped[str] = mapped_column(Text)           # JSON of the page's values
    saved_at: Mapped[datetime] = mapped_column(DateTime)


class DeadlineAdjustment(AppendOnly, Audited, Base):
    """A suspension (time not counted, 行政许可法 Art. 45) or an approved extension of one deadline."""
    __tablename__ = "deadline_adjustment"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    rule: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))  # SUSPENSION | EXTENSION
    cause: Mapped[str] = mapped_column(String(30), default="")  # SuspensionReason value for a suspension
    start: Mapped[date | None] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    days: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    approved_by: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(80))


class ComplianceOverride(AppendOnly, Audited, Base):
    """An approver closing a case despite blocking findings, with the written reason."""
    __tablename__ = "compliance_override"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    findings: Mapped[str] = mapped_column(Text)  # canonical JSON of the findings overridden
    approver: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class BodyCamera(Audited, Base):
    """执法记录仪, in the device register (seed 000 Art. 24-26, seed 001 Art. 16). A camera
    that docks before an administrator registered it is kept as PENDING: its footage is evidence
    all the same."""
    __tablename__ = "body_camera"
    _added = {"model": "", "device_officer_no": "", "note": ""}  # migration 0005
    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(40), unique=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    custodian: Mapped[str] = mapped_column(String(80), default="")
    status: Mapped[str] = mapped_column(String(20), default="IN_SERVICE")  # domain.model.CameraStatus
    registered_at: Mapped[datetime] = mapped_column(DateTime)
    model: Mapped[str] = mapped_column(String(80), default="")
    device_officer_no: Mapped[str] = mapped_column(String(20), default="")  # what the device says (GA/T 947)
    note: Mapped[str] = mapped_column(Text, default="")

    officer: Mapped[Officer | None] = relationship()


class CameraFault(AppendOnly, Audited, Base):
    """A fault report: the camera goes out of service until it is repaired (no self-repair,
    seed 000 Art. 26)."""
    __tablename__ = "camera_fault"
    id: Mapped[int] = mapped_column(primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("body_camera.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    reported_by: Mapped[str] = mapped_column(String(80))
    reported_at: Mapped[datetime] = mapped_column(DateTime)


class Docking(AppendOnly, Audited, Base):
    """One docking of a camera at a workstation, with the device clock offset seen then."""
    __tablename__ = "docking"
    id: Mapped[int] = mapped_column(primary_key=True)
    camera_serial: Mapped[str] = mapped_column(String(40), index=True)
    layout: Mapped[str] = mapped_column(String(40))
    docked_at: Mapped[datetime] = mapped_column(DateTime)
    offset_s: Mapped[float | None] = mapped_column(Float)   # device clock minus workstation clock
    drift_flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    file_count: Mapped[int] = mapped_column(Integer)
    workstation: Mapped[str] = mapped_column(String(120))
    docked_by: Mapped[str] = mapped_column(String(80))


class UploadExemption(AppendOnly, Audited, Base):
    """Remote or continuous duty: the upload deadline runs from the return (seed 000 Art. 23)."""
    __tablename__ = "upload_exemption"
    id: Mapped[int] = mapped_column(primary_key=True)
    docking_id: Mapped[int] = mapped_column(ForeignKey("docking.id"), index=True)
    returned_at: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text)
    declared_by: Mapped[str] = mapped_column(String(80))
    declared_at: Mapped[datetime] = mapped_column(DateTime)


class AvRecord(Audited, Base):
    """音像记录: one file of footage in the evidence store."""
    __tablename__ = "av_record"
    _added = {"title": "", "party_name": "", "cause": "", "party_informed": None, "linked_by": "",
              "linked_at": None, "pulled_at": None, "docking_id": None,   # migration 0005
              "access_class": "ORDINARY", "restricted_reason": "",        # migration 0008
              "source": "camera", "channel": ""}                            # migration 0010
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"), index=True)
    stage: Mapped[str | None] = mapped_column(String(20))
    camera_id: Mapped[int | None] = mapped_column(ForeignKey("body_camera.id"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    file_hash: Mapped[str] = mapped_column(String(64), index=True)
    file_name: Mapped[str] = mapped_column(Text)  # as the camera named it, any length
    size: Mapped[int] = mapped_column(BigInteger)  # footage runs past 2 GiB
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    duration_s: Mapped[float | None] = mapped_column(Float)
    container: Mapped[str] = mapped_column(String(40), default="")
    codec: Mapped[str] = mapped_column(String(40), default="")
    resolution: Mapped[str] = mapped_column(String(20), default="")
    important: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # classified storage by six keys (seed 000 Art. 27, seed 003 Art. 17): name, device number
    # (camera), officer, time of use (started/ended), party and case cause; set when linked
    title: Mapped[str] = mapped_column(String(200), default="")
    party_name: Mapped[str] = mapped_column(String(200), default="")
    cause: Mapped[str] = mapped_column(String(200), default="")
    party_informed: Mapped[bool | None] = mapped_column(Boolean)   # party told recording started (000 Art. 25)
    linked_by: Mapped[str] = mapped_column(String(80), default="")
    linked_at: Mapped[datetime | None] = mapped_column(DateTime)
    pulled_at: Mapped[datetime | None] = mapped_column(DateTime)   # stored from a docked camera
    docking_id: Mapped[int | None] = mapped_column(ForeignKey("docking.id"))
    # who may view it (domain.av_access): ORDINARY / INTERNAL / RESTRICTED, and why restricted
    access_class: Mapped[str] = mapped_column(String(20), default="ORDINARY")
    restricted_reason: Mapped[str] = mapped_column(String(30), default="")
    # where it came from (domain.retention.SOURCES): a body camera, or the hall's CCTV (seed 004
    # Art. 14, 18), whose channel (通道01) says which hall camera
    source: Mapped[str] = mapped_column(String(20), default="camera")
    channel: Mapped[str] = mapped_column(String(80), default="")


class InterruptionNote(AppendOnly, Audited, Base):
    """An interruption explained by the reason spoken when recording resumed, at a time in the
    footage (seed 000 Art. 22, seed 004 Art. 15); the written statement is a TextRecord."""
    __tablename__ = "interruption_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    av_record_id: Mapped[int] = mapped_column(ForeignKey("av_record.id"), index=True)  # the segment that resumes
    reason: Mapped[str] = mapped_column(String(40))
    spoken_at: Mapped[datetime] = mapped_column(DateTime)      # where in the footage the reason is spoken
    details: Mapped[str] = mapped_column(Text, default="")
    noted_by: Mapped[str] = mapped_column(String(80))
    noted_at: Mapped[datetime] = mapped_column(DateTime)


class AvAnalysis(Audited, Base):
    """What OpenCV found in a recording: dark (black or covered-lens) spans. Derived, redone at will."""
    __tablename__ = "av_analysis"
    id: Mapped[int] = mapped_column(primary_key=True)
    av_record_id: Mapped[int] = mapped_column(ForeignKey("av_record.id"), unique=True)
    readable: Mapped[bool] = mapped_column(Boolean)
    problem: Mapped[str] = mapped_column(Text, default="")
    dark_spans: Mapped[str] = mapped_column(Text, default="[]")   # JSON [[start_s, end_s, kind], ...]
    analysed_at: Mapped[datetime] = mapped_column(DateTime)


class PulledFile(AppendOnly, Audited, Base):
    """One file of a body camera, stored, verified and registered: the pull's memory, so a
    re-docked camera or a resumed pull never registers a file twice."""
    __tablename__ = "pulled_file"
    __table_args__ = (UniqueConstraint("camera_serial", "path", "size"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    camera_serial: Mapped[str] = mapped_column(String(40))
    path: Mapped[str] = mapped_column(Text)            # relative to the camera volume, POSIX separators (any length)
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    av_record_id: Mapped[int] = mapped_column(ForeignKey("av_record.id"))
    pulled_at: Mapped[datetime] = mapped_column(DateTime)
    pulled_by: Mapped[str] = mapped_column(String(80))


class ElectronicRecord(Audited, Base):
    """电子数据: a file of a case (scans, printed PDFs, platform exports)."""
    __tablename__ = "electronic_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"), index=True)
    stage: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    file_hash: Mapped[str] = mapped_column(String(64), index=True)
    file_name: Mapped[str] = mapped_column(String(300))
    size: Mapped[int] = mapped_column(BigInteger)  # footage runs past 2 GiB
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(80))


class CaseVolume(AppendOnly, Audited, Base):
    """案卷: a closed case bound as a volume, numbered once and never renumbered (seed 000 Art. 28)."""
    __tablename__ = "case_volume"
    __table_args__ = (UniqueConstraint("archive_year", "archive_seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), unique=True)
    archive_year: Mapped[int] = mapped_column(Integer)
    archive_seq: Mapped[int] = mapped_column(Integer)        # in closing order within the year
    fonds_no: Mapped[str] = mapped_column(String(40), default="")
    catalogue_no: Mapped[str] = mapped_column(String(40), default="")
    retention: Mapped[str] = mapped_column(String(10))      # 永久 / 30年 / 10年
    box_no: Mapped[int] = mapped_column(Integer)
    items: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer)
    documents: Mapped[str] = mapped_column(Text)             # JSON: the index rows in binding order
    notes: Mapped[str] = mapped_column(Text, default="")     # 卷内备考表: the state of the volume
    filer: Mapped[str] = mapped_column(String(80))
    checker: Mapped[str] = mapped_column(String(80), default="")
    filed_at: Mapped[datetime] = mapped_column(DateTime)


class AccessRequest(Audited, Base):
    """查阅申请: to view recordings outside one's work or restricted ones (seed 003 Art. 16); the
    decision is written once, and an approval lapses at ``expires_at``."""
    __tablename__ = "access_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    requester: Mapped[str] = mapped_column(String(80), index=True)     # actor
    requester_name: Mapped[str] = mapped_column(String(80))
    av_record_ids: Mapped[str] = mapped_column(Text)                   # JSON list: the scope
    reason: Mapped[str] = mapped_column(Text)
    hours: Mapped[int] = mapped_column(Integer)                        # the time limit asked for
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(20), default="PENDING")  # PENDING / APPROVED / REFUSED
    decided_by: Mapped[str] = mapped_column(String(80), default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)


class SpotCheckPlan(AppendOnly, Audited, Base):
    """抽检计划: a random sample of a period's recordings, drawn with a recorded seed so the same
    sample can be drawn again (seed 002 Art. 19, seed 003 Art. 22)."""
    __tablename__ = "spot_check_plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    scope_kind: Mapped[str] = mapped_column(String(20))        # ALL / OFFICER / UNIT / PROCEDURE
    scope_value: Mapped[str] = mapped_column(String(200), default="")
    size_kind: Mapped[str] = mapped_column(String(10))         # COUNT / PERCENT
    size: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(BigInteger)
    checklist: Mapped[str] = mapped_column(Text)               # JSON: the item codes checked
    population: Mapped[str] = mapped_column(Text)              # JSON: every recording in scope
    sample: Mapped[str] = mapped_column(Text)                  # JSON: the recordings drawn
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class SpotCheck(AppendOnly, Audited, Base):
    """One recording of a plan played back and checked: each checklist item, each issue at its time."""
    __tablename__ = "spot_check"
    __table_args__ = (UniqueConstraint("plan_id", "av_record_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("spot_check_plan.id"), index=True)
    av_record_id: Mapped[int] = mapped_column(ForeignKey("av_record.id"))
    results: Mapped[str] = mapped_column(Text)                 # JSON: {item code: true (ok) / false}
    issues: Mapped[str] = mapped_column(Text)                  # JSON: [{item, at_ms, note}]
    conclusion: Mapped[str] = mapped_column(Text, default="")
    checker: Mapped[str] = mapped_column(String(80))
    checker_name: Mapped[str] = mapped_column(String(80))
    checked_at: Mapped[datetime] = mapped_column(DateTime)


class AvMarker(AppendOnly, Audited, Base):
    """A note at a time point of a recording, left by a reviewer while playing it."""
    __tablename__ = "av_marker"
    id: Mapped[int] = mapped_column(primary_key=True)
    av_record_id: Mapped[int] = mapped_column(ForeignKey("av_record.id"), index=True)
    position_ms: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class PartyRequest(Audited, Base):
    """A party's request to view or copy records (seed 001 Art. 18, 002 Art. 18, 004 Art. 21): what
    was asked, the decision and what was provided; the decision is written once."""
    __tablename__ = "party_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"), index=True)
    requester_name: Mapped[str] = mapped_column(String(200))
    id_number: Mapped[str] = mapped_column(String(40), default="")
    contact: Mapped[str] = mapped_column(String(80), default="")
    wants: Mapped[str] = mapped_column(String(10))             # VIEW / COPY
    asked_for: Mapped[str] = mapped_column(Text)
    route: Mapped[str] = mapped_column(String(20))             # the profile's party_access route
    received_by: Mapped[str] = mapped_column(String(80))
    received_at: Mapped[datetime] = mapped_column(DateTime)
    decision: Mapped[str] = mapped_column(String(20), default="PENDING")  # PROVIDED / PARTLY / REFUSED
    decided_by: Mapped[str] = mapped_column(String(80), default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    provided: Mapped[str] = mapped_column(Text, default="")


class EvidenceCopy(AppendOnly, Audited, Base):
    """A copy of recordings handed over for reconsideration or court (seed 003 Art. 15, seed 004
    Art. 22): what was copied, to whom, and the manifest that vouches for the files."""
    __tablename__ = "evidence_copy"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"), index=True)
    av_record_ids: Mapped[str] = mapped_column(Text)           # JSON list
    recipient: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(200))
    folder: Mapped[str] = mapped_column(Text)
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    made_by: Mapped[str] = mapped_column(String(80))
    made_at: Mapped[datetime] = mapped_column(DateTime)


class RetentionHold(AppendOnly, Audited, Base):
    """长期保存: a recording kept beyond its period (seed 002 Art. 17, seed 003 Art. 13); never lifted."""
    __tablename__ = "retention_hold"
    id: Mapped[int] = mapped_column(primary_key=True)
    av_record_id: Mapped[int] = mapped_column(ForeignKey("av_record.id"), index=True)
    reason: Mapped[str] = mapped_column(String(40))            # a code of profile.HOLD_REASONS
    note: Mapped[str] = mapped_column(Text, default="")
    placed_by: Mapped[str] = mapped_column(String(80))
    placed_at: Mapped[datetime] = mapped_column(DateTime)


class Disposal(AppendOnly, Audited, Base):
    """销毁登记: what was disposed of, its hash and size, under which rule, approved by whom and when.
    The file content goes; this entry and the recording's row stay."""
    __tablename__ = "disposal"
    id: Mapped[int] = mapped_column(primary_key=True)
    av_record_id: Mapped[int] = mapped_column(ForeignKey("av_record.id"), unique=True)
    file_hash: Mapped[str] = mapped_column(String(64), index=True)
    file_name: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    rule: Mapped[str] = mapped_column(Text)
    approved_by: Mapped[str] = mapped_column(String(80))
    approved_at: Mapped[datetime] = mapped_column(DateTime)


class ServiceToken(AppendOnly, Audited, Base):
    """A service account (issue 15): the credential of an unattended docking station or scheduled CCTV
    import, made by an administrator for one machine and limited to its commands. Only the token's
    argon2 hash is kept; it acts as ``service:<name>``. Revoking adds a ServiceTokenRevocation."""
    __tablename__ = "service_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    commands: Mapped[str] = mapped_column(String(200))  # comma-separated CLI commands, sorted
    token_hash: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ServiceTokenRevocation(AppendOnly, Audited, Base):
    __tablename__ = "service_token_revocation"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("service_token.id"), unique=True)
    revoked_by: Mapped[str] = mapped_column(String(120))
    revoked_at: Mapped[datetime] = mapped_column(DateTime)


class AuditEntry(AppendOnly, Base):
    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_entity", "entity_type", "entity_id"),)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ts: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(60))
    entity_type: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(80))
    subject_hash: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class ChainHead(Base):
    """The newest audit entry, updated in the same transaction: catches a cut-off tail."""
    __tablename__ = "chain_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


AUDITED_MODELS: tuple[type[Audited], ...] = (
    Agency, Setting, Officer, User, Party, Case, CaseParty, CaseOfficer, StageEvent,
    TextRecord, TextRecordRevision, DocNumber, DeadlineAdjustment, ComplianceOverride, BodyCamera, AvRecord, PulledFile,
    ElectronicRecord, CameraFault, Docking, UploadExemption, InterruptionNote, AvAnalysis, CaseVolume,
    AccessRequest, SpotCheckPlan, SpotCheck, AvMarker, PartyRequest, EvidenceCopy, RetentionHold, Disposal,
    ServiceToken, ServiceTokenRevocation,
)
MODEL_BY_TABLE = {m.__tablename__: m for m in AUDITED_MODELS}


class AppendOnlyViolation(RuntimeError):
    pass


def _refuse(mapper, connection, target):
    # the message reaches people: no internal citation (the rule is seed 000 Art. 29 and its peers)
    # no class name either: the table is named in the log, not on a screen
    raise AppendOnlyViolation("该记录只能追加，不能修改或删除：已形成的记录不得更改，更正须另作新版本")


for _cls in (StageEvent, TextRecordRevision, DocNumber, DeadlineAdjustment, ComplianceOverride, PulledFile, CaseVolume,
             SpotCheckPlan, SpotCheck, AvMarker, EvidenceCopy, RetentionHold, Disposal, ServiceToken,
             ServiceTokenRevocation, AuditEntry):
    event.listen(_cls, "before_update", _refuse)
    event.listen(_cls, "before_delete", _refuse)
