"""Case and step clocks (计时): due dates from the clock history, warning dates and traffic lights.

Supervision must be a set-based UPDATE, so the light is never computed per row at sweep time: whenever a
due date changes, the date from which the row turns yellow (``warn_on``) is stored beside it, and the sweep
compares both dates with today.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings

from egov.kernel.calendar import deadlines
from egov.kernel.workflow.models import Case, ClockEvent, ClockKind, Light, WorkItem


@dataclass(frozen=True)
class Clock:
    due_on: date | None
    warn_on: date | None


def yellow_settings() -> dict[str, float | int | None]:
    """Optional platform overrides (``WORKFLOW_YELLOW_RATIO`` / ``WORKFLOW_YELLOW_DAYS``); else the calendar's."""
    return {
        "yellow_ratio": getattr(settings, "WORKFLOW_YELLOW_RATIO", None),
        "yellow_days": getattr(settings, "WORKFLOW_YELLOW_DAYS", None),
    }


def warn_date(start: date, due: date, limit: int) -> date:
    """The first day the light is no longer green (the light only worsens as days pass: binary search)."""
    ratio, days = _yellow()
    return _warn_date(start, due, limit, ratio, days)


def _yellow() -> tuple[float, int]:
    """The yellow rule in force: the platform's overrides (``yellow_settings``), else the calendar's settings."""
    options = yellow_settings()
    ratio, days = options["yellow_ratio"], options["yellow_days"]
    return (
        float(getattr(settings, "CALENDAR_YELLOW_RATIO", 0.2)) if ratio is None else float(ratio),
        int(getattr(settings, "CALENDAR_YELLOW_DAYS", 2)) if days is None else int(days),
    )


def _warn_date(start: date, due: date, limit: int, ratio: float, days: int) -> date:
    def warned(day: date) -> bool:
        return deadlines.traffic_light(due, limit, today=day, yellow_ratio=ratio, yellow_days=days) != "green"

    low, high = min(start, due), due
    if warned(low):
        return low
    while (high - low).days > 1:
        middle = low + timedelta(days=(high - low).days // 2)
        if warned(middle):
            high = middle
        else:
            low = middle
    return high


def light_of(due_on: date | None, warn_on: date | None, today: date) -> str:
    """The same rule the sweep applies in SQL."""
    if due_on is None:
        return Light.GREEN
    if due_on < today:
        return Light.RED
    if warn_on is not None and warn_on <= today:
        return Light.YELLOW
    return Light.GREEN


def suspensions_of(events: Iterable[ClockEvent]) -> list[deadlines.Suspension]:
    """Pair every suspend with the resume that ended it (an unpaired one is still running)."""
    spans: list[deadlines.Suspension] = []
    opened: date | None = None
    for event in events:
        if event.kind == ClockKind.SUSPEND and opened is None:
            opened = event.on
        elif event.kind == ClockKind.RESUME and opened is not None:
            spans.append(deadlines.Suspension(start=opened, end=event.on))
            opened = None
    if opened is not None:
        spans.append(deadlines.Suspension(start=opened, end=None))
    return spans


def extensions_of(events: Iterable[ClockEvent]) -> list[tuple[int, deadlines.TimeUnit]]:
    return [
        (event.days, deadlines.TimeUnit(event.unit))
        for event in events
        if event.kind == ClockKind.EXTEND and event.days
    ]


def compute(
    start: date,
    limit: int | None,
    unit: str,
    *,
    suspensions: Sequence[deadlines.Suspension] = (),
    extensions: Sequence[tuple[int, deadlines.TimeUnit]] = (),
    today: date | None = None,
) -> Clock:
    """A clock's due date and warning date. Remembered for the holiday table's version and the settings in force:
    the cases and steps started on one day with one limit share it (a case start computes four or five clocks,
    each some twenty working-day walks)."""
    if not limit:
        return Clock(due_on=None, warn_on=None)
    return _compute(
        start,
        limit,
        unit or "wd",
        tuple(suspensions),
        tuple(extensions),
        today or deadlines.beijing_today(),
        *_yellow(),
        bool(getattr(settings, "CALENDAR_COUNT_START_DAY", False)),
        deadlines.table_version(),
    )


@functools.lru_cache(maxsize=4096)
def _compute(
    start: date,
    limit: int,
    unit: str,
    suspensions: tuple[deadlines.Suspension, ...],
    extensions: tuple[tuple[int, deadlines.TimeUnit], ...],
    today: date,
    ratio: float,
    days: int,
    _count_start_day: bool,
    _version: str,
) -> Clock:
    due = deadlines.compute_due(
        start, limit, deadlines.TimeUnit(unit), suspensions=suspensions, extensions=extensions, today=today
    ).due
    total = limit + sum(extra for extra, _unit in extensions)
    return Clock(due_on=due, warn_on=_warn_date(start, due, total, ratio, days))


def refresh_case(case: Case, events: Sequence[ClockEvent], today: date) -> None:
    """Recompute the statutory and promised due dates of ``case`` (not saved) from its clock history."""
    suspensions = suspensions_of(events)
    extensions = extensions_of(events)
    statutory = compute(
        case.started_on,
        case.statutory_limit,
        case.statutory_unit,
        suspensions=suspensions,
        extensions=extensions,
        today=today,
    )
    promised = compute(
        case.started_on,
        case.promised_limit,
        case.promised_unit,
        suspensions=suspensions,
        extensions=extensions,
        today=today,
    )
    case.due_on, case.promised_due_on = statutory.due_on, promised.due_on
    watched = [clock for clock in (statutory, promised) if clock.due_on is not None]
    earliest = min(watched, key=lambda clock: clock.due_on or date.max, default=Clock(None, None))
    case.watch_due_on, case.warn_on = earliest.due_on, earliest.warn_on
    case.light = light_of(case.watch_due_on, case.warn_on, today)


def refresh_item(
    item: WorkItem,
    suspensions: Sequence[deadlines.Suspension],
    today: date,
    *,
    extensions: Sequence[tuple[int, deadlines.TimeUnit]] = (),
) -> None:
    """Recompute a step's due date; only suspensions that began while the step was running move it, and
    only extensions granted for this step lengthen it."""
    relevant = [span for span in suspensions if span.end is None or span.end >= item.started_on]
    clock = compute(
        item.started_on, item.limit, item.limit_unit, suspensions=relevant, extensions=extensions, today=today
    )
    item.due_on, item.warn_on = clock.due_on, clock.warn_on
    item.light = light_of(item.due_on, item.warn_on, today)
