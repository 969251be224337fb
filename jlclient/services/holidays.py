"""The year's holiday arrangement (放假安排, 调休) as the State Council's notice gives it.

An administrator enters it in 设置 → 节假日安排 with the notice's title and number when the
``chinesecalendar`` package does not have the year yet. Each year is one audited Setting row
(JSON); :func:`install` hands them to the domain calendar, so every deadline counts with them.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from jlclient.domain.model import Role
from jlclient.domain.workdays import Arrangement, WorkCalendar, in_package, use_arrangements
from jlclient.services import settings
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext, ServiceError
from jlclient.store.models import Setting

PREFIX = "holiday_arrangement."
_DATE = r"(\d{4})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})\s*日?"
_ITEM = re.compile(rf"{_DATE}(?:\s*(?:至|到|~|～|—)\s*{_DATE})?")
_SEPARATORS = re.compile(r"[\s、，,；;]+")


@dataclass(frozen=True)
class YearView:
    """What the tab shows for one year."""
    year: int
    source: str          # in words: 软件内置数据 / 管理员录入 / 尚未录入
    arrangement: Arrangement | None


def parse_days(text: str, what: str) -> frozenset[date]:
    """Dates as people write them from the notice: ``2027-02-05至2027-02-11、2027-10-09`` or
    ``2027年2月5日至2027年2月11日``. Anything else is a Chinese message naming the bad part."""
    days: set[date] = set()
    for part in (p for p in _SEPARATORS.split(text.strip()) if p):
        m = _ITEM.fullmatch(part)
        if not m:
            raise ServiceError(f"{what}中“{part}”不是日期，请写成 2027-02-05 或 2027-02-05至2027-02-11")
        first = _date(m.groups()[:3], part, what)
        last = _date(m.groups()[3:], part, what) if m.group(4) else first
        if last < first:
            raise ServiceError(f"{what}中“{part}”的结束日期早于开始日期")
        days |= {first + timedelta(days=k) for k in range((last - first).days + 1)}
    return frozenset(days)


def _date(parts, part: str, what: str) -> date:
    try:
        return date(*(int(x) for x in parts))
    except ValueError:
        raise ServiceError(f"{what}中“{part}”不是有效日期") from None


def days_text(days: frozenset[date]) -> str:
    """Dates as :func:`parse_days` reads them, runs of days as one range: to show an entry again."""
    runs: list[list[date]] = []
    for d in sorted(days):
        if runs and d - runs[-1][-1] == timedelta(days=1):
            runs[-1].append(d)
        else:
            runs.append([d])
    return "、".join(r[0].isoformat() if len(r) == 1 else f"{r[0].isoformat()}至{r[-1].isoformat()}" for r in runs)


def arrangement_of(year: int, title: str, number: str, rest_text: str, work_text: str) -> Arrangement:
    """The arrangement as entered, checked: title and number of the notice, every date in the year,
    adjusted working days on Saturdays or Sundays only, no day both rest and work."""
    if not 2000 <= year <= 2100:
        raise ServiceError("年份应在 2000 到 2100 之间")
    if not title.strip() or not number.strip():
        raise ServiceError("请填写通知的标题和文号（如 国办发明电〔2026〕1号）")
    rest, work = parse_days(rest_text, "放假日期"), parse_days(work_text, "调休上班日期")
    if not rest:
        raise ServiceError("请填写放假日期")
    stray = sorted(d for d in rest | work if d.year != year)
    if stray:
        raise ServiceError(f"{stray[0]:%Y年%-m月%-d日}不在{year}年内")
    weekday = sorted(d for d in work if d.weekday() < 5)
    if weekday:
        raise ServiceError(f"调休上班日应是星期六或星期日，{weekday[0]:%Y年%-m月%-d日}是工作日")
    both = sorted(rest & work)
    if both:
        raise ServiceError(f"{both[0]:%Y年%-m月%-d日}不能既放假又上班")
    return Arrangement(year, title.strip(), number.strip(), rest, work)


def save(ctx: AppContext, user: CurrentUser, arrangement: Arrangement) -> None:
    """Keep the arrangement (audited, as a setting) and count with it from now on."""
    if not user.has(Role.ADMIN):
        raise ServiceError("只有系统管理员可以录入节假日安排")
    settings.put(ctx, user.actor, f"{PREFIX}{arrangement.year}", json.dumps({
        "title": arrangement.title, "number": arrangement.number,
        "rest_days": sorted(d.isoformat() for d in arrangement.rest_days),
        "working_days": sorted(d.isoformat() for d in arrangement.working_days)}, ensure_ascii=False))
    install(ctx)


def entered(session: Session) -> list[Arrangement]:
    rows = session.scalars(select(Setting).where(Setting.key.startswith(PREFIX, autoescape=True)))
    return [_arrangement(int(r.key[len(PREFIX):]), json.loads(r.value)) for r in rows]


def _arrangement(year: int, v: dict) -> Arrangement:
    return Arrangement(year, v["title"], v["number"], frozenset(date.fromisoformat(d) for d in v["rest_days"]),
                       frozenset(date.fromisoformat(d) for d in v["working_days"]))


def install(ctx: AppContext) -> None:
    """Give the domain calendar the arrangements this database holds (at start and after a change)."""
    if not ctx.has_schema():
        use_arrangements(())
        return
    with ctx.db.read() as s:
        use_arrangements(entered(s))


def calendar(session: Session) -> WorkCalendar:
    """The working-day calendar with the arrangements as the database holds them now, so an entry
    made on another workstation counts here without a restart."""
    use_arrangements(entered(session))
    return WorkCalendar()


def years(ctx: AppContext, around: int) -> list[YearView]:
    """The years the tab lists: last year to two years ahead of ``around``."""
    with ctx.db.read() as s:
        mine = {a.year: a for a in entered(s)}
    views = []
    for y in range(around - 1, around + 3):
        if in_package(y):
            views.append(YearView(y, "软件内置数据", None))
        elif y in mine:
            views.append(YearView(y, "管理员录入", mine[y]))
        else:
            views.append(YearView(y, "尚未录入（除法定节假日外按周一至周五计算）", None))
    return views
