"""音像记录 added to a case by hand (a file from a camera or a recorder); the body-camera dock
adds them in bulk. The file is stored as it is — a broken file is evidence too."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from jlclient.domain.model import Stage
from jlclient.media.probe import probe
from jlclient.services.context import AppContext, ServiceError
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.evidence import EvidenceError
from jlclient.store.models import AvRecord, Case


def import_av_file(ctx: AppContext, actor: str, case_id: int, stage: Stage, path: str | Path,
                   started_at: datetime | None = None, officer_id: int | None = None) -> int:
    path = Path(path)
    if not path.is_file():
        raise ServiceError(f"找不到文件：{path}")
    info = probe(path)
    try:
        stored = ctx.evidence.put_file(path)
    except EvidenceError as exc:
        raise ServiceError(str(exc)) from exc
    ended = started_at + timedelta(seconds=info.duration_s) if started_at and info.duration_s else None
    with ctx.db.write() as s:
        if s.get(Case, case_id) is None:
            raise ServiceError("案件不存在")
        record = AvRecord(case_id=case_id, stage=stage.value, officer_id=officer_id, file_hash=stored.sha256,
                          file_name=path.name, size=stored.size, started_at=started_at, ended_at=ended,
                          duration_s=info.duration_s, container=path.suffix.lstrip(".").lower(), codec=info.codec,
                          resolution=info.resolution, important=False, created_at=utcnow())
        s.add(record)
        audit.append(s, actor, "av.import", record, detail={"readable": info.readable, "problem": info.problem})
        return record.id
