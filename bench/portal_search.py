"""Portal search figures on the generated portal data (bench/portal_generate.py … --index):

- p50/p95 of two-word queries through ``egov.kernel.search.selectors.search`` (SQLite FTS5 or PostgreSQL);
- time from publishing an article in Wagtail to finding it in the search, with a real task worker
  (``manage.py db_worker``) picking up the reindex task the publication queues.

    .venv/bin/python bench/portal_search.py [--queries 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_portal_bench .venv/bin/python bench/portal_search.py

Targets (issue 5): p95 <= 100 ms on SQLite, <= 50 ms on PostgreSQL; searchable within 5 s of publishing.
For the index size alone, bench/search_bench.py N is faster to set up. Prints the figures and peak memory.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from egov.domain.portal.models import ArticlePage, ColumnPage  # noqa: E402
from egov.kernel.search.models import SearchDocument  # noqa: E402
from egov.kernel.search.selectors import search  # noqa: E402

WORDS = ["政务服务", "兴安盟", "平台", "数据", "共享", "办理", "事项", "群众", "企业", "建设", "部门", "信息", "公开"]


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    random.seed(7)
    documents = SearchDocument.objects.count()
    if not documents:
        raise SystemExit("the search index is empty: run bench/portal_generate.py --index first")
    search("兴安盟 政务服务")  # load jieba and the dictionary once
    timings = []
    for _ in range(args.queries):
        query = " ".join(random.sample(WORDS, 2))
        started = time.perf_counter()
        search(query, page_size=10)
        timings.append((time.perf_counter() - started) * 1000)
    print(f"database: {connection.vendor}; {documents} documents in the index")
    print(
        f"two-word queries: n={len(timings)} p50 {percentile(timings, 50):.1f} ms  p95 {percentile(timings, 95):.1f} ms"
    )

    column = ColumnPage.objects.filter(slug="news").order_by("path").first()
    if column is None:
        raise SystemExit("no bench news column: run bench/portal_generate.py first")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.1"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Wait until the worker runs tasks (its start-up is not part of the figure): a no-op reindex.
        from egov.kernel.search.tasks import reindex_object

        probe = reindex_object.enqueue("portal.article", "0")
        deadline = time.monotonic() + 180
        while probe.status not in ("SUCCESSFUL", "FAILED") and time.monotonic() < deadline:
            time.sleep(0.2)
            probe.refresh()
        marker = f"基准检索标记{uuid.uuid4().hex[:8]}"
        article = column.add_child(instance=ArticlePage(title=f"（演示数据）{marker}", slug=f"bench-{marker[-8:]}"))
        started = time.perf_counter()
        article.save_revision().publish()
        found_after = None
        while time.perf_counter() - started < 60:
            if search(marker).total:
                found_after = time.perf_counter() - started
                break
            time.sleep(0.05)
        if found_after is None:
            print("publish → searchable: not found within 60 s (is the search registered for portal pages?)")
        else:
            print(f"publish → searchable: {found_after:.2f} s (worker polling included)")
        article.delete()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
