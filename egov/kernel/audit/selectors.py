"""Reading the audit log for auditors: scoped by where the reader holds ``audit.view``, newest first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from egov.kernel.access.policy import Actor, units_with_perm
from egov.kernel.accounts.models import User
from egov.kernel.audit.models import AuditEntry
from egov.kernel.orgs.models import OrgUnit


@dataclass(frozen=True)
class AuditFilters:
    actor_username: str = ""
    action: str = ""
    result: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    org_unit: OrgUnit | None = None


@dataclass(frozen=True)
class EntryPage:
    entries: list[AuditEntry]
    newer_than: int | None  # id for the "newer" link, None on the newest page
    older_than: int | None  # id for the "older" link, None on the oldest page


def _start_of_local_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def entries_visible_to(user: Actor) -> QuerySet[AuditEntry]:
    """Everything for an auditor covering the whole tree; else only entries of the units they audit.
    Entries without a unit (sign-ins, system events) are platform-wide, so only whole-tree auditors see them."""
    units = units_with_perm(user, "audit.view")
    entries = AuditEntry.objects.all()
    if units.count() == OrgUnit.objects.count():
        return entries
    return entries.filter(org_unit_id__in=units.values("pk"))


def filter_entries(entries: QuerySet[AuditEntry], filters: AuditFilters) -> QuerySet[AuditEntry]:
    if filters.actor_username:
        actor_id = User.objects.filter(username=filters.actor_username).values_list("pk", flat=True).first()
        entries = (
            entries.filter(actor_id=actor_id)
            if actor_id is not None
            else entries.filter(actor_username=filters.actor_username)
        )
    if filters.action:
        entries = entries.filter(action__startswith=filters.action)
    if filters.result:
        entries = entries.filter(result=filters.result)
    if filters.date_from:
        entries = entries.filter(created_at__gte=_start_of_local_day(filters.date_from))
    if filters.date_to:
        entries = entries.filter(created_at__lt=_start_of_local_day(filters.date_to + dt.timedelta(days=1)))
    if filters.org_unit:
        entries = entries.filter(org_unit_id=filters.org_unit.pk)
    return entries


def entry_page(
    entries: QuerySet[AuditEntry], *, older_than: int | None = None, newer_than: int | None = None, size: int = 50
) -> EntryPage:
    """Keyset paging on the id (the chain order): constant cost on any page of a table of any size."""
    if newer_than is not None:
        rows = list(entries.filter(id__gt=newer_than).order_by("id")[: size + 1])
        has_newer = len(rows) > size
        rows = rows[:size][::-1]
        return EntryPage(rows, rows[0].id if rows and has_newer else None, rows[-1].id if rows else None)
    page_entries = entries.filter(id__lt=older_than) if older_than is not None else entries
    rows = list(page_entries.order_by("-id")[: size + 1])
    has_older = len(rows) > size
    rows = rows[:size]
    newer = rows[0].id if rows and older_than is not None else None
    return EntryPage(rows, newer, rows[-1].id if rows and has_older else None)
