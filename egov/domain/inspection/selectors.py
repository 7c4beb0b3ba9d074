"""Reads of site inspection, scoped to the sites of the units where the reader holds ``portal.inspect``."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from wagtail.models import Locale

from egov.domain.inspection.models import Finding, InspectionRun, SiteReport
from egov.domain.portal.models import HomePage
from egov.kernel.access.policy import Actor, units_with_perm


def all_homes() -> list[HomePage]:
    """Every site's home page in the default language (a translation is not a site of its own)."""
    return list(HomePage.objects.live().filter(locale=Locale.get_default()).select_related("org_unit").order_by("path"))


def inspectable_homes(user: Actor | None) -> list[HomePage]:
    units = units_with_perm(user, "portal.inspect")
    return list(
        HomePage.objects.live()
        .filter(locale=Locale.get_default(), org_unit__in=units)
        .select_related("org_unit")
        .order_by("path")
    )


def reports_visible_to(user: Actor | None) -> QuerySet[SiteReport]:
    return SiteReport.objects.filter(org_unit__in=units_with_perm(user, "portal.inspect")).select_related("run")


@dataclass(frozen=True)
class SiteRow:
    home: HomePage
    report: SiteReport | None
    new_problems: int
    fixed_problems: int


def _problem_prints(report: SiteReport | None) -> set[str]:
    if report is None:
        return set()
    return set(report.findings.exclude(severity="warning").values_list("fingerprint", flat=True))


def dashboard_rows(user: Actor | None) -> list[SiteRow]:
    """Each site in the reader's scope with its latest report and what changed since the report before."""
    rows = []
    visible = reports_visible_to(user)
    for home in inspectable_homes(user):
        latest_two = list(visible.filter(home_page_id=home.pk).order_by("-run__started_at", "-id")[:2])
        latest = latest_two[0] if latest_two else None
        previous = latest_two[1] if len(latest_two) > 1 else None
        now_prints, before = _problem_prints(latest), _problem_prints(previous)
        rows.append(
            SiteRow(
                home,
                latest,
                len(now_prints - before) if previous else len(now_prints),
                len(before - now_prints),
            )
        )
    return rows


def sorted_findings(report: SiteReport) -> list[Finding]:
    rank = {"veto": 0, "violation": 1, "warning": 2}
    return sorted(report.findings.all(), key=lambda f: (rank.get(f.severity, 9), f.rule, f.pk))


def recent_runs(limit: int = 10) -> list[InspectionRun]:
    return list(InspectionRun.objects.select_related("started_by")[:limit])


def problems_found_and_fixed(home_page_id: int, year: int) -> tuple[int, int]:
    """Problems (not warnings) first seen in ``year`` and those of them no longer present in the last run of
    the year (for the 安全检测/问题整改 lines of the annual report)."""
    reports = list(
        SiteReport.objects.filter(home_page_id=home_page_id, run__started_at__year=year).order_by(
            "run__started_at", "id"
        )
    )
    if not reports:
        return 0, 0
    seen: set[str] = set()
    for report in reports:
        seen |= _problem_prints(report)
    remaining = _problem_prints(reports[-1])
    return len(seen), len(seen - remaining)
