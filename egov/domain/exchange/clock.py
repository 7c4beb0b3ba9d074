"""The statutory clock of a sharing request (《政务数据共享条例》, STANDARDS.md §6), on the platform calendar.

- answer: 1 working day for 无条件共享, 10 for 有条件共享 (plus at most 10 with approval), counted from the
  working day after submission; the days between telling the requester what is missing (补正, told once) and
  the corrected request arriving do not count;
- delivery: within 20 working days of the approval;
- correction requests (数据纠错): answered within 10 working days.
"""

from __future__ import annotations

from datetime import date

from egov.domain.exchange.models import ExtensionStatus, SharingRequest
from egov.kernel.calendar import deadlines

UNCONDITIONAL_DAYS = 1
CONDITIONAL_DAYS = 10
MAX_EXTENSION_DAYS = 10
DELIVERY_DAYS = 20
CORRECTION_ANSWER_DAYS = 10


def answer_limit(sharing_type: str) -> int:
    return UNCONDITIONAL_DAYS if sharing_type == "unconditional" else CONDITIONAL_DAYS


def answer_due(request: SharingRequest, *, today: date | None = None) -> deadlines.DeadlineResult:
    suspensions = []
    if request.correction_requested_on is not None:
        suspensions.append(
            deadlines.Suspension(start=request.correction_requested_on, end=request.correction_answered_on)
        )
    extensions = []
    if request.extension_status == ExtensionStatus.APPROVED and request.extension_days:
        extensions.append((request.extension_days, deadlines.TimeUnit.WORKING_DAYS))
    return deadlines.compute_due(
        request.submitted_on,
        request.answer_limit,
        deadlines.TimeUnit.WORKING_DAYS,
        suspensions=suspensions,
        extensions=extensions,
        today=today,
    )


def delivery_due(approved_on: date) -> date:
    return deadlines.add_days(approved_on, DELIVERY_DAYS).due


def correction_due(filed_on: date) -> date:
    return deadlines.add_days(filed_on, CORRECTION_ANSWER_DAYS).due


def light(due: date | None, limit: int, today: date | None = None) -> str:
    if due is None:
        return "green"
    return deadlines.traffic_light(due, limit, today)
