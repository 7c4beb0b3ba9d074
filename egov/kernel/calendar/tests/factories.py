"""Factories for the calendar tests: staff users, and a system administrator holding ``system.configure``."""

from __future__ import annotations

from datetime import date

import factory

from egov.kernel.access.models import Role, RoleAssignment
from egov.kernel.accounts.models import User, UserKind
from egov.kernel.calendar.models import CalendarDay, DayKind
from egov.kernel.orgs.models import OrgKind, OrgUnit
from egov.kernel.orgs.services import org_unit_create

PASSWORD = "Xam-2026-calendar!"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"calendar_staff{n:04d}")
    real_name = factory.Sequence(lambda n: f"日历测试人员{n}")
    kind = UserKind.STAFF
    password = factory.django.Password(PASSWORD)


class CalendarDayFactory(factory.django.DjangoModelFactory[CalendarDay]):
    """Writes the row directly, for arranging a starting state only."""

    class Meta:
        model = CalendarDay

    date = date(2030, 10, 1)
    year = factory.LazyAttribute(lambda entry: entry.date.year)
    kind = DayKind.HOLIDAY
    name = "国庆节"


def league_office() -> OrgUnit:
    existing = OrgUnit.objects.filter(code="CAL-TEST-LEAGUE").first()
    if existing is not None:
        return existing
    return org_unit_create(
        name="兴安盟行政公署办公室", code="CAL-TEST-LEAGUE", kind=OrgKind.DEPARTMENT, division_code="152200"
    )


def system_admin(**kwargs: object) -> User:
    """A staff user with the built-in 系统管理员 role (which holds ``system.configure``)."""
    user = UserFactory(**kwargs)
    RoleAssignment.objects.create(user=user, role=Role.objects.get(code="sysadmin"), org_unit=league_office())
    return user
