"""Chinese error pages; APIs get JSON instead."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory

from egov.web import views
from egov.web.tests.factories import MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("egov.web.tests.urls")]


def test_unknown_page_is_a_chinese_404_with_the_site_chrome(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>页面不存在</h1>" in html
    assert "兴安盟人民政府" in html


def test_unknown_office_page_uses_the_office_chrome(client: Client) -> None:
    client.force_login(MembershipFactory().user)
    html = client.get("/office/no-such-page/").content.decode()
    assert "<h1>页面不存在</h1>" in html
    assert "协同办公工作台" in html


def test_unknown_api_path_answers_json(client: Client) -> None:
    response = client.get("/api/no-such-thing", HTTP_ACCEPT="application/json")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "请求的资源不存在"}}


def test_permission_denied_page_shows_the_reason(rf: RequestFactory) -> None:
    request = rf.get("/office/audit/")
    request.user = MembershipFactory().user
    response = views.permission_denied(request, PermissionDenied("您没有查看审计日志的权限"))
    assert response.status_code == 403
    assert "您没有查看审计日志的权限" in response.content.decode()
    assert "无权访问" in response.content.decode()


def test_server_error_page_renders_without_context_and_shows_the_request_id(rf: RequestFactory) -> None:
    request = rf.get("/")
    request.request_id = "abc123"
    response = views.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "系统繁忙，请稍后再试" in html
    assert "<code>abc123</code>" in html
