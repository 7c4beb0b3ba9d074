"""Factories for the results tests: the shared org, user and role factories, and a started case."""

from __future__ import annotations

from egov.domain.services.models import SUBJECT_TYPE
from egov.kernel.access.tests.factories import grant
from egov.kernel.accounts.models import User
from egov.kernel.accounts.tests.factories import PersonFactory, StaffFactory, UserFactory
from egov.kernel.orgs.models import OrgUnit
from egov.kernel.orgs.tests.factories import OrgUnitFactory
from egov.kernel.workflow.models import Case
from egov.kernel.workflow.services import case_start

__all__ = ["OrgUnitFactory", "PersonFactory", "StaffFactory", "UserFactory", "grant", "start_case"]


def start_case(*, handler: User, org_unit: OrgUnit, applicant: User | None, title: str = "个体工商户设立登记") -> Case:
    """A case of the demo process (受理 → 会签 → 审批) owned by ``org_unit``, as the services app starts them."""
    return case_start(
        actor=handler,
        process_key="demo_joint_approval",
        org_unit=org_unit,
        title=title,
        applicant=applicant,
        subject_type=SUBJECT_TYPE,
        subject_id="1",
    )
