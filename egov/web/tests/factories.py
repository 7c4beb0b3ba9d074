"""Factories for the web shell tests: the shared ones (staff members placed in the org tree with built-in
roles)."""

from __future__ import annotations

from egov.kernel.access.tests.factories import RoleAssignmentFactory
from egov.kernel.accounts.tests.factories import UserFactory
from egov.kernel.orgs.tests.factories import MembershipFactory, OrgUnitFactory

__all__ = ["MembershipFactory", "OrgUnitFactory", "RoleAssignmentFactory", "UserFactory"]
