"""Shared set-up of the data benchmarks (bench/data_search.py, bench/data_rows.py).

Without DATABASE_URL they run on a throw-away SQLite database (migrated, then deleted; EGOV_BENCH_SQLITE_DIR=<dir>
keeps it in <dir> instead); with DATABASE_URL, against that
database (create a throw-away one: ``createdb -h 127.0.0.1 -U postgres egov_data_bench``), which they migrate.
Bench org units are coded ``DBENCH-<n>`` and bench entries ``99.*``, so they never mix with demo data.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
KEEP_DIR = os.environ.get("EGOV_BENCH_SQLITE_DIR")  # a kept SQLite directory, for profiling between runs
TEMP_DIR = None if os.environ.get("DATABASE_URL") or KEEP_DIR else tempfile.mkdtemp(prefix="egov-bench-data-")
if TEMP_DIR or KEEP_DIR:
    os.environ["EGOV_VAR_DIR"] = TEMP_DIR or KEEP_DIR or ""
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from egov.kernel.orgs.models import OrgKind, OrgUnit  # noqa: E402
from egov.kernel.orgs.services import org_unit_create  # noqa: E402


def setup_database() -> None:
    call_command("migrate", verbosity=0)


def cleanup() -> None:
    if TEMP_DIR:
        shutil.rmtree(TEMP_DIR, ignore_errors=True)


def database_label() -> str:
    if TEMP_DIR:
        return "SQLite (temporary)"
    return f"{connection.vendor} {connection.settings_dict.get('NAME')}"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], p: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def bench_units(count: int) -> list[OrgUnit]:
    root = OrgUnit.objects.filter(code="DBENCH").first() or org_unit_create(
        name="数据压测根机构", code="DBENCH", kind=OrgKind.LEAGUE, division_code="152200"
    )
    existing = {unit.code: unit for unit in OrgUnit.objects.filter(code__startswith="DBENCH-")}
    return [
        existing.get(f"DBENCH-{n:03d}")
        or org_unit_create(
            name=f"数据压测单位{n}",
            code=f"DBENCH-{n:03d}",
            kind=OrgKind.DEPARTMENT,
            division_code="152200",
            parent=root,
        )
        for n in range(count)
    ]
