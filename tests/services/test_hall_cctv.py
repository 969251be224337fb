"""Hall CCTV exports taken in (seed 004 Art. 14, 18): stored and verified like a camera's footage,
registered with channel and span, never twice; kept one month, then disposable by approval."""
import os
from datetime import datetime, timedelta
from threading import Event

import pytest
from sqlalchemy import select

import tests.support.case_builder as cb
from jlclient.clock import local, to_utc, today
from jlclient.domain.retention import add_months
from jlclient.services import archiving, hall_cctv, retention, setup, spot_checks
from jlclient.services.context import ServiceError
from jlclient.store.evidence import CHUNK
from jlclient.store.models import AuditEntry, AvRecord
from tests.services.test_volumes import closed_case
from tests.support.clips import write_clip


def nvr_time(days_ago: int, hour: int = 9) -> datetime:
    """An agency wall-clock time ``days_ago`` days back."""
    return datetime.combine(today() - timedelta(days=days_ago), datetime.min.time()).replace(hour=hour)


@pytest.fixture
def export(tmp_path):
    """An NVR export: two channels' clips 40 days old, one 10 days old, a nameless clip, a broken
    file, and a text file that is no footage."""
    root = tmp_path / "U盘导出"
    old = nvr_time(40)
    write_clip(root / f"ch01_{old:%Y%m%d%H%M%S}_{old + timedelta(seconds=4):%Y%m%d%H%M%S}.mp4", seconds=4)
    write_clip(root / "通道02" / f"{old:%Y-%m-%d_%H-%M-%S}.mp4", seconds=3)
    recent = nvr_time(10)
    write_clip(root / f"ch01_{recent:%Y%m%d%H%M%S}_{recent + timedelta(seconds=2):%Y%m%d%H%M%S}.mp4", seconds=2)
    nameless = write_clip(root / "record_0001.mp4", seconds=2, first=500)
    written = (datetime.now() - timedelta(days=5)).timestamp()
    os.utime(nameless, (written, written))
    (root / f"ch03_{old:%Y%m%d%H%M%S}.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42 truncated by the NVR")
    (root / "说明.txt").write_text("导出说明", encoding="utf-8")
    return root


@pytest.fixture
def lingchuan(demo_ctx):
    setup.set_profile(demo_ctx, "cli:test", "lingchuan-approval")   # hall CCTV: at least one month
    return demo_ctx


def test_an_export_is_stored_with_channel_and_span_and_never_twice(lingchuan, login_as, export):
    found = hall_cctv.scan(export)
    assert len(found.files) == 5 and all(not f.path.endswith(".txt") for f in found.files)
    report = hall_cctv.import_export(lingchuan, login_as("archivist"), found, "城关政务服务大厅")
    assert report.complete and report.count("stored") == 5
    with lingchuan.db.read() as s:
        rows = {r.file_name: r for r in s.scalars(select(AvRecord).where(AvRecord.source == "hall_cctv"))}
        actions = list(s.scalars(select(AuditEntry.action).where(AuditEntry.action == "av.import_cctv")))
    assert len(rows) == 5 and len(actions) == 5
    old = nvr_time(40)
    first = rows[f"ch01_{old:%Y%m%d%H%M%S}_{old + timedelta(seconds=4):%Y%m%d%H%M%S}.mp4"]
    assert (first.channel, first.title, first.camera_id, first.officer_id) == ("通道01", "城关政务服务大厅", None, None)
    assert local(first.started_at) == old and local(first.ended_at) == old + timedelta(seconds=4)
    assert rows[f"{old:%Y-%m-%d_%H-%M-%S}.mp4"].channel == "通道02"       # from its folder
    nameless = rows["record_0001.mp4"]                                    # its last write is its end
    assert nameless.channel == "" and abs(nameless.ended_at - nameless.started_at - timedelta(seconds=2)) < \
        timedelta(seconds=1)
    assert (datetime.utcnow() - nameless.ended_at).days == 5
    broken = rows[f"ch03_{old:%Y%m%d%H%M%S}.mp4"]                          # kept as it is, said unplayable
    assert lingchuan.evidence.contains(broken.file_hash) and broken.duration_s is None
    assert [r.unreadable for r in report.results if r.path.startswith("ch03")] != [""]
    for row in rows.values():
        assert lingchuan.evidence.check(row.file_hash) is None

    again = hall_cctv.import_export(lingchuan, login_as("archivist"), hall_cctv.scan(export))
    assert again.count("skipped") == 5 and again.count("stored") == 0


def test_only_archivists_and_administrators_import(lingchuan, login_as, export, tmp_path):
    with pytest.raises(ServiceError, match="档案管理员或系统管理员"):
        hall_cctv.import_export(lingchuan, login_as("clerk"), hall_cctv.scan(export))
    (tmp_path / "空").mkdir()
    with pytest.raises(ServiceError, match="没有监控录像文件"):
        hall_cctv.scan(tmp_path / "空")
    with pytest.raises(ServiceError, match="找不到文件夹"):
        hall_cctv.scan(tmp_path / "不存在")


def test_a_cancel_inside_a_file_keeps_nothing_of_it(lingchuan, login_as, export):
    (export / "ch09_20261120080000.mp4").write_bytes(os.urandom(4 * CHUNK))   # read in several blocks
    cancel = Event()
    found = hall_cctv.scan(export)
    found.files.sort(key=lambda f: not f.path.startswith("ch09"))     # the long file first
    report = hall_cctv.import_export(lingchuan, login_as("admin"), found, cancel=cancel,
                                     progress=lambda path, n: cancel.set())
    assert report.cancelled and report.results == []
    with lingchuan.db.read() as s:
        assert s.scalar(select(AvRecord.id).where(AvRecord.source == "hall_cctv")) is None
    assert list((lingchuan.paths.evidence / "tmp").iterdir()) == []
    assert hall_cctv.import_export(lingchuan, login_as("admin"), found).count("stored") == 6   # then all of it


def test_hall_cctv_is_disposable_after_a_month_while_body_camera_footage_follows_its_file(lingchuan, login_as, export):
    hall_cctv.import_export(lingchuan, login_as("archivist"), hall_cctv.scan(export))
    camera = cb.add_av(lingchuan, None, None, officer="李娜", start=to_utc(nvr_time(40)))
    due = retention.overview(lingchuan)
    assert sorted(r.file_name.split("_")[0] for r in due) == sorted(["ch01", f"{nvr_time(40):%Y-%m-%d}", "ch03"])
    assert {(r.kind, r.end) for r in due} == {("大厅监控", add_months(nvr_time(40).date(), 1))}
    listed = {r.av_id: r for r in retention.overview(lingchuan, due_only=False)}
    assert listed[camera].end_text == "随所属案卷（尚未关联）" and "尚未关联案件" in listed[camera].kept_because
    recent = next(r for r in listed.values() if r.kind == "大厅监控" and r.kept_because)
    assert "不少于 1 个月" in recent.kept_because and recent.officer.startswith("政务服务大厅")

    result = retention.dispose(lingchuan, login_as("approver"), [r.av_id for r in listed.values()])
    assert set(result.disposed) == {r.av_id for r in due}
    assert camera in {av for av, _ in result.refused}
    assert {entry.rule for entry in retention.register(lingchuan)} == {"政务服务大厅监控录像不少于 1 个月（《陵川县行政审批局行政许可全过程记录办法》第十八条）"}


def test_evidence_footage_shows_the_bound_case_files_retention(demo_ctx, login_as):
    case_id = closed_case(demo_ctx, login_as)
    archiving.build_volume(demo_ctx, login_as("archivist"), case_id)
    with demo_ctx.db.read() as s:
        bound = set(s.scalars(select(AvRecord.id).where(AvRecord.case_id == case_id)))
    listed = [r for r in retention.overview(demo_ctx, due_only=False) if r.kind == "案件证据" and r.av_id in bound]
    assert listed and {r.end_text for r in listed} == {"随案卷：永久"}        # a penalty file is kept forever
    assert {r.end for r in listed} == {None}


def test_spot_checks_sample_officers_footage_not_the_halls(lingchuan, login_as, export):
    def population():
        with lingchuan.db.read() as s:
            return spot_checks._population(s, today() - timedelta(days=60), today(), spot_checks.ScopeKind.ALL, "")
    demo = population()            # the demo cases' own footage
    hall_cctv.import_export(lingchuan, login_as("archivist"), hall_cctv.scan(export))
    mine = cb.add_av(lingchuan, None, None, officer="李娜", start=to_utc(nvr_time(10)))
    assert population() == [*demo, mine]


def test_reviewers_find_and_play_hall_footage_by_hall_and_channel(lingchuan, login_as, export):
    from jlclient.services import av_access
    hall_cctv.import_export(lingchuan, login_as("archivist"), hall_cctv.scan(export), "城关政务服务大厅")
    reviewer = login_as("reviewer")
    rows = av_access.browse(lingchuan, reviewer, "通道02")
    assert [r.officer for r in rows] == ["城关政务服务大厅 通道02"] and rows[0].verdict
    [playable] = av_access.open_for_playback(lingchuan, reviewer, [rows[0].av_id])
    assert playable.path.is_file() and playable.duration_s == pytest.approx(3, abs=0.2)


def test_a_file_gone_from_the_export_disk_fails_alone_and_says_why(lingchuan, login_as, export):
    found = hall_cctv.scan(export)
    gone = found.files[0]
    (export / gone.path).unlink()                       # the disk pulled out, as far as this file goes
    report = hall_cctv.import_export(lingchuan, login_as("archivist"), found)
    [failed] = [r for r in report.results if r.status == "failed"]
    assert failed.path == gone.path and "导出盘可能已被拔出" in failed.message
    assert not report.complete and report.count("stored") == 4
    with lingchuan.db.read() as s:
        names = set(s.scalars(select(AvRecord.file_name).where(AvRecord.source == "hall_cctv")))
    assert gone.path not in names and len(names) == 4
