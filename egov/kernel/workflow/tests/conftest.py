from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from egov.kernel.accounts.models import User
from egov.kernel.orgs.models import OrgKind, OrgUnit
from egov.kernel.workflow.models import Case, ProcessDefinition
from egov.kernel.workflow.services import case_start, definition_publish_file
from egov.kernel.workflow.tests.factories import CitizenFactory, OrgUnitFactory, StaffFactory, grant

DEMO_BPMN = Path(__file__).resolve().parent.parent / "processes" / "demo_joint_approval.bpmn"


@dataclass
class World:
    league: OrgUnit
    fgw: OrgUnit
    czj: OrgUnit
    qianqi: OrgUnit
    tuquan: OrgUnit
    handler: User  # 科右前旗 handler: accepts
    handler2: User  # second 科右前旗 handler (races, transfers)
    leader: User  # 科右前旗 leader: approves, supervises
    head: User  # 科右前旗 office head: supervisor
    fgw_handler: User
    czj_handler: User
    tuquan_handler: User
    citizen: User
    definition: ProcessDefinition


@pytest.fixture
def world(db: None) -> World:
    """兴安盟 with 盟发改委 and 盟财政局, 科右前旗 (owner of the demo cases) and 突泉县, with their staff."""
    league = OrgUnitFactory(name="兴安盟行政公署", code="152200", kind=OrgKind.LEAGUE)
    fgw = OrgUnitFactory(name="兴安盟发展和改革委员会", short_name="盟发改委", code="152200-FGW", parent=league)
    czj = OrgUnitFactory(name="兴安盟财政局", short_name="盟财政局", code="152200-CZJ", parent=league)
    qianqi = OrgUnitFactory(
        name="科尔沁右翼前旗人民政府", short_name="科右前旗", code="152221", kind=OrgKind.COUNTY, parent=league
    )
    tuquan = OrgUnitFactory(
        name="突泉县人民政府", short_name="突泉县", code="152224", kind=OrgKind.COUNTY, parent=league
    )
    people = {
        "handler": ("张三", "handler", qianqi),
        "handler2": ("李四", "handler", qianqi),
        "leader": ("赵旗长", "leader", qianqi),
        "head": ("钱科长", "office_head", qianqi),
        "fgw_handler": ("孙发改", "handler", fgw),
        "czj_handler": ("周财政", "handler", czj),
        "tuquan_handler": ("吴突泉", "handler", tuquan),
    }
    users = {}
    for key, (name, role, unit) in people.items():
        users[key] = StaffFactory(username=f"wf_{key}", real_name=name)
        grant(users[key], role, unit)
    (definition,) = definition_publish_file(DEMO_BPMN)
    return World(
        league=league,
        fgw=fgw,
        czj=czj,
        qianqi=qianqi,
        tuquan=tuquan,
        citizen=CitizenFactory(),
        definition=definition,
        **users,
    )


def start_case(world: World, **kwargs: object) -> Case:
    """A case of the demo joint-approval process at 科右前旗, started by its handler; ``kwargs`` override."""
    arguments = {
        "actor": world.handler,
        "process_key": "demo_joint_approval",
        "org_unit": world.qianqi,
        "title": "联合审批",
    }
    return case_start(**{**arguments, **kwargs})  # type: ignore[arg-type]
