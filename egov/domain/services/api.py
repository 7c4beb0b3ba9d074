"""Public catalogue API: GET /api/public/services/items and /api/public/services/items/{code}.

Mounted by egov/api/public.py with ``api.add_router("/services", router)``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from egov.domain.services import selectors
from egov.domain.services.models import ServiceItem

router = Router(tags=["services"])


class ItemParams(Schema):
    audience: str = Field("", description="person（自然人）或 legal（法人）")
    theme: str = Field("", max_length=40, description="办事主题代码")
    event: str = Field("", max_length=40, description="生命周期事件代码")
    dept: str = Field("", max_length=32, description="实施主体机构代码，如 152200-SCJGJ")
    division: str = Field("", max_length=6, description="行政区划代码，如 152201")
    q: str = Field("", max_length=50, description="事项名称关键词")
    page: int = Field(1, description="页码，从 1 开始")
    page_size: int = Field(20, description="每页条数，1–50")


class ItemOut(Schema):
    code: str
    basic_code: str
    name: str
    org_unit: str
    division_code: str
    audience: str
    case_kind: str
    promised_limit: str
    online_depth: int
    url: str


class ItemListOut(Schema):
    total: int
    page: int
    pages: int
    items: list[ItemOut]


class MaterialOut(Schema):
    name: str
    necessity: str
    condition: str
    form: str
    copies: int
    source: str
    acceptance_standard: str


class FeeOut(Schema):
    name: str
    standard: str
    basis: str


class GuideOut(ItemOut):
    version: int
    published_at: dt.datetime | None
    item_type: str
    legal_basis: str
    conditions: str
    statutory_limit: str
    visits: int
    charged: bool
    process_steps: list[dict[str, str]]
    place: str
    hours: str
    consult: str
    complaint: str
    joint_units: str
    result_name: str
    general_scope: str
    materials: list[MaterialOut]
    fees: list[FeeOut]


def _item(item: ServiceItem) -> dict[str, Any]:
    version = item.published
    return {
        "code": item.code,
        "basic_code": item.basic_code,
        "name": item.name,
        "org_unit": item.org_unit.name,
        "division_code": item.org_unit.division_code,
        "audience": version.audience,
        "case_kind": version.case_kind,
        "promised_limit": f"{version.promised_limit}个{version.promised_limit_unit}",
        "online_depth": version.online_depth,
        "url": f"/services/items/{item.code}/",
    }


@router.get("/items", response=ItemListOut, summary="办事事项列表", auth=None)
def items_endpoint(request: HttpRequest, params: Query[ItemParams]) -> dict[str, Any]:
    """Bad paging (page < 1, past the last page, page_size outside 1–50) is a 400 with a Chinese message."""
    criteria = selectors.ItemFilter(
        audience=params.audience,
        theme=params.theme,
        life_event=params.event,
        org_unit=params.dept,
        division=params.division,
        q=params.q.strip(),
    )
    page = selectors.item_page(criteria, page=params.page, page_size=params.page_size)
    return {
        "total": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "items": [_item(item) for item in page.object_list],
    }


@router.get("/items/{code}", response=GuideOut, summary="办事指南", auth=None)
def guide_endpoint(request: HttpRequest, code: str) -> dict[str, Any]:
    item = selectors.item_guide(code)
    version = item.published
    return {
        **_item(item),
        "version": version.number,
        "published_at": version.published_at,
        "item_type": version.item_type,
        "legal_basis": version.legal_basis,
        "conditions": version.conditions,
        "statutory_limit": f"{version.statutory_limit}个{version.statutory_limit_unit}",
        "visits": version.visits,
        "charged": version.charged,
        "process_steps": version.process_steps,
        "place": version.place,
        "hours": version.hours,
        "consult": version.consult,
        "complaint": version.complaint,
        "joint_units": version.joint_units,
        "result_name": version.result_name,
        "general_scope": version.general_scope,
        "materials": list(version.materials.all()),
        "fees": list(version.fees.all()),
    }
