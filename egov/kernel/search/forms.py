"""The search page's query form (GET): what the visitor typed stays in the form, errors in Chinese."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.kernel.search.selectors import MAX_PAGE, MAX_QUERY_LENGTH

VALIDITY_CHOICES = [("", _("全部")), ("有效", _("有效")), ("已修改", _("已修改")), ("已废止", _("已废止"))]
SORT_CHOICES = [("relevance", _("按相关度")), ("date", _("按日期"))]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("检索词"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": _("检索词不能超过 %(limit_value)d 个字")},
    )
    type = forms.CharField(label=_("类别"), required=False, max_length=64)
    site = forms.CharField(label=_("站点"), required=False, max_length=64)
    year = forms.IntegerField(
        label=_("年份"),
        required=False,
        min_value=1949,
        max_value=2100,
        error_messages={
            "invalid": _("年份应为四位数字"),
            "min_value": _("年份应为四位数字"),
            "max_value": _("年份应为四位数字"),
        },
    )
    validity = forms.ChoiceField(
        label=_("效力"),
        required=False,
        choices=VALIDITY_CHOICES,
        error_messages={"invalid_choice": _("效力选项不正确")},
    )
    sort = forms.ChoiceField(
        label=_("排序"), required=False, choices=SORT_CHOICES, error_messages={"invalid_choice": _("排序方式不正确")}
    )
    page = forms.IntegerField(
        label=_("页码"),
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        error_messages={
            "invalid": _("页码应为正整数"),
            "min_value": _("页码应为正整数"),
            "max_value": _("页码超出范围"),
        },
    )

    def search_arguments(self) -> dict[str, Any]:
        """Keyword arguments of selectors.search() from the cleaned data."""
        data = self.cleaned_data
        return {
            "query": data["q"],
            "types": [data["type"]] if data["type"] else None,
            "site": data["site"] or None,
            "year": data["year"],
            "facets": {"validity": data["validity"]} if data["validity"] else None,
            "sort": data["sort"] or "relevance",
            "page": data["page"] or 1,
        }
