"""The whole flow against the real results and agency apps (their contract side): notices with numbers and
PDFs, the certificate, the agent assignment, and the applicant's case page listing the documents."""

from __future__ import annotations

from typing import Any

import pytest

from egov.domain.services import handling
from egov.domain.services.models import Application, ApplicationStatus
from egov.domain.services.tests import hall
from egov.kernel.workflow.models import WorkItem

pytestmark = pytest.mark.usefixtures("seeded", "media")


def test_notices_and_the_certificate_are_issued_for_the_applicant(django_capture_on_commit_callbacks: Any) -> None:
    from egov.domain.results.selectors import certificates_for_case, notices_for_case

    client = hall.signed_in(hall.person())
    with django_capture_on_commit_callbacks(execute=True):
        application = hall.submitted(client)
        handling.application_accept(actor=hall.staff("wlht_scjg"), application=application)
        for item in WorkItem.objects.filter(case=application.case, step__startswith="review_"):
            handling.application_review(
                actor=hall.staff("wlht_rsj" if item.step == "review_rsj" else "wlht_scjg"),
                application=application,
                item=item,
                agree=True,
                opinion="",
            )
        handling.application_decide(
            actor=hall.staff("wlht_scjg_leader"), application=application, approve=True, reason=""
        )
    application = Application.objects.get(pk=application.pk)
    assert application.status == ApplicationStatus.APPROVED
    assert application.case is not None
    notices = list(notices_for_case(application.case))
    assert [n.kind for n in notices] == ["acceptance", "approval"]
    assert all(n.file_id for n in notices)
    (certificate,) = certificates_for_case(application.case)
    assert certificate.title == "营业执照" and certificate.file_id
    html = client.get(f"/my/cases/{application.case_number}/").content.decode()
    assert notices[0].number in html and certificate.number in html
