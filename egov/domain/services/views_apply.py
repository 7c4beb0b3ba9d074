"""Citizen pages: the application wizard (one topic per page), materials, check your answers, the receipt,
"我的办件", the 补正 supplement and the progress lookup without signing in."""

from __future__ import annotations

import json
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods, require_POST

from egov.domain.services import answers as ans
from egov.domain.services import apply, integration, selectors
from egov.domain.services.models import Application, ApplicationMaterial, ApplicationStatus
from egov.kernel.access.policy import AccessDenied
from egov.kernel.accounts.models import User
from egov.kernel.errors import Conflict, NotFound, Rejected

#: Progress lookups per client IP and window (cache-based; see ``_rate_limited``).
LOOKUP_LIMIT = 10
LOOKUP_WINDOW_SECONDS = 60


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _draft(request: HttpRequest, pk: Any) -> Application:
    try:
        return selectors.my_draft(_user(request), pk)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _steps(application: Application, current: int) -> list[dict[str, Any]]:
    """Progress indicator: the form pages, then 上传材料 and 核对提交 (0-based ``current``)."""
    titles = [page["title"] for page in ans.pages(application.version.form_definition)] + ["上传材料", "核对并提交"]
    return [
        {"number": n + 1, "title": title, "state": "done" if n < current else "current" if n == current else "todo"}
        for n, title in enumerate(titles)
    ]


# --- start ----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def apply_start(request: HttpRequest, code: str) -> HttpResponseBase:
    try:
        item = selectors.item_guide(code)
    except NotFound as exc:
        raise Http404(exc.message) from None
    version = item.published
    draft = Application.objects.filter(
        applicant=_user(request), version=version, status=ApplicationStatus.DRAFT
    ).first()
    error = ""
    if request.method == "POST":
        try:
            application = apply.application_start(actor=_user(request), item=item)
        except Rejected as exc:
            error = exc.message
        else:
            page = min(application.page, len(ans.pages(version.form_definition)) - 1)
            return redirect("services:apply_page", pk=application.pk, page=page + 1)
    return render(
        request,
        "services/apply/start.html",
        {"item": item, "version": version, "draft": draft, "error": error},
        status=400 if error else 200,
    )


# --- form pages -----------------------------------------------------------------------------------------


def _group_rows(spec: dict[str, Any], value: Any, extra: int) -> list[list[dict[str, Any]]]:
    rows = [row for row in (value if isinstance(value, list) else []) if isinstance(row, dict)]
    high = spec.get("max", 50)
    blanks = max(extra, 1 if not rows else 0, spec.get("min", 0) - len(rows))
    rows += [{} for _ in range(max(0, min(blanks, high - len(rows))))]
    return [
        [
            {
                "spec": sub,
                "name": f"{spec['name']}__{number}__{sub['name']}",
                "value": row.get(sub["name"], False if sub["type"] == "checkbox" else ""),
            }
            for sub in spec["fields"]
        ]
        for number, row in enumerate(rows)
    ]


def _page_context(
    application: Application, index: int, values: dict[str, Any], form: Any, extra_rows: dict[str, int]
) -> dict[str, Any]:
    definition = application.version.form_definition
    page = ans.pages(definition)[index]
    if form is None:
        form_class = ans.page_form_class(definition, index)
        initial = {name: value for name, value in values.items()}
        form = form_class(initial=initial)
    fields = []
    for spec in page["fields"]:
        row: dict[str, Any] = {"spec": spec, "bound": form[spec["name"]]}
        if spec.get("show_if"):
            row["show_if"] = {"field": spec["show_if"]["field"], "equals": json.dumps(spec["show_if"]["equals"])}
        if spec["type"] == "group":
            row["rows"] = _group_rows(spec, values.get(spec["name"]), extra_rows.get(spec["name"], 0))
            row["errors"] = form.errors.get(spec["name"], [])
        fields.append(row)
    return {
        "application": application,
        "item": application.item,
        "page": page,
        "page_number": index + 1,
        "page_count": len(ans.pages(definition)),
        "form": form,
        "fields": fields,
        "steps": _steps(application, index),
    }


@login_required
@require_http_methods(["GET", "POST"])
def apply_page(request: HttpRequest, pk: Any, page: int) -> HttpResponseBase:
    application = _draft(request, pk)
    if application.status != ApplicationStatus.DRAFT:
        return redirect("services:receipt", pk=application.pk)
    definition = application.version.form_definition
    count = len(ans.pages(definition))
    if not 1 <= page <= count:
        raise Http404("表单页码超出范围")
    index = page - 1
    values = apply.answers_of(application)
    form = None
    extra: dict[str, int] = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "next")
        typed = ans.values_from_post(ans.pages(definition)[index], request.POST)
        advance = action == "next"
        try:
            application, form = apply.application_save_page(
                actor=_user(request), application=application, page_index=index, values=typed, advance=advance
            )
        except (Rejected, AccessDenied) as exc:
            raise Http404(str(exc)) from None
        values = apply.answers_of(application)
        if action.startswith("add_row:"):
            extra[action.split(":", 1)[1]] = 1
            form = None
        elif action.startswith("remove_row:"):
            _, group, number = [*action.split(":"), "", ""][:3]
            rows = values.get(group)
            if isinstance(rows, list) and number.isdigit() and int(number) < len(rows):
                rows.pop(int(number))
                application, _form = apply.application_save_page(
                    actor=_user(request),
                    application=application,
                    page_index=index,
                    values={group: rows},
                    advance=False,
                )
                values = apply.answers_of(application)
            form = None
        elif action == "save":
            messages.success(request, "草稿已保存，您可以稍后在“我的办件”中继续填写")
            return redirect("services:apply_page", pk=application.pk, page=page)
        elif form is not None and not form.errors:
            if page < count:
                return redirect("services:apply_page", pk=application.pk, page=page + 1)
            return redirect("services:apply_materials", pk=application.pk)
        else:
            status = 400
    context = _page_context(application, index, values, form, extra)
    return render(request, "services/apply/page.html", context, status=status)


@login_required
@require_POST
def apply_autosave(request: HttpRequest, pk: Any, page: int) -> HttpResponse:
    """Background save of what is typed (no validation), called by services/apply.js."""
    application = _draft(request, pk)
    pages = ans.pages(application.version.form_definition)
    if not 1 <= page <= len(pages):
        return JsonResponse({"error": {"code": "page_range", "message": "表单页码超出范围"}}, status=400)
    try:
        application, _form = apply.application_save_page(
            actor=_user(request),
            application=application,
            page_index=page - 1,
            values=ans.values_from_post(pages[page - 1], request.POST),
            advance=False,
        )
    except Rejected as exc:
        return JsonResponse({"error": {"code": exc.code, "message": exc.message}}, status=exc.status)
    return JsonResponse({"saved_at": application.updated_at.isoformat(), "message": "草稿已自动保存"})


# --- materials ------------------------------------------------------------------------------------------


def _material_rows(application: Application, errors: dict[int, str], *, only: list[int] | None = None) -> list[Any]:
    uploads: dict[int, list[ApplicationMaterial]] = {}
    for row in application.uploads.filter(replaced=False).select_related("file"):
        uploads.setdefault(row.material_id, []).append(row)
    materials = application.version.materials.all()
    if only is not None:
        materials = materials.filter(pk__in=only)
    return [
        {
            "material": material,
            "needs_upload": apply.needs_upload(material),
            "uploads": uploads.get(material.pk, []),
            "error": errors.get(material.pk, ""),
        }
        for material in materials
    ]


def _handle_uploads(request: HttpRequest, application: Application) -> dict[int, str]:
    """Store every chosen file; one bad file does not cost the others (each has its own error)."""
    errors: dict[int, str] = {}
    materials = {m.pk: m for m in application.version.materials.all()}
    remove = request.POST.get("remove", "")
    if remove.isdigit():
        try:
            apply.material_remove(actor=_user(request), application=application, upload_id=int(remove))
        except Rejected as exc:
            messages.error(request, exc.message)
    for key in request.FILES:
        if not key.startswith("material_") or not key[9:].isdigit() or int(key[9:]) not in materials:
            continue
        material = materials[int(key[9:])]
        for upload in request.FILES.getlist(key):
            try:
                apply.material_upload(actor=_user(request), application=application, material=material, upload=upload)
            except Rejected as exc:
                errors[material.pk] = exc.message
    return errors


@login_required
@require_http_methods(["GET", "POST"])
def apply_materials(request: HttpRequest, pk: Any) -> HttpResponseBase:
    application = _draft(request, pk)
    if application.status != ApplicationStatus.DRAFT:
        return redirect("services:receipt", pk=application.pk)
    errors: dict[int, str] = {}
    if request.method == "POST":
        errors = _handle_uploads(request, application)
        if not errors and request.POST.get("action") == "next":
            return redirect("services:apply_review", pk=application.pk)
        if not errors:
            return redirect("services:apply_materials", pk=application.pk)
    count = len(ans.pages(application.version.form_definition))
    return render(
        request,
        "services/apply/materials.html",
        {
            "application": application,
            "item": application.item,
            "rows": _material_rows(application, errors),
            "errors": errors,
            "steps": _steps(application, count),
            "back_page": count,
        },
        status=400 if errors else 200,
    )


# --- check your answers and submit ---------------------------------------------------------------------


def answer_sections(application: Application, *, mask_ids: bool, only_shown: bool = True) -> list[dict[str, Any]]:
    values = apply.answers_of(application)
    sections = []
    for number, page in enumerate(ans.pages(application.version.form_definition), start=1):
        rows = [
            {
                "name": spec["name"],
                "label": spec["label"],
                "value": ans.display_value(spec, values.get(spec["name"]), mask_ids=mask_ids),
            }
            for spec in page["fields"]
            if not only_shown or ans.shown(spec, values)
        ]
        sections.append({"number": number, "title": page["title"], "rows": rows})
    return sections


@login_required
@require_http_methods(["GET", "POST"])
def apply_review(request: HttpRequest, pk: Any) -> HttpResponseBase:
    application = _draft(request, pk)
    if application.status != ApplicationStatus.DRAFT and request.method == "GET":
        return redirect("services:receipt", pk=application.pk)
    problems: dict[str, Any] = {}
    if request.method == "POST":
        try:
            application = apply.application_submit(
                actor=_user(request), application=application, token=request.POST.get("token", "")
            )
        except apply.Incomplete as exc:
            problems = {
                "pages": [
                    {
                        "number": index + 1,
                        "title": ans.pages(application.version.form_definition)[index]["title"],
                        "errors": [
                            f"{form.fields[name].label if name in form.fields else ''}：{message}"
                            for name, errs in form.errors.items()
                            for message in errs
                        ],
                    }
                    for index, form in sorted(exc.pages.items())
                ],
                "materials": exc.materials,
            }
        except Conflict as exc:
            if exc.code == "application_submitted" and application.case_id:
                return redirect("services:receipt", pk=application.pk)
            messages.error(request, exc.message)
            return redirect("services:apply_review", pk=application.pk)
        except Rejected as exc:
            messages.error(request, exc.message)
            return redirect("services:apply_review", pk=application.pk)
        else:
            return redirect("services:receipt", pk=application.pk)
    count = len(ans.pages(application.version.form_definition))
    return render(
        request,
        "services/apply/review.html",
        {
            "application": application,
            "item": application.item,
            "sections": answer_sections(application, mask_ids=True),
            "rows": _material_rows(application, {}),
            "problems": problems,
            "steps": _steps(application, count + 1),
        },
        status=400 if problems else 200,
    )


@login_required
def receipt(request: HttpRequest, pk: Any) -> HttpResponseBase:
    application = _draft(request, pk)
    if application.status == ApplicationStatus.DRAFT:
        return redirect("services:apply_review", pk=application.pk)
    return render(request, "services/apply/receipt.html", {"application": application, "item": application.item})


@login_required
@require_POST
def apply_discard(request: HttpRequest, pk: Any) -> HttpResponseBase:
    application = _draft(request, pk)
    try:
        apply.application_discard(actor=_user(request), application=application)
    except Rejected as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "草稿已删除")
    return redirect("services:my_cases")


# --- 我的办件 -------------------------------------------------------------------------------------------


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.my_applications(_user(request))[:200])
    return render(request, "services/my/list.html", {"applications": rows})


def _optional_url(name: str, number: str) -> str:
    try:
        return reverse(name, args=[number])
    except NoReverseMatch:
        return ""


@login_required
def my_case(request: HttpRequest, number: str) -> HttpResponse:
    try:
        application = selectors.my_application(_user(request), number)
    except NotFound as exc:
        raise Http404(exc.message) from None
    assert application.case is not None
    documents = integration.case_documents(application.case)
    return render(
        request,
        "services/my/case.html",
        {
            "application": application,
            "item": application.item,
            "events": list(application.events.all()),
            "sections": answer_sections(application, mask_ids=True),
            "rows": _material_rows(application, {}),
            "documents": documents,
            "messages_url": _optional_url("agency:case_messages", number),
            "evaluate_url": _optional_url("agency:evaluate", number)
            if application.status in (ApplicationStatus.APPROVED, ApplicationStatus.DENIED, ApplicationStatus.REJECTED)
            else "",
            "delivery_url": _optional_url("results:delivery", number)
            if application.status == ApplicationStatus.APPROVED
            else "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def supplement(request: HttpRequest, number: str) -> HttpResponseBase:
    """The 补正 page: re-opens only the fields and materials the notice named."""
    try:
        application = selectors.my_application(_user(request), number)
    except NotFound as exc:
        raise Http404(exc.message) from None
    if application.status != ApplicationStatus.CORRECTION:
        messages.info(request, "该办件当前不需要补正")
        return redirect("services:my_case", number=number)
    request_ = application.correction
    definition = application.version.form_definition
    index = ans.field_index(definition)
    named = [name for name in request_.get("fields", []) if name in index]
    values = apply.answers_of(application)
    errors: dict[int, str] = {}
    field_errors: dict[str, list[str]] = {}
    problems: list[str] = []
    if request.method == "POST":
        errors = _handle_uploads(request, application)
        typed: dict[str, Any] = {}
        for name in named:
            typed.update(ans.values_from_post({"fields": [index[name][1]]}, request.POST))
        values.update(typed)
        if request.POST.get("action") == "submit" and not errors:
            try:
                apply.application_supplement(actor=_user(request), application=application, values=typed)
            except apply.Incomplete as exc:
                for form in exc.pages.values():
                    for name, errs in form.errors.items():
                        if name in named:
                            field_errors[name] = list(errs)
                        else:
                            problems.extend(f"{form.fields[name].label}：{e}" for e in errs if name in form.fields)
                problems += [f"请上传补正材料：{m.name}" for m in exc.materials]
            except Rejected as exc:
                problems.append(exc.message)
            else:
                messages.success(request, "补正材料已提交，受理机构将重新审核")
                return redirect("services:my_case", number=number)
    field_rows = []
    for name in named:
        spec = index[name][1]
        form_class = ans.page_form_class({"pages": [{"title": "补正", "fields": [spec]}]}, 0)
        form = form_class(initial=values)
        field_rows.append({"spec": spec, "bound": form[name], "errors": field_errors.get(name, [])})
    return render(
        request,
        "services/my/supplement.html",
        {
            "application": application,
            "item": application.item,
            "correction": request_,
            "field_rows": field_rows,
            "rows": _material_rows(application, errors, only=request_.get("materials", [])),
            "problems": problems + [e for e in errors.values()],
        },
        status=400 if (problems or errors or field_errors) else 200,
    )


# --- progress lookup without signing in -----------------------------------------------------------------


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def _rate_limited(request: HttpRequest) -> bool:
    key = f"services:progress:{_client_ip(request)}"
    cache.add(key, 0, LOOKUP_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, LOOKUP_WINDOW_SECONDS)
        count = 1
    return count > LOOKUP_LIMIT


@require_http_methods(["GET", "POST"])
def progress(request: HttpRequest) -> HttpResponse:
    found: Application | None = None
    error = ""
    status = 200
    data = {"case_number": "", "query_code": "", "id_number": ""}
    if request.method == "POST":
        data = {key: request.POST.get(key, "").strip()[:40] for key in data}
        if _rate_limited(request):
            error = f"查询过于频繁，请{LOOKUP_WINDOW_SECONDS}秒后再试"
            status = 429
        else:
            try:
                found = selectors.progress_lookup(**data)
            except Rejected as exc:
                error, status = exc.message, exc.status
    return render(
        request,
        "services/progress.html",
        {
            "data": {**data, "id_number": ""},  # never echo an ID number back into the page
            "found": found,
            "events": list(found.events.all()) if found else [],
            "error": error,
        },
        status=status,
    )
