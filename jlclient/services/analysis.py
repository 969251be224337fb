"""Footage analysis after the pull: dark spans (black picture or covered lens) kept per recording
(audited: a reviewer relies on them), and the thumbnail strip kept as a cache beside the database
(derived data, not evidence: it is made again when missing)."""
from __future__ import annotations

import json
from pathlib import Path
from threading import Event

from sqlalchemy import select
from sqlalchemy.orm import Session

from jlclient.media.analysis import Analysis, AnalysisCancelled, DarkSpan, analyse
from jlclient.services.context import AppContext
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.models import AvAnalysis, AvRecord


def pending(ctx: AppContext, av_ids: list[int] | None = None) -> list[int]:
    """Recordings from cameras not analysed yet (optionally only among ``av_ids``)."""
    with ctx.db.read() as s:
        stmt = (select(AvRecord.id).outerjoin(AvAnalysis, AvAnalysis.av_record_id == AvRecord.id)
                .where(AvAnalysis.id.is_(None), AvRecord.camera_id.is_not(None)).order_by(AvRecord.id))
        if av_ids is not None:
            stmt = stmt.where(AvRecord.id.in_(av_ids))
        return list(s.scalars(stmt))


def strip_path(ctx: AppContext, sha256: str) -> Path:
    return ctx.paths.home / "thumbs" / f"{sha256}.png"


def _save_strip(target: Path, result: Analysis) -> None:
    if not result.thumbnails:
        return
    import cv2
    import numpy as np
    frames = [cv2.imdecode(np.frombuffer(t.png, np.uint8), cv2.IMREAD_COLOR) for t in result.thumbnails]
    ok, png = cv2.imencode(".png", cv2.hconcat(frames))
    if ok:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(png.tobytes())


def analyse_one(ctx: AppContext, actor: str, av_id: int, cancel: Event | None = None) -> Analysis:
    with ctx.db.read() as s:
        sha = s.get(AvRecord, av_id).file_hash
    result = analyse(ctx.evidence.path(sha), cancel=cancel)
    _save_strip(strip_path(ctx, sha), result)
    spans = [[round(d.start_s, 1), round(d.end_s, 1), d.kind] for d in result.dark_spans]
    with ctx.db.write() as s:
        if s.scalar(select(AvAnalysis).where(AvAnalysis.av_record_id == av_id)) is None:
            row = AvAnalysis(av_record_id=av_id, readable=result.readable, problem=result.problem,
                             dark_spans=json.dumps(spans), analysed_at=utcnow())
            s.add(row)
            audit.append(s, actor, "av.analyse", row)
    return result


def analyse_pending(ctx: AppContext, actor: str, av_ids: list[int] | None = None,
                    cancel: Event | None = None) -> int:
    """Analyse what is pending; returns how many were done (stops quietly when cancelled)."""
    done = 0
    for av_id in pending(ctx, av_ids):
        try:
            analyse_one(ctx, actor, av_id, cancel)
        except AnalysisCancelled:
            break
        done += 1
    return done


def spans_in(s: Session, av_ids: list[int] | tuple[int, ...]) -> dict[int, list[DarkSpan]]:
    """The dark spans found in each analysed recording."""
    rows = s.execute(select(AvAnalysis.av_record_id, AvAnalysis.dark_spans)
                     .where(AvAnalysis.av_record_id.in_(list(av_ids))))
    return {i: [DarkSpan(a, b, k) for a, b, k in json.loads(spans)] for i, spans in rows}


def dark_spans(ctx: AppContext, av_ids: list[int] | tuple[int, ...]) -> dict[int, list[DarkSpan]]:
    with ctx.db.read() as s:
        return spans_in(s, av_ids)


def strip_of(ctx: AppContext, av_id: int) -> Path | None:
    """The cached thumbnail strip of a recording, when it was analysed."""
    with ctx.db.read() as s:
        record = s.get(AvRecord, av_id)
    path = strip_path(ctx, record.file_hash) if record else None
    return path if path and path.is_file() else None
