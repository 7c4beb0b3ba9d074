"""Reads of the catalogue. The open data portal only ever sees :func:`portal_datasets`."""

from __future__ import annotations

import uuid

from django.db.models import Count, Q, QuerySet

from egov.domain.data.models import CatalogEntry, DataTheme, EntryStatus, OpenType, Resource, Tag
from egov.kernel.orgs.models import OrgUnit


def portal_datasets() -> QuerySet[CatalogEntry]:
    """Published entries open without conditions: the datasets of the public portal. Conditionally open entries
    stay out until the application flow exists (their files must not be downloadable by anyone)."""
    return CatalogEntry.objects.filter(status=EntryStatus.PUBLISHED, open_type=OpenType.OPEN)


def with_details(entries: QuerySet[CatalogEntry]) -> QuerySet[CatalogEntry]:
    """Everything a package dict needs, in a fixed number of queries."""
    return entries.select_related("provider", "theme").prefetch_related("tags", "resources", "items", "related")


def _as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def portal_dataset(id_or_name: str) -> CatalogEntry | None:
    """A portal dataset by its UUID or its name."""
    key = _as_uuid(id_or_name)
    lookup = Q(pk=key) if key else Q(name=id_or_name)
    return with_details(portal_datasets()).filter(lookup).first()


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
