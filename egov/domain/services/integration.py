"""The service hall's calls into the results app (notices, certificates) and the agency app (代办员).

One module, so that the contract (/docs/adr/0005) is visible in one place and tests can replace these three
functions. The apps are imported lazily: they are siblings on the domain floor, built in parallel.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from egov.kernel.accounts.models import User
    from egov.kernel.orgs.models import OrgUnit
    from egov.kernel.workflow.models import Case

logger = logging.getLogger(__name__)


def issue_notice(
    *,
    actor: User,
    case: Case,
    kind: str,
    paragraphs: list[str],
    items: list[str] | None = None,
    legal_basis: str = "",
    recipient_name: str = "",
) -> Any:
    """A formal notice (受理通知书, 不予受理决定书, 补正材料通知书, 准予/不予行政许可决定书) as PDF."""
    from egov.domain.results.services import notice_issue

    return notice_issue(
        actor=actor,
        case=case,
        kind=kind,
        paragraphs=paragraphs,
        items=items,
        legal_basis=legal_basis,
        recipient_name=recipient_name,
    )


def issue_certificate(
    *,
    actor: User,
    case: Case,
    title: str,
    holder_name: str,
    holder_code: str,
    fields: list[tuple[str, str]],
    valid_until: date | None = None,
) -> Any:
    from egov.domain.results.services import certificate_issue

    return certificate_issue(
        actor=actor,
        case=case,
        title=title,
        holder_name=holder_name,
        holder_code=holder_code,
        fields=fields,
        valid_until=valid_until,
    )


def assign_agent(*, case: Case, county: OrgUnit | None, theme_codes: list[str]) -> Any:
    from egov.domain.agency.services import agent_assign

    return agent_assign(case=case, county=county, theme_codes=theme_codes)


def case_documents(case: Case) -> dict[str, Any]:
    """Notices, certificates and the delivery of a case for the applicant's page (empty before B exists)."""
    try:
        from egov.domain.results import selectors
    except ImportError:  # pragma: no cover - the results app is always installed with the hall
        logger.warning("services: results selectors unavailable")
        return {"notices": [], "certificates": [], "delivery": None}
    return {
        "notices": list(selectors.notices_for_case(case)),
        "certificates": list(selectors.certificates_for_case(case)),
        "delivery": selectors.delivery_for_case(case),
    }
