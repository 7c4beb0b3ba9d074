"""Deadline arithmetic against the official schedules seeded by the data migration."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from egov.kernel.calendar.deadlines import (
    DeadlineResult,
    Suspension,
    TimeUnit,
    add_days,
    compute_due,
    end_of_day,
    is_working_day,
    remaining_working_days,
    traffic_light,
    working_days_between,
)

WD = TimeUnit.WORKING_DAYS
ND = TimeUnit.NATURAL_DAYS


def test_every_day_2024_to_2026_matches_the_chinesecalendar_package() -> None:
    # given the table seeded by the migration
    day = date(2024, 1, 1)
    mismatches = []
    # when each day is classified / then it agrees with the official schedule
    while day <= date(2026, 12, 31):
        if is_working_day(day) != chinese_calendar.is_workday(day):
            mismatches.append(day)
        day += timedelta(days=1)
    assert mismatches == []


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (date(2025, 9, 30), 1, date(2025, 10, 9)),  # 国庆/中秋 2025: Oct 1–8 off
        (date(2025, 9, 26), 1, date(2025, 9, 28)),  # Friday → Sunday 9/28, an adjusted working day
        (date(2025, 10, 9), 2, date(2025, 10, 11)),  # Saturday 10/11 worked
        (date(2025, 9, 15), 20, date(2025, 10, 17)),  # a 20-working-day clock across National Day
        (date(2025, 1, 24), 1, date(2025, 1, 26)),  # 春节 2025: Sunday 1/26 worked
        (date(2025, 1, 27), 1, date(2025, 2, 5)),  # 春节 2025: Jan 28 – Feb 4 off
        (date(2026, 2, 13), 1, date(2026, 2, 14)),  # 春节 2026: Saturday 2/14 worked
        (date(2026, 2, 14), 1, date(2026, 2, 24)),  # 春节 2026: Feb 15–23 off
        (date(2026, 2, 2), 20, date(2026, 3, 6)),
        (date(2026, 9, 30), 1, date(2026, 10, 8)),  # 国庆 2026: Oct 1–7 off
        (date(2026, 10, 9), 1, date(2026, 10, 10)),  # Saturday 10/10 worked
        (date(2025, 11, 7), 1, date(2025, 11, 10)),  # plain Friday → Monday
    ],
)
def test_add_working_days_across_holidays_and_adjusted_weekends(start: date, n: int, due: date) -> None:
    assert add_days(start, n) == DeadlineResult(due=due, warnings=())


def test_zero_days_end_on_the_start_day_even_a_holiday() -> None:
    assert add_days(date(2025, 10, 1), 0).due == date(2025, 10, 1)
    assert add_days(date(2025, 10, 1), 0, ND).due == date(2025, 10, 1)


def test_counting_the_start_day_by_argument() -> None:
    # Monday 2025-09-29 is a working day: it is day 1 itself
    assert add_days(date(2025, 9, 29), 1, count_start_day=True).due == date(2025, 9, 29)
    assert add_days(date(2025, 9, 29), 3, count_start_day=True).due == date(2025, 10, 9)
    # a holiday start is never counted, whatever the rule
    assert add_days(date(2025, 10, 3), 1, count_start_day=True).due == date(2025, 10, 9)


def test_counting_the_start_day_by_setting(settings: pytest.FixtureRequest) -> None:
    settings.CALENDAR_COUNT_START_DAY = True  # type: ignore[attr-defined]
    assert add_days(date(2025, 9, 29), 1).due == date(2025, 9, 29)
    assert add_days(date(2025, 9, 29), 1, count_start_day=False).due == date(2025, 9, 30)


def test_natural_days() -> None:
    assert add_days(date(2025, 9, 1), 10, ND).due == date(2025, 9, 11)
    assert add_days(date(2025, 9, 1), 10, ND, count_start_day=True).due == date(2025, 9, 10)
    # the last day falls on 10/1: the period ends on the next working day (民法典第二百零三条)
    assert add_days(date(2025, 9, 21), 10, ND).due == date(2025, 10, 9)
    # the last day falls on a plain Sunday: Monday
    assert add_days(date(2025, 11, 2), 7, ND).due == date(2025, 11, 10)


def test_negative_or_absurd_periods_are_programming_errors() -> None:
    with pytest.raises(ValueError, match="between 0 and 3660"):
        add_days(date(2025, 1, 1), -1)
    with pytest.raises(ValueError, match="between 0 and 3660"):
        add_days(date(2025, 1, 1), 100_000)


def test_working_days_between_is_half_open_and_signed() -> None:
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 9)) == 1
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 8)) == 0
    assert working_days_between(date(2025, 10, 9), date(2025, 9, 30)) == -1
    assert working_days_between(date(2025, 9, 26), date(2025, 9, 28)) == 1
    assert working_days_between(date(2025, 9, 15), date(2025, 10, 17)) == 20


def test_remaining_working_days() -> None:
    due = date(2025, 10, 9)
    assert remaining_working_days(due, date(2025, 9, 26)) == 4  # 9/28, 9/29, 9/30 and 10/9
    assert remaining_working_days(due, date(2025, 9, 30)) == 1
    assert remaining_working_days(due, due) == 0
    assert remaining_working_days(due, date(2025, 10, 10)) == -1
    # overdue since Friday: Saturday is still overdue (-1), Tuesday is two working days late
    assert remaining_working_days(date(2025, 10, 17), date(2025, 10, 18)) == -1
    assert remaining_working_days(date(2025, 10, 17), date(2025, 10, 21)) == -2


START = date(2025, 11, 3)  # Monday; 20 working days later is Monday 2025-12-01


def test_compute_due_without_suspension() -> None:
    assert compute_due(START, 20, WD) == DeadlineResult(due=date(2025, 12, 1), warnings=())


def test_suspension_moves_the_due_date_by_the_working_days_it_covered() -> None:
    # a 20-working-day clock suspended for 5 working days (Mon 11/10 – Fri 11/14) ends 5 working days later
    result = compute_due(START, 20, WD, suspensions=[Suspension(date(2025, 11, 10), date(2025, 11, 14))])
    assert result == DeadlineResult(due=date(2025, 12, 8), warnings=())
    # the weekend after it is no working day: the same 5 working days
    longer = compute_due(START, 20, WD, suspensions=[Suspension(date(2025, 11, 10), date(2025, 11, 16))])
    assert longer.due == date(2025, 12, 8)


def test_two_suspensions_add_up() -> None:
    result = compute_due(
        START,
        20,
        WD,
        suspensions=[
            Suspension(date(2025, 11, 10), date(2025, 11, 11)),
            Suspension(date(2025, 11, 20), date(2025, 11, 20)),
        ],
    )
    assert result.due == date(2025, 12, 4)


def test_open_suspension_counts_up_to_today_and_says_so() -> None:
    result = compute_due(START, 20, WD, suspensions=[Suspension(date(2025, 11, 10), None)], today=date(2025, 11, 12))
    assert result == DeadlineResult(
        due=date(2025, 12, 4), warnings=("自2025年11月10日起暂停计时，到期日随暂停天数顺延",)
    )


def test_suspension_after_the_clock_ran_out_moves_nothing() -> None:
    result = compute_due(START, 20, WD, suspensions=[Suspension(date(2025, 12, 2), date(2025, 12, 5))])
    assert result.due == date(2025, 12, 1)


def test_extensions_are_counted_after_the_base_limit() -> None:
    assert compute_due(START, 20, WD, extensions=[(20, WD)]).due == date(2025, 12, 29)
    assert compute_due(START, 20, WD, extensions=[(15, ND)]).due == date(2025, 12, 16)
    # 2026 New Year: Jan 1–3 off, Sunday Jan 4 worked
    assert compute_due(START, 20, WD, extensions=[(20, WD), (3, WD)]).due == date(2026, 1, 4)


def test_suspension_during_an_extension_also_moves_it() -> None:
    result = compute_due(
        START, 20, WD, extensions=[(5, WD)], suspensions=[Suspension(date(2025, 12, 3), date(2025, 12, 3))]
    )
    assert result.due == date(2025, 12, 9)


@pytest.mark.parametrize(
    ("today", "light"),
    [
        (date(2025, 11, 3), "green"),  # 20 left
        (date(2025, 11, 24), "green"),  # 5 left > 20% of 20
        (date(2025, 11, 25), "yellow"),  # 4 left = 20% of 20
        (date(2025, 12, 1), "yellow"),  # due today, 0 left
        (date(2025, 12, 2), "red"),
    ],
)
def test_traffic_light_by_ratio(today: date, light: str) -> None:
    assert traffic_light(date(2025, 12, 1), 20, today) == light


def test_traffic_light_by_days_and_overrides() -> None:
    due = date(2025, 12, 1)
    # a 5-day limit: 20% is 1 day, so the 2-day rule decides
    assert traffic_light(due, 5, date(2025, 11, 26)) == "green"  # 3 left
    assert traffic_light(due, 5, date(2025, 11, 27)) == "yellow"  # 2 left
    assert traffic_light(due, 20, date(2025, 11, 3), yellow_ratio=1.0) == "yellow"
    assert traffic_light(due, 20, date(2025, 11, 27), yellow_ratio=0.0, yellow_days=1) == "green"


def test_traffic_light_settings(settings: pytest.FixtureRequest) -> None:
    settings.CALENDAR_YELLOW_DAYS = 5  # type: ignore[attr-defined]
    assert traffic_light(date(2025, 12, 1), 100, date(2025, 11, 24)) == "yellow"


def test_unknown_year_falls_back_to_weekends_with_a_warning() -> None:
    # 2027 is not in chinesecalendar 1.11 and nobody entered it: 10/1/2027 (a Friday) counts as a working day
    result = add_days(date(2027, 9, 30), 1)
    assert result == DeadlineResult(due=date(2027, 10, 1), warnings=("2027年的节假日安排尚未录入，按仅周末休息计算",))


def test_warning_when_the_period_reaches_into_an_unknown_year() -> None:
    result = add_days(date(2026, 12, 30), 3)
    assert result.due == date(2027, 1, 4)
    assert result.warnings == ("2027年的节假日安排尚未录入，按仅周末休息计算",)
    assert compute_due(date(2026, 12, 30), 3, WD).warnings == ("2027年的节假日安排尚未录入，按仅周末休息计算",)


def test_end_of_day_is_beijing_midnight() -> None:
    moment = end_of_day(date(2025, 10, 9))
    assert moment == datetime(2025, 10, 9, 23, 59, 59, 999999, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert moment.utcoffset() == timedelta(hours=8)
