"""The office page for the holiday table (工作日历), one year at a time. Thin: parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from egov.kernel.access.policy import require
from egov.kernel.calendar import deadlines, selectors, services
from egov.kernel.calendar.forms import CalendarDayForm, HolidayYearConfirmForm
from egov.kernel.errors import Rejected


@login_required
@require_GET
def calendar_current_year(request: HttpRequest) -> HttpResponse:
    return redirect("calendar:year", year=deadlines.beijing_today().year)


@login_required
@require_http_methods(["GET", "POST"])
def calendar_year(request: HttpRequest, year: int) -> HttpResponse:
    require(request.user, services.CONFIGURE_PERMISSION)
    if not services.MIN_YEAR <= year <= services.MAX_YEAR:
        raise Http404
    action = request.POST.get("action", "")
    day_form = CalendarDayForm(request.POST if action in {"set", "clear"} else None, year=year)
    confirm_form = HolidayYearConfirmForm(request.POST if action == "confirm" else None)
    if action in {"set", "clear"} and day_form.is_valid():
        day = day_form.cleaned_data["day"]
        try:
            if action == "set":
                entry = services.calendar_day_set(
                    actor=request.user,  # type: ignore[arg-type]
                    day=day,
                    kind=day_form.cleaned_data["kind"],
                    name=day_form.cleaned_data["name"],
                )
                messages.success(request, _("已保存：%(entry)s") % {"entry": entry})
            else:
                services.calendar_day_clear(actor=request.user, day=day)  # type: ignore[arg-type]
                messages.success(request, _("已清除%(day)s的设置") % {"day": deadlines.chinese_date(day)})
        except Rejected as exc:
            day_form.add_error(exc.field if exc.field in day_form.fields else None, exc.message)
        else:
            return redirect("calendar:year", year=year)
    elif action == "confirm" and confirm_form.is_valid():
        try:
            services.holiday_year_confirm(
                actor=request.user,  # type: ignore[arg-type]
                year=year,
                note=confirm_form.cleaned_data["note"],
            )
        except Rejected as exc:
            confirm_form.add_error(None, exc.message)
        else:
            messages.success(request, _("已确认%(year)s年节假日安排") % {"year": year})
            return redirect("calendar:year", year=year)
    context = {
        "year": year,
        "holiday_year": selectors.holiday_year(year),
        "months": selectors.year_months(year),
        "entries": selectors.year_entries(year),
        "weekday_labels": selectors.WEEKDAY_LABELS,
        "year_warnings": selectors.unconfigured_years_warning([year]),
        "upcoming_warnings": selectors.unconfigured_years_warning(selectors.missing_years()),
        "day_form": day_form,
        "confirm_form": confirm_form,
    }
    return render(request, "calendar/year.html", context)
