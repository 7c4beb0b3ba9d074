"""Writes of the results app: issuing notices (文书) and certificates (电子证照), revoking certificates and the
delivery (送达) of a case's result.

Every function checks permission through the access layer, runs in one transaction and ends with one audit
entry. Document numbers are taken under a row lock in the issuing transaction, so they have no gaps and no
duplicates even when many people issue at once (a rolled-back issue gives its number back).
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.domain.results.models import (
    DELIVERY_TRANSITIONS,
    NOTICE_KINDS,
    NUMBER_WORDS,
    Certificate,
    CertificateStatus,
    Delivery,
    DeliveryEvent,
    DeliveryMethod,
    DeliveryStatus,
    IssuedNotice,
    NumberSequence,
)
from egov.domain.results.pdf import chinese_date, qr_svg_data_uri, render_pdf
from egov.kernel.access.policy import require
from egov.kernel.audit.services import audit_record
from egov.kernel.calendar.deadlines import beijing_today
from egov.kernel.errors import Conflict, Rejected
from egov.kernel.files.services import file_store
from egov.kernel.identifiers import validate_mobile, validate_resident_id, validate_uscc
from egov.kernel.workflow.models import Case, CaseStatus

if TYPE_CHECKING:
    from egov.kernel.accounts.models import User
    from egov.kernel.files.models import StoredFile
    from egov.kernel.orgs.models import OrgUnit

__all__ = [
    "NOTICE_KINDS",
    "certificate_issue",
    "certificate_revoke",
    "delivery_choose",
    "delivery_update",
    "notice_issue",
]

HANDLE = "workflow.handle"
PDF_PURPOSE = "result_document"
VERIFY_PATH = "/verify/{code}/"
CODE_BYTES = 15  # 120 random bits → 24 base32 characters
MAX_PARAGRAPHS = 30
MAX_ITEMS = 50
MAX_FIELDS = 30
MAX_TEXT = 2000

#: The items of a notice are headed by what they are, per kind.
ITEMS_HEADINGS = {
    "acceptance": "需要说明的事项如下：",
    "rejection": "不予受理的理由如下：",
    "correction": "请一次性补正以下材料：",
    "approval": "许可的具体内容如下：",
    "denial": "不予许可的理由如下：",
}
#: 救济途径: a refusal must tell the applicant how to contest it (行政许可法 第三十八条).
REMEDY = (
    "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者自收到本决定书之日起六个月内依法提起行政诉讼。"
)
REFUSALS = frozenset({"rejection", "denial"})


# --- numbers and codes --------------------------------------------------------------------------------


def _next_serial(org_unit: OrgUnit, kind: str, year: int) -> int:
    """Gapless per unit, kind and year: the row stays locked until the issuing transaction ends, so callers
    take the serial as late in their transaction as they can."""
    sequence = NumberSequence.objects.select_for_update().filter(org_unit=org_unit, kind=kind, year=year).first()
    if sequence is None:
        try:
            with transaction.atomic():
                NumberSequence.objects.create(org_unit=org_unit, kind=kind, year=year)
        except IntegrityError:
            pass  # the first number of the year was taken concurrently: the row exists now
        sequence = NumberSequence.objects.select_for_update().get(org_unit=org_unit, kind=kind, year=year)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return sequence.last_value


def document_number(org_unit: OrgUnit, kind: str, year: int, serial: int) -> str:
    """机关代字〔年份〕序号号 (GB/T 9704): year in full inside 〔〕, no 第, no leading zeros."""
    prefix = (org_unit.document_prefix or org_unit.short_name or org_unit.name).strip()
    return f"{prefix}{NUMBER_WORDS[kind]}〔{year}〕{serial}号"


def new_verification_code() -> str:
    """24 characters of RFC 4648 base32 from 120 random bits: unguessable, easy to read out and type."""
    return base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode("ascii")


def public_base_url() -> str:
    return str(getattr(settings, "EGOV_PUBLIC_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")


def verification_url(code: str) -> str:
    """The absolute address of the public verification page (built by hand: the office zone, where
    certificates are issued, does not route public pages)."""
    return public_base_url() + VERIFY_PATH.format(code=code)


# --- helpers ------------------------------------------------------------------------------------------


def _clean_lines(values: Sequence[str] | None, *, field: str, limit: int) -> list[str]:
    lines = [str(value).strip() for value in (values or []) if str(value or "").strip()]
    if len(lines) > limit:
        raise Rejected("too_many", _("最多 %(n)s 项") % {"n": limit}, field=field)
    if any(len(line) > MAX_TEXT for line in lines):
        raise Rejected("too_long", _("每段不超过 %(n)s 字") % {"n": MAX_TEXT}, field=field)
    return lines


def _fresh_case(case: Case) -> Case:
    return Case.objects.select_related("org_unit", "applicant").get(pk=case.pk)


def _store_pdf(*, actor: User, org_unit: OrgUnit, obj: Any, name: str, content: bytes) -> StoredFile:
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return file_store(actor=actor, upload=upload, purpose=PDF_PURPOSE, org_unit=org_unit, related=obj)


@contextmanager
def _removed_on_error(stored: StoredFile) -> Iterator[None]:
    """If the rest of the issue fails, its stored PDF goes too (the rows roll back with the transaction).
    A caller rolling back later leaves an unreferenced blob under a random name, never a readable file."""
    try:
        yield
    except BaseException:
        default_storage.delete(stored.storage_name)
        raise


def _holder_code(value: str) -> str:
    """The normalised resident ID or USCC; empty stays empty, anything else is refused."""
    code = (value or "").strip().upper().replace(" ", "")
    if not code:
        return ""
    for validate in (validate_resident_id, validate_uscc):
        try:
            return validate(code)
        except ValidationError:
            continue
    raise Rejected(
        "holder_code_invalid", _("持证主体证件号码应为有效的身份证号码或统一社会信用代码"), field="holder_code"
    )


# --- notifications ------------------------------------------------------------------------------------

#: What the applicant is asked to do at each delivery step (the ``instruction`` of results.delivery_update).
DELIVERY_INSTRUCTIONS: dict[tuple[str, str], str] = {
    (DeliveryMethod.PICKUP, DeliveryStatus.PREPARED): "办理结果已备妥，可领取：请携带有效身份证件到{unit}窗口领取。",
    (DeliveryMethod.POST, DeliveryStatus.PREPARED): "办理结果已备妥，将尽快寄出。",
    (DeliveryMethod.ELECTRONIC, DeliveryStatus.PREPARED): "办理结果已备妥，将以电子方式送达。",
    (DeliveryMethod.POST, DeliveryStatus.SENT): "办理结果已寄出，请注意查收。",
    (DeliveryMethod.ELECTRONIC, DeliveryStatus.DELIVERED): "办理结果已电子送达，可在“我的办件”中下载。",
    (DeliveryMethod.POST, DeliveryStatus.DELIVERED): "办理结果已签收送达。",
    (DeliveryMethod.PICKUP, DeliveryStatus.COLLECTED): "办理结果已在窗口领取。",
}


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # the other zone's pages are not mounted in this process
        return ""


def _send(case_id: int, event: str, context: dict[str, Any], related: tuple[str, int]) -> None:
    """After the commit: the case's applicant (link to their results page) and its full-process agent if it
    has one (link to the office page of the case), each once."""
    from egov.kernel.notify.services import notify

    case = Case.objects.select_related("applicant").get(pk=case_id)
    sent: set[int] = set()
    if case.applicant is not None:
        notify(
            recipients=[case.applicant],
            event=event,
            context=context,
            related=related,
            url=_url("results:my_results", case.number),
        )
        sent.add(case.applicant.pk)
    if apps.is_installed("egov.domain.agency"):
        from egov.domain.agency.services import current_agent_id
        from egov.kernel.accounts.models import User

        agent_id = current_agent_id(case)
        agent = User.objects.filter(pk=agent_id).first() if agent_id and agent_id not in sent else None
        if agent is not None:
            url = _url("results:office_case", case.number)
            notify(recipients=[agent], event=event, context=context, related=related, url=url)


def _notify_on_commit(case: Case, event: str, context: dict[str, Any], obj: Any) -> None:
    related = (obj._meta.label_lower, obj.pk)
    transaction.on_commit(partial(_send, case.pk, event, context, related))


# --- notices ------------------------------------------------------------------------------------------


def notice_context(notice: IssuedNotice, case: Case) -> dict[str, Any]:
    return {
        "notice": notice,
        "case": case,
        "issuer": notice.org_unit.name,
        "issued_on_text": chinese_date(notice.issued_on),
        "items_heading": ITEMS_HEADINGS[notice.kind],
        "remedy": REMEDY if notice.kind in REFUSALS else "",
    }


@transaction.atomic
def notice_issue(
    *,
    actor: User,
    case: Case,
    kind: str,
    paragraphs: list[str],
    items: list[str] | None = None,
    legal_basis: str = "",
    recipient_name: str = "",
) -> IssuedNotice:
    """Issue a numbered notice or decision on ``case`` as a PDF (GB/T 9704-style, CJK font embedded).

    Needs workflow.handle at the case's unit. A 补正材料通知书 must list every item to correct at once
    (一次性告知); refusals carry the remedy paragraph (复议/诉讼) automatically.
    """
    require(actor, HANDLE, case.org_unit, target=case)
    if kind not in NOTICE_KINDS:
        raise Rejected("notice_kind", _("未知的文书种类"), field="kind")
    lines = _clean_lines(paragraphs, field="paragraphs", limit=MAX_PARAGRAPHS)
    if not lines:
        raise Rejected("paragraphs_required", _("请填写文书正文"), field="paragraphs")
    listed = _clean_lines(items, field="items", limit=MAX_ITEMS)
    if kind == "correction" and not listed:
        raise Rejected("items_required", _("补正材料通知书须一次性列明全部需要补正的材料"), field="items")
    legal_basis = (legal_basis or "").strip()[:MAX_TEXT]
    case = _fresh_case(case)
    recipient = (recipient_name or "").strip() or (case.applicant.display_name if case.applicant else "")
    today = beijing_today()
    serial = _next_serial(case.org_unit, kind, today.year)
    notice = IssuedNotice.objects.create(
        case=case,
        org_unit=case.org_unit,
        kind=kind,
        year=today.year,
        serial=serial,
        number=document_number(case.org_unit, kind, today.year, serial),
        title=NOTICE_KINDS[kind],
        recipient_name=recipient[:120],
        paragraphs=lines,
        items=listed,
        legal_basis=legal_basis,
        issued_on=today,
        issued_by=actor,
    )
    content = render_pdf("results/pdf/notice.html", notice_context(notice, case))
    stored = _store_pdf(
        actor=actor, org_unit=case.org_unit, obj=notice, name=f"{notice.title}-{notice.number}.pdf", content=content
    )
    with _removed_on_error(stored):
        notice.file = stored
        notice.save(update_fields=["file"])
        audit_record(
            actor=actor,
            action="results.notice_issue",
            target=notice,
            target_repr=notice.number,
            org_unit=case.org_unit,
            detail={"case": case.number, "kind": kind, "number": notice.number},
        )
    return notice


# --- certificates -------------------------------------------------------------------------------------


def certificate_context(certificate: Certificate, case: Case) -> dict[str, Any]:
    code = certificate.holder_code
    return {
        "certificate": certificate,
        "case": case,
        "issuer": certificate.org_unit.name,
        "holder_code": code,
        "holder_code_label": _holder_code_label(code),
        "issued_on_text": chinese_date(certificate.issued_on),
        "valid_until_text": chinese_date(certificate.valid_until) if certificate.valid_until else _("长期"),
        "qr": qr_svg_data_uri(certificate.verify_url),
    }


def _holder_code_label(code: str) -> str:
    if not code:
        return ""
    try:
        validate_resident_id(code)
    except ValidationError:
        return _("统一社会信用代码")
    return _("公民身份号码")


@transaction.atomic
def certificate_issue(
    *,
    actor: User,
    case: Case,
    title: str,
    holder_name: str,
    holder_code: str,
    fields: list[tuple[str, str]],
    valid_until: date | None = None,
) -> Certificate:
    """Issue an electronic certificate on ``case``: PDF with a QR code to the public verification page.

    Needs workflow.handle at the case's unit. ``holder_code`` (resident ID or USCC) is stored encrypted.
    """
    require(actor, HANDLE, case.org_unit, target=case)
    title = (title or "").strip()
    if not title or len(title) > 100:
        raise Rejected("title_required", _("请填写证照名称（不超过100字）"), field="title")
    holder_name = (holder_name or "").strip()
    if not holder_name or len(holder_name) > 120:
        raise Rejected("holder_required", _("请填写持证主体名称（不超过120字）"), field="holder_name")
    code = _holder_code(holder_code)
    rows: list[list[str]] = []
    for row in fields or []:
        if len(row) != 2 or not str(row[0]).strip():
            raise Rejected("fields_invalid", _("证照内容每项须有名称和值"), field="fields")
        rows.append([str(row[0]).strip()[:40], str(row[1]).strip()[:MAX_TEXT]])
    if len(rows) > MAX_FIELDS:
        raise Rejected("too_many", _("最多 %(n)s 项") % {"n": MAX_FIELDS}, field="fields")
    today = beijing_today()
    if valid_until is not None and valid_until < today:
        raise Rejected("valid_until_past", _("有效期不能早于发证日期"), field="valid_until")
    case = _fresh_case(case)
    verification_code = new_verification_code()
    while Certificate.objects.filter(code=verification_code).exists():  # 2^-120: never, but never twice
        verification_code = new_verification_code()
    serial = _next_serial(case.org_unit, "certificate", today.year)
    certificate = Certificate(
        code=verification_code,
        number=document_number(case.org_unit, "certificate", today.year, serial),
        serial=serial,
        year=today.year,
        case=case,
        org_unit=case.org_unit,
        title=title,
        holder_name=holder_name,
        fields=rows,
        issued_on=today,
        valid_until=valid_until,
        verify_url=verification_url(verification_code),
        issued_by=actor,
    )
    certificate.holder_code = code
    certificate.save()
    content = render_pdf("results/pdf/certificate.html", certificate_context(certificate, case))
    stored = _store_pdf(
        actor=actor,
        org_unit=case.org_unit,
        obj=certificate,
        name=f"{certificate.title}-{certificate.number}.pdf",
        content=content,
    )
    with _removed_on_error(stored):
        certificate.file = stored
        certificate.save(update_fields=["file"])
        audit_record(
            actor=actor,
            action="results.certificate_issue",
            target=certificate,
            target_repr=certificate.number,
            org_unit=case.org_unit,
            detail={"case": case.number, "number": certificate.number, "title": title},
        )
    return certificate


@transaction.atomic
def certificate_revoke(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    """撤销 a certificate: the verification page shows when and why from now on. Needs workflow.handle at the
    issuing unit."""
    require(actor, HANDLE, certificate.org_unit, target=certificate)
    reason = (reason or "").strip()
    if not reason:
        raise Rejected("reason_required", _("请填写撤销原因"), field="reason")
    if len(reason) > 500:
        raise Rejected("reason_too_long", _("撤销原因不超过500字"), field="reason")
    locked = Certificate.objects.select_for_update().select_related("org_unit").get(pk=certificate.pk)
    if locked.status == CertificateStatus.REVOKED:
        raise Conflict("already_revoked", _("该证照已被撤销"))
    locked.status = CertificateStatus.REVOKED
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.revoke_reason = reason
    locked.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason"])
    audit_record(
        actor=actor,
        action="results.certificate_revoke",
        target=locked,
        target_repr=locked.number,
        org_unit=locked.org_unit,
        detail={"number": locked.number},
    )
    case = Case.objects.get(pk=locked.case_id)
    today = beijing_today()
    context = {
        "case_title": case.title,
        "case_number": case.number,
        "certificate_title": locked.title,
        "certificate_number": locked.number,
        "reason": reason,
        "unit_name": locked.org_unit.name,
        "revoked_on": f"{today.year}年{today.month}月{today.day}日",
    }
    _notify_on_commit(case, "results.certificate_revoke", context, locked)
    return locked


# --- delivery -----------------------------------------------------------------------------------------

_TRACKING_RE = re.compile(r"^[A-Za-z0-9-]{6,40}$")
CLOSED_CASE = (CaseStatus.TERMINATED, CaseStatus.WITHDRAWN)


@transaction.atomic
def delivery_choose(*, actor: User, case: Case, method: str, address: str = "", phone: str = "") -> Delivery:
    """The applicant (or a handler for them) chooses how the result is delivered; it can be changed until
    the office starts preparing it. A postal address and phone are kept only for 邮寄送达, encrypted."""
    locked_case = Case.objects.select_for_update().get(pk=case.pk)
    if locked_case.applicant_id is None or locked_case.applicant_id != actor.pk:
        require(actor, HANDLE, case.org_unit, target=case)
    if locked_case.status in CLOSED_CASE:
        raise Rejected("case_closed", _("该办件已终止或撤回，无需选择送达方式"))
    if method not in DeliveryMethod.values:
        raise Rejected("method_invalid", _("请选择送达方式：电子送达、窗口自取或邮寄送达"), field="method")
    address = (address or "").strip()
    phone = (phone or "").strip()
    if method == DeliveryMethod.POST:
        if len(address) < 6:
            raise Rejected("address_required", _("邮寄送达请填写详细的收件地址"), field="address")
        if len(address) > 200:
            raise Rejected("address_too_long", _("收件地址不超过200字"), field="address")
        try:
            phone = validate_mobile(phone)
        except ValidationError as exc:
            raise Rejected("phone_invalid", _("请填写收件人的11位手机号码"), field="phone") from exc
    else:
        address = phone = ""
    delivery = Delivery.objects.select_for_update().filter(case_id=case.pk).first()
    if delivery is not None and delivery.status != DeliveryStatus.CHOSEN:
        raise Conflict("delivery_started", _("办理部门已开始准备送达，不能再更改送达方式；如需更改请联系办理部门"))
    if delivery is None:
        delivery = Delivery(case_id=case.pk, status=DeliveryStatus.CHOSEN)
    delivery.method = method
    delivery.address = address
    delivery.phone = phone
    delivery.chosen_by = actor
    delivery.save()
    DeliveryEvent.objects.create(delivery=delivery, status=DeliveryStatus.CHOSEN, method=method, actor=actor)
    audit_record(
        actor=actor,
        action="results.delivery_choose",
        target=delivery,
        target_repr=locked_case.number,
        org_unit=case.org_unit,
        detail={"case": locked_case.number, "method": method},
    )
    return delivery


@transaction.atomic
def delivery_update(*, actor: User, delivery: Delivery, status: str, tracking_no: str = "", note: str = "") -> Delivery:
    """Move the delivery one step on (备妥 → 寄出 with a tracking number → 送达, or 备妥 → 领取); a handler of
    the case's unit only, and only along the steps of the chosen method."""
    case = Case.objects.select_related("org_unit").get(pk=delivery.case_id)
    require(actor, HANDLE, case.org_unit, target=case)
    locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if status not in DeliveryStatus.values:
        raise Rejected("status_invalid", _("送达状态无效"), field="status")
    allowed = DELIVERY_TRANSITIONS[locked.method].get(locked.status, ())
    if status not in allowed:
        raise Conflict(
            "delivery_state",
            _("当前送达状态为“%(now)s”，不能变更为“%(to)s”，请刷新后重试")
            % {"now": DeliveryStatus(locked.status).label, "to": DeliveryStatus(status).label},
        )
    tracking_no = (tracking_no or "").strip()
    if status == DeliveryStatus.SENT:
        if not _TRACKING_RE.match(tracking_no):
            raise Rejected("tracking_required", _("寄出时请填写快递单号（6–40位字母或数字）"), field="tracking_no")
        locked.tracking_no = tracking_no
    note = (note or "").strip()
    if len(note) > 300:
        raise Rejected("note_too_long", _("说明不超过300字"), field="note")
    locked.status = status
    locked.save(update_fields=["status", "tracking_no", "updated_at"])
    DeliveryEvent.objects.create(
        delivery=locked,
        status=status,
        method=locked.method,
        tracking_no=tracking_no if status == DeliveryStatus.SENT else "",
        note=note,
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="results.delivery_update",
        target=locked,
        target_repr=case.number,
        org_unit=case.org_unit,
        detail={"case": case.number, "status": status},
    )
    instruction = DELIVERY_INSTRUCTIONS.get((locked.method, status), "")
    context = {
        "case_title": case.title,
        "case_number": case.number,
        "method": DeliveryMethod(locked.method).label,
        "status": DeliveryStatus(status).label,
        "tracking_no": locked.tracking_no if status == DeliveryStatus.SENT else "",
        "note": note,
        "instruction": instruction.format(unit=case.org_unit.name),
        "unit_name": case.org_unit.name,
    }
    _notify_on_commit(case, "results.delivery_update", context, locked)
    return locked


@transaction.atomic
def delivery_address_reveal(*, actor: User, delivery: Delivery) -> tuple[str, str]:
    """The full postal address and phone for the handler who mails the result (pages show them masked);
    every look is audited."""
    case = Case.objects.select_related("org_unit").get(pk=delivery.case_id)
    require(actor, HANDLE, case.org_unit, target=case)
    audit_record(
        actor=actor,
        action="results.delivery_address_reveal",
        target=delivery,
        target_repr=case.number,
        org_unit=case.org_unit,
        detail={"case": case.number},
    )
    return delivery.address, delivery.phone
