"""Writes of the sharing subsystem: requests and their clock, grants, application credentials, 数据纠错.

Who may do what: the requester holds ``data.request`` at the consumer unit; the provider answers with
``data.manage`` at the provider unit; the League data authority (``data.review``) approves extensions and may
revoke grants; application credentials are managed with ``data.manage`` at the consumer unit.
Every function locks what it changes, re-checks the state, and leaves one audit entry.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.domain.exchange import clock
from egov.domain.exchange.canonical import sm3_hex
from egov.domain.exchange.models import (
    CorrectionRequest,
    CorrectionStatus,
    ExchangeApplication,
    ExtensionStatus,
    Grant,
    RequestNumberSequence,
    RequestStatus,
    ShareMethod,
    SharingRequest,
)
from egov.kernel.access.policy import AccessDenied, has_perm, require
from egov.kernel.accounts.models import User
from egov.kernel.audit.services import audit_record
from egov.kernel.errors import Conflict, Rejected
from egov.kernel.orgs.models import OrgUnit

REQUEST = "data.request"
MANAGE = "data.manage"
REVIEW = "data.review"

#: The longest 使用时限 a request may ask for.
MAX_USE_YEARS = 5
#: Text fields that reach the access log and HTTP headers never contain control characters.
_MAX_TEXT = 2000


def _today() -> date:
    from egov.kernel.calendar.deadlines import beijing_today

    return beijing_today()


def _text(value: str | None, *, field: str, label: str, required: bool = True, limit: int = _MAX_TEXT) -> str:
    text = (value or "").strip()
    if required and not text:
        raise Rejected(f"{field}_required", _("请填写%(label)s") % {"label": label}, field=field)
    if len(text) > limit:
        raise Rejected(f"{field}_too_long", _("%(label)s不能超过 %(n)s 字") % {"label": label, "n": limit}, field=field)
    return text


def _next_number(year: int) -> str:
    sequence = RequestNumberSequence.objects.select_for_update().filter(year=year).first()
    if sequence is None:
        try:
            with transaction.atomic():
                RequestNumberSequence.objects.create(year=year)
        except IntegrityError:
            pass  # created by a concurrent first request of the year
        sequence = RequestNumberSequence.objects.select_for_update().get(year=year)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return f"GX-{year}-{sequence.last_value:06d}"


def _entry_item_names(entry: Any) -> list[str]:
    return list(entry.items.order_by("position").values_list("name", flat=True))


def _clean_items(items: Sequence[str], allowed: Sequence[str], *, field: str = "items") -> list[str]:
    chosen = list(dict.fromkeys(str(item).strip() for item in items if str(item).strip()))
    if not chosen:
        raise Rejected("items_required", _("请至少选择一个数据项"), field=field)
    unknown = [item for item in chosen if item not in allowed]
    if unknown:
        raise Rejected(
            "items_unknown", _("以下数据项不在可选范围内：%(items)s") % {"items": "、".join(unknown)}, field=field
        )
    return chosen


def _lock(request: SharingRequest) -> SharingRequest:
    return SharingRequest.objects.select_for_update().select_related("entry", "consumer", "provider").get(pk=request.pk)


def _ensure_version(request: SharingRequest, expected_version: int | None) -> None:
    if expected_version is not None and request.version != expected_version:
        raise Conflict("request_changed", _("该申请已发生变化，请刷新后重试"))


def _refresh_due(request: SharingRequest, today: date) -> None:
    request.answer_due_on = clock.answer_due(request, today=today).due


def _save(request: SharingRequest, *fields: str) -> None:
    request.version += 1
    request.save(update_fields=[*fields, "version", "updated_at"])


# --- sharing requests ---------------------------------------------------------------------------------


@transaction.atomic
def sharing_request_submit(
    *,
    actor: User,
    entry: Any,
    consumer: OrgUnit,
    basis: str,
    scenario: str,
    scope: str,
    method: str,
    use_until: date | None,
    items: Sequence[str],
) -> SharingRequest:
    """共享申请: states 使用依据、使用场景、使用范围、共享方式、使用时限 and the data items needed."""
    require(actor, REQUEST, consumer)
    from egov.domain.data.models import EntryStatus, SharingType

    if entry.status != EntryStatus.PUBLISHED and not getattr(entry, "version", 0):
        raise Rejected("entry_unpublished", _("该信息资源尚未发布，不能申请共享"), field="entry")
    if entry.sharing_type == SharingType.NONE:
        basis_text = (entry.sharing_basis or "").strip() or _("目录未写明")
        raise Rejected(
            "entry_not_shared", _("该信息资源属于不予共享类，依据：%(basis)s") % {"basis": basis_text}, field="entry"
        )
    if entry.provider_id == consumer.pk:
        raise Rejected("own_data", _("本单位的数据无需申请共享"), field="entry")
    basis = _text(basis, field="basis", label=_("使用依据"))
    scenario = _text(scenario, field="scenario", label=_("使用场景"))
    scope = _text(scope, field="scope", label=_("使用范围"))
    if method not in ShareMethod.values:
        raise Rejected("method_invalid", _("请选择共享方式"), field="method")
    today = _today()
    if use_until is None:
        raise Rejected("use_until_required", _("请填写使用时限"), field="use_until")
    if use_until <= today:
        raise Rejected("use_until_past", _("使用时限应晚于今天"), field="use_until")
    if use_until > today + timedelta(days=366 * MAX_USE_YEARS):
        raise Rejected("use_until_too_long", _("使用时限最长 %(n)s 年") % {"n": MAX_USE_YEARS}, field="use_until")
    chosen = _clean_items(items, _entry_item_names(entry))
    request = SharingRequest(
        entry=entry,
        consumer=consumer,
        provider_id=entry.provider_id,
        sharing_type=entry.sharing_type,
        basis=basis,
        scenario=scenario,
        scope=scope,
        method=method,
        use_until=use_until,
        items=chosen,
        requested_by=actor,
        submitted_on=today,
        answer_limit=clock.answer_limit(entry.sharing_type),
        answer_due_on=today,
    )
    _refresh_due(request, today)
    request.number = _next_number(today.year)
    request.save()
    audit_record(
        actor=actor,
        action="exchange.request_submit",
        target=request,
        target_repr=request.number,
        org_unit=consumer,
        detail={"entry": entry.code, "provider": entry.provider_id, "items": len(chosen)},
    )
    return request


@transaction.atomic
def sharing_request_ask_correction(
    *, actor: User, request: SharingRequest, note: str, expected_version: int | None = None
) -> SharingRequest:
    """告知补正: tell the requester once, in full, what is missing; the answer clock stops until they reply."""
    request = _lock(request)
    require(actor, MANAGE, request.provider, target=request)
    _ensure_version(request, expected_version)
    if request.status != RequestStatus.SUBMITTED:
        raise Conflict("request_state", _("该申请%(s)s，不能告知补正") % {"s": request.get_status_display()})
    if request.correction_requested_on is not None:
        raise Conflict("correction_once", _("补正只能一次性告知，该申请已告知过补正"))
    request.correction_note = _text(note, field="note", label=_("需要补正的内容"))
    request.correction_requested_on = _today()
    request.status = RequestStatus.CORRECTION
    _refresh_due(request, request.correction_requested_on)
    _save(request, "correction_note", "correction_requested_on", "status", "answer_due_on")
    audit_record(
        actor=actor,
        action="exchange.request_correction",
        target=request,
        target_repr=request.number,
        org_unit=request.provider,
    )
    return request


@transaction.atomic
def sharing_request_correct(
    *,
    actor: User,
    request: SharingRequest,
    basis: str,
    scenario: str,
    scope: str,
    use_until: date | None,
    items: Sequence[str],
    expected_version: int | None = None,
) -> SharingRequest:
    """补正完成: the requester resubmits; the clock runs again from the next working day."""
    request = _lock(request)
    require(actor, REQUEST, request.consumer, target=request)
    _ensure_version(request, expected_version)
    if request.status != RequestStatus.CORRECTION:
        raise Conflict("request_state", _("该申请%(s)s，无需补正") % {"s": request.get_status_display()})
    request.basis = _text(basis, field="basis", label=_("使用依据"))
    request.scenario = _text(scenario, field="scenario", label=_("使用场景"))
    request.scope = _text(scope, field="scope", label=_("使用范围"))
    today = _today()
    if use_until is None or use_until <= today:
        raise Rejected("use_until_past", _("使用时限应晚于今天"), field="use_until")
    request.use_until = use_until
    request.items = _clean_items(items, _entry_item_names(request.entry))
    request.correction_answered_on = today
    request.status = RequestStatus.SUBMITTED
    _refresh_due(request, today)
    _save(
        request,
        "basis",
        "scenario",
        "scope",
        "use_until",
        "items",
        "correction_answered_on",
        "status",
        "answer_due_on",
    )
    audit_record(
        actor=actor,
        action="exchange.request_corrected",
        target=request,
        target_repr=request.number,
        org_unit=request.consumer,
    )
    return request


@transaction.atomic
def sharing_request_extension_ask(*, actor: User, request: SharingRequest, days: int, reason: str) -> SharingRequest:
    """申请延期 (有条件共享 only, at most 10 working days, once): waits for the data authority's approval."""
    request = _lock(request)
    require(actor, MANAGE, request.provider, target=request)
    if not request.is_open:
        raise Conflict("request_state", _("该申请%(s)s，不能延期") % {"s": request.get_status_display()})
    if request.sharing_type != "conditional":
        raise Rejected("extension_unconditional", _("无条件共享的申请须在 1 个工作日内答复，不能延期"))
    if request.extension_status != ExtensionStatus.NONE:
        raise Conflict("extension_once", _("该申请已申请过延期"))
    if not isinstance(days, int) or not 1 <= days <= clock.MAX_EXTENSION_DAYS:
        raise Rejected(
            "extension_days", _("延长天数应为 1 到 %(n)s 个工作日") % {"n": clock.MAX_EXTENSION_DAYS}, field="days"
        )
    request.extension_days = days
    request.extension_reason = _text(reason, field="reason", label=_("延期理由"))
    request.extension_status = ExtensionStatus.PENDING
    _save(request, "extension_days", "extension_reason", "extension_status")
    audit_record(
        actor=actor,
        action="exchange.extension_ask",
        target=request,
        target_repr=request.number,
        org_unit=request.provider,
        detail={"days": days},
    )
    return request


@transaction.atomic
def sharing_request_extension_decide(*, actor: User, request: SharingRequest, approve: bool) -> SharingRequest:
    """The League data authority approves or refuses an extension; an approved one moves the answer due date."""
    request = _lock(request)
    require(actor, REVIEW, request.provider, target=request)
    if request.extension_status != ExtensionStatus.PENDING:
        raise Conflict("extension_state", _("该申请没有待批准的延期"))
    request.extension_status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    request.extension_approved_by = actor if approve else None
    _refresh_due(request, _today())
    _save(request, "extension_status", "extension_approved_by", "answer_due_on")
    audit_record(
        actor=actor,
        action="exchange.extension_decide",
        target=request,
        target_repr=request.number,
        org_unit=request.provider,
        detail={"approved": approve},
    )
    return request


def _clean_row_filter(row_filter: dict[str, Any] | None, allowed: Sequence[str]) -> dict[str, list[str]]:
    cleaned: dict[str, list[str]] = {}
    for column, values in (row_filter or {}).items():
        if column not in allowed:
            raise Rejected(
                "row_filter_column", _("数据范围限定的数据项“%(c)s”不在该目录中") % {"c": column}, field="row_filter"
            )
        listed = [values] if isinstance(values, str) else list(values or [])
        texts = [str(value).strip() for value in listed if str(value).strip()]
        if not texts:
            raise Rejected("row_filter_values", _("请填写数据项“%(c)s”允许的取值") % {"c": column}, field="row_filter")
        cleaned[column] = texts
    return cleaned


@transaction.atomic
def sharing_request_approve(
    *,
    actor: User,
    request: SharingRequest,
    columns: Sequence[str] | None = None,
    row_filter: dict[str, Any] | None = None,
    valid_until: date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Grant:
    """同意共享: the approval becomes a grant (allowed columns ⊆ requested items, optional row filter,
    validity up to the requested 使用时限); delivery is due within 20 working days."""
    request = _lock(request)
    require(actor, MANAGE, request.provider, target=request)
    _ensure_version(request, expected_version)
    if request.status != RequestStatus.SUBMITTED:
        raise Conflict("request_state", _("该申请%(s)s，不能答复") % {"s": request.get_status_display()})
    allowed = _clean_items(columns if columns is not None else request.items, request.items, field="columns")
    cleaned_filter = _clean_row_filter(row_filter, _entry_item_names(request.entry))
    today = _today()
    until = valid_until or request.use_until
    if until < today:
        raise Rejected("valid_until_past", _("授权截止日期不能早于今天"), field="valid_until")
    if until > request.use_until:
        raise Rejected("valid_until_beyond", _("授权截止日期不能晚于申请的使用时限"), field="valid_until")
    request.status = RequestStatus.APPROVED
    request.decided_on = today
    request.decided_by = actor
    request.decision_note = (note or "").strip()
    request.delivery_due_on = clock.delivery_due(today)
    _save(request, "status", "decided_on", "decided_by", "decision_note", "delivery_due_on")
    grant = Grant.objects.create(
        request=request,
        consumer=request.consumer,
        entry=request.entry,
        columns=allowed,
        row_filter=cleaned_filter,
        purpose=request.scenario[:300],
        valid_from=today,
        valid_until=until,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="exchange.request_approve",
        target=request,
        target_repr=request.number,
        org_unit=request.provider,
        detail={"grant": grant.pk, "columns": len(allowed), "row_filter": sorted(cleaned_filter)},
    )
    return grant


@transaction.atomic
def sharing_request_refuse(
    *, actor: User, request: SharingRequest, reason: str, expected_version: int | None = None
) -> SharingRequest:
    """不予共享: the reasons are required and shown to the requester."""
    request = _lock(request)
    require(actor, MANAGE, request.provider, target=request)
    _ensure_version(request, expected_version)
    if request.status != RequestStatus.SUBMITTED:
        raise Conflict("request_state", _("该申请%(s)s，不能答复") % {"s": request.get_status_display()})
    request.decision_note = _text(reason, field="reason", label=_("不予共享的理由"))
    request.status = RequestStatus.REFUSED
    request.decided_on = _today()
    request.decided_by = actor
    _save(request, "decision_note", "status", "decided_on", "decided_by")
    audit_record(
        actor=actor,
        action="exchange.request_refuse",
        target=request,
        target_repr=request.number,
        org_unit=request.provider,
    )
    return request


@transaction.atomic
def sharing_request_deliver(*, actor: User, request: SharingRequest, note: str) -> SharingRequest:
    """交付: interface opened, batch sent or file handed over (due 20 working days after approval)."""
    request = _lock(request)
    require(actor, MANAGE, request.provider, target=request)
    if request.status != RequestStatus.APPROVED:
        raise Conflict("request_state", _("该申请%(s)s，不能登记交付") % {"s": request.get_status_display()})
    request.delivery_note = _text(note, field="note", label=_("交付说明"))
    request.delivered_on = _today()
    request.status = RequestStatus.DELIVERED
    _save(request, "delivery_note", "delivered_on", "status")
    audit_record(
        actor=actor,
        action="exchange.request_deliver",
        target=request,
        target_repr=request.number,
        org_unit=request.provider,
    )
    return request


@transaction.atomic
def sharing_request_withdraw(*, actor: User, request: SharingRequest) -> SharingRequest:
    request = _lock(request)
    require(actor, REQUEST, request.consumer, target=request)
    if not request.is_open:
        raise Conflict("request_state", _("该申请%(s)s，不能撤回") % {"s": request.get_status_display()})
    request.status = RequestStatus.WITHDRAWN
    _save(request, "status")
    audit_record(
        actor=actor,
        action="exchange.request_withdraw",
        target=request,
        target_repr=request.number,
        org_unit=request.consumer,
    )
    return request


# --- grants -------------------------------------------------------------------------------------------


@transaction.atomic
def grant_revoke(*, actor: User, grant: Grant, reason: str) -> Grant:
    """撤销授权 (the provider, or the data authority); calls are refused from the next request on."""
    grant = Grant.objects.select_for_update().select_related("entry__provider").get(pk=grant.pk)
    provider = grant.entry.provider
    if not (has_perm(actor, MANAGE, provider) or has_perm(actor, REVIEW, provider)):
        raise AccessDenied(user=actor, perm=MANAGE, org_unit=provider, target=grant)
    if grant.revoked_at is not None:
        raise Conflict("grant_revoked", _("该授权已撤销"))
    grant.revoke_reason = _text(reason, field="reason", label=_("撤销理由"))
    grant.revoked_at = timezone.now()
    grant.revoked_by = actor
    grant.save(update_fields=["revoke_reason", "revoked_at", "revoked_by"])
    audit_record(actor=actor, action="exchange.grant_revoke", target=grant, org_unit=provider)
    return grant


# --- applications (credentials) -------------------------------------------------------------------------


def secret_digest(secret: str) -> str:
    return sm3_hex("egov-exchange-secret\n" + secret)


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def application_create(
    *, actor: User, consumer: OrgUnit, name: str, rate_limit: int = 600
) -> tuple[ExchangeApplication, str]:
    """Register a calling system; returns the application and its secret, which is shown this once."""
    require(actor, MANAGE, consumer)
    name = _text(name, field="name", label=_("应用名称"), limit=100)
    if not isinstance(rate_limit, int) or not 1 <= rate_limit <= 100_000:
        raise Rejected("rate_limit", _("每分钟调用上限应在 1 到 100000 之间"), field="rate_limit")
    if ExchangeApplication.objects.filter(consumer=consumer, name=name).exists():
        raise Rejected("name_taken", _("本单位已有同名应用"), field="name")
    secret = _new_secret()
    application = ExchangeApplication.objects.create(
        consumer=consumer,
        name=name,
        client_id=f"xa{secrets.token_hex(8)}",
        secret_digest=secret_digest(secret),
        rate_limit=rate_limit,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="exchange.application_create",
        target=application,
        target_repr=application.client_id,
        org_unit=consumer,
    )
    return application, secret


@transaction.atomic
def application_rotate_secret(*, actor: User, application: ExchangeApplication) -> str:
    application = ExchangeApplication.objects.select_for_update().select_related("consumer").get(pk=application.pk)
    require(actor, MANAGE, application.consumer, target=application)
    secret = _new_secret()
    application.secret_digest = secret_digest(secret)
    application.secret_rotated_at = timezone.now()
    application.save(update_fields=["secret_digest", "secret_rotated_at"])
    audit_record(
        actor=actor,
        action="exchange.application_rotate",
        target=application,
        target_repr=application.client_id,
        org_unit=application.consumer,
    )
    return secret


@transaction.atomic
def application_set_active(*, actor: User, application: ExchangeApplication, active: bool) -> ExchangeApplication:
    application = ExchangeApplication.objects.select_for_update().select_related("consumer").get(pk=application.pk)
    require(actor, MANAGE, application.consumer, target=application)
    application.is_active = active
    application.disabled_at = None if active else timezone.now()
    application.save(update_fields=["is_active", "disabled_at"])
    audit_record(
        actor=actor,
        action="exchange.application_enable" if active else "exchange.application_disable",
        target=application,
        target_repr=application.client_id,
        org_unit=application.consumer,
    )
    return application


# --- 数据纠错 ------------------------------------------------------------------------------------------


@transaction.atomic
def correction_file(
    *, actor: User, entry: Any, consumer: OrgUnit, description: str, record_ref: str = ""
) -> CorrectionRequest:
    """A consumer that has been granted the data reports an error; the provider answers in 10 working days."""
    require(actor, REQUEST, consumer)
    if not Grant.objects.filter(consumer=consumer, entry=entry).exists():
        raise Rejected("no_grant", _("本单位未获得该数据的共享授权，不能提出纠错"), field="entry")
    today = _today()
    correction = CorrectionRequest.objects.create(
        entry=entry,
        consumer=consumer,
        provider_id=entry.provider_id,
        description=_text(description, field="description", label=_("问题描述")),
        record_ref=_text(record_ref, field="record_ref", label=_("涉及记录"), required=False, limit=200),
        filed_by=actor,
        filed_on=today,
        due_on=clock.correction_due(today),
    )
    audit_record(actor=actor, action="exchange.correction_file", target=correction, org_unit=consumer)
    return correction


@transaction.atomic
def correction_answer(*, actor: User, correction: CorrectionRequest, answer: str, corrected: bool) -> CorrectionRequest:
    correction = CorrectionRequest.objects.select_for_update().select_related("provider").get(pk=correction.pk)
    require(actor, MANAGE, correction.provider, target=correction)
    if correction.status != CorrectionStatus.OPEN:
        raise Conflict("correction_state", _("该纠错已答复"))
    correction.answer = _text(answer, field="answer", label=_("答复"))
    correction.corrected = bool(corrected)
    correction.answered_by = actor
    correction.answered_on = _today()
    correction.status = CorrectionStatus.ANSWERED
    correction.save(update_fields=["answer", "corrected", "answered_by", "answered_on", "status"])
    audit_record(
        actor=actor,
        action="exchange.correction_answer",
        target=correction,
        org_unit=correction.provider,
        detail={"corrected": correction.corrected},
    )
    return correction


__all__ = [
    "application_create",
    "application_rotate_secret",
    "application_set_active",
    "correction_answer",
    "correction_file",
    "grant_revoke",
    "secret_digest",
    "sharing_request_approve",
    "sharing_request_ask_correction",
    "sharing_request_correct",
    "sharing_request_deliver",
    "sharing_request_extension_ask",
    "sharing_request_extension_decide",
    "sharing_request_refuse",
    "sharing_request_submit",
    "sharing_request_withdraw",
]
