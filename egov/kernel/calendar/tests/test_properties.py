"""Properties of the arithmetic for any start in 2024–2026 and any period up to 60 days."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from egov.kernel.calendar.deadlines import add_days, is_working_day, working_days_between

starts = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))
periods = st.integers(min_value=0, max_value=60)
property_settings = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@property_settings
@given(start=starts, n=periods)
def test_working_days_between_gives_n_back(start: date, n: int) -> None:
    assert working_days_between(start, add_days(start, n).due) == n


@property_settings
@given(start=starts, n=st.integers(min_value=1, max_value=60))
def test_due_is_a_working_day(start: date, n: int) -> None:
    assert is_working_day(add_days(start, n).due)


@property_settings
@given(start=starts, n=st.integers(min_value=0, max_value=59))
def test_monotonic_in_n(start: date, n: int) -> None:
    assert add_days(start, n).due < add_days(start, n + 1).due


@property_settings
@given(start=starts, later=st.integers(min_value=0, max_value=30), n=periods)
def test_monotonic_in_start(start: date, later: int, n: int) -> None:
    assert add_days(start, n).due <= add_days(start + timedelta(days=later), n).due
