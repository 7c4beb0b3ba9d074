"""Demo step "agency": agent rules for the demo agent (daiban_wlht, 乌兰浩特市政务服务中心), an agent for
every demo case applied for by a citizen or a business (not the staff-applied data-sharing requests), a short
conversation and a few evaluations of completed cases.

Idempotent: rules are matched by name, assignments and evaluations by case, messages by their text.
"""

from __future__ import annotations

from django.core.management.base import OutputWrapper
from django.db import transaction
from django.db.models import QuerySet

from egov.domain.agency.models import AgentAssignment, AgentRule, CaseMessage, Evaluation, Level
from egov.domain.agency.services import agent_assign, case_message_post, evaluation_submit
from egov.kernel.accounts.models import UserKind
from egov.kernel.orgs.demo import register_demo_step
from egov.kernel.orgs.models import OrgUnit
from egov.kernel.workflow.models import Case, CaseStatus

AGENT_UNIT = "152201-ZSJ"  # 乌兰浩特市政务服务与数据管理局: daiban_wlht holds the agent role here
#: name, county code (None: the whole League), priority
RULES = (
    ("乌兰浩特市全程代办", "152201", 10),
    ("其他旗县市及盟级事项（暂由乌兰浩特市政务服务中心代办）", None, 100),
)
QUESTION = "您好，请问我的申请现在办到哪一步了？"
ANSWER = "您好，您的办件已受理，正在相关部门会签，我会全程跟进，有进展第一时间告诉您。"


def _rules(agent_unit: OrgUnit) -> int:
    created = 0
    for name, county_code, priority in RULES:
        county = OrgUnit.objects.get(code=county_code) if county_code else None
        # Bootstrapping only (no acting administrator yet), as the workflow demo grants its roles.
        _rule, was_created = AgentRule.objects.get_or_create(
            name=name, defaults={"county": county, "agent_unit": agent_unit, "priority": priority}
        )
        created += int(was_created)
    return created


def _public_cases() -> QuerySet[Case]:
    """Cases the full-process agency serves: applied for by a person or a legal person, never by staff."""
    return Case.objects.filter(applicant__kind__in=(UserKind.PERSON, UserKind.LEGAL))


def load(stdout: OutputWrapper) -> None:
    agent_unit = OrgUnit.objects.filter(code=AGENT_UNIT).first()
    if agent_unit is None:
        stdout.write("全程代办：缺少乌兰浩特市政务服务与数据管理局，跳过")
        return
    with transaction.atomic():
        rules = _rules(agent_unit)
        assigned = evaluated = 0
        cases = _public_cases().exclude(agent_assignment__isnull=False)
        for case in cases.select_related("org_unit").order_by("pk"):
            if agent_assign(case=case, county=case.org_unit.county, theme_codes=list(case.data.get("themes", []))):
                assigned += 1
        running = (
            _public_cases()
            .filter(status=CaseStatus.OPEN, agent_assignment__isnull=False)
            .select_related("applicant", "agent_assignment__agent")
            .order_by("pk")
            .first()
        )
        if running is not None and not CaseMessage.objects.filter(case_id=running.pk, body=QUESTION).exists():
            assert running.applicant is not None
            case_message_post(actor=running.applicant, case=running, body=QUESTION)
            case_message_post(actor=running.agent_assignment.agent, case=running, body=ANSWER)
        completed = _public_cases().filter(status=CaseStatus.COMPLETED).select_related("applicant")
        for index, case in enumerate(completed.order_by("pk")[:5]):
            if case.applicant is None or Evaluation.objects.filter(case_id=case.pk).exists():
                continue
            level = (Level.VERY_SATISFIED, Level.SATISFIED, Level.DISSATISFIED)[index % 3]
            comment = {Level.DISSATISFIED: "材料要求前后说法不一致，多跑了一趟"}.get(
                level, "代办员服务热情，办事效率高"
            )
            evaluation_submit(actor=case.applicant, case=case, level=level, comment=comment)
            evaluated += 1
    total = AgentAssignment.objects.count()
    stdout.write(
        f"全程代办：新增分配规则 {rules} 条；新分配代办员 {assigned} 件（共 {total} 件）；新增评价 {evaluated} 条"
    )


register_demo_step("agency", load)
