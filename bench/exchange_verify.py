"""Access log chain verification speed (target ≥ 100,000 entries/s).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench \
        .venv/bin/python bench/exchange_verify.py --entries 1000000

Appends ``--entries`` synthetic, correctly chained entries (spread over ``--chains`` chains, written in bulk;
realistic field sizes, a real ECDSA signature) unless that many are already there, then times
``egov.domain.exchange.chain.verify`` over the whole log with ``--workers`` processes (default 2). Prints entries/s,
the verifier's own CPU per entry (its processes'; the database's is not in it) and peak memory.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from egov.domain.exchange import chain, signing  # noqa: E402
from egov.domain.exchange.canonical import entry_hash, signed_payload  # noqa: E402
from egov.domain.exchange.models import AccessChain, AccessLogEntry  # noqa: E402


def fill(total: int, chains: int) -> None:
    have = AccessLogEntry.objects.count()
    if have >= total:
        return
    key = signing.current_key()
    heads = [AccessChain.objects.get_or_create(key=f"bench-{n}")[0] for n in range(chains)]
    at = time.time_ns() // 1000
    template = {
        "client_id": "xa0123456789abcdef",
        "application_id": None,
        "consumer_id": None,
        "provider_id": None,
        "grant_id": None,
        "resource": "99.09.09-0001",
        "end_user": "bench-user-7",
        "issue": "XA-2026-000123",
        "method": "GET",
        "path": "/exchange/v1/resources/99.09.09-0001/rows",
        "query": "filter=%E6%B3%A8%E5%86%8C%E8%B5%84%E6%9C%AC%3Agte%3A%2A%2A%2A&limit=20",
        "result": "ok",
        "status_code": 200,
        "reason_code": "",
        "row_count": 20,
        "rows_digest": "a" * 64,
        "request_digest": "b" * 64,
        "response_digest": "c" * 64,
        "key_id": key.kid,
    }
    signature = key.sign(signed_payload({**template, "call_id": "x", "at_us": at}))
    remaining = total - have
    batch_size = 5000
    while remaining > 0:
        batch = []
        with transaction.atomic():
            locked = list(AccessChain.objects.select_for_update().filter(pk__in=[h.pk for h in heads]).order_by("pk"))
            for n in range(min(batch_size, remaining)):
                head = locked[n % chains]
                at += 1
                values: dict[str, Any] = {
                    **template,
                    "chain_id": head.pk,
                    "seq": head.last_seq + 1,
                    "prev_hash": head.last_hash,
                    "at_us": at,
                    "call_id": uuid.uuid4().hex,
                    "signature": signature,
                }
                digest = entry_hash(values)
                batch.append(AccessLogEntry(**values, entry_hash=digest))
                head.last_seq, head.last_hash = values["seq"], digest
            AccessLogEntry.objects.bulk_create(batch, batch_size=1000)
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("SET LOCAL session_replication_role = replica")  # bulk: move heads in one go
                else:
                    cursor.execute("DROP TRIGGER IF EXISTS exchange_chain_forward")  # re-created below
            for head in locked:
                AccessChain.objects.filter(pk=head.pk).update(last_seq=head.last_seq, last_hash=head.last_hash)
            if connection.vendor == "sqlite":
                triggers = importlib.import_module("egov.domain.exchange.migrations.0002_access_log_append_only")
                with connection.cursor() as cursor:
                    cursor.execute(triggers.SQLITE[2])
        remaining -= len(batch)


def _cpu_seconds() -> float:
    """User + system CPU of this process and of its finished children (the verifier's worker processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--chains", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="verifier processes (database connections)")
    args = parser.parse_args()
    started = time.perf_counter()
    fill(args.entries, args.chains)
    filled = time.perf_counter() - started
    connection.close()  # the verifier's threads open their own connections
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    result = chain.verify(workers=args.workers)
    elapsed, cpu = time.perf_counter() - started, _cpu_seconds() - cpu_started
    print(
        json.dumps(
            {
                "database": f"{connection.vendor} {connection.settings_dict.get('NAME')}",
                "entries": result.entries,
                "chains": result.chains,
                "ok": result.ok,
                "problems": [p.message for p in result.problems[:3]],
                "fill_seconds": round(filled, 1),
                "verify_seconds": round(elapsed, 2),
                "entries_per_second": round(result.entries / elapsed) if elapsed else None,
                "workers": args.workers,
                "python_cpu_us_per_entry": round(cpu / result.entries * 1e6, 2) if result.entries else None,
                "load_average": os.getloadavg()[0],
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "peak_rss_mb_workers": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
