"""The statutory limits of a sharing request (《政务数据共享条例》, STANDARDS.md §6).

The clock itself runs on the workflow core (process ``exchange_sharing``, ADR 0014) through the platform
calendar: the 审核 step has 1 working day for 无条件共享 and 10 for 有条件共享 (plus at most 10 when the data
authority approves an extension), counted from the working day after submission; the days between telling
the requester what is missing (补正, told once) and the corrected request arriving do not count; the 交付
step has 20 working days from the approval. Correction requests (数据纠错) are answered within 10 working days.
"""

from __future__ import annotations

from datetime import date

from egov.kernel.calendar import deadlines

UNCONDITIONAL_DAYS = 1
CONDITIONAL_DAYS = 10
MAX_EXTENSION_DAYS = 10
DELIVERY_DAYS = 20
CORRECTION_ANSWER_DAYS = 10


def answer_limit(sharing_type: str) -> int:
    return UNCONDITIONAL_DAYS if sharing_type == "unconditional" else CONDITIONAL_DAYS


def correction_due(filed_on: date) -> date:
    return deadlines.add_days(filed_on, CORRECTION_ANSWER_DAYS).due


def light(due: date | None, limit: int, today: date | None = None) -> str:
    if due is None:
        return "green"
    return deadlines.traffic_light(due, limit, today)
