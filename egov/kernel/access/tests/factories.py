"""The role assignment factory of the project's tests (other apps re-export it), with org units and users
re-exported from the orgs and accounts test factories."""

from __future__ import annotations

import factory

from egov.kernel.access.models import Role, RoleAssignment
from egov.kernel.accounts.models import User
from egov.kernel.accounts.tests.factories import StaffFactory, UserFactory
from egov.kernel.orgs.models import OrgUnit
from egov.kernel.orgs.tests.factories import OrgUnitFactory

__all__ = ["OrgUnitFactory", "RoleAssignmentFactory", "StaffFactory", "UserFactory", "grant"]


class RoleAssignmentFactory(factory.django.DjangoModelFactory[RoleAssignment]):
    """Writes the row directly: for arranging a test's starting state, not for exercising ``role_assign``."""

    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory, staff=True)
    role = factory.LazyFunction(lambda: Role.objects.get(code="handler"))
    org_unit = factory.SubFactory(OrgUnitFactory)
    include_subunits = False


def grant(user: User, role_code: str, org_unit: OrgUnit, *, include_subunits: bool = False) -> RoleAssignment:
    """Give ``user`` the built-in role ``role_code`` at ``org_unit`` (a starting state, written directly)."""
    return RoleAssignmentFactory(
        user=user, role=Role.objects.get(code=role_code), org_unit=org_unit, include_subunits=include_subunits
    )
