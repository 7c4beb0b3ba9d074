"""Reads of the holiday table: the year page and the administrators' "year not entered" banner."""

from __future__ import annotations

import calendar as std_calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from egov.kernel.calendar import deadlines
from egov.kernel.calendar.models import CalendarDay, DayKind, HolidayYear

WEEKDAY_LABELS = ("一", "二", "三", "四", "五", "六", "日")


@dataclass(frozen=True)
class DayCell:
    day: date
    kind: str  # "holiday" | "workday" | "" (ordinary day)
    name: str
    working: bool


@dataclass(frozen=True)
class MonthGrid:
    month: int
    weeks: list[list[DayCell | None]]  # Monday first; None pads the first and last week


def holiday_year(year: int) -> HolidayYear | None:
    return HolidayYear.objects.select_related("confirmed_by").filter(year=year).first()


def year_months(year: int) -> list[MonthGrid]:
    """The year as twelve Monday-first month grids, each day marked from the table (weekends only when the
    year has no entries)."""
    entries = {entry.date: entry for entry in CalendarDay.objects.filter(year=year)}
    known = HolidayYear.objects.filter(year=year).exists()
    grids = []
    for month in range(1, 13):
        weeks = []
        for week in std_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            row: list[DayCell | None] = []
            for day in week:
                if day.month != month:
                    row.append(None)
                    continue
                entry = entries.get(day) if known else None
                kind = entry.kind if entry else ""
                working = kind == DayKind.WORKDAY or (kind != DayKind.HOLIDAY and day.weekday() < 5)
                row.append(DayCell(day=day, kind=kind, name=entry.name if entry else "", working=working))
            weeks.append(row)
        grids.append(MonthGrid(month=month, weeks=weeks))
    return grids


def year_entries(year: int) -> list[CalendarDay]:
    return list(CalendarDay.objects.filter(year=year))


def entered_years() -> list[HolidayYear]:
    return list(HolidayYear.objects.all())


def missing_years(upcoming: int = 2, *, today: date | None = None) -> list[int]:
    """This year and the next ``upcoming`` ones that have no holiday schedule yet."""
    this_year = (today or deadlines.beijing_today()).year
    wanted = range(this_year, this_year + upcoming + 1)
    known = set(HolidayYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    return [year for year in wanted if year not in known]


def unconfigured_years_warning(years: Iterable[int]) -> list[str]:
    """Banner lines for administrators, one per year in ``years`` that has no schedule."""
    wanted = sorted(set(years))
    known = set(HolidayYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    return [
        _("%(year)s年节假日安排尚未录入：期限按仅周末休息计算，请尽快录入国务院办公厅公布的安排") % {"year": year}
        for year in wanted
        if year not in known
    ]
