"""Each inspection rule on a snapshot that breaks it and one that does not (no database, no network)."""

from __future__ import annotations

import datetime as dt

from egov.domain.inspection.models import Rule, Severity, Verdict
from egov.domain.inspection.rules import ColumnInfo, PageLinks, SiteSnapshot, apply_rules, verdict_of

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)


def ago(days: int) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def column(pk: int, *, kind: str = "news", age: int | None = 1, count: int = 3, is_link: bool = False) -> ColumnInfo:
    return ColumnInfo(pk, f"栏目{pk}", f"/c{pk}/", kind, is_link, count, None if age is None else ago(age))


def site(**changes: object) -> SiteSnapshot:
    values: dict[str, object] = {
        "home_page_id": 1,
        "site_key": "t",
        "site_name": "测试网站",
        "site_code": "1522000001",
        "home_url": "/",
        "home_updated_at": ago(1),
        "columns": [column(2), column(3, kind="notice", age=30), column(4, kind="other", count=0, is_link=True)],
        "pages": [PageLinks(1, "测试网站", "/", 200, ("/c2/",))],
        "link_results": {"/c2/": (True, "")},
    }
    values.update(changes)
    return SiteSnapshot(**values)  # type: ignore[arg-type]


def rules_of(snapshot: SiteSnapshot) -> list[tuple[str, str]]:
    return [(f.rule, f.severity) for f in apply_rules(snapshot, NOW)]


def test_a_healthy_site_passes() -> None:
    findings = apply_rules(site(), NOW)
    assert findings == []
    assert verdict_of(findings) == Verdict.PASS


def test_home_page_not_updated_for_two_weeks_is_a_veto_and_warned_at_ten_days() -> None:
    assert rules_of(site(home_updated_at=ago(14))) == [(Rule.HOME_STALE, Severity.VETO)]
    assert rules_of(site(home_updated_at=ago(13))) == [(Rule.HOME_STALE, Severity.WARNING)]
    assert rules_of(site(home_updated_at=ago(10))) == [(Rule.HOME_STALE, Severity.WARNING)]
    assert rules_of(site(home_updated_at=ago(9))) == []
    [warning] = apply_rules(site(home_updated_at=ago(11)), NOW)
    assert warning.message == "首页已 11 天未更新，3 天后将超过 2 周"


def test_news_column_two_weeks() -> None:
    stale = site(columns=[column(2, age=15)])
    [finding] = apply_rules(stale, NOW)
    assert (finding.rule, finding.severity) == (Rule.NEWS_COLUMN_STALE, Severity.VIOLATION)
    assert finding.message == "栏目“栏目2”已 15 天未更新（要求 2 周内更新）"
    assert rules_of(site(columns=[column(2, age=11)])) == [(Rule.NEWS_COLUMN_STALE, Severity.WARNING)]
    assert rules_of(site(columns=[column(2, age=9)])) == []


def test_notice_and_policy_columns_six_months() -> None:
    assert rules_of(site(columns=[column(3, kind="policy", age=190)])) == [
        (Rule.NOTICE_COLUMN_STALE, Severity.VIOLATION)
    ]
    assert rules_of(site(columns=[column(3, kind="notice", age=160)])) == [(Rule.NOTICE_COLUMN_STALE, Severity.WARNING)]
    assert rules_of(site(columns=[column(3, kind="notice", age=100)])) == []
    # a column of kind "other" has no update rule
    assert rules_of(site(columns=[column(3, kind="other", age=900)])) == []


def test_five_stale_columns_are_a_veto() -> None:
    four = site(columns=[column(n, kind="notice", age=200) for n in range(2, 6)])
    five = site(columns=[column(n, kind="notice", age=200) for n in range(2, 7)])
    assert (Rule.NOTICE_COLUMN_STALE, Severity.VETO) not in rules_of(four)
    assert (Rule.NOTICE_COLUMN_STALE, Severity.VETO) in rules_of(five)
    assert verdict_of(apply_rules(five, NOW)) == Verdict.FAIL


def test_empty_columns_and_the_veto_at_five() -> None:
    one_empty = site(columns=[column(2), column(3, count=0, age=None)])
    [finding] = apply_rules(one_empty, NOW)
    assert (finding.rule, finding.severity, finding.message) == (
        Rule.EMPTY_COLUMN,
        Severity.VIOLATION,
        "栏目“栏目3”没有任何信息（空白栏目）",
    )
    five_empty = site(columns=[column(n, count=0, age=None) for n in range(2, 7)])
    assert rules_of(five_empty).count((Rule.EMPTY_COLUMN, Severity.VETO)) == 1
    # a link column (政务服务 → /services/) has no children by design
    assert rules_of(site(columns=[column(4, count=0, age=None, is_link=True)])) == []


def test_broken_internal_and_external_links() -> None:
    page = PageLinks(5, "文章", "/c2/a/", 200, ("/gone/", "https://example.org/x", "/c2/"))
    broken = site(
        pages=[page],
        link_results={
            "/gone/": (False, "状态码 404"),
            "https://example.org/x": (False, "超过 5 秒未响应"),
            "/c2/": (True, ""),
        },
        external_links={"https://example.org/x"},
    )
    findings = apply_rules(broken, NOW)
    assert [(f.rule, f.url, f.page_id) for f in findings] == [
        (Rule.BROKEN_INTERNAL_LINK, "/gone/", 5),
        (Rule.BROKEN_EXTERNAL_LINK, "https://example.org/x", 5),
    ]
    assert findings[0].message == "站内链接 /gone/ 不可用（状态码 404）"
    fine = site(pages=[page], link_results=dict.fromkeys(page.links, (True, "")))
    assert apply_rules(fine, NOW) == []


def test_images_without_alt_text() -> None:
    [finding] = apply_rules(site(pages=[PageLinks(5, "文章", "/a/", 200, (), 2)]), NOW)
    assert (finding.rule, finding.message) == (Rule.IMAGE_MISSING_ALT, "页面“文章”有 2 张图片缺少替代文字（alt）")
    assert apply_rules(site(pages=[PageLinks(5, "文章", "/a/", 200, (), 0)]), NOW) == []


def test_site_code_missing_or_malformed() -> None:
    [missing] = apply_rules(site(site_code=""), NOW)
    assert (missing.rule, missing.message) == (Rule.MISSING_SITE_CODE, "未填写网站标识码")
    [bad] = apply_rules(site(site_code="15220"), NOW)
    assert bad.message == "网站标识码“15220”格式不正确（应为 10 位）"


def test_unreachable_home_page_is_a_veto() -> None:
    down = site(pages=[PageLinks(1, "测试网站", "/", 500)])
    assert rules_of(down) == [(Rule.SITE_UNREACHABLE, Severity.VETO)]


def test_thresholds_can_be_tuned(settings: object) -> None:
    settings.INSPECTION_THRESHOLDS = {"news_days": 7, "news_warn_days": 5}  # type: ignore[attr-defined]
    assert rules_of(site(columns=[column(2, age=8)])) == [(Rule.NEWS_COLUMN_STALE, Severity.VIOLATION)]


def test_the_fingerprint_identifies_a_problem_across_runs() -> None:
    first = apply_rules(site(site_code=""), NOW)[0]
    again = apply_rules(site(site_code=""), NOW + dt.timedelta(days=1))[0]
    other = apply_rules(site(site_code="1"), NOW)[0]
    assert first.fingerprint == again.fingerprint == other.fingerprint  # same rule, same site
    stale = apply_rules(site(columns=[column(2, age=20)]), NOW)[0]
    assert stale.fingerprint != first.fingerprint
