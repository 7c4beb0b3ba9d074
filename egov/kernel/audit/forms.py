from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.kernel.access.policy import Actor, units_with_perm
from egov.kernel.audit.models import AuditResult
from egov.kernel.audit.selectors import AuditFilters
from egov.kernel.orgs.models import OrgUnit


class AuditFilterForm(forms.Form):
    """The auditor's search form, bound to the query string so a filtered page can be linked and exported."""

    actor_username = forms.CharField(label=_("操作人账号"), required=False, max_length=150)
    action = forms.CharField(
        label=_("操作"), required=False, max_length=80, help_text=_("可输入前缀，如 accounts. 表示全部账号操作")
    )
    result = forms.ChoiceField(label=_("结果"), required=False, choices=[("", _("全部")), *AuditResult.choices])
    date_from = forms.DateField(
        label=_("起始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("请输入有效的起始日期，如 2026-01-31")},
    )
    date_to = forms.DateField(
        label=_("截止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("请输入有效的截止日期，如 2026-01-31")},
    )
    org_unit = forms.ModelChoiceField(
        label=_("机构"),
        required=False,
        queryset=OrgUnit.objects.none(),
        empty_label=_("全部机构"),
        error_messages={"invalid_choice": _("所选机构不存在或不在您的审计范围内")},
    )

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units_with_perm(user, "audit.view").order_by("path")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("截止日期不能早于起始日期"))
        return cleaned

    def filters(self) -> AuditFilters:
        """The filters of a valid form; an invalid form filters nothing (its errors are shown instead)."""
        if not self.is_valid():
            return AuditFilters()
        data = self.cleaned_data
        return AuditFilters(
            actor_username=data["actor_username"].strip(),
            action=data["action"].strip(),
            result=data["result"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            org_unit=data["org_unit"],
        )
