"""The office pages: a case's results scoped by permission, revocation with a reason, the overview."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from egov.domain.results.models import CertificateStatus
from egov.domain.results.services import delivery_choose, notice_issue
from egov.domain.results.tests.conftest import World
from egov.domain.results.tests.test_certificates import issue
from egov.domain.results.tests.test_delivery import ADDRESS
from egov.kernel.audit.models import AuditEntry


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_case_page_lists_results_and_revokes_with_a_reason(world: World) -> None:
    notice = notice_issue(actor=world.handler, case=world.case, kind="acceptance", paragraphs=["予以受理。"])
    certificate = issue(world)
    client = _client(world.handler)
    page = client.get(reverse("results:office_case", args=[world.case.number]))
    assert page.status_code == 200
    body = page.content.decode()
    assert notice.number in body and certificate.number in body and certificate.verify_url in body
    revoke = reverse("results:certificate_revoke", args=[world.case.number, certificate.pk])
    blank = client.post(revoke, {f"c{certificate.pk}-reason": ""})
    assert blank.status_code == 400
    assert "请填写撤销原因" in blank.content.decode()
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID
    assert client.post(revoke, {f"c{certificate.pk}-reason": "许可证件依法被吊销"}).status_code == 302
    certificate.refresh_from_db()
    assert (certificate.status, certificate.revoke_reason) == ("revoked", "许可证件依法被吊销")


def test_staff_of_another_unit_and_citizens_are_kept_out(world: World) -> None:
    certificate = issue(world)
    page = reverse("results:office_case", args=[world.case.number])
    revoke = reverse("results:certificate_revoke", args=[world.case.number, certificate.pk])
    other = _client(world.other_handler)
    assert other.get(page).status_code == 403
    assert other.post(revoke, {f"c{certificate.pk}-reason": "越权"}).status_code == 403
    assert AuditEntry.objects.filter(action="access.denied", actor_id=world.other_handler.pk).exists()
    assert _client(world.applicant).get(page).status_code == 403
    assert _client(world.handler).get(reverse("results:office_case", args=["XA-1999-000001"])).status_code == 404
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_the_full_address_is_revealed_only_on_request_and_audited(world: World) -> None:
    delivery_choose(actor=world.applicant, case=world.case, method="post", address=ADDRESS, phone="13912345678")
    client = _client(world.handler)
    url = reverse("results:delivery_reveal", args=[world.case.number])
    assert ADDRESS not in client.get(reverse("results:office_case", args=[world.case.number])).content.decode()
    body = client.post(url).content.decode()
    assert ADDRESS in body and "13912345678" in body
    assert AuditEntry.objects.get(action="results.delivery_address_reveal").detail == {"case": world.case.number}
    assert _client(world.other_handler).post(url).status_code == 403


def test_the_overview_shows_pending_deliveries_of_my_units_only(world: World) -> None:
    delivery_choose(actor=world.applicant, case=world.case, method="pickup")
    index = reverse("results:office_index")
    assert world.case.number in _client(world.handler).get(index).content.decode()
    assert world.case.number not in _client(world.other_handler).get(index).content.decode()
    found = _client(world.handler).get(index, {"number": world.case.number})
    assert found["Location"] == reverse("results:office_case", args=[world.case.number])
