from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory, override_settings

from egov.kernel.audit.models import AuditEntry
from egov.kernel.audit.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def _failed_request() -> object:
    request = RequestFactory().post("/office/login/", REMOTE_ADDR="10.9.8.7", HTTP_USER_AGENT="pytest")
    return request


def test_sign_in_and_sign_out_are_recorded() -> None:
    # given
    user = StaffFactory(username="wangjg")
    client = Client()
    # when
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.logout()
    # then
    rows = list(AuditEntry.objects.order_by("id").values_list("action", "result", "actor_id", "actor_username"))
    assert rows == [
        ("accounts.sign_in", "success", user.pk, "wangjg"),
        ("accounts.sign_out", "success", user.pk, "wangjg"),
    ]


def test_failed_sign_in_keeps_the_username_and_never_the_password() -> None:
    StaffFactory(username="wangjg")
    assert authenticate(_failed_request(), username="wangjg", password="Wrong#pass1") is None
    entry = AuditEntry.objects.get(action="accounts.sign_in_failed")
    assert (entry.result, entry.actor_id, entry.detail) == ("failure", None, {"username": "wangjg"})
    assert "Wrong#pass1" not in str(AuditEntry.objects.values_list())


@override_settings(AXES_FAILURE_LIMIT=2)
def test_lockout_is_recorded() -> None:
    StaffFactory(username="wangjg")
    for _ in range(2):
        authenticate(_failed_request(), username="wangjg", password="Wrong#pass1")
    entry = AuditEntry.objects.get(action="accounts.locked_out")
    assert entry.result == "failure"
    assert entry.detail["username"] == "wangjg"
    assert AuditEntry.objects.filter(action="accounts.sign_in_failed").count() == 2
