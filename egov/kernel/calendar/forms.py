"""Forms of the year page: set or clear one day, confirm the year."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.kernel.calendar.models import DayKind
from egov.kernel.calendar.services import NAME_MAX_LENGTH


class CalendarDayForm(forms.Form):
    day = forms.DateField(
        label=_("日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("请选择日期"), "invalid": _("请输入有效的日期，如 2025-10-01")},
    )
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=DayKind.choices,
        required=False,
        error_messages={"invalid_choice": _("请选择“法定节假日”或“调休上班日”")},
    )
    name = forms.CharField(
        label=_("名称"),
        required=False,
        max_length=NAME_MAX_LENGTH,
        help_text=_("如：春节、国庆节"),
        error_messages={"max_length": _("名称不能超过%(limit_value)s个字")},
    )

    def __init__(self, *args: object, year: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.year = year

    def clean_day(self) -> date:
        day: date = self.cleaned_data["day"]
        if day.year != self.year:
            raise forms.ValidationError(_("这里只能修改%(year)s年的日期") % {"year": self.year})
        return day


class HolidayYearConfirmForm(forms.Form):
    note = forms.CharField(
        label=_("备注"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如：已与国办发明电〔2025〕×号核对"),
        error_messages={"max_length": _("备注不能超过%(limit_value)s个字")},
    )
