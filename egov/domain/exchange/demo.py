"""Demo step "exchange": a sharing request through the workflow core, its grant, a calling system and a few
signed, logged calls, so the provider's usage page and the requester's dashboard are not empty.

乌兰浩特市人社局 (its data administrator ``wlht_rsj_data``) asks 兴安盟市场监督管理局 (``scjg_data``) for the
有条件共享 个体工商户登记信息 to check 就业创业补贴 applicants; the provider approves it into a grant and
delivers; the 人社局 registers its 就业创业补贴审核系统 and calls the exchange API three times. A second request
(企业登记信息, 无条件共享) is left waiting at 审核 so the provider's worklist shows a 待办.

Idempotent: people by user name, requests by (consumer, entry), the calling system by (unit, name); the calls
are made only when the calling system is created (its secret exists only then and is never printed).
"""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

from django.core.management.base import OutputWrapper
from django.test import RequestFactory

from egov.domain.exchange import gateway, services
from egov.domain.exchange.models import ExchangeApplication, RequestStatus, SharingRequest
from egov.kernel.accounts.models import User
from egov.kernel.orgs.demo import register_demo_step
from egov.kernel.orgs.models import OrgUnit

CONSUMER = "152201-RSJ"  # 乌兰浩特市人力资源和社会保障局
PROVIDER = "152200-SCJGJ"  # 兴安盟市场监督管理局
#: username, name, role, role unit, membership unit, position
PEOPLE = (
    ("wlht_rsj_data", "斯琴", "data_admin", CONSUMER, CONSUMER, "一级主任科员"),
    ("scjg_data", "刘振宇", "data_admin", PROVIDER, PROVIDER, "科长"),
)
GETIHU = "01.01.02-0001"  # 兴安盟个体工商户登记信息 (有条件共享)
ENTERPRISES = "01.01.01-0001"  # 兴安盟企业登记信息 (无条件共享)
APPLICATION_NAME = "就业创业补贴审核系统"
CALL_ISSUES = (
    "乌兰浩特市一次性创业补贴审核 RSJ-2026-0315",
    "乌兰浩特市一次性创业补贴审核 RSJ-2026-0316",
    "乌兰浩特市创业担保贷款贴息审核 RSJ-2026-0402",
)


def _people() -> dict[str, User]:
    from egov.kernel.orgs.demo.accounts import demo_staff

    return {
        username: demo_staff(
            username,
            name,
            unit_code=unit_code,
            position=position,
            role=role,
            role_unit_code=role_unit,
            include_subunits=True,
        )[0]
        for username, name, role, role_unit, unit_code, position in PEOPLE
    }


def _request(requester: User, consumer: OrgUnit, entry: Any, **values: Any) -> tuple[SharingRequest, bool]:
    existing = SharingRequest.objects.filter(consumer=consumer, entry=entry).order_by("pk").first()
    if existing is not None:
        return existing, False
    return services.sharing_request_submit(actor=requester, entry=entry, consumer=consumer, **values), True


def _calls(application: ExchangeApplication, secret: str, entry_code: str) -> int:
    """Three calls through the real exchange API code path (credential, grant, signature, chained log)."""
    token = base64.b64encode(f"{application.client_id}:{secret}".encode()).decode()
    factory = RequestFactory()
    made = 0
    for number, issue in enumerate(CALL_ISSUES, start=1):
        request = factory.get(
            f"/exchange/v1/resources/{entry_code}/rows",
            HTTP_AUTHORIZATION=f"Basic {token}",
            HTTP_X_ROAD_CLIENT=f"{application.consumer.code}/{application.client_id}",
            HTTP_X_ROAD_USERID=f"wlht-rsj-{number:03d}",
            HTTP_X_ROAD_ISSUE=issue,
        )
        if gateway.handle(request, entry_code).status_code == 200:
            made += 1
    return made


def load(stdout: OutputWrapper) -> None:
    from egov.domain.data.models import CatalogEntry
    from egov.kernel.calendar.deadlines import beijing_today

    entries = {entry.code: entry for entry in CatalogEntry.objects.filter(code__in=[GETIHU, ENTERPRISES])}
    units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=[CONSUMER, PROVIDER])}
    if len(entries) < 2 or len(units) < 2:
        stdout.write("exchange: 未找到演示信息资源目录或组织机构，跳过共享申请")
        return
    people = _people()
    requester, provider = people["wlht_rsj_data"], people["scjg_data"]
    consumer = units[CONSUMER]
    services.ensure_process()
    today = beijing_today()
    use_until = today + timedelta(days=730)
    getihu, created = _request(
        requester,
        consumer,
        entries[GETIHU],
        basis="《就业促进法》第十五条；《内蒙古自治区就业补助资金管理办法》创业补贴审核须核验申请人经营实体登记情况",
        scenario="一次性创业补贴、创业担保贷款贴息申请的个体工商户登记状态核验",
        scope="乌兰浩特市公共就业服务中心创业补贴审核岗，仅核验本市申请人",
        method="api",
        use_until=use_until,
        items=["字号名称", "经营者姓名", "经营场所"],
    )
    if getihu.status == RequestStatus.SUBMITTED:
        services.sharing_request_approve(
            actor=provider,
            request=getihu,
            note="同意按申请范围共享，仅限创业补贴审核使用，不得向第三方提供",
        )
        getihu.refresh_from_db()
    if getihu.status == RequestStatus.APPROVED:
        services.sharing_request_deliver(
            actor=provider, request=getihu, note="已开通共享交换接口，接入应用凭证由申请单位自行登记"
        )
    pending, pending_created = _request(
        requester,
        consumer,
        entries[ENTERPRISES],
        basis="《就业促进法》第十五条：吸纳就业补贴须核验用人单位登记信息",
        scenario="企业吸纳高校毕业生就业社保补贴申请的用人单位核验",
        scope="乌兰浩特市公共就业服务中心",
        method="api",
        use_until=use_until,
        items=["企业名称", "统一社会信用代码", "登记机关"],
    )
    calls = 0
    application = ExchangeApplication.objects.filter(consumer=consumer, name=APPLICATION_NAME).first()
    if application is None:
        application, secret = services.application_create(
            actor=requester, consumer=consumer, name=APPLICATION_NAME, rate_limit=600
        )
        calls = _calls(application, secret, GETIHU)
    stdout.write(
        f"exchange: 共享申请 新建 {int(created) + int(pending_created)} 件（{getihu.number} 已交付，"
        f"{pending.number} 待审核），接入应用 {application.client_id}，演示调用 {calls} 次；"
        "演示账号 wlht_rsj_data（乌兰浩特市人社局数据管理员）、scjg_data（盟市场监管局数据管理员）"
    )


register_demo_step("exchange", load)
