"""The case core: process definitions, cases (办件), work items (待办), clocks and supervision (督办).

The serialized SpiffWorkflow state lives on ``Case.state`` and is read only when a case moves. Everything a
list, a count or the supervision sweep needs is copied onto indexed columns, so worklists never
deserialize a workflow.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov.kernel.workflow.fields import WorkflowStateField


class TimeUnit(models.TextChoices):
    """Same codes as ``egov.kernel.calendar.deadlines.TimeUnit`` (stored as plain strings)."""

    WORKING_DAYS = "wd", _("工作日")
    NATURAL_DAYS = "nd", _("自然日")


class Light(models.TextChoices):
    """红黄绿灯 (电子监察)."""

    GREEN = "green", _("正常")
    YELLOW = "yellow", _("预警")
    RED = "red", _("超期")


class ProcessDefinition(models.Model):
    """One published version of a BPMN process; a running case keeps the version it started with."""

    key = models.CharField(_("流程标识"), max_length=100, help_text=_("BPMN process id"))
    version = models.PositiveIntegerField(_("版本"))
    name = models.CharField(_("流程名称"), max_length=200)
    bpmn_xml = models.TextField(_("BPMN 定义"))
    dmn_xml = models.JSONField(_("DMN 决策表"), default=list, blank=True, help_text=_("DMN 文件内容列表"))
    checksum = models.CharField(_("校验和"), max_length=64, help_text=_("BPMN 与 DMN 内容的 SHA-256"))
    number_prefix = models.CharField(_("办件编号前缀"), max_length=10, default="XA")
    source_path = models.CharField(_("来源文件"), max_length=300, blank=True)
    is_published = models.BooleanField(_("已发布"), default=True)
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)

    class Meta:
        verbose_name = _("流程定义")
        verbose_name_plural = _("流程定义")
        ordering = ("key", "-version")
        constraints = (models.UniqueConstraint(fields=["key", "version"], name="workflow_definition_key_version"),)

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class CaseNumberSequence(models.Model):
    """Gapless counter per prefix and year; incremented under a row lock in the case's own transaction."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("办件编号序列")
        verbose_name_plural = _("办件编号序列")
        constraints = (models.UniqueConstraint(fields=["prefix", "year"], name="workflow_sequence_prefix_year"),)

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_value}"


class CaseStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    SUSPENDED = "suspended", _("暂停计时")
    COMPLETED = "completed", _("已办结")
    TERMINATED = "terminated", _("已终止")
    WITHDRAWN = "withdrawn", _("已撤回")


class Case(models.Model):
    """A process instance (办件)."""

    number = models.CharField(_("办件编号"), max_length=32, unique=True)
    definition = models.ForeignKey(
        ProcessDefinition, verbose_name=_("流程定义"), on_delete=models.PROTECT, related_name="cases"
    )
    process_key = models.CharField(_("流程标识"), max_length=100, editable=False)
    # Foreign keys whose column leads a composite index (Meta.indexes) get no single-column index of their own:
    # each index costs every insert and every non-HOT update of these hot tables (bench/workflow_throughput.py).
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("主办机构"),
        on_delete=models.PROTECT,
        related_name="workflow_cases",
        db_index=False,
    )
    title = models.CharField(_("标题"), max_length=300)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workflow_applications",
        db_index=False,
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workflow_cases_started",
        db_index=False,
    )
    subject_type = models.CharField(_("对象类型"), max_length=60, blank=True, help_text=_("如 services.application"))
    subject_id = models.CharField(_("对象标识"), max_length=64, blank=True)
    subject_repr = models.CharField(_("对象说明"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    current_steps = models.CharField(_("当前环节"), max_length=300, blank=True)
    state = WorkflowStateField(_("流程状态"), default=dict, editable=False)
    data = models.JSONField(_("业务数据"), default=dict, blank=True)
    statutory_limit = models.PositiveIntegerField(_("法定时限"), null=True, blank=True)
    statutory_unit = models.CharField(_("法定时限单位"), max_length=2, choices=TimeUnit.choices, blank=True)
    promised_limit = models.PositiveIntegerField(_("承诺时限"), null=True, blank=True)
    promised_unit = models.CharField(_("承诺时限单位"), max_length=2, choices=TimeUnit.choices, blank=True)
    started_on = models.DateField(_("起算日"))
    due_on = models.DateField(_("法定到期日"), null=True, blank=True)
    promised_due_on = models.DateField(_("承诺到期日"), null=True, blank=True)
    watch_due_on = models.DateField(_("监察到期日"), null=True, blank=True, help_text=_("法定与承诺到期日中较早者"))
    warn_on = models.DateField(_("预警起始日"), null=True, blank=True, help_text=_("自该日起亮黄灯"))
    light = models.CharField(_("监察状态"), max_length=6, choices=Light.choices, default=Light.GREEN)
    started_at = models.DateTimeField(_("发起时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    lock_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering = ("-started_at",)
        indexes = (
            models.Index(fields=["status", "warn_on"], name="wf_case_status_warn"),
            models.Index(fields=["status", "watch_due_on"], name="wf_case_status_due"),
            models.Index(fields=["started_by", "-started_at"], name="wf_case_started_by"),
            models.Index(fields=["applicant", "-started_at"], name="wf_case_applicant"),
            models.Index(fields=["org_unit", "status"], name="wf_case_unit_status"),
            models.Index(fields=["subject_type", "subject_id"], name="wf_case_subject"),
        )

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_active(self) -> bool:
        return self.status in (CaseStatus.OPEN, CaseStatus.SUSPENDED)


class WorkItemStatus(models.TextChoices):
    OPEN = "open", _("待办")
    CLAIMED = "claimed", _("已认领")
    COMPLETED = "completed", _("已办")
    RETURNED = "returned", _("已退回")
    TRANSFERRED = "transferred", _("已转办")
    WITHDRAWN = "withdrawn", _("已撤回")
    CANCELLED = "cancelled", _("已取消")


ACTIVE_ITEM_STATUSES = (WorkItemStatus.OPEN, WorkItemStatus.CLAIMED)


class WorkItem(models.Model):
    """A 待办: one user task of a case, assigned to a person or waiting in a queue (org unit + role)."""

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="work_items", db_index=False
    )  # wf_item_case leads with it
    process_key = models.CharField(_("流程标识"), max_length=100, editable=False)
    task_id = models.UUIDField(_("流程任务标识"))
    step = models.CharField(_("环节代码"), max_length=100, help_text=_("BPMN 任务 id"))
    title = models.CharField(_("环节名称"), max_length=200)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("办理机构"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("队列机构，或直接指派时的办件主办机构"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workflow_items",
        db_index=False,
    )
    queue_org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("队列机构"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    queue_role = models.CharField(_("队列角色"), max_length=40, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=WorkItemStatus.choices, default=WorkItemStatus.OPEN)
    outcome = models.CharField(_("办理结果"), max_length=40, blank=True)
    opinion = models.TextField(_("办理意见"), blank=True)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("来源待办"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("其办理、转办或退回产生了本待办"),
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发送人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # history only: never filtered on (people are deactivated, not deleted)
    )
    delegated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("委托人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # history only: never filtered on (people are deactivated, not deleted)
    )
    created_at = models.DateTimeField(_("到达时间"), default=timezone.now)
    opened_at = models.DateTimeField(_("首次打开时间"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workflow_items_done",
        db_index=False,
    )
    completed_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    limit = models.PositiveIntegerField(_("环节时限"), null=True, blank=True)
    limit_unit = models.CharField(_("时限单位"), max_length=2, choices=TimeUnit.choices, blank=True)
    started_on = models.DateField(_("起算日"))
    due_on = models.DateField(_("到期日"), null=True, blank=True)
    warn_on = models.DateField(_("预警起始日"), null=True, blank=True)
    light = models.CharField(_("监察状态"), max_length=6, choices=Light.choices, default=Light.GREEN)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("待办")
        verbose_name_plural = _("待办")
        ordering = ("due_on", "id")
        indexes = (
            # ``include``: the badge counts (selectors.worklist_counts) are index-only scans on PostgreSQL.
            models.Index(fields=["assignee", "status", "due_on"], name="wf_item_assignee", include=["light"]),
            models.Index(
                fields=["queue_org_unit", "queue_role", "due_on"],
                name="wf_item_queue_open",
                condition=Q(status="open", assignee__isnull=True),
                include=["light"],
            ),
            models.Index(fields=["case", "status"], name="wf_item_case"),
            models.Index(fields=["completed_by", "-completed_at"], name="wf_item_done", include=["status"]),
            models.Index(fields=["warn_on"], name="wf_item_active_warn", condition=Q(status__in=["open", "claimed"])),
            models.Index(
                fields=["light", "due_on"], name="wf_item_active_light", condition=Q(status__in=["open", "claimed"])
            ),
        )

    def __str__(self) -> str:
        return f"{self.case.number} · {self.title}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_ITEM_STATUSES


class ClockKind(models.TextChoices):
    START = "start", _("开始计时")
    SUSPEND = "suspend", _("暂停计时")
    RESUME = "resume", _("恢复计时")
    EXTEND = "extend", _("延期")
    STOP = "stop", _("停止计时")


class SuspensionReason(models.TextChoices):
    """Why a clock stops; the time does not count toward the limit (STANDARDS.md §1)."""

    CORRECTION = "correction", _("补正")
    ANNOUNCEMENT = "announcement", _("公告")
    EXPERT_REVIEW = "expert_review", _("专家评审")
    THIRD_PARTY = "third_party", _("征求第三方意见")
    HEARING = "hearing", _("听证")
    OTHER = "other", _("其他特别程序")


class ClockEvent(models.Model):
    """The full clock history of a case (and optionally one step); due dates are recomputed from it."""

    case = models.ForeignKey(Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="clock_events")
    work_item = models.ForeignKey(
        WorkItem, verbose_name=_("待办"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=ClockKind.choices)
    reason_code = models.CharField(_("原因类别"), max_length=20, blank=True)
    reason = models.TextField(_("原因说明"), blank=True)
    days = models.PositiveIntegerField(_("天数"), null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=2, choices=TimeUnit.choices, blank=True)
    on = models.DateField(_("日期"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on_after = models.DateField(_("调整后到期日"), null=True, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("计时记录")
        verbose_name_plural = _("计时记录")
        ordering = ("at", "id")
        indexes = (models.Index(fields=["case", "at"], name="wf_clock_case"),)

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()} {self.on}"


class SupervisionLevel(models.TextChoices):
    YELLOW = "yellow", _("黄灯预警")
    RED = "red", _("红灯超期")
    MANUAL = "manual", _("人工督办")


class SupervisionRecord(models.Model):
    """督办: an automatic warning from the sweep or a supervisor's manual 督办 with a note."""

    case = models.ForeignKey(Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="supervision")
    work_item = models.ForeignKey(
        WorkItem, verbose_name=_("待办"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    level = models.CharField(_("级别"), max_length=8, choices=SupervisionLevel.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("督办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("为空表示系统自动预警"),
    )
    note = models.TextField(_("督办意见"), blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")
        ordering = ("at", "id")
        indexes = (models.Index(fields=["case", "at"], name="wf_supervision_case"),)

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_level_display()}"
