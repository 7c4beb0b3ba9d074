"""The org unit, position and membership factories of the project's tests (other apps re-export them).
Units and positions are made through the services, so ``path`` and ``depth`` are what production computes."""

from __future__ import annotations

from typing import Any

import factory

from egov.kernel.accounts.tests.factories import StaffFactory, UserFactory
from egov.kernel.orgs.models import Membership, OrgKind, OrgUnit, Position
from egov.kernel.orgs.services import org_unit_create, position_create

__all__ = ["MembershipFactory", "OrgUnitFactory", "PositionFactory", "StaffFactory"]

# The kind a unit gets when a test does not say: a department at the top or under a league or county,
# an office below a department, so that any ``parent`` passes the placement rules.
_CHILD_KIND = {
    None: OrgKind.DEPARTMENT,
    OrgKind.LEAGUE: OrgKind.DEPARTMENT,
    OrgKind.COUNTY: OrgKind.DEPARTMENT,
    OrgKind.DEPARTMENT: OrgKind.OFFICE,
    OrgKind.OFFICE: OrgKind.OFFICE,
}


class OrgUnitFactory(factory.Factory[OrgUnit]):
    """``create`` goes through ``org_unit_create`` (so it is audited); the division code is the parent's."""

    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"测试机构{n}")
    code = factory.Sequence(lambda n: f"TEST-{n:04d}")
    parent = None
    kind = factory.LazyAttribute(lambda o: _CHILD_KIND[o.parent.kind if o.parent else None])
    division_code = factory.LazyAttribute(lambda o: o.parent.division_code if o.parent else "152200")

    @classmethod
    def _create(cls, model_class: type[OrgUnit], *args: Any, **kwargs: Any) -> OrgUnit:
        return org_unit_create(**kwargs)

    @classmethod
    def _build(cls, model_class: type[OrgUnit], *args: Any, **kwargs: Any) -> OrgUnit:
        return model_class(**kwargs)


class PositionFactory(factory.Factory[Position]):
    class Meta:
        model = Position

    name = factory.Sequence(lambda n: f"职务{n}")
    rank = 100
    is_leader = False

    @classmethod
    def _create(cls, model_class: type[Position], *args: Any, **kwargs: Any) -> Position:
        return position_create(**kwargs)


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    """Writes the row directly: for arranging a test's starting state, not for exercising ``membership_add``."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, staff=True)
    org_unit = factory.SubFactory(OrgUnitFactory)
    is_primary = True
