"""Reads of the sharing subsystem, scoped to the units the user may act for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum

from egov.domain.exchange import clock
from egov.domain.exchange.models import (
    AccessLogEntry,
    CorrectionRequest,
    ExchangeApplication,
    ExtensionStatus,
    Grant,
    SharingRequest,
)
from egov.kernel.access.policy import Actor, units_with_perm


def requests_made(user: Actor) -> QuerySet[SharingRequest]:
    return SharingRequest.objects.filter(consumer__in=units_with_perm(user, "data.request")).select_related(
        "entry", "consumer", "provider"
    )


def requests_received(user: Actor) -> QuerySet[SharingRequest]:
    return SharingRequest.objects.filter(provider__in=units_with_perm(user, "data.manage")).select_related(
        "entry", "consumer", "provider"
    )


def requests_supervised(user: Actor) -> QuerySet[SharingRequest]:
    return SharingRequest.objects.filter(provider__in=units_with_perm(user, "data.review")).select_related(
        "entry", "consumer", "provider"
    )


def pending_extensions(user: Actor) -> QuerySet[SharingRequest]:
    return requests_supervised(user).filter(extension_status=ExtensionStatus.PENDING)


def visible_request(user: Actor, number: str) -> SharingRequest | None:
    """A request the user may see: as requester, provider or data authority."""
    scope = (
        Q(consumer__in=units_with_perm(user, "data.request"))
        | Q(provider__in=units_with_perm(user, "data.manage"))
        | Q(provider__in=units_with_perm(user, "data.review"))
    )
    return SharingRequest.objects.filter(scope, number=number).select_related("entry", "consumer", "provider").first()


def request_light(request: SharingRequest, today: dt.date | None = None) -> str:
    """The same traffic light as the case core's supervision; none while 补正 stops the clock."""
    if request.status == "submitted":
        extended = request.extension_days if request.extension_status == ExtensionStatus.APPROVED else 0
        return clock.light(request.answer_due_on, request.answer_limit + extended, today)
    if request.status == "approved":
        return clock.light(request.delivery_due_on, clock.DELIVERY_DAYS, today)
    return ""


def grants_of_consumer(user: Actor) -> QuerySet[Grant]:
    return Grant.objects.filter(consumer__in=units_with_perm(user, "data.request")).select_related(
        "entry", "entry__provider", "consumer"
    )


def grants_of_provider(user: Actor) -> QuerySet[Grant]:
    return Grant.objects.filter(entry__provider__in=units_with_perm(user, "data.manage")).select_related(
        "entry", "consumer"
    )


def grants_supervised(user: Actor) -> QuerySet[Grant]:
    """Grants over the data of units the user supervises as the League data authority."""
    return Grant.objects.filter(entry__provider__in=units_with_perm(user, "data.review")).select_related(
        "entry", "consumer"
    )


def applications(user: Actor) -> QuerySet[ExchangeApplication]:
    return ExchangeApplication.objects.filter(consumer__in=units_with_perm(user, "data.manage")).select_related(
        "consumer"
    )


def corrections_filed(user: Actor) -> QuerySet[CorrectionRequest]:
    return CorrectionRequest.objects.filter(consumer__in=units_with_perm(user, "data.request")).select_related(
        "entry", "provider"
    )


def corrections_received(user: Actor) -> QuerySet[CorrectionRequest]:
    return CorrectionRequest.objects.filter(provider__in=units_with_perm(user, "data.manage")).select_related(
        "entry", "consumer"
    )


@dataclass(frozen=True)
class UsageRow:
    consumer: str
    resource: str
    purpose: str
    calls: int
    denied: int
    rows: int
    last_at: dt.datetime | None


def _from_us(value: int | None) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(value / 1_000_000, tz=dt.UTC) if value else None


def provider_usage(user: Actor, *, since: dt.datetime) -> list[UsageRow]:
    """Who uses the provider's data, how often and for what (the grant's purpose), since ``since``."""
    since_us = int(since.timestamp() * 1_000_000)
    rows = (
        AccessLogEntry.objects.filter(provider__in=units_with_perm(user, "data.manage"), at_us__gte=since_us)
        .values("consumer__name", "resource", "grant__purpose")
        .annotate(
            calls=Count("pk"),
            denied=Count("pk", filter=~Q(result="ok")),
            last=Max("at_us"),
            returned=Sum("row_count"),
        )
        .order_by("-calls")
    )
    return [
        UsageRow(
            consumer=row["consumer__name"] or "（未识别的调用方）",
            resource=row["resource"],
            purpose=row["grant__purpose"] or "",
            calls=row["calls"],
            denied=row["denied"],
            rows=row["returned"] or 0,
            last_at=_from_us(row["last"]),
        )
        for row in rows
    ]


def provider_issues(user: Actor, *, since: dt.datetime, limit: int = 50) -> list[dict[str, Any]]:
    """The most frequent 所办事项 (X-Road-Issue) behind calls for the provider's data."""
    since_us = int(since.timestamp() * 1_000_000)
    rows = (
        AccessLogEntry.objects.filter(
            provider__in=units_with_perm(user, "data.manage"), at_us__gte=since_us, result="ok"
        )
        .values("consumer__name", "issue")
        .annotate(calls=Count("pk"))
        .order_by("-calls")[:limit]
    )
    return [dict(row) for row in rows]


def log_entries_visible(user: Actor) -> QuerySet[AccessLogEntry]:
    """Calls a user may export evidence for: their unit's calls as consumer or provider, or any as authority."""
    return AccessLogEntry.objects.filter(
        Q(consumer__in=units_with_perm(user, "data.manage"))
        | Q(provider__in=units_with_perm(user, "data.manage"))
        | Q(provider__in=units_with_perm(user, "data.review"))
    )


def from_us(value: int | None) -> dt.datetime | None:
    return _from_us(value)
