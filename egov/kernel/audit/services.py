"""Writing the audit log. ``audit_record`` is the only way a row gets into ``AuditEntry``."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection, models, transaction
from django.utils import timezone
from openpyxl import Workbook

from egov.kernel.access.policy import Actor, require
from egov.kernel.audit.chain import CHAINED_FIELDS, GENESIS_HASH, entry_hash, plain_json
from egov.kernel.audit.models import AuditChainHead, AuditEntry, AuditPending, AuditResult
from egov.kernel.audit.selectors import AuditFilters, entries_visible_to, filter_entries
from egov.kernel.compiled import Statement, insert, run_together, with_along
from egov.kernel.db import prepared_cursor
from egov.kernel.errors import Rejected
from egov.kernel.identifiers import mask_mobile, mask_name, mask_resident_id
from egov.web.request_context import current_request_info

#: Values under these keys are never stored (credentials and one-time codes).
SECRET_KEYS = re.compile(r"pass(word|wd)?|secret|token|otp|captcha|verification_code|sms_code|api_key", re.I)
#: Values under these keys are personal data: stored masked only (个人信息保护法: collect the minimum).
MASKERS = (
    (re.compile(r"id_?number|id_?card|resident_id|身份证", re.I), mask_resident_id),
    (re.compile(r"phone|mobile|手机|电话", re.I), mask_mobile),
    (re.compile(r"real_?name|full_?name|姓名", re.I), mask_name),
)
HIDDEN = "******"


def _clean_text(value: Any, limit: int) -> str:
    """Text exactly as the database will return it: no NUL (PostgreSQL refuses it), cut to the column."""
    return str(value or "").replace("\x00", "")[:limit]


def scrub_detail(value: Any, key: str = "") -> Any:
    """Drop credentials and mask personal data anywhere in ``detail`` (nested dicts and lists included).

    The log must stand alone for years and be readable by auditors, so it never holds secrets or plain
    personal data; callers should pass ids and masked values, this is the safety net."""
    if isinstance(value, dict):
        return {str(k): scrub_detail(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub_detail(v, key) for v in value]
    if key and SECRET_KEYS.search(key):
        return HIDDEN
    if key and isinstance(value, str):
        for pattern, mask in MASKERS:
            if pattern.search(key):
                return mask(value)
    return value


def _actor_fields(actor: Any) -> tuple[int | None, str, str]:
    if actor is None or isinstance(actor, AnonymousUser) or not getattr(actor, "pk", None):
        return None, "", ""
    username = actor.get_username()
    if getattr(actor, "kind", "") == "person" and getattr(actor, "real_name", ""):
        display = mask_name(actor.real_name)  # a citizen's name is personal data
    else:
        display = getattr(actor, "display_name", "") or username
    return actor.pk, username, display


def _target_fields(target: models.Model | None, target_repr: str) -> tuple[str, str, str]:
    if target is None:
        return "", "", target_repr
    if not target_repr:
        # str(user) is a real name; the account name identifies without exposing it.
        is_user = target._meta.label == settings.AUTH_USER_MODEL
        target_repr = target.get_username() if is_user else str(target)  # type: ignore[attr-defined]
    return target._meta.label_lower, str(target.pk or ""), target_repr


_HEAD = AuditChainHead._meta.db_table
_PENDING = AuditPending._meta.db_table
#: The head, if no other transaction holds it, and whether entries wait to be chained: one round trip.
_TRY_HEAD_SQL = {
    "postgresql": (
        f"SELECT h.last_id, h.last_hash, EXISTS (SELECT 1 FROM {_PENDING}) "  # noqa: S608 - model table names
        f"FROM {_HEAD} h WHERE h.id = 1 FOR UPDATE OF h SKIP LOCKED"
    ),
    # SQLite has one writer at a time: whoever writes holds the whole database, the head included.
    "sqlite": f"SELECT h.last_id, h.last_hash, EXISTS (SELECT 1 FROM {_PENDING}) FROM {_HEAD} h WHERE h.id = 1",  # noqa: S608
}
_LOCK_HEAD_SQL = {
    "postgresql": f"SELECT last_id, last_hash FROM {_HEAD} WHERE id = 1 FOR UPDATE",  # noqa: S608
    "sqlite": f"SELECT last_id, last_hash FROM {_HEAD} WHERE id = 1",  # noqa: S608
}
_MOVE_HEAD_SQL = f"UPDATE {_HEAD} SET last_id = %s, last_hash = %s WHERE id = 1"  # noqa: S608
#: How many pending entries one head lock links (the rest in the next round of the same call).
CHAIN_BATCH = 1000


@dataclass
class _Head:
    last_id: int
    last_hash: str


def _lock_head() -> AuditChainHead:
    """Lock the chain head (creating it on an empty log), waiting for it if another transaction holds it;
    it stays locked until the caller commits."""
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    # Empty log: concurrent first writers all try to create the head; one insert wins, the rest wait on its lock
    # and then see the head as the winner committed it.
    AuditChainHead.objects.bulk_create([AuditChainHead(pk=1, last_id=0, last_hash=GENESIS_HASH)], ignore_conflicts=True)
    head = AuditChainHead.objects.select_for_update().get(pk=1)
    if head.last_id == 0 and AuditEntry.objects.exists():
        # Someone removed the head of a non-empty chain: writing on would hide what happened.
        raise RuntimeError("审计链头记录缺失，请运行 manage.py audit_verify 并联系安全管理员")
    return head


def _try_head(along: Sequence[Statement] = ()) -> tuple[_Head, bool] | None:
    """The head, locked until the caller commits, and whether pending entries exist — or None when another
    transaction holds the head (never waits for it). Creates the head on an empty log.

    ``along``: the caller's writes sent with it (see ``audit_record``), run whatever the answer."""
    statement: Statement = (_TRY_HEAD_SQL[connection.vendor], [])
    if connection.vendor == "postgresql":
        statement = with_along(statement, along)
    else:
        run_together(along)
    with prepared_cursor() as cursor:
        cursor.execute(*statement)
        row = cursor.fetchone()
        if row is not None:
            return _Head(row[0], row[1]), bool(row[2])
        cursor.execute(f"SELECT 1 FROM {_HEAD} WHERE id = 1")  # noqa: S608 - model table name
        if cursor.fetchone() is not None:
            return None  # it exists, so another transaction holds it
    with transaction.atomic():  # a savepoint: nothing of a refused genesis stays behind
        head = _lock_head()  # no head yet: create it (or wait for the concurrent creator)
    return _Head(head.last_id, head.last_hash), AuditPending.objects.exists()


def _move_head(head: _Head) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_MOVE_HEAD_SQL, [head.last_id, head.last_hash])


_PENDING_FIELDS = tuple(name for name in CHAINED_FIELDS if name not in ("id", "prev_hash"))


def _chain_waiting(head: _Head, limit: int) -> int:
    """Link up to ``limit`` pending entries after ``head`` (locked by the caller), in pending id order; the
    pending rows go once their chained copies exist. Returns how many were linked."""
    rows = list(AuditPending.objects.order_by("id").values("id", *_PENDING_FIELDS)[:limit])
    if not rows:
        return 0
    entries = []
    for row in rows:
        values = {name: row[name] for name in _PENDING_FIELDS}
        values["id"] = head.last_id + 1
        values["prev_hash"] = head.last_hash
        digest = entry_hash(values)
        entries.append(AuditEntry(**values, entry_hash=digest, pending_id=row["id"]))
        head.last_id, head.last_hash = values["id"], digest
    AuditEntry.objects.bulk_create(entries)
    with connection.cursor() as cursor:
        placeholders = ", ".join(["%s"] * len(rows))
        cursor.execute(f"DELETE FROM {_PENDING} WHERE id IN ({placeholders})", [row["id"] for row in rows])  # noqa: S608
    return len(rows)


def chain_pending(*, batch_size: int = CHAIN_BATCH) -> int:
    """Link every committed pending entry into the chain, one batch per head lock (each its own
    transaction); waits for the head. Run after the commit of an entry that went pending, by
    ``manage.py audit_chain`` (cron, as a catch-up) and before ``audit_verify``. Returns how many it linked."""
    total = 0
    while True:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(_LOCK_HEAD_SQL[connection.vendor])
                row = cursor.fetchone()
            if row is None:
                head_row = _lock_head()
                row = (head_row.last_id, head_row.last_hash)
            head = _Head(row[0], row[1])
            linked = _chain_waiting(head, batch_size)
            if linked:
                _move_head(head)
        total += linked
        if linked < batch_size:
            return total


def _chain_after_commit() -> None:
    chain_pending()


#: The valid results (``AuditResult.values`` builds a new list on every access; this runs in every write).
_RESULTS = frozenset(AuditResult.values)


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    target_repr: str = "",
    org_unit: Any = None,
    result: str = "success",
    detail: dict[str, Any] | None = None,
    along: Sequence[Statement] = (),
) -> AuditEntry:
    """Append one entry to the chain inside the caller's transaction; it is rolled back with the caller.

    ``actor`` may be None or AnonymousUser for the system or a visitor. ``detail`` is scrubbed: secret
    keys are dropped and personal data masked (see ``scrub_detail``). When the chain head is free the entry
    is linked at once and the head stays locked until the caller's transaction ends (so call this last in a
    service function). When another transaction holds the head, this never waits: the entry is stored as
    pending in the caller's transaction and linked right after the commit (ADR 0012); the entry returned then
    has no id and no hashes yet.

    ``along``: writes of the caller's own (``egov.kernel.compiled`` statements that read nothing of the audit's and
    none of each other's rows), sent with the audit's first statement: on PostgreSQL in the same round trip."""
    if result not in _RESULTS:
        raise ValueError(f"unknown audit result {result!r}")
    actor_id, actor_username, actor_display = _actor_fields(actor)
    target_type, target_id, target_repr = _target_fields(target, target_repr)
    info = current_request_info()
    values: dict[str, Any] = {
        "actor_id": actor_id,
        "actor_username": _clean_text(actor_username, 150),
        "actor_display": _clean_text(actor_display, 150),
        "org_unit_id": getattr(org_unit, "pk", None),
        "org_unit_name": _clean_text(getattr(org_unit, "name", ""), 100),
        "action": _clean_text(action, 80),
        "target_type": _clean_text(target_type, 100),
        "target_id": _clean_text(target_id, 64),
        "target_repr": _clean_text(target_repr, 200),
        "result": result,
        "ip": _clean_text(info.ip, 45),
        "user_agent": _clean_text(info.user_agent, 300),
        "request_id": _clean_text(info.request_id, 64),
        "detail": plain_json(scrub_detail(detail or {})),
    }
    if connection.in_atomic_block:
        # No savepoint of its own (two statements fewer per audited transaction): an error here fails the
        # caller's transaction anyway.
        return _append(values, along)
    with transaction.atomic():  # called outside a transaction: head lock, insert and head update commit together
        return _append(values, along)


def _append(values: dict[str, Any], along: Sequence[Statement] = ()) -> AuditEntry:
    locked = _try_head(along)
    values["created_at"] = timezone.now()
    if locked is None:
        AuditPending.objects.create(**values)
        transaction.on_commit(_chain_after_commit)
        return AuditEntry(**values, prev_hash="", entry_hash="")
    head, waiting = locked
    if waiting:  # entries that went pending earlier come first
        _chain_waiting(head, CHAIN_BATCH)
    values["id"] = head.last_id + 1
    values["prev_hash"] = head.last_hash
    entry = AuditEntry(**values, entry_hash=entry_hash(values))
    # Every audited write passes here: the INSERT's SQL is built once (egov.kernel.compiled), and on PostgreSQL
    # the head moves in the same statement (one round trip fewer per audited transaction).
    insert([entry], along=[(_MOVE_HEAD_SQL, [entry.id, entry.entry_hash])])
    head.last_id, head.last_hash = entry.id, entry.entry_hash
    return entry


EXPORT_LIMIT = 50_000
EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXPORT_HEADER = (
    "序号",
    "时间",
    "操作人账号",
    "操作人",
    "机构",
    "操作",
    "对象类型",
    "对象标识",
    "对象",
    "结果",
    "IP 地址",
    "客户端",
    "请求标识",
    "详情",
    "本条哈希",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes


def _cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is quoted (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _export_rows(entries: list[AuditEntry]) -> list[list[Any]]:
    results = dict(AuditResult.choices)
    return [
        [
            _cell(value)
            for value in (
                entry.id,
                timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                entry.actor_username,
                entry.actor_display,
                entry.org_unit_name,
                entry.action,
                entry.target_type,
                entry.target_id,
                entry.target_repr,
                str(results.get(entry.result, entry.result)),
                entry.ip,
                entry.user_agent,
                entry.request_id,
                json.dumps(entry.detail, ensure_ascii=False, sort_keys=True),
                entry.entry_hash,
            )
        ]
        for entry in entries
    ]


def audit_export(*, actor: Actor, filters: AuditFilters, file_format: str) -> ExportFile:
    """The auditor's export (CSV with BOM for Excel, or .xlsx) of the entries they may see; itself audited."""
    require(actor, "audit.export")
    if file_format not in EXPORT_FORMATS:
        raise Rejected("export_format", "不支持的导出格式，请选择 CSV 或 Excel", field="file_format")
    entries = list(filter_entries(entries_visible_to(actor), filters).order_by("id")[: EXPORT_LIMIT + 1])
    if len(entries) > EXPORT_LIMIT:
        raise Rejected(
            "export_too_large", f"符合条件的记录超过 {EXPORT_LIMIT} 条，请缩小日期范围或增加筛选条件后再导出"
        )
    rows = _export_rows(entries)
    if file_format == "csv":
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(EXPORT_HEADER)
        writer.writerows(rows)
        content = ("\ufeff" + text.getvalue()).encode()
    else:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("审计日志")
        sheet.append(EXPORT_HEADER)
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        content = buffer.getvalue()
    audit_record(
        actor=actor,
        action="audit.export",
        org_unit=filters.org_unit,
        detail={
            "format": file_format,
            "count": len(entries),
            "filters": {
                "actor_username": filters.actor_username,
                "action": filters.action,
                "result": filters.result,
                "date_from": filters.date_from,
                "date_to": filters.date_to,
            },
        },
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return ExportFile(f"audit-{stamp}.{file_format}", EXPORT_FORMATS[file_format], content)
