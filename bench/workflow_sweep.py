"""The supervision sweep (电子监察) over every open case and step.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench .venv/bin/python bench/workflow_sweep.py --days-ahead 3

Run bench/workflow_generate.py first. ``--days-ahead N`` sweeps as if it were N days later, so lights
change and the changed rows are recorded and their recipients resolved (``--no-notify`` to time the
UPDATEs alone). Everything runs in a transaction that is rolled back, so the data can be swept again —
which also means the on-commit ``notify`` calls never run: message rendering is not in the figure.
Target on PostgreSQL with 1,000,000 cases: ≤ 10 s.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from workflow_common import database_label, peak_rss_mb

from egov.kernel.workflow.models import Case, CaseStatus
from egov.kernel.workflow.services import supervision_sweep


class _Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days-ahead", type=int, default=0)
    parser.add_argument("--no-notify", action="store_true")
    args = parser.parse_args()
    today = timezone.localdate() + timedelta(days=args.days_ahead)
    open_cases = Case.objects.filter(status=CaseStatus.OPEN).count()
    started = time.perf_counter()
    try:
        with transaction.atomic():
            result = supervision_sweep(today=today, notify_people=not args.no_notify)
            elapsed = time.perf_counter() - started
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
                "peak_rss_mb": round(peak_rss_mb(), 1),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
