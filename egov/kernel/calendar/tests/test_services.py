"""Administrators edit the holiday table; the deadline module sees the edit in every process."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.cache import cache

from egov.kernel.access.policy import AccessDenied
from egov.kernel.audit.models import AuditEntry
from egov.kernel.calendar import deadlines
from egov.kernel.calendar.deadlines import add_days
from egov.kernel.calendar.models import CalendarDay, DayKind, HolidayYear, HolidayYearStatus
from egov.kernel.calendar.services import calendar_day_clear, calendar_day_set, holiday_year_confirm
from egov.kernel.calendar.tests.factories import CalendarDayFactory, StaffFactory, system_admin
from egov.kernel.errors import NotFound, Rejected

CaptureOnCommit = Callable[..., Any]


def table_state() -> tuple[list[tuple[date, str, str]], list[tuple[int, str, int | None]]]:
    days = list(CalendarDay.objects.values_list("date", "kind", "name"))
    years = list(HolidayYear.objects.values_list("year", "status", "confirmed_by_id"))
    return days, years


def test_setting_a_holiday_changes_deadlines_after_commit(django_capture_on_commit_callbacks: CaptureOnCommit) -> None:
    # given an administrator and a deadline computed (and cached) from the seeded table
    admin = system_admin()
    assert add_days(date(2025, 9, 30), 1).due == date(2025, 10, 9)
    # when 10/9 is made a holiday
    with django_capture_on_commit_callbacks(execute=True):
        entry = calendar_day_set(actor=admin, day=date(2025, 10, 9), kind=DayKind.HOLIDAY, name="国庆节")
    # then the stored row, the audit entry and the arithmetic all follow
    assert (entry.date, entry.year, entry.kind, entry.name) == (date(2025, 10, 9), 2025, "holiday", "国庆节")
    assert add_days(date(2025, 9, 30), 1).due == date(2025, 10, 10)
    audit = AuditEntry.objects.get(action="calendar.day_set")
    assert audit.actor_id == admin.pk
    assert audit.detail["date"] == "2025-10-09"
    assert audit.detail["previous"] is None


def test_clearing_an_adjusted_workday(django_capture_on_commit_callbacks: CaptureOnCommit) -> None:
    admin = system_admin()
    assert add_days(date(2025, 9, 26), 1).due == date(2025, 9, 28)
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_clear(actor=admin, day=date(2025, 9, 28))
    assert not CalendarDay.objects.filter(date=date(2025, 9, 28)).exists()
    assert add_days(date(2025, 9, 26), 1).due == date(2025, 9, 29)
    assert AuditEntry.objects.get(action="calendar.day_clear").detail["previous"] == {
        "kind": "workday",
        "name": "国庆节",
    }


def test_another_process_sees_an_edit_through_the_cache_version(monkeypatch: pytest.MonkeyPatch) -> None:
    # given this process has the 2025 table cached
    assert add_days(date(2025, 9, 30), 1).due == date(2025, 10, 9)
    # when another process changes the table and bumps the shared version
    CalendarDay.objects.filter(date=date(2025, 10, 8)).delete()
    assert add_days(date(2025, 9, 30), 1).due == date(2025, 10, 9)  # still cached here
    cache.set(deadlines.VERSION_CACHE_KEY, "changed-elsewhere")
    # then within the second this process trusts the version it read, the table is still the cached one
    assert add_days(date(2025, 9, 30), 1).due == date(2025, 10, 9)
    # and the first computation after it reloads
    later = deadlines.clock.monotonic() + deadlines.VERSION_FRESH_SECONDS
    monkeypatch.setattr(deadlines.clock, "monotonic", lambda: later)
    assert add_days(date(2025, 9, 30), 1).due == date(2025, 10, 8)


def test_the_version_is_read_once_a_second_not_per_computation(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[str] = []

    class CountingCache:
        def __getattr__(self, name: str) -> Any:
            return getattr(cache, name)

        def get(self, key: str, *args: Any) -> Any:
            reads.append(key)
            return cache.get(key, *args)

    monkeypatch.setattr(deadlines, "cache", CountingCache())
    for day in range(1, 20):
        add_days(date(2025, 9, day), 3)
    assert reads.count(deadlines.VERSION_CACHE_KEY) == 1


def test_first_entry_in_an_unknown_year_ends_the_weekend_fallback(
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    admin = system_admin()
    assert add_days(date(2027, 9, 30), 1).warnings == ("2027年的节假日安排尚未录入，按仅周末休息计算",)
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_set(actor=admin, day=date(2027, 10, 1), kind=DayKind.HOLIDAY, name="国庆节")
    year = HolidayYear.objects.get(year=2027)
    assert (year.status, year.source) == (HolidayYearStatus.ENTERED, "管理员录入")
    assert add_days(date(2027, 9, 30), 1) == deadlines.DeadlineResult(due=date(2027, 10, 4), warnings=())


def test_changing_an_existing_day_keeps_the_previous_value_in_the_audit_log() -> None:
    admin = system_admin()
    calendar_day_set(actor=admin, day=date(2025, 10, 6), kind=DayKind.HOLIDAY, name="中秋节（调整）")
    assert CalendarDay.objects.get(date=date(2025, 10, 6)).name == "中秋节（调整）"
    detail = AuditEntry.objects.get(action="calendar.day_set").detail
    assert detail["previous"] == {"kind": "holiday", "name": "中秋节"}


@pytest.mark.parametrize(
    ("kwargs", "code", "message", "field"),
    [
        (
            {"day": date(2025, 11, 5), "kind": "workday"},
            "workday_not_weekend",
            "2025年11月5日是周一至周五，本来就是工作日；调休上班日只能设在周六或周日",
            "day",
        ),
        ({"day": date(2025, 11, 5), "kind": "off"}, "invalid_kind", "请选择“法定节假日”或“调休上班日”", "kind"),
        ({"day": date(2025, 11, 5), "kind": ""}, "invalid_kind", "请选择“法定节假日”或“调休上班日”", "kind"),
        (
            {"day": date(2025, 11, 5), "kind": "holiday", "name": "节" * 31},
            "name_too_long",
            "名称不能超过30个字",
            "name",
        ),
        ({"day": date(1999, 11, 5), "kind": "holiday"}, "year_out_of_range", "年份须在2000年至2100年之间", "day"),
    ],
)
def test_bad_input_is_rejected_in_chinese_and_changes_nothing(
    kwargs: dict[str, Any], code: str, message: str, field: str
) -> None:
    admin = system_admin()
    before = table_state()
    with pytest.raises(Rejected) as caught:
        calendar_day_set(actor=admin, **{"name": "", **kwargs})
    assert (caught.value.code, caught.value.message, caught.value.field) == (code, message, field)
    assert table_state() == before
    assert not AuditEntry.objects.filter(action__startswith="calendar.").exists()


def test_clearing_a_day_without_entry_is_not_found() -> None:
    admin = system_admin()
    with pytest.raises(NotFound) as caught:
        calendar_day_clear(actor=admin, day=date(2025, 11, 5))
    assert caught.value.message == "2025年11月5日没有节假日或调休设置"


def test_confirming_a_year() -> None:
    admin = system_admin()
    row = holiday_year_confirm(actor=admin, year=2026, note="已与国办发明电〔2025〕7号核对")
    row.refresh_from_db()
    assert (row.status, row.confirmed_by_id, row.note) == (
        HolidayYearStatus.CONFIRMED,
        admin.pk,
        "已与国办发明电〔2025〕7号核对",
    )
    assert row.confirmed_at is not None
    assert AuditEntry.objects.get(action="calendar.year_confirm").detail == {"year": 2026}


def test_an_empty_year_cannot_be_confirmed() -> None:
    admin = system_admin()
    with pytest.raises(Rejected) as caught:
        holiday_year_confirm(actor=admin, year=2028)
    assert caught.value.message == "2028年尚未录入任何节假日或调休上班日，无法确认"
    assert not HolidayYear.objects.filter(year=2028).exists()


@pytest.mark.parametrize(
    "action",
    [
        lambda actor: calendar_day_set(actor=actor, day=date(2025, 10, 9), kind="holiday", name="国庆节"),
        lambda actor: calendar_day_set(actor=actor, day=date(2030, 10, 1), kind="holiday", name="国庆节"),
        lambda actor: calendar_day_clear(actor=actor, day=date(2025, 10, 1)),
        lambda actor: calendar_day_clear(actor=actor, day=date(2030, 10, 1)),
        lambda actor: holiday_year_confirm(actor=actor, year=2025),
    ],
    ids=["set", "set-new-year", "clear", "clear-own-entry", "confirm"],
)
def test_without_system_configure_nothing_changes(action: Callable[[Any], Any]) -> None:
    # given a staff member without the 系统管理员 role, and a hand-made entry in 2030
    CalendarDayFactory(date=date(2030, 10, 1))
    clerk = StaffFactory()
    before = table_state()
    # when they try to edit / then they are refused and the table is as it was
    with pytest.raises(AccessDenied):
        action(clerk)
    assert table_state() == before
    assert add_days(date(2025, 9, 30), 1).due == date(2025, 10, 9)
    assert not AuditEntry.objects.filter(action__startswith="calendar.").exists()


def test_the_day_table_is_read_once_per_year_per_process(django_assert_num_queries: Callable[..., Any]) -> None:
    # given 2025 loaded once (one query for the year row, one for its days)
    with django_assert_num_queries(2):
        add_days(date(2025, 3, 3), 5)
    # when further deadlines fall in the same year / then the database is not asked again
    with django_assert_num_queries(0):
        add_days(date(2025, 9, 15), 20)
        deadlines.working_days_between(date(2025, 1, 1), date(2025, 12, 31))
