"""Exchange API throughput: authorised, signed and logged calls per second with worker processes.

    createdb -h 127.0.0.1 -U postgres egov_bench   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench REDIS_URL=redis://127.0.0.1:6379/7 \
        .venv/bin/python bench/exchange_calls.py --calls 5000 --workers 4 --apps 4

Each call goes through the whole gateway (credential check, X-Road headers, rate limit, grant lookup, row
query with the grant's columns and row filter, SM3 digests, ECDSA signature, chained log append) — everything
but Django's middleware stack. Prints calls/s, latency percentiles and peak memory (parent and workers).
"""

from __future__ import annotations

import argparse
import base64
import json
import multiprocessing
import os
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from egov.domain.data.models import CatalogEntry  # noqa: E402
from egov.domain.data.services import (  # noqa: E402
    DataItemSpec,
    catalog_entry_create,
    catalog_entry_review,
    catalog_entry_submit,
    data_table_load,
)
from egov.domain.exchange import chain, gateway, services  # noqa: E402
from egov.domain.exchange.models import ExchangeApplication, Grant  # noqa: E402
from egov.kernel.access.models import Role, RoleAssignment  # noqa: E402
from egov.kernel.accounts.models import User, UserKind  # noqa: E402
from egov.kernel.calendar.deadlines import beijing_today  # noqa: E402
from egov.kernel.orgs.models import OrgKind, OrgUnit  # noqa: E402
from egov.kernel.orgs.services import org_unit_create  # noqa: E402

CODE = "99.09.09-0001"


def _unit(code: str, name: str, division: str) -> OrgUnit:
    return OrgUnit.objects.filter(code=code).first() or org_unit_create(
        name=name, code=code, kind=OrgKind.DEPARTMENT, division_code=division
    )


def _staff(username: str, role: str, unit: OrgUnit) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create(username=username, real_name=username, kind=UserKind.STAFF)
    RoleAssignment.objects.get_or_create(user=user, role=Role.objects.get(code=role), org_unit=unit)
    return user


def world(rows: int, apps: int) -> tuple[list[tuple[ExchangeApplication, str]], str]:
    provider = _unit("BENCH-EX-P", "压测数据提供单位", "152200")
    consumer = _unit("BENCH-EX-C", "压测数据使用单位", "152201")
    admin = _staff("bench_ex_provider", "data_admin", provider)
    requester = _staff("bench_ex_consumer", "data_admin", consumer)
    reviewer = _staff("bench_ex_authority", "data_authority", provider)
    entry = CatalogEntry.objects.filter(code=CODE).first()
    if entry is None:
        entry = catalog_entry_create(
            actor=admin,
            provider=provider,
            code=CODE,
            title="压测企业登记信息",
            summary="压测用",
            data_format="CSV",
            update_frequency="daily",
            sharing_type="conditional",
            sharing_basis="压测",
            sharing_method="api",
            classification_level="general",
            open_type="closed",
            items=[
                DataItemSpec(name="企业名称", data_type="string", length=100),
                DataItemSpec(name="行政区划代码", data_type="string", length=6),
                DataItemSpec(name="注册资本", data_type="decimal"),
            ],
        )
        catalog_entry_submit(actor=admin, entry=entry)
        entry = catalog_entry_review(actor=reviewer, entry=entry, approve=True)
        divisions = ["152201", "152202", "152221", "152222", "152223", "152224"]
        lines = ["企业名称,行政区划代码,注册资本"] + [
            f"压测企业{i},{divisions[i % 6]},{i % 1000}.50" for i in range(rows)
        ]
        data_table_load(
            actor=admin,
            entry=entry,
            upload=SimpleUploadedFile("bench.csv", ("\n".join(lines) + "\n").encode(), content_type="text/csv"),
        )
    if not Grant.objects.filter(consumer=consumer, entry=entry, revoked_at__isnull=True).exists():
        request = services.sharing_request_submit(
            actor=requester,
            entry=entry,
            consumer=consumer,
            basis="压测",
            scenario="压测",
            scope="压测",
            method="api",
            use_until=beijing_today().replace(year=beijing_today().year + 2),
            items=["企业名称", "行政区划代码", "注册资本"],
        )
        services.sharing_request_approve(
            actor=admin,
            request=request,
            columns=["企业名称", "注册资本", "行政区划代码"],
            row_filter={"行政区划代码": ["152201"]},
        )
    credentials = []
    for n in range(apps):
        name = f"压测应用{n}"
        existing = ExchangeApplication.objects.filter(consumer=consumer, name=name).first()
        if existing is not None:
            credentials.append((existing, services.application_rotate_secret(actor=requester, application=existing)))
        else:
            credentials.append(
                services.application_create(actor=requester, consumer=consumer, name=name, rate_limit=100_000)
            )
    return credentials, entry.code


def _headers(app: ExchangeApplication, secret: str, n: int) -> dict[str, Any]:
    token = base64.b64encode(f"{app.client_id}:{secret}".encode()).decode()
    return {
        "HTTP_AUTHORIZATION": f"Basic {token}",
        "HTTP_X_ROAD_CLIENT": f"{app.consumer.code}/{app.client_id}",
        "HTTP_X_ROAD_USERID": f"bench-user-{n % 50}",
        "HTTP_X_ROAD_ISSUE": f"XA-2026-{n:06d}",
    }


def _worker(
    index: int,
    count: int,
    credential: tuple[ExchangeApplication, str],
    code: str,
    limit: int,
    barrier: Any,
    results: Any,
) -> None:
    connections.close_all()
    factory = RequestFactory()
    app, secret = credential
    path = f"/exchange/v1/resources/{code}/rows"
    latencies = []
    barrier.wait()
    for n in range(count):
        request = factory.get(
            path, {"limit": str(limit), "filter": f"注册资本:gte:{n % 900}"}, **_headers(app, secret, n)
        )
        started = time.perf_counter()
        response = gateway.handle(request, code)
        latencies.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"call failed: {response.status_code} {response.content[:200]!r}")
    results.put((latencies, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=1000, help="calls in all")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--apps", type=int, default=4, help="applications (credentials) the workers share out")
    parser.add_argument("--rows", type=int, default=20_000, help="rows in the bench table (first run only)")
    parser.add_argument("--limit", type=int, default=20, help="rows per call")
    args = parser.parse_args()
    credentials, code = world(args.rows, args.apps)
    request = RequestFactory().get(
        f"/exchange/v1/resources/{code}/rows", {"limit": "1"}, **_headers(*credentials[0], 0)
    )
    assert gateway.handle(request, code).status_code == 200  # warm-up: key loaded, chain rows exist
    connections.close_all()
    per_worker = args.calls // args.workers
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(args.workers + 1)
    results = context.Queue()
    workers = [
        context.Process(
            target=_worker,
            args=(i, per_worker, credentials[i % len(credentials)], code, args.limit, barrier, results),
        )
        for i in range(args.workers)
    ]
    for worker in workers:
        worker.start()
    barrier.wait()
    started = time.perf_counter()
    collected = [results.get() for _ in workers]
    elapsed = time.perf_counter() - started
    for worker in workers:
        worker.join()
    latencies = sorted(value for batch, _rss in collected for value in batch)
    verify_started = time.perf_counter()
    verified = chain.verify()
    print(
        json.dumps(
            {
                "database": f"{connection.vendor} {connection.settings_dict.get('NAME')}",
                "calls": len(latencies),
                "workers": args.workers,
                "applications": args.apps,
                "rows_per_call": args.limit,
                "seconds": round(elapsed, 2),
                "calls_per_second": round(len(latencies) / elapsed, 1),
                "latency_ms_p50": round(statistics.median(latencies) * 1000, 2),
                "latency_ms_p95": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 2),
                "log_chain_ok": verified.ok,
                "log_entries": verified.entries,
                "log_verify_seconds": round(time.perf_counter() - verify_started, 2),
                "peak_rss_mb_parent": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "peak_rss_mb_worker": round(max(rss for _batch, rss in collected), 1),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
