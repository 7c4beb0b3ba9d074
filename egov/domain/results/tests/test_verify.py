"""The public verification page and API: genuine / forged / revoked / expired, masked, rate limited, never a 500."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from egov.domain.results.models import Certificate
from egov.domain.results.services import certificate_revoke
from egov.domain.results.tests.conftest import World
from egov.domain.results.tests.test_certificates import ID_NUMBER, USCC, issue
from egov.kernel.audit.models import AuditEntry

FORGED = "未查询到该证照，可能为伪造"


def page(code: str, client: Client | None = None) -> Any:
    return (client or Client()).get(f"/verify/{quote(code, safe='')}/")


def test_a_genuine_valid_certificate_is_shown_masked_without_sign_in(world: World) -> None:
    certificate = issue(world)
    audit_before = AuditEntry.objects.count()
    response = page(certificate.code)
    body = response.content.decode()
    assert response.status_code == 200
    assert "该证照真实有效" in body
    assert 'data-verify-state="valid"' in body
    assert certificate.number in body and "科尔沁右翼前旗市场监督管理局" in body
    assert "王**" in body and "王小明" not in body
    assert "1101**********002X" in body and ID_NUMBER not in body
    assert response["Cache-Control"] == "no-store"
    assert AuditEntry.objects.count() == audit_before  # a public look-up writes nothing


def test_a_code_typed_in_lower_case_with_dashes_is_found(world: World) -> None:
    certificate = issue(world)
    typed = "-".join(certificate.code[i : i + 4] for i in range(0, 24, 4)).lower()
    assert page(typed).status_code == 200


def test_a_business_holder_is_shown_in_full(world: World) -> None:
    certificate = issue(world, holder_name="兴安盟测试有限公司", holder_code=USCC)
    body = page(certificate.code).content.decode()
    assert "兴安盟测试有限公司" in body and USCC in body


@pytest.mark.parametrize(
    "code", ["AAAAAAAAAAAAAAAAAAAAAAAA", "abc", "<script>alert(1)</script>", "证照" * 50, "%00", "A" * 500]
)
def test_a_forged_or_malformed_code_says_so_and_never_fails(world: World, code: str) -> None:
    issue(world)
    response = page(code)
    assert response.status_code == 404
    body = response.content.decode()
    assert FORGED in body
    assert "<script>alert(1)" not in body


def test_a_revoked_certificate_shows_when_and_why(world: World) -> None:
    certificate = issue(world)
    certificate_revoke(actor=world.handler, certificate=certificate, reason="以欺骗手段取得许可")
    body = page(certificate.code).content.decode()
    assert "该证照真实，但已被发证机关撤销，现已无效" in body
    assert "以欺骗手段取得许可" in body
    assert 'data-verify-state="revoked"' in body


def test_an_expired_certificate_says_so(world: World) -> None:
    certificate = issue(world)
    Certificate.objects.filter(pk=certificate.pk).update(valid_until=dt.date(2020, 12, 31))
    body = page(certificate.code).content.decode()
    assert "该证照真实，但已超过有效期，现已无效" in body
    assert "2020年12月31日" in body


def test_look_ups_are_rate_limited_per_ip(world: World, settings: Any) -> None:
    settings.EGOV_VERIFY_RATE_PER_MINUTE = 3
    certificate = issue(world)
    client = Client(REMOTE_ADDR="10.1.2.3")
    assert [page(certificate.code, client).status_code for _ in range(3)] == [200, 200, 200]
    limited = page(certificate.code, client)
    assert limited.status_code == 429
    assert "查询过于频繁，请一分钟后再试" in limited.content.decode()
    assert page(certificate.code, Client(REMOTE_ADDR="10.9.9.9")).status_code == 200


def test_the_code_form_redirects_or_explains(world: World) -> None:
    certificate = issue(world)
    client = Client()
    assert client.get(reverse("results:verify_form")).status_code == 200
    response = client.get(reverse("results:verify_form"), {"code": certificate.code.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("results:verify", args=[certificate.code])
    bad = client.get(reverse("results:verify_form"), {"code": "1234"})
    assert bad.status_code == 400
    assert "核验码应为16位以上的字母和数字" in bad.content.decode()


def test_the_api_gives_the_same_answer(world: World, settings: Any) -> None:
    certificate = issue(world)
    client = Client(REMOTE_ADDR="10.4.4.4")
    data = client.get(f"/api/public/verify/{certificate.code}").json()
    assert data["state"] == "valid"
    assert data["holder"] == "王**"
    assert data["holder_code"] == "1101**********002X"
    assert data["number"] == certificate.number
    missing = client.get("/api/public/verify/AAAAAAAAAAAAAAAAAAAAAAAA")
    assert missing.status_code == 404
    assert missing.json()["error"] == {"code": "certificate_not_found", "message": FORGED, "field": None}
    settings.EGOV_VERIFY_RATE_PER_MINUTE = 2
    limited = client.get(f"/api/public/verify/{certificate.code}")
    assert limited.status_code == 429
    assert limited.json()["error"]["message"] == "查询过于频繁，请一分钟后再试"
