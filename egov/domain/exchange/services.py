"""Writes of the sharing subsystem: requests on the workflow core, grants, application credentials, 数据纠错.

Who may do what: the requester holds ``data.request`` at the consumer unit; the provider answers with
``data.manage`` at the provider unit; the League data authority (``data.review``) approves extensions and may
revoke grants; application credentials are managed with ``data.manage`` at the consumer unit.
Every function locks what it changes, re-checks the state, and leaves one audit entry.

A submitted request starts a case of ``exchange_sharing`` (ADR 0014): 审核 in the provider's ``data_admin``
queue, then 交付; 补正 suspends the case clock, an approved extension extends the 审核 step, withdrawal
terminates the case. The kernel checks these permissions instead of workflow.handle through the process
policy registered in ``apps.py``. The request's status and due dates mirror the case in the same transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
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
from egov.kernel.workflow.models import ACTIVE_ITEM_STATUSES, Case, ClockEvent, ClockKind, WorkItem

REQUEST = "data.request"
MANAGE = "data.manage"
REVIEW = "data.review"

#: The sharing process on the workflow core (processes/exchange_sharing.bpmn) and its case numbers (XAGX-2026-…).
PROCESS_KEY = "exchange_sharing"
PROCESS_FILE = Path(__file__).resolve().parent / "processes" / "exchange_sharing.bpmn"
NUMBER_PREFIX = "XAGX"
SUBJECT_TYPE = "exchange.sharing_request"
#: The 审核 step (1 or 10 working days by sharing type) and the 交付 step (20 working days) of the process.
REVIEW_STEPS = ("review_unconditional", "review_conditional")
DELIVER_STEP = "deliver"

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
    return (
        SharingRequest.objects.select_for_update(of=("self",))
        .select_related("entry", "consumer", "provider", "case")
        .get(pk=request.pk)
    )


def _ensure_version(request: SharingRequest, expected_version: int | None) -> None:
    if expected_version is not None and request.version != expected_version:
        raise Conflict("request_changed", _("该申请已发生变化，请刷新后重试"))


def _save(request: SharingRequest, *fields: str) -> None:
    request.version += 1
    request.save(update_fields=[*fields, "version", "updated_at"])


# --- the workflow case behind a request ------------------------------------------------------------------


def ensure_process() -> None:
    """Publish the sharing process (a new version only when the file changed); run by the demo step and,
    lazily, by the first submission on a database that has none."""
    from egov.kernel.workflow.services import definition_publish_file

    definition_publish_file(PROCESS_FILE, number_prefix=NUMBER_PREFIX)


def _case_of(request: SharingRequest) -> Case:
    if request.case is None:
        raise Conflict("request_without_case", _("该申请提交于共享流程启用之前，请撤回后重新提交"))
    return request.case


def open_step(request: SharingRequest, steps: Sequence[str]) -> WorkItem | None:
    """The open 审核 or 交付 item of the request's case (None when the case is elsewhere)."""
    if request.case_id is None:
        return None
    return (
        WorkItem.objects.filter(case_id=request.case_id, step__in=steps, status__in=ACTIVE_ITEM_STATUSES)
        .select_related("case", "org_unit", "queue_org_unit", "assignee")
        .first()
    )


def _step_or_conflict(request: SharingRequest, steps: Sequence[str]) -> WorkItem:
    item = open_step(request, steps)
    if item is None:
        raise Conflict("step_closed", _("该申请已不在此环节，请刷新后重试"))
    return item


def _answer_due_from(request: SharingRequest) -> None:
    """Copy the answer step's due date (moved by 补正 and 延期 in the case core) onto the request."""
    item = open_step(request, REVIEW_STEPS)
    if item is not None and item.due_on is not None:
        request.answer_due_on = item.due_on


def _suspended_by(case: Case) -> User | None:
    event = ClockEvent.objects.filter(case=case, kind=ClockKind.SUSPEND).select_related("actor").order_by("-at", "-pk")
    first = event.first()
    return first.actor if first is not None else None


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
    """共享申请: states 使用依据、使用场景、使用范围、共享方式、使用时限 and the data items needed; starts the
    case whose 审核 step waits in the provider's data administrators' queue."""
    from egov.kernel.workflow.models import ProcessDefinition
    from egov.kernel.workflow.services import case_start

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
    if not ProcessDefinition.objects.filter(key=PROCESS_KEY, is_published=True).exists():
        ensure_process()
    answer_limit = clock.answer_limit(entry.sharing_type)
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
        answer_limit=answer_limit,
        answer_due_on=today,
    )
    request.number = _next_number(today.year)
    request.save()
    case = case_start(
        actor=actor,
        process_key=PROCESS_KEY,
        org_unit=entry.provider,
        title=f"共享申请：{entry.title}（{consumer.name}）",
        applicant=actor,
        subject_type=SUBJECT_TYPE,
        subject_id=request.pk,
        subject_repr=request.number,
        data={"sharing_type": entry.sharing_type, "request": request.number},
        # The outer statutory bound of the whole case: the answer, then delivery 20 working days after it.
        statutory_limit=answer_limit + clock.DELIVERY_DAYS,
    )
    request.case = case
    _answer_due_from(request)
    request.save(update_fields=["case", "answer_due_on"])
    audit_record(
        actor=actor,
        action="exchange.request_submit",
        target=request,
        target_repr=request.number,
        org_unit=consumer,
        detail={"entry": entry.code, "provider": entry.provider_id, "items": len(chosen), "case": case.number},
    )
    return request


@transaction.atomic
def sharing_request_ask_correction(
    *, actor: User, request: SharingRequest, note: str, expected_version: int | None = None
) -> SharingRequest:
    """告知补正: tell the requester once, in full, what is missing; the case clock stops (补正) until they reply."""
    from egov.kernel.workflow.services import case_suspend

    request = _lock(request)
    require(actor, MANAGE, request.provider, target=request)
    _ensure_version(request, expected_version)
    if request.status != RequestStatus.SUBMITTED:
        raise Conflict("request_state", _("该申请%(s)s，不能告知补正") % {"s": request.get_status_display()})
    if request.correction_requested_on is not None:
        raise Conflict("correction_once", _("补正只能一次性告知，该申请已告知过补正"))
    note = _text(note, field="note", label=_("需要补正的内容"))
    case = _case_of(request)
    _step_or_conflict(request, REVIEW_STEPS)
    case_suspend(
        actor=actor, case=case, reason_code="correction", reason=_("一次性告知补正：") + note, owner=SUBJECT_TYPE
    )
    request.correction_note = note
    request.correction_requested_on = _today()
    request.status = RequestStatus.CORRECTION
    _save(request, "correction_note", "correction_requested_on", "status")
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
    """补正完成: the requester resubmits; the case clock runs again from here and the answer is due later by
    the suspended days."""
    from egov.kernel.workflow.services import case_resume

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
    case = _case_of(request)
    # Only handlers move a case clock; the resumption is recorded under the provider's administrator who
    # suspended it (as the service hall does, ADR 0005), the correction itself under the requester (below).
    resumer = _suspended_by(case)
    if resumer is None:
        raise Conflict("case_not_suspended", _("该申请的计时未暂停，请刷新后重试"))
    case_resume(actor=resumer, case=case, reason=_("申请单位已补正"), owner=SUBJECT_TYPE)
    request.correction_answered_on = today
    request.status = RequestStatus.SUBMITTED
    _answer_due_from(request)
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
    request.extension_asked_by = actor
    _save(request, "extension_days", "extension_reason", "extension_status", "extension_asked_by")
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
    """The League data authority approves or refuses an extension; an approved one extends the case and its
    审核 step in the case core (``case_extend``: asked by the provider, approved by the authority)."""
    from egov.kernel.workflow.services import case_extend

    request = _lock(request)
    require(actor, REVIEW, request.provider, target=request)
    if request.extension_status != ExtensionStatus.PENDING:
        raise Conflict("extension_state", _("该申请没有待批准的延期"))
    if approve:
        case = _case_of(request)
        item = _step_or_conflict(request, REVIEW_STEPS)
        asker = request.extension_asked_by
        if asker is None:
            raise Conflict("extension_asker", _("找不到延期申请人，请提供单位重新申请延期"))
        case_extend(
            actor=asker,
            case=case,
            days=request.extension_days,
            unit="wd",
            reason=request.extension_reason,
            approved_by=actor,
            work_item=item,
            owner=SUBJECT_TYPE,
        )
        _answer_due_from(request)
    request.extension_status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    request.extension_approved_by = actor if approve else None
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
    """同意共享: completes the 审核 step (→ 交付, due 20 working days from today); the approval becomes a grant
    (allowed columns ⊆ requested items, optional row filter, validity up to the requested 使用时限)."""
    from egov.kernel.workflow.services import work_item_complete

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
    _case_of(request)
    item = _step_or_conflict(request, REVIEW_STEPS)
    note = (note or "").strip()
    work_item_complete(actor=actor, item=item, outcome="approve", opinion=note or _("同意共享"), owner=SUBJECT_TYPE)
    delivery = _step_or_conflict(request, (DELIVER_STEP,))
    request.status = RequestStatus.APPROVED
    request.decided_on = today
    request.decided_by = actor
    request.decision_note = note
    request.delivery_due_on = delivery.due_on
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
    """不予共享: the reasons are required and shown to the requester; the 审核 step ends the case."""
    from egov.kernel.workflow.services import work_item_complete

    request = _lock(request)
    require(actor, MANAGE, request.provider, target=request)
    _ensure_version(request, expected_version)
    if request.status != RequestStatus.SUBMITTED:
        raise Conflict("request_state", _("该申请%(s)s，不能答复") % {"s": request.get_status_display()})
    reason = _text(reason, field="reason", label=_("不予共享的理由"))
    _case_of(request)
    item = _step_or_conflict(request, REVIEW_STEPS)
    work_item_complete(actor=actor, item=item, outcome="refuse", opinion=reason, owner=SUBJECT_TYPE)
    request.decision_note = reason
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
    """交付: interface opened, batch sent or file handed over; completes the 交付 step and the case."""
    from egov.kernel.workflow.services import work_item_complete

    request = _lock(request)
    require(actor, MANAGE, request.provider, target=request)
    if request.status != RequestStatus.APPROVED:
        raise Conflict("request_state", _("该申请%(s)s，不能登记交付") % {"s": request.get_status_display()})
    note = _text(note, field="note", label=_("交付说明"))
    _case_of(request)
    item = _step_or_conflict(request, (DELIVER_STEP,))
    work_item_complete(actor=actor, item=item, outcome="deliver", opinion=note, owner=SUBJECT_TYPE)
    request.delivery_note = note
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
    """撤回 (before the answer): the case is terminated and its open 审核 item cancelled."""
    from egov.kernel.workflow.services import case_terminate

    request = _lock(request)
    require(actor, REQUEST, request.consumer, target=request)
    if not request.is_open:
        raise Conflict("request_state", _("该申请%(s)s，不能撤回") % {"s": request.get_status_display()})
    if request.case is not None and request.case.is_active:
        case_terminate(actor=actor, case=request.case, reason=_("申请单位撤回共享申请"), owner=SUBJECT_TYPE)
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


def may_withdraw_case(user: User, case: Case) -> bool:
    """Workflow policy hook: the requesting unit (``data.request`` at the consumer) may end its request's case."""
    request = SharingRequest.objects.filter(case_id=case.pk).select_related("consumer").first()
    return request is not None and has_perm(user, REQUEST, request.consumer)


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
