"""Reads of the organisation tree."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from egov.kernel.orgs.models import Membership, OrgUnit

if TYPE_CHECKING:
    from egov.kernel.accounts.models import User


@dataclass
class OrgNode:
    """One unit in the display tree, with its children in display order and its member count."""

    unit: OrgUnit
    member_count: int
    children: list[OrgNode] = field(default_factory=list)

    @property
    def unit_count(self) -> int:
        """This unit plus every unit under it."""
        return 1 + sum(child.unit_count for child in self.children)


def org_tree(*, root: OrgUnit | None = None, include_inactive: bool = False) -> list[OrgNode]:
    """The tree (or the subtree under ``root``) as nested nodes, siblings by sort order then code.

    One query: units come back ordered by depth, so every parent is built before its children.
    """
    units = OrgUnit.objects.annotate(member_count=Count("memberships")).order_by("depth", "sort_order", "code")
    if root is not None:
        units = units.filter(path__startswith=root.path)
    if not include_inactive:
        units = units.filter(is_active=True)
    nodes: dict[int, OrgNode] = {}
    roots: list[OrgNode] = []
    for unit in units:
        node = OrgNode(unit=unit, member_count=unit.member_count)
        nodes[unit.pk] = node
        parent = nodes.get(unit.parent_id) if unit.parent_id is not None else None
        if parent is not None:
            parent.children.append(node)
        elif unit.parent_id is None or (root is not None and unit.pk == root.pk):
            roots.append(node)
        # else: the parent is inactive and filtered out, so the branch is hidden with it.
    return roots


def units_under(unit: OrgUnit, *, include_self: bool = True) -> QuerySet[OrgUnit]:
    """``unit`` and everything beneath it (one indexed prefix query)."""
    units = OrgUnit.objects.filter(path__startswith=unit.path)
    return units if include_self else units.exclude(pk=unit.pk)


def user_units(user: User) -> QuerySet[OrgUnit]:
    """The units ``user`` is a member of, primary first."""
    return OrgUnit.objects.filter(memberships__user=user).order_by("-memberships__is_primary", "path")


def primary_unit(user: User) -> OrgUnit | None:
    """The unit a person mainly works in (their earliest membership if none is marked primary)."""
    membership = Membership.objects.filter(user=user).select_related("org_unit").order_by("-is_primary", "pk").first()
    return membership.org_unit if membership is not None else None


def unit_members(unit: OrgUnit) -> QuerySet[Membership]:
    """Memberships in ``unit`` with person and position, leaders first."""
    return (
        Membership.objects.filter(org_unit=unit)
        .select_related("user", "position")
        .order_by("position__rank", "user__username")
    )
