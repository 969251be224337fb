"""Seed 001 Art. 12(四) at the dock: footage left out of a recording shows on its session as a gap in
the camera's sequence numbers; an untouched recording shows nothing."""
from jlclient.devices.layouts import recognise
from jlclient.devices.pull import pull
from jlclient.devices.simulator import simulate
from jlclient.services import cameras, footage


def _pull(ctx, root):
    view, docked, files = cameras.dock_found(ctx, "user:officer", recognise(root))
    assert pull(ctx, "user:officer", docked, files).complete


def _only_session(ctx, user):
    (session,) = footage.unlinked_sessions(ctx, footage.visible_officer(user))
    return session


def test_a_segment_removed_from_the_camera_is_flagged_on_its_session(demo_ctx, login_as, tmp_path):
    written = simulate(tmp_path / "cam", "dcim-imp", segments=3, segment_seconds=3)
    written[1].unlink()                     # the middle segment, 0002, taken out before docking
    _pull(demo_ctx, tmp_path / "cam")
    session = _only_session(demo_ctx, login_as("officer"))
    assert len(session.av_ids) == 2
    assert session.selective == ("段号不连续：第 0001 段之后是第 0003 段，缺少 1 段",)


def test_an_untouched_recording_has_no_sign(demo_ctx, login_as, tmp_path):
    simulate(tmp_path / "cam", "dcim-imp", segments=3, segment_seconds=3)
    _pull(demo_ctx, tmp_path / "cam")
    assert _only_session(demo_ctx, login_as("officer")).selective == ()
