"""China's working days and the rules for counting a period (domain.md §7).

Counting rules, each in one place:

- 民事诉讼法 Art. 85: "期间开始的时和日，不计算在期间内" — the starting day is never counted
  (:meth:`WorkCalendar.add_working_days`, :meth:`WorkCalendar.add_calendar_days`).
- 民事诉讼法 Art. 85: "期间届满的最后一日是法定休假日的，以法定休假日后的第一日为期间届满的日期" —
  a calendar-day or month period that ends on a rest day moves to the next working day
  (:meth:`WorkCalendar.next_workday`). *(practice)* Weekly rest days count as 法定休假日, and a
  weekend day the State Council makes a working day (调休上班) is a working day, so a period
  ending on it does not move.
- 民法典 Art. 202: a month period ends on the same day number of the last month, or on that
  month's last day when it has no such day (:meth:`WorkCalendar.add_months`).

Which days are working days comes from the State Council's yearly holiday arrangements, read
from the maintained ``chinesecalendar`` package (:class:`OfficialHolidays`), never from a typed
list, or from the arrangement an administrator entered from the notice (:class:`Arrangement`,
:func:`use_arrangements`) for a year the package does not cover yet. For a year neither covers
the calendar does not guess silently: it rests on the statutory holidays, which 全国年节及纪念日放假办法
Art. 2 (as amended 2024) fixes for every year (:func:`statutory_holidays`), counts the other days
Monday to Friday, and every result says so (:class:`Reckoned`, :func:`uncovered_message`).
"""
from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Generic, Iterable, Protocol, TypeVar

import chinese_calendar
from lunar_python import Lunar

T = TypeVar("T")
_DAY = timedelta(days=1)


def uncovered_message(years: Iterable[int]) -> str:
    """The Chinese warning for results counted without official holiday data."""
    listed = "、".join(str(y) for y in sorted(set(years)))
    return f"{listed} 年放假安排尚未公布或录入，除法定节假日外按周一至周五计算，请核对"


@lru_cache(maxsize=None)
def statutory_holidays(year: int) -> frozenset[date]:
    """The rest days 全国年节及纪念日放假办法 Art. 2 (as amended 2024) gives every year, known
    before the State Council's notice: 元旦 1 Jan, 春节 除夕 to 初三, 清明 (the solar term),
    劳动节 1–2 May, 端午 (5th of the 5th month), 中秋 (15th of the 8th month), 国庆 1–3 Oct.
    Lunar dates and the solar term come from the maintained ``lunar_python`` package.
    The 补假 for a holiday on a weekend and the 调休 are the notice's; they are not guessed."""
    new_year = _solar(Lunar.fromYmd(year, 1, 1).getSolar())
    spring = {new_year + timedelta(days=k) for k in range(-1, 3)}    # 除夕、初一至初三
    qingming = _solar(Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"])
    days = {date(year, 1, 1), date(year, 5, 1), date(year, 5, 2), qingming,
            _solar(Lunar.fromYmd(year, 5, 5).getSolar()), _solar(Lunar.fromYmd(year, 8, 15).getSolar()),
            date(year, 10, 1), date(year, 10, 2), date(year, 10, 3), *spring}
    # 除夕 of the next lunar year may fall on 31 Dec (never so far, but not ruled out)
    days |= {d for d in (_solar(Lunar.fromYmd(year + 1, 1, 1).getSolar()) - _DAY,) if d.year == year}
    return frozenset(d for d in days if d.year == year)


def _solar(solar) -> date:
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


@dataclass(frozen=True)
class Arrangement:
    """One year's arrangement as the State Council's notice gives it (entered by an administrator)."""
    year: int
    title: str                                      # 国务院办公厅关于2027年部分节假日安排的通知
    number: str                                     # 国办发明电〔2026〕N号
    rest_days: frozenset[date] = frozenset()        # days off beyond Saturdays and Sundays
    working_days: frozenset[date] = frozenset()     # 调休上班 Saturdays and Sundays

    def is_workday(self, day: date) -> bool:
        if day in self.working_days:
            return True
        return day.weekday() < 5 and day not in self.rest_days and day not in statutory_holidays(day.year)


# Arrangements entered by the administrator, per year: services.holidays puts here what the
# database holds (the domain reads no database), so every calendar made anywhere counts with them.
_entered: dict[int, Arrangement] = {}


def use_arrangements(arrangements: Iterable[Arrangement]) -> None:
    """Replace the entered arrangements every :class:`OfficialHolidays` consults."""
    _entered.clear()
    _entered.update({a.year: a for a in arrangements})


@dataclass(frozen=True)
class Reckoned(Generic[T]):
    """A computed date or count, with the years it had to count Monday–Friday for lack of data."""
    value: T
    uncovered_years: tuple[int, ...] = ()

    @property
    def certain(self) -> bool:
        return not self.uncovered_years

    @property
    def message(self) -> str | None:
        """None when certain; otherwise the warning to show next to the value."""
        return None if self.certain else uncovered_message(self.uncovered_years)


class HolidayData(Protocol):
    """Where official rest days and adjusted working days come from."""

    def covers(self, year: int) -> bool:
        """Whether the State Council arrangement for ``year`` is known."""

    def is_workday(self, day: date) -> bool:
        """Only asked for days of covered years."""


class OfficialHolidays:
    """The State Council's arrangements as published in the ``chinesecalendar`` package, and for
    a year the package does not cover yet, as the administrator entered them from the notice.

    The package wins for a year it covers: it is updated from the same notices, so once it has
    the year it is the newer source (an entry made while the package lagged is then history)."""

    def covers(self, year: int) -> bool:
        return _package_covers(year) or year in _entered

    def is_workday(self, day: date) -> bool:
        if _package_covers(day.year):
            return chinese_calendar.is_workday(day)
        return _entered[day.year].is_workday(day)


def in_package(year: int) -> bool:
    """Whether the installed ``chinesecalendar`` package has the State Council's arrangement for ``year``."""
    return _package_covers(year)


@lru_cache(maxsize=None)
def _package_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:  # the package raises it for years it has no data for
        return False
    return True


@dataclass(frozen=True)
class FixedHolidays:
    """A fixed set of rest days and working weekends for given years (for tests)."""
    years: frozenset[int]
    rest_days: frozenset[date] = frozenset()         # holidays falling on weekdays
    working_weekends: frozenset[date] = frozenset()  # 调休上班 Saturdays and Sundays

    def covers(self, year: int) -> bool:
        return year in self.years

    def is_workday(self, day: date) -> bool:
        if day in self.working_weekends:
            return True
        return day.weekday() < 5 and day not in self.rest_days


class WorkCalendar:
    """Working-day arithmetic over one :class:`HolidayData` (official data by default)."""

    def __init__(self, data: HolidayData | None = None):
        self._data = data if data is not None else OfficialHolidays()

    def covers(self, year: int) -> bool:
        return self._data.covers(year)

    def is_workday(self, day: date) -> bool:
        """The official answer; for a year not covered (see :meth:`covers`), Monday–Friday
        without the statutory holidays, which are rest days in every year."""
        if self._data.covers(day.year):
            return self._data.is_workday(day)
        return day.weekday() < 5 and day not in statutory_holidays(day.year)

    def add_working_days(self, start: date, n: int) -> Reckoned[date]:
        """The n-th working day after ``start``, which is not counted (民事诉讼法 Art. 85).

        ``n < 0`` counts back: the |n|-th working day before ``start`` (a notice due some days
        before a hearing). ``n == 0`` returns ``start`` unchanged.
        """
        step = _DAY if n >= 0 else -_DAY
        day, left, seen = start, abs(n), set()
        while left:
            day += step
            seen.add(day.year)
            left -= self.is_workday(day)
        return self._reckoned(day, seen)

    def add_calendar_days(self, start: date, n: int) -> Reckoned[date]:
        """``start`` + n days (start not counted), moved off a rest day (民事诉讼法 Art. 85)."""
        if n < 0:
            raise ValueError(f"自然日期间只能向后计算，实际为 {n} 日")
        return self.next_workday(start + timedelta(days=n))

    def add_months(self, start: date, n: int) -> Reckoned[date]:
        """The same day n months later, or that month's last day (民法典 Art. 202), moved off a
        rest day (民事诉讼法 Art. 85)."""
        if n < 0:
            raise ValueError(f"按月计算的期间只能向后计算，实际为 {n} 个月")
        index = start.month - 1 + n
        year, month = start.year + index // 12, index % 12 + 1
        return self.next_workday(date(year, month, min(start.day, monthrange(year, month)[1])))

    def next_workday(self, day: date) -> Reckoned[date]:
        """``day`` if it is a working day, else the first working day after it.

        This is the rest-day rule of 民事诉讼法 Art. 85 for the last day of a period.
        """
        seen = {day.year}
        while not self.is_workday(day):
            day += _DAY
            seen.add(day.year)
        return self._reckoned(day, seen)

    def working_days_between(self, a: date, b: date) -> Reckoned[int]:
        """The working days after ``a`` up to and including ``b``; negative when b < a.

        So ``working_days_between(d, add_working_days(d, n).value) == n`` for n >= 0.
        """
        if b < a:
            back = self.working_days_between(b, a)
            return Reckoned(-back.value, back.uncovered_years)
        count, day, seen = 0, a, set()
        while day < b:
            day += _DAY
            seen.add(day.year)
            count += self.is_workday(day)
        return self._reckoned(count, seen)

    def _reckoned(self, value: T, years: set[int]) -> Reckoned[T]:
        return Reckoned(value, tuple(sorted(y for y in years if not self._data.covers(y))))
