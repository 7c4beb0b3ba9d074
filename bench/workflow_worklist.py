"""A staff member's 待办 list: first page with the counts of every list, as the workbench loads it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench .venv/bin/python bench/workflow_worklist.py --scale 0.01

Run bench/workflow_generate.py first. Measures ``worklist_page(user, "todo")`` (page 1, 20 rows sorted by
due date, plus the counts of every list) for a random bench handler per round, user loaded fresh each time. Target on
PostgreSQL with 1,000,000 cases / 3,000,000 items: p95 ≤ 20 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import time

from workflow_common import database_label, peak_rss_mb, percentile

from egov.kernel.accounts.models import User
from egov.kernel.workflow.models import Case, WorkItem
from egov.kernel.workflow.selectors import worklist_page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--scale", type=float, default=0.01, help="only labels the output; the data is what generate made"
    )
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    users = list(User.objects.filter(username__startswith="bench_").order_by("pk"))
    if not users or not WorkItem.objects.exists():
        raise SystemExit("没有压测数据：请先运行 bench/workflow_generate.py")
    rng = random.Random(7)
    for user in users[:5]:  # warm the connection and the plans
        worklist_page(user, "todo")
    timings: list[float] = []
    rows_seen = totals = 0
    for _ in range(args.rounds):
        user = User.objects.get(pk=rng.choice(users).pk)  # fresh object: no cached grants, as in a request
        started = time.perf_counter()
        result = worklist_page(user, "todo", page=1, page_size=20)
        timings.append((time.perf_counter() - started) * 1000)
        rows_seen += len(result.rows)
        totals += result.total + result.counts["done"]
    print(
        json.dumps(
            {
                "database": database_label(),
                "scale": args.scale,
                "cases": Case.objects.count(),
                "work_items": WorkItem.objects.count(),
                "rounds": args.rounds,
                "p50_ms": round(percentile(timings, 50), 2),
                "p95_ms": round(percentile(timings, 95), 2),
                "max_ms": round(max(timings), 2),
                "avg_rows": rows_seen / args.rounds,
                "avg_todo_plus_done": totals / args.rounds,
                "peak_rss_mb": round(peak_rss_mb(), 1),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
