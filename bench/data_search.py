"""How fast is CKAN ``package_search`` over a large catalogue, and in how much memory?

    .venv/bin/python bench/data_search.py [ENTRIES] [OPEN]      # default 10000 entries, 2000 open; SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_data_bench .venv/bin/python bench/data_search.py

The generator writes entries, data items, tags and one resource each straight to the tables (bench data, not
the audited services), ``OPEN`` of them published and open. The queries are what harvesters and the portal
send: the first page, a text query, fq on organization / tags / res_format / dates, facets, deep paging and
sorting, each through the real view (``/api/3/action/package_search``, Django test client).
Target: p95 <= 30 ms with 10,000 entries / 2,000 open datasets.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time

from data_common import bench_units, cleanup, database_label, peak_rss_mb, percentile, setup_database
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from egov.domain.data.models import CatalogEntry, DataItem, DataTheme, Resource, Tag

WORDS = ["空气", "水质", "企业", "学校", "医院", "道路", "公交", "旅游", "景区", "农牧", "草原", "气象", "人口", "财政"]
FORMATS = ["CSV", "XLSX", "JSON", "API"]
FREQUENCIES = ["daily", "weekly", "monthly", "quarterly", "yearly"]
REPEAT = 30


@transaction.atomic
def generate(total: int, open_count: int, rng: random.Random) -> None:
    units = bench_units(40)
    themes = [
        DataTheme.objects.get_or_create(name=f"bench-{n}", defaults={"title": f"压测主题{n}"})[0] for n in range(10)
    ]
    tags = [Tag.objects.get_or_create(name=f"压测{word}")[0] for word in WORDS]
    now = timezone.now()
    entries = []
    for n in range(total):
        is_open = n < open_count
        words = rng.sample(WORDS, 2)
        entries.append(
            CatalogEntry(
                name=f"xam-99-{n:06d}",
                code=f"99.{n // 10000:02d}.{(n // 100) % 100:02d}-{n % 10000:04d}",
                title=f"兴安盟{words[0]}{words[1]}数据{n}",
                provider=rng.choice(units),
                summary=f"{words[0]}与{words[1]}相关的统计数据，第{n}号。",
                data_format=rng.choice(FORMATS[:3]),
                update_frequency=rng.choice(FREQUENCIES),
                sharing_type="unconditional",
                sharing_method="file",
                classification_level="general",
                open_type="open" if is_open else rng.choice(["conditional", "closed"]),
                status="published" if is_open or rng.random() < 0.5 else "draft",
                version=1 if is_open else 0,
                release_date=dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 2000)),
                theme=rng.choice(themes),
                license_id="cc-by-4.0",
            )
        )
    CatalogEntry.objects.bulk_create(entries, batch_size=2000)
    entries = list(CatalogEntry.objects.filter(code__startswith="99."))
    modified = [now - dt.timedelta(minutes=rng.randint(0, 500_000)) for _ in entries]
    for entry, when in zip(entries, modified, strict=True):
        entry.modified_at = when
    CatalogEntry.objects.bulk_update(entries, ["modified_at"], batch_size=2000)
    DataItem.objects.bulk_create(
        [
            DataItem(entry=entry, position=k, name=f"字段{k}", data_type="string", length=50)
            for entry in entries
            for k in range(1, 5)
        ],
        batch_size=5000,
    )
    Resource.objects.bulk_create(
        [
            Resource(
                entry=entry,
                position=1,
                name=f"{entry.title}（文件）",
                format=rng.choice(FORMATS),
                url=f"https://data.example.cn/{entry.name}.csv",
                last_modified=now,
            )
            for entry in entries
        ],
        batch_size=5000,
    )
    through = CatalogEntry.tags.through
    through.objects.bulk_create(
        [through(catalogentry_id=entry.pk, tag_id=tag.pk) for entry in entries for tag in rng.sample(tags, 2)],
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def queries(units: list[str]) -> dict[str, dict[str, str]]:
    facets = json.dumps(["organization", "groups", "tags", "res_format"])
    return {
        "first page": {},
        "text q": {"q": "空气"},
        "two-word q": {"q": "空气 企业"},
        "fq organization": {"fq": f"organization:{units[3]}"},
        "fq tags OR": {"fq": "tags:压测空气 OR tags:压测水质"},
        "fq negation": {"fq": "-res_format:API"},
        "fq date range": {"fq": "metadata_modified:[2026-01-01 TO *]"},
        "facets": {"facet.field": facets, "rows": "0"},
        "q + fq + facets": {"q": "企业", "fq": "res_format:CSV", "facet.field": facets},
        "rows 100": {"rows": "100"},
        "deep page": {"start": "1900", "rows": "20"},
        "sort title": {"sort": "title_string asc"},
    }


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    open_count = int(sys.argv[2]) if len(sys.argv) > 2 else 2_000
    rng = random.Random(20261126)
    try:
        setup_database()
        started = time.perf_counter()
        reused = CatalogEntry.objects.filter(code__startswith="99.").exists()
        if reused:  # a kept bench database: measure again without regenerating
            total = CatalogEntry.objects.filter(code__startswith="99.").count()
            open_count = CatalogEntry.objects.filter(code__startswith="99.", open_type="open").count()
        else:
            generate(total, open_count, rng)
        generated = time.perf_counter() - started
        client = Client()
        units = [f"dbench-{n:03d}" for n in range(40)]
        results: dict[str, list[float]] = {}
        counts: dict[str, int] = {}
        for label, params in queries(units).items():
            client.get("/api/3/action/package_search", params)  # warm-up
            timings = []
            for _ in range(REPEAT):
                begin = time.perf_counter()
                response = client.get("/api/3/action/package_search", params)
                timings.append((time.perf_counter() - begin) * 1000)
                assert response.status_code == 200, response.content[:200]
            results[label] = timings
            counts[label] = response.json()["result"]["count"]
    finally:
        cleanup()
    everything = [t for values in results.values() for t in values]
    print(f"database:  {database_label()} ({connection.vendor})")
    how = "reused (generated earlier)" if reused else f"in {generated:.1f} s"
    print(f"generate:  {total} entries ({open_count} open datasets) {how}")
    for label, values in results.items():
        print(
            f"{label:18} p50 {percentile(values, 50):6.1f} ms   p95 {percentile(values, 95):6.1f} ms"
            f"   ({counts[label]} matches)"
        )
    print(f"all queries        p50 {percentile(everything, 50):6.1f} ms   p95 {percentile(everything, 95):6.1f} ms")
    print(f"peak RSS:  {peak_rss_mb():.0f} MiB")


if __name__ == "__main__":
    main()
