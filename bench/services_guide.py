"""The 办事指南 page with 5,000 published service items: p95 ≤ 30 ms (issue 4).

    EGOV_ENV=test .venv/bin/python bench/services_guide.py --items 5000            # SQLite (var/)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench EGOV_ENV=test \
        .venv/bin/python bench/services_guide.py --items 5000

Generates (once; ``--regenerate`` rebuilds) ``--items`` bench items coded ``SB-…`` under a bench department,
each with a published version, six materials and one fee, then requests ``GET /services/items/<code>/`` for
random items through Django's test client (middleware and template included) and prints p50/p95/max and the
peak memory. Bench rows never mix with demo data.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time

from django.db import transaction
from django.test import Client
from django.utils import timezone
from workflow_common import database_label, peak_rss_mb, percentile  # sets up Django

from egov.domain.services.demo import person_page
from egov.domain.services.models import FeeItem, Material, ServiceItem, ServiceItemVersion
from egov.kernel.orgs.models import OrgKind, OrgUnit
from egov.kernel.orgs.services import org_unit_create

PREFIX = "SB-"
STEPS = ("申请", "受理", "审查", "决定", "送达")


def _drop() -> None:
    items = ServiceItem.objects.filter(code__startswith=PREFIX)
    ServiceItem.objects.filter(pk__in=items).update(current_version=None)
    versions = ServiceItemVersion.objects.filter(item__in=items)
    Material.objects.filter(version__in=versions).delete()
    FeeItem.objects.filter(version__in=versions).delete()
    versions.delete()
    items.delete()


@transaction.atomic
def generate(count: int) -> None:
    root = OrgUnit.objects.filter(code="SBENCH").first() or org_unit_create(
        name="事项压测机关", code="SBENCH", kind=OrgKind.LEAGUE, division_code="152299"
    )
    unit = OrgUnit.objects.filter(code="SBENCH-D").first() or org_unit_create(
        name="事项压测局", code="SBENCH-D", kind=OrgKind.DEPARTMENT, division_code="152299", parent=root
    )
    have = ServiceItem.objects.filter(code__startswith=PREFIX).count()
    form = {
        "pages": [
            person_page(),
            {"title": "申请事项信息", "fields": [{"name": "note", "label": "说明", "type": "text"}]},
        ]
    }
    now = timezone.now()
    for start in range(have, count, 1000):
        numbers = range(start, min(count, start + 1000))
        items = ServiceItem.objects.bulk_create(
            ServiceItem(basic_code=f"99{n:010d}", code=f"{PREFIX}{n:06d}", name=f"压测事项{n}", org_unit=unit)
            for n in numbers
        )
        versions = ServiceItemVersion.objects.bulk_create(
            ServiceItemVersion(
                item=item, number=1, status="published", published_at=now, item_type="行政许可",
                legal_basis="《中华人民共和国行政许可法》第十二条\n" * 3, exercise_level="盟级", audience="person",
                case_kind="承诺件", conditions="符合法定条件。\n" * 4, statutory_limit=20, promised_limit=10,
                visits=0, charged=True, fee_basis="《行政事业性收费项目目录》",
                process_steps=[{"name": s, "description": f"{s}环节说明"} for s in STEPS],
                handling_forms="网上办理、窗口办理", place="兴安盟政务服务中心", hours="周一至周五 8:30—17:30",
                consult="0482-8200000", complaint="12345", result_name="许可证", result_type="证照",
                general_scope="全盟通办", form_definition=form,
            )
            for item in items
        )  # fmt: skip
        Material.objects.bulk_create(
            Material(version=v, position=p, name=f"材料{p}", acceptance_standard="真实有效", instructions="按要求填写")
            for v in versions
            for p in range(1, 7)
        )
        FeeItem.objects.bulk_create(
            FeeItem(version=v, position=1, name="工本费", standard="10元/本", basis="财政部文件") for v in versions
        )
        for item, version in zip(items, versions, strict=True):
            item.current_version = version
        ServiceItem.objects.bulk_update(items, ["current_version"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    if args.regenerate:
        _drop()
    started = time.perf_counter()
    generate(args.items)
    generated = time.perf_counter() - started
    codes = list(ServiceItem.objects.filter(code__startswith=PREFIX).values_list("code", flat=True))
    client = Client()
    for code in codes[:20]:  # warm-up: templates, URL resolver, connection
        assert client.get(f"/services/items/{code}/").status_code == 200
    timings = []
    for _ in range(args.rounds):
        code = random.choice(codes)
        t0 = time.perf_counter()
        response = client.get(f"/services/items/{code}/")
        timings.append((time.perf_counter() - t0) * 1000)
        if response.status_code != 200:
            sys.exit(f"guide page returned {response.status_code}")
    result = {
        "database": database_label(),
        "items": len(codes),
        "generate_s": round(generated, 1),
        "rounds": args.rounds,
        "p50_ms": round(percentile(timings, 50), 2),
        "p95_ms": round(percentile(timings, 95), 2),
        "max_ms": round(max(timings), 2),
        "target_p95_ms": 30,
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
