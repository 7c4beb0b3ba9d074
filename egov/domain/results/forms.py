"""Forms of the results pages; the services check the rules, the forms only parse what was typed."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.domain.results.models import DELIVERY_TRANSITIONS, DeliveryMethod, DeliveryStatus


class DeliveryChoiceForm(forms.Form):
    method = forms.ChoiceField(
        label=_("送达方式"),
        choices=DeliveryMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择送达方式"), "invalid_choice": _("请选择送达方式")},
    )
    address = forms.CharField(
        label=_("收件地址"),
        required=False,
        max_length=200,
        help_text=_("仅邮寄送达需要填写，如：兴安盟乌兰浩特市兴安北大路1号"),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    phone = forms.CharField(
        label=_("收件电话"),
        required=False,
        max_length=20,
        help_text=_("仅邮寄送达需要填写，11位手机号码"),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("撤销原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写撤销原因")},
    )


class DeliveryUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("更新为"), choices=(), error_messages={"required": _("请选择送达状态")})
    tracking_no = forms.CharField(label=_("快递单号"), required=False, max_length=40)
    note = forms.CharField(label=_("说明"), required=False, max_length=300)

    def __init__(self, *args: Any, method: str, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        nexts = DELIVERY_TRANSITIONS.get(method, {}).get(current, ())
        self.status_choices = [(value, str(DeliveryStatus(value).label)) for value in nexts]
        cast(forms.ChoiceField, self.fields["status"]).choices = self.status_choices
        if DeliveryStatus.SENT not in nexts:
            del self.fields["tracking_no"]
