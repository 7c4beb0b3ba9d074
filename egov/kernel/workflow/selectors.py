"""Reads for the staff workbench. Lists query only the indexed case tables; a workflow state is deserialized
only for one case page's diagram (``passed_elements``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Literal

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _
from SpiffWorkflow.exceptions import WorkflowException

from egov.kernel.access.policy import has_perm, require
from egov.kernel.accounts.models import User
from egov.kernel.errors import NotFound, Rejected
from egov.kernel.orgs.models import OrgUnit
from egov.kernel.workflow import engine
from egov.kernel.workflow.models import (
    ACTIVE_ITEM_STATUSES,
    Case,
    ClockEvent,
    Light,
    SupervisionRecord,
    WorkItem,
    WorkItemStatus,
)

WorklistKind = Literal["todo", "done", "started", "warned"]
WORKLIST_KINDS: tuple[WorklistKind, ...] = ("todo", "warned", "done", "started")
logger = logging.getLogger(__name__)
DONE_STATUSES = (WorkItemStatus.COMPLETED, WorkItemStatus.RETURNED, WorkItemStatus.TRANSFERRED)
MAX_PAGE_SIZE = 100

#: sort key → ORDER BY, per list; the first entry of each is the default.
SORTS: dict[str, dict[str, tuple[str, ...]]] = {
    "todo": {"due": ("due_on", "id"), "newest": ("-created_at", "-id"), "oldest": ("created_at", "id")},
    "warned": {"due": ("due_on", "id"), "newest": ("-created_at", "-id")},
    "done": {"newest": ("-completed_at", "-id"), "oldest": ("completed_at", "id")},
    "started": {"newest": ("-started_at", "-id"), "oldest": ("started_at", "id"), "due": ("watch_due_on", "id")},
}


@dataclass(frozen=True)
class WorklistFilters:
    process_key: str = ""
    org_unit: OrgUnit | None = None
    light: str = ""
    since: date | None = None
    until: date | None = None


_QUEUES_ATTRIBUTE = "_egov_workflow_queues"


def _queues(user: User) -> dict[str, set[int]]:
    """role code → the unit ids whose queues for that role this user serves (sub-units included when granted).

    One statement (the grants joined to the sub-units they cover), cached on the user object, which Django
    builds afresh for every request (as the access layer does)."""
    from egov.kernel.access.models import Role, RoleAssignment

    cached: dict[str, set[int]] | None = getattr(user, _QUEUES_ATTRIBUTE, None)
    if cached is not None:
        return cached
    sql = (
        "SELECT r.code, a.org_unit_id, s.id "  # noqa: S608 - table names from the models, values as parameters
        f"FROM {RoleAssignment._meta.db_table} a "
        f"JOIN {Role._meta.db_table} r ON r.id = a.role_id "
        f"JOIN {OrgUnit._meta.db_table} u ON u.id = a.org_unit_id "
        f"LEFT JOIN {OrgUnit._meta.db_table} s ON a.include_subunits AND s.path LIKE u.path || '%%' "
        "WHERE a.user_id = %s AND (a.valid_until IS NULL OR a.valid_until > %s)"
    )
    queues: dict[str, set[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, connection.ops.adapt_datetimefield_value(timezone.now())])
        for role, unit_id, subunit_id in cursor.fetchall():
            units = queues.setdefault(role, set())
            units.add(unit_id)
            if subunit_id is not None:
                units.add(subunit_id)
    setattr(user, _QUEUES_ATTRIBUTE, queues)
    return queues


def _todo_parts(user: User) -> list[Q]:
    """The disjoint parts of a user's 待办: items assigned to them, then per role the unclaimed items of the
    queues they serve (each part is one range of an index: ``wf_item_assignee`` or ``wf_item_queue_open``)."""
    parts = [Q(assignee_id=user.pk, status__in=ACTIVE_ITEM_STATUSES)]
    for role, unit_ids in sorted(_queues(user).items()):
        parts.append(
            Q(
                assignee__isnull=True,
                status=WorkItemStatus.OPEN,
                queue_role=role,
                queue_org_unit_id__in=sorted(unit_ids),
            )
        )
    return parts


def todo_condition(user: User) -> Q:
    """Items assigned to the user, plus unclaimed items waiting in any queue the user serves."""
    condition = Q()
    for part in _todo_parts(user):
        condition |= part
    return condition


def _done_condition(user: User) -> Q:
    return Q(completed_by_id=user.pk, status__in=DONE_STATUSES)


def _warned(condition: Q) -> Q:
    return condition & Q(light__in=[Light.YELLOW, Light.RED])


def _bounds(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(since, time.min, tzinfo=tz) if since else None
    end = datetime.combine(until, time.max, tzinfo=tz) if until else None
    return start, end


def _filtered(queryset: QuerySet[Any], filters: WorklistFilters, *, on_case: bool, date_field: str) -> QuerySet[Any]:
    prefix = "" if on_case else "case__"
    if filters.process_key:
        queryset = queryset.filter(process_key=filters.process_key)
    if filters.org_unit is not None:
        queryset = queryset.filter(**{f"{prefix}org_unit": filters.org_unit})
    if filters.light:
        if filters.light not in Light.values:
            raise Rejected("light_invalid", _("监察状态只能是正常、预警或超期"), field="light")
        queryset = queryset.filter(light=filters.light)
    start, end = _bounds(filters.since, filters.until)
    if start:
        queryset = queryset.filter(**{f"{date_field}__gte": start})
    if end:
        queryset = queryset.filter(**{f"{date_field}__lte": end})
    return queryset


def _worklist_query(
    user: User, kind: str, filters: WorklistFilters | None, sort: str, page: int, page_size: int
) -> tuple[QuerySet[Any], tuple[str, ...]]:
    if kind not in SORTS:
        raise Rejected("worklist_kind", _("未知的列表类型"), field="kind")
    if sort and sort not in SORTS[kind]:
        raise Rejected("worklist_sort", _("不支持的排序方式"), field="sort")
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise Rejected(
            "worklist_page", _("页码须为正整数，每页不超过 %(size)s 条") % {"size": MAX_PAGE_SIZE}, field="page"
        )
    order = SORTS[kind][sort] if sort else next(iter(SORTS[kind].values()))
    filters = filters or WorklistFilters()
    if kind == "started":
        queryset = _filtered(Case.objects.filter(started_by_id=user.pk), filters, on_case=True, date_field="started_at")
        return queryset, order
    conditions = {"todo": todo_condition, "warned": lambda u: _warned(todo_condition(u)), "done": _done_condition}
    date_field = "completed_at" if kind == "done" else "created_at"
    queryset = _filtered(WorkItem.objects.filter(conditions[kind](user)), filters, on_case=False, date_field=date_field)
    return queryset, order


#: What a list row carries (select_related) and what it never ships: the serialized workflow, the business data
#: and the BPMN text are the widest columns by far. A work item row reads only what the lists show (views._item_row:
#: the case's number, title and owner link, the unit's name, the assignee's name): at 20 rows a page, building
#: the full related models was a third of the list's time.
_ITEM_RELATED = ("case", "org_unit", "assignee")
_ITEM_ONLY = (
    *(field.name for field in WorkItem._meta.concrete_fields),
    "case__number",
    "case__title",
    "case__subject_type",
    "case__subject_id",
    "case__subject_repr",
    "org_unit__name",
    "org_unit__short_name",
    "assignee__kind",
    "assignee__username",
    "assignee__real_name",
    "assignee__organization_name",
)
_CASE_RELATED = ("org_unit", "definition")
_CASE_DEFERRED = ("state", "data", "definition__bpmn_xml", "definition__dmn_xml")


def _todo_page_ids(
    user: User, kind: str, filters: WorklistFilters | None, order: tuple[str, ...], offset: int, limit: int
) -> RawSQL | None:
    """PostgreSQL: the ids of one page of 待办 / 超期预警 as a UNION ALL of its parts (:func:`_todo_parts`), each
    ordered and cut to ``offset + limit`` on its own index, then merged. The OR of the parts in one WHERE is a
    bitmap over both indexes that visits the heap row of every item in the list (800 rows of a busy queue at 1M
    cases) before the sort; the parts are ordered index scans that stop after a page. SQLite (no LIMIT inside a
    compound SELECT, and its OR plan is cheap at its scale) keeps the plain sub-select."""
    if connection.vendor != "postgresql" or kind not in ("todo", "warned"):
        return None
    names = [field.lstrip("-") for field in order]
    branches: list[str] = []
    params: list[Any] = []
    for part in _todo_parts(user):
        branch = WorkItem.objects.filter(_warned(part) if kind == "warned" else part)
        branch = _filtered(branch, filters or WorklistFilters(), on_case=False, date_field="created_at")
        sql, values = (
            branch.order_by(*order)
            .values_list(*dict.fromkeys(["id", *names]))[: offset + limit]
            .query.sql_with_params()
        )
        branches.append(f"({sql})")
        params.extend(values)
    sort = ", ".join(
        f"{name} {'DESC' if field.startswith('-') else 'ASC'}" for field, name in zip(order, names, strict=True)
    )
    union = " UNION ALL ".join(branches)
    sql = f"SELECT id FROM ({union}) page ORDER BY {sort} LIMIT {limit} OFFSET {offset}"  # noqa: S608 - see below
    return RawSQL(sql, params)  # noqa: S611 - the branches are compiled querysets, the names come from SORTS


def _page(
    user: User,
    kind: str,
    filters: WorklistFilters | None,
    queryset: QuerySet[Any],
    order: tuple[str, ...],
    total: int,
    page: int,
    page_size: int,
) -> list[Any]:
    """One page of ``user``'s list ``kind`` in one statement. The ids of the page are chosen first in a
    sub-select that touches only the work item (or case) table and its indexes (:func:`_todo_page_ids` where it
    applies); the joins and the wide rows are read for those ids only, not for every row of a long list before
    the sort."""
    offset = (page - 1) * page_size
    if offset >= total:
        return []
    chosen: RawSQL | QuerySet[Any] | None = _todo_page_ids(user, kind, filters, order, offset, page_size)
    if chosen is None:
        chosen = queryset.order_by(*order).values("pk")[offset : offset + page_size]
    rows: QuerySet[Any] = (
        Case.objects.select_related(*_CASE_RELATED).defer(*_CASE_DEFERRED)
        if queryset.model is Case
        else WorkItem.objects.select_related(*_ITEM_RELATED).only(*_ITEM_ONLY)
    )
    return list(rows.filter(pk__in=chosen).order_by(*order))


def worklist(
    user: User,
    kind: WorklistKind = "todo",
    *,
    filters: WorklistFilters | None = None,
    sort: str = "",
    page: int = 1,
    page_size: int = 20,
) -> tuple[list[Any], int]:
    """One page of a staff member's list and the total it is a page of.

    todo / warned / done give ``WorkItem`` rows (with the columns of ``case``, ``org_unit`` and ``assignee``
    that the lists show, see ``_ITEM_ONLY``); started gives ``Case`` rows (cases this person started).
    """
    queryset, order = _worklist_query(user, kind, filters, sort, page, page_size)
    total = queryset.count()
    rows = _page(user, kind, filters, queryset, order, total, page, page_size)
    return rows, total


@dataclass(frozen=True)
class WorklistPage:
    rows: list[Any]
    total: int
    counts: dict[str, int]
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def worklist_page(
    user: User,
    kind: WorklistKind = "todo",
    *,
    filters: WorklistFilters | None = None,
    sort: str = "",
    page: int = 1,
    page_size: int = 20,
) -> WorklistPage:
    """What the workbench shows: one page of a list plus the badge counts of every list. Without filters
    the list's total is its badge count, so that is not counted twice."""
    queryset, order = _worklist_query(user, kind, filters, sort, page, page_size)
    counts = worklist_counts(user)
    unfiltered = filters is None or filters == WorklistFilters()
    total = counts[kind] if unfiltered else queryset.count()
    rows = _page(user, kind, filters, queryset, order, total, page, page_size)
    return WorklistPage(rows, total, counts, page, page_size)


def _count(table: str, where: str) -> str:
    return f"(SELECT COUNT(*) FROM {table} WHERE {where})"  # noqa: S608 - fixed conditions, values as parameters


def worklist_counts(user: User) -> dict[str, int]:
    """The badge numbers of every list, in one statement (after the user's queues, read once per request).

    Each number is a sum of counts over disjoint index ranges: the items assigned to the user, and per role
    the unclaimed items of the queues they serve, are separate ranges of ``wf_item_assignee`` and of the
    partial ``wf_item_queue_open`` (both carry ``light`` for 预警); done items are a range of ``wf_item_done``
    (which carries ``status``) and started cases one of ``wf_case_started_by``. On PostgreSQL every count is
    an index-only scan, so no heap row of a long list is visited (a bitmap over an OR of the conditions would
    fetch all of them)."""
    items, cases = WorkItem._meta.db_table, Case._meta.db_table
    active = "status IN ('open', 'claimed')"
    queued = "assignee_id IS NULL AND status = 'open' AND queue_role = %s AND queue_org_unit_id IN"
    todo_parts: list[tuple[str, list[Any]]] = [(f"assignee_id = %s AND {active}", [user.pk])]
    for role, unit_ids in sorted(_queues(user).items()):
        placeholders = ", ".join(["%s"] * len(unit_ids))
        todo_parts.append((f"{queued} ({placeholders})", [role, *sorted(unit_ids)]))
    warned = "light IN ('yellow', 'red')"
    done_statuses = ", ".join(f"'{status}'" for status in DONE_STATUSES)
    todo_sql = " + ".join(_count(items, where) for where, _params in todo_parts)
    warned_sql = " + ".join(_count(items, f"{where} AND {warned}") for where, _params in todo_parts)
    params = [value for _where, values in todo_parts for value in values]
    sql = (
        f"SELECT {todo_sql}, {warned_sql}, "
        f"{_count(items, f'completed_by_id = %s AND status IN ({done_statuses})')}, "
        f"{_count(cases, 'started_by_id = %s')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *params, user.pk, user.pk])
        todo, warned_count, done, started = cursor.fetchone()
    return {"todo": todo, "warned": warned_count, "done": done, "started": started}


# --- one case -----------------------------------------------------------------------------------------

#: Extra "may see this case" rules registered by domain apps in their ``AppConfig.ready()`` (the kernel never
#: imports the domain): e.g. the full-process agent (代办员) of a case sees it across every department.
#: Each rule is ``(user, case) -> bool`` and must be cheap (one indexed query at most).
CASE_VIEW_RULES: list[Callable[[User, Case], bool]] = []


def register_case_view_rule(rule: Callable[[User, Case], bool]) -> None:
    if rule not in CASE_VIEW_RULES:
        CASE_VIEW_RULES.append(rule)


def _participated(user: User, case: Case) -> bool:
    return (
        WorkItem.objects.filter(case=case)
        .filter(Q(assignee_id=user.pk) | Q(completed_by_id=user.pk) | Q(sent_by_id=user.pk))
        .exists()
        or WorkItem.objects.filter(case=case).filter(todo_condition(user)).exists()
    )


def can_view_case(user: User, case: Case) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if case.applicant_id == user.pk:
        return True
    return (
        has_perm(user, "workflow.view_all", case.org_unit)
        or has_perm(user, "workflow.handle", case.org_unit)
        or _participated(user, case)
        or any(rule(user, case) for rule in CASE_VIEW_RULES)
    )


def case_for_user(user: User, case_number: str) -> Case:
    """The case if this person may see it: its applicant, a handler or viewer in its unit, or anyone who
    has (or had) one of its work items. Denials go through the access layer (and its audit)."""
    case = (
        Case.objects.select_related("org_unit", "definition", "applicant", "started_by")
        .filter(number=case_number)
        .first()
    )
    if case is None:
        raise NotFound("case_not_found", _("办件不存在"))
    if not can_view_case(user, case):
        require(user, "workflow.view_all", case.org_unit, target=case)
    return case


def work_item_for_user(user: User, item_id: int) -> WorkItem:
    item = WorkItem.objects.select_related("case", "case__org_unit", "org_unit", "assignee").filter(pk=item_id).first()
    if item is None:
        raise NotFound("work_item_not_found", _("待办不存在"))
    if not can_view_case(user, item.case):
        require(user, "workflow.view_all", item.case.org_unit, target=item.case)
    return item


def available_actions(user: User, item: WorkItem) -> set[str]:
    """Which buttons the case page should offer this person on this item (the services still decide)."""
    if not item.is_active or item.case.status != "open" or not has_perm(user, "workflow.handle", item.org_unit):
        return {"withdraw"} if item.is_active and item.sent_by_id == user.pk and item.opened_at is None else set()
    actions: set[str] = set()
    mine = item.assignee_id == user.pk
    queued_to_me = (
        item.assignee_id is None and WorkItem.objects.filter(pk=item.pk).filter(todo_condition(user)).exists()
    )
    if queued_to_me:
        actions |= {"claim", "complete", "return", "transfer"}
    if mine:
        actions |= {"complete", "return", "transfer", "delegate"}
        if item.status == WorkItemStatus.CLAIMED and item.queue_org_unit_id is not None:
            actions.add("unclaim")
    if item.sent_by_id == user.pk and item.opened_at is None:
        actions.add("withdraw")
    return actions


def returnable_steps(case: Case) -> list[tuple[str, str]]:
    """Steps the case already passed (退回 targets) as (step, title), most recent first."""
    seen: dict[str, str] = {}
    rows = WorkItem.objects.filter(case=case, status=WorkItemStatus.COMPLETED).order_by("-completed_at", "-pk")
    for step, title in rows.values_list("step", "title"):
        seen.setdefault(step, title)
    return list(seen.items())


def passed_elements(case: Case) -> set[str]:
    """BPMN element ids of the case's diagram it has passed (steps, gateways, events, rule tasks), read from
    its workflow state; the completed steps alone when the state cannot be read."""
    try:
        return engine.completed_elements(engine.load(case.definition, case.state))
    except (WorkflowException, KeyError, TypeError, ValueError):
        logger.warning("case %s: workflow state unreadable for the diagram", case.number, exc_info=True)
        return {step for step, _title in returnable_steps(case)}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: Literal["item", "clock", "supervision"]
    title: str
    actor: str
    detail: str
    obj: Any


def case_timeline(case: Case) -> list[TimelineEntry]:
    """Steps, clock events and 督办 merged in time order: the case's full history on one page."""
    entries: list[TimelineEntry] = []
    items = WorkItem.objects.filter(case=case).select_related("completed_by", "assignee", "org_unit")
    for item in items:
        who = item.completed_by or item.assignee
        label = f"{item.title}（{item.get_status_display()}）"
        detail = "；".join(part for part in (item.outcome, item.opinion) if part)
        entries.append(
            TimelineEntry(
                item.completed_at or item.created_at, "item", label, who.display_name if who else "", detail, item
            )
        )
    for event in ClockEvent.objects.filter(case=case).select_related("actor", "approved_by"):
        parts = [event.reason]
        if event.days:
            parts.append(f"{event.days}{event.get_unit_display()}")
        if event.approved_by:
            parts.append(f"批准人：{event.approved_by.display_name}")
        if event.due_on_after:
            parts.append(f"到期日：{event.due_on_after:%Y-%m-%d}")
        entries.append(
            TimelineEntry(
                event.at,
                "clock",
                event.get_kind_display(),
                event.actor.display_name if event.actor else "",
                "；".join(part for part in parts if part),
                event,
            )
        )
    for record in SupervisionRecord.objects.filter(case=case).select_related("by"):
        entries.append(
            TimelineEntry(
                record.at,
                "supervision",
                record.get_level_display(),
                record.by.display_name if record.by else "系统",
                record.note,
                record,
            )
        )
    entries.sort(key=lambda entry: (entry.at, entry.kind))
    return entries
