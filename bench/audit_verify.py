"""How fast does ``manage.py audit_verify`` walk the audit chain, and in how much memory?

    .venv/bin/python bench/audit_verify.py [N]            # default 200000 entries, throw-away SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench .venv/bin/python bench/audit_verify.py

Without DATABASE_URL it works in a temporary directory and deletes it afterwards. It refuses a database
whose audit log is not empty, so it can never add fake entries to a real chain. Entries are chained in
Python and inserted with bulk_create (the same hash function audit_record uses), then verified.
Target: >= 100 000 entries/s with constant memory.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import shutil
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
TEMP_DIR = None if os.environ.get("DATABASE_URL") else tempfile.mkdtemp(prefix="egov-bench-audit-")
if TEMP_DIR:
    os.environ["EGOV_VAR_DIR"] = TEMP_DIR
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from egov.kernel.audit.chain import GENESIS_HASH, entry_hash  # noqa: E402
from egov.kernel.audit.models import AuditChainHead, AuditEntry  # noqa: E402

BATCH = 5000


def _row(number: int, created_at: dt.datetime) -> dict[str, Any]:
    return {
        "created_at": created_at,
        "actor_id": number % 500 + 1,
        "actor_username": f"staff{number % 500:03d}",
        "actor_display": "王建国",
        "org_unit_id": number % 40 + 1,
        "org_unit_name": "科尔沁右翼前旗民政局",
        "action": ("workflow.case_accept", "accounts.sign_in", "disclosure.publish")[number % 3],
        "target_type": "workflow.case",
        "target_id": str(number),
        "target_repr": f"兴安盟政务服务事项 第{number}号办件",
        "result": "success",
        "ip": f"10.12.{number % 250}.{number % 200 + 1}",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Chromium/131.0",
        "request_id": f"{number:032x}",
        "detail": {"step": number % 7, "opinion": "同意"},
    }


def insert_chain(count: int) -> None:
    """Append ``count`` entries after the current head, holding the head lock like audit_record does."""
    start = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=count)
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditChainHead.objects.create(pk=1, last_id=0, last_hash=GENESIS_HASH)
        last_id, last_hash = head.last_id, head.last_hash
        batch: list[AuditEntry] = []
        for number in range(count):
            values = _row(number, start + dt.timedelta(seconds=number, microseconds=number % 999_999))
            last_id += 1
            values.update(id=last_id, prev_hash=last_hash)
            last_hash = entry_hash(values)
            batch.append(AuditEntry(**values, entry_hash=last_hash))
            if len(batch) == BATCH:
                AuditEntry.objects.bulk_create(batch)
                batch = []
        AuditEntry.objects.bulk_create(batch)
        AuditChainHead.objects.filter(pk=1).update(last_id=last_id, last_hash=last_hash)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    try:
        call_command("migrate", "audit", verbosity=0)
        if AuditEntry.objects.exists():
            sys.exit("the audit log of this database is not empty; use a throw-away database")
        started = time.perf_counter()
        insert_chain(count)
        inserted = time.perf_counter() - started
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        out = StringIO()
        started = time.perf_counter()
        call_command("audit_verify", stdout=out)
        elapsed = time.perf_counter() - started
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    finally:
        if TEMP_DIR:
            shutil.rmtree(TEMP_DIR, ignore_errors=True)
    print(f"database:   {'SQLite (temporary)' if TEMP_DIR else 'DATABASE_URL'}")
    print(f"insert:     {count} entries in {inserted:.1f} s ({count / inserted:,.0f} entries/s)")
    print(f"verify:     {out.getvalue().strip()} in {elapsed:.2f} s ({count / elapsed:,.0f} entries/s)")
    print(f"peak RSS:   {rss_after / 1024:.0f} MiB (before verify {rss_before / 1024:.0f} MiB)")


if __name__ == "__main__":
    main()
