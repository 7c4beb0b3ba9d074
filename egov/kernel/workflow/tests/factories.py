"""Factories for the workflow tests: org units through the orgs service, staff users, role assignments."""

from __future__ import annotations

from typing import Any

import factory

from egov.kernel.access.models import Role, RoleAssignment
from egov.kernel.accounts.models import User, UserKind
from egov.kernel.orgs.models import OrgKind, OrgUnit
from egov.kernel.orgs.services import org_unit_create


class OrgUnitFactory(factory.Factory[OrgUnit]):
    """Built through ``org_unit_create`` so ``path`` is what production computes."""

    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"测试机构{n}")
    code = factory.Sequence(lambda n: f"WF-{n:04d}")
    kind = OrgKind.DEPARTMENT
    division_code = "152200"
    parent = None

    @classmethod
    def _create(cls, model_class: type[OrgUnit], *args: Any, **kwargs: Any) -> OrgUnit:
        return org_unit_create(**kwargs)


class StaffFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"wfstaff{n:04d}")
    real_name = factory.Sequence(lambda n: f"办理人{n}")
    kind = UserKind.STAFF


class CitizenFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"wfcitizen{n:04d}")
    real_name = "王五"
    kind = UserKind.PERSON


def grant(user: User, role_code: str, org_unit: OrgUnit, *, include_subunits: bool = False) -> RoleAssignment:
    """Arrange a test's starting state directly (the access app tests ``role_assign`` itself)."""
    return RoleAssignment.objects.create(
        user=user, role=Role.objects.get(code=role_code), org_unit=org_unit, include_subunits=include_subunits
    )
