from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect, requires_csrf_token
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from egov.kernel.accounts.models import User
from egov.kernel.accounts.services import preferences_update
from egov.web.health import check_dependencies
from egov.web.navigation import office_nav
from egov.web.preferences import (
    CONTRAST_COOKIE,
    ELDER_COOKIE,
    FONT_COOKIE,
    FONT_STEPS,
    DisplayPreferences,
    read_preferences,
    set_preference_cookie,
)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and dependency state for load balancers: 503 when a dependency is down."""
    checks = check_dependencies()
    healthy = all(value in {"ok", "not configured"} for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Placeholder public home page until the Wagtail portal serves the site root."""
    return render(request, "web/home.html")


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.headers.get("referer") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


def _switch(request: HttpRequest, current: bool) -> bool | None:
    """The wanted state: an explicit value=1/0 (idempotent, what the forms send) or the opposite of now."""
    value = request.POST.get("value", "")
    if value == "":
        return not current
    if value in {"0", "1"}:
        return value == "1"
    return None


def _preference_response(request: HttpRequest, preferences: DisplayPreferences) -> HttpResponse:
    if "application/json" in request.headers.get("accept", ""):
        return JsonResponse(
            {
                "elder": preferences.elder,
                "contrast": preferences.contrast,
                "font_step": preferences.font_step,
                "classes": preferences.html_classes,
            }
        )
    return redirect(_safe_next(request))


def _bad_preference(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"error": {"code": "invalid", "message": _("显示设置的取值不正确")}}, status=400)


def _remember_elder_mode(request: HttpRequest, enabled: bool) -> None:
    """A signed-in person keeps elder mode on every device (stored on the account through its service)."""
    user = request.user
    if not user.is_authenticated or user.elder_mode == enabled:
        return
    preferences_update(actor=user, elder_mode=enabled)


def csrf_only_when_signed_in(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """CSRF protection for signed-in visitors only, on views that for anonymous visitors merely set a display
    cookie (elder mode, contrast, font size, language). Anonymous pages then need no per-visitor token, so they
    can be cached by the application and by nginx. For a signed-in user these views also write the account's
    preferences, so the token is checked as usual."""
    protected = csrf_protect(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            return protected(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapper)


set_language = csrf_only_when_signed_in(django_set_language)


@csrf_only_when_signed_in
@require_POST
def prefs_elder(request: HttpRequest) -> HttpResponse:
    current = read_preferences(request)
    wanted = _switch(request, current.elder)
    if wanted is None:
        return _bad_preference(request)
    _remember_elder_mode(request, wanted)
    updated = DisplayPreferences(elder=wanted, contrast=current.contrast, font_step=current.font_step)
    response = _preference_response(request, updated)
    set_preference_cookie(response, ELDER_COOKIE, "1" if wanted else "0")
    return response


@csrf_only_when_signed_in
@require_POST
def prefs_contrast(request: HttpRequest) -> HttpResponse:
    current = read_preferences(request)
    wanted = _switch(request, current.contrast)
    if wanted is None:
        return _bad_preference(request)
    updated = DisplayPreferences(elder=current.elder, contrast=wanted, font_step=current.font_step)
    response = _preference_response(request, updated)
    set_preference_cookie(response, CONTRAST_COOKIE, "1" if wanted else "0")
    return response


@csrf_only_when_signed_in
@require_POST
def prefs_font(request: HttpRequest) -> HttpResponse:
    """A- / A / A+: ``change`` is -1, 0 (back to the standard size) or +1."""
    current = read_preferences(request)
    change = request.POST.get("change", "")
    if change not in {"-1", "0", "1"}:
        return _bad_preference(request)
    step = 0 if change == "0" else min(max(current.font_step + int(change), FONT_STEPS.start), FONT_STEPS.stop - 1)
    updated = DisplayPreferences(elder=current.elder, contrast=current.contrast, font_step=step)
    response = _preference_response(request, updated)
    set_preference_cookie(response, FONT_COOKIE, str(step))
    return response


@login_required(login_url="accounts:office_login")
@require_GET
def office_home(request: HttpRequest) -> HttpResponse:
    """The workbench: staff only, even in the demo process that serves both zones to one user table."""
    user = request.user
    if not isinstance(user, User) or not (user.is_staff_member or user.is_superuser):
        raise PermissionDenied(_("工作台仅供公职人员使用"))
    nav = office_nav(user, current_path=request.path)
    return render(
        request, "web/office_home.html", {"quick_links": [entry for entry in nav if entry["key"] != "workbench"]}
    )


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def _error_base_template(request: HttpRequest) -> str:
    """Office chrome on office pages (and in an office-only process, where the public pages do not exist)."""
    office_served = _url_exists("web:office_home")
    if office_served and (request.path.startswith("/office/") or not _url_exists("web:home")):
        return "web/office_base.html"
    return "web/public_base.html"


def _url_exists(name: str) -> bool:
    """Whether this process serves ``name`` (the zone decides which URL sets exist)."""
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


@requires_csrf_token
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a Chinese explanation instead of Django's English page."""
    message = _("页面已过期或请求来源无法验证，请刷新页面后重新提交。")
    if _wants_json(request):
        return JsonResponse({"error": {"code": "csrf_failed", "message": message}}, status=403)
    return render(request, "web/csrf_failure.html", {"message": message}, status=403)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponseBase:
    message = str(exception) if exception is not None and str(exception) else _("您没有访问此页面的权限。")
    if _wants_json(request):
        return JsonResponse({"error": {"code": "permission_denied", "message": message}}, status=403)
    return render(
        request, "web/403.html", {"message": message, "base_template": _error_base_template(request)}, status=403
    )


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponseBase:
    if _wants_json(request):
        return JsonResponse({"error": {"code": "not_found", "message": _("请求的资源不存在")}}, status=404)
    return render(request, "web/404.html", {"base_template": _error_base_template(request)}, status=404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponseBase:
    """Rendered without context processors: whatever failed (often the database) must not fail this page too."""
    if _wants_json(request):
        return JsonResponse({"error": {"code": "server_error", "message": _("服务器内部错误，请稍后重试")}}, status=500)
    from django.template import loader

    return HttpResponse(
        loader.get_template("web/500.html").render({"request_id": getattr(request, "request_id", "")}), status=500
    )
