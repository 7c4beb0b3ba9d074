"""Factories for the workflow tests: the shared ones, and the applicant citizen whose masked name the
office pages must show."""

from __future__ import annotations

from egov.kernel.access.tests.factories import grant
from egov.kernel.accounts.tests.factories import StaffFactory, UserFactory
from egov.kernel.orgs.tests.factories import OrgUnitFactory

__all__ = ["CitizenFactory", "OrgUnitFactory", "StaffFactory", "grant"]


class CitizenFactory(UserFactory):
    real_name = "王五"
