"""Reads of the agency app: the agent dashboard, the conversation of a case, 好差评 figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Literal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.domain.agency.models import (
    SATISFIED_LEVELS,
    AgentAssignment,
    AgentRule,
    AssignmentMiss,
    CaseMessage,
    Evaluation,
    Level,
    Rectification,
    RectificationStatus,
)
from egov.domain.agency.services import ACTIVE_CASE_STATUSES, RECTIFY_PERM, SUPERVISE_PERM
from egov.kernel.access.policy import units_with_perm
from egov.kernel.accounts.models import User
from egov.kernel.errors import Rejected
from egov.kernel.orgs.models import OrgUnit
from egov.kernel.workflow.models import ACTIVE_ITEM_STATUSES, Case, CaseStatus, Light, WorkItem

MAX_PAGE_SIZE = 100
#: sort key → ORDER BY on the assignment rows (the first is the default)
DASHBOARD_SORTS: dict[str, tuple[str, ...]] = {
    "newest": ("-case_started_at", "-pk"),
    "oldest": ("case_started_at", "pk"),
    "due": ("case_due_on", "pk"),
}
STATE_FILTERS = ("active", "completed", "all")
DashboardScope = Literal["mine", "team"]


@dataclass(frozen=True)
class DashboardFilters:
    state: str = "active"  # active | completed | all
    light: str = ""
    number: str = ""
    agent: User | None = None  # team view only


@dataclass
class DashboardRow:
    assignment: AgentAssignment
    case: Case
    steps: list[WorkItem] = field(default_factory=list)


@dataclass(frozen=True)
class DashboardPage:
    rows: list[DashboardRow]
    total: int
    counts: dict[str, int]
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def team_units(user: User) -> QuerySet[OrgUnit]:
    """Agent units whose agents this person supervises (workflow.supervise there)."""
    return units_with_perm(user, SUPERVISE_PERM)


def _base(user: User, scope: DashboardScope) -> QuerySet[AgentAssignment]:
    if scope == "team":
        return AgentAssignment.objects.filter(agent_unit__in=team_units(user).values("pk"))
    return AgentAssignment.objects.filter(agent_id=user.pk)


def dashboard(
    user: User,
    *,
    scope: DashboardScope = "mine",
    filters: DashboardFilters | None = None,
    sort: str = "",
    page: int = 1,
    page_size: int = 20,
) -> DashboardPage:
    """One page of an agent's cases (``mine``) or of every agent this person supervises (``team``), with
    each case's running steps and the counts per traffic light of the running cases.

    Four queries whatever the page size: counts, total, the page (assignments + cases + units + agents), the
    running steps of the page's cases.
    """
    filters = filters or DashboardFilters()
    if sort and sort not in DASHBOARD_SORTS:
        raise Rejected("sort_invalid", _("不支持的排序方式"), field="sort")
    if filters.state not in STATE_FILTERS:
        raise Rejected("state_invalid", _("办件状态只能是办理中、已办结或全部"), field="state")
    if filters.light and filters.light not in Light.values:
        raise Rejected("light_invalid", _("监察状态只能是正常、预警或超期"), field="light")
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise Rejected(
            "page_invalid", _("页码须为正整数，每页不超过 %(size)s 条") % {"size": MAX_PAGE_SIZE}, field="page"
        )
    base = _base(user, scope)
    if scope == "team" and filters.agent is not None:
        base = base.filter(agent_id=filters.agent.pk)
    active = Q(case_status__in=ACTIVE_CASE_STATUSES)
    counts = base.aggregate(
        active=Count("pk", filter=active),
        green=Count("pk", filter=active & Q(case_light=Light.GREEN)),
        yellow=Count("pk", filter=active & Q(case_light=Light.YELLOW)),
        red=Count("pk", filter=active & Q(case_light=Light.RED)),
    )
    queryset = base
    if filters.state == "active":
        queryset = queryset.filter(active)
    elif filters.state == "completed":
        queryset = queryset.exclude(active)
    if filters.light:
        queryset = queryset.filter(case_light=filters.light)
    if filters.number:
        queryset = queryset.filter(case__number=filters.number.strip())
    unfiltered = filters.state == "active" and not filters.light and not filters.number
    total = counts["active"] if unfiltered else queryset.count()
    offset = (page - 1) * page_size
    assignments: list[AgentAssignment] = []
    if offset < total:
        order = DASHBOARD_SORTS[sort] if sort else next(iter(DASHBOARD_SORTS.values()))
        assignments = list(
            queryset.select_related("case", "case__org_unit", "agent").order_by(*order)[offset : offset + page_size]
        )
    rows = {assignment.case_id: DashboardRow(assignment, assignment.case) for assignment in assignments}
    if rows:
        items = (
            WorkItem.objects.filter(case_id__in=list(rows), status__in=ACTIVE_ITEM_STATUSES)
            .select_related("org_unit", "assignee")
            .order_by("created_at", "pk")
        )
        for item in items:
            rows[item.case_id].steps.append(item)
    return DashboardPage(list(rows.values()), total, counts, page, page_size)


def assignment_for_case(case: Case) -> AgentAssignment | None:
    return (
        AgentAssignment.objects.filter(case_id=case.pk)
        .select_related("agent", "agent_unit", "rule")
        .prefetch_related("reassignments__from_agent", "reassignments__to_agent", "reassignments__by")
        .first()
    )


def active_steps(case: Case) -> list[WorkItem]:
    return list(
        WorkItem.objects.filter(case=case, status__in=ACTIVE_ITEM_STATUSES)
        .select_related("org_unit", "assignee", "queue_org_unit")
        .order_by("created_at", "pk")
    )


def case_messages(case: Case) -> list[CaseMessage]:
    return list(CaseMessage.objects.filter(case_id=case.pk).select_related("author").order_by("created_at", "pk"))


def rules() -> list[AgentRule]:
    return list(AgentRule.objects.select_related("county", "agent_unit").order_by("priority", "pk"))


def unassigned_cases(limit: int = 50) -> list[AssignmentMiss]:
    return list(
        AssignmentMiss.objects.exclude(case__in=AgentAssignment.objects.values("case_id")).select_related(
            "case", "county"
        )[:limit]
    )


def agent_loads(agent_ids: list[int]) -> dict[int, int]:
    from egov.domain.agency.services import open_case_counts

    return open_case_counts(agent_ids)


# --- 好差评 -----------------------------------------------------------------------------------------------


def evaluations_for_case(case: Case) -> list[Evaluation]:
    return list(Evaluation.objects.filter(case_id=case.pk).order_by("created_at", "pk"))


def rectification_units(user: User) -> QuerySet[OrgUnit]:
    return units_with_perm(user, RECTIFY_PERM)


def figure_units(user: User) -> QuerySet[OrgUnit]:
    """Units whose 好差评 figures this person may read: where they rectify or read the leaders' analysis."""
    ids = set(units_with_perm(user, RECTIFY_PERM).values_list("pk", flat=True))
    ids |= set(units_with_perm(user, "insight.view").values_list("pk", flat=True))
    return OrgUnit.objects.filter(pk__in=ids)


def rectifications(user: User, *, status: str = "open", limit: int = 200) -> list[Rectification]:
    queryset = Rectification.objects.filter(org_unit__in=rectification_units(user).values("pk"))
    if status:
        if status not in RectificationStatus.values:
            raise Rejected("status_invalid", _("未知的整改状态"), field="status")
        queryset = queryset.filter(status=status)
    return list(queryset.select_related("case", "org_unit", "evaluation").order_by("due_on", "pk")[:limit])


def rectification_for_user(user: User, pk: int) -> Rectification | None:
    return (
        Rectification.objects.filter(pk=pk, org_unit__in=rectification_units(user).values("pk"))
        .select_related("case", "org_unit", "evaluation", "completed_by")
        .prefetch_related("follow_ups__by")
        .first()
    )


@dataclass
class FigureRow:
    """One row of the monthly table: a unit or a service item."""

    key: str
    name: str
    levels: dict[int, int] = field(default_factory=lambda: dict.fromkeys(Level.values, 0))
    rectifications: int = 0
    rectified: int = 0
    rectified_on_time: int = 0

    @property
    def total(self) -> int:
        return sum(self.levels.values())

    @property
    def satisfied(self) -> int:
        return sum(self.levels[level] for level in SATISFIED_LEVELS)

    @property
    def satisfaction_rate(self) -> float | None:
        """满意率 = (非常满意 + 满意 + 基本满意) / 评价总数."""
        return self.satisfied / self.total if self.total else None

    @property
    def on_time_rate(self) -> float | None:
        """整改按时率 = 按期完成的整改 / 本月发起的整改."""
        return self.rectified_on_time / self.rectifications if self.rectifications else None


@dataclass(frozen=True)
class MonthlyFigures:
    year: int
    month: int
    by_unit: list[FigureRow]
    by_item: list[FigureRow]
    totals: FigureRow


def _month_bounds(year: int, month: int) -> tuple[datetime, datetime, date, date]:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Rejected("month_invalid", _("请选择正确的年月"), field="month")
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(first, time.min, tzinfo=tz),
        datetime.combine(following, time.min, tzinfo=tz),
        first,
        following,
    )


def monthly_figures(user: User, year: int, month: int) -> MonthlyFigures:
    """Per unit and per service item for one month: first evaluations per level, 满意率, and the
    rectifications opened that month with how many were completed on time. Only units in ``figure_units``."""
    start, end, first, following = _month_bounds(year, month)
    unit_ids = list(figure_units(user).values_list("pk", flat=True))
    evaluations = (
        Evaluation.objects.filter(
            org_unit_id__in=unit_ids, follows__isnull=True, created_at__gte=start, created_at__lt=end
        )
        .values("org_unit_id", "org_unit__name", "item_code", "item_name", "level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    units: dict[str, FigureRow] = {}
    items: dict[str, FigureRow] = {}
    totals = FigureRow("", _("合计"))
    for row in evaluations:
        unit = units.setdefault(str(row["org_unit_id"]), FigureRow(str(row["org_unit_id"]), row["org_unit__name"]))
        item_key = row["item_code"] or row["item_name"]
        item = items.setdefault(item_key, FigureRow(row["item_code"], row["item_name"]))
        for target in (unit, item, totals):
            target.levels[row["level"]] += row["n"]
    opened = (
        Rectification.objects.filter(org_unit_id__in=unit_ids, opened_on__gte=first, opened_on__lt=following)
        .select_related("org_unit", "evaluation")
        .only("org_unit__name", "evaluation__item_code", "evaluation__item_name", "completed_on", "due_on")
    )
    for rectification in opened:
        unit = units.setdefault(
            str(rectification.org_unit_id), FigureRow(str(rectification.org_unit_id), rectification.org_unit.name)
        )
        evaluation = rectification.evaluation
        item_key = evaluation.item_code or evaluation.item_name
        item = items.setdefault(item_key, FigureRow(evaluation.item_code, evaluation.item_name))
        for target in (unit, item, totals):
            target.rectifications += 1
            if rectification.completed_on is not None:
                target.rectified += 1
                if rectification.completed_on <= rectification.due_on:
                    target.rectified_on_time += 1
    return MonthlyFigures(
        year=year,
        month=month,
        by_unit=sorted(units.values(), key=lambda row: row.name),
        by_item=sorted(items.values(), key=lambda row: (row.key, row.name)),
        totals=totals,
    )


def case_evaluation_state(case: Case) -> dict[str, Any]:
    """What the applicant's evaluate page needs: may they evaluate now, and what they said before."""
    from egov.domain.agency.services import pending_re_evaluation

    evaluations = evaluations_for_case(case)
    pending = pending_re_evaluation(case) if evaluations else None
    return {
        "completed": case.status == CaseStatus.COMPLETED,
        "evaluations": evaluations,
        "pending_rectification": pending,
        "may_evaluate": case.status == CaseStatus.COMPLETED and (not evaluations or pending is not None),
    }
