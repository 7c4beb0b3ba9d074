"""Permission matrix of the result PDFs: through the files app's checked, audited download only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from egov.domain.results.services import notice_issue
from egov.domain.results.tests.conftest import World
from egov.domain.results.tests.factories import StaffFactory, grant
from egov.domain.results.tests.test_certificates import issue
from egov.kernel.audit.models import AuditEntry


def _client(user: object | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("applicant", 200),
        ("handler", 200),
        ("viewer", 200),  # workflow.view_all at the League with sub-units (a leader)
        ("other_handler", 404),
        ("stranger", 404),
        ("anonymous", 404),
    ],
)
def test_who_may_download_notices_and_certificates(world: World, who: str, status: int) -> None:
    # given
    notice = notice_issue(actor=world.handler, case=world.case, kind="acceptance", paragraphs=["予以受理。"])
    certificate = issue(world)
    viewer = StaffFactory(username="rs_viewer")
    grant(viewer, "leader", world.league, include_subunits=True)
    people = {
        "applicant": world.applicant,
        "handler": world.handler,
        "viewer": viewer,
        "other_handler": world.other_handler,
        "stranger": world.stranger,
        "anonymous": None,
    }
    client = _client(people[who])
    for stored in (notice.file, certificate.file):
        assert stored is not None
        before = AuditEntry.objects.filter(action="files.download").count()
        # when
        response = client.get(reverse("files:download", args=[stored.pk]))
        # then
        assert response.status_code == status
        entry = AuditEntry.objects.filter(action="files.download").order_by("-id").first()
        assert AuditEntry.objects.filter(action="files.download").count() == before + 1
        assert entry is not None
        assert entry.result == ("success" if status == 200 else "denied")
        if status == 200:
            assert response["Content-Type"] == "application/pdf"
            assert b"".join(response.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]


def test_the_office_download_works_for_the_handler(world: World) -> None:
    notice = notice_issue(actor=world.handler, case=world.case, kind="acceptance", paragraphs=["予以受理。"])
    assert notice.file is not None
    response = _client(world.handler).get(reverse("files:office_download", args=[notice.file.pk]))
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
