from __future__ import annotations

import io

import pytest
from django.core.management.base import OutputWrapper
from django.test import Client
from django.urls import reverse

from egov.domain.exchange.models import (
    AccessLogEntry,
    CallResult,
    ExchangeApplication,
    Grant,
    RequestStatus,
    SharingRequest,
)
from egov.kernel.accounts.models import User
from egov.kernel.orgs.demo import discover_demo_steps
from egov.kernel.workflow.models import Case, CaseStatus, WorkItem

pytestmark = pytest.mark.django_db


def _run(names: set[str]) -> str:
    out = io.StringIO()
    for step in discover_demo_steps():
        if step.name in names:
            step.load(OutputWrapper(out))
    return out.getvalue()


def _counts() -> tuple[int, ...]:
    return (
        SharingRequest.objects.count(),
        Grant.objects.count(),
        ExchangeApplication.objects.count(),
        AccessLogEntry.objects.count(),
        Case.objects.filter(process_key="exchange_sharing").count(),
        WorkItem.objects.filter(process_key="exchange_sharing").count(),
        User.objects.count(),
    )


def test_demo_step_makes_a_delivered_request_a_pending_one_and_calls_once() -> None:
    # given the org tree, accounts and the catalogue
    _run({"orgs", "accounts", "data"})
    # when the exchange step runs twice
    first = _run({"exchange"})
    counts = _counts()
    second = _run({"exchange"})
    # then nothing is duplicated
    assert _counts() == counts
    assert "共享申请 新建 2 件" in first and "演示调用 3 次" in first
    assert "共享申请 新建 0 件" in second and "演示调用 0 次" in second
    delivered = SharingRequest.objects.get(entry__code="01.01.02-0001")
    assert (delivered.consumer.code, delivered.provider.code, delivered.status) == (
        "152201-RSJ",
        "152200-SCJGJ",
        RequestStatus.DELIVERED,
    )
    assert delivered.case is not None and delivered.case.status == CaseStatus.COMPLETED
    pending = SharingRequest.objects.get(entry__code="01.01.01-0001")
    assert pending.status == RequestStatus.SUBMITTED
    assert WorkItem.objects.filter(case=pending.case, step="review_unconditional", status="open").exists()
    assert list(AccessLogEntry.objects.values_list("result", flat=True)) == [CallResult.OK] * 3
    # the provider's usage page and the requester's dashboard show them
    provider = Client()
    provider.force_login(User.objects.get(username="scjg_data"))
    usage = provider.get(reverse("exchange:usage")).content.decode()
    assert "乌兰浩特市人力资源和社会保障局" in usage and "一次性创业补贴审核" in usage
    requester = Client()
    requester.force_login(User.objects.get(username="wlht_rsj_data"))
    dashboard = requester.get(reverse("exchange:dashboard")).content.decode()
    assert delivered.number in dashboard and pending.number in dashboard and "兴安盟个体工商户登记信息" in dashboard
