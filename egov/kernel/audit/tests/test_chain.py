from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from egov.kernel.audit.chain import GENESIS_HASH, canonical_content, entry_hash, utc_iso
from egov.kernel.audit.models import AuditChainHead, AuditEntry
from egov.kernel.audit.services import audit_record
from egov.kernel.audit.tests.factories import OrgUnitFactory, StaffFactory
from egov.kernel.crypto import sm3_hex
from egov.web.request_context import RequestInfo, reset_request_info, set_request_info

pytestmark = pytest.mark.django_db


def _stored_values(entry_id: int) -> dict:
    stored = AuditEntry.objects.get(pk=entry_id)
    return {
        name: getattr(stored, name)
        for name in (
            "id",
            "created_at",
            "actor_id",
            "actor_username",
            "actor_display",
            "org_unit_id",
            "org_unit_name",
            "action",
            "target_type",
            "target_id",
            "target_repr",
            "result",
            "ip",
            "user_agent",
            "request_id",
            "detail",
            "prev_hash",
        )
    }


def test_first_entry_links_to_genesis_and_hashes_its_canonical_content() -> None:
    # given
    actor = StaffFactory(username="auditor1", real_name="李娜")
    unit = OrgUnitFactory(name="兴安盟行政审批和政务服务局")
    token = set_request_info(RequestInfo(request_id="req-1", ip="10.1.2.3", user_agent="Mozilla/5.0"))
    # when
    try:
        entry = audit_record(actor=actor, action="orgs.unit_update", target=unit, org_unit=unit, detail={"a": 1})
    finally:
        reset_request_info(token)
    # then
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.id == 1
    assert stored.prev_hash == GENESIS_HASH
    assert (stored.actor_id, stored.actor_username, stored.actor_display) == (actor.pk, "auditor1", "李娜")
    assert (stored.org_unit_id, stored.org_unit_name) == (unit.pk, "兴安盟行政审批和政务服务局")
    assert (stored.target_type, stored.target_id, stored.target_repr) == ("orgs.orgunit", str(unit.pk), unit.name)
    assert (stored.ip, stored.user_agent, stored.request_id) == ("10.1.2.3", "Mozilla/5.0", "req-1")
    assert stored.entry_hash == sm3_hex(GENESIS_HASH + canonical_content(_stored_values(stored.pk)))
    assert AuditChainHead.objects.get(pk=1).last_id == 1
    assert AuditChainHead.objects.get(pk=1).last_hash == stored.entry_hash


def test_each_entry_links_to_the_previous_hash_and_ids_follow_the_head() -> None:
    first = audit_record(actor=None, action="system.start")
    second = audit_record(actor=AnonymousUser(), action="system.tick", result="failure")
    assert second.id == first.id + 1
    assert second.prev_hash == first.entry_hash
    assert second.actor_id is None
    assert second.actor_username == ""


def test_hash_is_recomputable_from_the_database_exactly() -> None:
    """What was hashed at insert is what the database gives back (datetime precision, JSON, Chinese)."""
    # given: a timestamp with microseconds and a detail with nested, non-ASCII and non-JSON values
    entry = audit_record(
        actor=None,
        action="files.upload",
        target_repr="关于印发《兴安盟政务服务事项清单》的通知",
        detail={"z": [1, 2.5, None, True], "名称": "文件", "when": dt.date(2026, 1, 2), "nested": {"b": 1, "a": 2}},
    )
    # when
    values = _stored_values(entry.pk)
    # then
    assert values["created_at"].microsecond == entry.created_at.microsecond
    assert values["detail"] == {
        "z": [1, 2.5, None, True],
        "名称": "文件",
        "when": "2026-01-02",
        "nested": {"b": 1, "a": 2},
    }
    assert entry_hash(values) == AuditEntry.objects.get(pk=entry.pk).entry_hash
    assert utc_iso(values["created_at"]).endswith("Z")
    assert connection.vendor in {"sqlite", "postgresql"}


def test_canonical_content_is_sorted_compact_and_keeps_chinese() -> None:
    values = {
        "id": 7,
        "created_at": dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        "actor_id": None,
        "actor_username": "",
        "actor_display": "",
        "org_unit_id": None,
        "org_unit_name": "",
        "action": "a.b",
        "target_type": "",
        "target_id": "",
        "target_repr": "通知",
        "result": "success",
        "ip": "",
        "user_agent": "",
        "request_id": "",
        "detail": {"b": 1, "a": 2},
        "prev_hash": "0" * 64,
    }
    text = canonical_content(values)
    assert '"created_at":"2026-03-01T00:00:00.000000Z"' in text
    assert '"detail":{"a":2,"b":1}' in text
    assert '"target_repr":"通知"' in text
    assert text.index('"action"') < text.index('"actor_display"') < text.index('"prev_hash"')


def test_credentials_are_dropped_and_personal_data_masked_in_detail() -> None:
    entry = audit_record(
        actor=None,
        action="accounts.profile_update",
        detail={
            "password": "Secret#123",
            "id_number": "152201199001011234",
            "phone": "13912345678",
            "people": [{"real_name": "张三"}],
            "count": 3,
        },
    )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.detail == {
        "password": "******",
        "id_number": "1522**********1234",
        "phone": "139****5678",
        "people": [{"real_name": "张*"}],
        "count": 3,
    }


def test_citizen_actor_name_is_stored_masked_and_user_target_by_username() -> None:
    citizen = StaffFactory(username="zhangsan", kind="person", real_name="张三丰")
    entry = audit_record(actor=citizen, action="accounts.sign_in", target=citizen)
    assert (entry.actor_display, entry.target_repr) == ("张**", "zhangsan")


def test_unknown_result_is_refused_and_nothing_is_written() -> None:
    with pytest.raises(ValueError, match="unknown audit result"):
        audit_record(actor=None, action="x.y", result="ok")
    assert AuditEntry.objects.count() == 0


def test_nested_call_rolls_back_with_the_caller_and_leaves_no_gap() -> None:
    from django.db import transaction

    audit_record(actor=None, action="a.first")
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="a.rolled_back")
        raise RuntimeError("caller failed")
    last = audit_record(actor=None, action="a.after")
    assert list(AuditEntry.objects.order_by("id").values_list("id", "action")) == [(1, "a.first"), (2, "a.after")]
    assert last.prev_hash == AuditEntry.objects.get(pk=1).entry_hash
