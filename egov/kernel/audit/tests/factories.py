"""Factories for the audit tests. Units and users are written directly (not through their services) so
that arranging a test adds nothing to the audit chain under test."""

from __future__ import annotations

from typing import Any

import factory

from egov.kernel.access.models import Role, RoleAssignment
from egov.kernel.accounts.models import User, UserKind
from egov.kernel.orgs.models import OrgKind, OrgUnit


class OrgUnitFactory(factory.django.DjangoModelFactory[OrgUnit]):
    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"兴安盟测试局{n}")
    code = factory.Sequence(lambda n: f"152200-T{n}")
    kind = OrgKind.DEPARTMENT
    division_code = "152200"
    parent = None

    @classmethod
    def _create(cls, model_class: type[OrgUnit], *args: Any, **kwargs: Any) -> OrgUnit:
        """The materialised path needs the primary key, as in orgs.services."""
        unit = model_class.objects.create(*args, path="", **kwargs)
        parent = unit.parent
        unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
        unit.depth = parent.depth + 1 if parent else 0
        model_class.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
        return unit


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"staff{n}")
    kind = UserKind.STAFF
    real_name = "王建国"
    password = factory.django.Password("Xam#2026pass")


def grant(user: User, role_code: str, unit: OrgUnit, *, include_subunits: bool = True) -> RoleAssignment:
    return RoleAssignment.objects.create(
        user=user, role=Role.objects.get(code=role_code), org_unit=unit, include_subunits=include_subunits
    )
