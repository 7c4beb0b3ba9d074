"""The office year page: 12 month grids, the edit form, the warning banner, and who may use it."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from egov.kernel.calendar.models import CalendarDay, HolidayYear
from egov.kernel.calendar.tests.factories import StaffFactory, system_admin


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(system_admin())
    return client


def test_year_page_shows_months_and_marks(admin_client: Client) -> None:
    response = admin_client.get(reverse("calendar:year", kwargs={"year": 2025}))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="calendar-month"') == 12
    assert '<td class="calendar-day is-holiday" title="国庆节">' in html
    assert '<td class="calendar-day is-workday" title="国庆节">' in html
    assert "2025年节假日安排尚未录入" not in html


def test_unknown_year_shows_the_warning_banner(admin_client: Client) -> None:
    response = admin_client.get(reverse("calendar:year", kwargs={"year": 2027}))
    assert (
        "2027年节假日安排尚未录入：期限按仅周末休息计算，请尽快录入国务院办公厅公布的安排" in response.content.decode()
    )


def test_setting_a_day_through_the_form(admin_client: Client) -> None:
    url = reverse("calendar:year", kwargs={"year": 2027})
    response = admin_client.post(url, {"action": "set", "day": "2027-10-01", "kind": "holiday", "name": "国庆节"})
    assert response.status_code == 302
    assert response["Location"] == url
    assert CalendarDay.objects.filter(date=date(2027, 10, 1), kind="holiday", name="国庆节").exists()
    assert "2027年节假日安排尚未录入" not in admin_client.get(url).content.decode()


def test_rejected_input_is_shown_and_kept(admin_client: Client) -> None:
    url = reverse("calendar:year", kwargs={"year": 2025})
    response = admin_client.post(url, {"action": "set", "day": "2025-11-05", "kind": "workday", "name": "自定义名称"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "2025年11月5日是周一至周五，本来就是工作日；调休上班日只能设在周六或周日" in html
    assert 'value="自定义名称"' in html
    assert not CalendarDay.objects.filter(date=date(2025, 11, 5)).exists()


def test_a_date_of_another_year_is_refused(admin_client: Client) -> None:
    url = reverse("calendar:year", kwargs={"year": 2025})
    response = admin_client.post(url, {"action": "set", "day": "2026-11-05", "kind": "holiday", "name": ""})
    assert "这里只能修改2025年的日期" in response.content.decode()
    assert not CalendarDay.objects.filter(date=date(2026, 11, 5)).exists()


def test_clearing_and_confirming_through_the_page(admin_client: Client) -> None:
    url = reverse("calendar:year", kwargs={"year": 2025})
    assert admin_client.post(url, {"action": "clear", "day": "2025-10-11"}).status_code == 302
    assert not CalendarDay.objects.filter(date=date(2025, 10, 11)).exists()
    assert admin_client.post(url, {"action": "confirm", "note": "已核对"}).status_code == 302
    assert HolidayYear.objects.get(year=2025).status == "confirmed"


def test_staff_without_the_permission_are_refused_and_change_nothing(client: Client) -> None:
    client.force_login(StaffFactory())
    url = reverse("calendar:year", kwargs={"year": 2025})
    assert client.get(url).status_code == 403
    response = client.post(url, {"action": "clear", "day": "2025-10-11"})
    assert response.status_code == 403
    assert CalendarDay.objects.filter(date=date(2025, 10, 11)).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse("calendar:year", kwargs={"year": 2025}))
    assert response.status_code == 302
    assert "next=" in response["Location"]
