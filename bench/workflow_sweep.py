"""The supervision sweep (电子监察) over every open case and step.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench .venv/bin/python bench/workflow_sweep.py --days-ahead 3

Run bench/workflow_generate.py first. ``--days-ahead N`` sweeps as if it were N days later, so lights
change and the changed rows are recorded and their recipients resolved (``--no-notify`` to time the
UPDATEs alone). Everything runs in a transaction that is rolled back, so the data can be swept again.
The sweep queues its warnings after its commit (tasks of 2,000 ids, ``notify_sweep``) — so the figure is the
sweep; ``--notify-work`` then also times, inside the same rolled-back transaction, what the task worker does
with them (resolving assignees, queues and supervisors, rendering and storing every message) and prints it
separately. Target on PostgreSQL with 1,000,000 cases: ≤ 10 s.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from workflow_common import database_label, peak_rss_mb

from egov.kernel.workflow.models import Case, CaseStatus, Light
from egov.kernel.workflow.services import supervision_sweep, sweep_notify


class _Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days-ahead", type=int, default=0)
    parser.add_argument("--no-notify", action="store_true")
    parser.add_argument("--notify-work", action="store_true", help="also time the queued notices' task work")
    args = parser.parse_args()
    today = timezone.localdate() + timedelta(days=args.days_ahead)
    open_cases = Case.objects.filter(status=CaseStatus.OPEN).count()
    started = time.perf_counter()
    try:
        with transaction.atomic():
            result = supervision_sweep(today=today, notify_people=not args.no_notify)
            elapsed = time.perf_counter() - started
            notices, notify_seconds = None, None
            if args.notify_work:
                started = time.perf_counter()
                notices = sweep_notify(
                    item_ids=result.items[Light.YELLOW] + result.items[Light.RED],
                    case_ids=result.cases[Light.YELLOW] + result.cases[Light.RED],
                )
                notify_seconds = round(time.perf_counter() - started, 2)
            raise _Rollback
    except _Rollback:
        pass
    print(
        json.dumps(
            {
                "database": database_label(),
                "today": today.isoformat(),
                "open_cases": open_cases,
                "seconds": round(elapsed, 2),
                "changed": result.changed(),
                "cases": {light: len(ids) for light, ids in result.cases.items()},
                "items": {light: len(ids) for light, ids in result.items.items()},
                "notified": not args.no_notify,
                "notify_task_seconds": notify_seconds,
                "notices": notices,
                "peak_rss_mb": round(peak_rss_mb(), 1),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
