"""The one permission API used by every view, API endpoint and service.

A permission is held through a role assigned at an org unit; it covers that unit, and the unit's whole
subtree when the assignment says ``include_subunits``. A user's assignments are read once and cached on
the user object, which Django builds afresh for every request, so each further check is a set lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from operator import or_
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from egov.kernel.access.permissions import AUDIT_PERMISSIONS, PERMISSIONS, permission_label
from egov.kernel.accounts.models import User
from egov.kernel.orgs.models import OrgUnit

_CACHE_ATTRIBUTE = "_egov_access_grants"

Actor = User | AnonymousUser


class AccessDenied(PermissionDenied):
    """Raised by :func:`require`; ``audited`` tells whether the denial is already in the audit log."""

    def __init__(self, *, user: Actor | None, perm: str, org_unit: OrgUnit | None = None, target: Any = None) -> None:
        super().__init__(f"您没有权限执行此操作：{permission_label(perm)}")
        self.user = user
        self.perm = perm
        self.org_unit = org_unit
        self.target = target
        self.audited = False


@dataclass(frozen=True)
class _Grant:
    permissions: frozenset[str]
    unit_id: int
    unit_path: str
    include_subunits: bool
    valid_until: datetime | None

    def is_current(self, now: datetime) -> bool:
        return self.valid_until is None or self.valid_until > now

    def covers(self, unit: OrgUnit) -> bool:
        if self.include_subunits:
            return unit.path.startswith(self.unit_path)
        return unit.pk == self.unit_id


def _check_known(perm: str) -> None:
    # A misspelt permission must fail loudly in tests, never quietly deny (or grant) in production.
    if perm not in PERMISSIONS:
        raise ValueError(f"unknown permission {perm!r}; register it in egov/kernel/access/permissions.py")


def _signed_in(user: Actor | None) -> User | None:
    """The account behind a check, or None for visitors and disabled accounts (who hold nothing)."""
    if isinstance(user, User) and user.is_active:
        return user
    return None


def _grants(user: User) -> list[_Grant]:
    cached: list[_Grant] | None = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        from egov.kernel.access.models import RoleAssignment

        rows = (
            RoleAssignment.objects.filter(user=user)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=timezone.now()))
            .values_list("role__permissions", "org_unit_id", "org_unit__path", "include_subunits", "valid_until")
        )
        cached = [
            _Grant(frozenset(perms), unit_id, path, subunits, until) for perms, unit_id, path, subunits, until in rows
        ]
        setattr(user, _CACHE_ATTRIBUTE, cached)
    now = timezone.now()
    return [grant for grant in cached if grant.is_current(now)]


def clear_cache(user: Actor) -> None:
    """Forget the cached assignments (after a role was granted or revoked within this request)."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def _superuser_holds(perm: str) -> bool:
    # Break-glass accounts (createsuperuser) can do everything except read the audit log (三员分立).
    return perm not in AUDIT_PERMISSIONS


def has_perm(user: Actor | None, perm: str, org_unit: OrgUnit | None = None) -> bool:
    """Does ``user`` hold ``perm`` at ``org_unit`` (or, with None, at any unit at all)?"""
    _check_known(perm)
    account = _signed_in(user)
    if account is None:
        return False
    if account.is_superuser:
        return _superuser_holds(perm)
    return any(perm in grant.permissions and (org_unit is None or grant.covers(org_unit)) for grant in _grants(account))


def _inside_transaction() -> bool:
    # Blocks opened by Django's TestCase only isolate tests; they are not the caller's transaction.
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def record_denial(exc: AccessDenied) -> None:
    """Write the denial to the audit log, once. Called after any transaction it happened in rolled back."""
    if exc.audited:
        return
    from egov.kernel.audit.services import audit_record

    audit_record(
        actor=exc.user,
        action="access.denied",
        result="denied",
        target=exc.target,
        org_unit=exc.org_unit,
        detail={"perm": exc.perm},
    )
    exc.audited = True


def require(user: Actor | None, perm: str, org_unit: OrgUnit | None = None, *, target: Any = None) -> None:
    """Raise :class:`AccessDenied` unless ``user`` holds ``perm`` at ``org_unit``.

    Outside a transaction the denial is audited at once; inside one it would be rolled back with the
    caller's work, so it is left to the web layer (middleware / API error handler) to record afterwards.
    """
    if has_perm(user, perm, org_unit):
        return
    exc = AccessDenied(user=user, perm=perm, org_unit=org_unit, target=target)
    if not _inside_transaction():
        record_denial(exc)
    raise exc


def units_with_perm(user: Actor | None, perm: str) -> QuerySet[OrgUnit]:
    """Every unit where ``user`` holds ``perm`` — one query, to scope list views and selectors."""
    _check_known(perm)
    account = _signed_in(user)
    if account is None:
        return OrgUnit.objects.none()
    if account.is_superuser:
        return OrgUnit.objects.all() if _superuser_holds(perm) else OrgUnit.objects.none()
    conditions = [
        Q(path__startswith=grant.unit_path) if grant.include_subunits else Q(pk=grant.unit_id)
        for grant in _grants(account)
        if perm in grant.permissions
    ]
    if not conditions:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(reduce(or_, conditions))


def perms_for(user: Actor | None) -> set[str]:
    """Every permission ``user`` holds somewhere (for menus; checks at a unit still go through has_perm)."""
    account = _signed_in(user)
    if account is None:
        return set()
    if account.is_superuser:
        return {perm for perm in PERMISSIONS if _superuser_holds(perm)}
    return set().union(*(grant.permissions for grant in _grants(account)))
