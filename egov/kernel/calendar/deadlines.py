"""Deadline arithmetic (期限计算) — the one module every statutory clock uses.

Rules (STANDARDS.md §1):

* A working day (工作日) is Monday–Friday unless the holiday table marks it a statutory holiday, plus any
  weekend the table marks as an adjusted working day (调休上班日).
* The day a clock starts is not counted: counting begins the next working day (setting
  ``CALENDAR_COUNT_START_DAY``, default ``False``, or the ``count_start_day`` argument).
* Natural-day periods (自然日) also start the next day; when the last day is not a working day the period ends
  on the next working day (《民法典》第二百零一条、第二百零三条).
* Suspended days (计时暂停: 补正, consultation, expert review…) do not count; extensions (延期) are counted on
  from the end of the base period.
* A deadline is a date meaning the end of that day in Beijing time (``end_of_day``).

A year missing from the holiday table is never silently wrong: it falls back to weekends only and every
result computed across it carries a Chinese warning.

The day table is cached per process and per year; a token under the cache key ``calendar:version`` changes
on every edit (see ``invalidate``), so every process reloads after an administrator's change. A process reads
that token at most once every ``VERSION_FRESH_SECONDS`` (a workflow case computes ~23 deadlines and lights:
23 cache round trips became one a second), so another process sees an edit within a second; the editing
process at once.
"""

from __future__ import annotations

import time as clock
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext as _

VERSION_CACHE_KEY = "calendar:version"
BEIJING = ZoneInfo("Asia/Shanghai")
#: Upper bound on a single period; catches unit mix-ups (minutes passed as days) before a long loop.
MAX_DAYS = 3660


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "wd", "工作日"
    NATURAL_DAYS = "nd", "自然日"


@dataclass(frozen=True)
class Suspension:
    """A pause of the clock (计时暂停). Days ``start`` to ``end`` inclusive do not count; counting resumes the
    day after ``end`` (the day the applicant's correction arrives is itself not counted). ``end=None``: the
    clock is still stopped, up to and including today."""

    start: date
    end: date | None


@dataclass(frozen=True)
class DeadlineResult:
    due: date
    warnings: tuple[str, ...]  # Chinese, shown next to the deadline


# --- the day table ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _YearTable:
    known: bool
    kinds: dict[date, str]  # date -> "holiday" | "workday"


#: (cache version, year tables loaded under it). Replaced as a whole when the version changes, so a thread
#: still loading under an old version can only fill a dictionary nobody reads any more.
_state: tuple[str, dict[int, _YearTable]] = ("", {})


#: How long a process trusts the version token it last read, in seconds.
VERSION_FRESH_SECONDS = 1.0
#: (monotonic time of the read, token read).
_version_read: tuple[float, str] = (float("-inf"), "")


def invalidate() -> None:
    """Tell every process that the holiday table changed (called by the services after commit)."""
    global _state, _version_read
    cache.set(VERSION_CACHE_KEY, uuid.uuid4().hex, timeout=None)
    _state = ("", {})
    _version_read = (float("-inf"), "")


def _current_version() -> str:
    global _version_read
    now = clock.monotonic()
    read_at, version = _version_read
    if now - read_at < VERSION_FRESH_SECONDS:
        return version
    # A random token rather than a counter: if the cache entry is evicted, a fresh token cannot collide
    # with one a process already holds.
    token = cache.get(VERSION_CACHE_KEY)
    if token is None:
        cache.add(VERSION_CACHE_KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(VERSION_CACHE_KEY)
    _version_read = (now, str(token))
    return str(token)


def table_version() -> str:
    """A token that changes whenever the holiday table changes (in another process: within
    ``VERSION_FRESH_SECONDS``); for callers that keep results computed from the table."""
    return _current_version()


class _Calendar:
    """One consistent view of the table for the duration of one computation (one cache round trip)."""

    def __init__(self) -> None:
        global _state
        version = _current_version()
        if _state[0] != version:
            _state = (version, {})
        self._tables = _state[1]
        self.unknown_years: set[int] = set()

    def _year(self, year: int) -> _YearTable:
        table = self._tables.get(year)
        if table is None:
            # Imported here so other apps can import this module (e.g. TimeUnit in their models) at any time.
            from egov.kernel.calendar.models import CalendarDay, HolidayYear

            known = HolidayYear.objects.filter(year=year).exists()
            kinds = dict(CalendarDay.objects.filter(year=year).values_list("date", "kind")) if known else {}
            table = _YearTable(known=known, kinds=kinds)
            self._tables[year] = table
        if not table.known:
            self.unknown_years.add(year)
        return table

    def is_working_day(self, day: date) -> bool:
        kind = self._year(day.year).kinds.get(day)
        if kind == "holiday":
            return False
        if kind == "workday":
            return True
        return day.weekday() < 5

    def warnings(self) -> tuple[str, ...]:
        return tuple(missing_year_warning(year) for year in sorted(self.unknown_years))


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def missing_year_warning(year: int) -> str:
    return _("%(year)s年的节假日安排尚未录入，按仅周末休息计算") % {"year": year}


# --- public API ---------------------------------------------------------------------------------------


def end_of_day(day: date) -> datetime:
    """The last instant of ``day`` in Beijing time: the moment a deadline on that date expires."""
    return datetime.combine(day, time.max, tzinfo=BEIJING)


def is_working_day(day: date) -> bool:
    return _Calendar().is_working_day(day)


def _check_days(n: int) -> None:
    if not 0 <= n <= MAX_DAYS:
        raise ValueError(f"period must be between 0 and {MAX_DAYS} days, got {n}")


def _suspension_spans(suspensions: Sequence[Suspension], today: date) -> list[tuple[date, date]]:
    spans = []
    for suspension in suspensions:
        end = suspension.end if suspension.end is not None else today
        if end >= suspension.start:
            spans.append((suspension.start, end))
    return spans


def _is_suspended(day: date, spans: Iterable[tuple[date, date]]) -> bool:
    return any(start <= day <= end for start, end in spans)


def _advance(
    cal: _Calendar,
    start: date,
    n: int,
    unit: TimeUnit,
    *,
    count_start_day: bool,
    suspended: Sequence[tuple[date, date]] = (),
) -> date:
    """The day on which the n-th counted day falls; ``start`` itself counts only when ``count_start_day``."""
    _check_days(n)
    if n == 0:
        return start
    if unit == TimeUnit.WORKING_DAYS:

        def counts(day: date) -> bool:
            return cal.is_working_day(day) and not _is_suspended(day, suspended)

    else:

        def counts(day: date) -> bool:
            return not _is_suspended(day, suspended)

    day = start if count_start_day else start + timedelta(days=1)
    counted = 0
    while True:
        if counts(day):
            counted += 1
            if counted == n:
                break
        day += timedelta(days=1)
    if unit == TimeUnit.NATURAL_DAYS:
        # 《民法典》第二百零三条: a period whose last day is a day off ends on the next working day.
        while not cal.is_working_day(day) or _is_suspended(day, suspended):
            day += timedelta(days=1)
    return day


def _default_count_start_day(count_start_day: bool | None) -> bool:
    if count_start_day is not None:
        return count_start_day
    return bool(getattr(settings, "CALENDAR_COUNT_START_DAY", False))


def add_days(
    start: date, n: int, unit: TimeUnit = TimeUnit.WORKING_DAYS, *, count_start_day: bool | None = None
) -> DeadlineResult:
    """The due date ``n`` working (or natural) days after ``start``.

    By default the start day is not counted, so ``add_days(friday, 1)`` is the next working day and
    ``working_days_between(start, add_days(start, n).due) == n``. With ``count_start_day`` the start day is
    day 1 when it is itself a working day (a natural-day period then ends on ``start + n - 1``).
    ``add_days(start, 0).due`` is ``start`` itself: a zero period ends the day it begins, even on a day off.
    Raises ``ValueError`` for ``n`` outside 0…``MAX_DAYS`` (a programming error, not user input).
    """
    cal = _Calendar()
    cal.is_working_day(start)  # a start in an unknown year is worth a warning even for n == 0
    due = _advance(cal, start, n, TimeUnit(unit), count_start_day=_default_count_start_day(count_start_day))
    return DeadlineResult(due=due, warnings=cal.warnings())


def working_days_between(start: date, end: date) -> int:
    """Working days in the half-open interval (start, end]; negative when ``end`` is before ``start``."""
    if end < start:
        return -working_days_between(end, start)
    cal = _Calendar()
    count = 0
    day = start + timedelta(days=1)
    while day <= end:
        if cal.is_working_day(day):
            count += 1
        day += timedelta(days=1)
    return count


def beijing_today() -> date:
    """Today in Beijing time, whatever the server clock zone."""
    return datetime.now(tz=BEIJING).date()


def remaining_working_days(due: date, today: date | None = None) -> int:
    """Working days left after ``today`` up to ``due``: 0 on the due date itself, negative once it has passed
    (−k after k working days past it, at least −1 — a due date behind us is overdue even over a weekend)."""
    today = today or beijing_today()
    if today <= due:
        return working_days_between(today, due)
    return min(-1, working_days_between(today, due))


def compute_due(
    start: date,
    limit: int,
    unit: TimeUnit,
    *,
    suspensions: Sequence[Suspension] = (),
    extensions: Sequence[tuple[int, TimeUnit]] = (),
    today: date | None = None,
) -> DeadlineResult:
    """The due date of a statutory clock: ``limit`` days from ``start``, suspended days skipped, each
    extension counted on from the end of what came before.

    A suspension moves the due date by the (working) days it covered inside the running period; a
    suspension that begins after the clock has run out moves nothing. An open suspension (``end=None``)
    covers up to today, so the due date keeps moving while the clock is stopped, and a warning says so.
    """
    today = today or beijing_today()
    cal = _Calendar()
    cal.is_working_day(start)
    spans = _suspension_spans(suspensions, today)
    due = _advance(cal, start, limit, TimeUnit(unit), count_start_day=_default_count_start_day(None), suspended=spans)
    for days, extension_unit in extensions:
        due = _advance(cal, due, days, TimeUnit(extension_unit), count_start_day=False, suspended=spans)
    warnings = list(cal.warnings())
    for suspension in suspensions:
        if suspension.end is None and suspension.start <= today:
            warnings.append(
                _("自%(start)s起暂停计时，到期日随暂停天数顺延") % {"start": chinese_date(suspension.start)}
            )
    return DeadlineResult(due=due, warnings=tuple(warnings))


def traffic_light(
    due: date,
    limit_days: int,
    today: date | None = None,
    *,
    yellow_ratio: float | None = None,
    yellow_days: int | None = None,
) -> Literal["green", "yellow", "red"]:
    """红黄绿灯: red when overdue; yellow when the working days left are at most ``yellow_days`` or at most
    ``yellow_ratio`` of the limit (settings ``CALENDAR_YELLOW_DAYS`` = 2, ``CALENDAR_YELLOW_RATIO`` = 0.2)."""
    ratio = yellow_ratio if yellow_ratio is not None else float(getattr(settings, "CALENDAR_YELLOW_RATIO", 0.2))
    days = yellow_days if yellow_days is not None else int(getattr(settings, "CALENDAR_YELLOW_DAYS", 2))
    remaining = remaining_working_days(due, today)
    if remaining < 0:
        return "red"
    if remaining <= days or remaining <= ratio * limit_days:
        return "yellow"
    return "green"


__all__ = [
    "MAX_DAYS",
    "DeadlineResult",
    "Suspension",
    "TimeUnit",
    "add_days",
    "beijing_today",
    "chinese_date",
    "compute_due",
    "end_of_day",
    "invalidate",
    "is_working_day",
    "missing_year_warning",
    "remaining_working_days",
    "table_version",
    "traffic_light",
    "working_days_between",
]
