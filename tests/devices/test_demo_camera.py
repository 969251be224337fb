"""The demo's simulated cameras tell the truth: a clock offset that stays what it was simulated with
however long after set-up the camera docks, and a serial of its own for each simulated camera."""
from datetime import datetime, timedelta, timezone

from jlclient.cli import main
from jlclient.devices import dock
from jlclient.devices.dock import for_pull
from jlclient.devices.layouts import recognise
from jlclient.devices.simulator import serial_for, simulate


def test_offset_stays_the_simulated_one_however_late_the_camera_docks(tmp_path, monkeypatch):
    volume = tmp_path / "cam"
    simulate(volume, "dcim-imp", segments=1, segment_seconds=1, skew_seconds=37)
    found = recognise(volume)
    assert dock.clock_offset_s(found) == 37
    later = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(hours=5, seconds=677)
    monkeypatch.setattr(dock, "utcnow", lambda: later)      # docked five hours after set-up
    docked, _files = for_pull(recognise(volume))
    assert docked.clock_offset_s == 37       # not 37 − 5 h 11 min 17 s, as a clock frozen at set-up would say


def test_a_real_camera_without_the_note_is_measured_against_now(tmp_path):
    volume = tmp_path / "cam"
    simulate(volume, "dcim-imp", segments=1, segment_seconds=1, skew_seconds=-20)
    (volume / dock.CLOCK_NOTE).unlink()          # as a real camera: only its device-information clock
    offset = dock.clock_offset_s(recognise(volume))
    assert offset is not None and -25 <= offset <= -19


def test_every_simulated_camera_gets_its_own_serial(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("JL_HOME", str(tmp_path / "home"))
    serials = set()
    for name in ("cam1", "cam2", "cam3"):
        assert main(["camera", "simulate", str(tmp_path / name), "--layout", "dcim-imp", "--segments", "1"]) == 0
        serials.add(recognise(tmp_path / name).device.serial)
    out = capsys.readouterr().out
    assert len(serials) == 3 and "DSJ0001" not in serials
    assert all(s in out for s in serials)
    assert serial_for(tmp_path / "cam1") == serial_for(tmp_path / "cam1")   # the same folder, the same camera
