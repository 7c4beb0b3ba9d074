"""Appending to and verifying the access log chains.

Several chains (one per application and writer lane, lane = process id modulo ``EXCHANGE_CHAIN_LANES``,
default 8) so that concurrent calls do not queue on one head row: an append locks only its own chain's head,
for the length of one INSERT and one UPDATE. Each chain is verified on its own: every entry's hash is
recomputed, ``seq`` must run 1, 2, 3 … without gaps, every ``prev_hash`` must be the previous entry's hash,
and the last entry must match the chain head (an edited, deleted, inserted or reordered entry breaks one of
these). The fast path builds each entry's canonical text in SQL, so Python only hashes and compares.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from egov.domain.exchange.canonical import CHAINED_FIELDS, GENESIS_HASH, SEPARATOR, entry_hash, sm3_hex
from egov.domain.exchange.models import AccessChain, AccessLogEntry

TABLE = AccessLogEntry._meta.db_table


def lanes() -> int:
    return max(1, int(getattr(settings, "EXCHANGE_CHAIN_LANES", 8)))


def chain_key(application_id: int | None) -> str:
    owner = f"app{application_id}" if application_id else "anonymous"
    return f"{owner}-{os.getpid() % lanes()}"


_chain_ids: dict[str, int] = {}


def _chain_id(key: str, *, fresh: bool = False) -> int:
    chain_id = None if fresh else _chain_ids.get(key)
    if chain_id is None:
        chain_id = AccessChain.objects.get_or_create(key=key)[0].pk
        _chain_ids[key] = chain_id
    return chain_id


def _lock_head(key: str) -> AccessChain:
    try:
        return AccessChain.objects.select_for_update().only("last_seq", "last_hash").get(pk=_chain_id(key))
    except AccessChain.DoesNotExist:  # the cached id was rolled back (tests) or the row was removed
        return AccessChain.objects.select_for_update().only("last_seq", "last_hash").get(pk=_chain_id(key, fresh=True))


def append(values: dict[str, Any]) -> AccessLogEntry:
    """Append one entry (``values`` holds every chained field but chain_id, seq and prev_hash)."""
    key = chain_key(values.get("application_id"))
    with transaction.atomic():
        head = _lock_head(key)
        chain_id = head.pk
        values = {**values, "chain_id": chain_id, "seq": head.last_seq + 1, "prev_hash": head.last_hash}
        digest = entry_hash(values)
        entry = AccessLogEntry(**values, entry_hash=digest)
        entry.save(force_insert=True)
        AccessChain.objects.filter(pk=chain_id).update(last_seq=values["seq"], last_hash=digest)
    return entry


def entry_values(entry: AccessLogEntry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in (*CHAINED_FIELDS, "entry_hash")}


# --- verification -------------------------------------------------------------------------------------


@dataclass
class ChainProblem:
    chain: str
    seq: int | None
    message: str


@dataclass
class VerifyResult:
    chains: int = 0
    entries: int = 0
    problems: list[ChainProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _canonical_sql() -> str:
    parts = [f"COALESCE(CAST({name} AS TEXT), '')" for name in CHAINED_FIELDS]
    return f" || '{SEPARATOR}' || ".join(parts)


def _rows(chain_ids: list[int] | None) -> Iterator[tuple[int, int, str, str, str]]:
    where = ""
    params: list[Any] = []
    if chain_ids is not None:
        where = f"WHERE chain_id IN ({', '.join(['%s'] * len(chain_ids))})"
        params = list(chain_ids)
    sql = f"SELECT chain_id, seq, prev_hash, entry_hash, {_canonical_sql()} FROM {TABLE} {where} ORDER BY chain_id, seq"  # noqa: S608 - column names are constants
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while True:
            batch = cursor.fetchmany(5000)
            if not batch:
                return
            yield from batch


def verify(chain_ids: list[int] | None = None, *, max_problems: int = 100) -> VerifyResult:
    """Verify the given chains (all by default); stops collecting after ``max_problems``."""
    heads = {
        row.pk: row
        for row in (AccessChain.objects.filter(pk__in=chain_ids) if chain_ids else AccessChain.objects.all())
    }
    result = VerifyResult(chains=len(heads))
    problems = result.problems

    def report(chain_id: int, seq: int | None, message: str) -> None:
        if len(problems) < max_problems:
            key = heads[chain_id].key if chain_id in heads else str(chain_id)
            problems.append(ChainProblem(chain=key, seq=seq, message=message))

    current: int | None = None
    expected_seq = 1
    previous = GENESIS_HASH
    count = 0
    seen: set[int] = set()

    def close(chain_id: int, last_seq: int, last_hash: str) -> None:
        head = heads.get(chain_id)
        if head is None:
            report(chain_id, None, "日志链头缺失")
        elif head.last_seq != last_seq or head.last_hash != last_hash:
            report(chain_id, last_seq, f"链尾与链头不符（链头记录第 {head.last_seq} 条），末尾日志可能被删除")

    for chain_id, seq, prev_hash, stored_hash, text in _rows(chain_ids):
        count += 1
        if chain_id != current:
            if current is not None:
                close(current, expected_seq - 1, previous)
            current, expected_seq, previous = chain_id, 1, GENESIS_HASH
            seen.add(chain_id)
        if seq != expected_seq:
            report(chain_id, seq, f"序号不连续：应为 {expected_seq}，实为 {seq}（日志被删除或插入）")
        if prev_hash != previous:
            report(chain_id, seq, "前序哈希不符（日志被删除、插入或调换顺序）")
        if sm3_hex(text) != stored_hash:
            report(chain_id, seq, "内容哈希不符（日志被修改）")
        previous = stored_hash
        expected_seq = seq + 1
    if current is not None:
        close(current, expected_seq - 1, previous)
    for chain_id, head in heads.items():
        if chain_id not in seen and head.last_seq:
            report(chain_id, None, f"链头记录 {head.last_seq} 条日志，但日志已全部缺失")
    result.entries = count
    return result
