"""Cases owned by a domain app (``policies.CaseOwner``): the kernel refuses the owned actions unless the owner's
own service asks, so a step done elsewhere cannot leave the app's records behind."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from egov.kernel.errors import Rejected
from egov.kernel.workflow import services
from egov.kernel.workflow.models import Case, CaseStatus, WorkItem, WorkItemStatus
from egov.kernel.workflow.policies import CaseOwner, register_case_owner, unregister_case_owner
from egov.kernel.workflow.tests.conftest import World, start_case

OWNER = "tests.licence"


@pytest.fixture
def owner() -> Iterator[CaseOwner]:
    registered = CaseOwner(
        subject_type=OWNER,
        place="许可办理页",
        process_keys=frozenset({"demo_joint_approval"}),
        actions=frozenset({"complete", "return", "withdraw", "terminate"}),
        reasons=frozenset({"correction"}),
        url=lambda case: f"/licences/{case.subject_id}/",
    )
    register_case_owner(registered)
    yield registered
    unregister_case_owner(OWNER)


def _start(world: World, **kwargs: object) -> Case:
    """A case of the owner's subject (its own service would start it so)."""
    return start_case(world, **{"applicant": world.citizen, "subject_type": OWNER, "subject_id": "7", **kwargs})


def _accept_item(case: Case) -> WorkItem:
    return WorkItem.objects.get(case=case, step="accept")


@pytest.mark.django_db
@pytest.mark.usefixtures("owner")
def test_only_the_owner_starts_its_processes(world: World) -> None:
    with pytest.raises(Rejected) as excinfo:
        _start(world, subject_type="", subject_id="")
    assert (excinfo.value.code, excinfo.value.message) == ("process_owned", "该流程的办件须在许可办理页发起")
    assert not Case.objects.exists()
    assert _start(world).subject_type == OWNER


@pytest.mark.django_db
@pytest.mark.usefixtures("owner")
def test_only_the_owner_completes_a_step(world: World) -> None:
    case = _start(world)
    item = _accept_item(case)
    with pytest.raises(Rejected) as excinfo:
        services.work_item_complete(actor=world.handler, item=item, outcome="accept")
    assert excinfo.value.code == "case_owned"
    assert _accept_item(case).status in (WorkItemStatus.OPEN, WorkItemStatus.CLAIMED)
    services.work_item_complete(actor=world.handler, item=item, outcome="accept", owner=OWNER)
    assert _accept_item(case).status == WorkItemStatus.COMPLETED


@pytest.mark.django_db
@pytest.mark.usefixtures("owner")
def test_the_owners_clock_stops_are_its_own_and_the_others_stay_open(world: World) -> None:
    case = _start(world)
    # 补正 is the owner's: neither stopped nor restarted from elsewhere
    with pytest.raises(Rejected):
        services.case_suspend(actor=world.handler, case=case, reason_code="correction", reason="缺材料")
    services.case_suspend(actor=world.handler, case=case, reason_code="correction", reason="缺材料", owner=OWNER)
    with pytest.raises(Rejected):
        services.case_resume(actor=world.handler, case=case)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUSPENDED
    services.case_resume(actor=world.handler, case=case, owner=OWNER)
    # 专家评审 is anybody's who handles the case
    services.case_suspend(actor=world.handler, case=case, reason_code="expert_review", reason="组织专家评审")
    services.case_resume(actor=world.handler, case=case)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN


@pytest.mark.django_db
@pytest.mark.usefixtures("owner")
def test_the_workbench_page_links_to_the_owner_and_offers_no_owned_buttons(world: World, client: Client) -> None:
    case = _start(world)
    item = _accept_item(case)
    client.force_login(world.handler)
    html = client.get(f"/office/work/case/{case.number}/").content.decode()
    assert 'href="/licences/7/"' in html
    assert f"/items/{item.pk}/complete/" not in html
    assert f"/items/{item.pk}/claim/" in html or f"/items/{item.pk}/transfer/" in html


@pytest.mark.django_db
def test_cases_of_other_subjects_are_unaffected(world: World) -> None:
    case = _start(world, subject_type="", subject_id="")
    services.work_item_complete(actor=world.handler, item=_accept_item(case), outcome="accept")
    assert _accept_item(case).status == WorkItemStatus.COMPLETED
