"""Public verification API: GET /api/public/verify/{code} — the same answer as the /verify/<code>/ page.

Rate limited per IP with the page (429). A code nobody issued is a 404 with "未查询到该证照，可能为伪造"."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from egov.domain.results import selectors
from egov.domain.results.throttle import check_verify_rate
from egov.kernel.errors import NotFound

api_prefix = "verify"
public_router = Router(tags=["verify"])


class VerificationOut(Schema):
    state: str
    message: str
    code: str
    title: str
    number: str
    issuer: str
    holder: str
    holder_code: str
    issued_on: dt.date | None
    valid_until: dt.date | None
    revoked_at: dt.datetime | None
    revoke_reason: str


class ErrorOut(Schema):
    error: dict[str, str | None]


@public_router.get(
    "/{code}",
    response={200: VerificationOut, 404: ErrorOut, 429: ErrorOut},
    summary="核验电子证照",
    description="state: valid（真实有效）、revoked（已撤销）、expired（已过期）；持证主体信息已脱敏。",
)
def verify(request: HttpRequest, code: str) -> VerificationOut:
    check_verify_rate(request)
    result = selectors.verify_certificate(code)
    if not result.genuine:
        raise NotFound("certificate_not_found", result.message)
    return VerificationOut(
        state=result.state,
        message=result.message,
        code=result.code,
        title=result.title,
        number=result.number,
        issuer=result.issuer,
        holder=result.holder,
        holder_code=result.holder_code,
        issued_on=result.issued_on,
        valid_until=result.valid_until,
        revoked_at=result.revoked_at,
        revoke_reason=result.revoke_reason,
    )
