"""The demo's online applications: submitted through the real services, visible where staff and citizen look."""

from __future__ import annotations

from typing import Any

import pytest

from egov.domain.services.apply import answers_of
from egov.domain.services.demo import applications
from egov.domain.services.models import Application, ApplicationMaterial, ApplicationStatus
from egov.domain.services.tests import hall
from egov.kernel.audit.models import AuditEntry
from egov.kernel.workflow.models import CaseStatus, WorkItem

pytestmark = pytest.mark.usefixtures("seeded", "media")


def test_the_citizen_has_one_accepted_and_one_waiting_application(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert applications.load() == 2

    by_trade = {answers_of(a)["trade_name"]: a for a in Application.objects.select_related("case")}
    accepted, waiting = by_trade["乌兰浩特市张明蒙餐馆"], by_trade["乌兰浩特市张明奶茶铺"]
    assert (accepted.status, waiting.status) == (ApplicationStatus.ACCEPTED, ApplicationStatus.SUBMITTED)
    assert accepted.applicant_name == waiting.applicant_name == "张明"
    for application in (accepted, waiting):
        assert application.case is not None and application.case.status == CaseStatus.OPEN
        assert ApplicationMaterial.objects.filter(application=application).count() == 3
    assert set(
        WorkItem.objects.filter(case=waiting.case, completed_at__isnull=True).values_list("step", flat=True)
    ) == {"accept"}
    assert "accept" not in WorkItem.objects.filter(case=accepted.case, completed_at__isnull=True).values_list(
        "step", flat=True
    )
    # the handler's office list and the citizen's own list show both
    office = hall.signed_in(hall.staff("wlht_scjg")).get("/office/services/applications/").content.decode()
    mine = hall.signed_in(hall.person()).get("/my/cases/").content.decode()
    for application in (accepted, waiting):
        assert application.case_number in office
        assert application.case_number in mine


def test_loading_again_adds_nothing(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        applications.load()
    audit = AuditEntry.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        assert applications.load() == 0

    assert Application.objects.count() == 2
    assert AuditEntry.objects.count() == audit
