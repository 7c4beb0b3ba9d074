"""Factories for the audit tests: the shared ones, except that org units are written directly (not through
``org_unit_create``) so that arranging a test adds nothing to the audit chain under test."""

from __future__ import annotations

from typing import Any

from egov.kernel.access.tests.factories import RoleAssignmentFactory, grant
from egov.kernel.accounts.tests.factories import StaffFactory, UserFactory
from egov.kernel.orgs.models import OrgUnit
from egov.kernel.orgs.tests import factories as orgs_factories

__all__ = ["OrgUnitFactory", "RoleAssignmentFactory", "StaffFactory", "UserFactory", "grant"]


class OrgUnitFactory(orgs_factories.OrgUnitFactory):
    @classmethod
    def _create(cls, model_class: type[OrgUnit], *args: Any, **kwargs: Any) -> OrgUnit:
        """The materialised path needs the primary key, as in orgs.services."""
        unit = model_class.objects.create(*args, path="", **kwargs)
        parent = unit.parent
        unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
        unit.depth = parent.depth + 1 if parent else 0
        model_class.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
        return unit
