"""Reads of the catalogue for the public hall. Only items with a published current version are public.

Query budget: a list page is one count + one page query; the guide is three queries (item + version +
unit, materials, fees) — themes are not shown on the guide.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet

from egov.domain.services.models import (
    SUBJECT_TYPE,
    Application,
    ApplicationStatus,
    Audience,
    FeeItem,
    LifeEvent,
    Material,
    ServiceItem,
    Theme,
    VersionStatus,
)
from egov.kernel.access.policy import has_perm, units_with_perm
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


# --- applications (办件) ----------------------------------------------------------------------------------


def my_applications(user: Any) -> QuerySet[Application]:
    """The signed-in applicant's applications, drafts included, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Application.objects.none()
    return (
        Application.objects.filter(applicant=user)
        .select_related("item", "org_unit", "case")
        .defer("case__state")  # the engine's serialised workflow: large, not shown
        .order_by("-created_at")
    )


def my_application(user: Any, case_number: str) -> Application:
    application = my_applications(user).select_related("case", "version").filter(case_number=case_number).first()
    if application is None:
        raise NotFound("application_not_found", "没有找到该办件")
    return application


def my_draft(user: Any, application_id: Any) -> Application:
    application = my_applications(user).select_related("version").filter(pk=application_id).first()
    if application is None:
        raise NotFound("application_not_found", "没有找到该申请")
    return application


def office_applications(user: Any, *, status: str = "", q: str = "") -> QuerySet[Application]:
    """Submitted applications of the units where ``user`` may accept (services.accept), and those whose case
    has a step waiting for or done by ``user`` (a joint department's review), scoped in the query."""
    from egov.kernel.workflow.models import WorkItem
    from egov.kernel.workflow.selectors import todo_condition

    units = units_with_perm(user, "services.accept")
    steps = WorkItem.objects.filter(todo_condition(user) | Q(completed_by_id=user.pk)).values("case_id")
    rows = (
        Application.objects.filter(Q(org_unit__in=units) | Q(case_id__in=steps))
        .exclude(status=ApplicationStatus.DRAFT)
        .select_related("item", "org_unit", "case")
    )
    if status:
        rows = rows.filter(status=status)
    if q:
        rows = rows.filter(Q(case_number__icontains=q) | Q(item__name__icontains=q))
    return rows.order_by("-submitted_at")


def office_application(user: Any, application_id: Any) -> Application:
    """One submitted application for staff: its unit's acceptors, and whoever may view its case (the joint
    departments' handlers, the agent, supervisors). Anything else is "not found"."""
    from egov.kernel.workflow.selectors import can_view_case

    application = (
        Application.objects.exclude(status=ApplicationStatus.DRAFT)
        .select_related("item", "org_unit", "case", "version", "applicant")
        .filter(pk=application_id)
        .first()
    )
    if application is None or application.case is None:
        raise NotFound("application_not_found", "没有找到该申请")
    if not (has_perm(user, "services.accept", application.org_unit) or can_view_case(user, application.case)):
        raise NotFound("application_not_found", "没有找到该申请")
    return application


def application_by_case(case: Any) -> Application | None:
    if getattr(case, "subject_type", "") != SUBJECT_TYPE:
        return None
    return Application.objects.filter(pk=case.subject_id).first()


def progress_lookup(*, case_number: str, query_code: str = "", id_number: str = "") -> Application:
    """Progress without signing in: case number + query code, or + the applicant's ID number."""
    from egov.domain.services.apply import ID_PURPOSE
    from egov.kernel.crypto import blind_index

    case_number, query_code, id_number = case_number.strip().upper(), query_code.strip().upper(), id_number.strip()
    not_found = NotFound("progress_not_found", "办件编号与查询码（或身份证号码）不匹配，请核对后重试")
    if not case_number or not (query_code or id_number):
        raise Rejected("progress_required", "请填写办件编号，以及查询码或申请人身份证号码")
    application = (
        Application.objects.exclude(status=ApplicationStatus.DRAFT)
        .select_related("item", "org_unit", "case")
        .defer("case__state")
        .filter(case_number=case_number)
        .first()
    )
    if application is None:
        raise not_found
    if query_code:
        if not secrets.compare_digest(application.query_code, query_code):
            raise not_found
    elif not application.id_index or not secrets.compare_digest(
        application.id_index, blind_index(id_number, purpose=ID_PURPOSE)
    ):
        raise not_found
    return application
