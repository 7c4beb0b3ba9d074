"""The exchange API: every call checked against a grant (deny by default), logged and signed."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client

from egov.domain.exchange import gateway, services
from egov.domain.exchange.models import AccessLogEntry
from egov.domain.exchange.tests.factories import ROWS, application, approved_grant, call_headers, make_world

pytestmark = pytest.mark.django_db


def _get(path: str, headers: dict[str, str], **params: Any) -> Any:
    return Client().get(path, params, **headers)


def _rows_path(world: Any) -> str:
    return f"/exchange/v1/resources/{world.entry.code}/rows"


def _error(response: Any) -> dict[str, str]:
    return json.loads(response.content)["error"]


def test_granted_columns_only_and_the_call_is_logged() -> None:
    # given a grant for three of the four items
    world = make_world()
    grant = approved_grant(world, columns=["企业名称", "注册资本"])
    app, secret = application(world)
    # when the consumer calls without naming columns
    response = _get(_rows_path(world), call_headers(app, secret))
    # then only the granted columns come back, for every row
    assert response.status_code == 200
    body = json.loads(response.content)
    assert [column["name"] for column in body["columns"]] == ["企业名称", "注册资本"]
    assert len(body["rows"]) == len(ROWS)
    assert all(set(row) == {"企业名称", "注册资本"} for row in body["rows"])
    # and the log says who, for whom, for which case, and how many rows
    entry = AccessLogEntry.objects.get(call_id=response["X-Exchange-Call-Id"])
    assert (entry.result, entry.status_code, entry.grant_id, entry.row_count) == ("ok", 200, grant.pk, len(ROWS))
    assert (entry.end_user, entry.issue, entry.client_id) == ("staff-1024", "XA-2026-000123", app.client_id)
    assert entry.rows_digest == response["X-Exchange-Rows-Digest"]


def test_a_column_outside_the_grant_is_refused_not_silently_dropped() -> None:
    world = make_world()
    approved_grant(world, columns=["企业名称", "注册资本"])
    app, secret = application(world)
    response = _get(_rows_path(world), call_headers(app, secret), columns="企业名称,法定代表人")
    assert response.status_code == 403
    assert _error(response) == {"code": "column_not_granted", "message": "数据项“法定代表人”不在共享授权范围内"}
    assert "张三" not in response.content.decode()
    assert AccessLogEntry.objects.get(call_id=response["X-Exchange-Call-Id"]).result == "denied"


def test_filtering_on_a_column_outside_the_grant_is_refused() -> None:
    # a filter on a hidden column would let a consumer probe its values
    world = make_world()
    approved_grant(world, columns=["企业名称"])
    app, secret = application(world)
    response = _get(_rows_path(world), call_headers(app, secret), filter="法定代表人:eq:张三")
    assert response.status_code == 403
    assert _error(response)["code"] == "column_not_granted"


def test_row_filter_limits_rows_to_the_consumers_own_county() -> None:
    world = make_world()
    approved_grant(world, row_filter={"行政区划代码": ["152201"]})
    app, secret = application(world)
    response = _get(_rows_path(world), call_headers(app, secret))
    rows = json.loads(response.content)["rows"]
    assert response.status_code == 200
    assert {row["行政区划代码"] for row in rows} == {"152201"}
    assert len(rows) == 3
    # and a caller's own filter narrows further but can never widen the grant
    widened = _get(_rows_path(world), call_headers(app, secret), filter="行政区划代码:eq:152224")
    assert json.loads(widened.content)["rows"] == []


def test_caller_filters_and_cursor_paging() -> None:
    world = make_world()
    approved_grant(world)
    app, secret = application(world)
    first = json.loads(_get(_rows_path(world), call_headers(app, secret), limit="2").content)
    assert len(first["rows"]) == 2 and first["next_cursor"]
    second = json.loads(
        _get(_rows_path(world), call_headers(app, secret), limit="2", cursor=first["next_cursor"]).content
    )
    assert second["rows"][0]["企业名称"] == ROWS[2][0]
    filtered = json.loads(_get(_rows_path(world), call_headers(app, secret), filter="注册资本:gte:200").content)
    assert [row["企业名称"] for row in filtered["rows"]] == [ROWS[0][0], ROWS[3][0]]


def test_deny_by_default_without_a_grant() -> None:
    world = make_world()
    app, secret = application(world)
    response = _get(_rows_path(world), call_headers(app, secret))
    assert response.status_code == 403
    assert _error(response) == {"code": "no_grant", "message": "本单位没有该信息资源的有效共享授权"}
    entry = AccessLogEntry.objects.get(call_id=response["X-Exchange-Call-Id"])
    assert (entry.result, entry.reason_code, entry.row_count) == ("denied", "no_grant", 0)


def test_another_units_grant_does_not_help() -> None:
    world = make_world()
    approved_grant(world)
    other_app, other_secret = services.application_create(
        actor=world.other_requester, consumer=world.other_consumer, name="突泉核对"
    )
    response = _get(_rows_path(world), call_headers(other_app, other_secret))
    assert response.status_code == 403
    assert _error(response)["code"] == "no_grant"


def test_expired_grant_is_denied(monkeypatch: pytest.MonkeyPatch) -> None:
    world = make_world()
    grant = approved_grant(world, valid_until=date(2027, 6, 30))
    app, secret = application(world)
    monkeypatch.setattr(gateway, "_today", lambda: date(2027, 7, 1))
    response = _get(_rows_path(world), call_headers(app, secret))
    assert response.status_code == 403
    assert _error(response) == {"code": "grant_expired", "message": "该信息资源的共享授权已于 2027-06-30 到期"}
    assert grant.valid_until == date(2027, 6, 30)


def test_revoked_grant_is_denied_from_the_next_call() -> None:
    world = make_world()
    grant = approved_grant(world)
    app, secret = application(world)
    assert _get(_rows_path(world), call_headers(app, secret)).status_code == 200
    services.grant_revoke(actor=world.provider_admin, grant=grant, reason="使用单位超范围使用")
    response = _get(_rows_path(world), call_headers(app, secret))
    assert response.status_code == 403
    assert _error(response) == {"code": "grant_revoked", "message": "该信息资源的共享授权已被撤销"}


@pytest.mark.parametrize(
    ("drop", "names"),
    [
        ("HTTP_X_ROAD_ISSUE", "X-Road-Issue"),
        ("HTTP_X_ROAD_USERID", "X-Road-UserId"),
        ("HTTP_X_ROAD_CLIENT", "X-Road-Client"),
    ],
)
def test_calls_without_the_x_road_headers_are_rejected(drop: str, names: str) -> None:
    world = make_world()
    approved_grant(world)
    app, secret = application(world)
    headers = call_headers(app, secret)
    del headers[drop]
    response = _get(_rows_path(world), headers)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert _error(response) == {
        "code": "missing_headers",
        "message": f"缺少请求头：{names}。"
        "每次调用须写明调用方（X-Road-Client）、最终用户（X-Road-UserId）和所办事项（X-Road-Issue）",
    }
    assert AccessLogEntry.objects.get(call_id=response["X-Exchange-Call-Id"]).result == "rejected"


def test_client_header_must_match_the_credential() -> None:
    world = make_world()
    approved_grant(world)
    app, secret = application(world)
    headers = {**call_headers(app, secret), "HTTP_X_ROAD_CLIENT": "OTHER/xa123"}
    response = _get(_rows_path(world), headers)
    assert response.status_code == 400
    assert _error(response)["message"] == f"X-Road-Client 应为“{world.consumer.code}/{app.client_id}”，与应用凭证不符"


@pytest.mark.parametrize("secret_override", ["wrong-secret", None])
def test_bad_or_missing_credentials_are_401_and_logged(secret_override: str | None) -> None:
    world = make_world()
    approved_grant(world)
    app, _secret = application(world)
    headers = call_headers(app, secret_override or "x")
    if secret_override is None:
        del headers["HTTP_AUTHORIZATION"]
    response = _get(_rows_path(world), headers)
    assert response.status_code == 401
    assert _error(response)["code"] == "unauthenticated"
    entry = AccessLogEntry.objects.get(call_id=response["X-Exchange-Call-Id"])
    assert (entry.result, entry.application_id) == ("denied", None)


def test_disabled_application_is_refused_and_a_rotated_secret_replaces_the_old() -> None:
    world = make_world()
    approved_grant(world)
    app, secret = application(world)
    new_secret = services.application_rotate_secret(actor=world.requester, application=app)
    assert _get(_rows_path(world), call_headers(app, secret)).status_code == 401
    assert _get(_rows_path(world), call_headers(app, new_secret)).status_code == 200
    services.application_set_active(actor=world.requester, application=app, active=False)
    response = _get(_rows_path(world), call_headers(app, new_secret))
    assert response.status_code == 401
    assert _error(response) == {"code": "application_disabled", "message": "该应用已停用，请联系本单位数据管理员"}


def test_secret_is_stored_hashed() -> None:
    world = make_world()
    app, secret = application(world)
    app.refresh_from_db()
    assert secret not in app.secret_digest and app.secret_digest == services.secret_digest(secret)


def test_rate_limit_per_application() -> None:
    world = make_world()
    approved_grant(world)
    app, secret = application(world, rate_limit=3)
    statuses = [_get(_rows_path(world), call_headers(app, secret)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = _get(_rows_path(world), call_headers(app, secret))
    assert _error(response) == {
        "code": "rate_limited",
        "message": "调用过于频繁：该应用每分钟最多调用 3 次，请稍后重试",
    }
    assert AccessLogEntry.objects.filter(result="limited").count() == 2
    # another application of the same unit has its own budget
    other, other_secret = services.application_create(actor=world.requester, consumer=world.consumer, name="第二系统")
    assert _get(_rows_path(world), call_headers(other, other_secret)).status_code == 200


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"limit": "abc"}, 400, "invalid_limit"),
        ({"limit": "5000"}, 400, "invalid_limit"),
        ({"filter": "企业名称"}, 400, "invalid_filter"),
        ({"filter": "注册资本:gte:很多"}, 400, "invalid_value"),
        ({"filter": "企业名称:like:x"}, 400, "unknown_operator"),
        ({"cursor": "@@@"}, 400, "invalid_cursor"),
    ],
)
def test_bad_input_is_a_4xx_json_with_a_chinese_message(params: dict[str, str], status: int, code: str) -> None:
    world = make_world()
    approved_grant(world)
    app, secret = application(world)
    response = _get(_rows_path(world), call_headers(app, secret), **params)
    assert response.status_code == status
    error = _error(response)
    assert error["code"] == code
    assert any("\u4e00" <= char <= "\u9fff" for char in error["message"])


def test_unknown_resource_and_wrong_method() -> None:
    world = make_world()
    app, secret = application(world)
    missing = _get("/exchange/v1/resources/99.99.99-9999/rows", call_headers(app, secret))
    assert missing.status_code == 404
    assert _error(missing) == {"code": "resource_not_found", "message": "信息资源“99.99.99-9999”不存在"}
    post = Client().post(_rows_path(world), {}, **call_headers(app, secret))
    assert post.status_code == 405
    assert _error(post)["message"] == "交换接口只接受 GET 请求"


def test_list_of_granted_resources() -> None:
    world = make_world()
    approved_grant(world, columns=["企业名称"], row_filter={"行政区划代码": ["152201"]})
    app, secret = application(world)
    body = json.loads(_get("/exchange/v1/resources", call_headers(app, secret)).content)
    assert body["resources"] == [
        {
            "code": world.entry.code,
            "title": world.entry.title,
            "provider": world.provider.name,
            "columns": ["企业名称"],
            "row_filter": {"行政区划代码": ["152201"]},
            "valid_until": "2029-12-31",
        }
    ]


def test_filter_values_are_masked_in_the_log() -> None:
    world = make_world()
    approved_grant(world)
    app, secret = application(world)
    response = _get(_rows_path(world), call_headers(app, secret), filter="企业名称:eq:兴安盟草原乳业有限公司")
    entry = AccessLogEntry.objects.get(call_id=response["X-Exchange-Call-Id"])
    assert "草原乳业" not in entry.query
    assert entry.query.endswith("%3Aeq%3A%2A%2A%2A")
