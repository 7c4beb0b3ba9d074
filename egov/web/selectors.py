"""Reads for the shell: who the signed-in staff member is in the organisation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from egov.kernel.access.models import RoleAssignment
from egov.kernel.orgs.models import Membership, OrgUnit


@dataclass(frozen=True)
class OfficeIdentity:
    primary_unit: OrgUnit | None
    units: list[OrgUnit] = field(default_factory=list)
    role_names: list[str] = field(default_factory=list)


def office_identity(user: Any) -> OfficeIdentity:
    """The user's units (primary first) and the names of the roles they currently hold."""
    memberships = (
        Membership.objects.filter(user=user, org_unit__is_active=True)
        .select_related("org_unit")
        .order_by("-is_primary", "org_unit__path")
    )
    units = [membership.org_unit for membership in memberships]
    roles = (
        RoleAssignment.objects.filter(user=user)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=timezone.now()))
        .order_by("role__name")
        .values_list("role__name", flat=True)
        .distinct()
    )
    return OfficeIdentity(primary_unit=units[0] if units else None, units=units, role_names=list(roles))
