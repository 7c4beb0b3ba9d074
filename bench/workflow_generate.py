"""Fill the case tables with synthetic cases and work items for the worklist and sweep benchmarks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench .venv/bin/python bench/workflow_generate.py --scale 0.01

--scale 1 = 1,000,000 cases and 3,000,000 work items over 200 units × 10 handlers (the lead's full run);
run small scales only on a shared machine. PostgreSQL is filled with COPY, other databases with
bulk_create. Cases carry an empty workflow state: they exist for the indexed tables, never advance.
About 30 % of cases are open (one active item each: half waiting in the unit's queue, half claimed),
the rest completed; every case has three items. Started dates spread over the last 90 days.
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import random
import time
import uuid
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone
from workflow_common import UNITS_FULL, bench_world, database_label, peak_rss_mb

from egov.kernel.workflow.clock import light_of
from egov.kernel.workflow.models import Case, WorkItem

BATCH = 20_000
CASE_COLUMNS = (
    "id",
    "number",
    "definition_id",
    "process_key",
    "org_unit_id",
    "title",
    "applicant_id",
    "started_by_id",
    "subject_type",
    "subject_id",
    "subject_repr",
    "status",
    "current_steps",
    "state",
    "data",
    "statutory_limit",
    "statutory_unit",
    "promised_limit",
    "promised_unit",
    "started_on",
    "due_on",
    "promised_due_on",
    "watch_due_on",
    "warn_on",
    "light",
    "started_at",
    "updated_at",
    "completed_at",
    "lock_version",
)
ITEM_COLUMNS = (
    "case_id",
    "process_key",
    "task_id",
    "step",
    "title",
    "org_unit_id",
    "assignee_id",
    "queue_org_unit_id",
    "queue_role",
    "status",
    "outcome",
    "opinion",
    "sent_by_id",
    "created_at",
    "opened_at",
    "completed_by_id",
    "completed_at",
    "limit",
    "limit_unit",
    "started_on",
    "due_on",
    "warn_on",
    "light",
    "version",
)
STEPS = (("accept", "受理"), ("review_fgw", "盟发改委审核"), ("review_czj", "盟财政局审核"))


@functools.cache
def _weekdays_after(day: date, n: int) -> date:
    """Cached: the 90 start days and a few limits repeat over a million cases."""
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def _rows(first_id: int, count: int, definition_id: int, units: list, users: dict, rng: random.Random, today: date):
    now = timezone.now()
    for offset in range(count):
        case_id = first_id + offset
        unit = units[rng.randrange(len(units))]
        people = users[unit.pk]
        starter = people[rng.randrange(len(people))]
        started_on = today - timedelta(days=rng.randrange(90))
        started_at = datetime.combine(started_on, datetime.min.time(), tzinfo=now.tzinfo) + timedelta(
            seconds=rng.randrange(86_400)
        )
        is_open = rng.random() < 0.3
        due = _weekdays_after(started_on, 20)
        warn = _weekdays_after(started_on, 16)
        case = (
            case_id,
            f"BX-{started_on.year}-{case_id:08d}",
            definition_id,
            "demo_joint_approval",
            unit.pk,
            f"压测办件{case_id}",
            None,
            starter.pk,
            "",
            "",
            "",
            "open" if is_open else "completed",
            "盟财政局审核" if is_open else "",
            "{}",
            "{}",
            20,
            "wd",
            None,
            "",
            started_on,
            due,
            None,
            due,
            warn,
            light_of(due, warn, today) if is_open else "green",
            started_at,
            started_at,
            None if is_open else started_at + timedelta(days=5),
            0,
        )
        items = []
        for index, (step, title) in enumerate(STEPS):
            active = is_open and index == 2
            item_due = _weekdays_after(started_on + timedelta(days=index), 3)
            item_warn = _weekdays_after(started_on + timedelta(days=index), 1)
            claimed = active and rng.random() < 0.5
            handler = people[rng.randrange(len(people))]
            items.append(
                (
                    case_id,
                    "demo_joint_approval",
                    uuid.UUID(int=rng.getrandbits(128)),
                    step,
                    title,
                    unit.pk,
                    handler.pk if (claimed or not active) else None,
                    unit.pk,
                    "handler",
                    ("claimed" if claimed else "open") if active else "completed",
                    "" if active else "agree",
                    "" if active else "同意",
                    starter.pk,
                    started_at + timedelta(hours=index),
                    None if (active and not claimed) else started_at + timedelta(hours=index, minutes=5),
                    None if active else handler.pk,
                    None if active else started_at + timedelta(hours=index + 1),
                    3,
                    "wd",
                    started_on,
                    item_due,
                    item_warn,
                    light_of(item_due, item_warn, today) if active else "green",
                    0,
                )
            )
        yield case, items


def _copy_value(value: object) -> str:
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is int:
        return str(value)
    text = value.isoformat() if kind is date or kind is datetime else str(value)  # type: ignore[attr-defined]
    if "\\" in text or "\t" in text or "\n" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return text


def _copy(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_copy_value(v) for v in row) + "\n")
    quoted = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor, cursor.connection.cursor().copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
        copy.write(buffer.getvalue())


def _bulk(rows: list[tuple], items: list[tuple]) -> None:
    Case.objects.bulk_create(
        [Case(**dict(zip(CASE_COLUMNS, r, strict=True)) | {"state": {}, "data": {}}) for r in rows], batch_size=2000
    )
    WorkItem.objects.bulk_create([WorkItem(**dict(zip(ITEM_COLUMNS, r, strict=True))) for r in items], batch_size=2000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.01, help="1 = 1,000,000 cases (default 0.01)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    cases = int(1_000_000 * args.scale)
    unit_count = max(2, int(UNITS_FULL * min(1.0, max(args.scale * 10, 0.01))))
    definition, units, users = bench_world(unit_count)
    rng = random.Random(args.seed)
    today = timezone.localdate()
    first_id = (Case.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    use_copy = connection.vendor == "postgresql"
    print(f"database: {database_label()}; generating {cases:,} cases / {cases * 3:,} items over {unit_count} units")
    started = time.perf_counter()
    case_rows: list[tuple] = []
    item_rows: list[tuple] = []
    for case, items in _rows(first_id, cases, definition.pk, units, users, rng, today):
        case_rows.append(case)
        item_rows.extend(items)
        if len(case_rows) >= BATCH:
            with transaction.atomic():
                _copy("workflow_case", CASE_COLUMNS, case_rows) if use_copy else _bulk(case_rows, item_rows)
                if use_copy:
                    _copy("workflow_workitem", ITEM_COLUMNS, item_rows)
            case_rows, item_rows = [], []
    if case_rows:
        with transaction.atomic():
            _copy("workflow_case", CASE_COLUMNS, case_rows) if use_copy else _bulk(case_rows, item_rows)
            if use_copy:
                _copy("workflow_workitem", ITEM_COLUMNS, item_rows)
    if use_copy:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('workflow_case', 'id'), (SELECT max(id) FROM workflow_case))"
            )
            # VACUUM too: it sets the visibility map, without which the badge counts cannot be index-only scans
            # (autovacuum would do it later on a live system).
            cursor.execute("VACUUM (ANALYZE) workflow_case")
            cursor.execute("VACUUM (ANALYZE) workflow_workitem")
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "cases": cases,
                "work_items": cases * 3,
                "seconds": round(elapsed, 1),
                "cases_per_second": round(cases / elapsed) if elapsed else None,
                "total_cases": Case.objects.count(),
                "peak_rss_mb": round(peak_rss_mb(), 1),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
