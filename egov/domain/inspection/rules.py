"""The inspection rules as pure functions over a snapshot of one site (no database, no network).

Thresholds follow 国办秘函〔2019〕19号 (STANDARDS.md §4) and warn a few days before a rule is broken, so that
editors can act before the national checker does. They can be tuned with ``INSPECTION_THRESHOLDS`` in settings
(same keys as ``DEFAULT_THRESHOLDS``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from egov.domain.inspection.models import Rule, Severity, Verdict

DEFAULT_THRESHOLDS: dict[str, int] = {
    "home_days": 14,  # 首页 2 周
    "home_warn_days": 10,
    "news_days": 14,  # 动态要闻类栏目 2 周
    "news_warn_days": 10,
    "notice_days": 183,  # 通知公告、政策文件类栏目 6 个月
    "notice_warn_days": 150,
    "stale_columns_veto": 5,  # ≥ 5 such columns: 单项否决
    "empty_columns_veto": 5,  # ≥ 5 empty columns: 单项否决
}
SITE_CODE_RE = re.compile(r"^\d{9}[0-9A-Z]$")


def thresholds() -> dict[str, int]:
    return {**DEFAULT_THRESHOLDS, **getattr(settings, "INSPECTION_THRESHOLDS", {})}


@dataclass(frozen=True)
class ColumnInfo:
    page_id: int
    title: str
    url: str
    kind: str  # news / notice / policy / other (portal.ColumnKind)
    is_link: bool
    content_count: int
    newest_at: dt.datetime | None


@dataclass(frozen=True)
class PageLinks:
    """What the crawler saw on one rendered page."""

    page_id: int
    title: str
    url: str
    status_code: int
    links: tuple[str, ...] = ()
    images_missing_alt: int = 0


@dataclass
class SiteSnapshot:
    home_page_id: int
    site_key: str
    site_name: str
    site_code: str
    home_url: str
    home_updated_at: dt.datetime | None
    columns: list[ColumnInfo] = field(default_factory=list)
    pages: list[PageLinks] = field(default_factory=list)
    #: link → (ok, reason) for every link found on the pages; internal and external are told apart by
    #: ``external_links``.
    link_results: dict[str, tuple[bool, str]] = field(default_factory=dict)
    external_links: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class FindingData:
    rule: str
    severity: str
    message: str
    page_id: int | None = None
    page_title: str = ""
    url: str = ""

    @property
    def fingerprint(self) -> str:
        raw = f"{self.rule}|{self.page_id or ''}|{self.url}"
        return hashlib.sha256(raw.encode()).hexdigest()


def _age_days(moment: dt.datetime | None, now: dt.datetime) -> int | None:
    return None if moment is None else (now - moment).days


def check_site_reachable(site: SiteSnapshot, now: dt.datetime) -> list[FindingData]:
    home = next((page for page in site.pages if page.page_id == site.home_page_id), None)
    if home is None or home.status_code == 200:
        return []
    return [
        FindingData(
            Rule.SITE_UNREACHABLE,
            Severity.VETO,
            f"首页无法正常访问（状态码 {home.status_code}）",
            site.home_page_id,
            site.site_name,
            site.home_url,
        )
    ]


def check_home_updated(site: SiteSnapshot, now: dt.datetime) -> list[FindingData]:
    limits = thresholds()
    age = _age_days(site.home_updated_at, now)
    where: dict[str, Any] = {"page_id": site.home_page_id, "page_title": site.site_name, "url": site.home_url}
    if age is None:
        return [FindingData(Rule.HOME_STALE, Severity.VETO, "首页从未发布过信息", **where)]
    if age >= limits["home_days"]:
        return [FindingData(Rule.HOME_STALE, Severity.VETO, f"首页已 {age} 天未更新（要求 2 周内更新）", **where)]
    if age >= limits["home_warn_days"]:
        left = limits["home_days"] - age
        return [
            FindingData(Rule.HOME_STALE, Severity.WARNING, f"首页已 {age} 天未更新，{left} 天后将超过 2 周", **where)
        ]
    return []


def check_columns_updated(site: SiteSnapshot, now: dt.datetime) -> list[FindingData]:
    limits = thresholds()
    findings: list[FindingData] = []
    for column in site.columns:
        if column.is_link or column.content_count == 0:
            continue  # empty columns are their own rule
        if column.kind == "news":
            rule, limit, warn, period = Rule.NEWS_COLUMN_STALE, limits["news_days"], limits["news_warn_days"], "2 周"
        elif column.kind in ("notice", "policy"):
            rule, limit, warn = Rule.NOTICE_COLUMN_STALE, limits["notice_days"], limits["notice_warn_days"]
            period = "6 个月"
        else:
            continue
        age = _age_days(column.newest_at, now)
        if age is None:
            continue
        where: dict[str, Any] = {"page_id": column.page_id, "page_title": column.title, "url": column.url}
        if age >= limit:
            findings.append(
                FindingData(
                    rule, Severity.VIOLATION, f"栏目“{column.title}”已 {age} 天未更新（要求 {period}内更新）", **where
                )
            )
        elif age >= warn:
            findings.append(
                FindingData(
                    rule,
                    Severity.WARNING,
                    f"栏目“{column.title}”已 {age} 天未更新，{limit - age} 天后将超过 {period}",
                    **where,
                )
            )
    stale = [f for f in findings if f.severity == Severity.VIOLATION]
    if len(stale) >= limits["stale_columns_veto"]:
        findings.append(
            FindingData(
                Rule.NOTICE_COLUMN_STALE if stale[0].rule == Rule.NOTICE_COLUMN_STALE else Rule.NEWS_COLUMN_STALE,
                Severity.VETO,
                f"共 {len(stale)} 个栏目未按要求更新（达到 {limits['stale_columns_veto']} 个即单项否决）",
                site.home_page_id,
                site.site_name,
                site.home_url,
            )
        )
    return findings


def check_empty_columns(site: SiteSnapshot, now: dt.datetime) -> list[FindingData]:
    limits = thresholds()
    empty = [column for column in site.columns if not column.is_link and column.content_count == 0]
    findings = [
        FindingData(
            Rule.EMPTY_COLUMN, Severity.VIOLATION, f"栏目“{c.title}”没有任何信息（空白栏目）", c.page_id, c.title, c.url
        )
        for c in empty
    ]
    if len(empty) >= limits["empty_columns_veto"]:
        findings.append(
            FindingData(
                Rule.EMPTY_COLUMN,
                Severity.VETO,
                f"共 {len(empty)} 个空白栏目（达到 {limits['empty_columns_veto']} 个即单项否决）",
                site.home_page_id,
                site.site_name,
                site.home_url,
            )
        )
    return findings


def check_links(site: SiteSnapshot, now: dt.datetime) -> list[FindingData]:
    findings: list[FindingData] = []
    for page in site.pages:
        for link in page.links:
            ok, reason = site.link_results.get(link, (True, ""))
            if ok:
                continue
            external = link in site.external_links
            findings.append(
                FindingData(
                    Rule.BROKEN_EXTERNAL_LINK if external else Rule.BROKEN_INTERNAL_LINK,
                    Severity.VIOLATION,
                    f"{'外部' if external else '站内'}链接 {link} 不可用（{reason}）",
                    page.page_id,
                    page.title,
                    link,
                )
            )
    return findings


def check_image_alt(site: SiteSnapshot, now: dt.datetime) -> list[FindingData]:
    return [
        FindingData(
            Rule.IMAGE_MISSING_ALT,
            Severity.VIOLATION,
            f"页面“{page.title}”有 {page.images_missing_alt} 张图片缺少替代文字（alt）",
            page.page_id,
            page.title,
            page.url,
        )
        for page in site.pages
        if page.images_missing_alt
    ]


def check_site_code(site: SiteSnapshot, now: dt.datetime) -> list[FindingData]:
    if SITE_CODE_RE.match(site.site_code or ""):
        return []
    message = "未填写网站标识码" if not site.site_code else f"网站标识码“{site.site_code}”格式不正确（应为 10 位）"
    return [
        FindingData(
            Rule.MISSING_SITE_CODE, Severity.VIOLATION, message, site.home_page_id, site.site_name, site.home_url
        )
    ]


RULES = (
    check_site_reachable,
    check_home_updated,
    check_columns_updated,
    check_empty_columns,
    check_links,
    check_image_alt,
    check_site_code,
)


def apply_rules(site: SiteSnapshot, now: dt.datetime) -> list[FindingData]:
    findings: list[FindingData] = []
    for rule in RULES:
        findings.extend(rule(site, now))
    return findings


def verdict_of(findings: list[FindingData]) -> str:
    severities = {finding.severity for finding in findings}
    if Severity.VETO in severities:
        return Verdict.FAIL
    if Severity.VIOLATION in severities:
        return Verdict.PROBLEMS
    if Severity.WARNING in severities:
        return Verdict.WARN
    return Verdict.PASS
