from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from egov.kernel.audit.models import APPEND_ONLY_MESSAGE, AppendOnlyError, AuditChainHead, AuditEntry
from egov.kernel.audit.services import audit_record


def _snapshot() -> list[tuple]:
    return list(AuditEntry.objects.order_by("id").values_list("id", "action", "result", "entry_hash"))


@pytest.mark.django_db
def test_saving_an_existing_entry_again_is_refused_and_changes_nothing() -> None:
    entry = audit_record(actor=None, action="test.original")
    before = _snapshot()
    entry.action = "test.forged"
    with pytest.raises(AppendOnlyError, match=APPEND_ONLY_MESSAGE):
        entry.save()
    fresh = AuditEntry.objects.get(pk=entry.pk)
    with pytest.raises(AppendOnlyError):
        fresh.save(update_fields=["action"])
    assert _snapshot() == before


@pytest.mark.django_db
def test_orm_update_and_delete_are_refused_and_change_nothing() -> None:
    entry = audit_record(actor=None, action="test.original")
    before = _snapshot()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="test.forged")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_update([entry], ["action"])
    assert _snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    ["UPDATE audit_auditentry SET action = 'test.forged' WHERE id = %s", "DELETE FROM audit_auditentry WHERE id = %s"],
)
def test_database_triggers_refuse_raw_update_and_delete(sql: str) -> None:
    entry = audit_record(actor=None, action="test.original")
    before = _snapshot()
    with pytest.raises(DatabaseError, match=APPEND_ONLY_MESSAGE), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [entry.pk])
    assert _snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_log_and_the_chain_starts_again() -> None:
    """Test runners flush between transactional tests; the delete trigger must let the whole-database wipe pass."""
    audit_record(actor=None, action="test.before_flush")
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEntry.objects.count() == 0
    assert not AuditChainHead.objects.exists()
    again = audit_record(actor=None, action="test.after_flush")
    assert again.id == 1
    with pytest.raises(DatabaseError, match=APPEND_ONLY_MESSAGE), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry")
    assert AuditEntry.objects.count() == 1
