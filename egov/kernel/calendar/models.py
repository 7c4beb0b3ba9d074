"""The platform's own holiday table (节假日安排), one year at a time.

Only the exceptions to "Monday–Friday work, weekends off" are stored: statutory holidays (法定节假日) and
adjusted working weekends (调休上班日). A year without a ``HolidayYear`` row is *unknown*: deadlines fall
back to weekends only and carry a visible warning (STANDARDS.md §1).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HolidayYearStatus(models.TextChoices):
    SEEDED = "seeded", _("已导入，待确认")
    ENTERED = "entered", _("人工录入，待确认")
    CONFIRMED = "confirmed", _("已确认")


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日")
    WORKDAY = "workday", _("调休上班日")


class HolidayYear(models.Model):
    """Marks a year whose schedule (国务院办公厅 notice) has been entered; its absence triggers the fallback."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=HolidayYearStatus.choices, default=HolidayYearStatus.ENTERED
    )
    source = models.CharField(_("来源"), max_length=200, blank=True)
    note = models.TextField(_("备注"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("节假日年度")
        verbose_name_plural = _("节假日年度")
        ordering = ("year",)

    def __str__(self) -> str:
        return f"{self.year}年节假日安排"


class CalendarDay(models.Model):
    """One exception to the weekday rule: a day off on a weekday, or a worked weekend."""

    date = models.DateField(_("日期"), unique=True)
    year = models.PositiveSmallIntegerField(_("年份"), db_index=True, editable=False)
    kind = models.CharField(_("类型"), max_length=8, choices=DayKind.choices)
    name = models.CharField(_("名称"), max_length=30, blank=True, help_text=_("如：春节、国庆节"))

    class Meta:
        verbose_name = _("节假日/调休日")
        verbose_name_plural = _("节假日/调休日")
        ordering = ("date",)
        constraints = (
            models.CheckConstraint(condition=models.Q(kind__in=["holiday", "workday"]), name="calendar_day_kind_valid"),
        )

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}".strip()
