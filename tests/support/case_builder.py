"""Build realistic cases through the real services, for service and UI tests.

``form_values(code)`` gives values that finish each form (``validate_values(final=True)``
passes) under a permit or a penalty; ``build_case`` opens a case and walks it through its
stages, finishing the forms each stage needs (``PLAN``) and filming the investigation, so a
built case passes the compliance check of every shipped profile. Gaps are made with
``skip``/``extra``/``values`` or by the helpers below (``import_record`` bypasses the form
check the way an import or an old form definition would; ``add_av`` registers footage).

The values and the plan are the demo's (jlclient.services.demo), which fills the demo cases'
forms the same way; the tests' cases are about its sample subject (``demo.SAMPLE``).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Iterable, Mapping

from sqlalchemy import select

from jlclient.domain.model import Procedure, Stage, StartMode
from jlclient.services import cases, demo, records
from jlclient.services.demo import (BUILDERS, CAMERA, FILMED, OFFICERS, PLAN, lodged_service,  # noqa: F401
                                    officers_signed, opinion, sealed, signed)
from jlclient.services.auth import current_user
from jlclient.services.parties import ORGANISATION, PartyInput
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.models import AvRecord, BodyCamera, Case, Officer, User

ACTOR = "user:officer"
MATTER = demo.SAMPLE.matter
PARTY = demo.SAMPLE.party_name
CREDIT_CODE = demo.SAMPLE.credit_code
ADDRESS = demo.SAMPLE.address
COMPANY = PartyInput(ORGANISATION, PARTY, CREDIT_CODE, "0311-82512345", ADDRESS)


def form_values(code: str, procedure: Procedure = Procedure.PERMIT, on: date | None = None, **overrides) -> dict:
    """Values that finish form ``code`` in a case of ``procedure``, with ``overrides`` applied."""
    return demo.form_values(code, procedure, on, **overrides)


# ---------------------------------------------------------------------------- cases

def officer_ids(ctx, count: int) -> tuple[int, ...]:
    with ctx.db.read() as s:
        return tuple(s.scalars(select(Officer.id).order_by(Officer.id).limit(count)))


def open_case(ctx, procedure: Procedure, *, officers: int = 2, opened_at: datetime | None = None,
              actor: str = ACTOR) -> int:
    """A new case; fewer than two officers on a penalty is written directly, as an import would."""
    mode = StartMode.ON_APPLICATION if procedure is Procedure.PERMIT else StartMode.EX_OFFICIO
    new = cases.NewCase(procedure, mode, MATTER if procedure is Procedure.PERMIT else "未按许可条件从事经营活动",
                        COMPANY, "综合执法科", officer_ids(ctx, officers), opened_at=opened_at)
    if procedure is Procedure.PENALTY and officers < 2:
        with ctx.db.write() as s:
            return cases.add_case(s, actor, new).id
    return cases.open_case(ctx, actor, new).id


def version(ctx, case_id: int) -> int:
    return cases.case_detail(ctx, case_id).version


def stage_of(ctx, case_id: int) -> str:
    """The stage as stored ("INVESTIGATION")."""
    with ctx.db.read() as s:
        return s.get(Case, case_id).stage


def stuck_investigation(ctx) -> int:
    """A penalty in 调查取证 without its 询问笔录 and 事先告知书 (two open problems), handled by one
    officer (李娜; 王强 is not on it)."""
    return build_case(ctx, Procedure.PENALTY, until=Stage.INVESTIGATION, skip=("inquiry_record", "rights_notice"),
                      officers=1)


def advance(ctx, case_id: int, actor: str = ACTOR) -> Stage | None:
    """Move on as ``actor`` would through the service, stage rights applied; a bare test database
    without that user moves on as an import does."""
    with ctx.db.read() as s:
        user = s.scalar(select(User).where(User.username == actor.removeprefix("user:")))
        who = current_user(user) if user is not None else None
    if who is None:
        with ctx.db.write() as s:
            return cases.advance(s, actor, s.get(Case, case_id))
    return cases.advance_case(ctx, who, case_id, version(ctx, case_id))


def save(ctx, case_id: int, code: str, procedure: Procedure, actor: str = ACTOR, **overrides) -> int:
    """Finish one form through the records service; returns the record id. The agency's own
    numbers (文号) come from the numbering service unless a test types one."""
    return demo.finish(ctx, actor, case_id, code, procedure, **overrides)


def import_record(ctx, case_id: int, stage: Stage, code: str, values: dict, actor: str = ACTOR) -> int:
    """A final record written without the form check (an import, or a form since made stricter)."""
    with ctx.db.write() as s:
        case = s.get(Case, case_id)
        return cases.add_text_record(s, actor, case, stage, code, code, records.to_json_value(values)).id


def add_av(ctx, case_id: int | None, stage: Stage | None, *, camera: str = CAMERA, start: datetime | None = None,
           seconds: int = 600, actor: str = ACTOR, officer: str | None = None, content: bytes | None = None) -> int:
    """Register one file of footage of ``camera`` (stored in the evidence store) for the case's stage
    (none: routine footage), recorded by the officer named ``officer`` when given; ``content``: a
    real video file's bytes (else a few bytes standing in for one)."""
    start = start or utcnow().replace(microsecond=0) - timedelta(hours=2)
    stored = ctx.evidence.put_bytes(content or f"{camera} {start.isoformat()} {seconds}".encode())
    with ctx.db.write() as s:
        device = s.scalar(select(BodyCamera).where(BodyCamera.serial == camera))
        if device is None:
            device = BodyCamera(serial=camera, custodian="李娜", registered_at=utcnow())
            s.add(device)
            audit.append(s, actor, "camera.register", device)
        officer_id = s.scalar(select(Officer.id).where(Officer.name == officer)) if officer else None
        av = AvRecord(case_id=case_id, stage=stage.value if stage else None, camera_id=device.id,
                      officer_id=officer_id, file_hash=stored.sha256,
                      file_name=f"{camera}_{start:%Y%m%d%H%M%S}_0001.MP4", size=stored.size, started_at=start,
                      ended_at=start + timedelta(seconds=seconds), duration_s=float(seconds), created_at=utcnow())
        s.add(av)
        audit.append(s, actor, "av.add", av)
        return av.id


def build_case(ctx, procedure: Procedure, *, until: Stage = Stage.ARCHIVING, skip: Iterable[str] = (),
               extra: Mapping[Stage, tuple[str, ...]] | None = None, values: Mapping[str, dict] | None = None,
               av: bool = True, officers: int = 2, opened_at: datetime | None = None) -> int:
    """A case walked through ``PLAN`` up to (and with the forms of) stage ``until``.

    ``skip``: forms left out; ``extra``: more forms per stage; ``values``: overrides per form;
    ``av=False``: no footage of the investigation.
    """
    case_id = open_case(ctx, procedure, officers=officers, opened_at=opened_at)
    skip, extra, values = set(skip), extra or {}, values or {}
    for stage, codes in PLAN[procedure]:
        for code in (*codes, *extra.get(stage, ())):
            if code not in skip:
                save(ctx, case_id, code, procedure, **values.get(code, {}))
        if av and stage is FILMED:
            add_av(ctx, case_id, stage)
        if stage is until:
            return case_id
        advance(ctx, case_id)
    return case_id
