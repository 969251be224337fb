"""The device register of body cameras (seed 000 Art. 24-26, seed 003 Art. 20-21, seed 001 Art. 16)
and what every docking leaves behind: the docking itself with the device clock offset, and a
remote-duty declaration that moves the upload deadline (seed 000 Art. 23, seed 004 Art. 18).

Administrators keep the register; any officer may report a fault of the camera assigned to them.
A camera that docks before it was registered becomes PENDING: its footage is pulled all the same
(it is evidence) and the administrator is offered to complete the registration.
"""
from __future__ import annotations

import socket
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jlclient.devices.dock import clock_offset_s, for_pull
from jlclient.devices.layouts import Recognised
from jlclient.devices.pull import CameraFile, Docked, lost_race
from jlclient.domain.av_rules import DockRules
from jlclient.domain.citation import in_words
from jlclient.domain.model import CameraStatus, Role
from jlclient.services import citations, settings
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext, ServiceError
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.db import locked
from jlclient.store.models import BodyCamera, CameraFault, Docking, Officer, UploadExemption

# one camera per officer: seed 001 Art. 16 says so outright; the other seeds' registers (000 Art. 24,
# 003 Art. 20) name a custodian per device, so the register applies it to every agency (practice)
ONE_PER_OFFICER = "seed 001 Art. 16"


@dataclass(frozen=True)
class CameraRow:
    id: int
    serial: str
    status: CameraStatus
    officer_id: int | None
    officer_name: str
    custodian: str
    model: str
    device_officer_no: str
    note: str
    faults: int
    last_docked_at: datetime | None
    last_offset_s: float | None
    drift_flagged: bool


@dataclass(frozen=True)
class DockingView:
    """What the pane shows about a camera that has just docked."""
    docking_id: int
    camera: CameraRow


def dock_rules(s: Session) -> DockRules:
    return DockRules(timedelta(seconds=settings.get_int(s, "interruption_after_s")),
                     timedelta(minutes=settings.get_int(s, "new_session_after_min")),
                     timedelta(seconds=settings.get_int(s, "clock_drift_bound_s")))


def _require_admin(user: CurrentUser) -> None:
    if not user.has(Role.ADMIN):
        raise ServiceError("只有系统管理员可以管理记录仪登记")


def _row(s: Session, cam: BodyCamera) -> CameraRow:
    faults = s.scalar(select(func.count(CameraFault.id)).where(CameraFault.camera_id == cam.id))
    last = s.scalars(select(Docking).where(Docking.camera_serial == cam.serial)
                     .order_by(Docking.id.desc()).limit(1)).first()
    return CameraRow(cam.id, cam.serial, CameraStatus(cam.status), cam.officer_id,
                     cam.officer.name if cam.officer else "", cam.custodian, cam.model, cam.device_officer_no,
                     cam.note, faults, last.docked_at if last else None, last.offset_s if last else None,
                     bool(last and last.drift_flagged))


def list_cameras(ctx: AppContext) -> list[CameraRow]:
    with ctx.db.read() as s:
        return [_row(s, c) for c in s.scalars(select(BodyCamera).order_by(BodyCamera.serial))]


def camera(ctx: AppContext, serial: str) -> CameraRow | None:
    with ctx.db.read() as s:
        cam = s.scalar(select(BodyCamera).where(BodyCamera.serial == serial))
        return _row(s, cam) if cam else None


def _check_one_per_officer(s: Session, cam: BodyCamera, officer_id: int | None) -> None:
    if officer_id is None:
        return
    officer = s.get(Officer, officer_id)
    if officer is None:
        raise ServiceError("执法人员不存在")
    other = s.scalar(select(BodyCamera).where(BodyCamera.officer_id == officer_id, BodyCamera.id != cam.id,
                                              BodyCamera.status != CameraStatus.RETIRED.value))
    if other is not None:
        raise ServiceError(in_words(f"{officer.name} 已配发记录仪 {other.serial}：每名执法人员只配发一台记录仪"
                                    f"（{ONE_PER_OFFICER}），请先将那台停用或改配他人", citations.titles(s)))


def register_camera(ctx: AppContext, user: CurrentUser, serial: str, *, officer_id: int | None, custodian: str,
                    model: str = "", note: str = "") -> CameraRow:
    """Register a camera, or complete the registration of one that docked first (PENDING)."""
    _require_admin(user)
    serial = serial.strip()
    if not serial:
        raise ServiceError("请填写记录仪编号")
    if not custodian.strip():
        raise ServiceError("请填写保管人（记录仪应明确专人保管）")
    with ctx.db.write() as s:
        cam = s.scalar(select(BodyCamera).where(BodyCamera.serial == serial))
        if cam is not None and cam.status != CameraStatus.PENDING.value:
            raise ServiceError(f"记录仪 {serial} 已登记")
        if cam is None:
            cam = BodyCamera(serial=serial, registered_at=utcnow())
            s.add(cam)
            s.flush()
        _check_one_per_officer(s, cam, officer_id)
        cam.officer_id, cam.custodian, cam.model, cam.note = officer_id, custodian.strip(), model.strip(), note
        cam.status, cam.registered_at = CameraStatus.IN_SERVICE.value, utcnow()
        audit.append(s, user.actor, "camera.register", cam)
        s.refresh(cam)
        return _row(s, cam)


def update_camera(ctx: AppContext, user: CurrentUser, camera_id: int, *, officer_id: int | None, custodian: str,
                  status: CameraStatus, note: str) -> CameraRow:
    _require_admin(user)
    if status is CameraStatus.PENDING:
        raise ServiceError("不能把已登记的记录仪改回“待登记”")
    with ctx.db.write() as s:
        cam = locked(s, BodyCamera, camera_id)   # a fault reported meanwhile is seen, not overwritten unseen
        if cam is None:
            raise ServiceError("记录仪不存在")
        if status is not CameraStatus.RETIRED:
            _check_one_per_officer(s, cam, officer_id)
        cam.officer_id, cam.custodian, cam.status, cam.note = officer_id, custodian.strip(), status.value, note
        audit.append(s, user.actor, "camera.update", cam)
        s.refresh(cam)
        return _row(s, cam)


def report_fault(ctx: AppContext, user: CurrentUser, camera_id: int, description: str) -> CameraRow:
    """A fault report takes the camera out of service until an administrator marks it repaired
    (faults are reported, not repaired by the officer: seed 000 Art. 26)."""
    description = description.strip()
    if not description:
        raise ServiceError("请描述故障情况")
    with ctx.db.write() as s:
        cam = locked(s, BodyCamera, camera_id)
        if cam is None:
            raise ServiceError("记录仪不存在")
        if not user.has(Role.ADMIN) and (user.officer_id is None or cam.officer_id != user.officer_id):
            raise ServiceError("只能报告配发给本人的记录仪的故障")
        fault = CameraFault(camera_id=cam.id, description=description, reported_by=user.actor,
                            reported_at=utcnow())
        s.add(fault)
        audit.append(s, user.actor, "camera.fault", fault)
        if cam.status == CameraStatus.IN_SERVICE.value:
            cam.status = CameraStatus.FAULTY.value
            audit.append(s, user.actor, "camera.update", cam, detail={"reason": "fault"})
        s.refresh(cam)
        return _row(s, cam)


def faults_of(ctx: AppContext, camera_id: int) -> list[CameraFault]:
    with ctx.db.read() as s:
        rows = list(s.scalars(select(CameraFault).where(CameraFault.camera_id == camera_id)
                              .order_by(CameraFault.id)))
        s.expunge_all()
        return rows


# ---------------------------------------------------------------------------- docking


def docking_offsets(s: Session, docking_ids) -> dict[int, float]:
    """Each docking's clock offset (device clock − true time), measured when the camera docked: what
    clock.footage_times needs to show the time a camera burned into its picture."""
    ids = {i for i in docking_ids if i is not None}
    return {d.id: d.offset_s or 0.0 for d in s.scalars(select(Docking).where(Docking.id.in_(ids)))} if ids else {}


def workstation() -> str:
    return socket.gethostname()[:120]


def record_docking(ctx: AppContext, actor: str, serial: str, layout: str, offset_s: float | None,
                   file_count: int, device_officer_no: str = "", clock_note: str = "") -> DockingView:
    """Every docking is kept with the device clock offset; a camera never seen becomes PENDING.
    Two workstations docking a new camera at once: the second finds the first's register row."""
    try:
        return _record_docking(ctx, actor, serial, layout, offset_s, file_count, device_officer_no, clock_note)
    except ServiceError as exc:
        if not lost_race(exc):
            raise
        return _record_docking(ctx, actor, serial, layout, offset_s, file_count, device_officer_no, clock_note)


def _record_docking(ctx: AppContext, actor: str, serial: str, layout: str, offset_s: float | None,
                    file_count: int, device_officer_no: str, clock_note: str) -> DockingView:
    with ctx.db.write() as s:
        rules = dock_rules(s)
        cam = s.scalar(select(BodyCamera).where(BodyCamera.serial == serial))
        if cam is None:
            cam = BodyCamera(serial=serial, status=CameraStatus.PENDING.value, registered_at=utcnow(),
                             device_officer_no=device_officer_no)
            s.add(cam)
            audit.append(s, actor, "camera.pending", cam)
        docking = Docking(camera_serial=serial, layout=layout, docked_at=utcnow(), offset_s=offset_s,
                          drift_flagged=rules.drifted(offset_s), file_count=file_count,
                          workstation=workstation(), docked_by=actor)
        s.add(docking)
        audit.append(s, actor, "camera.dock", docking, detail={"clock": clock_note} if clock_note else None)
        s.refresh(cam)
        return DockingView(docking.id, _row(s, cam))


def dock_found(ctx: AppContext, actor: str, found: Recognised) -> tuple[DockingView, Docked, list[CameraFile]]:
    """A recognised volume docked: the docking is kept, and the pull gets its identity and files."""
    docked, files = for_pull(found)
    view = record_docking(ctx, actor, docked.serial, found.layout.key, clock_offset_s(found), len(files),
                          docked.officer_no, docked.clock_note)
    return view, replace(docked, docking_id=view.docking_id), files


def declare_remote_duty(ctx: AppContext, actor: str, docking_id: int, returned_at: datetime, reason: str) -> None:
    """Remote or continuous duty: the footage of this docking is due from the return."""
    reason = reason.strip()
    if not reason:
        raise ServiceError("请说明异地、连续执法或交通不便的情况")
    if returned_at > utcnow():
        raise ServiceError("返回时间不能晚于现在")
    with ctx.db.write() as s:
        if s.get(Docking, docking_id) is None:
            raise ServiceError("接入记录不存在")
        row = UploadExemption(docking_id=docking_id, returned_at=returned_at, reason=reason, declared_by=actor,
                              declared_at=utcnow())
        s.add(row)
        audit.append(s, actor, "camera.remote_duty", row)
