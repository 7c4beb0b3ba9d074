"""Office pages of the organisation tree. Thin: check the permission, call a selector, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from egov.kernel.access.policy import require
from egov.kernel.orgs import selectors
from egov.kernel.orgs.models import OrgUnit


@login_required
@require_GET
def tree(request: HttpRequest) -> HttpResponse:
    """The whole org tree, collapsible with <details> (works without JavaScript)."""
    require(request.user, "orgs.view")
    roots = selectors.org_tree()
    return render(request, "orgs/tree.html", {"roots": roots, "unit_total": sum(node.unit_count for node in roots)})


@login_required
@require_GET
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One unit: its place in the tree, its sub-units and its members."""
    unit = get_object_or_404(OrgUnit, code=code)
    require(request.user, "orgs.view", unit, target=unit)
    return render(
        request,
        "orgs/unit_detail.html",
        {
            "unit": unit,
            "ancestors": list(unit.ancestors().exclude(pk=unit.pk)),
            "children": unit.children.filter(is_active=True).order_by("sort_order", "code"),
            "members": selectors.unit_members(unit),
        },
    )
