"""Permission matrix (a denied action changes nothing) and the office pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from egov.domain.exchange import services
from egov.domain.exchange.models import ExchangeApplication, Grant, SharingRequest
from egov.domain.exchange.tests.factories import World, application, approved_grant, make_world, submit_request

pytestmark = pytest.mark.django_db


def _snapshot() -> tuple[Any, ...]:
    return (
        list(SharingRequest.objects.values_list("pk", "status", "version", "extension_status")),
        list(Grant.objects.values_list("pk", "revoked_at")),
        list(ExchangeApplication.objects.values_list("pk", "secret_digest", "is_active")),
    )


ACTIONS: dict[str, Callable[[World, Any], Any]] = {
    "submit": lambda w, actor: services.sharing_request_submit(
        actor=actor,
        entry=w.entry,
        consumer=w.consumer,
        basis="b",
        scenario="s",
        scope="s",
        method="api",
        use_until=date(2029, 1, 1),
        items=["企业名称"],
    ),
    "approve": lambda w, actor: services.sharing_request_approve(actor=actor, request=submit_request(w)),
    "refuse": lambda w, actor: services.sharing_request_refuse(actor=actor, request=submit_request(w), reason="r"),
    "correction": lambda w, actor: services.sharing_request_ask_correction(
        actor=actor, request=submit_request(w), note="n"
    ),
    "extension_decide": lambda w, actor: services.sharing_request_extension_decide(
        actor=actor,
        request=services.sharing_request_extension_ask(
            actor=w.provider_admin, request=submit_request(w), days=5, reason="r"
        ),
        approve=True,
    ),
    "withdraw": lambda w, actor: services.sharing_request_withdraw(actor=actor, request=submit_request(w)),
    "revoke": lambda w, actor: services.grant_revoke(actor=actor, grant=approved_grant(w), reason="r"),
    "app_create": lambda w, actor: services.application_create(actor=actor, consumer=w.consumer, name="x"),
    "app_rotate": lambda w, actor: services.application_rotate_secret(actor=actor, application=application(w)[0]),
}

#: action → who may do it (the others in ROLES must be refused)
ALLOWED = {
    "submit": {"requester"},
    "approve": {"provider_admin"},
    "refuse": {"provider_admin"},
    "correction": {"provider_admin"},
    "extension_decide": {"authority"},
    "withdraw": {"requester"},
    "revoke": {"provider_admin", "authority"},
    "app_create": {"requester"},
    "app_rotate": {"requester"},
}
ROLES = ("requester", "other_requester", "provider_admin", "authority", "outsider")


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(action: str, role: str) -> None:
    world = make_world()
    actor = getattr(world, role)
    if role in ALLOWED[action]:
        ACTIONS[action](world, actor)
        return
    # the starting state is arranged by the rightful actors inside ACTIONS; only the last step is ``role``'s
    with pytest.raises(PermissionDenied):
        ACTIONS[action](world, actor)


def test_a_denied_approval_changes_nothing() -> None:
    world = make_world()
    request = submit_request(world)
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        services.sharing_request_approve(actor=world.other_requester, request=request)
    assert _snapshot() == before


def _login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_request_pages_end_to_end() -> None:
    world = make_world()
    requester = _login(world.requester)
    form = reverse("exchange:request_new") + f"?entry={world.entry.code}"
    assert requester.get(form).status_code == 200
    # a bad submission keeps what was typed and says why
    bad = requester.post(
        form,
        {
            "entry": world.entry.code,
            "basis": "依据甲",
            "scenario": "",
            "scope": "科室",
            "method": "api",
            "use_until": "2029-01-01",
            "items": ["企业名称"],
        },
    )
    assert bad.status_code == 400
    assert "请填写使用场景" in bad.content.decode() and "依据甲" in bad.content.decode()
    ok = requester.post(
        form,
        {
            "entry": world.entry.code,
            "basis": "依据甲",
            "scenario": "核对",
            "scope": "科室",
            "method": "api",
            "use_until": "2029-01-01",
            "items": ["企业名称"],
            "consumer": str(world.consumer.pk),
        },
    )
    assert ok.status_code == 302
    sharing = SharingRequest.objects.get()
    provider = _login(world.provider_admin)
    detail = reverse("exchange:request_detail", args=[sharing.number])
    page = provider.get(detail).content.decode()
    assert "同意共享" in page
    # the answer clock is shown in words (正常/预警/超期), never as its code
    assert "wb-light-green" in page and "正常" in page and ">green<" not in page
    response = provider.post(
        detail,
        {
            "action": "approve",
            "version": str(sharing.version),
            "columns": ["企业名称"],
            "filter_column": "行政区划代码",
            "filter_values": "152201",
        },
    )
    assert response.status_code == 302
    grant = Grant.objects.get()
    assert (grant.columns, grant.row_filter) == (["企业名称"], {"行政区划代码": ["152201"]})
    assert world.entry.title in provider.get(reverse("exchange:dashboard")).content.decode()
    # someone from another unit does not see the request at all
    assert _login(world.other_requester).get(detail).status_code == 404


def test_applications_page_shows_the_secret_once() -> None:
    world = make_world()
    client = _login(world.requester)
    response = client.post(
        reverse("exchange:applications"),
        {"action": "create", "consumer": str(world.consumer.pk), "name": "低保核对系统", "rate_limit": "600"},
    )
    app = ExchangeApplication.objects.get()
    page = response.content.decode()
    assert "只显示这一次" in page and app.client_id in page
    assert "只显示这一次" not in client.get(reverse("exchange:applications")).content.decode()


def test_usage_page_and_evidence_download() -> None:
    world = make_world()
    approved_grant(world)
    app, secret = application(world)
    from egov.domain.exchange.tests.factories import call_headers

    call = Client().get(f"/exchange/v1/resources/{world.entry.code}/rows", **call_headers(app, secret))
    provider = _login(world.provider_admin)
    usage = provider.get(reverse("exchange:usage")).content.decode()
    assert world.consumer.name in usage and "XA-2026-000123" in usage
    evidence_url = reverse("exchange:evidence", args=[call["X-Exchange-Call-Id"]])
    assert provider.get(evidence_url).status_code == 200
    assert _login(world.other_requester).get(evidence_url).status_code == 404


def test_pages_need_a_data_role() -> None:
    world = make_world()
    assert _login(world.outsider).get(reverse("exchange:dashboard")).status_code == 403
