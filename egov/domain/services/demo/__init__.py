"""Demo step "services": themes, life events and the service item catalogue from ``data.py``, written through
the services by the demo system administrator. Idempotent: themes and events are matched by code, items by
their 实施编码; an item that already has a published version is left alone.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import OutputWrapper
from django.db import transaction

from egov.domain.services.demo.data import ITEMS, LIFE_EVENTS, THEMES
from egov.domain.services.models import LifeEvent, ServiceItem, Theme
from egov.domain.services.services import (
    FeeSpec,
    Guide,
    MaterialSpec,
    item_create,
    item_version_create_draft,
    item_version_publish,
    life_event_save,
    theme_save,
)
from egov.kernel.accounts.models import User
from egov.kernel.orgs.demo import register_demo_step
from egov.kernel.orgs.models import OrgKind, OrgUnit

__all__ = ["ITEMS", "item_code", "load"]

ACTOR = "shixiang_admin"  # 事项管理员: services.manage_catalogue at the League, including sub-units
HOURS = "周一至周五（法定节假日除外）\n上午 8:30—12:00，下午 14:30—17:30（5月1日至9月30日下午 15:00—18:00）"


def item_code(row: dict[str, Any]) -> str:
    """实施编码: the unit's division code, the basic code and the unit key (unique per unit and item)."""
    division, _, key = row["unit"].partition("-")
    return f"{division}{row['basic']}{key}"


def person_page() -> dict[str, Any]:
    return {
        "title": "申请人信息",
        "fields": [
            {"name": "applicant_name", "label": "申请人姓名", "type": "text", "required": True},
            {"name": "applicant_id", "label": "身份证号码", "type": "id_number", "required": True},
            {"name": "applicant_phone", "label": "手机号码", "type": "phone", "required": True},
            {"name": "applicant_address", "label": "联系地址", "type": "address_with_division_code", "required": True},
            {"name": "has_agent", "label": "委托他人代办", "type": "checkbox"},
            {"name": "agent_name", "label": "代理人姓名", "type": "text", "required": True,
             "show_if": {"field": "has_agent", "equals": True}},
            {"name": "agent_id", "label": "代理人身份证号码", "type": "id_number", "required": True,
             "show_if": {"field": "has_agent", "equals": True}},
        ],
    }  # fmt: skip


def legal_page() -> dict[str, Any]:
    return {
        "title": "申请单位信息",
        "fields": [
            {"name": "org_name", "label": "单位名称", "type": "text", "required": True},
            {"name": "org_uscc", "label": "统一社会信用代码", "type": "uscc", "required": True},
            {"name": "legal_representative", "label": "法定代表人（负责人）", "type": "text", "required": True},
            {"name": "contact_name", "label": "经办人姓名", "type": "text", "required": True},
            {"name": "contact_phone", "label": "经办人手机号码", "type": "phone", "required": True},
            {"name": "org_address", "label": "单位地址", "type": "address_with_division_code", "required": True},
        ],
    }  # fmt: skip


def _steps(kind: str, joint: str) -> list[dict[str, str]]:
    if kind == "即办件":
        return [
            {"name": "申请", "description": "网上提交申请或到窗口提交材料"},
            {"name": "受理", "description": "窗口人员审核材料，材料齐全、符合法定形式的当场受理"},
            {"name": "办结", "description": "当场办结并出具办理结果"},
        ]
    steps = [
        {"name": "申请", "description": "网上提交申请或到窗口提交材料"},
        {"name": "受理", "description": "材料齐全、符合法定形式的予以受理；需补正的一次性告知全部补正内容"},
        {"name": "审查", "description": "对申请材料进行审查，需要现场核查的组织核查"},
    ]
    if joint:
        steps.append({"name": "联合审查", "description": f"征求{joint}意见"})
    steps += [
        {"name": "决定", "description": "作出准予或不予的决定；不予的说明理由并告知救济途径"},
        {"name": "送达", "description": "窗口领取、邮寄送达或电子证照推送"},
    ]
    return steps


def guide_for(row: dict[str, Any], unit: OrgUnit, area: OrgUnit, phone: str) -> Guide:
    league = unit.division_code == "152200"
    hall = "兴安盟政务服务中心" if league else f"{area.name}政务服务中心"
    window = f"{hall}{unit.short_name or unit.name}窗口"
    kind = row["kind"]
    statutory, promised = row["limits"]
    fees = [FeeSpec(name=n, standard=s, basis=b, reducible=r) for n, s, b, r in row.get("fees", [])]
    return Guide(
        item_type=row["type"],
        legal_basis=row["basis"],
        exercise_level="盟级" if league else "旗县级",
        audience=row["audience"],
        case_kind=kind,
        conditions=row["conditions"],
        statutory_limit=statutory,
        statutory_limit_unit=row.get("statutory_unit", "工作日"),
        promised_limit=promised,
        promised_limit_unit=row.get("promised_unit", "工作日"),
        visits=row["visits"],
        special_procedures=row.get("special", ""),
        charged=bool(fees),
        fee_basis="；".join(fee.basis for fee in fees),
        fees=fees,
        process_steps=_steps(kind, row.get("joint", "")),
        handling_forms="网上办理、窗口办理" if row.get("online", True) else "窗口办理",
        place=window,
        hours=HOURS,
        consult=f"窗口咨询：{window}\n电话咨询：{phone}\n网上咨询：兴安盟政务服务网“我要咨询”",
        complaint=f"12345政务服务便民热线\n{area.name}政务服务与数据管理局：{phone[:-1]}9\n兴安盟政务服务网“好差评”",
        joint_units=row.get("joint", ""),
        result_name=row["result"][0],
        result_type=row["result"][1],
        general_scope="全盟通办" if row.get("online", True) else "本辖区",
        online=row.get("online", True),
        online_depth=row.get("depth", 3),
        form_definition={
            "pages": row.get("form_pages")
            or [
                person_page() if row["audience"] == "person" else legal_page(),
                {"title": "申请事项信息", "fields": row["fields"]},
            ]
        },
        process_key=row.get("process", "services_standard"),
        materials=[
            MaterialSpec(name=n, necessity=nec, form=form, source=src, acceptance_standard=std, copies=1)
            for n, nec, form, src, std in row["materials"]
        ],
        theme_codes=row["themes"],
        life_event_codes=row["events"],
    )


def load(stdout: OutputWrapper) -> None:
    from egov.domain.services.demo.people import ensure_people, publish_processes

    created = 0
    with transaction.atomic():
        people = ensure_people()
        publish_processes()
        actor = User.objects.get(username=ACTOR)
        existing_themes = set(Theme.objects.values_list("code", flat=True))
        for order, (code, name, audience) in enumerate(THEMES):
            if code not in existing_themes:
                theme_save(actor=actor, code=code, name=name, audience=audience, sort_order=order)
        existing_events = set(LifeEvent.objects.values_list("code", flat=True))
        for order, (code, name, audience, description) in enumerate(LIFE_EVENTS):
            if code not in existing_events:
                life_event_save(
                    actor=actor, code=code, name=name, audience=audience, description=description, sort_order=order
                )
        units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in={row["unit"] for row in ITEMS})}
        areas = {unit.division_code: unit for unit in OrgUnit.objects.filter(kind__in=[OrgKind.LEAGUE, OrgKind.COUNTY])}
        for number, row in enumerate(ITEMS):
            code = item_code(row)
            item = ServiceItem.objects.filter(code=code).first()
            if item is not None and item.current_version_id is not None:
                continue
            unit = units[row["unit"]]
            if item is None:
                item = item_create(actor=actor, basic_code=row["basic"], code=code, name=row["name"], org_unit=unit)
            phone = f"0482-{8200000 + number * 1371:07d}"
            version = item.versions.filter(status="draft").first() or item_version_create_draft(
                actor=actor, item=item, guide=guide_for(row, unit, areas[unit.division_code], phone)
            )
            item_version_publish(actor=actor, version=version)
            created += 1
    stdout.write(f"办事事项：新发布 {created} 项（共 {len(ITEMS)} 项）；新增事项管理员和办理人员 {people} 名")


def load_applications(stdout: OutputWrapper) -> None:
    from egov.domain.services.demo import applications

    with transaction.atomic():
        made = applications.load()
    stdout.write(f"网上申请：新增演示申请 {made} 件（{applications.APPLICANT} 申请{applications.ITEM}）")


register_demo_step("services", load)
register_demo_step("service_applications", load_applications)
