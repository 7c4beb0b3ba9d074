"""Citizen-facing milestones: one ``ApplicationEvent`` row (the applicant's timeline) and one notification
to the applicant through the notify core (templates ``services.<kind>`` seeded by migration 0003)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction

from egov.domain.services.models import Application, ApplicationEvent
from egov.kernel.links import reverse_or_none

#: kind → title shown on the timeline; every kind has notification templates.
EVENTS = {
    "submitted": "申请已提交",
    "accepted": "已受理",
    "rejected": "不予受理",
    "correction": "需要补正材料",
    "supplemented": "已提交补正材料",
    "approved": "准予许可，已办结",
    "denied": "不予许可，已办结",
}


def _chinese_date(day: Any) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "（无）"


def _send(application_id: Any, kind: str, context: dict[str, Any], url: str) -> None:
    from egov.kernel.notify.services import notify

    application = Application.objects.select_related("applicant").get(pk=application_id)
    notify(recipients=[application.applicant], event=f"services.{kind}", context=context, related=application, url=url)


def record_event(application: Application, kind: str, detail: str = "") -> ApplicationEvent:
    """Append the milestone and notify the applicant after the commit."""
    event = ApplicationEvent.objects.create(
        application=application,
        kind=kind,
        title=EVENTS[kind],
        detail=detail,
        unit_name=application.org_unit.display_name,
    )
    number = application.case_number
    url = (reverse_or_none("services:my_case", number) if number else None) or ""  # None: the office zone
    context = {
        "item_name": application.item.name,
        "case_number": application.case_number,
        "status": application.get_status_display(),
        "detail": detail,
        "promised_date": _chinese_date(application.promised_due_on),
        "unit_name": application.org_unit.display_name,
    }
    transaction.on_commit(partial(_send, application.pk, kind, context, url))
    return event
