"""Reads of the catalogue. The open data portal only ever sees :func:`portal_datasets`."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.domain.data import rows
from egov.domain.data.models import (
    ApplicationStatus,
    CatalogEntry,
    ChangeTrigger,
    DataTable,
    DataTheme,
    EntryReview,
    OpenDataApplication,
    OpenType,
    Resource,
    ReviewDecision,
    Tag,
    UpdateFrequency,
)
from egov.domain.data.rows import RowFilter, RowPage
from egov.kernel.access.policy import has_perm, units_with_perm
from egov.kernel.calendar.deadlines import beijing_today
from egov.kernel.errors import NotFound
from egov.kernel.orgs.models import OrgUnit


def portal_datasets() -> QuerySet[CatalogEntry]:
    """Entries published at least once and open without conditions: the datasets of the CKAN API and DCAT.
    A published entry whose change is under review stays in (the public sees the approved version; pending
    changes are kept apart in ``pending_changes``). Conditionally open entries stay out of CKAN: their
    files must not be downloadable by anyone (the HTML portal lists them, see :func:`portal_listing`)."""
    return CatalogEntry.objects.filter(version__gt=0, open_type=OpenType.OPEN)


def portal_listing() -> QuerySet[CatalogEntry]:
    """What the HTML portal lists: open and conditionally open entries published at least once."""
    return CatalogEntry.objects.filter(version__gt=0, open_type__in=[OpenType.OPEN, OpenType.CONDITIONAL])


def with_details(entries: QuerySet[CatalogEntry]) -> QuerySet[CatalogEntry]:
    """Everything a package dict needs, in a fixed number of queries."""
    return entries.select_related("provider", "theme").prefetch_related(
        "tags", "resources", "items", Prefetch("related", queryset=CatalogEntry.objects.only("pk", "name"))
    )


def _as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _dataset_lookup(id_or_name: str) -> Q:
    key = _as_uuid(id_or_name)
    return Q(pk=key) if key else Q(name=id_or_name)


def portal_dataset(id_or_name: str) -> CatalogEntry | None:
    """A portal dataset by its UUID or its name, with everything a DCAT graph reads."""
    return with_details(portal_datasets()).filter(_dataset_lookup(id_or_name)).first()


def portal_dataset_pk(id_or_name: str) -> uuid.UUID | None:
    """The id of a portal dataset given by its UUID or its name (the CKAN API builds the dict from values)."""
    return portal_datasets().filter(_dataset_lookup(id_or_name)).values_list("pk", flat=True).first()


def portal_resource(resource_id: str) -> Resource | None:
    key = _as_uuid(resource_id)
    if key is None:
        return None
    return Resource.objects.filter(pk=key, entry__in=portal_datasets()).select_related("entry").first()


def package_counts(field: str) -> dict[object, int]:
    """Portal dataset count per value of ``field`` (e.g. "provider", "theme")."""
    rows = portal_datasets().values(field).annotate(n=Count("pk")).values_list(field, "n")
    return dict(rows)


def portal_organizations() -> QuerySet[OrgUnit]:
    """Units providing at least one portal dataset."""
    return OrgUnit.objects.filter(pk__in=portal_datasets().values("provider")).order_by("code")


def portal_organization(id_or_name: str) -> OrgUnit | None:
    """A providing unit by its CKAN name (the lower-case unit code) or its numeric id."""
    units = portal_organizations()
    if id_or_name.isdigit():
        return units.filter(pk=int(id_or_name)).first()
    return units.filter(code__iexact=id_or_name).first()


def portal_themes() -> QuerySet[DataTheme]:
    return DataTheme.objects.order_by("name")


def portal_tags() -> QuerySet[Tag]:
    return Tag.objects.filter(entries__in=portal_datasets()).distinct().order_by("name")


# --- loaded data ----------------------------------------------------------------------------------


def current_table(entry: CatalogEntry) -> DataTable | None:
    """The current load (data version) behind ``entry``, or None when no table has been loaded."""
    return DataTable.objects.filter(entry=entry, is_current=True).first()


def rows_query(
    entry: CatalogEntry,
    *,
    columns: Sequence[str] | None = None,
    filters: Sequence[RowFilter] = (),
    cursor: str | None = None,
    limit: int = rows.DEFAULT_LIMIT,
) -> RowPage:
    """Rows of the current load behind ``entry`` (no permission check: callers decide who may see what).

    ``columns``: data item names to return (None = all); ``filters``: :class:`RowFilter` (item name, operator,
    text value), ANDed; ``cursor``: ``next_cursor`` of the previous page; ``limit``: 1…1000.
    Raises ``NotFound`` when no data is loaded, ``Rejected`` for bad input, ``Conflict`` for a stale cursor.
    """
    table = current_table(entry)
    if table is None:
        raise NotFound("no_data", _("该数据目录尚未加载数据"))
    return rows.rows_query(table, columns=columns, filters=filters, cursor=cursor, limit=limit)


# --- the HTML portal ----------------------------------------------------------------------------------

#: Facets of the dataset list: query parameter → (label, ORM field, display field or None).
PORTAL_FACETS: dict[str, tuple[str, str, str | None]] = {
    "provider": ("提供单位", "provider__code", "provider__name"),
    "theme": ("主题", "theme__name", "theme__title"),
    "format": ("数据格式", "data_format", None),
    "frequency": ("更新频率", "update_frequency", None),
}


@dataclass(frozen=True)
class PortalFilter:
    q: str = ""
    provider: str = ""
    theme: str = ""
    format: str = ""
    frequency: str = ""

    def selected(self) -> dict[str, str]:
        return {key: getattr(self, key) for key in PORTAL_FACETS if getattr(self, key)}


def portal_search(criteria: PortalFilter) -> QuerySet[CatalogEntry]:
    entries = portal_listing()
    for key, value in criteria.selected().items():
        entries = entries.filter(**{PORTAL_FACETS[key][1]: value})
    for term in criteria.q.split()[:5]:
        entries = entries.filter(Q(title__icontains=term) | Q(summary__icontains=term) | Q(code__icontains=term))
    return entries.select_related("provider", "theme").order_by("-modified_at", "pk")


def portal_facets(entries: QuerySet[CatalogEntry]) -> list[dict[str, Any]]:
    """Per facet, its values with the number of matching datasets (most first)."""
    frequency_labels = dict(UpdateFrequency.choices)
    facets = []
    for key, (label, value_field, display_field) in PORTAL_FACETS.items():
        fields = [value_field, display_field] if display_field else [value_field]
        counted = entries.order_by().values(*fields).annotate(n=Count("pk")).order_by("-n", value_field)
        values = []
        for row in counted:
            value = row[value_field]
            if value in (None, ""):
                continue
            display = row[display_field] if display_field else frequency_labels.get(value, value)
            values.append({"value": value, "label": str(display), "count": row["n"]})
        facets.append({"key": key, "label": label, "values": values})
    return facets


def portal_entry(name: str) -> CatalogEntry | None:
    return (
        portal_listing()
        .filter(name=name)
        .select_related("provider", "theme")
        .prefetch_related("items", "tags", "resources")
        .first()
    )


def approved_application(user: Any, entry: CatalogEntry) -> OpenDataApplication | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        OpenDataApplication.objects.filter(
            entry=entry,
            applicant=user,
            status=ApplicationStatus.APPROVED,
            valid_until__gte=timezone.localdate(),
        )
        .order_by("-valid_until")
        .first()
    )


def can_use_data(user: Any, entry: CatalogEntry) -> bool:
    """May ``user`` see and download the rows of a portal dataset? Open: everyone. Conditionally open: holders
    of an approved, unexpired application, and the provider's own data managers."""
    if entry.version == 0:
        return False
    if entry.open_type == OpenType.OPEN:
        return True
    if entry.open_type != OpenType.CONDITIONAL:
        return False
    return approved_application(user, entry) is not None or has_perm(user, "data.manage", entry.provider)


# --- the office ---------------------------------------------------------------------------------------


def office_entries(user: Any) -> QuerySet[CatalogEntry]:
    """Entries of the units where ``user`` manages data."""
    return (
        CatalogEntry.objects.filter(provider__in=units_with_perm(user, "data.manage"))
        .select_related("provider", "theme")
        .order_by("-modified_at", "pk")
    )


def review_queue(user: Any) -> QuerySet[EntryReview]:
    """Pending reviews over units where ``user`` holds "data.review", the earliest due first."""
    return (
        EntryReview.objects.filter(
            decision=ReviewDecision.PENDING, entry__provider__in=units_with_perm(user, "data.review")
        )
        .select_related("entry", "entry__provider", "submitted_by")
        .order_by("due_date", "pk")
    )


def open_triggers(units: QuerySet[OrgUnit]) -> QuerySet[ChangeTrigger]:
    """Unresolved change triggers of entries of ``units``, the earliest due first (overdue ones on top)."""
    return (
        ChangeTrigger.objects.filter(resolved_at__isnull=True, entry__provider__in=units)
        .select_related("entry", "entry__provider")
        .order_by("due_date", "pk")
    )


def is_overdue(due: dt.date) -> bool:
    return due < beijing_today()


def pending_applications(user: Any) -> QuerySet[OpenDataApplication]:
    return (
        OpenDataApplication.objects.filter(entry__provider__in=units_with_perm(user, "data.manage"))
        .select_related("entry", "applicant")
        .order_by("status", "-created_at")
    )
