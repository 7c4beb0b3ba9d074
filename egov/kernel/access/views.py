"""Role administration for the security administrator (安全管理员), office zone. Thin: parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from egov.kernel.access import selectors, services
from egov.kernel.access.forms import RoleAssignForm
from egov.kernel.access.models import RoleAssignment
from egov.kernel.access.policy import require
from egov.kernel.errors import Rejected


@login_required(login_url="accounts:office_login")
@require_http_methods(["GET"])
def assignment_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "access.assign_roles")
    search = request.GET.get("q", "").strip()[:50]
    assignments = selectors.assignments_in_scope(request.user, search=search)
    page = Paginator(assignments, 50).get_page(request.GET.get("page"))
    return render(request, "access/assignment_list.html", {"page": page, "search": search})


@login_required(login_url="accounts:office_login")
@require_http_methods(["GET", "POST"])
def assignment_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    require(actor, "access.assign_roles")
    form = RoleAssignForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.role_assign(
                actor=actor,  # type: ignore[arg-type]
                user=form.cleaned_data["username"],
                role_code=form.cleaned_data["role"].code,
                org_unit=form.cleaned_data["org_unit"],
                include_subunits=form.cleaned_data["include_subunits"],
                valid_until=form.valid_until_moment(),
            )
        except Rejected as exc:
            form.add_error(_field_for(exc, form), exc.message)
        else:
            messages.success(
                request,
                _("已为 %(user)s 分配角色：%(role)s")
                % {
                    "user": assignment.user.display_name,
                    "role": assignment.role.name,
                },
            )
            return redirect("access:assignment_list")
    return render(request, "access/assignment_form.html", {"form": form})


@login_required(login_url="accounts:office_login")
@require_POST
def assignment_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(RoleAssignment.objects.select_related("user", "role", "org_unit"), pk=pk)
    try:
        services.role_revoke(actor=request.user, assignment=assignment)  # type: ignore[arg-type]
    except Rejected as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("已撤销 %(user)s 的角色：%(role)s")
            % {
                "user": assignment.user.display_name,
                "role": assignment.role.name,
            },
        )
    return redirect("access:assignment_list")


def _field_for(exc: Rejected, form: RoleAssignForm) -> str | None:
    field = {"user": "username"}.get(exc.field or "", exc.field)
    return field if field in form.fields else None
