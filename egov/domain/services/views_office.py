"""Office pages of the implementing unit: the applications to accept, and one application with the actions
of its current step (受理 / 不予受理 / 补正, joint review, decision)."""

from __future__ import annotations

from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from egov.domain.services import answers as ans
from egov.domain.services import handling, integration, selectors
from egov.domain.services.models import AWAITING_ACCEPTANCE, Application, ApplicationStatus
from egov.domain.services.views_apply import answer_sections
from egov.kernel.access.policy import AccessDenied, has_perm, record_denial
from egov.kernel.accounts.models import User
from egov.kernel.errors import NotFound, Rejected
from egov.kernel.workflow.models import ACTIVE_ITEM_STATUSES, WorkItem
from egov.kernel.workflow.services import in_queue


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def staff_only(view: Any) -> Any:
    @login_required(login_url="accounts:office_login")
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not _user(request).is_staff_member and not request.user.is_superuser:
            raise PermissionDenied("办件受理仅供公职人员使用")
        return cast(HttpResponseBase, view(request, *args, **kwargs))

    return wrapper


@staff_only
def office_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in ApplicationStatus.values:
        status = ""
    q = request.GET.get("q", "").strip()[:40]
    rows = selectors.office_applications(_user(request), status=status, q=q)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "services/office/list.html",
        {
            "page": page,
            "status": status,
            "q": q,
            "statuses": [(value, label) for value, label in ApplicationStatus.choices if value != "draft"],
        },
    )


def _can_do(user: User, item: WorkItem) -> bool:
    if not has_perm(user, "workflow.handle", item.org_unit):
        return False
    if item.assignee_id is not None:
        return bool(item.assignee_id == user.pk)
    return item.queue_org_unit is not None and in_queue(user, item.queue_org_unit, item.queue_role)


def _context(user: User, application: Application) -> dict[str, Any]:
    open_items = list(
        WorkItem.objects.filter(case=application.case, status__in=ACTIVE_ITEM_STATUSES).select_related(
            "org_unit", "assignee"
        )
    )
    done_items = list(
        WorkItem.objects.filter(case=application.case)
        .exclude(status__in=ACTIVE_ITEM_STATUSES)
        .select_related("org_unit", "completed_by")
        .order_by("completed_at")
    )
    accept_item = next((i for i in open_items if i.step == handling.ACCEPT_STEP), None)
    decide_item = next((i for i in open_items if i.step == handling.DECIDE_STEP), None)
    review_items = [
        i for i in open_items if i.step not in (handling.ACCEPT_STEP, handling.DECIDE_STEP) and _can_do(user, i)
    ]
    fields = [
        {"name": spec["name"], "label": spec["label"]} for spec in ans.all_fields(application.version.form_definition)
    ]
    assert application.case is not None
    return {
        "application": application,
        "item": application.item,
        "case": application.case,
        "sections": answer_sections(application, mask_ids=True),
        "uploads": list(application.uploads.select_related("material", "file").order_by("material__position", "pk")),
        "materials": list(application.version.materials.all()),
        "fields": fields,
        "open_items": open_items,
        "done_items": done_items,
        "can_accept": bool(
            accept_item
            and application.status in AWAITING_ACCEPTANCE
            and has_perm(user, "services.accept", application.org_unit)
            and _can_do(user, accept_item)
        ),
        "review_items": review_items if application.status == ApplicationStatus.ACCEPTED else [],
        "can_decide": bool(
            decide_item and application.status == ApplicationStatus.ACCEPTED and _can_do(user, decide_item)
        ),
        "documents": integration.case_documents(application.case),
        "events": list(application.events.all()),
    }


def _act(request: HttpRequest, application: Application) -> None:
    user = _user(request)
    action = request.POST.get("action", "")
    post = request.POST
    if action == "accept":
        handling.application_accept(actor=user, application=application, opinion=post.get("opinion", ""))
        messages.success(request, "已受理，受理通知书已生成")
    elif action == "reject":
        handling.application_reject(actor=user, application=application, reasons=post.get("reasons", ""))
        messages.success(request, "已作出不予受理决定，决定书已生成")
    elif action == "correct":
        material_ids = [int(v) for v in post.getlist("materials") if v.isdigit()]
        field_names = [v for v in post.getlist("fields") if v]
        notes = {key: post[key] for key in post if key.startswith(("material_", "field_"))}
        handling.application_request_correction(
            actor=user,
            application=application,
            material_ids=material_ids,
            field_names=field_names,
            notes=notes,
            other=post.get("other", ""),
        )
        messages.success(request, "补正告知书已生成，办件已暂停计时")
    elif action == "review":
        item_id = post.get("item", "")
        item = (
            WorkItem.objects.filter(pk=int(item_id), case=application.case).select_related("org_unit").first()
            if item_id.isdigit()
            else None
        )
        if item is None:
            raise Rejected("step_invalid", "该审查环节不存在，请刷新后重试")
        handling.application_review(
            actor=user,
            application=application,
            item=item,
            agree=post.get("agree") == "yes",
            opinion=post.get("opinion", ""),
        )
        messages.success(request, f"“{item.title}”已办理")
    elif action == "decide":
        handling.application_decide(
            actor=user,
            application=application,
            approve=post.get("approve") == "yes",
            reason=post.get("reason", ""),
            legal_basis=post.get("legal_basis", ""),
        )
        messages.success(request, "决定已作出，决定书已生成")
    else:
        raise Rejected("action_unknown", "请选择要执行的操作")


@staff_only
@require_http_methods(["GET", "POST"])
def office_detail(request: HttpRequest, pk: Any) -> HttpResponseBase:
    try:
        application = selectors.office_application(_user(request), pk)
    except NotFound as exc:
        raise Http404(exc.message) from None
    error = ""
    if request.method == "POST":
        try:
            _act(request, application)
        except AccessDenied as exc:
            record_denial(exc)
            raise
        except Rejected as exc:
            error = exc.message
        else:
            return redirect("services:office_detail", pk=application.pk)
    context = _context(_user(request), application)
    context.update({"error": error, "posted": request.POST if error else {}})
    return render(request, "services/office/detail.html", context, status=400 if error else 200)
