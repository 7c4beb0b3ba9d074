"""Forms only parse input and check its shape; the rules live in services.py, whose Rejected errors the
views attach to the field named in ``Rejected.field``."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from egov.kernel.errors import Rejected
from egov.kernel.identifiers import validate_mobile, validate_resident_id, validate_uscc


class ServiceForm(forms.Form):
    def add_rejection(self, exc: Rejected) -> None:
        field = exc.field if exc.field in self.fields else None
        self.add_error(field, exc.message)


class PasswordInput(forms.PasswordInput):
    """Never echo a password back into the page."""

    def __init__(self, autocomplete: str = "current-password") -> None:
        super().__init__(attrs={"autocomplete": autocomplete}, render_value=False)


def _sms_code_field() -> forms.CharField:
    return forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        min_length=6,
        error_messages={"required": _("请输入短信验证码"), "min_length": _("验证码为6位数字")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class _CitizenRegisterForm(ServiceForm):
    username = forms.CharField(
        label=_("用户名（选填）"),
        required=False,
        max_length=30,
        help_text=_("不填写时可使用手机号码登录"),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        error_messages={"required": _("请填写手机号码")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    sms_code = _sms_code_field()
    password = forms.CharField(
        label=_("密码"),
        error_messages={"required": _("请设置密码")},
        widget=PasswordInput("new-password"),
        help_text=_("至少8位，须包含大写字母、小写字母、数字、符号中的至少三类"),
    )
    password_confirm = forms.CharField(
        label=_("确认密码"), error_messages={"required": _("请再次输入密码")}, widget=PasswordInput("new-password")
    )

    def clean_phone(self) -> str:
        return validate_mobile(self.cleaned_data["phone"])

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("password") and data.get("password_confirm") and data["password"] != data["password_confirm"]:
            self.add_error("password_confirm", _("两次输入的密码不一致"))
        return data


class PersonRegisterForm(_CitizenRegisterForm):
    real_name = forms.CharField(label=_("姓名"), max_length=50, error_messages={"required": _("请填写姓名")})
    id_number = forms.CharField(
        label=_("身份证号码"), max_length=20, error_messages={"required": _("请填写身份证号码")}
    )

    field_order = ("real_name", "id_number", "phone", "sms_code", "username", "password", "password_confirm")

    def clean_id_number(self) -> str:
        return validate_resident_id(self.cleaned_data["id_number"])


class LegalRegisterForm(_CitizenRegisterForm):
    organization_name = forms.CharField(
        label=_("单位名称"), max_length=120, error_messages={"required": _("请填写单位名称")}
    )
    uscc = forms.CharField(
        label=_("统一社会信用代码"), max_length=20, error_messages={"required": _("请填写统一社会信用代码")}
    )
    legal_representative = forms.CharField(
        label=_("法定代表人"), max_length=50, error_messages={"required": _("请填写法定代表人")}
    )
    real_name = forms.CharField(
        label=_("经办人姓名"), max_length=50, error_messages={"required": _("请填写经办人姓名")}
    )
    id_number = forms.CharField(label=_("经办人身份证号码（选填）"), max_length=20, required=False)

    field_order = (
        "organization_name",
        "uscc",
        "legal_representative",
        "real_name",
        "id_number",
        "phone",
        "sms_code",
        "username",
        "password",
        "password_confirm",
    )

    def clean_uscc(self) -> str:
        return validate_uscc(self.cleaned_data["uscc"])

    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"]
        return validate_resident_id(value) if value.strip() else ""


class CitizenLoginForm(ServiceForm):
    identifier = forms.CharField(
        label=_("用户名或手机号码"),
        max_length=150,
        error_messages={"required": _("请输入用户名或手机号码")},
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(label=_("密码"), error_messages={"required": _("请输入密码")}, widget=PasswordInput())
    sms_code = _sms_code_field()


class StaffLoginForm(ServiceForm):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        error_messages={"required": _("请输入用户名")},
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(label=_("密码"), error_messages={"required": _("请输入密码")}, widget=PasswordInput())


class TotpForm(ServiceForm):
    code = forms.CharField(
        label=_("动态口令"),
        max_length=6,
        min_length=6,
        error_messages={"required": _("请输入动态口令"), "min_length": _("动态口令为6位数字")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class PasswordChangeForm(ServiceForm):
    old_password = forms.CharField(
        label=_("原密码"), error_messages={"required": _("请输入原密码")}, widget=PasswordInput()
    )
    new_password = forms.CharField(
        label=_("新密码"),
        error_messages={"required": _("请输入新密码")},
        widget=PasswordInput("new-password"),
        help_text=_("至少8位，须包含大写字母、小写字母、数字、符号中的至少三类，且不能与最近5次使用过的密码相同"),
    )
    new_password_confirm = forms.CharField(
        label=_("确认新密码"), error_messages={"required": _("请再次输入新密码")}, widget=PasswordInput("new-password")
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        new, confirm = data.get("new_password"), data.get("new_password_confirm")
        if new and confirm and new != confirm:
            self.add_error("new_password_confirm", _("两次输入的新密码不一致"))
        return data


class PreferencesForm(ServiceForm):
    elder_mode = forms.BooleanField(label=_("长辈模式（大字号、高对比度）"), required=False)
    preferred_language = forms.ChoiceField(
        label=_("界面语言"), required=False, choices=[("", _("跟随浏览器")), *settings.LANGUAGES]
    )
