from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from egov.kernel.accounts.models import User
from egov.kernel.audit.models import AuditEntry
from egov.kernel.audit.services import audit_record
from egov.kernel.audit.tests.factories import OrgUnitFactory, StaffFactory, grant

pytestmark = pytest.mark.django_db


def _request(user: User) -> object:
    request = RequestFactory().get("/office/django-admin/audit/auditentry/")
    request.user = user
    return request


def test_admin_lets_the_auditor_read_and_nobody_add_change_or_delete() -> None:
    auditor = StaffFactory(username="shenji")
    grant(auditor, "auditor", OrgUnitFactory(), include_subunits=True)
    entry = audit_record(actor=None, action="test.entry")
    model_admin = site._registry[AuditEntry]
    request = _request(auditor)
    assert model_admin.has_view_permission(request, entry) is True
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request, entry) is False
    assert model_admin.has_delete_permission(request, entry) is False


def test_admin_hides_the_log_from_a_superuser() -> None:
    root = User.objects.create_superuser("root", password="Xam#2026pass")
    model_admin = site._registry[AuditEntry]
    assert model_admin.has_module_permission(_request(root)) is False
    assert model_admin.has_view_permission(_request(root)) is False
