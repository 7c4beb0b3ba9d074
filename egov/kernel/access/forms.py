"""Input for the role assignment screen. Only parsing here; the rules live in ``services.role_assign``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov.kernel.access import selectors
from egov.kernel.access.models import Role
from egov.kernel.access.policy import Actor
from egov.kernel.accounts.models import User
from egov.kernel.orgs.models import OrgUnit

SUBUNITS_CHOICES = [("", _("按角色默认")), ("1", _("包含下级机构")), ("0", _("仅本机构"))]


class UnitChoiceField(forms.ModelChoiceField[OrgUnit]):
    def label_from_instance(self, obj: OrgUnit) -> str:
        # Indent by depth so the select shows the tree.
        return f"{'　' * obj.depth}{obj.name}"


class RoleChoiceField(forms.ModelChoiceField[Role]):
    def label_from_instance(self, obj: Role) -> str:
        return f"{obj.name}（{obj.code}）"


class RoleAssignForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    role = RoleChoiceField(label=_("角色"), queryset=Role.objects.none(), empty_label=_("请选择角色"))
    org_unit = UnitChoiceField(label=_("机构"), queryset=OrgUnit.objects.none(), empty_label=_("请选择机构"))
    include_subunits = forms.TypedChoiceField(
        label=_("授权范围"),
        choices=SUBUNITS_CHOICES,
        coerce=lambda value: value == "1",
        empty_value=None,
        required=False,
    )
    valid_until = forms.DateField(
        label=_("有效期至"),
        required=False,
        help_text=_("含当日；留空表示长期有效"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = selectors.roles()  # type: ignore[attr-defined]
        self.fields["org_unit"].queryset = selectors.assignable_units(actor)  # type: ignore[attr-defined]
        self.fields["role"].error_messages["invalid_choice"] = _("请选择列表中的角色")
        self.fields["org_unit"].error_messages["invalid_choice"] = _("请选择您有权授权的机构")

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError(_("用户不存在：%(username)s"), params={"username": username})
        return user

    def valid_until_moment(self) -> dt.datetime | None:
        """The chosen day is included: the grant ends at the start of the next local day."""
        day: dt.date | None = self.cleaned_data.get("valid_until")
        if day is None:
            return None
        return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
