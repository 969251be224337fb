"""Agency settings kept in the database, each change audited."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from jlclient.services.context import AppContext, ServiceError
from jlclient.store import audit
from jlclient.store.models import Setting


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    default: int
    minimum: int
    maximum: int


SPECS = {s.key: s for s in (
    SettingSpec("idle_lock_minutes", "空闲锁屏（分钟）", 10, 1, 240),
    SettingSpec("lockout_failures", "连续输错密码锁定次数", 5, 3, 20),
    SettingSpec("lockout_minutes", "账户锁定时长（分钟）", 15, 1, 1440),
    # the dock (domain.av_rules.DockRules: practice values, each agency may tune them)
    SettingSpec("interruption_after_s", "录像停顿超过多少秒算中断（秒）", 10, 1, 600),
    SettingSpec("new_session_after_min", "停顿超过多少分钟算另一次录像（分钟）", 30, 5, 240),
    SettingSpec("clock_drift_bound_s", "记录仪时钟偏差提示阈值（秒）", 30, 1, 3600),
    # archiving (domain.archiving.box_for)
    SettingSpec("volumes_per_box", "每个档案盒最多装几卷", 10, 1, 100),
    # tamper-evidence (services.anchors): how often the chain head is signed outside the database
    SettingSpec("checkpoint_minutes", "审计检查点间隔（分钟）", 10, 1, 1440),
)}


def get_int(session: Session, key: str) -> int:
    row = session.get(Setting, key)
    return int(row.value) if row else SPECS[key].default


def read_int(ctx: AppContext, key: str) -> int:
    with ctx.db.read() as s:
        return get_int(s, key)


def set_int(ctx: AppContext, actor: str, key: str, value: int) -> None:
    spec = SPECS[key]
    if not spec.minimum <= value <= spec.maximum:
        raise ServiceError(f"“{spec.label}”应在 {spec.minimum} 到 {spec.maximum} 之间")
    put(ctx, actor, key, str(value))


def put(ctx: AppContext, actor: str, key: str, value: str) -> None:
    with ctx.db.write() as s:
        row = s.get(Setting, key)
        if row is None:
            row = Setting(key=key, value=value)
            s.add(row)
        elif row.value == value:
            return
        row.value = value
        audit.append(s, actor, "setting.set", row)
