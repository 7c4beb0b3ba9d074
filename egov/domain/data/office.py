"""Office pages of the information resource catalogue: units register and edit entries, load data, register
provider APIs and record change triggers ("data.manage" at their unit); the League data authority reviews
("data.review"); providers decide conditional-open applications. Thin: parse, call a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from egov.domain.data import selectors, services
from egov.domain.data.forms import (
    DecisionForm,
    EntryForm,
    ItemFormSet,
    ProviderApiForm,
    TriggerForm,
    UploadForm,
    item_initial,
)
from egov.domain.data.loading import LoadRejected
from egov.domain.data.models import CatalogEntry, EntryReview, EntryStatus, OpenDataApplication
from egov.kernel.access.policy import AccessDenied, has_perm, record_denial, require, units_with_perm
from egov.kernel.calendar.deadlines import remaining_working_days
from egov.kernel.errors import Rejected


def _require_any(request: HttpRequest, *perms: str) -> None:
    if not any(has_perm(request.user, perm) for perm in perms):
        require(request.user, perms[0])


def _managed_entry(request: HttpRequest, pk: Any) -> CatalogEntry:
    """An entry the user manages, or the user reviews; others get 404 (ids reveal nothing)."""
    entry = get_object_or_404(CatalogEntry.objects.select_related("provider", "theme"), pk=pk)
    if not (
        has_perm(request.user, "data.manage", entry.provider) or has_perm(request.user, "data.review", entry.provider)
    ):
        raise Http404(_("未找到该数据目录"))
    return entry


def _with_remaining(objects: Any) -> list[Any]:
    result = list(objects)
    for obj in result:
        obj.remaining = remaining_working_days(obj.due_date)
    return result


@login_required
@require_GET
def entries(request: HttpRequest) -> HttpResponse:
    _require_any(request, "data.manage", "data.review")
    units = units_with_perm(request.user, "data.manage")
    return render(
        request,
        "data/office/entries.html",
        {
            "entries": selectors.office_entries(request.user)[:500],
            "triggers": _with_remaining(selectors.open_triggers(units)),
            "can_create": units.exists(),
            "reviews": _with_remaining(selectors.review_queue(request.user)),
            "is_reviewer": has_perm(request.user, "data.review"),
        },
    )


def _item_specs(formset: Any) -> list[services.DataItemSpec]:
    return [spec for form in formset.forms if (spec := form.spec()) is not None]


def _add_rejection(form: Any, exc: Rejected) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@login_required
@require_http_methods(["GET", "POST"])
def entry_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "data.manage")
    units = units_with_perm(request.user, "data.manage").order_by("code")
    form = EntryForm(request.POST or None, units=units)
    formset = ItemFormSet(request.POST or None, prefix="items")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = {key: value for key, value in form.cleaned_data.items() if key != "tags"}
        try:
            entry = services.catalog_entry_create(
                actor=request.user, items=_item_specs(formset), tags=form.tag_list(), **data
            )
        except Rejected as exc:
            _add_rejection(form, exc)
        else:
            messages.success(request, _("已登记数据目录（草稿），上传数据或提交审核"))
            return redirect("data:office_entry", pk=entry.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "data/office/entry_form.html", {"form": form, "formset": formset}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, pk: Any) -> HttpResponse:
    entry = _managed_entry(request, pk)
    require(request.user, "data.manage", entry.provider, target=entry)
    if request.method == "POST":
        form = EntryForm(request.POST, editing=True)
        formset = ItemFormSet(request.POST, prefix="items")
    else:
        form = EntryForm(initial=EntryForm.initial_for(entry), editing=True)
        formset = ItemFormSet(initial=item_initial(entry), prefix="items")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        changes = {key: value for key, value in form.cleaned_data.items() if key != "tags"}
        try:
            services.catalog_entry_update(
                actor=request.user, entry=entry, changes=changes, items=_item_specs(formset), tags=form.tag_list()
            )
        except Rejected as exc:
            _add_rejection(form, exc)
        else:
            if entry.version > 0:
                messages.success(request, _("修改已保存为待审核变更，提交审核通过后对外生效"))
            else:
                messages.success(request, _("已保存"))
            return redirect("data:office_entry", pk=entry.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "data/office/entry_form.html", {"form": form, "formset": formset, "entry": entry}, status=status
    )


@login_required
@require_GET
def entry_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    entry = _managed_entry(request, pk)
    return _detail(request, entry)


def _detail(request: HttpRequest, entry: CatalogEntry, status: int = 200, **forms: Any) -> HttpResponse:
    can_manage = has_perm(request.user, "data.manage", entry.provider)
    context = {
        "entry": entry,
        "items": list(entry.items.order_by("position")),
        "tables": list(entry.tables.order_by("-version")),
        "revisions": list(entry.revisions.order_by("-version")),
        "reviews": _with_remaining(entry.reviews.select_related("submitted_by", "decided_by")),
        "triggers": _with_remaining(entry.change_triggers.all()),
        "resources": list(entry.resources.all()),
        "can_manage": can_manage,
        "can_review": has_perm(request.user, "data.review", entry.provider),
        "can_submit": can_manage
        and (entry.status == EntryStatus.DRAFT or (entry.status == EntryStatus.PUBLISHED and entry.pending_changes)),
        "upload_form": forms.get("upload_form") or UploadForm(),
        "api_form": forms.get("api_form") or ProviderApiForm(),
        "trigger_form": forms.get("trigger_form") or TriggerForm(),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "load_errors": forms.get("load_errors"),
    }
    return render(request, "data/office/entry.html", context, status=status)


@login_required
@require_POST
def entry_submit(request: HttpRequest, pk: Any) -> HttpResponse:
    entry = _managed_entry(request, pk)
    try:
        review = services.catalog_entry_submit(actor=request.user, entry=entry)
    except Rejected as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已提交审核，审核期限 %(due)s") % {"due": review.due_date.isoformat()})
    return redirect("data:office_entry", pk=entry.pk)


@login_required
@require_POST
def entry_upload(request: HttpRequest, pk: Any) -> HttpResponse:
    entry = _managed_entry(request, pk)
    require(request.user, "data.manage", entry.provider, target=entry)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, entry, status=400, upload_form=form)
    try:
        table = services.data_table_load(actor=request.user, entry=entry, upload=form.cleaned_data["file"])
    except LoadRejected as exc:
        form.add_error("file", exc.message)
        return _detail(request, entry, status=400, upload_form=form, load_errors=exc)
    except AccessDenied:
        raise
    except Rejected as exc:
        form.add_error("file", exc.message)
        return _detail(request, entry, status=400, upload_form=form)
    messages.success(
        request,
        _("已加载数据版本 %(v)s：%(n)s 条记录") % {"v": table.version, "n": table.row_count},
    )
    return redirect("data:office_entry", pk=entry.pk)


@login_required
@require_POST
def entry_api(request: HttpRequest, pk: Any) -> HttpResponse:
    entry = _managed_entry(request, pk)
    require(request.user, "data.manage", entry.provider, target=entry)
    form = ProviderApiForm(request.POST)
    if form.is_valid():
        try:
            services.provider_api_register(actor=request.user, entry=entry, **form.cleaned_data)
        except Rejected as exc:
            _add_rejection(form, exc)
        else:
            messages.success(request, _("已登记提供单位接口"))
            return redirect("data:office_entry", pk=entry.pk)
    return _detail(request, entry, status=400, api_form=form)


@login_required
@require_POST
def entry_trigger(request: HttpRequest, pk: Any) -> HttpResponse:
    entry = _managed_entry(request, pk)
    form = TriggerForm(request.POST)
    if form.is_valid():
        try:
            trigger = services.change_trigger_raise(actor=request.user, entry=entry, reason=form.cleaned_data["reason"])
        except Rejected as exc:
            _add_rejection(form, exc)
        else:
            messages.success(request, _("已登记变更，须在 %(due)s 前更新目录") % {"due": trigger.due_date.isoformat()})
            return redirect("data:office_entry", pk=entry.pk)
    return _detail(request, entry, status=400, trigger_form=form)


@login_required
@require_POST
def entry_review(request: HttpRequest, pk: Any) -> HttpResponse:
    entry = _managed_entry(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.catalog_entry_review(
                actor=request.user,
                entry=entry,
                approve=form.cleaned_data["decision"] == "approve",
                opinion=form.cleaned_data["opinion"],
            )
        except Rejected as exc:
            _add_rejection(form, exc)
        else:
            messages.success(request, _("审核完成"))
            return redirect("data:office_entries")
    return _detail(request, entry, status=400, decision_form=form)


@login_required
@require_GET
def reviews(request: HttpRequest) -> HttpResponse:
    require(request.user, "data.review")
    reviewed_units = units_with_perm(request.user, "data.review")
    decided = (
        EntryReview.objects.filter(entry__provider__in=reviewed_units)
        .exclude(decision="pending")
        .select_related("entry", "decided_by")
        .order_by("-decided_at")[:50]
    )
    return render(
        request,
        "data/office/reviews.html",
        {
            "pending": _with_remaining(selectors.review_queue(request.user)),
            "decided": decided,
            "triggers": _with_remaining(selectors.open_triggers(reviewed_units)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def applications(request: HttpRequest) -> HttpResponse:
    require(request.user, "data.manage")
    if request.method == "POST":
        raw_id = request.POST.get("application", "")
        if not raw_id.isdigit():
            raise Http404(_("未找到该申请"))
        application = get_object_or_404(OpenDataApplication.objects.select_related("entry__provider"), pk=int(raw_id))
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                services.opendata_decide(
                    actor=request.user,
                    application=application,
                    approve=form.cleaned_data["decision"] == "approve",
                    opinion=form.cleaned_data["opinion"],
                )
            except AccessDenied as exc:
                record_denial(exc)
                raise Http404(_("未找到该申请")) from None
            except Rejected as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("已办理申请"))
        else:
            messages.error(request, _("请选择审核结果"))
        return redirect("data:office_applications")
    return render(
        request,
        "data/office/applications.html",
        {"applications": selectors.pending_applications(request.user)[:200]},
    )
