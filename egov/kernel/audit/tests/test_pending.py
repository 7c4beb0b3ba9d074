"""Entries written while the chain head is busy (ADR 0012): stored as pending, never waiting for the head, linked
after the commit in order, and neither editable nor removable before they are in the chain."""

from __future__ import annotations

import threading
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction

from egov.kernel.audit import services
from egov.kernel.audit.chain import GENESIS_HASH, entry_hash
from egov.kernel.audit.models import AuditChainHead, AuditEntry, AuditPending
from egov.kernel.audit.services import audit_record, chain_pending
from egov.kernel.audit.verify import verify_chain


def _verify() -> str:
    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def busy_head(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if another transaction held the chain head for the whole test."""
    monkeypatch.setattr(services, "_try_head", lambda along=(): None)


@pytest.mark.django_db
def test_an_entry_written_while_the_head_is_busy_waits_pending_and_is_reported(
    busy_head: None, django_capture_on_commit_callbacks
) -> None:
    # given a chain of one entry
    AuditChainHead.objects.create(pk=1, last_id=0, last_hash=GENESIS_HASH)
    # when the head is busy
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        entry = audit_record(actor=None, action="test.pending", detail={"password": "x", "n": 1})
    # then nothing is chained yet, the pending row holds the scrubbed entry, and a link is scheduled on commit
    assert (entry.id, entry.entry_hash) == (None, "")
    assert AuditEntry.objects.count() == 0
    pending = AuditPending.objects.get()
    assert (pending.action, pending.detail) == ("test.pending", {"password": "******", "n": 1})
    assert len(callbacks) == 1
    assert _verify() == "审计链完整：共 0 条记录；另有 1 条记录等待入链（manage.py audit_chain）"


@pytest.mark.django_db
def test_chain_pending_links_in_order_after_the_head_and_verification_covers_them(monkeypatch) -> None:
    # given two chained entries, then three that went pending
    first, second = audit_record(actor=None, action="test.a"), audit_record(actor=None, action="test.b")
    monkeypatch.setattr(services, "_try_head", lambda along=(): None)
    for n in range(3):
        audit_record(actor=None, action=f"test.pending{n}", detail={"n": n})
    monkeypatch.undo()
    # when they are linked, two per head lock
    linked = chain_pending(batch_size=2)
    # then they follow the head in pending order, each hashed over what the database returns
    assert linked == 3
    rows = list(AuditEntry.objects.order_by("id"))
    assert [row.action for row in rows] == ["test.a", "test.b", "test.pending0", "test.pending1", "test.pending2"]
    assert [row.id for row in rows] == [1, 2, 3, 4, 5]
    assert rows[2].prev_hash == second.entry_hash and first.entry_hash == rows[1].prev_hash
    assert all(row.pending_id is not None for row in rows[2:])
    assert rows[4].entry_hash == entry_hash({**AuditEntry.objects.filter(pk=5).values().get(), "detail": {"n": 2}})
    assert AuditPending.objects.count() == 0
    assert AuditChainHead.objects.get(pk=1).last_id == 5
    assert _verify() == "审计链完整：共 5 条记录"
    out = StringIO()
    call_command("audit_chain", stdout=out)
    assert out.getvalue().strip() == "已入链 0 条审计记录"


@pytest.mark.django_db
def test_the_next_writer_that_gets_the_head_links_waiting_entries_first(monkeypatch) -> None:
    # given an entry that went pending
    audit_record(actor=None, action="test.first")
    monkeypatch.setattr(services, "_try_head", lambda along=(): None)
    audit_record(actor=None, action="test.waiting")
    monkeypatch.undo()
    # when the next entry is written with the head free
    last = audit_record(actor=None, action="test.next")
    # then the waiting entry is linked before it, in the same transaction
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "test.first",
        "test.waiting",
        "test.next",
    ]
    assert last.id == 3
    assert not AuditPending.objects.exists()
    assert verify_chain().intact


@pytest.mark.django_db
def test_a_pending_entry_can_be_neither_edited_nor_deleted_before_it_is_chained(busy_head: None) -> None:
    audit_record(actor=None, action="test.pending")
    pending_id = AuditPending.objects.get().pk
    for sql in (
        "UPDATE audit_auditpending SET action = 'test.harmless' WHERE id = %s",
        "DELETE FROM audit_auditpending WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="待入链的审计记录不能修改，入链前不能删除"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [pending_id])
    assert AuditPending.objects.get().action == "test.pending"


@pytest.mark.django_db
def test_audit_chain_rejects_a_bad_batch_size() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--batch-size 必须是正整数"):
        call_command("audit_chain", batch_size=0)


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_writer_never_waits_for_a_held_head_and_its_entry_is_linked_after_commit() -> None:
    # given another transaction that holds the head for a while
    audit_record(actor=None, action="test.genesis")
    holding, release = threading.Event(), threading.Event()

    def holder() -> None:
        try:
            with transaction.atomic():
                audit_record(actor=None, action="test.holder")
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=holder)
    thread.start()
    assert holding.wait(10)
    # when this connection writes meanwhile
    started = time.perf_counter()
    with transaction.atomic():
        entry = audit_record(actor=None, action="test.meanwhile")
        waited = time.perf_counter() - started
        release.set()  # the holder commits while this transaction is still open
    thread.join()
    # then it did not wait for the head, went pending, and was linked after its commit
    assert waited < 1 and entry.id is None
    assert not AuditPending.objects.exists()
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "test.genesis",
        "test.holder",
        "test.meanwhile",
    ]
    assert _verify() == "审计链完整：共 3 条记录"


@pytest.mark.django_db
def test_an_append_inside_a_transaction_is_three_statements_without_a_savepoint_two_on_postgresql() -> None:
    from django.test.utils import CaptureQueriesContext

    # given a chain that has its head
    audit_record(actor=None, action="test.genesis")
    # when an entry is appended inside the caller's transaction (the test's own)
    with CaptureQueriesContext(connection) as queries:
        audit_record(actor=None, action="test.next")
    # then: try the head (and look for pending entries), insert the entry, move the head — on PostgreSQL the
    # INSERT moves the head in the same statement (a WITH clause)
    statements = [query["sql"] for query in queries.captured_queries]
    assert len(statements) == (2 if connection.vendor == "postgresql" else 3), statements
    assert AuditChainHead.objects.get().last_id == AuditEntry.objects.latest("id").id
    assert not any("SAVEPOINT" in sql for sql in statements)
