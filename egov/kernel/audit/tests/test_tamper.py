"""A DBA with the triggers out of the way edits, deletes or reorders rows: audit_verify must name the first
broken entry. The trigger changes happen inside the test transaction and are rolled back with it."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from egov.kernel.audit.chain import CHAINED_FIELDS, entry_hash
from egov.kernel.audit.models import AuditChainHead, AuditEntry
from egov.kernel.audit.services import audit_record

pytestmark = pytest.mark.django_db


def _as_dba(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS audit_auditentry_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_auditentry_no_delete")
        else:
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_auditentry_append_only")
        cursor.execute(sql, params)


def _chain(n: int) -> list[AuditEntry]:
    return [audit_record(actor=None, action=f"test.step{i}", detail={"i": i}) for i in range(1, n + 1)]


def _verify(**options: Any) -> str:
    out = StringIO()
    call_command("audit_verify", stdout=out, **options)
    return out.getvalue().strip()


def _verify_fails(**options: Any) -> str:
    with pytest.raises(CommandError) as failure:
        _verify(**options)
    assert failure.value.returncode == 1
    return str(failure.value)


def test_verify_passes_on_an_empty_log() -> None:
    assert _verify() == "审计链完整：共 0 条记录"


def test_verify_passes_on_a_clean_chain_across_batches() -> None:
    _chain(7)
    assert _verify(batch_size=3) == "审计链完整：共 7 条记录"


def test_edited_row_is_named() -> None:
    _chain(4)
    _as_dba("UPDATE audit_auditentry SET action = %s WHERE id = %s", ["test.harmless", 2])
    assert _verify_fails(batch_size=3) == "审计链校验失败：第 2 条记录的内容与其哈希不符（记录被修改）"


def test_edited_row_with_recomputed_hash_breaks_the_next_link() -> None:
    # given: the DBA also recomputes the edited row's own hash
    _chain(4)
    values = dict(AuditEntry.objects.filter(pk=2).values(*CHAINED_FIELDS).get())
    values["result"] = "failure"
    _as_dba(
        "UPDATE audit_auditentry SET result = %s, entry_hash = %s WHERE id = %s", ["failure", entry_hash(values), 2]
    )
    # then: row 2 is self-consistent, so row 3's link is what breaks
    assert _verify_fails() == "审计链校验失败：第 3 条记录与前一条记录的哈希链接断开"


def test_deleted_middle_row_is_named() -> None:
    _chain(4)
    _as_dba("DELETE FROM audit_auditentry WHERE id = %s", [2])
    assert _verify_fails() == "审计链校验失败：第 3 条记录之前的第 2 条记录已被删除"


def test_deleted_rows_in_a_run_are_named() -> None:
    _chain(6)
    _as_dba("DELETE FROM audit_auditentry WHERE id IN (%s, %s, %s)", [2, 3, 4])
    assert _verify_fails(batch_size=2) == "审计链校验失败：第 5 条记录之前的第 2–4 条记录已被删除"


def test_deleted_first_row_is_named() -> None:
    _chain(3)
    _as_dba("DELETE FROM audit_auditentry WHERE id = %s", [1])
    assert _verify_fails() == "审计链校验失败：第 2 条记录之前的第 1 条记录已被删除"


def test_deleted_last_row_is_detected_through_the_chain_head() -> None:
    _chain(4)
    _as_dba("DELETE FROM audit_auditentry WHERE id = %s", [4])
    assert _verify_fails() == "审计链校验失败：第 4 条记录缺失（链头记载最后一条为第 4 条）"


def test_swapped_rows_are_named() -> None:
    # given: rows 2 and 3 exchange everything but their ids (a reordering of history)
    _chain(4)
    columns = [*CHAINED_FIELDS[1:], "entry_hash"]
    row2, row3 = (list(AuditEntry.objects.filter(pk=pk).values_list(*columns).get()) for pk in (2, 3))
    assignments = ", ".join(f"{column} = %s" for column in columns)
    for target, source in ((2, row3), (3, row2)):
        params = [connection.ops.adapt_datetimefield_value(source[0]), *source[1:]]
        params[columns.index("detail")] = json.dumps(source[columns.index("detail")])
        _as_dba(f"UPDATE audit_auditentry SET {assignments} WHERE id = %s", [*params, target])  # noqa: S608
    assert AuditEntry.objects.get(pk=2).action == "test.step3"
    # then
    assert _verify_fails() == "审计链校验失败：第 2 条记录的内容与其哈希不符（记录被修改）"


def test_missing_chain_head_is_reported_and_blocks_new_entries() -> None:
    _chain(2)
    AuditChainHead.objects.all().delete()
    assert _verify_fails() == "审计链校验失败：第 2 条记录之后的链头记录缺失"
    with pytest.raises(RuntimeError, match="审计链头记录缺失"):
        audit_record(actor=None, action="test.after")
    assert AuditEntry.objects.count() == 2


def test_rewound_chain_head_is_detected() -> None:
    _chain(3)
    AuditChainHead.objects.filter(pk=1).update(last_hash="f" * 64)
    assert _verify_fails() == "审计链校验失败：第 3 条记录与链头记载的哈希不符"


def test_batch_size_must_be_positive() -> None:
    assert _verify_fails(batch_size=0) == "--batch-size 必须是正整数"
