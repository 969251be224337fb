"""The device register: registration, one camera per officer, faults, dockings with their clock offset."""
import pytest
from sqlalchemy import select

from jlclient.devices.layouts import recognise
from jlclient.devices.pull import pull
from jlclient.devices.simulator import simulate
from jlclient.domain.model import CameraStatus
from jlclient.services import cameras, settings
from jlclient.services.cases import agency_officers
from jlclient.services.context import ServiceError
from jlclient.services.verify import verify
from jlclient.store.models import AvRecord, Docking


def _officer_id(ctx, name):
    return next(o.id for o in agency_officers(ctx) if o.name == name)


def test_demo_register_assigns_one_camera_to_each_officer(demo_ctx):
    rows = {r.serial: r for r in cameras.list_cameras(demo_ctx)}
    assert rows["DSJ0001"].officer_name == "李娜" and rows["DSJ0001"].status is CameraStatus.IN_SERVICE
    assert rows["DSJ0002"].officer_name == "王强"


def test_one_camera_per_officer_until_the_old_one_is_retired(demo_ctx, login_as):
    admin = login_as("admin")
    li = _officer_id(demo_ctx, "李娜")
    with pytest.raises(ServiceError, match="每名执法人员只配发一台记录仪（《抚顺县人力资源和社会保障局行政执法全过程记录制度（试行）》第十六条）"):
        cameras.register_camera(demo_ctx, admin, "DSJ0003", officer_id=li, custodian="李娜")
    old = cameras.camera(demo_ctx, "DSJ0001")
    cameras.update_camera(demo_ctx, admin, old.id, officer_id=li, custodian="装备科", status=CameraStatus.RETIRED,
                          note="电池鼓包，报废")
    new = cameras.register_camera(demo_ctx, admin, "DSJ0003", officer_id=li, custodian="李娜")
    assert new.status is CameraStatus.IN_SERVICE and new.officer_name == "李娜"


def test_only_administrators_keep_the_register(demo_ctx, login_as):
    with pytest.raises(ServiceError, match="系统管理员"):
        cameras.register_camera(demo_ctx, login_as("officer"), "DSJ0009", officer_id=None, custodian="x")


def test_an_officer_reports_a_fault_of_their_own_camera_only(demo_ctx, login_as):
    mine, theirs = cameras.camera(demo_ctx, "DSJ0001"), cameras.camera(demo_ctx, "DSJ0002")
    row = cameras.report_fault(demo_ctx, login_as("officer"), mine.id, "开机后黑屏")
    assert row.status is CameraStatus.FAULTY and row.faults == 1
    assert [f.description for f in cameras.faults_of(demo_ctx, mine.id)] == ["开机后黑屏"]
    with pytest.raises(ServiceError, match="配发给本人"):
        cameras.report_fault(demo_ctx, login_as("officer"), theirs.id, "摔坏")
    repaired = cameras.update_camera(demo_ctx, login_as("admin"), mine.id, officer_id=mine.officer_id,
                                     custodian=mine.custodian, status=CameraStatus.IN_SERVICE, note="厂家已修复")
    assert repaired.status is CameraStatus.IN_SERVICE and repaired.faults == 1
    assert verify(demo_ctx).ok


def test_an_unregistered_camera_docks_pending_and_its_footage_waits_for_an_officer(demo_ctx, login_as, tmp_path):
    simulate(tmp_path / "cam", "video-dated", serial="DSJ0077", officer="130177", segments=1, segment_seconds=2)
    view, docked, files = cameras.dock_found(demo_ctx, "user:officer", recognise(tmp_path / "cam"))
    assert view.camera.status is CameraStatus.PENDING and view.camera.device_officer_no == "130177"
    assert pull(demo_ctx, "user:officer", docked, files).complete
    wang = _officer_id(demo_ctx, "王强")
    with pytest.raises(ServiceError, match="王强 已配发记录仪 DSJ0002"):
        cameras.register_camera(demo_ctx, login_as("admin"), "DSJ0077", officer_id=wang, custodian="王强")
    with demo_ctx.db.read() as s:
        av = s.scalar(select(AvRecord).where(AvRecord.docking_id == view.docking_id))
        assert av.officer_id is None and av.pulled_at is not None
    assert verify(demo_ctx).ok


@pytest.mark.parametrize("skew, flagged", [(12, False), (-95, True)])
def test_each_docking_keeps_the_clock_offset_and_flags_drift_beyond_the_bound(demo_ctx, tmp_path, skew, flagged):
    settings.set_int(demo_ctx, "user:admin", "clock_drift_bound_s", 60)
    simulate(tmp_path / "cam", "dcim-imp", segments=1, segment_seconds=2, skew_seconds=skew)
    view, docked, _ = cameras.dock_found(demo_ctx, "user:officer", recognise(tmp_path / "cam"))
    assert view.camera.drift_flagged is flagged and abs(view.camera.last_offset_s - skew) < 5
    with demo_ctx.db.read() as s:
        row = s.get(Docking, view.docking_id)
        assert (row.camera_serial, row.layout, row.file_count, row.drift_flagged) == ("DSJ0001", "dcim-imp", 1, flagged)
    assert docked.docking_id == view.docking_id
