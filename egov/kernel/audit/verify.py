"""Walking the audit chain: proof that no entry was edited, deleted, inserted or reordered."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from egov.kernel.audit.chain import CHAINED_FIELDS, GENESIS_HASH, raw_row_hash
from egov.kernel.audit.models import AuditChainHead, AuditEntry, AuditPending


@dataclass(frozen=True)
class ChainReport:
    count: int
    broken_id: int | None = None
    problem: str = ""
    pending: int = 0  # committed entries not linked yet (ADR 0012): not covered by this report

    @property
    def intact(self) -> bool:
        return self.broken_id is None and not self.problem

    @property
    def message(self) -> str:
        if self.intact:
            waiting = f"；另有 {self.pending} 条记录等待入链（manage.py audit_chain）" if self.pending else ""
            return f"审计链完整：共 {self.count} 条记录{waiting}"
        return f"审计链校验失败：{self.problem}"


def verify_chain(*, batch_size: int = 5000) -> ChainReport:
    """Check every entry in id order, in keyset batches (constant memory), against the chain head.

    Ids are handed out under the head lock, so they are gap-free: a missing id is a deleted row. The
    head, read first, bounds the walk (entries appended meanwhile are left for the next run) and reveals
    deletion of the newest rows, which no later link could show. Entries still pending (stored while the
    head was busy, not linked yet) are counted separately: ``chain_pending`` links them."""
    pending = AuditPending.objects.count()
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        newest = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
        if newest is None:
            return ChainReport(count=0, pending=pending)
        return ChainReport(count=0, broken_id=newest, problem=f"第 {newest} 条记录之后的链头记录缺失")
    quote = connection.ops.quote_name
    column_of = {field.attname: str(field.column) for field in AuditEntry._meta.concrete_fields}
    columns = ", ".join(quote(column_of[name]) for name in (*CHAINED_FIELDS, "entry_hash"))
    sql = (
        f"SELECT {columns} FROM {quote(AuditEntry._meta.db_table)} "  # noqa: S608 - names from the model
        "WHERE id >= %s AND id <= %s ORDER BY id LIMIT %s"
    )
    prev_at = CHAINED_FIELDS.index("prev_hash")
    expected_id, expected_prev, count = 1, GENESIS_HASH, 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, [expected_id, head.last_id, batch_size])
            rows = cursor.fetchall()
        for row in rows:
            entry_id = row[0]
            if entry_id != expected_id:
                missing = (
                    f"第 {expected_id} 条" if entry_id == expected_id + 1 else f"第 {expected_id}–{entry_id - 1} 条"
                )
                return ChainReport(count, entry_id, f"第 {entry_id} 条记录之前的{missing}记录已被删除")
            if raw_row_hash(row[:-1]) != row[-1]:
                return ChainReport(count, entry_id, f"第 {entry_id} 条记录的内容与其哈希不符（记录被修改）")
            if row[prev_at] != expected_prev:
                return ChainReport(count, entry_id, f"第 {entry_id} 条记录与前一条记录的哈希链接断开")
            expected_id, expected_prev, count = entry_id + 1, row[-1], count + 1
        if len(rows) < batch_size:
            break
    if count != head.last_id:
        return ChainReport(count, expected_id, f"第 {expected_id} 条记录缺失（链头记载最后一条为第 {head.last_id} 条）")
    if expected_prev != head.last_hash:
        return ChainReport(count, head.last_id, f"第 {head.last_id} 条记录与链头记载的哈希不符")
    return ChainReport(count, pending=pending)
