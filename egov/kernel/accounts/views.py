"""Sign-in, registration and the profile page. Thin: forms parse, services decide, templates show.

Citizens sign in on the public page (password + SMS code), staff on the office page (password, then a TOTP
code). Both go through django.contrib.auth.authenticate(request, ...) so django-axes counts failures.
"""

from __future__ import annotations

import base64
import time
from typing import Any, cast

import segno
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from egov.kernel.accounts import selectors, services
from egov.kernel.accounts.forms import (
    CitizenLoginForm,
    LegalRegisterForm,
    PasswordChangeForm,
    PersonRegisterForm,
    PreferencesForm,
    StaffLoginForm,
    TotpForm,
)
from egov.kernel.accounts.models import User
from egov.kernel.accounts.passwords import password_expired
from egov.kernel.errors import Rejected

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
PENDING_KEY = "accounts_pending_staff"
PENDING_SECONDS = 5 * 60
PASSWORD_FIELDS = frozenset({"password", "password_confirm", "old_password", "new_password", "new_password_confirm"})


def lockout_message() -> str:
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    return _("登录失败次数过多，账户已锁定%(minutes)d分钟，请稍后再试或联系安全管理员") % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """django-axes calls this when an account is locked: JSON for the APIs, a Chinese page otherwise."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": "locked_out", "message": lockout_message()}}, status=429)
    office = request.path.startswith("/office/")
    context = {
        "message": lockout_message(),
        "base_template": "web/office_base.html" if office else "web/public_base.html",
        "login_url": reverse("accounts:office_login" if office else "accounts:login"),
    }
    return render(request, "accounts/locked_out.html", context, status=429)


def _kept(request: HttpRequest) -> dict[str, Any]:
    """What the person typed, minus passwords, to fill the form again."""
    return {key: value for key, value in request.POST.items() if key not in PASSWORD_FIELDS}


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _start_session(request: HttpRequest, user: User) -> None:
    """Open the session (the audit app records the sign-in from Django's signal) and clear failures."""
    login(request, user, backend=MODEL_BACKEND)
    request.session["signed_in_at"] = time.time()
    request.session["last_seen"] = time.time()
    axes_reset(username=user.username)


def _me(request: HttpRequest) -> User:
    """The signed-in person (views using this are behind login_required)."""
    return cast(User, request.user)


def _idle_notice(request: HttpRequest) -> None:
    if request.session.pop("expired_notice", False):
        messages.info(request, _("由于长时间未操作，您已安全退出，请重新登录"))


# --- citizens -----------------------------------------------------------------------------------


def _login_page(
    request: HttpRequest, form: CitizenLoginForm, *, sms_status: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "accounts/login.html",
        {"form": form, "sms_status": sms_status, "next": _safe_next(request, "")},
        status=status,
    )


@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    _idle_notice(request)
    if request.method != "POST":
        return _login_page(request, CitizenLoginForm())
    form = CitizenLoginForm(request.POST)
    if not form.is_valid():
        return _login_page(request, form, status=400)
    data = form.cleaned_data
    account = selectors.citizen_by_identifier(data["identifier"])
    username = account.username if account else data["identifier"]
    user = authenticate(request, username=username, password=data["password"])
    if user is None:
        form.add_error(None, _("用户名/手机号码或密码不正确"))
        return _login_page(request, form, status=400)
    if user.is_staff_member:
        form.add_error(None, _("请使用政务人员登录入口"))
        return _login_page(request, form, status=400)
    try:
        services.sms_code_verify(phone=user.phone, purpose="login", code=data["sms_code"])
    except Rejected as exc:
        form.add_rejection(exc)
        return _login_page(request, form, status=400)
    _start_session(request, user)
    return redirect(_safe_next(request, reverse("accounts:profile")))


def _register_page(
    request: HttpRequest,
    kind: str,
    form: PersonRegisterForm | LegalRegisterForm,
    *,
    sms_status: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request, "accounts/register.html", {"form": form, "kind": kind, "sms_status": sms_status}, status=status
    )


def _register_kind(request: HttpRequest) -> str:
    return "legal" if (request.POST.get("kind") or request.GET.get("kind")) == "legal" else "person"


@never_cache
def register_view(request: HttpRequest) -> HttpResponse:
    kind = _register_kind(request)
    form_class = LegalRegisterForm if kind == "legal" else PersonRegisterForm
    if request.method != "POST":
        return _register_page(request, kind, form_class())
    form = form_class(request.POST)
    if not form.is_valid():
        return _register_page(request, kind, form, status=400)
    data = {key: value for key, value in form.cleaned_data.items() if key != "password_confirm"}
    try:
        user = services.legal_register(**data) if kind == "legal" else services.person_register(**data)
    except Rejected as exc:
        form.add_rejection(exc)
        return _register_page(request, kind, form, status=400)
    _start_session(request, user)
    messages.success(request, _("注册成功，欢迎使用兴安盟政务服务"))
    return redirect("accounts:profile")


@require_POST
def sms_code_view(request: HttpRequest) -> HttpResponse:
    """The 获取验证码 button. With htmx it answers with a status line; without JS it re-renders the page
    it came from with everything typed kept (passwords excepted)."""
    page = request.POST.get("page", "login")
    status = 200
    if page == "login":
        account = selectors.citizen_by_identifier(request.POST.get("identifier", ""))
        # Same answer whether or not the account exists, so the button cannot be used to probe accounts.
        sent = _("如账户存在，验证码已发送至其绑定的手机号码，5分钟内有效")
        phone = account.phone if account and not account.is_staff_member else ""
        purpose = "login"
    else:
        sent = _("验证码已发送，5分钟内有效")
        phone = request.POST.get("phone", "")
        purpose = "register"
    error = ""
    if page == "login" and not request.POST.get("identifier", "").strip():
        error = _("请先输入用户名或手机号码")
    elif page != "login" or phone:
        try:
            services.sms_code_send(phone=phone, purpose=purpose)
        except Rejected as exc:
            error, status = exc.message, 400
    message = error or sent
    if request.headers.get("HX-Request"):
        return render(request, "accounts/includes/sms_status.html", {"sms_status": message, "sms_error": bool(error)})
    if page == "login":
        return _login_page(request, CitizenLoginForm(initial=_kept(request)), sms_status=message, status=status)
    kind = _register_kind(request)
    form_class = LegalRegisterForm if kind == "legal" else PersonRegisterForm
    return _register_page(request, kind, form_class(initial=_kept(request)), sms_status=message, status=status)


def _login_url(*, staff: bool) -> str:
    """The sign-in page for the person; a single-zone process only has one of them."""
    names = ["accounts:office_login", "accounts:login"] if staff else ["accounts:login", "accounts:office_login"]
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return "/"


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    staff = request.user.is_authenticated and request.user.is_staff_member
    logout(request)
    messages.info(request, _("您已安全退出"))
    return redirect(_login_url(staff=staff))


@never_cache
@login_required
def profile_view(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    preferences = PreferencesForm(
        initial={"elder_mode": user.elder_mode, "preferred_language": user.preferred_language}
    )
    return render(request, "accounts/profile.html", {"account": user, "preferences_form": preferences})


@require_POST
@login_required
def preferences_view(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST)
    if form.is_valid():
        try:
            services.preferences_update(actor=_me(request), **form.cleaned_data)
        except Rejected as exc:
            form.add_rejection(exc)
    if form.errors:
        return render(request, "accounts/profile.html", {"account": request.user, "preferences_form": form}, status=400)
    messages.success(request, _("偏好设置已保存"))
    return redirect("accounts:profile")


def _sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    staff = _me(request).is_staff_member
    services.sign_out_everywhere(actor=_me(request))
    logout(request)
    messages.info(request, _("已退出所有设备上的登录"))
    return redirect(_login_url(staff=staff))


@require_POST
@login_required
def sign_out_everywhere_view(request: HttpRequest) -> HttpResponse:
    return _sign_out_everywhere(request)


@require_POST
@login_required(login_url="accounts:office_login")
def office_sign_out_everywhere_view(request: HttpRequest) -> HttpResponse:
    return _sign_out_everywhere(request)


def _password_change(request: HttpRequest, *, template: str, done_url: str) -> HttpResponse:
    if request.method != "POST":
        return render(request, template, {"form": PasswordChangeForm()})
    form = PasswordChangeForm(request.POST)
    if form.is_valid():
        try:
            services.password_change(
                actor=_me(request),
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except Rejected as exc:
            form.add_rejection(exc)
    if form.errors:
        return render(request, template, {"form": form}, status=400)
    update_session_auth_hash(request, _me(request))
    messages.success(request, _("密码已修改"))
    return redirect(done_url)


@never_cache
@login_required
def password_view(request: HttpRequest) -> HttpResponse:
    return _password_change(request, template="accounts/password.html", done_url=reverse("accounts:profile"))


@never_cache
@login_required(login_url="accounts:office_login")
def office_password_view(request: HttpRequest) -> HttpResponse:
    return _password_change(request, template="accounts/office_password.html", done_url=reverse("web:office_home"))


# --- staff --------------------------------------------------------------------------------------


def _office_login_page(request: HttpRequest, form: StaffLoginForm, *, status: int = 200) -> HttpResponse:
    return render(request, "accounts/office_login.html", {"form": form, "next": _safe_next(request, "")}, status=status)


@never_cache
def office_login_view(request: HttpRequest) -> HttpResponse:
    """Step 1: user name and password. The session is opened only after the TOTP step."""
    _idle_notice(request)
    if request.method != "POST":
        return _office_login_page(request, StaffLoginForm())
    form = StaffLoginForm(request.POST)
    if not form.is_valid():
        return _office_login_page(request, form, status=400)
    user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
    if user is None:
        form.add_error(None, _("用户名或密码不正确"))
        return _office_login_page(request, form, status=400)
    if not user.is_staff_member:
        form.add_error(None, _("该入口仅供公职人员使用"))
        return _office_login_page(request, form, status=400)
    request.session.cycle_key()
    request.session[PENDING_KEY] = {"user_id": user.pk, "at": time.time(), "next": _safe_next(request, "")}
    if selectors.confirmed_totp_devices(user):
        return redirect("accounts:office_verify")
    return redirect("accounts:office_enroll")


def _pending_staff(request: HttpRequest) -> User | None:
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    return User.objects.filter(pk=pending["user_id"], is_active=True).first()


def _finish_staff_login(request: HttpRequest, user: User, device: Any) -> HttpResponseRedirect:
    target = request.session.pop(PENDING_KEY, {}).get("next") or reverse("web:office_home")
    _start_session(request, user)
    otp_login(request, device)
    if password_expired(user):
        messages.warning(
            request,
            _("您的密码已超过%(days)d天未修改，请先修改密码") % {"days": settings.PASSWORD_MAX_AGE_DAYS},
        )
        return redirect("accounts:office_password")
    return redirect(target)


def _restart_login(request: HttpRequest) -> HttpResponseRedirect:
    messages.error(request, _("登录已超时，请重新输入用户名和密码"))
    return redirect("accounts:office_login")


@never_cache
def office_verify_view(request: HttpRequest) -> HttpResponse:
    """Step 2: the six-digit code from the authenticator app."""
    user = _pending_staff(request)
    if user is None:
        return _restart_login(request)
    devices = selectors.confirmed_totp_devices(user)
    if not devices:
        return redirect("accounts:office_enroll")
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = next((d for d in devices if services.totp_code_matches(d, form.cleaned_data["code"])), None)
        if device is not None:
            return _finish_staff_login(request, user, device)
        form.add_error("code", _("动态口令不正确或已使用，请等待下一个口令后重试"))
    return render(request, "accounts/office_verify.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
def office_enroll_view(request: HttpRequest) -> HttpResponse:
    """First sign-in of a staff member without an authenticator: scan the QR code, confirm with a code."""
    user = _pending_staff(request)
    if user is None:
        return _restart_login(request)
    if selectors.confirmed_totp_devices(user):
        return redirect("accounts:office_verify")
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.totp_enroll_confirm(actor=user, code=form.cleaned_data["code"])
        except Rejected as exc:
            form.add_rejection(exc)
        else:
            messages.success(request, _("动态口令绑定成功"))
            return _finish_staff_login(request, user, device)
    device = services.totp_enroll_start(actor=user)
    context = {
        "form": form,
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#1f2937"),
        "secret": base64.b32encode(device.bin_key).decode(),
    }
    return render(request, "accounts/office_enroll.html", context, status=400 if form.errors else 200)


@require_POST
@never_cache
@login_required(login_url="accounts:office_login")
def reveal_view(request: HttpRequest, user_id: int, field: str) -> HttpResponse:
    """Show one person's full ID or phone number to staff allowed to see it (the service audits every reveal;
    a refusal is a 403 page and an audit entry). With htmx the masked value is swapped in place."""
    subject = User.objects.filter(pk=user_id).first()
    if subject is None or not _me(request).is_staff_member:
        return render(request, "web/404.html", {"base_template": "web/office_base.html"}, status=404)
    try:
        value = services.reveal_personal_data(actor=_me(request), user=subject, field=field)
    except Rejected as exc:
        refusal = {"base_template": "web/office_base.html", "message": exc.message}
        return render(request, "web/404.html", refusal, status=404)
    context = {
        "subject": subject,
        "field": field,
        "value": value,
        "next": _safe_next(request, reverse("web:office_home")),
    }
    if request.headers.get("HX-Request"):
        return render(request, "accounts/includes/revealed_value.html", context)
    return render(request, "accounts/reveal.html", context)
