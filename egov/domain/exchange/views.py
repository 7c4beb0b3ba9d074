"""Office pages of the sharing subsystem and the exchange API entry points. Thin: parse, call, render."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from egov.domain.exchange import gateway, selectors, services
from egov.domain.exchange.evidence import evidence_document
from egov.domain.exchange.models import CorrectionRequest, Grant, ShareMethod
from egov.kernel.access.policy import AccessDenied, has_perm, units_with_perm
from egov.kernel.errors import Rejected
from egov.kernel.workflow.models import Light


@csrf_exempt  # machine-to-machine, credential in the Authorization header, no cookies; GET only anyway
def api_resources(request: HttpRequest) -> HttpResponse:
    return gateway.handle(request, None)


@csrf_exempt
def api_rows(request: HttpRequest, reference: str) -> HttpResponse:
    return gateway.handle(request, reference)


# --- office pages -------------------------------------------------------------------------------------


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def _require_any(user: Any, *perms: str) -> None:
    if not any(has_perm(user, perm) for perm in perms):
        raise AccessDenied(user=user, perm=perms[0])


def _dashboard(request: HttpRequest, *, error: Rejected | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    made = list(selectors.requests_made(user)[:50])
    received = list(selectors.requests_received(user)[:50])
    supervised = list(selectors.requests_supervised(user)[:50])
    today = timezone.localdate()
    for row in [*made, *received, *supervised]:
        row.light = selectors.request_light(row, today)  # type: ignore[attr-defined]
    grants_out = list(selectors.grants_of_provider(user)[:100])
    shown = {grant.pk for grant in grants_out}
    grants_supervised = [grant for grant in selectors.grants_supervised(user)[:100] if grant.pk not in shown]
    context = {
        "made": made,
        "received": received,
        "supervised": supervised,
        "extensions": list(selectors.pending_extensions(user)),
        "grants_in": [grant for grant in selectors.grants_of_consumer(user)[:100] if grant.pk not in shown],
        "grants_out": grants_out,
        "grants_supervised": grants_supervised,
        # the provider and the data authority may revoke (grant_revoke checks it again)
        "revocable": shown | {grant.pk for grant in grants_supervised},
        "corrections_in": list(selectors.corrections_received(user)[:50]),
        "corrections_out": list(selectors.corrections_filed(user)[:50]),
        "error": error,
        "form": request.POST if error else {},
    }
    return render(request, "exchange/dashboard.html", context, status=status)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """共享交换工作台: what the user asked for, what was asked of them, what they supervise."""
    _require_any(request.user, "data.request", "data.manage", "data.review")
    return _dashboard(request)


@login_required
@require_POST
def correction_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """答复数据纠错 (the provider unit, ``data.manage``); anyone else is refused by the service (403)."""
    correction = get_object_or_404(CorrectionRequest, pk=pk)
    try:
        services.correction_answer(
            actor=request.user,  # type: ignore[arg-type]
            correction=correction,
            answer=request.POST.get("answer", ""),
            corrected=request.POST.get("corrected") == "1",
        )
    except Rejected as exc:
        return _dashboard(request, error=exc, status=400)
    messages.success(request, _("已答复数据纠错"))
    return redirect("exchange:dashboard")


@login_required
@require_POST
def grant_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """撤销授权 with a reason (the provider unit or the data authority); others are refused (403)."""
    grant = get_object_or_404(Grant, pk=pk)
    try:
        services.grant_revoke(actor=request.user, grant=grant, reason=request.POST.get("reason", ""))  # type: ignore[arg-type]
    except Rejected as exc:
        return _dashboard(request, error=exc, status=400)
    messages.success(request, _("已撤销授权，该单位此后的调用将被拒绝"))
    return redirect("exchange:dashboard")


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    """共享申请 form for one catalogue entry (``?entry=<code>``)."""
    from egov.domain.data.models import CatalogEntry

    _require_any(request.user, "data.request")
    code = request.GET.get("entry") or request.POST.get("entry", "")
    entry = CatalogEntry.objects.filter(code=code).select_related("provider").first()
    if entry is None:
        raise Http404
    units = list(units_with_perm(request.user, "data.request"))
    error: Rejected | None = None
    if request.method == "POST":
        unit = next((u for u in units if str(u.pk) == request.POST.get("consumer")), units[0] if units else None)
        try:
            if unit is None:
                raise Rejected("consumer_required", _("请选择申请单位"), field="consumer")
            created = services.sharing_request_submit(
                actor=request.user,  # type: ignore[arg-type]
                entry=entry,
                consumer=unit,
                basis=request.POST.get("basis", ""),
                scenario=request.POST.get("scenario", ""),
                scope=request.POST.get("scope", ""),
                method=request.POST.get("method", ""),
                use_until=_date(request.POST.get("use_until", "")),
                items=request.POST.getlist("items"),
            )
        except Rejected as exc:
            error = exc
        else:
            messages.success(
                request, _("已提交共享申请 %(n)s，答复期限 %(d)s") % {"n": created.number, "d": created.answer_due_on}
            )
            return redirect("exchange:request_detail", number=created.number)
    context = {
        "entry": entry,
        "items": list(entry.items.order_by("position").values_list("name", flat=True)),
        "units": units,
        "methods": ShareMethod.choices,
        "error": error,
        "form": request.POST,
        "chosen": request.POST.getlist("items"),
    }
    return render(request, "exchange/request_form.html", context, status=400 if error else 200)


_ACTIONS = {
    "approve",
    "refuse",
    "correction",
    "correct",
    "extension_ask",
    "extension_approve",
    "extension_reject",
    "deliver",
    "withdraw",
}


def _act(request: HttpRequest, sharing: Any, action: str) -> str:
    post = request.POST
    actor: Any = request.user
    version = int(post["version"]) if post.get("version", "").isdigit() else None
    if action == "approve":
        row_filter = {}
        if post.get("filter_column") and post.get("filter_values"):
            row_filter[post["filter_column"]] = [
                v for v in post["filter_values"].replace("，", ",").split(",") if v.strip()
            ]
        services.sharing_request_approve(
            actor=actor,
            request=sharing,
            columns=post.getlist("columns") or None,
            row_filter=row_filter,
            valid_until=_date(post.get("valid_until", "")),
            note=post.get("note", ""),
            expected_version=version,
        )
        return _("已同意共享并生成授权")
    if action == "refuse":
        services.sharing_request_refuse(
            actor=actor, request=sharing, reason=post.get("reason", ""), expected_version=version
        )
        return _("已答复不予共享")
    if action == "correction":
        services.sharing_request_ask_correction(
            actor=actor, request=sharing, note=post.get("note", ""), expected_version=version
        )
        return _("已一次性告知补正内容，答复计时暂停")
    if action == "correct":
        services.sharing_request_correct(
            actor=actor,
            request=sharing,
            basis=post.get("basis", ""),
            scenario=post.get("scenario", ""),
            scope=post.get("scope", ""),
            use_until=_date(post.get("use_until", "")),
            items=post.getlist("items"),
            expected_version=version,
        )
        return _("已补正并重新提交")
    if action == "extension_ask":
        days = int(post["days"]) if post.get("days", "").isdigit() else 0
        services.sharing_request_extension_ask(actor=actor, request=sharing, days=days, reason=post.get("reason", ""))
        return _("已申请延期，待数据主管部门批准")
    if action in {"extension_approve", "extension_reject"}:
        services.sharing_request_extension_decide(actor=actor, request=sharing, approve=action == "extension_approve")
        return _("已处理延期申请")
    if action == "deliver":
        services.sharing_request_deliver(actor=actor, request=sharing, note=post.get("note", ""))
        return _("已登记交付")
    services.sharing_request_withdraw(actor=actor, request=sharing)
    return _("已撤回申请")


@login_required
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, number: str) -> HttpResponse:
    sharing = selectors.visible_request(request.user, number)
    if sharing is None:
        raise Http404
    error: Rejected | None = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action not in _ACTIONS:
                raise Rejected("action_unknown", _("不支持的操作"))
            message = _act(request, sharing, action)
        except Rejected as exc:
            error = exc
        else:
            messages.success(request, message)
            return redirect("exchange:request_detail", number=number)
    user = request.user
    context = {
        "sharing": sharing,
        "light": (light := selectors.request_light(sharing)),
        "light_label": Light(light).label if light in Light.values else "",
        "is_provider": has_perm(user, "data.manage", sharing.provider),
        "is_requester": has_perm(user, "data.request", sharing.consumer),
        "is_authority": has_perm(user, "data.review", sharing.provider),
        "entry_items": list(sharing.entry.items.order_by("position").values_list("name", flat=True)),
        "error": error,
        "form": request.POST,
    }
    return render(request, "exchange/request_detail.html", context, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def applications(request: HttpRequest) -> HttpResponse:
    """接入应用: register calling systems; a new or rotated secret is shown on this response only."""
    _require_any(request.user, "data.manage")
    units = list(units_with_perm(request.user, "data.manage"))
    error: Rejected | None = None
    secret: tuple[Any, str] | None = None
    if request.method == "POST":
        action = request.POST.get("action", "create")
        try:
            if action == "create":
                unit = next((u for u in units if str(u.pk) == request.POST.get("consumer")), None)
                if unit is None:
                    raise Rejected("consumer_required", _("请选择所属单位"), field="consumer")
                limit_text = request.POST.get("rate_limit", "600")
                app, plain = services.application_create(
                    actor=request.user,  # type: ignore[arg-type]
                    consumer=unit,
                    name=request.POST.get("name", ""),
                    rate_limit=int(limit_text) if limit_text.isdigit() else 0,
                )
                secret = (app, plain)
            else:
                found = selectors.applications(request.user).filter(pk=request.POST.get("application") or 0).first()
                if found is None:
                    raise Http404
                app = found
                if action == "rotate":
                    secret = (app, services.application_rotate_secret(actor=request.user, application=app))  # type: ignore[arg-type]
                else:
                    services.application_set_active(actor=request.user, application=app, active=action == "enable")  # type: ignore[arg-type]
                    return redirect("exchange:applications")
        except Rejected as exc:
            error = exc
    context = {
        "applications": list(selectors.applications(request.user)),
        "units": units,
        "error": error,
        "secret": secret,
        "form": request.POST if error else {},
    }
    return render(request, "exchange/applications.html", context, status=400 if error else 200)


@login_required
@require_GET
def usage(request: HttpRequest) -> HttpResponse:
    """Providers see who uses their data, how often and for which purposes (last ``days`` days)."""
    _require_any(request.user, "data.manage")
    days_text = request.GET.get("days", "30")
    days = int(days_text) if days_text.isdigit() and 1 <= int(days_text) <= 1100 else 30
    since = timezone.now() - dt.timedelta(days=days)
    context = {
        "days": days,
        "usage": selectors.provider_usage(request.user, since=since),
        "issues": selectors.provider_issues(request.user, since=since),
    }
    return render(request, "exchange/usage.html", context)


@login_required
@require_GET
def evidence(request: HttpRequest, call_id: str) -> HttpResponse:
    """Download the evidence of one call (consumer or provider unit, or the data authority)."""
    entry = selectors.log_entries_visible(request.user).filter(call_id=call_id).first()
    if entry is None:
        raise Http404
    response = HttpResponse(
        json.dumps(evidence_document(entry), ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="evidence-{call_id}.json"'
    return response
