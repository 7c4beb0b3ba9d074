"""Seeding from chinesecalendar: the data migration, the command, and honesty about later years."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from egov.kernel.audit.models import AuditEntry
from egov.kernel.calendar import seed
from egov.kernel.calendar.models import CalendarDay, HolidayYear, HolidayYearStatus
from egov.kernel.calendar.selectors import missing_years, unconfigured_years_warning
from egov.kernel.calendar.services import holiday_years_seed
from egov.kernel.calendar.tests.factories import system_admin


def test_migration_seeded_every_year_the_package_knows() -> None:
    assert list(HolidayYear.objects.values_list("year", flat=True)) == seed.package_years()
    assert set(HolidayYear.objects.values_list("status", "source")) == {
        (HolidayYearStatus.SEEDED, seed.package_source())
    }
    assert CalendarDay.objects.get(date=date(2025, 10, 6)).name == "中秋节"
    assert CalendarDay.objects.get(date=date(2025, 9, 28)).get_kind_display() == "调休上班日"
    assert CalendarDay.objects.get(date=date(2026, 2, 17)).name == "春节"
    # 2025 National Day period: Oct 1–8 (its weekend included), no plain weekend stored anywhere
    assert list(
        CalendarDay.objects.filter(date__range=(date(2025, 9, 27), date(2025, 10, 12))).values_list("date", "kind")
    ) == [
        (date(2025, 9, 28), "workday"),
        *[(date(2025, 10, d), "holiday") for d in range(1, 9)],
        (date(2025, 10, 11), "workday"),
    ]


def test_command_keeps_existing_years_unless_replace() -> None:
    CalendarDay.objects.filter(date=date(2025, 10, 8)).delete()
    out = StringIO()
    call_command("calendar_seed", "--years", "2025", stdout=out, stderr=StringIO())
    assert "没有需要导入的年份：所选年份均已录入（如需覆盖请加 --replace）" in out.getvalue()
    assert not CalendarDay.objects.filter(date=date(2025, 10, 8)).exists()

    call_command("calendar_seed", "--years", "2025", "--replace", stdout=out, stderr=StringIO())
    assert f"已导入：2025年（{seed.package_source()}）" in out.getvalue()
    assert CalendarDay.objects.get(date=date(2025, 10, 8)).name == "国庆节"
    assert AuditEntry.objects.get(action="calendar.years_seed").detail["years"] == [2025]


def test_command_refuses_years_the_package_does_not_know() -> None:
    first, last = seed.package_years()[0], seed.package_years()[-1]
    with pytest.raises(CommandError) as caught:
        call_command("calendar_seed", "--years", str(last + 1), stdout=StringIO(), stderr=StringIO())
    assert str(caught.value) == (
        f"{seed.package_source()}只包含{first}–{last}年的节假日安排，{last + 1}年须由管理员按国务院办公厅通知录入"
    )
    assert not HolidayYear.objects.filter(year=last + 1).exists()


def test_replacing_a_year_resets_its_confirmation() -> None:
    admin = system_admin()
    HolidayYear.objects.filter(year=2024).update(status=HolidayYearStatus.CONFIRMED, confirmed_by=admin)
    assert holiday_years_seed(actor=admin, years=[2024], replace=True) == [2024]
    assert HolidayYear.objects.filter(year=2024, status=HolidayYearStatus.SEEDED, confirmed_by=None).exists()


def test_missing_years_and_the_banner() -> None:
    assert missing_years(today=date(2026, 11, 26)) == [2027, 2028]
    assert missing_years(0, today=date(2025, 3, 1)) == []
    assert unconfigured_years_warning([2027, 2026, 2027]) == [
        "2027年节假日安排尚未录入：期限按仅周末休息计算，请尽快录入国务院办公厅公布的安排"
    ]
