"""Sharing test data, made through the services of the apps that own it (orgs, data, exchange)."""

from __future__ import annotations

import base64
import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from egov.domain.data.models import CatalogEntry
from egov.domain.data.services import DataItemSpec, data_table_load
from egov.domain.data.tests.factories import data_admin, data_reviewer, make_entry
from egov.domain.exchange import services
from egov.domain.exchange.models import ExchangeApplication, Grant, SharingRequest
from egov.kernel.access.tests.factories import OrgUnitFactory, UserFactory, grant
from egov.kernel.accounts.models import User
from egov.kernel.orgs.models import OrgKind, OrgUnit

__all__ = ["ROWS", "World", "call_headers", "make_world", "submit_request"]

_codes = itertools.count(1)

#: The provider's table: enterprises of two counties (division codes 152201 乌兰浩特市, 152224 突泉县).
ROWS = [
    ("兴安盟草原乳业有限公司", "152201", "张三", "500.00"),
    ("乌兰浩特市科尔沁商贸有限公司", "152201", "李四", "120.50"),
    ("突泉县绿源农业合作社", "152224", "王五", "80.00"),
    ("突泉县兴旺建材有限公司", "152224", "赵六", "300.00"),
    ("乌兰浩特市洮儿河物流有限公司", "152201", "钱七", "60.00"),
]
ITEMS = ["企业名称", "行政区划代码", "法定代表人", "注册资本"]


@dataclass
class World:
    provider: OrgUnit
    consumer: OrgUnit
    other_consumer: OrgUnit
    provider_admin: User
    requester: User
    other_requester: User
    authority: User
    outsider: User
    entry: CatalogEntry


def _csv() -> bytes:
    lines = [",".join(ITEMS)] + [",".join(row) for row in ROWS]
    return ("\n".join(lines) + "\n").encode()


def make_world(*, sharing_type: str = "conditional", load_rows: bool = True) -> World:
    n = next(_codes)
    provider = OrgUnitFactory(
        name=f"兴安盟市场监督管理局{n}", code=f"EXP-{n}", kind=OrgKind.DEPARTMENT, division_code="152200"
    )
    consumer = OrgUnitFactory(
        name=f"乌兰浩特市民政局{n}", code=f"EXC-{n}", kind=OrgKind.DEPARTMENT, division_code="152201"
    )
    other = OrgUnitFactory(name=f"突泉县民政局{n}", code=f"EXO-{n}", kind=OrgKind.DEPARTMENT, division_code="152224")
    provider_admin = data_admin(provider)
    authority = data_reviewer(provider)
    entry = make_entry(
        actor=provider_admin,
        provider=provider,
        csv=None,
        code=f"09.01.01-{n:04d}",
        title=f"市场主体登记信息{n}",
        sharing_type=sharing_type,
        sharing_basis="" if sharing_type == "unconditional" else "《市场主体登记管理条例》：仅限履行法定职责使用",
        sharing_method="api",
        open_type="closed",
        items=[
            DataItemSpec(name="企业名称", data_type="string", length=100),
            DataItemSpec(name="行政区划代码", data_type="string", length=6),
            DataItemSpec(name="法定代表人", data_type="string", length=50, is_personal=True),
            DataItemSpec(name="注册资本", data_type="decimal"),
        ],
    )
    if load_rows:
        upload = SimpleUploadedFile("enterprises.csv", _csv(), content_type="text/csv")
        data_table_load(actor=provider_admin, entry=entry, upload=upload)
    outsider = UserFactory(staff=True)
    return World(
        provider=provider,
        consumer=consumer,
        other_consumer=other,
        provider_admin=provider_admin,
        requester=data_admin(consumer),
        other_requester=data_admin(other),
        authority=authority,
        outsider=outsider,
        entry=entry,
    )


def submit_request(world: World, *, items: list[str] | None = None, **overrides: Any) -> SharingRequest:
    values: dict[str, Any] = {
        "basis": "《社会救助暂行办法》第十一条",
        "scenario": "最低生活保障申请家庭经济状况核对",
        "scope": "本单位社会救助科",
        "method": "api",
        "use_until": date(2029, 12, 31),
        "items": items or ["企业名称", "行政区划代码", "注册资本"],
    }
    values.update(overrides)
    return services.sharing_request_submit(actor=world.requester, entry=world.entry, consumer=world.consumer, **values)


def approved_grant(world: World, **approve: Any) -> Grant:
    request = submit_request(world)
    return services.sharing_request_approve(actor=world.provider_admin, request=request, **approve)


def application(world: World, *, rate_limit: int = 600) -> tuple[ExchangeApplication, str]:
    return services.application_create(
        actor=world.requester, consumer=world.consumer, name="低保核对系统", rate_limit=rate_limit
    )


def call_headers(app: ExchangeApplication, secret: str, *, issue: str = "XA-2026-000123") -> dict[str, str]:
    token = base64.b64encode(f"{app.client_id}:{secret}".encode()).decode()
    return {
        "HTTP_AUTHORIZATION": f"Basic {token}",
        "HTTP_X_ROAD_CLIENT": f"{app.consumer.code}/{app.client_id}",
        "HTTP_X_ROAD_USERID": "staff-1024",
        "HTTP_X_ROAD_ISSUE": issue,
    }


__all__ += ["ITEMS", "application", "approved_grant", "grant"]
