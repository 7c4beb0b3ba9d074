"""Appending to and verifying the access log chains.

Several chains (one per application and writer lane, lane = process id modulo ``EXCHANGE_CHAIN_LANES``,
default 8) so that concurrent calls do not queue on one head row: an append is one conditional statement
(move the head from where this process last saw it, insert the entry only if it moved), so the head row is
locked only for that statement and its commit. Each chain is verified on its own: every entry's hash is
recomputed, ``seq`` must run 1, 2, 3 … without gaps, every ``prev_hash`` must be the previous entry's hash,
and the last entry must match the chain head (an edited, deleted, inserted or reordered entry breaks one of
these). The fast path builds each entry's canonical text in SQL, so Python only hashes and compares.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from asgiref.local import Local
from django.conf import settings
from django.db import connection, connections, transaction

from egov.domain.exchange.canonical import CHAINED_FIELDS, GENESIS_HASH, SEPARATOR, entry_hash, sm3_bytes_hex
from egov.domain.exchange.models import AccessChain, AccessLogEntry
from egov.kernel.db import prepared_cursor

TABLE = AccessLogEntry._meta.db_table


def lanes() -> int:
    return max(1, int(getattr(settings, "EXCHANGE_CHAIN_LANES", 8)))


def chain_key(application_id: int | None) -> str:
    owner = f"app{application_id}" if application_id else "anonymous"
    return f"{owner}-{os.getpid() % lanes()}"


_chain_ids: dict[str, int] = {}
#: This process's last known head of each chain it writes: chain id → (last_seq, last_hash). Only a hint: the
#: append is conditional on the head still being there, so a stale hint (another process on the same lane, a
#: rolled-back test transaction) costs one re-read, never a wrong link.
_heads: dict[int, tuple[int, str]] = {}
#: Optimistic attempts before an append falls back to locking the head row.
OPTIMISTIC_ATTEMPTS = 3

_INSERT_COLUMNS = (*CHAINED_FIELDS, "entry_hash")
_COLUMN_LIST = ", ".join(_INSERT_COLUMNS)
_HEAD_TABLE = AccessChain._meta.db_table


def _chain_id(key: str, *, fresh: bool = False) -> int:
    chain_id = None if fresh else _chain_ids.get(key)
    if chain_id is None:
        chain_id = AccessChain.objects.get_or_create(key=key)[0].pk
        _chain_ids[key] = chain_id
    return chain_id


def _read_head(chain_id: int, *, lock: bool = False) -> tuple[int, str] | None:
    sql = f"SELECT last_seq, last_hash FROM {_HEAD_TABLE} WHERE id = %s"  # noqa: S608 - constant table name
    if lock and connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [chain_id])
        row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row else None


def _linked(values: dict[str, Any], chain_id: int, head: tuple[int, str]) -> list[Any]:
    """The row to insert after ``head``: chained values, link fields and the entry's hash, in column order."""
    values["chain_id"], values["seq"], values["prev_hash"] = chain_id, head[0] + 1, head[1]
    values["entry_hash"] = entry_hash(values)
    return [values[name] for name in _INSERT_COLUMNS]


_MARKS = ", ".join(["%s"] * len(_INSERT_COLUMNS))
# One statement moves the head forward only if it is still where this process last saw it, and inserts the
# entry only if the head moved: one round trip, and the head row is locked just for that statement's commit.
_APPEND_PG = (
    f"WITH head AS (UPDATE {_HEAD_TABLE} SET last_seq = %s, last_hash = %s"  # noqa: S608 - constant names
    f" WHERE id = %s AND last_seq = %s AND last_hash = %s RETURNING id)"
    f" INSERT INTO {TABLE} ({_COLUMN_LIST}) SELECT {_MARKS} FROM head"
)
_MOVE_HEAD = (
    f"UPDATE {_HEAD_TABLE} SET last_seq = %s, last_hash = %s"  # noqa: S608 - constant names
    " WHERE id = %s AND last_seq = %s AND last_hash = %s"
)
_INSERT = f"INSERT INTO {TABLE} ({_COLUMN_LIST}) VALUES ({_MARKS})"  # noqa: S608


def _try_append(chain_id: int, head: tuple[int, str], row: list[Any], digest: str) -> bool:
    move: list[Any] = [head[0] + 1, digest, chain_id, head[0], head[1]]
    if connection.vendor == "postgresql":
        with prepared_cursor() as cursor:
            cursor.execute(_APPEND_PG, [*move, *row])
            return cursor.rowcount == 1
    with connection.cursor() as cursor, transaction.atomic():
        cursor.execute(_MOVE_HEAD, move)
        if cursor.rowcount != 1:
            return False
        cursor.execute(_INSERT, row)
        return True


def append(values: dict[str, Any]) -> dict[str, Any]:
    """Append one entry (``values`` holds every chained field but chain_id, seq and prev_hash); returns the
    entry's values with its link fields and ``entry_hash``.

    Optimistic: the head this process last wrote is assumed current and the append is conditional on it
    (see ``_APPEND_PG``); when another writer moved it, the head is re-read and the entry re-linked. After
    ``OPTIMISTIC_ATTEMPTS`` misses the head row is locked, as a plain transaction would."""
    key = chain_key(values.get("application_id"))
    values = dict(values)
    for attempt in range(OPTIMISTIC_ATTEMPTS):
        chain_id = _chain_id(key)
        head = (_heads.get(chain_id) if attempt == 0 else None) or _read_head(chain_id)
        if head is None:  # the cached chain id was rolled back (tests) or the row was removed
            _chain_ids.pop(key, None)
            continue
        row = _linked(values, chain_id, head)
        if _try_append(chain_id, head, row, values["entry_hash"]):
            _heads[chain_id] = (head[0] + 1, values["entry_hash"])
            return values
        _heads.pop(chain_id, None)
    with transaction.atomic():
        chain_id = _chain_id(key)
        head = _read_head(chain_id, lock=True)
        if head is None:
            _chain_ids.pop(key, None)
            chain_id = _chain_id(key)
            head = _read_head(chain_id, lock=True) or (0, GENESIS_HASH)
        row = _linked(values, chain_id, head)
        if not _try_append(chain_id, head, row, values["entry_hash"]):  # pragma: no cover - the head is locked
            raise RuntimeError("exchange access chain head moved while locked")
    _heads[chain_id] = (head[0] + 1, values["entry_hash"])
    return values


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
    """Each entry's canonical text as UTF-8 bytes, built by the database (bytes: no decode and re-encode per
    entry in Python)."""
    parts = [f"COALESCE(CAST({name} AS TEXT), '')" for name in CHAINED_FIELDS]
    text = f" || '{SEPARATOR}' || ".join(parts)
    if connection.vendor == "postgresql":
        return f"convert_to({text}, 'UTF8')"
    return f"CAST({text} AS BLOB)"


#: Rows fetched per round trip by the verifier.
VERIFY_BATCH = 10_000


def _batches(
    chain_ids: list[int] | None, group: tuple[int, int] | None = None, *, by_id: bool = False
) -> Iterator[list[tuple[Any, ...]]]:
    """(chain_id, seq, prev_hash, entry_hash, canonical bytes) in chain and seq order (``by_id``: in id order,
    see :func:`verify`), in batches from a server-side cursor (on PostgreSQL a binary one: the canonical bytes
    arrive as they are). A reader thread fetches the next batch while the caller hashes this one, so the
    database builds canonical texts while Python hashes (the two halves of the work run side by side)."""
    conditions = []
    params: list[Any] = []
    if chain_ids is not None:
        conditions.append(f"chain_id IN ({', '.join(['%s'] * len(chain_ids))})")
        params = list(chain_ids)
    if group is not None:  # (n, i): the chains whose id is i modulo n
        conditions.append("MOD(chain_id, %s) = %s")
        params.extend(group)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    order = "id" if by_id else "chain_id, seq"
    sql = f"SELECT chain_id, seq, prev_hash, entry_hash, {_canonical_sql()} FROM {TABLE} {where} ORDER BY {order}"  # noqa: S608 - column names are constants
    with transaction.atomic(), _server_cursor() as raw:
        raw.execute(sql, params)
        batches: queue.Queue[list[tuple[Any, ...]] | BaseException] = queue.Queue(maxsize=2)
        stop = threading.Event()

        def read() -> None:
            try:
                while not stop.is_set():
                    batch = raw.fetchmany(VERIFY_BATCH)
                    batches.put(batch)
                    if not batch:
                        return
            except BaseException as exc:  # handed to the caller's thread  # noqa: BLE001
                batches.put(exc)

        reader = threading.Thread(target=read, name="exchange-verify-reader", daemon=True)
        reader.start()
        try:
            while True:
                item = batches.get()
                if isinstance(item, BaseException):
                    raise item
                if not item:
                    return
                yield item
        finally:
            stop.set()
            while reader.is_alive():  # let a reader blocked on a full queue finish
                with contextlib.suppress(queue.Empty):
                    batches.get(timeout=0.1)
            reader.join()


@contextlib.contextmanager
def _server_cursor() -> Iterator[Any]:
    """The driver's cursor that streams the verifier's rows: on PostgreSQL a named (server-side) cursor in binary
    mode, elsewhere Django's chunked cursor. Used inside a transaction (a named cursor lives in one)."""
    if connection.vendor != "postgresql":
        with connection.chunked_cursor() as cursor:
            yield getattr(cursor, "cursor", cursor)
        return
    connection.ensure_connection()
    raw = connection.connection.cursor(name=f"exchange_verify_{threading.get_ident()}", binary=True)
    try:
        yield raw
    finally:
        raw.close()


def _verify_rows(
    batches: Iterator[list[tuple[Any, ...]]], heads: dict[int, AccessChain], max_problems: int
) -> tuple[int, set[int], list[tuple[int, ChainProblem]]]:
    """Check rows that come in seq order within each chain (chains may interleave): (entries, chains seen,
    problems as (chain id, problem) in order)."""
    problems: list[tuple[int, ChainProblem]] = []

    def report(chain_id: int, seq: int | None, message: str) -> None:
        if len(problems) < max_problems:
            key = heads[chain_id].key if chain_id in heads else str(chain_id)
            problems.append((chain_id, ChainProblem(chain=key, seq=seq, message=message)))

    # chain id → [the next seq expected, the hash the next entry must link to]
    state: dict[int, list[Any]] = {}
    count = 0
    digest = sm3_bytes_hex  # bound once: this loop runs once per entry
    for batch in batches:
        count += len(batch)
        for chain_id, seq, prev_hash, stored_hash, text in batch:  # text: the canonical bytes
            position = state.get(chain_id)
            if position is None:
                position = state[chain_id] = [1, GENESIS_HASH]
            if seq != position[0]:
                report(chain_id, seq, f"序号不连续：应为 {position[0]}，实为 {seq}（日志被删除或插入）")
            if prev_hash != position[1]:
                report(chain_id, seq, "前序哈希不符（日志被删除、插入或调换顺序）")
            if digest(text) != stored_hash:
                report(chain_id, seq, "内容哈希不符（日志被修改）")
            position[0], position[1] = seq + 1, stored_hash
    for chain_id in sorted(state):
        next_seq, last_hash = state[chain_id]
        head = heads.get(chain_id)
        if head is None:
            report(chain_id, None, "日志链头缺失")
        elif head.last_seq != next_seq - 1 or head.last_hash != last_hash:
            report(chain_id, next_seq - 1, f"链尾与链头不符（链头记录第 {head.last_seq} 条），末尾日志可能被删除")
    return count, set(state), problems


#: Connection objects a forked verifier process inherited: kept alive and never used (see ``_own_connections``).
_INHERITED: list[Any] = []


def _own_connections() -> None:
    """Give this forked process database connections of its own.

    The parent closes its connections before forking, but only those of its current context: Django keeps one
    connection per thread *and* context, and a caller running in a greenlet (Playwright's sync API in the
    browser tests) or an event loop can leave another context's open connection behind, which the child then
    sees as its own — two children sharing one socket with the parent ended the session. The inherited objects
    are kept, untouched: closing or freeing one would send the server a Terminate on the parent's socket."""
    _INHERITED.append(connections._connections)  # type: ignore[attr-defined]  # Django's per-context storage
    connections._connections = Local(connections.thread_critical)  # type: ignore[attr-defined]


def _verify_part(
    part: tuple[list[int] | None, tuple[int, int], dict[int, AccessChain], int],
) -> tuple[int, set[int], list[tuple[int, ChainProblem]]]:
    """One worker process's share of :func:`verify`: the chains whose id is ``group[1]`` modulo ``group[0]``."""
    chain_ids, group, heads, max_problems = part
    _own_connections()
    try:
        return _verify_rows(_batches(chain_ids, group, by_id=True), heads, max_problems)
    finally:
        connection.close()  # this process's own connection


def verify(chain_ids: list[int] | None = None, *, max_problems: int = 100, workers: int = 1) -> VerifyResult:
    """Verify the given chains (all by default); stops collecting after ``max_problems``.

    The rows are read in id order first: one pass over the table in the order it was written, several times
    cheaper for the database than sorting by chain and seq. Within a chain ids grow with seq (an entry gets its
    id after the head is moved, see :func:`append`), so a log that passes in id order is a valid chain. When
    anything is found, the chains concerned are read again in seq order and *that* pass's findings are the
    report: a problem is never reported from the fast pass alone.

    ``workers`` > 1 splits the chains (id modulo ``workers``) over as many forked processes, each with its own
    database connection: hashing (SM3, ~5 µs per entry) holds the GIL, so threads could not use a second core.
    The processes read only committed rows and the caller's connections are closed before forking: use it for
    operations (the command, benchmarks), never inside a transaction (it then runs as one pass)."""
    heads = {
        row.pk: row
        for row in (AccessChain.objects.filter(pk__in=chain_ids) if chain_ids else AccessChain.objects.all())
    }
    result = VerifyResult(chains=len(heads))
    done: list[tuple[int, set[int], list[tuple[int, ChainProblem]]]]
    if workers <= 1 or connection.in_atomic_block:
        done = [_verify_rows(_batches(chain_ids, by_id=True), heads, max_problems)]
    else:
        connections.close_all()  # a forked child must never use (or close) the parent's connection
        parts = [(chain_ids, (workers, index), heads, max_problems) for index in range(workers)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            done = pool.map(_verify_part, parts)  # a worker's exception is raised here: never a partial pass
    suspect = sorted({chain_id for _count, _seen, problems in done for chain_id, _problem in problems})
    if suspect:  # the exact pass, in seq order, over the chains concerned: its findings are the report
        exact = _verify_rows(_batches(suspect), heads, max_problems)
        done = [(count, seen, []) for count, seen, _problems in done]  # every fast-pass finding is in `suspect`
        done.append((0, exact[1], exact[2]))
    # Problems in the order a single pass reports them: by chain, then as found within the chain.
    found = sorted((problem for _count, _seen, problems in done for problem in problems), key=lambda p: p[0])
    result.problems = [problem for _chain_id, problem in found][:max_problems]
    seen = set().union(*(chains for _count, chains, _problems in done))
    for chain_id, head in heads.items():
        if chain_id not in seen and head.last_seq and len(result.problems) < max_problems:
            result.problems.append(
                ChainProblem(chain=head.key, seq=None, message=f"链头记录 {head.last_seq} 条日志，但日志已全部缺失")
            )
    result.entries = sum(count for count, _seen, _problems in done)
    return result
