"""Office buttons: the provider answers 数据纠错; the provider or the data authority revokes a grant."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from egov.domain.exchange import services
from egov.domain.exchange.models import CorrectionRequest, CorrectionStatus, Grant
from egov.domain.exchange.tests.factories import World, approved_grant, make_world
from egov.kernel.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _correction(world: World) -> CorrectionRequest:
    approved_grant(world)
    return services.correction_file(
        actor=world.requester,
        entry=world.entry,
        consumer=world.consumer,
        description="企业“突泉县绿源农业合作社”已注销，仍显示为存续",
        record_ref="突泉县绿源农业合作社",
    )


def test_the_provider_answers_a_correction_from_the_dashboard() -> None:
    world = make_world()
    correction = _correction(world)
    provider = _login(world.provider_admin)
    page = provider.get(reverse("exchange:dashboard")).content.decode()
    url = reverse("exchange:correction_answer", args=[correction.pk])
    assert url in page and "答复纠错" in page and "突泉县绿源农业合作社" in page
    response = provider.post(url, {"answer": "已核实，已将该社状态更正为注销", "corrected": "1"}, follow=True)
    assert response.status_code == 200
    assert "已答复数据纠错" in response.content.decode()
    correction.refresh_from_db()
    assert (correction.status, correction.corrected, correction.answered_by) == (
        CorrectionStatus.ANSWERED,
        True,
        world.provider_admin,
    )
    # the requester sees the answer
    assert "已将该社状态更正为注销" in _login(world.requester).get(reverse("exchange:dashboard")).content.decode()


def test_an_empty_answer_is_refused_in_chinese() -> None:
    world = make_world()
    correction = _correction(world)
    response = _login(world.provider_admin).post(
        reverse("exchange:correction_answer", args=[correction.pk]), {"answer": "  "}
    )
    assert response.status_code == 400
    assert "请填写答复" in response.content.decode()
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.OPEN


@pytest.mark.parametrize("role", ["requester", "other_requester", "authority", "outsider"])
def test_only_the_provider_may_answer_a_correction(role: str) -> None:
    world = make_world()
    correction = _correction(world)
    response = _login(getattr(world, role)).post(
        reverse("exchange:correction_answer", args=[correction.pk]), {"answer": "已更正", "corrected": "1"}
    )
    assert response.status_code == 403
    correction.refresh_from_db()
    assert (correction.status, correction.answer) == (CorrectionStatus.OPEN, "")
    assert AuditEntry.objects.filter(action="access.denied", actor=getattr(world, role)).exists()


@pytest.mark.parametrize("role", ["provider_admin", "authority"])
def test_the_provider_or_the_authority_revokes_a_grant_with_a_reason(role: str) -> None:
    world = make_world()
    grant = approved_grant(world)
    client = _login(getattr(world, role))
    url = reverse("exchange:grant_revoke", args=[grant.pk])
    assert url in client.get(reverse("exchange:dashboard")).content.decode()
    missing = client.post(url, {"reason": ""})
    assert missing.status_code == 400 and "请填写撤销理由" in missing.content.decode()
    response = client.post(url, {"reason": "该单位低保核对业务已停止"}, follow=True)
    assert "已撤销授权" in response.content.decode()
    grant.refresh_from_db()
    assert (grant.revoked_by, grant.revoke_reason) == (getattr(world, role), "该单位低保核对业务已停止")
    again = client.post(url, {"reason": "再撤"})
    assert again.status_code == 400 and "该授权已撤销" in again.content.decode()


@pytest.mark.parametrize("role", ["requester", "other_requester", "outsider"])
def test_others_cannot_revoke_a_grant(role: str) -> None:
    world = make_world()
    grant = approved_grant(world)
    client = _login(getattr(world, role))
    url = reverse("exchange:grant_revoke", args=[grant.pk])
    if role != "outsider":
        assert url not in client.get(reverse("exchange:dashboard")).content.decode()
    assert client.post(url, {"reason": "想撤销"}).status_code == 403
    grant.refresh_from_db()
    assert grant.revoked_at is None and Grant.objects.filter(revoked_at__isnull=True).count() == 1


def test_get_is_not_allowed_and_unknown_ids_are_404() -> None:
    world = make_world()
    grant = approved_grant(world)
    client = _login(world.provider_admin)
    assert client.get(reverse("exchange:grant_revoke", args=[grant.pk])).status_code == 405
    assert client.post(reverse("exchange:grant_revoke", args=[grant.pk + 999]), {"reason": "x"}).status_code == 404
