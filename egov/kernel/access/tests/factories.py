"""Factories for the access tests (the orgs and accounts apps had none yet when these were written)."""

from __future__ import annotations

from typing import Any

import factory

from egov.kernel.access.models import Role, RoleAssignment
from egov.kernel.accounts.models import User, UserKind
from egov.kernel.orgs.models import OrgKind, OrgUnit
from egov.kernel.orgs.services import org_unit_create


class OrgUnitFactory(factory.Factory[OrgUnit]):
    """Built through ``org_unit_create`` so ``path`` and ``depth`` are what production computes."""

    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"测试机构{n}")
    code = factory.Sequence(lambda n: f"TEST-{n:04d}")
    kind = OrgKind.DEPARTMENT
    division_code = "152200"
    parent = None

    @classmethod
    def _create(cls, model_class: type[OrgUnit], *args: Any, **kwargs: Any) -> OrgUnit:
        return org_unit_create(**kwargs)

    @classmethod
    def _build(cls, model_class: type[OrgUnit], *args: Any, **kwargs: Any) -> OrgUnit:
        return model_class(**kwargs)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staff{n:04d}")
    real_name = factory.Sequence(lambda n: f"测试人员{n}")
    kind = UserKind.STAFF
    password = factory.django.Password("Xam-2026-test!")


class RoleAssignmentFactory(factory.django.DjangoModelFactory[RoleAssignment]):
    """Writes the row directly: for arranging a test's starting state, not for exercising ``role_assign``."""

    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = factory.LazyFunction(lambda: Role.objects.get(code="handler"))
    org_unit = factory.SubFactory(OrgUnitFactory)
    include_subunits = False
