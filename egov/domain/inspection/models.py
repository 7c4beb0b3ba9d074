"""Site inspection (网站检查): one run checks every site; each site gets a report with its findings.

Findings are kept per run so that the dashboard can show what changed and the annual report can count
problems found and fixed. External link results are cached across runs (``LinkStatus``): a dead government
partner site is asked at most once a day, and never while an editor publishes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Trigger(models.TextChoices):
    DAILY = "daily", _("每日定时检查")
    MANUAL = "manual", _("手动检查")
    COMMAND = "command", _("命令行检查")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("检查中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class Verdict(models.TextChoices):
    PASS = "pass", _("合格")
    WARN = "warn", _("有预警")
    PROBLEMS = "problems", _("有问题")
    FAIL = "fail", _("单项否决")


class Severity(models.TextChoices):
    VETO = "veto", _("单项否决")
    VIOLATION = "violation", _("问题")
    WARNING = "warning", _("预警")


class Rule(models.TextChoices):
    """The national inspection rules of STANDARDS.md §4 (国办秘函〔2019〕19号) the platform checks itself."""

    SITE_UNREACHABLE = "site_unreachable", _("站点无法访问")
    HOME_STALE = "home_stale", _("首页未及时更新")
    NEWS_COLUMN_STALE = "news_column_stale", _("动态要闻类栏目未及时更新")
    NOTICE_COLUMN_STALE = "notice_column_stale", _("通知公告、政策文件类栏目未及时更新")
    EMPTY_COLUMN = "empty_column", _("空白栏目")
    BROKEN_INTERNAL_LINK = "broken_internal_link", _("站内链接不可用")
    BROKEN_EXTERNAL_LINK = "broken_external_link", _("外部链接不可用")
    IMAGE_MISSING_ALT = "image_missing_alt", _("图片缺少替代文字")
    MISSING_SITE_CODE = "missing_site_code", _("未标注网站标识码")


class InspectionRun(models.Model):
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    trigger = models.CharField(_("触发方式"), max_length=10, choices=Trigger.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("状态"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    check_external = models.BooleanField(_("检查外部链接"), default=True)
    error = models.TextField(_("错误信息"), blank=True)

    class Meta:
        verbose_name = _("检查批次")
        verbose_name_plural = _("检查批次")
        ordering = ("-started_at", "-id")

    def __str__(self) -> str:
        return f"{self.get_trigger_display()} {self.started_at:%Y-%m-%d %H:%M}"


class SiteReport(models.Model):
    """One site's result in one run. ``home_page_id`` is the site's Wagtail home page (kept as a plain id:
    a report outlives a deleted site); the names are copied for the same reason."""

    run = models.ForeignKey(InspectionRun, verbose_name=_("检查批次"), on_delete=models.CASCADE, related_name="reports")
    home_page_id = models.PositiveIntegerField(_("首页页面"), db_index=True)
    site_key = models.CharField(_("站点标识"), max_length=40)
    site_name = models.CharField(_("网站名称"), max_length=100)
    site_code = models.CharField(_("网站标识码"), max_length=10, blank=True)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("主办单位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verdict = models.CharField(_("结论"), max_length=10, choices=Verdict.choices)
    pages_checked = models.PositiveIntegerField(_("检查页面数"), default=0)
    links_checked = models.PositiveIntegerField(_("检查链接数"), default=0)
    veto_count = models.PositiveIntegerField(_("单项否决项"), default=0)
    violation_count = models.PositiveIntegerField(_("问题数"), default=0)
    warning_count = models.PositiveIntegerField(_("预警数"), default=0)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("站点检查报告")
        verbose_name_plural = _("站点检查报告")
        ordering = ("-run__started_at", "site_key")
        constraints = [  # noqa: RUF012
            models.UniqueConstraint(fields=["run", "home_page_id"], name="inspection_one_report_per_site")
        ]

    def __str__(self) -> str:
        return f"{self.site_name} {self.get_verdict_display()}"


class Finding(models.Model):
    report = models.ForeignKey(
        SiteReport, verbose_name=_("检查报告"), on_delete=models.CASCADE, related_name="findings"
    )
    rule = models.CharField(_("检查项"), max_length=32, choices=Rule.choices)
    severity = models.CharField(_("级别"), max_length=10, choices=Severity.choices)
    page_id = models.PositiveIntegerField(_("页面"), null=True, blank=True)
    page_title = models.CharField(_("页面标题"), max_length=255, blank=True)
    url = models.CharField(_("地址"), max_length=1000, blank=True)
    message = models.CharField(_("说明"), max_length=500)
    #: Stable identity of the problem across runs (rule + page + link), to tell new problems from fixed ones.
    fingerprint = models.CharField(_("问题标识"), max_length=64, db_index=True)

    class Meta:
        verbose_name = _("检查发现")
        verbose_name_plural = _("检查发现")
        ordering = ("report", "severity", "rule", "id")

    def __str__(self) -> str:
        return self.message


class LinkStatus(models.Model):
    """The last result of checking one external URL (cached for ``INSPECTION_LINK_CACHE_HOURS``)."""

    url_hash = models.CharField(max_length=64, unique=True)
    url = models.TextField()
    ok = models.BooleanField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)
    checked_at = models.DateTimeField()

    class Meta:
        verbose_name = _("外部链接检测结果")
        verbose_name_plural = _("外部链接检测结果")

    def __str__(self) -> str:
        return self.url


class PageScan(models.Model):
    """What the crawler found on a content page at a given publication, so that an unchanged page is not
    rendered again on the next day's run (the links it holds are still checked every run)."""

    page_id = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=255, blank=True)
    url = models.CharField(max_length=1000, blank=True)
    last_published_at = models.DateTimeField(null=True, blank=True)
    links = models.JSONField(default=list)
    images_missing_alt = models.PositiveIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(default=200)
    scanned_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("页面扫描缓存")
        verbose_name_plural = _("页面扫描缓存")

    def __str__(self) -> str:
        return f"page {self.page_id}"
