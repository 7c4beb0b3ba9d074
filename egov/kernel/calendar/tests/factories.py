"""Factories for the calendar tests: calendar days, and a system administrator holding ``system.configure``."""

from __future__ import annotations

from datetime import date

import factory

from egov.kernel.access.tests.factories import grant
from egov.kernel.accounts.models import User
from egov.kernel.accounts.tests.factories import StaffFactory, UserFactory
from egov.kernel.calendar.models import CalendarDay, DayKind
from egov.kernel.orgs.models import OrgKind, OrgUnit
from egov.kernel.orgs.tests.factories import OrgUnitFactory

__all__ = ["CalendarDayFactory", "StaffFactory", "UserFactory", "league_office", "system_admin"]


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
    return OrgUnitFactory(
        name="兴安盟行政公署办公室", code="CAL-TEST-LEAGUE", kind=OrgKind.DEPARTMENT, division_code="152200"
    )


def system_admin(**kwargs: object) -> User:
    """A staff user with the built-in 系统管理员 role (which holds ``system.configure``)."""
    user = StaffFactory(**kwargs)
    grant(user, "sysadmin", league_office())
    return user
