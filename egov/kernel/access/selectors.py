"""Reads for the role administration screens, always scoped to where the reader may assign roles."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from egov.kernel.access.models import Role, RoleAssignment
from egov.kernel.access.policy import Actor, units_with_perm
from egov.kernel.orgs.models import OrgUnit


def assignments_in_scope(user: Actor, *, search: str = "") -> QuerySet[RoleAssignment]:
    """Assignments at the units where ``user`` may assign roles, optionally filtered by person or unit."""
    assignments = RoleAssignment.objects.filter(org_unit__in=units_with_perm(user, "access.assign_roles"))
    if search:
        assignments = assignments.filter(
            Q(user__username__icontains=search)
            | Q(user__real_name__icontains=search)
            | Q(org_unit__name__icontains=search)
            | Q(role__name__icontains=search)
        )
    return assignments.select_related("user", "role", "org_unit", "granted_by")


def assignable_units(user: Actor) -> QuerySet[OrgUnit]:
    return units_with_perm(user, "access.assign_roles").order_by("path")


def roles() -> QuerySet[Role]:
    return Role.objects.order_by("-is_builtin", "code")
