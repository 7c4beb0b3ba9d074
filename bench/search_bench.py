"""How fast is the full-text search for two-word queries, and in how much memory?

    .venv/bin/python bench/search_bench.py [N]            # default 20000 documents, throw-away SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_search_bench .venv/bin/python bench/search_bench.py

Documents are made of shuffled sentences of the founding document (egov/kernel/search/tests/data), with
random sites, years and validity, indexed through the same segmentation as ``index_object`` and written
with bulk_create (the FTS5 triggers / generated tsvector column do the rest). It refuses a database whose
index is not empty. Queries are pairs of frequent words of the document, each run through ``search()``.
Targets: p95 <= 100 ms on SQLite, <= 50 ms on PostgreSQL; an indexed object searchable at once (< 5 s).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
TEMP_DIR = None if os.environ.get("DATABASE_URL") else tempfile.mkdtemp(prefix="egov-bench-search-")
if TEMP_DIR:
    os.environ["EGOV_VAR_DIR"] = TEMP_DIR
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from egov.kernel.search import text  # noqa: E402
from egov.kernel.search.models import SearchDocument  # noqa: E402
from egov.kernel.search.selectors import search  # noqa: E402
from egov.kernel.search.services import index_object  # noqa: E402

SOURCE = Path(__file__).resolve().parent.parent / "egov/kernel/search/tests/data/founding_document.txt"
SITES = ["xam", "wlht", "aes", "kyqq", "kyzq", "zltq", "tqx"]
VALIDITY = ["有效", "有效", "有效", "已修改", "已废止"]
BATCH = 1000
QUERIES = 200


def sentences() -> list[str]:
    body = SOURCE.read_text(encoding="utf-8").splitlines()[1]
    return [s for s in re.split(r"[.\s]+", body) if len(s) >= 4]


def generate(count: int, rng: random.Random) -> None:
    pool = sentences()
    start = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)
    batch: list[SearchDocument] = []
    with transaction.atomic():
        for number in range(count):
            title = rng.choice(pool)[:40]
            body = "。".join(rng.sample(pool, rng.randint(3, 12))) + "。"
            published = start + dt.timedelta(hours=rng.randint(0, 24 * 365 * 10))
            batch.append(
                SearchDocument(
                    object_type=rng.choice(["portal.article", "portal.policy", "services.item"]),
                    object_id=str(number),
                    site=rng.choice(SITES),
                    title=title,
                    body=body,
                    url=f"/bench/{number}/",
                    published=published,
                    year=published.year,
                    facets={"validity": rng.choice(VALIDITY)},
                    tokens=text.index_tokens(f"{title}\n{body}"),
                )
            )
            if len(batch) == BATCH:
                SearchDocument.objects.bulk_create(batch)
                batch = []
        SearchDocument.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchdocument")


def two_word_queries(rng: random.Random) -> list[str]:
    counts = Counter(w for s in sentences() for w in text.words(s) if len(w) >= 2)
    common = [w for w, _ in counts.most_common(150)]
    return [f"{a} {b}" for a, b in (rng.sample(common, 2) for _ in range(QUERIES))]


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    rng = random.Random(20240501)
    try:
        call_command("migrate", verbosity=0)
        if SearchDocument.objects.exists():
            sys.exit("the search index of this database is not empty; use a throw-away database")
        started = time.perf_counter()
        generate(count, rng)
        generated = time.perf_counter() - started
        queries = two_word_queries(rng)
        search(queries[0])  # builds the "did you mean" vocabulary once, as a long-running worker would
        timings: dict[str, list[float]] = {"relevance": [], "date": []}
        totals: list[int] = []
        for sort, values in timings.items():
            for query in queries:
                started = time.perf_counter()
                results = search(query, sort=sort)
                values.append((time.perf_counter() - started) * 1000)
                totals.append(results.total)
        started = time.perf_counter()
        index_object(
            object_type="bench.fresh", object_id="1", title="阿尔山市新发布的政策解读", body="刚发布", url="/f/"
        )
        visible = search("阿尔山 政策解读").total == 1
        fresh_ms = (time.perf_counter() - started) * 1000
    finally:
        if TEMP_DIR:
            shutil.rmtree(TEMP_DIR, ignore_errors=True)
    print(f"database:   {'SQLite (temporary)' if TEMP_DIR else connection.settings_dict['NAME']} ({connection.vendor})")
    print(f"generate:   {count} documents segmented and indexed in {generated:.1f} s")
    print(f"queries:    {len(queries)} two-word queries, median {statistics.median(totals):.0f} matches")
    for sort, values in timings.items():
        print(f"{sort:10}  p50 {percentile(values, 50):6.1f} ms   p95 {percentile(values, 95):6.1f} ms")
    print(f"fresh:      indexed and found: {visible} in {fresh_ms:.0f} ms")
    print(f"peak RSS:   {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
