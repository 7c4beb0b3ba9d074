"""Writes of the agency app: agent rules and assignment, 催办, case messages, 好差评 and 整改.

Every function checks permission through the access layer, runs in one transaction, writes one audit entry
last and sends notifications only after the commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.domain.agency.models import (
    BAD_LEVELS,
    AgentAssignment,
    AgentReassignment,
    AgentRule,
    AssignmentMiss,
    CaseMessage,
    Evaluation,
    FollowUp,
    Level,
    MessageSide,
    Rectification,
    RectificationStatus,
)
from egov.kernel.access.policy import has_perm, require
from egov.kernel.accounts.models import User
from egov.kernel.audit.services import audit_record
from egov.kernel.calendar.deadlines import add_days, beijing_today, chinese_date
from egov.kernel.errors import Conflict, Rejected
from egov.kernel.orgs.models import OrgKind, OrgUnit
from egov.kernel.workflow.models import (
    ACTIVE_ITEM_STATUSES,
    Case,
    CaseStatus,
    SupervisionRecord,
    WorkItem,
)

AGENT_PERM = "services.agent"
RECTIFY_PERM = "services.rectify"
SUPERVISE_PERM = "workflow.supervise"
CONFIGURE_PERMS = ("system.configure", "services.manage_catalogue")
ACTIVE_CASE_STATUSES = (CaseStatus.OPEN, CaseStatus.SUSPENDED)
MESSAGE_MAX = 2000
COMMENT_MAX = 500
#: 差评整改 deadline in working days (STANDARDS.md §5: set locally, commonly 5–15; default 15).
DEFAULT_RECTIFICATION_DAYS = 15


def rectification_days() -> int:
    return int(getattr(settings, "AGENCY_RECTIFICATION_WORKING_DAYS", DEFAULT_RECTIFICATION_DAYS))


# --- helpers ------------------------------------------------------------------------------------------


def league_unit() -> OrgUnit | None:
    """The root of the org tree (the League), where rule configuration rights are held."""
    return OrgUnit.objects.filter(parent__isnull=True, kind=OrgKind.LEAGUE).order_by("pk").first()


def may_configure(user: User) -> bool:
    league = league_unit()
    return league is not None and any(has_perm(user, perm, league) for perm in CONFIGURE_PERMS)


def _require_configure(actor: User) -> None:
    if not may_configure(actor):
        require(actor, CONFIGURE_PERMS[0], league_unit())


def _roles_with(perm: str) -> list[str]:
    from egov.kernel.access.models import Role

    return [code for code, perms in Role.objects.values_list("code", "permissions") if perm in (perms or [])]


def agents_of(unit: OrgUnit) -> list[User]:
    """Active people who hold an agent role (one with ``services.agent``) at ``unit`` or above it with
    sub-units included."""
    from egov.kernel.workflow.services import queue_members

    people: dict[int, User] = {}
    for role in _roles_with(AGENT_PERM):
        people.update({user.pk: user for user in queue_members(unit, role)})
    return sorted(people.values(), key=lambda user: user.pk)


def rectifiers_of(unit: OrgUnit) -> list[User]:
    from egov.kernel.workflow.services import queue_members

    people: dict[int, User] = {}
    for role in _roles_with(RECTIFY_PERM):
        people.update({user.pk: user for user in queue_members(unit, role)})
    return list(people.values())


#: ids per UPDATE when copying case fields (SQLite allows 32,766 variables; PostgreSQL plans stay small)
_SYNC_BATCH = 2000


def sync_case_copies(case_ids: Sequence[int]) -> int:
    """Copy status, light and watched due date of these cases onto their assignments (a workflow case
    watcher: the kernel calls it inside every transaction that changes them, the daily sweep included).
    One correlated UPDATE per batch of ids; returns the number of assignments updated."""
    case = Case.objects.filter(pk=OuterRef("case_id"))
    updated = 0
    ids = list(case_ids)
    for start in range(0, len(ids), _SYNC_BATCH):
        updated += AgentAssignment.objects.filter(case_id__in=ids[start : start + _SYNC_BATCH]).update(
            case_status=Subquery(case.values("status")[:1]),
            case_light=Subquery(case.values("light")[:1]),
            case_due_on=Subquery(case.values("watch_due_on")[:1]),
        )
    return updated


def open_case_counts(agent_ids: Iterable[int]) -> dict[int, int]:
    """agent id → cases assigned to them that are still running (open or suspended)."""
    rows = (
        AgentAssignment.objects.filter(agent_id__in=list(agent_ids), case_status__in=ACTIVE_CASE_STATUSES)
        .values("agent_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["agent_id"]: row["n"] for row in rows}


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # the other zone's URLs are not mounted in this process
        return ""


def _send(recipients: Sequence[User], event: str, context: dict[str, Any], related: Any, url: str = "") -> None:
    from egov.kernel.notify.services import notify

    if recipients:
        notify(recipients=recipients, event=event, context=context, related=related, url=url)


def _notify_on_commit(
    recipients: Sequence[User], event: str, context: dict[str, Any], related: Any, url: str = ""
) -> None:
    transaction.on_commit(partial(_send, list(recipients), event, context, related, url))


def _case_context(case: Case) -> dict[str, Any]:
    return {"case_number": case.number, "case_title": case.title}


def _lock_case(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("org_unit", "applicant").get(pk=case.pk)


def _clean_theme_codes(theme_codes: Iterable[str]) -> list[str]:
    codes = sorted({code.strip() for code in theme_codes if code and code.strip()})
    for code in codes:
        if len(code) > 40 or not code.replace("-", "").replace("_", "").isalnum():
            raise Rejected(
                "theme_code_invalid", _("主题代码“%(code)s”格式不正确") % {"code": code}, field="theme_codes"
            )
    return codes


# --- rules --------------------------------------------------------------------------------------------


@transaction.atomic
def agent_rule_save(
    *,
    actor: User,
    rule: AgentRule | None = None,
    name: str,
    county: OrgUnit | None,
    theme_codes: Sequence[str],
    agent_unit: OrgUnit,
    priority: int,
    is_active: bool = True,
) -> AgentRule:
    """Create (``rule`` None) or change a rule. Needs system.configure or services.manage_catalogue at the League."""
    _require_configure(actor)
    name = (name or "").strip()
    if not name:
        raise Rejected("name_required", _("请填写规则名称"), field="name")
    if not 0 <= priority <= 1000:
        raise Rejected("priority_invalid", _("优先级须为 0 至 1000 的整数"), field="priority")
    if county is not None and county.kind not in (OrgKind.COUNTY, OrgKind.LEAGUE):
        raise Rejected("county_invalid", _("适用地区须为盟或旗县市"), field="county")
    codes = _clean_theme_codes(theme_codes)
    creating = rule is None
    rule = AgentRule() if rule is None else AgentRule.objects.select_for_update().get(pk=rule.pk)
    rule.name = name[:100]
    rule.county = county
    rule.theme_codes = codes
    rule.agent_unit = agent_unit
    rule.priority = priority
    rule.is_active = is_active
    rule.save()
    audit_record(
        actor=actor,
        action="agency.rule_create" if creating else "agency.rule_update",
        target=rule,
        target_repr=rule.name,
        org_unit=agent_unit,
        detail={"county": county.code if county else "", "themes": codes, "priority": priority, "active": is_active},
    )
    return rule


@transaction.atomic
def agent_rule_delete(*, actor: User, rule: AgentRule) -> None:
    _require_configure(actor)
    name, unit = rule.name, rule.agent_unit
    AgentRule.objects.filter(pk=rule.pk).delete()
    audit_record(actor=actor, action="agency.rule_delete", target_repr=name, org_unit=unit)


def _rule_matches(rule: AgentRule, county: OrgUnit | None, themes: set[str]) -> bool:
    if rule.county is not None and (county is None or not county.is_within(rule.county)):
        return False
    return not rule.theme_codes or bool(themes & set(rule.theme_codes))


# --- assignment ---------------------------------------------------------------------------------------


@transaction.atomic
def agent_assign(*, case: Case, county: OrgUnit | None, theme_codes: list[str]) -> AgentAssignment | None:
    """Give a newly submitted case its agent (a system action, inside the submitting transaction).

    Rules are tried by priority; among the agents of the first priority level that has any, the one with
    the fewest open cases wins (ties: the longest-serving account, i.e. the smallest id). The matching rules
    are locked first, so two cases submitted at the same moment never both see the same counts. No agent:
    the miss is recorded for administrators and None returned. Calling it again returns the assignment.
    """
    existing = AgentAssignment.objects.filter(case_id=case.pk).select_related("agent").first()
    if existing is not None:
        return existing
    themes = set(theme_codes)
    rules = list(AgentRule.objects.filter(is_active=True).select_related("county", "agent_unit"))
    matching = [rule for rule in rules if _rule_matches(rule, county, themes)]
    levels = sorted({rule.priority for rule in matching})
    chosen: tuple[User, AgentRule] | None = None
    for level in levels:
        level_rules = [rule for rule in matching if rule.priority == level]
        list(AgentRule.objects.select_for_update().filter(pk__in=[rule.pk for rule in level_rules]).order_by("pk"))
        candidates: dict[int, tuple[User, AgentRule]] = {}
        for rule in level_rules:
            for agent in agents_of(rule.agent_unit):
                candidates.setdefault(agent.pk, (agent, rule))
        if candidates:
            counts = open_case_counts(candidates)
            best = min(candidates, key=lambda pk: (counts.get(pk, 0), pk))
            chosen = candidates[best]
            break
    if chosen is None:
        AssignmentMiss.objects.update_or_create(
            case=case, defaults={"county": county, "theme_codes": sorted(themes), "at": timezone.now()}
        )
        audit_record(
            actor=None,
            action="agency.assign_none",
            target=case,
            target_repr=case.number,
            org_unit=case.org_unit,
            result="failure",
            detail={"county": county.code if county else "", "themes": sorted(themes)},
        )
        return None
    agent, rule = chosen
    AssignmentMiss.objects.filter(case_id=case.pk).delete()
    assignment = AgentAssignment.objects.create(
        case=case,
        agent=agent,
        agent_unit=rule.agent_unit,
        rule=rule,
        case_started_at=case.started_at,
        case_status=case.status,
        case_light=case.light,
        case_due_on=case.watch_due_on,
    )
    audit_record(
        actor=None,
        action="agency.assign",
        target=case,
        target_repr=case.number,
        org_unit=rule.agent_unit,
        detail={"agent": agent.username, "rule": rule.pk},
    )
    _notify_assignment(assignment, case)
    return assignment


@transaction.atomic
def agent_assign_retry(*, actor: User, miss: AssignmentMiss) -> AgentAssignment | None:
    """Try a case no rule could place again, under the rules as they are now (after an administrator fixed
    them). Needs the rule configuration rights; the case's county and themes are those recorded at submit."""
    _require_configure(actor)
    miss = AssignmentMiss.objects.select_for_update(of=("self",)).select_related("case", "county").get(pk=miss.pk)
    case = miss.case
    if not case.is_active:
        raise Conflict("case_state", _("该办件%(status)s，无需分配代办员") % {"status": case.get_status_display()})
    assignment = agent_assign(case=case, county=miss.county, theme_codes=list(miss.theme_codes))
    audit_record(
        actor=actor, action="agency.assign_retry", target=case, target_repr=case.number, org_unit=case.org_unit
    )
    return assignment


def _notify_assignment(assignment: AgentAssignment, case: Case) -> None:
    context = {**_case_context(case), "agent": assignment.agent.display_name, "agent_unit": str(assignment.agent_unit)}
    _notify_on_commit([assignment.agent], "agency.assigned", context, case, _url("agency:dashboard"))
    if case.applicant is not None:
        _notify_on_commit(
            [case.applicant], "agency.agent_for_applicant", context, case, _url("agency:case_messages", case.number)
        )


def may_supervise_agents(user: User, unit: OrgUnit) -> bool:
    return has_perm(user, SUPERVISE_PERM, unit)


@transaction.atomic
def agent_reassign(*, actor: User, assignment: AgentAssignment, to_agent: User, reason: str) -> AgentAssignment:
    """改派: a supervisor of the agents' unit (workflow.supervise there) moves a case to another agent."""
    assignment = AgentAssignment.objects.select_for_update().select_related("agent_unit", "case").get(pk=assignment.pk)
    require(actor, SUPERVISE_PERM, assignment.agent_unit, target=assignment.case)
    reason = (reason or "").strip()
    if not reason:
        raise Rejected("reason_required", _("请填写改派原因"), field="reason")
    if to_agent.pk == assignment.agent_id:
        raise Rejected("same_agent", _("新代办员与原代办员相同"), field="to_agent")
    if to_agent.pk not in {agent.pk for agent in agents_of(assignment.agent_unit)}:
        raise Rejected("not_an_agent", _("所选人员不是本机构的代办员"), field="to_agent")
    if not assignment.case.is_active:
        raise Conflict("case_state", _("该办件%(status)s，无需改派") % {"status": assignment.case.get_status_display()})
    previous = assignment.agent
    AgentReassignment.objects.create(
        assignment=assignment, from_agent=previous, to_agent=to_agent, by=actor, reason=reason[:300]
    )
    assignment.agent = to_agent
    assignment.assigned_at = timezone.now()
    assignment.save(update_fields=["agent", "assigned_at"])
    audit_record(
        actor=actor,
        action="agency.reassign",
        target=assignment.case,
        target_repr=assignment.case.number,
        org_unit=assignment.agent_unit,
        detail={"from": previous.username, "to": to_agent.username},
    )
    _notify_assignment(assignment, assignment.case)
    return assignment


def current_agent_id(case: Case) -> int | None:
    return AgentAssignment.objects.filter(case_id=case.pk).values_list("agent_id", flat=True).first()


def is_case_agent(user: User, case: Case) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return AgentAssignment.objects.filter(case_id=case.pk, agent_id=user.pk).exists()


def agency_may_view_case(user: User, case: Case) -> bool:
    """The case-view rule registered with the workflow kernel: the current agent sees the whole case across
    every department, and so does whoever supervises the agents of the agent's unit (for 改派). One query."""
    if not getattr(user, "is_authenticated", False):
        return False
    row = (
        AgentAssignment.objects.filter(case_id=case.pk)
        .values_list("agent_id", "agent_unit_id", "agent_unit__path")
        .first()
    )
    if row is None:
        return False
    agent_id, unit_id, unit_path = row
    # has_perm only needs the unit's id and path; the user's grants are cached, so no further query
    return agent_id == user.pk or has_perm(user, SUPERVISE_PERM, OrgUnit(pk=unit_id, path=unit_path))


# --- 催办 -----------------------------------------------------------------------------------------------


def agency_may_chase(user: User, case: Case) -> bool:
    """The chase rule registered with the workflow kernel: the case's current agent, holding the agent role,
    may urge its steps (supervisors of the case's unit may anyway)."""
    return current_agent_id(case) == getattr(user, "pk", None) and has_perm(user, AGENT_PERM)


def case_chase(*, actor: User, item: WorkItem, note: str = "") -> SupervisionRecord:
    """催办: the case's agent (or a supervisor of its unit) urges the people holding a step that is due soon
    (黄灯) or overdue (红灯).

    Goes through the kernel (``work_item_chase``): permission (``agency_may_chase`` or 督办 rights at the case's
    unit), the once-per-step-per-day rule, the supervision record on the case timeline and the audit entry are
    the kernel's; this adds the agent's wording of the message sent to the step's assignees or queue.
    """
    from egov.kernel.workflow.services import work_item_chase

    note = (note or "").strip()[:500]
    # The agent, or a supervisor of the case's unit (督办) — the message says which, not always 代办员.
    chaser = _("代办员") if current_agent_id(item.case) == actor.pk else _("督办人员")
    text = _("%(chaser)s催办") % {"chaser": chaser} + (f"：{note}" if note else "")
    return work_item_chase(
        actor=actor,
        item=item,
        note=text,
        event="agency.chase",
        context={"agent": actor.display_name, "chaser": chaser, "note": note},
    )


# --- case messages ------------------------------------------------------------------------------------


def message_side(user: User, case: Case) -> str | None:
    """Which side of the conversation ``user`` is on, or None when they take no part in it."""
    from egov.kernel.workflow.selectors import can_view_case

    if not getattr(user, "is_authenticated", False):
        return None
    if case.applicant_id == user.pk:
        return MessageSide.APPLICANT
    if is_case_agent(user, case):
        return MessageSide.AGENT
    if getattr(user, "is_staff_member", False) and can_view_case(user, case):
        return MessageSide.HANDLER
    return None


@transaction.atomic
def case_message_post(*, actor: User, case: Case, body: str) -> CaseMessage:
    """A message between the applicant and the agent (and the handlers); the other side is notified."""
    case = _lock_case(case)
    side = message_side(actor, case)
    if side is None:
        require(actor, "workflow.view_all", case.org_unit, target=case)
        side = MessageSide.HANDLER
    body = (body or "").strip()
    if not body:
        raise Rejected("body_required", _("请填写留言内容"), field="body")
    if len(body) > MESSAGE_MAX:
        raise Rejected("body_too_long", _("留言内容不能超过 %(n)s 个字") % {"n": MESSAGE_MAX}, field="body")
    message = CaseMessage.objects.create(case=case, author=actor, side=side, body=body)
    context = {**_case_context(case), "author": _("申请人") if side == MessageSide.APPLICANT else actor.display_name}
    if side == MessageSide.APPLICANT:
        assignment = AgentAssignment.objects.filter(case_id=case.pk).select_related("agent").first()
        if assignment is not None:
            staff = [assignment.agent]
        else:
            from egov.kernel.workflow.services import item_recipients

            items = WorkItem.objects.filter(case=case, status__in=ACTIVE_ITEM_STATUSES).select_related(
                "assignee", "queue_org_unit"
            )
            staff = list({user.pk: user for item in items for user in item_recipients(item)}.values())
        _notify_on_commit(staff, "agency.message", context, case, _url("agency:case", case.number))
    else:
        recipients = [case.applicant] if case.applicant is not None else []
        _notify_on_commit(recipients, "agency.message", context, case, _url("agency:case_messages", case.number))
        agent_id = current_agent_id(case)
        if side == MessageSide.HANDLER and agent_id is not None and agent_id != actor.pk:
            agent = User.objects.get(pk=agent_id)
            _notify_on_commit([agent], "agency.message", context, case, _url("agency:case", case.number))
    audit_record(
        actor=actor,
        action="agency.message_post",
        target=case,
        target_repr=case.number,
        org_unit=case.org_unit,
        detail={"side": side, "length": len(body)},
    )
    return message


# --- 好差评 and 整改 -------------------------------------------------------------------------------------


def pending_re_evaluation(case: Case) -> Rectification | None:
    """The completed rectification the applicant has not re-evaluated yet, if any."""
    return Rectification.objects.filter(case_id=case.pk, status=RectificationStatus.COMPLETED).order_by("-pk").first()


@transaction.atomic
def evaluation_submit(
    *, actor: User, case: Case, level: int, comment: str = "", item_code: str = "", item_name: str = ""
) -> Evaluation:
    """一事一评: the applicant evaluates a completed case once; after each rectification once more (回访复评).

    A bad review (不满意 / 非常不满意) opens a rectification at the case's unit, due in 15 working days
    (configurable: AGENCY_RECTIFICATION_WORKING_DAYS).
    """
    case = _lock_case(case)
    if case.applicant_id is None or case.applicant_id != actor.pk:
        require(actor, "workflow.view_all", case.org_unit, target=case)  # records the denial
        raise Rejected("not_applicant", _("只有该办件的申请人可以评价"))
    if case.status != CaseStatus.COMPLETED:
        raise Rejected("case_not_completed", _("办件办结后才能评价"))
    if level not in Level.values:
        raise Rejected("level_invalid", _("请选择评价等级"), field="level")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise Rejected("comment_too_long", _("评价内容不能超过 %(n)s 个字") % {"n": COMMENT_MAX}, field="comment")
    first = Evaluation.objects.filter(case_id=case.pk, follows__isnull=True).first()
    follows: Rectification | None = None
    if first is not None:
        follows = pending_re_evaluation(case)
        if follows is None:
            raise Conflict("already_evaluated", _("该办件已评价，不能重复评价"))
        follows = Rectification.objects.select_for_update().get(pk=follows.pk)
    if not item_code and first is not None:
        item_code, item_name = first.item_code, first.item_name
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                case=case,
                applicant=actor,
                org_unit=case.org_unit,
                level=level,
                comment=comment,
                item_code=item_code[:64],
                item_name=(item_name or case.title)[:200],
                follows=follows,
            )
    except IntegrityError:
        raise Conflict("already_evaluated", _("该办件已评价，不能重复评价")) from None
    if follows is not None:
        follows.status = RectificationStatus.CLOSED
        follows.save(update_fields=["status"])
    rectification = None
    if level in BAD_LEVELS:
        today = beijing_today()
        rectification = Rectification.objects.create(
            evaluation=evaluation,
            case=case,
            org_unit=case.org_unit,
            opened_on=today,
            due_on=add_days(today, rectification_days()).due,
        )
        context = {
            **_case_context(case),
            "level": Level(level).label,
            "deadline": chinese_date(rectification.due_on),
        }
        _notify_on_commit(
            rectifiers_of(case.org_unit),
            "agency.rectification_opened",
            context,
            rectification,
            _url("agency:rectification", rectification.pk),
        )
    audit_record(
        actor=actor,
        action="agency.re_evaluate" if follows is not None else "agency.evaluate",
        target=case,
        target_repr=case.number,
        org_unit=case.org_unit,
        detail={"level": level, "rectification": rectification.pk if rectification else None},
    )
    return evaluation


def _lock_rectification(actor: User, rectification: Rectification) -> Rectification:
    rectification = (
        Rectification.objects.select_for_update().select_related("org_unit", "case").get(pk=rectification.pk)
    )
    require(actor, RECTIFY_PERM, rectification.org_unit, target=rectification.case)
    return rectification


@transaction.atomic
def rectification_follow_up(*, actor: User, rectification: Rectification, note: str) -> FollowUp:
    """整改跟进: record a verification, a call to the applicant or a measure taken."""
    rectification = _lock_rectification(actor, rectification)
    note = (note or "").strip()
    if not note:
        raise Rejected("note_required", _("请填写跟进情况"), field="note")
    if len(note) > MESSAGE_MAX:
        raise Rejected("note_too_long", _("跟进情况不能超过 %(n)s 个字") % {"n": MESSAGE_MAX}, field="note")
    if rectification.status != RectificationStatus.OPEN:
        raise Conflict("rectification_state", _("该整改已完成，不能再添加跟进记录"))
    follow_up = FollowUp.objects.create(rectification=rectification, by=actor, note=note)
    audit_record(
        actor=actor,
        action="agency.rectification_follow_up",
        target=rectification,
        target_repr=rectification.case.number,
        org_unit=rectification.org_unit,
    )
    return follow_up


@transaction.atomic
def rectification_complete(*, actor: User, rectification: Rectification, result: str) -> Rectification:
    """整改完成: the result is recorded and the applicant is asked to evaluate again (回访复评)."""
    rectification = _lock_rectification(actor, rectification)
    result = (result or "").strip()
    if not result:
        raise Rejected("result_required", _("请填写整改情况"), field="result")
    if len(result) > MESSAGE_MAX:
        raise Rejected("result_too_long", _("整改情况不能超过 %(n)s 个字") % {"n": MESSAGE_MAX}, field="result")
    if rectification.status != RectificationStatus.OPEN:
        raise Conflict("rectification_state", _("该整改已完成"))
    if not FollowUp.objects.filter(rectification=rectification).exists():
        raise Rejected("follow_up_required", _("请先填写至少一条跟进记录（核实情况、联系申请人）"))
    rectification.status = RectificationStatus.COMPLETED
    rectification.result = result
    rectification.completed_by = actor
    rectification.completed_on = beijing_today()
    rectification.save(update_fields=["status", "result", "completed_by", "completed_on"])
    case = rectification.case
    if case.applicant_id is not None:
        applicant = User.objects.get(pk=case.applicant_id)
        _notify_on_commit(
            [applicant],
            "agency.rectified",
            {**_case_context(case), "result": result},
            rectification,
            _url("agency:evaluate", case.number),
        )
    audit_record(
        actor=actor,
        action="agency.rectification_complete",
        target=rectification,
        target_repr=case.number,
        org_unit=rectification.org_unit,
        detail={"on_time": rectification.on_time},
    )
    return rectification
