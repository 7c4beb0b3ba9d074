"""Error summary and field include: every problem is listed and links to its field."""

from __future__ import annotations

import re

from django import forms
from django.template.loader import render_to_string


class ApplicationForm(forms.Form):
    applicant = forms.CharField(label="申请人姓名", max_length=10, help_text="与身份证一致")
    mobile = forms.RegexField(label="手机号码", regex=r"^1\d{10}$", error_messages={"invalid": "请输入11位手机号码"})
    note = forms.CharField(label="备注", required=False)
    token = forms.CharField(widget=forms.HiddenInput, error_messages={"required": "表单已失效，请刷新页面"})

    def clean(self) -> dict[str, object]:
        raise forms.ValidationError("同一申请人今日已提交过申请")


def test_error_summary_counts_problems_and_links_each_to_its_field() -> None:
    # given
    form = ApplicationForm(data={"applicant": "", "mobile": "12", "note": "急"})
    assert not form.is_valid()
    # when
    html = render_to_string("web/includes/form_errors.html", {"form": form})
    # then
    assert 'role="alert" tabindex="-1"' in html
    assert "提交的内容有 4 处问题" in html
    assert re.findall(r'<a href="(#[^"]+)">([^<]+)</a>', html) == [
        ("#id_applicant", "申请人姓名：必需字段"),
        ("#id_mobile", "手机号码：请输入11位手机号码"),
    ]
    assert "<li>同一申请人今日已提交过申请</li>" in html
    assert "<li>表单已失效，请刷新页面</li>" in html


def test_no_summary_for_a_valid_or_unbound_form() -> None:
    assert render_to_string("web/includes/form_errors.html", {"form": ApplicationForm()}).strip() == ""


def test_field_keeps_what_the_user_typed_and_describes_help_and_error() -> None:
    # given
    form = ApplicationForm(data={"applicant": "王小明王小明王小明王小明", "mobile": "13800000000"})
    form.is_valid()
    # when
    html = render_to_string("web/includes/field.html", {"field": form["applicant"]})
    # then
    required_mark = '<span class="required" aria-hidden="true">*</span>'
    assert f'<label class="field-label" for="id_applicant">申请人姓名{required_mark}</label>' in html
    assert '<p class="field-help" id="id_applicant_helptext">与身份证一致</p>' in html
    assert '<p class="field-error" id="id_applicant_error">' in html
    assert 'value="王小明王小明王小明王小明"' in html
    assert 'aria-describedby="id_applicant_helptext id_applicant_error"' in html
    assert 'aria-invalid="true"' in html
