"""Demo step "workflow": publish the demo process, add the people its steps need, and start a few cases at
different steps so the workbench shows real 待办 (run by ``manage.py load_demo`` after orgs and accounts).

Idempotent: people are matched by user name, cases by their demo subject id.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import OutputWrapper
from django.db import transaction

from egov.kernel.accounts.models import User
from egov.kernel.orgs.demo import register_demo_step
from egov.kernel.orgs.models import OrgUnit
from egov.kernel.workflow.models import Case
from egov.kernel.workflow.services import case_start, definition_publish_file, work_item_complete

DEMO_BPMN = Path(__file__).resolve().parent / "processes" / "demo_joint_approval.bpmn"
#: 临时救助分级审批: routed by a DMN decision table on the amount (demo_relief_routing_level.dmn beside it).
RELIEF_BPMN = Path(__file__).resolve().parent / "processes" / "demo_relief_routing.bpmn"
RELIEF_UNIT = "152221-MZJ-SHJZK"  # 科右前旗民政局社会救助科: kyqq_mz_head (科长) approves there
#: subject id, title, amount (元): 3200 waits for the 科长, 8000 has passed him and waits for the 局长.
RELIEF_CASES = (
    (101, "临时救助申请（因病致困，申请金额3200元）", 3200),
    (102, "临时救助申请（房屋失火，申请金额8000元）", 8000),
)
OWNER_UNIT = "152221-MZJ"  # 科右前旗民政局: its handler kyqq_mz comes from the accounts demo step
#: username, name, role, unit, position — the 会签 departments and the owner's leader.
PEOPLE = (
    ("meng_fgw", "那日苏", "handler", "152200-FGW", "科员"),
    ("meng_czj", "高雅琴", "handler", "152200-CZJ", "科员"),
    ("kyqq_mz_leader", "宝音", "leader", OWNER_UNIT, "局长"),
)
#: subject id, title, how many steps to complete (0: at 受理, 1: at 会签, 3: at 领导审批, 4: done)
CASES = (
    (1, "城乡低保对象临时救助资金联合审批", 0),
    (2, "养老服务设施建设补助资金联合审批", 1),
    (3, "社区综合服务站改造项目联合审批", 3),
    (4, "困难残疾人生活补贴资金联合审批", 4),
)


def _people() -> int:
    from egov.kernel.orgs.demo.accounts import demo_staff

    # The 局长 covers the bureau's 科室 too (the relief cases are owned by its 社会救助科).
    return sum(
        demo_staff(
            username, name, unit_code=code, position=position, role=role, include_subunits=role == "leader" or None
        )[1]
        for username, name, role, code, position in PEOPLE
    )


def _advance(case: Case, steps: int, people: dict[str, User]) -> None:
    by_step = {
        "accept": people["kyqq_mz"],
        "review_fgw": people["meng_fgw"],
        "review_czj": people["meng_czj"],
        "approve": people["kyqq_mz_leader"],
    }
    opinions = {
        "accept": ("accept", "材料齐全，予以受理"),
        "review_fgw": ("agree", "符合产业政策，同意"),
        "review_czj": ("agree", "资金来源已落实，同意"),
        "approve": ("approve", "同意"),
    }
    for _ in range(steps):
        item = case.work_items.filter(status__in=["open", "claimed"]).order_by("pk").first()
        if item is None:
            return
        outcome, opinion = opinions[item.step]
        work_item_complete(actor=by_step[item.step], item=item, outcome=outcome, opinion=opinion)


def _start(
    people: dict[str, User], process_key: str, unit: OrgUnit, subject_id: int, title: str, **extra: Any
) -> Case | None:
    """Start one demo case for 张明, handled by kyqq_mz; None when it was started by an earlier run."""
    if Case.objects.filter(subject_type="workflow.demo", subject_id=str(subject_id)).exists():
        return None
    return case_start(
        actor=people["kyqq_mz"],
        process_key=process_key,
        org_unit=unit,
        title=title,
        applicant=people.get("citizen"),
        subject_type="workflow.demo",
        subject_id=subject_id,
        subject_repr=title,
        **extra,
    )


def _relief_cases(people: dict[str, User]) -> int:
    unit = OrgUnit.objects.filter(code=RELIEF_UNIT).first()
    head = User.objects.filter(username="kyqq_mz_head").first()
    if unit is None or head is None:
        return 0
    started = 0
    for subject_id, title, amount in RELIEF_CASES:
        case = _start(
            people, "demo_relief_routing", unit, subject_id, title, data={"amount": amount}, statutory_limit=10
        )
        if case is None:
            continue
        accept = case.work_items.get(step="accept")
        work_item_complete(actor=people["kyqq_mz"], item=accept, outcome="accept", opinion="材料齐全，情况属实")
        if amount > 5000:
            approve = case.work_items.get(step="approve_head")
            work_item_complete(actor=head, item=approve, outcome="agree", opinion="情况属实，拟同意，报分管领导")
        started += 1
    return started


def load(stdout: OutputWrapper) -> None:
    with transaction.atomic():
        definitions = [*definition_publish_file(DEMO_BPMN), *definition_publish_file(RELIEF_BPMN)]
        created_people = _people()
        people = {
            user.username: user
            for user in User.objects.filter(username__in=["kyqq_mz", "citizen", *(row[0] for row in PEOPLE)])
        }
        owner = OrgUnit.objects.get(code=OWNER_UNIT)
        started = 0
        for subject_id, title, steps in CASES:
            case = _start(
                people, "demo_joint_approval", owner, subject_id, title, statutory_limit=20, promised_limit=10
            )
            if case is None:
                continue
            _advance(case, steps, people)
            started += 1
        started += _relief_cases(people)
    versions = "、".join(f"{d.key} v{d.version}" for d in definitions)
    stdout.write(f"流程：已发布 {versions}；新增办理人员 {created_people} 名；新增演示办件 {started} 件")


register_demo_step("workflow", load)
