"""Result PDFs: time and memory per document — 受理通知书 / 补正材料通知书 and 电子证照 with QR code (WeasyPrint).

    EGOV_ENV=test .venv/bin/python bench/results_pdf.py --rounds 30
    EGOV_ENV=test .venv/bin/python bench/results_pdf.py --rounds 30 --system-fonts   # before: no subset faces
    EGOV_ENV=test .venv/bin/python bench/results_pdf.py --rounds 10 --kinds rare     # a name outside the subset

Renders the same templates the services use (``egov.domain.results.pdf.render_pdf``) from unsaved objects, so
no database is touched: the figure is the rendering cost a ``notice_issue`` / ``certificate_issue`` call adds
inside the web request (the row lock on the number sequence is held for that long).

Per kind: the cold first document of the process (fonts loaded, templates compiled), then ``--rounds`` warm
ones: wall-clock p50/p95 and CPU time per document (``time.process_time``, which other processes' load does
not inflate), documents per CPU second and the PDF size. Memory: the resident set before the first document
(Django and WeasyPrint imported), after the last, and the peak of the process (``ru_maxrss``) — the figure to
hold under the 250 MB budget of a web worker. ``--system-fonts`` hides the subset faces of ``var/fonts/``
(``make install-fonts``) to measure the full system collection instead. The load average is printed with the
figures: wall-clock times on a shared machine are only comparable at the same load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402

from egov.domain.results.models import Certificate, IssuedNotice  # noqa: E402
from egov.domain.results.pdf import render_pdf, subset_faces  # noqa: E402
from egov.domain.results.services import certificate_context, notice_context, verification_url  # noqa: E402
from egov.kernel.orgs.models import OrgUnit  # noqa: E402
from egov.kernel.workflow.models import Case  # noqa: E402

UNIT = OrgUnit(name="科尔沁右翼前旗市场监督管理局", short_name="前旗市场监管局", document_prefix="前市监")
CASE = Case(number="XA-2026-000123", title="个体工商户设立登记", org_unit=UNIT)
TODAY = dt.date(2026, 11, 26)
#: 䶮 (U+4DAE, CJK Extension A; in the 通用规范汉字表 and in names) is not in the subset faces: Pango takes it
#: from the full system family, which WeasyPrint then subsets for that document.
RARE_NAME = "刘䶮"


def notice(recipient: str = "王小明") -> IssuedNotice:
    return IssuedNotice(
        org_unit=UNIT,
        kind="correction",
        number="前市监补〔2026〕12号",
        title="补正材料通知书",
        recipient_name=recipient,
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


KINDS: dict[str, Callable[[], bytes]] = {
    "notice": lambda: render_pdf("results/pdf/notice.html", notice_context(notice(), CASE)),
    "certificate": lambda: render_pdf("results/pdf/certificate.html", certificate_context(certificate(), CASE)),
    "rare": lambda: render_pdf("results/pdf/notice.html", notice_context(notice(RARE_NAME), CASE)),
}


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def measure(rounds: int, render: Callable[[], bytes]) -> dict[str, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    render()  # cold: the first document of its kind in this process
    cold_ms = (time.perf_counter() - wall) * 1000
    cold_cpu_ms = (time.process_time() - cpu) * 1000
    times, cpu_times, size = [], [], 0
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        size = len(render())
        times.append(time.perf_counter() - wall)
        cpu_times.append(time.process_time() - cpu)
    return {
        "cold_ms": round(cold_ms, 1),
        "cold_cpu_ms": round(cold_cpu_ms, 1),
        "p50_ms": round(statistics.median(times) * 1000, 1),
        "p95_ms": round(statistics.quantiles(times, n=20, method="inclusive")[18] * 1000, 1) if rounds > 1 else 0,
        "cpu_ms_per_doc": round(statistics.fmean(cpu_times) * 1000, 1),
        "docs_per_cpu_second": round(rounds / sum(cpu_times), 1),
        "pdf_kb": round(size / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="warm documents per kind (after one cold)")
    parser.add_argument("--kinds", default="notice,certificate", help=f"comma-separated, of {', '.join(KINDS)}")
    parser.add_argument("--system-fonts", action="store_true", help="ignore var/fonts: the full system faces")
    args = parser.parse_args()
    if args.system_fonts:
        settings.EGOV_PDF_FONT_DIR = Path(tempfile.mkdtemp(prefix="no-fonts-"))
    faces = subset_faces()
    figures: dict[str, object] = {
        "fonts": "subset " + ", ".join(sorted(path.name for path in faces.values())) if faces else "system",
        "load_average": Path("/proc/loadavg").read_text(encoding="ascii").split()[:3],
        "rss_before_mb": rss_mb(),
    }
    for kind in args.kinds.split(","):
        figures[kind] = measure(args.rounds, KINDS[kind])
    figures["rss_after_mb"] = rss_mb()
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
