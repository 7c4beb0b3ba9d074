"""Reading the official schedule out of the ``chinesecalendar`` package (module ``chinese_calendar``).

The package knows only the years published before its release; later years must be entered by an
administrator from the 国务院办公厅 notice, and until then deadlines in them carry a warning.
"""

from __future__ import annotations

from datetime import date
from importlib.metadata import version

import chinese_calendar

from egov.kernel.calendar.models import DayKind

#: The package names holidays in English; the table and every screen use the official Chinese names.
HOLIDAY_NAMES: dict[str, str] = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def package_source() -> str:
    return f"chinesecalendar {version('chinesecalendar')}"


def package_years() -> list[int]:
    """Every year the installed package has a schedule for."""
    return sorted({day.year for day in chinese_calendar.holidays} | {day.year for day in chinese_calendar.workdays})


def package_days(year: int) -> list[tuple[date, str, str]]:
    """(date, kind, Chinese name) for every holiday and adjusted working day the package lists in ``year``.

    The package lists only days that differ from a plain week (plus the weekends inside a holiday period,
    which keep their holiday name), so no plain weekend is stored."""
    days = [
        (day, DayKind.HOLIDAY.value, HOLIDAY_NAMES.get(name, name))
        for day, name in chinese_calendar.holidays.items()
        if day.year == year
    ]
    days += [
        (day, DayKind.WORKDAY.value, HOLIDAY_NAMES.get(name, name))
        for day, name in chinese_calendar.workdays.items()
        if day.year == year and day.weekday() >= 5
    ]
    return sorted(days)
