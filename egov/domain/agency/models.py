"""Full-process agency (全程办事代理制), case messages and 好差评 with rectification (整改).

Cases are the kernel's workflow ``Case``; this app only adds who looks after a case for the applicant, the
conversation about it, and what the applicant thought of it afterwards.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov.kernel.workflow.models import CaseStatus, Light


class AgentRule(models.Model):
    """Which agents (代办员) look after which cases: matched on the case's county and its service themes.

    Rules are tried by ``priority`` (smaller first). The agents of a rule are the people holding the
    ``agent`` role at ``agent_unit`` (or above it with sub-units included); among the agents of the first
    priority level that has any, the one with the fewest open cases gets the case (load balancing).
    """

    name = models.CharField(_("规则名称"), max_length=100)
    county = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("适用地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("办件主办机构位于该机构之下时适用；为空表示全盟"),
    )
    theme_codes = models.JSONField(_("适用主题"), default=list, blank=True, help_text=_("为空表示全部主题"))
    agent_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("代办机构"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("在该机构持有代办员角色的人员参与分配"),
    )
    priority = models.PositiveSmallIntegerField(_("优先级"), default=100, help_text=_("数字越小越优先"))
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("代办分配规则")
        verbose_name_plural = _("代办分配规则")
        ordering = ("priority", "pk")

    def __str__(self) -> str:
        return self.name


class AgentAssignment(models.Model):
    """The agent currently looking after a case; earlier agents are in ``reassignments``."""

    case = models.OneToOneField(
        "workflow.Case", verbose_name=_("办件"), on_delete=models.CASCADE, related_name="agent_assignment"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("代办员"), on_delete=models.PROTECT, related_name="agency_cases"
    )
    agent_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("代办机构"), on_delete=models.PROTECT, related_name="+"
    )
    rule = models.ForeignKey(
        AgentRule, verbose_name=_("分配规则"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(_("分配时间"), default=timezone.now)
    #: copied from the case so the dashboard sorts and filters without touching other tables first; the
    #: status, light and watched due date are kept current by ``services.sync_case_copies`` (a workflow case
    #: watcher), so the counts per light and the 超期 list read this table alone (ADR 0018)
    case_started_at = models.DateTimeField(_("办件发起时间"))
    case_status = models.CharField(_("办件状态"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    case_light = models.CharField(_("监察状态"), max_length=8, choices=Light.choices, default=Light.GREEN)
    case_due_on = models.DateField(_("监察到期日"), null=True, blank=True)

    class Meta:
        verbose_name = _("代办分配")
        verbose_name_plural = _("代办分配")
        ordering = ("-case_started_at", "-pk")
        indexes = (
            models.Index(fields=["agent", "-case_started_at"], name="agency_assign_agent"),
            models.Index(fields=["agent_unit", "-case_started_at"], name="agency_assign_unit"),
            models.Index(fields=["agent", "case_light", "case_due_on"], name="agency_assign_light"),
        )

    def __str__(self) -> str:
        return f"{self.case_id} → {self.agent_id}"


class AgentReassignment(models.Model):
    """改派: a supervisor moved a case from one agent to another (the history of an assignment)."""

    assignment = models.ForeignKey(
        AgentAssignment, verbose_name=_("代办分配"), on_delete=models.CASCADE, related_name="reassignments"
    )
    from_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("原代办员"), on_delete=models.PROTECT, related_name="+"
    )
    to_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("新代办员"), on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("改派人"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("改派原因"), max_length=300)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("代办改派记录")
        verbose_name_plural = _("代办改派记录")
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.assignment_id}: {self.from_agent_id} → {self.to_agent_id}"


class AssignmentMiss(models.Model):
    """A case for which no rule found an agent (shown to administrators so they can fix the rules)."""

    case = models.OneToOneField("workflow.Case", verbose_name=_("办件"), on_delete=models.CASCADE, related_name="+")
    county = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("地区"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    theme_codes = models.JSONField(_("主题"), default=list, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("未分配代办员的办件")
        verbose_name_plural = _("未分配代办员的办件")
        ordering = ("-at", "-pk")

    def __str__(self) -> str:
        return str(self.case_id)


class MessageSide(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    AGENT = "agent", _("代办员")
    HANDLER = "handler", _("办理人员")


class CaseMessage(models.Model):
    """One message in the conversation about a case (申请人 ↔ 代办员 / 办理人员)."""

    case = models.ForeignKey("workflow.Case", verbose_name=_("办件"), on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发送人"), on_delete=models.PROTECT)
    side = models.CharField(_("身份"), max_length=10, choices=MessageSide.choices)
    body = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now)

    class Meta:
        verbose_name = _("办件留言")
        verbose_name_plural = _("办件留言")
        ordering = ("created_at", "pk")
        indexes = (models.Index(fields=["case", "created_at"], name="agency_message_case"),)

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_side_display()}"


class Level(models.IntegerChoices):
    """好差评 five levels (国办发〔2019〕51号); 不满意 and 非常不满意 are bad reviews (差评)."""

    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    BASIC = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


BAD_LEVELS = (Level.DISSATISFIED, Level.VERY_DISSATISFIED)
SATISFIED_LEVELS = (Level.VERY_SATISFIED, Level.SATISFIED, Level.BASIC)


class Evaluation(models.Model):
    """一事一评: the applicant's evaluation of a completed case; a re-evaluation follows each rectification."""

    case = models.ForeignKey("workflow.Case", verbose_name=_("办件"), on_delete=models.CASCADE, related_name="+")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评价人"), on_delete=models.PROTECT)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("被评价机构"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField(_("评价等级"), choices=Level.choices)
    comment = models.TextField(_("评价内容"), blank=True)
    item_code = models.CharField(_("事项编码"), max_length=64, blank=True)
    item_name = models.CharField(_("事项名称"), max_length=200, blank=True)
    follows = models.OneToOneField(
        "Rectification",
        verbose_name=_("针对的整改"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="re_evaluation",
        help_text=_("为空表示首次评价"),
    )
    created_at = models.DateTimeField(_("评价时间"), default=timezone.now)

    class Meta:
        verbose_name = _("好差评")
        verbose_name_plural = _("好差评")
        ordering = ("-created_at", "-pk")
        constraints = (
            models.UniqueConstraint(fields=["case"], condition=Q(follows__isnull=True), name="agency_one_evaluation"),
        )
        indexes = (
            models.Index(fields=["org_unit", "created_at"], name="agency_eval_unit"),
            models.Index(fields=["created_at"], name="agency_eval_at"),
        )

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("整改中")
    COMPLETED = "completed", _("已整改，待回访评价")
    CLOSED = "closed", _("已复评")


class Rectification(models.Model):
    """差评整改: opened by a bad review, handled by ``services.rectify`` holders at the case's unit."""

    evaluation = models.OneToOneField(
        Evaluation, verbose_name=_("差评"), on_delete=models.PROTECT, related_name="rectification"
    )
    case = models.ForeignKey("workflow.Case", verbose_name=_("办件"), on_delete=models.CASCADE, related_name="+")
    org_unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("整改机构"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("状态"), max_length=10, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    opened_on = models.DateField(_("开始日期"))
    due_on = models.DateField(_("整改期限"))
    result = models.TextField(_("整改情况"), blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("整改人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")
        ordering = ("due_on", "pk")
        indexes = (models.Index(fields=["org_unit", "status", "due_on"], name="agency_rect_unit"),)

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_status_display()}"

    @property
    def on_time(self) -> bool | None:
        if self.completed_on is None:
            return None
        return self.completed_on <= self.due_on


class FollowUp(models.Model):
    """整改跟进记录: verification, contact with the applicant, measures taken."""

    rectification = models.ForeignKey(
        Rectification, verbose_name=_("差评整改"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT)
    note = models.TextField(_("跟进情况"))
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("整改跟进记录")
        verbose_name_plural = _("整改跟进记录")
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return str(self.rectification_id)
