"""Per-printer label offsets: how far a printer's output lands from where a label sheet expects it.
Kept as an agency setting ``label_offset:<printer>`` = "dx,dy" in millimetres (dx > 0 right, dy > 0
down), each change audited; printing.labels takes them as ``offset_mm``."""
from __future__ import annotations

import hashlib
import math

from jlclient.services.context import AppContext, ServiceError
from jlclient.services.settings import put
from jlclient.store.models import Setting

PREFIX = "label_offset:"
LIMIT_MM = 10.0
KEY_MAX = 80            # setting.key column


def key(printer: str) -> str:
    """The setting key for ``printer``; a very long printer name is shortened with a hash suffix."""
    name = printer.strip()
    if not name:
        raise ServiceError("请选择打印机")
    full = PREFIX + name
    if len(full) <= KEY_MAX:
        return full
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]
    return f"{PREFIX}{name[:KEY_MAX - len(PREFIX) - 13]}#{digest}"


def _parse(value: str) -> tuple[float, float]:
    try:
        dx, dy = (float(v) for v in value.split(","))
    except ValueError:
        return 0.0, 0.0
    return dx, dy


def offsets(ctx: AppContext, printer: str) -> tuple[float, float]:
    """(dx, dy) in mm for ``printer``; (0, 0) when never calibrated."""
    with ctx.db.read() as s:
        row = s.get(Setting, key(printer))
        return _parse(row.value) if row else (0.0, 0.0)


def set_offsets(ctx: AppContext, actor: str, printer: str, dx: float, dy: float) -> tuple[float, float]:
    """Store the offsets (rounded to 0.1 mm, each within ±10 mm); returns what was stored."""
    values = []
    for v in (dx, dy):
        try:
            v = float(v)
        except (TypeError, ValueError):
            raise ServiceError("标签偏移量应为数字（毫米）") from None
        if not math.isfinite(v) or abs(v) > LIMIT_MM:
            raise ServiceError(f"标签偏移量应在 -{LIMIT_MM:g} 到 {LIMIT_MM:g} 毫米之间，请重新测量后输入")
        values.append(round(v, 1) + 0.0)
    put(ctx, actor, key(printer), f"{values[0]:g},{values[1]:g}")
    return values[0], values[1]
