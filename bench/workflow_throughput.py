"""Cases per second: start a case of the demo process and complete its first step (受理), through the
services (permission check, number sequence, SpiffWorkflow, audit, notifications on commit).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench \
        .venv/bin/python bench/workflow_throughput.py --scale 0.01 --workers 4

--scale 1 = 10,000 cases (default 0.01 = 100). Each worker is a separate process with its own connection (threads
would share one GIL and measure Python, not the machine); all workers share one gapless number sequence and the
audit chain head, so this measures the real serialisation points too. The rate reported is the aggregate: all
cases divided by the wall time from the common start to the last worker's end.

Besides the rate it prints, summed over all workers and per case: the time taken to number a case (waiting
for the sequence row lock, taking the number and setting it on the case), the time spent waiting for the audit
chain head lock, and how long the head stayed locked (from acquiring it to the end of the commit).
``audit_head_busy`` is the held time divided by the wall time: near 1.0 the head is the bottleneck. Writers
never wait for the head (ADR 0012): ``audit_pending_share`` is the share of audit entries stored as pending
because another transaction held it. ``python_cpu_ms_per_case`` is the workers' own CPU time (PostgreSQL's is
not included): with C cores the machine cannot exceed C × 1000 / that figure.

The messages of a transition are stored by a task (``workflow.tasks.notify_transition``) that the request only
queues. With the database task backend, the tasks queued by the run are then drained here by ``db_worker
--batch`` and its CPU is reported per case too (``notify_worker_cpu_ms_per_case``; ``total_cpu_ms_per_case`` =
both): that work moved to the task workers, it did not disappear.
Target on PostgreSQL: ≥ 200 cases/s. The cases stay in the database (titled 压测吞吐).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import time
from typing import Any

from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from workflow_common import bench_world, database_label, peak_rss_mb, percentile

from config.workers import prepare_worker
from egov.kernel.audit import services as audit_services
from egov.kernel.workflow import services as workflow_services
from egov.kernel.workflow.services import case_start, work_item_complete

_WAITS = {"number_wait": 0.0, "head_wait": 0.0, "head_held": 0.0, "pending": 0.0, "audited": 0.0}


def _instrument() -> None:
    """Time the two row locks by wrapping the functions that take them (measurement only, behaviour unchanged).

    The audit head is tried without waiting (ADR 0012): ``head_wait`` is the time of that attempt, ``head_held``
    runs from getting it to the end of the commit, and ``pending`` counts the entries stored while another
    transaction held it (linked after their commit by ``chain_pending``, whose time is in the latency)."""
    try_head, number_case = audit_services._try_head, workflow_services._number_case

    def timed_try_head(*args: Any) -> Any:
        started = time.perf_counter()
        head = try_head(*args)
        acquired = time.perf_counter()
        _WAITS["head_wait"] += acquired - started
        _WAITS["audited"] += 1
        if head is None:
            _WAITS["pending"] += 1
        else:
            transaction.on_commit(
                lambda: _WAITS.__setitem__("head_held", _WAITS["head_held"] + time.perf_counter() - acquired)
            )
        return head

    def timed_number_case(case: Any, prefix: str, year: int) -> None:
        started = time.perf_counter()
        number_case(case, prefix, year)
        _WAITS["number_wait"] += time.perf_counter() - started

    audit_services._try_head = timed_try_head
    workflow_services._number_case = timed_number_case


def _one_case(n: int, starter: Any, accepter: Any, unit: Any) -> None:
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


def _worker(count: int, people: tuple[Any, Any, Any], barrier: Any, results: Any) -> None:
    starter, accepter, unit = people
    connections.close_all()  # never share the parent's socket
    prepare_worker()  # as a gunicorn worker does after its fork (docs/deploy/gunicorn.conf.py)
    _instrument()
    latencies: list[float] = []
    error = ""
    barrier.wait()
    began, cpu = time.time(), time.process_time()
    try:
        for n in range(count):
            started = time.perf_counter()
            _one_case(n, starter, accepter, unit)
            latencies.append((time.perf_counter() - started) * 1000)
    except Exception as exc:  # noqa: BLE001 - reported by the parent
        error = repr(exc)
    cpu = time.process_time() - cpu
    results.put({"began": began, "ended": time.time(), "cpu": cpu, "latencies": latencies, "error": error, **_WAITS})
    connections.close_all()


def _drain(enabled: bool) -> tuple[int, float, float]:
    """Run the queued notification tasks with the database backend's worker; (tasks, CPU s, wall s)."""
    from django.core.management import call_command
    from django_tasks_db.backend import DatabaseBackend

    from egov.kernel.workflow.tasks import notify_transition

    if not enabled or not isinstance(notify_transition.get_backend(), DatabaseBackend):
        return 0, 0.0, 0.0
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.ready().filter(task_path__endswith="notify_transition")
    count = queued.count()
    cpu, began = time.process_time(), time.perf_counter()
    call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0)
    return count, time.process_time() - cpu, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.01, help="1 = 10,000 cases")
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument(
        "--no-drain", dest="drain", action="store_false", help="leave the queued notification tasks in the database"
    )
    args = parser.parse_args()
    total = max(1, int(10_000 * args.scale))
    _definition, units, users = bench_world(2)
    unit = units[0]
    people = (users[unit.pk][0], users[unit.pk][1], unit)
    _one_case(-1, *people)  # warm-up: parse the process, fill caches (inherited by the forked workers)
    with CaptureQueriesContext(connection) as queries:
        _one_case(-2, *people)
    connections.close_all()
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(args.workers), context.Queue()
    per_worker = [total // args.workers + (1 if i < total % args.workers else 0) for i in range(args.workers)]
    processes = [context.Process(target=_worker, args=(count, people, barrier, results)) for count in per_worker]
    for process in processes:
        process.start()
    reports = [results.get() for _process in processes]
    for process in processes:
        process.join()
    drained, drain_cpu, drain_seconds = _drain(args.drain)
    latencies = [ms for report in reports for ms in report["latencies"]]
    elapsed = max(r["ended"] for r in reports) - min(r["began"] for r in reports)
    done = max(1, len(latencies))
    print(
        json.dumps(
            {
                "database": database_label(),
                "workers": args.workers,
                "load_average": [round(x, 2) for x in os.getloadavg()],
                "cases": len(latencies),
                "errors": [r["error"] for r in reports if r["error"]][:3],
                "queries_per_case": len(queries.captured_queries),  # incl. the bench's own item lookup
                "seconds": round(elapsed, 2),
                "cases_per_second": round(len(latencies) / elapsed, 1),
                "p50_ms": round(percentile(latencies, 50), 1),
                "p95_ms": round(percentile(latencies, 95), 1),
                "python_cpu_ms_per_case": round(sum(r["cpu"] for r in reports) * 1000 / done, 1),
                "number_take_ms_per_case": round(sum(r["number_wait"] for r in reports) * 1000 / done, 2),
                "audit_head_wait_ms_per_case": round(sum(r["head_wait"] for r in reports) * 1000 / done, 2),
                "audit_head_held_ms_per_case": round(sum(r["head_held"] for r in reports) * 1000 / done, 2),
                "audit_head_busy": round(sum(r["head_held"] for r in reports) / elapsed, 2),
                "audit_pending_share": round(
                    sum(r["pending"] for r in reports) / max(1.0, sum(r["audited"] for r in reports)), 3
                ),
                "notify_tasks_drained": drained,
                "notify_drain_seconds": round(drain_seconds, 2),
                "notify_worker_cpu_ms_per_case": round(drain_cpu * 1000 / done, 1),
                "total_cpu_ms_per_case": round((sum(r["cpu"] for r in reports) + drain_cpu) * 1000 / done, 1),
                "peak_rss_mb": round(peak_rss_mb(), 1),
                "peak_rss_mb_worker": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
