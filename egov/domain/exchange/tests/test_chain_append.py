"""The access log append is optimistic (one conditional statement per call): another writer on the same chain
never produces a wrong link, and the parallel verifier finds what the single pass finds."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from egov.domain.exchange import chain
from egov.domain.exchange.canonical import GENESIS_HASH, entry_hash
from egov.domain.exchange.models import AccessChain, AccessLogEntry

pytestmark = pytest.mark.django_db

_counter = iter(range(1, 1_000_000))


def _values(application_id: Any = None) -> dict[str, Any]:
    n = next(_counter)
    return {
        "at_us": 1_700_000_000_000_000 + n,
        "call_id": f"{n:032x}",
        "client_id": "",
        "application_id": application_id,
        "consumer_id": None,
        "provider_id": None,
        "grant_id": None,
        "resource": "",
        "end_user": "u",
        "issue": "i",
        "method": "GET",
        "path": "/exchange/v1/resources",
        "query": "",
        "result": "denied",
        "status_code": 401,
        "reason_code": "unauthenticated",
        "row_count": 0,
        "rows_digest": "",
        "request_digest": "b" * 64,
        "response_digest": "c" * 64,
        "key_id": "k",
        "signature": "s",
    }


def _links() -> list[tuple[int, str, str]]:
    return list(AccessLogEntry.objects.order_by("chain_id", "seq").values_list("seq", "prev_hash", "entry_hash"))


def test_appends_link_each_entry_to_the_previous_one() -> None:
    first = chain.append(_values())
    second = chain.append(_values())
    assert (first["seq"], first["prev_hash"]) == (1, GENESIS_HASH)
    assert (second["seq"], second["prev_hash"]) == (2, first["entry_hash"])
    assert second["entry_hash"] == entry_hash(second)
    assert _links() == [(1, GENESIS_HASH, first["entry_hash"]), (2, first["entry_hash"], second["entry_hash"])]
    assert chain.verify().ok


def test_a_head_moved_by_another_writer_is_reread_not_overwritten() -> None:
    chain.append(_values())
    chain_id = AccessLogEntry.objects.get().chain_id
    stale = chain._heads[chain_id]
    # another process on the same lane appends in between: this process's cached head is now behind
    chain.append(_values())
    chain._heads[chain_id] = stale
    third = chain.append(_values())
    assert third["seq"] == 3
    assert [seq for seq, _prev, _hash in _links()] == [1, 2, 3]
    head = AccessChain.objects.get(pk=chain_id)
    assert (head.last_seq, head.last_hash) == (3, third["entry_hash"])
    assert chain.verify().ok


def test_a_forged_cached_head_cannot_rewind_the_chain() -> None:
    chain.append(_values())
    chain_id = AccessLogEntry.objects.get().chain_id
    chain._heads[chain_id] = (0, GENESIS_HASH)  # as if the process had never written
    again = chain.append(_values())
    assert again["seq"] == 2 and AccessLogEntry.objects.filter(seq=1).count() == 1
    assert chain.verify().ok


def test_a_chain_row_rolled_back_under_a_cached_id_is_recreated() -> None:
    chain.append(_values())
    key = chain.chain_key(None)
    chain._chain_ids[key] = 987_654  # an id whose row no longer exists
    again = chain.append(_values())
    assert again["chain_id"] != 987_654 and again["seq"] == 2
    assert chain.verify().ok


def test_inside_a_transaction_the_verifier_runs_as_one_pass_and_sees_its_own_entries() -> None:
    """Worker processes could not see entries this transaction has not committed (nor may a forked child touch
    this connection), so ``workers`` is ignored inside a transaction."""
    for _ in range(2):
        chain.append(_values())
    result = chain.verify(workers=2)
    assert result.ok and result.entries == 2


@pytest.mark.django_db(transaction=True)
def test_the_parallel_verifier_reports_what_a_single_pass_reports() -> None:
    """The worker processes read through their own connections, so the entries must be committed (PostgreSQL only: a
    transactional test on SQLite ends with DELETEs that the append-only triggers refuse)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs committed rows and TRUNCATE at teardown (PostgreSQL)")
    for _ in range(3):
        chain.append(_values())
    assert chain.verify(workers=2).ok and chain.verify(workers=2).entries == 3
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE exchange_accesslogentry DISABLE TRIGGER USER")
        try:
            cursor.execute("UPDATE exchange_accesslogentry SET end_user = 'x' WHERE seq = 2")
        finally:
            cursor.execute("ALTER TABLE exchange_accesslogentry ENABLE TRIGGER USER")
    single = [(p.chain, p.seq, p.message) for p in chain.verify().problems]
    parallel = [(p.chain, p.seq, p.message) for p in chain.verify(workers=2).problems]
    assert single == parallel == [(chain.chain_key(None), 2, "内容哈希不符（日志被修改）")]
