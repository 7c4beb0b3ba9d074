"""Reads of the results app: a case's notices, certificates and delivery; the public verification answer;
the office overview scoped to the units where the person handles cases."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from egov.domain.results.models import (
    Certificate,
    CertificateStatus,
    Delivery,
    DeliveryEvent,
    DeliveryStatus,
    IssuedNotice,
)
from egov.kernel.calendar.deadlines import beijing_today
from egov.kernel.identifiers import mask, mask_name, validate_resident_id

if TYPE_CHECKING:
    from egov.kernel.accounts.models import User
    from egov.kernel.workflow.models import Case

HANDLE = "workflow.handle"
CODE_RE = re.compile(r"^[A-Z2-7]{16,40}$")


def notices_for_case(case: Case) -> QuerySet[IssuedNotice]:
    return IssuedNotice.objects.filter(case=case).select_related("org_unit", "file").order_by("created_at", "id")


def certificates_for_case(case: Case) -> QuerySet[Certificate]:
    return (
        Certificate.objects.filter(case=case)
        .select_related("org_unit", "file", "revoked_by")
        .order_by("created_at", "id")
    )


def delivery_for_case(case: Case) -> Delivery | None:
    return Delivery.objects.filter(case_id=case.pk).first()


def delivery_history(delivery: Delivery) -> QuerySet[DeliveryEvent]:
    return delivery.events.select_related("actor").order_by("at", "id")


def masked_address(delivery: Delivery) -> str:
    """Keep the first six characters of the address (the district), hide the street and house."""
    return mask(delivery.address, keep_start=6, keep_end=0) if delivery.address else ""


def masked_holder_code(code: str) -> str:
    """A resident ID is personal data (masked); a USCC identifies a business publicly (shown)."""
    if not code:
        return ""
    try:
        validate_resident_id(code)
    except Exception:  # noqa: BLE001 - any failure means "not a resident ID"
        return code
    return mask(code, keep_start=4, keep_end=4)


def masked_holder_name(certificate: Certificate) -> str:
    """Names of natural persons are masked (张*); a business holder's name is public."""
    code = certificate.holder_code
    return certificate.holder_name if code and masked_holder_code(code) == code else mask_name(certificate.holder_name)


# --- public verification ------------------------------------------------------------------------------

VerificationState = Literal["valid", "revoked", "expired", "not_found"]


@dataclass(frozen=True)
class Verification:
    state: VerificationState
    message: str
    code: str
    title: str = ""
    number: str = ""
    issuer: str = ""
    holder: str = ""
    holder_code: str = ""
    issued_on: date | None = None
    valid_until: date | None = None
    revoked_at: datetime | None = None
    revoke_reason: str = ""

    @property
    def genuine(self) -> bool:
        return self.state != "not_found"


def normalize_code(raw: str) -> str:
    """Upper-case, without spaces or dashes (people read codes out in groups); "" if it cannot be a code."""
    code = re.sub(r"[\s-]+", "", (raw or "")[:80]).upper()
    return code if CODE_RE.match(code) else ""


def verify_certificate(raw_code: str, *, today: date | None = None) -> Verification:
    """What the public verification page says about a code: genuine and valid, revoked, expired or unknown.

    Personal data leaves masked only; nothing is written."""
    code = normalize_code(raw_code)
    certificate = Certificate.objects.select_related("org_unit").filter(code=code).first() if code else None
    if certificate is None:
        return Verification("not_found", _("未查询到该证照，可能为伪造"), code=code or (raw_code or "")[:40])
    today = today or beijing_today()
    if certificate.status == CertificateStatus.REVOKED:
        state: VerificationState = "revoked"
        message = _("该证照真实，但已被发证机关撤销，现已无效")
    elif certificate.valid_until is not None and certificate.valid_until < today:
        state, message = "expired", _("该证照真实，但已超过有效期，现已无效")
    else:
        state, message = "valid", _("该证照真实有效")
    return Verification(
        state,
        message,
        code=certificate.code,
        title=certificate.title,
        number=certificate.number,
        issuer=certificate.org_unit.name,
        holder=masked_holder_name(certificate),
        holder_code=masked_holder_code(certificate.holder_code),
        issued_on=certificate.issued_on,
        valid_until=certificate.valid_until,
        revoked_at=certificate.revoked_at if state == "revoked" else None,
        revoke_reason=certificate.revoke_reason if state == "revoked" else "",
    )


# --- office overview ----------------------------------------------------------------------------------

OPEN_DELIVERY = (DeliveryStatus.CHOSEN, DeliveryStatus.PREPARED, DeliveryStatus.SENT)


def pending_deliveries(user: User, *, limit: int = 50) -> list[Delivery]:
    """Deliveries not finished yet in the units where ``user`` handles cases (待送达), oldest first."""
    from egov.kernel.access.policy import units_with_perm
    from egov.kernel.workflow.models import Case

    cases = Case.objects.filter(org_unit__in=units_with_perm(user, HANDLE)).values("pk")
    rows = (
        Delivery.objects.filter(status__in=OPEN_DELIVERY, case_id__in=cases)
        .order_by("updated_at", "id")
        .select_related("case", "case__org_unit")[:limit]
    )
    return list(rows)


def recent_certificates(user: User, *, limit: int = 50) -> list[Certificate]:
    from egov.kernel.access.policy import units_with_perm

    return list(
        Certificate.objects.filter(org_unit__in=units_with_perm(user, HANDLE))
        .select_related("case", "org_unit")
        .order_by("-created_at", "-id")[:limit]
    )
