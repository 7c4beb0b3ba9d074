"""Factories for the orgs tests. Units and positions are made through the services, so ``path`` and
``depth`` are exactly what production computes."""

from __future__ import annotations

from typing import Any

import factory

from egov.kernel.accounts.models import User, UserKind
from egov.kernel.orgs.models import OrgKind, OrgUnit, Position
from egov.kernel.orgs.services import org_unit_create, position_create

_CHILD_KIND = {
    None: OrgKind.LEAGUE,
    OrgKind.LEAGUE: OrgKind.DEPARTMENT,
    OrgKind.COUNTY: OrgKind.DEPARTMENT,
    OrgKind.DEPARTMENT: OrgKind.OFFICE,
    OrgKind.OFFICE: OrgKind.OFFICE,
}


class OrgUnitFactory(factory.Factory[OrgUnit]):
    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"测试机构{n}")
    code = factory.Sequence(lambda n: f"ORGS-{n:04d}")
    parent = None
    kind = factory.LazyAttribute(lambda o: _CHILD_KIND[o.parent.kind if o.parent else None])
    division_code = factory.LazyAttribute(lambda o: o.parent.division_code if o.parent else "152200")

    @classmethod
    def _create(cls, model_class: type[OrgUnit], *args: Any, **kwargs: Any) -> OrgUnit:
        return org_unit_create(**kwargs)


class PositionFactory(factory.Factory[Position]):
    class Meta:
        model = Position

    name = factory.Sequence(lambda n: f"职务{n}")
    rank = 100
    is_leader = False

    @classmethod
    def _create(cls, model_class: type[Position], *args: Any, **kwargs: Any) -> Position:
        return position_create(**kwargs)


class StaffFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"orgs-staff{n:04d}")
    real_name = factory.Sequence(lambda n: f"测试人员{n}")
    kind = UserKind.STAFF
    password = factory.django.Password("Xam-2026-test!")


def grant(user: User, role_code: str, org_unit: OrgUnit, *, include_subunits: bool = True) -> None:
    """Arrange a role assignment directly (the test's starting state, not a test of ``role_assign``)."""
    from egov.kernel.access.models import Role, RoleAssignment

    RoleAssignment.objects.create(
        user=user, role=Role.objects.get(code=role_code), org_unit=org_unit, include_subunits=include_subunits
    )
