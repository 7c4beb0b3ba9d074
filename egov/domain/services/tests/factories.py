"""Test data for the catalogue: a League department, a catalogue manager, a complete guide."""

from __future__ import annotations

import dataclasses
from typing import Any

from egov.domain.services.models import ServiceItem, ServiceItemVersion
from egov.domain.services.services import Guide, MaterialSpec, item_create, item_version_create_draft
from egov.kernel.accounts.models import User
from egov.kernel.accounts.tests.factories import UserFactory
from egov.kernel.orgs.models import OrgUnit
from egov.kernel.orgs.services import org_unit_create

__all__ = ["UserFactory", "catalogue_manager", "department", "draft_item", "guide"]

FORM = {
    "pages": [
        {
            "title": "申请人信息",
            "fields": [
                {"name": "applicant_name", "label": "申请人姓名", "type": "text", "required": True},
                {"name": "applicant_id", "label": "身份证号码", "type": "id_number", "required": True},
            ],
        }
    ]
}


def department() -> OrgUnit:
    league = org_unit_create(name="测试盟行政公署", code="T152200", kind="league", division_code="152200")
    return org_unit_create(
        name="测试盟民政局", code="T152200-MZJ", kind="department", division_code="152200", parent=league
    )


def catalogue_manager(unit: OrgUnit) -> User:
    """A staff member holding the 事项管理员 role (services.manage_catalogue) at ``unit``."""
    from egov.kernel.access.models import Role, RoleAssignment

    user = UserFactory(staff=True)
    RoleAssignment.objects.create(user=user, role=Role.objects.get(code="catalogue_admin"), org_unit=unit)
    return user


def guide(**changes: Any) -> Guide:
    base = Guide(
        item_type="行政给付",
        legal_basis="《社会救助暂行办法》第九条",
        exercise_level="盟级",
        audience="person",
        case_kind="承诺件",
        conditions="持有当地常住户口，家庭人均收入低于当地最低生活保障标准。",
        statutory_limit=30,
        promised_limit=20,
        handling_forms="网上办理、窗口办理",
        place="兴安盟政务服务中心民政窗口",
        hours="周一至周五 8:30—17:30",
        consult="0482-8200000",
        complaint="12345政务服务便民热线",
        result_name="最低生活保障金领取证",
        result_type="证照",
        general_scope="全盟通办",
        form_definition=FORM,
        materials=[MaterialSpec(name="最低生活保障申请书", acceptance_standard="申请人签字")],
    )
    return dataclasses.replace(base, **changes)


def draft_item(actor: User, unit: OrgUnit, **changes: Any) -> tuple[ServiceItem, ServiceItemVersion]:
    item = item_create(
        actor=actor, basic_code="000205001000", code="T-DIBAO-001", name="最低生活保障申请", org_unit=unit
    )
    return item, item_version_create_draft(actor=actor, item=item, guide=guide(**changes))
