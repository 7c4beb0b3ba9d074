"""Writes to the holiday table: administrators (permission ``system.configure``) enter and confirm each year.

Every write invalidates the deadline module's per-process cache after commit, so all processes compute
with the new table from their next request.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.kernel.calendar import deadlines, seed
from egov.kernel.calendar.models import CalendarDay, DayKind, HolidayYear, HolidayYearStatus
from egov.kernel.errors import NotFound, Rejected

if TYPE_CHECKING:
    from egov.kernel.accounts.models import User

CONFIGURE_PERMISSION = "system.configure"
MIN_YEAR = 2000
MAX_YEAR = 2100
NAME_MAX_LENGTH = 30


# Access and audit are kernel siblings that themselves may need deadlines; importing them at call time
# keeps this app out of their import graph.
def _require_configure(actor: User) -> None:
    from egov.kernel.access.policy import require

    require(actor, CONFIGURE_PERMISSION)


def _audit(**kwargs: Any) -> None:
    from egov.kernel.audit.services import audit_record

    audit_record(**kwargs)


def _check_year(year: int, field: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Rejected(
            "year_out_of_range",
            _("年份须在%(min)s年至%(max)s年之间") % {"min": MIN_YEAR, "max": MAX_YEAR},
            field=field,
        )


def _year_row_for_edit(year: int) -> HolidayYear:
    """The year's row, locked; created on the first entry so the year stops counting as unknown."""
    row, _created = HolidayYear.objects.select_for_update().get_or_create(
        year=year, defaults={"status": HolidayYearStatus.ENTERED, "source": _("管理员录入")}
    )
    return row


@transaction.atomic
def calendar_day_set(*, actor: User, day: date, kind: str, name: str = "") -> CalendarDay:
    """Mark ``day`` as a statutory holiday (法定节假日) or an adjusted working weekend (调休上班日)."""
    _require_configure(actor)
    _check_year(day.year, "day")
    if kind not in DayKind.values:
        raise Rejected("invalid_kind", _("请选择“法定节假日”或“调休上班日”"), field="kind")
    name = name.strip()
    if len(name) > NAME_MAX_LENGTH:
        raise Rejected("name_too_long", _("名称不能超过%(max)s个字") % {"max": NAME_MAX_LENGTH}, field="name")
    if kind == DayKind.WORKDAY and day.weekday() < 5:
        raise Rejected(
            "workday_not_weekend",
            _("%(day)s是周一至周五，本来就是工作日；调休上班日只能设在周六或周日")
            % {"day": deadlines.chinese_date(day)},
            field="day",
        )
    _year_row_for_edit(day.year)
    previous = CalendarDay.objects.filter(date=day).values("kind", "name").first()
    entry, _created = CalendarDay.objects.update_or_create(
        date=day, defaults={"year": day.year, "kind": kind, "name": name}
    )
    _audit(
        actor=actor,
        action="calendar.day_set",
        target=entry,
        target_repr=str(entry),
        detail={"date": day.isoformat(), "kind": kind, "name": name, "previous": previous},
    )
    transaction.on_commit(deadlines.invalidate)
    return entry


@transaction.atomic
def calendar_day_clear(*, actor: User, day: date) -> None:
    """Remove the entry for ``day``: it becomes an ordinary weekday or weekend again."""
    _require_configure(actor)
    entry = CalendarDay.objects.select_for_update().filter(date=day).first()
    if entry is None:
        raise NotFound(
            "day_not_set", _("%(day)s没有节假日或调休设置") % {"day": deadlines.chinese_date(day)}, field="day"
        )
    _year_row_for_edit(day.year)
    target_repr = str(entry)
    previous = {"kind": entry.kind, "name": entry.name}
    entry.delete()
    _audit(
        actor=actor,
        action="calendar.day_clear",
        target_repr=target_repr,
        detail={"date": day.isoformat(), "previous": previous},
    )
    transaction.on_commit(deadlines.invalidate)


@transaction.atomic
def holiday_year_confirm(*, actor: User, year: int, note: str = "") -> HolidayYear:
    """An administrator checked the year against the 国务院办公厅 notice and vouches for it."""
    _require_configure(actor)
    _check_year(year, "year")
    if not CalendarDay.objects.filter(year=year).exists():
        raise Rejected(
            "year_empty", _("%(year)s年尚未录入任何节假日或调休上班日，无法确认") % {"year": year}, field="year"
        )
    row = _year_row_for_edit(year)
    row.status = HolidayYearStatus.CONFIRMED
    row.confirmed_by = actor
    row.confirmed_at = timezone.now()
    if note.strip():
        row.note = note.strip()
    row.save(update_fields=["status", "confirmed_by", "confirmed_at", "note", "updated_at"])
    _audit(actor=actor, action="calendar.year_confirm", target=row, target_repr=str(row), detail={"year": year})
    transaction.on_commit(deadlines.invalidate)
    return row


@transaction.atomic
def holiday_years_seed(*, actor: User | None, years: Sequence[int] | None = None, replace: bool = False) -> list[int]:
    """Load years from the ``chinesecalendar`` package; returns the years written.

    Years already in the table are left alone (an administrator may have corrected them) unless
    ``replace``. ``actor`` is ``None`` only for an operator running the management command at the shell.
    """
    if actor is not None:
        _require_configure(actor)
    available = seed.package_years()
    wanted = sorted(set(years)) if years else available
    unknown = [year for year in wanted if year not in available]
    if unknown:
        raise Rejected(
            "year_not_in_package",
            _("%(source)s只包含%(first)s–%(last)s年的节假日安排，%(years)s年须由管理员按国务院办公厅通知录入")
            % {
                "source": seed.package_source(),
                "first": available[0],
                "last": available[-1],
                "years": "、".join(str(year) for year in unknown),
            },
            field="years",
        )
    source = seed.package_source()
    written: list[int] = []
    for year in wanted:
        row = HolidayYear.objects.select_for_update().filter(year=year).first()
        if row is not None and not replace:
            continue
        CalendarDay.objects.filter(year=year).delete()
        CalendarDay.objects.bulk_create(
            CalendarDay(date=day, year=year, kind=kind, name=name) for day, kind, name in seed.package_days(year)
        )
        HolidayYear.objects.update_or_create(
            year=year,
            defaults={"status": HolidayYearStatus.SEEDED, "source": source, "confirmed_by": None, "confirmed_at": None},
        )
        written.append(year)
    if written:
        _audit(
            actor=actor,
            action="calendar.years_seed",
            target_repr=_("%(years)s年节假日安排") % {"years": "、".join(str(year) for year in written)},
            detail={"years": written, "source": source, "replace": replace},
        )
        transaction.on_commit(deadlines.invalidate)
    return written
