"""Clearing the camera: only after every file is stored and verified again, and audited."""
import json

import pytest
from sqlalchemy import select

from jlclient.devices.clear import NotClearable, clear_camera
from jlclient.devices.dock import for_pull
from jlclient.devices.layouts import recognise
from jlclient.devices.pull import pull
from jlclient.devices.simulator import simulate
from jlclient.services.verify import verify
from jlclient.store.models import AuditEntry


@pytest.fixture
def camera(tmp_path):
    simulate(tmp_path / "cam", "dcim-imp", segments=2, segment_seconds=2)
    return tmp_path / "cam"


def test_cleared_after_a_complete_pull_and_audited(ctx, camera):
    docked, files = for_pull(recognise(camera))
    assert pull(ctx, "user:officer", docked, files).complete
    cleared = clear_camera(ctx, "user:officer", docked, files)
    assert cleared.files == 2 and not any((camera / f.path).exists() for f in files)
    assert (camera / "DEVINFO.TXT").exists()          # only footage is removed
    with ctx.db.read() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "camera.clear"))
        assert sorted(json.loads(entry.detail)["files"]) == sorted(f.path for f in files)
    assert verify(ctx).ok


def test_refused_while_a_file_is_not_pulled(ctx, camera):
    docked, files = for_pull(recognise(camera))
    pull(ctx, "user:officer", docked, files[:1])
    with pytest.raises(NotClearable, match="尚未拷贝登记"):
        clear_camera(ctx, "user:officer", docked, files)
    assert all((camera / f.path).exists() for f in files)


def test_refused_when_the_stored_copy_or_the_camera_file_changed(ctx, camera):
    docked, files = for_pull(recognise(camera))
    pull(ctx, "user:officer", docked, files)
    target = camera / files[0].path
    data = bytearray(target.read_bytes())
    data[100] ^= 0xFF
    target.write_bytes(bytes(data))                   # same size, different content
    with pytest.raises(NotClearable, match="哈希不同"):
        clear_camera(ctx, "user:officer", docked, files)
    assert all((camera / f.path).exists() for f in files)
