"""One process, no HTTP server: the Django handler serving portal article pages, profiled (issue 5).

Reports per request: CPU time (time.process_time), wall time, database queries, and the functions that cost
most (cProfile, cumulative). ``--cached`` profiles page-cache hits instead (each URL rendered once first).

    EGOV_VAR_DIR=/tmp/pb .venv/bin/python bench/portal_profile.py [--requests 300] [--paths 100] [--cached] [--home]
    DATABASE_URL=postgres://…/egov_portal_bench .venv/bin/python bench/portal_profile.py

Uses bench/portal_settings.py (DEBUG off, the page cache middleware only with BENCH_PAGE_CACHE=1, which
``--cached`` sets) and the data of bench/portal_generate.py. Prints peak RSS.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.portal_settings")
if "--cached" in sys.argv:
    os.environ["BENCH_PAGE_CACHE"] = "1"
else:
    os.environ.setdefault("BENCH_PAGE_CACHE", "0")

import django  # noqa: E402

django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from egov.domain.portal.models import ArticlePage, HomePage  # noqa: E402


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--cached", action="store_true", help="profile page-cache hits")
    parser.add_argument("--home", action="store_true", help="the home page instead of articles")
    parser.add_argument("--paths", type=int, default=100, help="distinct article URLs, requested in turn")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    home = HomePage.objects.filter(site_key="bench1").first() or HomePage.objects.live().first()
    if home is None:
        raise SystemExit("no portal site: run bench/portal_generate.py first")
    if args.home:
        paths = [str(home.get_url())]
    else:
        pages = ArticlePage.objects.descendant_of(home).live().order_by("-pk")[: args.paths]
        paths = [str(page.get_url()) for page in pages]
    handler = WSGIHandler()
    factory = RequestFactory(HTTP_HOST="127.0.0.1")

    def serve(path: str) -> int:
        environ = factory.get(path).environ
        status: list[str] = []
        body = handler(environ, lambda s, headers, exc_info=None: status.append(s))
        size = sum(len(chunk) for chunk in body)
        if hasattr(body, "close"):
            body.close()
        if not status[0].startswith("200"):
            raise SystemExit(f"{path}: {status[0]}")
        return size

    for path in paths[:20]:  # imports, template compilation, jieba-free warm-up
        serve(path)
    if args.cached:
        for path in paths:
            serve(path)
    requests = [paths[i % len(paths)] for i in range(args.requests)]
    # CPU without the profiler first (cProfile itself multiplies the cost of every Python call)
    plain_cpu = []
    for path in requests:
        started_cpu = time.process_time()
        serve(path)
        plain_cpu.append((time.process_time() - started_cpu) * 1000)
    counter = QueryCounter()
    cpu: list[float] = []
    wall: list[float] = []
    size = 0
    profile = cProfile.Profile(time.process_time)  # CPU, not wall: the machine is shared
    with connection.execute_wrapper(counter):
        for path in requests:
            started_cpu, started = time.process_time(), time.perf_counter()
            profile.enable()
            size = serve(path)
            profile.disable()
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
    load = Path("/proc/loadavg").read_text().split()[:3]
    kind = "home page" if args.home else "article pages"
    print(
        f"database: {connection.vendor}; {len(requests)} requests, {kind},"
        f" page cache {'on (hits)' if args.cached else 'off'}"
    )
    print(f"page size: {size / 1024:.1f} KB; queries per request: {counter.count / len(requests):.2f}")
    print(
        f"CPU per request without the profiler: mean {statistics.mean(plain_cpu):.2f} ms,"
        f" median {statistics.median(plain_cpu):.2f} ms, p95 {sorted(plain_cpu)[int(len(plain_cpu) * 0.95)]:.2f} ms"
    )
    print(
        f"CPU per request under the profiler: mean {statistics.mean(cpu):.2f} ms,"
        f" median {statistics.median(cpu):.2f} ms;"
        f" wall median {statistics.median(wall):.2f} ms (load average {' '.join(load)})"
    )
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top // 2)
    print(out.getvalue())
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
