"""Who may download a result PDF (registered with the files app), and the start-up check of the PDF font."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core import checks

if TYPE_CHECKING:
    from egov.kernel.accounts.models import User
    from egov.kernel.files.models import StoredFile


def _may_view_case_of(model: Any, user: User, stored: StoredFile) -> bool:
    """The case's applicant and everyone who may see the case (handlers, viewers, its agent …)."""
    from egov.kernel.workflow.selectors import can_view_case

    if not stored.related_id.isdigit():
        return False
    obj = model.objects.select_related("case", "case__org_unit").filter(pk=int(stored.related_id)).first()
    return obj is not None and can_view_case(user, obj.case)


def may_download_notice(user: User, stored: StoredFile) -> bool:
    from egov.domain.results.models import IssuedNotice

    return _may_view_case_of(IssuedNotice, user, stored)


def may_download_certificate(user: User, stored: StoredFile) -> bool:
    from egov.domain.results.models import Certificate

    return _may_view_case_of(Certificate, user, stored)


def check_pdf_font(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """W001: no CJK face at all (PDFs would print boxes); W002: the subset faces of ``make install-fonts`` are
    missing (PDFs render, but each costs ~0.6 s and hundreds of MB more)."""
    from egov.domain.results.pdf import missing_cjk_font, missing_subset

    found: list[checks.CheckMessage] = []
    if problem := missing_cjk_font():
        found.append(checks.Warning(problem, id="results.W001"))
    if problem := missing_subset():
        found.append(checks.Warning(problem, id="results.W002"))
    return found
