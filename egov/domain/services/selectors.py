"""Reads of the catalogue for the public hall. Only items with a published current version are public.

Query budget: a list page is one count + one page query; the guide is three queries (item + version +
unit, materials, fees) — themes are not shown on the guide.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet

from egov.domain.services.models import Audience, FeeItem, LifeEvent, Material, ServiceItem, Theme, VersionStatus
from egov.kernel.errors import NotFound, Rejected
from egov.kernel.orgs.models import OrgKind, OrgUnit

MAX_PAGE_SIZE = 50


def public_items() -> QuerySet[ServiceItem]:
    return ServiceItem.objects.filter(current_version__status=VersionStatus.PUBLISHED)


@dataclass(frozen=True)
class ItemFilter:
    audience: str = ""
    theme: str = ""
    life_event: str = ""
    org_unit: str = ""  # OrgUnit.code of the implementing department
    division: str = ""  # division code: 152200 (League level) or a county's code
    q: str = ""


def filtered_items(criteria: ItemFilter) -> QuerySet[ServiceItem]:
    items = public_items()
    if criteria.audience:
        items = items.filter(current_version__audience=criteria.audience)
    if criteria.theme:
        items = items.filter(current_version__themes__code=criteria.theme)
    if criteria.life_event:
        items = items.filter(current_version__life_events__code=criteria.life_event)
    if criteria.org_unit:
        items = items.filter(org_unit__code=criteria.org_unit)
    if criteria.division:
        items = items.filter(org_unit__division_code=criteria.division)
    if criteria.q:
        items = items.filter(name__icontains=criteria.q)
    return items.select_related("org_unit", "current_version").order_by("code")


def item_page(criteria: ItemFilter, *, page: int = 1, page_size: int = 20) -> Page[ServiceItem]:
    """One page of public items; bad paging is a ``Rejected`` with a Chinese message."""
    if criteria.audience and criteria.audience not in Audience.values:
        raise Rejected("audience", "服务对象应为 person（自然人）或 legal（法人）", field="audience")
    if page < 1:
        raise Rejected("page", "页码应从 1 开始", field="page")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise Rejected("page_size", f"每页条数应在 1 到 {MAX_PAGE_SIZE} 之间", field="page_size")
    paginator = Paginator(filtered_items(criteria), page_size)
    if page > max(paginator.num_pages, 1):
        raise Rejected("page", f"页码超出范围，共 {paginator.num_pages} 页", field="page")
    return paginator.page(page)


def themes_with_counts(audience: str) -> list[Theme]:
    """Themes of one audience, each with ``item_count`` of public items (one query)."""
    published = Q(versions__status=VersionStatus.PUBLISHED)
    return list(
        Theme.objects.filter(audience=audience).annotate(item_count=Count("versions", filter=published, distinct=True))
    )


def life_events_with_counts(audience: str | None = None) -> list[LifeEvent]:
    published = Q(versions__status=VersionStatus.PUBLISHED)
    events = LifeEvent.objects.all()
    if audience:
        events = events.filter(audience=audience)
    return list(events.annotate(item_count=Count("versions", filter=published, distinct=True)))


def departments_with_counts(division: str = "") -> list[OrgUnit]:
    """Implementing units that have public items, with ``item_count``; optionally within one division."""
    units = OrgUnit.objects.filter(service_items__current_version__status=VersionStatus.PUBLISHED)
    if division:
        units = units.filter(division_code=division)
    return list(units.annotate(item_count=Count("service_items", distinct=True)).order_by("path"))


def divisions_with_counts() -> list[tuple[str, str, int]]:
    """(division code, name, public item count) for the League level and every county, in tree order."""
    areas = list(OrgUnit.objects.filter(kind__in=[OrgKind.LEAGUE, OrgKind.COUNTY]).order_by("path"))
    counts = dict(
        public_items()
        .values_list("org_unit__division_code")
        .annotate(n=Count("pk"))
        .values_list("org_unit__division_code", "n")
    )
    return [(area.division_code, area.display_name, counts.get(area.division_code, 0)) for area in areas]


def item_guide(item_code: str) -> ServiceItem:
    """The public guide: item, current version and unit in one query, materials and fees prefetched (3 queries)."""
    item = (
        public_items()
        .select_related("org_unit", "current_version")
        .prefetch_related(
            Prefetch("current_version__materials", queryset=Material.objects.order_by("position")),
            Prefetch("current_version__fees", queryset=FeeItem.objects.order_by("position")),
        )
        .filter(code=item_code)
        .first()
    )
    if item is None:
        raise NotFound("item_not_found", "没有找到该办事事项，可能已调整或停止办理")
    return item
