import cv2
import numpy as np
from sqlalchemy import select

from jlclient.domain.model import Stage
from jlclient.services.av import import_av_file
from jlclient.services.verify import verify
from jlclient.store.models import AvRecord, Case


def _clip(path, frames=20):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10, (160, 120))
    for i in range(frames):
        writer.write(np.full((120, 160, 3), i * 10 % 255, np.uint8))
    writer.release()
    return path


def test_clip_is_stored_probed_and_linked(demo_ctx, tmp_path):
    with demo_ctx.db.read() as s:
        case_id = s.scalar(select(Case.id).where(Case.procedure == "PENALTY"))
    av_id = import_av_file(demo_ctx, "user:officer", case_id, Stage.INVESTIGATION, _clip(tmp_path / "现场 检查.mp4"))
    with demo_ctx.db.read() as s:
        av = s.get(AvRecord, av_id)
    assert (av.resolution, round(av.duration_s)) == ("160x120", 2)
    assert demo_ctx.evidence.check(av.file_hash) is None and av.file_name == "现场 检查.mp4"
    assert verify(demo_ctx).ok


def test_broken_file_is_kept_as_evidence(demo_ctx, tmp_path):
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42 truncated")
    with demo_ctx.db.read() as s:
        case_id = s.scalar(select(Case.id).where(Case.procedure == "PENALTY"))
    av_id = import_av_file(demo_ctx, "user:officer", case_id, Stage.INVESTIGATION, broken)
    with demo_ctx.db.read() as s:
        av = s.get(AvRecord, av_id)
    assert av.size == broken.stat().st_size and av.duration_s is None
