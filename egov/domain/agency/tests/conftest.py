from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from egov.domain.agency.services import sync_case_copies
from egov.domain.agency.tests.factories import OrgUnitFactory, PersonFactory, StaffFactory, grant
from egov.domain.services.models import SUBJECT_TYPE
from egov.kernel.accounts.models import User
from egov.kernel.orgs.models import OrgKind, OrgUnit
from egov.kernel.workflow.models import Case, CaseStatus, WorkItem
from egov.kernel.workflow.services import case_start, definition_publish_file, work_item_complete

DEMO_BPMN = Path(__file__).resolve().parents[3] / "kernel" / "workflow" / "processes" / "demo_joint_approval.bpmn"


@pytest.fixture(autouse=True)
def _fast(settings: pytest.FixtureRequest) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@dataclass
class World:
    league: OrgUnit
    fgw: OrgUnit  # 盟发改委: 会签 department
    czj: OrgUnit  # 盟财政局: 会签 department
    wlht: OrgUnit  # 乌兰浩特市 (county)
    wlht_scj: OrgUnit  # 乌兰浩特市市场监管局: owns the cases
    wlht_zsj: OrgUnit  # 乌兰浩特市政务服务局: the agents' unit
    tuquan: OrgUnit  # 突泉县 (county)
    tuquan_zsj: OrgUnit
    handler: User  # 市场监管局 handler: accepts
    leader: User  # 市场监管局 leader: approves
    head: User  # 市场监管局 office head: services.rectify
    fgw_handler: User
    czj_handler: User
    agent1: User
    agent2: User
    tuquan_agent: User
    agent_head: User  # supervises the 乌兰浩特 agents (workflow.supervise at wlht_zsj)
    sysadmin: User  # system.configure at the League
    citizen: User
    other_citizen: User


@pytest.fixture
def world(db: None) -> World:
    league = OrgUnitFactory(name="兴安盟行政公署", code="152200", kind=OrgKind.LEAGUE, division_code="152200")
    fgw = OrgUnitFactory(name="兴安盟发展和改革委员会", short_name="盟发改委", code="152200-FGW", parent=league)
    czj = OrgUnitFactory(name="兴安盟财政局", short_name="盟财政局", code="152200-CZJ", parent=league)
    wlht = OrgUnitFactory(
        name="乌兰浩特市人民政府", short_name="乌兰浩特市", code="152201", kind=OrgKind.COUNTY, parent=league
    )
    wlht_scj = OrgUnitFactory(
        name="乌兰浩特市市场监督管理局", short_name="市市场监管局", code="152201-SCJ", parent=wlht
    )
    wlht_zsj = OrgUnitFactory(
        name="乌兰浩特市政务服务与数据管理局", short_name="市政数局", code="152201-ZSJ", parent=wlht
    )
    tuquan = OrgUnitFactory(
        name="突泉县人民政府", short_name="突泉县", code="152224", kind=OrgKind.COUNTY, parent=league
    )
    tuquan_zsj = OrgUnitFactory(name="突泉县政务服务局", short_name="县政务局", code="152224-ZSJ", parent=tuquan)
    people = {
        "handler": ("张受理", "handler", wlht_scj),
        "leader": ("李局长", "leader", wlht_scj),
        "head": ("钱科长", "office_head", wlht_scj),
        "fgw_handler": ("孙发改", "handler", fgw),
        "czj_handler": ("周财政", "handler", czj),
        "agent1": ("代办甲", "agent", wlht_zsj),
        "agent2": ("代办乙", "agent", wlht_zsj),
        "tuquan_agent": ("代办丙", "agent", tuquan_zsj),
        "agent_head": ("赵主任", "office_head", wlht_zsj),
    }
    users = {}
    for key, (name, role, unit) in people.items():
        users[key] = StaffFactory(username=f"ag_{key}", real_name=name)
        grant(users[key], role, unit)
    users["sysadmin"] = StaffFactory(username="ag_sysadmin", real_name="系统管理员")
    grant(users["sysadmin"], "sysadmin", league, include_subunits=True)
    definition_publish_file(DEMO_BPMN)
    return World(
        league=league,
        fgw=fgw,
        czj=czj,
        wlht=wlht,
        wlht_scj=wlht_scj,
        wlht_zsj=wlht_zsj,
        tuquan=tuquan,
        tuquan_zsj=tuquan_zsj,
        citizen=PersonFactory(real_name="王五"),
        other_citizen=PersonFactory(real_name="赵六"),
        **users,
    )


def start_case(world: World, *, title: str = "个体工商户设立登记", applicant: User | None = None) -> Case:
    return case_start(
        actor=world.handler,
        process_key="demo_joint_approval",
        org_unit=world.wlht_scj,
        title=title,
        applicant=applicant or world.citizen,
        subject_type=SUBJECT_TYPE,
        subject_id="1",
        statutory_limit=20,
        promised_limit=10,
    )


def open_items(case: Case) -> dict[str, WorkItem]:
    return {item.step: item for item in case.work_items.filter(status__in=["open", "claimed"])}


def to_cosign(world: World, case: Case) -> dict[str, WorkItem]:
    """Accept the case: it now waits at 盟发改委 and 盟财政局 at once (会签)."""
    work_item_complete(
        actor=world.handler, item=open_items(case)["accept"], outcome="accept", opinion="予以受理", owner=SUBJECT_TYPE
    )
    return open_items(case)


def complete_case(world: World, case: Case) -> Case:
    """Run the case through every step to 办结."""
    items = to_cosign(world, case)
    work_item_complete(
        actor=world.fgw_handler, item=items["review_fgw"], outcome="agree", opinion="同意", owner=SUBJECT_TYPE
    )
    work_item_complete(
        actor=world.czj_handler, item=items["review_czj"], outcome="agree", opinion="同意", owner=SUBJECT_TYPE
    )
    work_item_complete(
        actor=world.leader, item=open_items(case)["approve"], outcome="approve", opinion="准予", owner=SUBJECT_TYPE
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED
    return case


def mark_completed(case: Case) -> Case:
    """Arrange a completed case without walking the process (a starting state for evaluation tests)."""
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.COMPLETED)
    sync_case_copies([case.pk])
    case.refresh_from_db()
    return case
