"""In-site inbox and channel preferences, the same pages in both zones (only the base template differs)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.kernel.errors import NotFound
from egov.kernel.notify import selectors, services
from egov.kernel.notify.forms import PreferencesForm

if TYPE_CHECKING:
    from egov.kernel.accounts.models import User

PAGE_SIZE = 20


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind ``login_required``)."""
    return cast("User", request.user)


def _zone_context(zone: str) -> dict[str, str]:
    prefix = "office_" if zone == "office" else ""
    return {
        "base_template": f"web/{zone}_base.html",
        "inbox_url_name": f"notify:{prefix}inbox",
        "detail_url_name": f"notify:{prefix}message",
        "read_all_url_name": f"notify:{prefix}read_all",
        "preferences_url_name": f"notify:{prefix}preferences",
    }


@login_required
def inbox(request: HttpRequest, zone: str) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.inbox(user=_user(request), unread_only=unread_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page_obj": page, "unread_only": unread_only, **_zone_context(zone)}
    return render(request, "notify/inbox.html", context)


@login_required
def message_detail(request: HttpRequest, zone: str, pk: int) -> HttpResponse:
    try:
        message = selectors.inbox_message(user=_user(request), message_id=pk)
        message = services.message_mark_read(actor=_user(request), message=message)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "notify/message_detail.html", {"message": message, **_zone_context(zone)})


@login_required
@require_POST
def read_all(request: HttpRequest, zone: str) -> HttpResponse:
    count = services.message_mark_all_read(actor=_user(request))
    flash.success(request, _("已将 %(count)s 条消息标为已读") % {"count": count})
    return redirect(_zone_context(zone)["inbox_url_name"])


@login_required
def preferences(request: HttpRequest, zone: str) -> HttpResponse:
    rows = selectors.preference_rows(user=_user(request))
    form = PreferencesForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        services.preferences_update(actor=_user(request), choices=form.choices())
        flash.success(request, _("接收方式已保存"))
        return redirect(_zone_context(zone)["preferences_url_name"])
    return render(request, "notify/preferences.html", {"form": form, **_zone_context(zone)})
