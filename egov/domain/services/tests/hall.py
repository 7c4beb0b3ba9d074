"""Helpers for the application tests: the 个体工商户设立登记 item, its people, valid answers and uploads."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from egov.domain.services.models import Application, Material, ServiceItem
from egov.kernel.accounts.models import User
from egov.kernel.accounts.tests.factories import resident_id, uscc
from egov.kernel.files.tests.factories import exe_bytes, pdf_bytes

GETIHU = "个体工商户设立登记"


def getihu() -> ServiceItem:
    return ServiceItem.objects.select_related("current_version", "org_unit").get(name=GETIHU)


def person(username: str = "citizen") -> User:
    return User.objects.get(username=username)


def staff(username: str) -> User:
    return User.objects.get(username=username)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf(name: str = "申请书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def exe(name: str = "病毒.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, exe_bytes(), content_type="application/pdf")


def valid_value(spec: dict[str, Any], n: int = 1) -> Any:
    """A value every field of that type accepts."""
    kind = spec["type"]
    if kind == "id_number":
        return resident_id(n)
    if kind == "uscc":
        return uscc(n)
    if kind == "phone":
        return "13912345678"
    if kind == "address_with_division_code":
        return {"division_code": "152201", "detail": "乌兰浩特市兴安南大街1号"}
    if kind == "date":
        return "2026-12-01"
    if kind == "amount":
        return "50000.00"
    if kind == "select":
        return spec["choices"][0]
    if kind == "checkbox":
        return False
    if kind == "group":
        count = max(1, spec.get("min", 0))
        return [{sub["name"]: valid_value(sub, n + row + 1) for sub in spec["fields"]} for row in range(count)]
    return "测试内容"


GETIHU_PAGES: list[dict[str, str]] = [
    {
        "applicant_name": "张明",
        "applicant_id": resident_id(7),
        "applicant_phone": "13912345678",
        "applicant_address_0": "152201",
        "applicant_address_1": "乌兰浩特市和平街2号",
    },
    {
        "trade_name": "乌兰浩特市张明小吃店",
        "business_scope": "餐饮服务；预包装食品销售",
        "capital": "30000",
        "premises_0": "152201",
        "premises_1": "乌兰浩特市兴安南大街18号",
        "start_date": "2026-12-01",
    },
    {"composition": "个人经营", "employees": "1—3人"},
]


def fill(client: Client, application: Application, pages: list[dict[str, str]] | None = None) -> None:
    for number, data in enumerate(pages or GETIHU_PAGES, start=1):
        response = client.post(f"/services/apply/{application.pk}/page/{number}/", {**data, "action": "next"})
        assert response.status_code == 302, response.content.decode()[:3000]


def upload_required(client: Client, application: Application) -> None:
    files = {
        f"material_{m.pk}": pdf(f"{m.name}.pdf")
        for m in application.version.materials.all()
        if m.necessity == "必要" and m.source != "数据共享获取"
    }
    response = client.post(f"/services/apply/{application.pk}/materials/", {**files, "action": "upload"})
    assert response.status_code == 302, response.content.decode()[:3000]


def start(client: Client, item: ServiceItem | None = None) -> Application:
    item = item or getihu()
    response = client.post(f"/services/items/{item.code}/apply/")
    assert response.status_code == 302, response.content.decode()[:2000]
    return Application.objects.filter(item=item).latest("created_at")


def submitted(client: Client) -> Application:
    application = start(client)
    fill(client, application)
    upload_required(client, application)
    response = client.post(f"/services/apply/{application.pk}/review/", {"token": str(application.submit_token)})
    assert response.status_code == 302, response.content.decode()[:3000]
    application.refresh_from_db()
    return application


def material(application: Application, name_part: str) -> Material:
    return application.version.materials.get(name__contains=name_part)
