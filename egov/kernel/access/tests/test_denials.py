"""Every denial lands in the audit log exactly once — even when the transaction it happened in rolls back."""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory
from ninja import NinjaAPI

from egov.api.errors import install_error_handlers
from egov.kernel.access.middleware import AccessDeniedAuditMiddleware
from egov.kernel.access.policy import AccessDenied, require
from egov.kernel.access.tests.conftest import Tree
from egov.kernel.access.tests.factories import RoleAssignmentFactory
from egov.kernel.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def denials() -> list[tuple]:
    return list(
        AuditEntry.objects.filter(action="access.denied").values_list("actor_id", "result", "org_unit_id", "detail")
    )


def test_denial_outside_a_transaction_is_recorded_at_once(tree: Tree) -> None:
    handler = RoleAssignmentFactory(org_unit=tree.qianqi_civil).user
    with pytest.raises(AccessDenied) as caught:
        require(handler, "workflow.handle", tree.tuquan_civil, target=tree.tuquan_civil)
    assert caught.value.audited is True
    assert denials() == [(handler.pk, "denied", tree.tuquan_civil.pk, {"perm": "workflow.handle"})]
    entry = AuditEntry.objects.get(action="access.denied")
    assert (entry.target_type, entry.target_id) == ("orgs.orgunit", str(tree.tuquan_civil.pk))


def test_denial_inside_a_transaction_is_recorded_by_the_middleware_after_rollback(tree: Tree) -> None:
    handler = RoleAssignmentFactory(org_unit=tree.qianqi_civil).user
    # when the denial happens inside a transaction that then rolls back
    with pytest.raises(AccessDenied) as caught, transaction.atomic():
        require(handler, "orgs.manage", tree.qianqi_civil)
    # then nothing was written yet
    assert caught.value.audited is False
    assert denials() == []
    # when the exception reaches the middleware
    middleware = AccessDeniedAuditMiddleware(lambda request: HttpResponse())
    request = RequestFactory().get("/office/")
    assert middleware.process_exception(request, caught.value) is None  # Django goes on to render its 403
    # then it is recorded, and only once even if something records it again
    middleware.process_exception(request, caught.value)
    assert caught.value.audited is True
    assert denials() == [(handler.pk, "denied", tree.qianqi_civil.pk, {"perm": "orgs.manage"})]


def test_middleware_ignores_other_exceptions(tree: Tree) -> None:
    middleware = AccessDeniedAuditMiddleware(lambda request: HttpResponse())
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("boom")) is None
    assert denials() == []


def test_api_error_handler_records_the_denial_and_answers_403_json(tree: Tree) -> None:
    handler = RoleAssignmentFactory(org_unit=tree.qianqi_civil).user
    api = NinjaAPI(urls_namespace="access-denial-test")
    install_error_handlers(api)
    with pytest.raises(AccessDenied) as caught, transaction.atomic():
        require(handler, "data.manage", tree.qianqi_civil)
    # when
    response = api.on_exception(RequestFactory().get("/api/office/x"), caught.value)
    # then
    assert response.status_code == 403
    assert json.loads(response.content) == {
        "error": {"code": "permission_denied", "message": "您没有权限执行此操作：管理数据资源"}
    }
    assert denials() == [(handler.pk, "denied", tree.qianqi_civil.pk, {"perm": "data.manage"})]
