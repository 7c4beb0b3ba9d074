"""Pages of the results app.

Public: the verification page (no sign-in, rate limited per IP), the applicant's results and delivery choice.
Office: the overview (待送达, recent certificates) and a case's results with revocation and delivery steps.
Views stay thin: reads through ``selectors``, every change through one ``services`` function; typed errors
become Chinese messages next to the form (what was typed is kept).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from egov.domain.results import selectors, services
from egov.domain.results.forms import DeliveryChoiceForm, DeliveryUpdateForm, RevokeForm
from egov.domain.results.models import Certificate, CertificateStatus, Delivery, DeliveryStatus
from egov.domain.results.throttle import RateLimited, check_verify_rate
from egov.kernel.access.policy import AccessDenied, has_perm, record_denial
from egov.kernel.accounts.models import User
from egov.kernel.errors import NotFound, Rejected
from egov.kernel.workflow.models import Case
from egov.kernel.workflow.selectors import case_for_user

HANDLE = "workflow.handle"
View = Callable[..., HttpResponseBase]


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _add_error(form: forms.Form, exc: Rejected) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


# --- public verification ------------------------------------------------------------------------------


def _no_store(response: HttpResponse) -> HttpResponse:
    # A revocation must show at once, and verification pages are nobody's search result.
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """/verify/<code>/ — genuine and valid, revoked (when, why), expired, or "可能为伪造"; never a 500."""
    try:
        check_verify_rate(request)
    except RateLimited as exc:
        return _no_store(render(request, "results/verify.html", {"limited": exc.message}, status=exc.status))
    result = selectors.verify_certificate(code)
    status = 200 if result.genuine else 404
    return _no_store(render(request, "results/verify.html", {"result": result}, status=status))


@require_GET
def verify_form(request: HttpRequest) -> HttpResponse:
    """/verify/ — type the code printed under the QR code."""
    raw = request.GET.get("code", "")
    if raw.strip():
        code = selectors.normalize_code(raw)
        if code:
            return redirect("results:verify", code=code)
        return _no_store(
            render(
                request,
                "results/verify.html",
                {"form_error": _("核验码应为16位以上的字母和数字（不含0、1、8、9）"), "typed": raw[:80]},
                status=400,
            )
        )
    return _no_store(render(request, "results/verify.html", {}))


# --- the applicant ------------------------------------------------------------------------------------


def _own_case(request: HttpRequest, number: str) -> Case:
    """The signed-in applicant's own case; anyone else gets "not found" (numbers reveal nothing)."""
    case = Case.objects.select_related("org_unit").filter(number=number, applicant_id=request.user.pk).first()
    if case is None:
        raise Http404(_("办件不存在"))
    return case


@login_required
@require_GET
def my_results(request: HttpRequest, number: str) -> HttpResponse:
    case = _own_case(request, number)
    delivery = selectors.delivery_for_case(case)
    context = {
        "case": case,
        "notices": selectors.notices_for_case(case),
        "certificates": selectors.certificates_for_case(case),
        "delivery": delivery,
        "history": selectors.delivery_history(delivery) if delivery else [],
    }
    return render(request, "results/my_results.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def delivery_choose(request: HttpRequest, number: str) -> HttpResponse:
    """/my/cases/<number>/delivery/ — choose 电子送达, 窗口自取 or 邮寄送达 (changeable until it is prepared)."""
    case = _own_case(request, number)
    delivery = selectors.delivery_for_case(case)
    initial = {"method": delivery.method, "address": delivery.address, "phone": delivery.phone} if delivery else {}
    form = DeliveryChoiceForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.delivery_choose(
                    actor=_user(request),
                    case=case,
                    method=data["method"],
                    address=data["address"],
                    phone=data["phone"],
                )
            except AccessDenied as exc:
                record_denial(exc)
                raise
            except Rejected as exc:
                _add_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("已保存送达方式"))
                return redirect("results:delivery", number=case.number)
    context = {
        "case": case,
        "form": form,
        "delivery": delivery,
        "editable": delivery is None or delivery.status == DeliveryStatus.CHOSEN,
        "history": selectors.delivery_history(delivery) if delivery else [],
        "address_masked": selectors.masked_address(delivery) if delivery else "",
    }
    return render(request, "results/delivery_choose.html", context, status=status)


# --- the office ---------------------------------------------------------------------------------------


def staff_only(view: View) -> View:
    @login_required(login_url="accounts:office_login")
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not _user(request).is_staff_member and not request.user.is_superuser:
            raise PermissionDenied(_("工作台仅供公职人员使用"))
        return view(request, *args, **kwargs)

    return wrapper


@staff_only
@require_GET
def office_index(request: HttpRequest) -> HttpResponse:
    """/office/results/ — 待送达 and recently issued certificates in the units where the person handles cases."""
    number = request.GET.get("number", "").strip()
    if number:
        return redirect("results:office_case", number=number[:32])
    user = _user(request)
    deliveries = selectors.pending_deliveries(user)
    context = {"deliveries": deliveries, "certificates": selectors.recent_certificates(user)}
    return render(request, "results/office_index.html", context)


def _visible_case(request: HttpRequest, number: str) -> Case:
    try:
        return case_for_user(_user(request), number)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _render_office_case(
    request: HttpRequest,
    case: Case,
    *,
    revoke_bound: tuple[int, RevokeForm] | None = None,
    delivery_form: DeliveryUpdateForm | None = None,
    revealed: tuple[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    may_handle = has_perm(user, HANDLE, case.org_unit)
    delivery = selectors.delivery_for_case(case)
    certificates = []
    for certificate in selectors.certificates_for_case(case):
        form = None
        if may_handle and certificate.status == CertificateStatus.VALID:
            form = revoke_bound[1] if revoke_bound and revoke_bound[0] == certificate.pk else None
            form = form or RevokeForm(prefix=f"c{certificate.pk}")
        certificates.append({"certificate": certificate, "revoke_form": form})
    if delivery is not None and may_handle and delivery_form is None:
        delivery_form = DeliveryUpdateForm(method=delivery.method, current=delivery.status, prefix="d")
    context = {
        "case": case,
        "may_handle": may_handle,
        "notices": selectors.notices_for_case(case),
        "certificates": certificates,
        "delivery": delivery,
        "address_masked": selectors.masked_address(delivery) if delivery else "",
        "phone_masked": _masked_phone(delivery),
        "history": selectors.delivery_history(delivery) if delivery else [],
        "revealed": revealed,
        "delivery_form": delivery_form if delivery_form is not None and delivery_form.status_choices else None,
    }
    return render(request, "results/office_case.html", context, status=status)


def _masked_phone(delivery: Delivery | None) -> str:
    from egov.kernel.identifiers import mask_mobile

    return mask_mobile(delivery.phone) if delivery and delivery.phone else ""


@staff_only
@require_GET
def office_case(request: HttpRequest, number: str) -> HttpResponse:
    return _render_office_case(request, _visible_case(request, number))


@staff_only
@require_POST
def certificate_revoke(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = _visible_case(request, number)
    certificate = Certificate.objects.select_related("org_unit").filter(pk=pk, case=case).first()
    if certificate is None:
        raise Http404(_("证照不存在"))
    form = RevokeForm(request.POST, prefix=f"c{certificate.pk}")
    if form.is_valid():
        try:
            services.certificate_revoke(
                actor=_user(request), certificate=certificate, reason=form.cleaned_data["reason"]
            )
        except AccessDenied as exc:
            record_denial(exc)
            raise
        except Rejected as exc:
            _add_error(form, exc)
            messages.error(request, exc.message)
            return _render_office_case(request, case, revoke_bound=(certificate.pk, form), status=exc.status)
        messages.success(request, _("已撤销证照 %(number)s") % {"number": certificate.number})
        return redirect("results:office_case", number=case.number)
    messages.error(request, _("请填写撤销原因"))
    return _render_office_case(request, case, revoke_bound=(certificate.pk, form), status=400)


@staff_only
@require_POST
def delivery_update(request: HttpRequest, number: str) -> HttpResponse:
    case = _visible_case(request, number)
    delivery = selectors.delivery_for_case(case)
    if delivery is None:
        raise Http404(_("申请人尚未选择送达方式"))
    form = DeliveryUpdateForm(request.POST, method=delivery.method, current=delivery.status, prefix="d")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.delivery_update(
                actor=_user(request),
                delivery=delivery,
                status=data["status"],
                tracking_no=data.get("tracking_no", ""),
                note=data["note"],
            )
        except AccessDenied as exc:
            record_denial(exc)
            raise
        except Rejected as exc:
            _add_error(form, exc)
            messages.error(request, exc.message)
            return _render_office_case(request, case, delivery_form=form, status=exc.status)
        messages.success(request, _("已更新送达状态"))
        return redirect("results:office_case", number=case.number)
    return _render_office_case(request, case, delivery_form=form, status=400)


@staff_only
@require_POST
def delivery_reveal(request: HttpRequest, number: str) -> HttpResponse:
    """Show the full postal address and phone once (audited) to the handler who mails the result."""
    case = _visible_case(request, number)
    delivery = selectors.delivery_for_case(case)
    if delivery is None:
        raise Http404(_("申请人尚未选择送达方式"))
    try:
        revealed = services.delivery_address_reveal(actor=_user(request), delivery=delivery)
    except AccessDenied as exc:
        record_denial(exc)
        raise
    return _render_office_case(request, case, revealed=revealed)
