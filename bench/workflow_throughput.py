"""Cases per second: start a case of the demo process and complete its first step (受理), through the
services (permission check, number sequence, SpiffWorkflow, audit, notifications on commit).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench \
        .venv/bin/python bench/workflow_throughput.py --scale 0.001 --workers 2

--scale 1 = 10,000 cases (default 0.01 = 100). Each worker is a thread with its own connection; all
workers share one gapless number sequence, so this measures the real serialization point too.
Target on PostgreSQL: ≥ 200 cases/s. The cases stay in the database (titled 压测吞吐).
"""

from __future__ import annotations

import argparse
import json
import threading
import time

from django.db import connections
from workflow_common import bench_world, database_label, peak_rss_mb, percentile

from egov.kernel.workflow.services import case_start, work_item_complete


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.01, help="1 = 10,000 cases")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    total = max(1, int(10_000 * args.scale))
    _definition, units, users = bench_world(2)
    unit = units[0]
    starter, accepter = users[unit.pk][0], users[unit.pk][1]
    per_worker = [total // args.workers + (1 if i < total % args.workers else 0) for i in range(args.workers)]
    latencies: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(count: int) -> None:
        mine: list[float] = []
        try:
            for n in range(count):
                started = time.perf_counter()
                case = case_start(
                    actor=starter,
                    process_key="demo_joint_approval",
                    org_unit=unit,
                    title=f"压测吞吐{n}",
                    statutory_limit=20,
                    promised_limit=10,
                )
                item = case.work_items.get(step="accept")
                work_item_complete(actor=accepter, item=item, outcome="accept", opinion="受理")
                mine.append((time.perf_counter() - started) * 1000)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            with lock:
                latencies.extend(mine)
            connections.close_all()

    work(1)  # warm-up: parse the process, fill caches
    latencies.clear()
    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(count,)) for count in per_worker]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "database": database_label(),
                "workers": args.workers,
                "cases": len(latencies),
                "errors": [repr(e) for e in errors[:3]],
                "seconds": round(elapsed, 2),
                "cases_per_second": round(len(latencies) / elapsed, 1),
                "p50_ms": round(percentile(latencies, 50), 1),
                "p95_ms": round(percentile(latencies, 95), 1),
                "peak_rss_mb": round(peak_rss_mb(), 1),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
