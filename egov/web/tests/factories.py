"""Factories for the web shell tests: staff members placed in the org tree with built-in roles."""

from __future__ import annotations

from typing import Any

import factory

from egov.kernel.access.models import Role, RoleAssignment
from egov.kernel.accounts.models import User, UserKind
from egov.kernel.orgs.models import Membership, OrgKind, OrgUnit
from egov.kernel.orgs.services import org_unit_create

PASSWORD = "Xam-2026-web!"


class OrgUnitFactory(factory.Factory[OrgUnit]):
    """Built through ``org_unit_create`` so ``path`` and ``depth`` are what production computes."""

    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"兴安盟测试局{n}")
    code = factory.Sequence(lambda n: f"WEB-{n:04d}")
    kind = OrgKind.DEPARTMENT
    division_code = "152200"
    parent = None

    @classmethod
    def _create(cls, model_class: type[OrgUnit], *args: Any, **kwargs: Any) -> OrgUnit:
        return org_unit_create(**kwargs)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"webuser{n:04d}")
    real_name = factory.Sequence(lambda n: f"王测试{n}")
    kind = UserKind.PERSON
    password = factory.django.Password(PASSWORD)

    class Params:
        staff = factory.Trait(kind=UserKind.STAFF)


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, staff=True)
    org_unit = factory.SubFactory(OrgUnitFactory)
    is_primary = True


class RoleAssignmentFactory(factory.django.DjangoModelFactory[RoleAssignment]):
    """Arranges a starting state directly (role_assign itself is the access app's to test)."""

    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory, staff=True)
    role = factory.LazyFunction(lambda: Role.objects.get(code="handler"))
    org_unit = factory.SubFactory(OrgUnitFactory)
