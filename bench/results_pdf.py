"""Result PDFs per second: 受理通知书 / 补正材料通知书 and 电子证照 with QR code (WeasyPrint, CJK font embedded).

    EGOV_ENV=test .venv/bin/python bench/results_pdf.py --rounds 30

Renders the same templates the services use (``egov.domain.results.pdf.render_pdf``) from unsaved objects, so
no database is touched: the figure is the rendering cost a ``notice_issue`` / ``certificate_issue`` call adds
(the row lock on the number sequence is held for that long). Prints documents per second, p50/p95 per
document, PDF size and the peak memory of the process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from egov.domain.results.models import Certificate, IssuedNotice  # noqa: E402
from egov.domain.results.pdf import render_pdf  # noqa: E402
from egov.domain.results.services import certificate_context, notice_context, verification_url  # noqa: E402
from egov.kernel.orgs.models import OrgUnit  # noqa: E402
from egov.kernel.workflow.models import Case  # noqa: E402

UNIT = OrgUnit(name="科尔沁右翼前旗市场监督管理局", short_name="前旗市场监管局", document_prefix="前市监")
CASE = Case(number="XA-2026-000123", title="个体工商户设立登记", org_unit=UNIT)
TODAY = dt.date(2026, 11, 26)


def notice() -> IssuedNotice:
    return IssuedNotice(
        org_unit=UNIT,
        kind="correction",
        number="前市监补〔2026〕12号",
        title="补正材料通知书",
        recipient_name="王小明",
        paragraphs=[
            "你于2026年11月20日提交的个体工商户设立登记申请，经审查，申请材料不齐全。",
            "请自收到本通知书之日起十五个工作日内补正，逾期未补正的，视为放弃申请。",
        ],
        items=["营业执照申请书未签字", "经营场所使用证明复印件不清晰", "缺少经营者身份证复印件"],
        legal_basis="《中华人民共和国行政许可法》第三十二条第一款第（四）项",
        issued_on=TODAY,
    )


def certificate() -> Certificate:
    code = "K7Q2M4XW9ZP3R6T8V2N5B7C4"
    item = Certificate(
        org_unit=UNIT,
        code=code,
        number="前市监证〔2026〕3号",
        title="食品经营许可证",
        holder_name="科右前旗小明便利店",
        fields=[
            ["经营者名称", "科右前旗小明便利店"],
            ["经营场所", "科尔沁镇幸福路12号"],
            ["主体业态", "食品销售经营者（便利店）"],
        ],
        issued_on=TODAY,
        valid_until=TODAY + dt.timedelta(days=5 * 365),
        verify_url=verification_url(code),
    )
    item.holder_code = "91350100M000100Y43"
    return item


def measure(rounds: int, render: Callable[[], bytes]) -> dict[str, float]:
    render()  # warm-up: fonts loaded, templates compiled
    times, size = [], 0
    for _ in range(rounds):
        start = time.perf_counter()
        size = len(render())
        times.append(time.perf_counter() - start)
    return {
        "per_second": round(rounds / sum(times), 1),
        "p50_ms": round(statistics.median(times) * 1000, 1),
        "p95_ms": round(statistics.quantiles(times, n=20, method="inclusive")[18] * 1000, 1) if rounds > 1 else 0,
        "pdf_kb": round(size / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    figures = {
        "notice": measure(args.rounds, lambda: render_pdf("results/pdf/notice.html", notice_context(notice(), CASE))),
        "certificate": measure(
            args.rounds, lambda: render_pdf("results/pdf/certificate.html", certificate_context(certificate(), CASE))
        ),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
