from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from egov.kernel.access.models import Role, RoleAssignment
from egov.kernel.access.policy import AccessDenied
from egov.kernel.audit.models import AuditEntry
from egov.kernel.notify.models import Channel, MessageTemplate
from egov.kernel.notify.services import message_template_save
from egov.kernel.notify.tests.factories import OrgUnitFactory, StaffFactory
from egov.kernel.orgs.models import OrgKind

pytestmark = pytest.mark.django_db

NEW_BODY = "请于{{ deadline }}前办理《{{ case_title }}》。"


def sysadmin() -> object:
    staff = StaffFactory()
    league = OrgUnitFactory(name="兴安盟行政公署", code="152200", kind=OrgKind.LEAGUE)
    RoleAssignment.objects.create(user=staff, role=Role.objects.get(code="sysadmin"), org_unit=league)
    return staff


def test_system_administrator_edits_a_template_and_it_is_audited() -> None:
    actor = sysadmin()
    template = MessageTemplate.objects.get(event="workflow.item_assigned", channel=Channel.SMS)
    template.body = NEW_BODY
    message_template_save(actor=actor, template=template)
    template.refresh_from_db()
    assert template.body == NEW_BODY
    entry = AuditEntry.objects.get(action="notify.template_update")
    assert (entry.actor_id, entry.target_id) == (actor.pk, str(template.pk))


def test_an_undeclared_variable_is_refused_by_the_service_too() -> None:
    template = MessageTemplate.objects.get(event="workflow.item_assigned", channel=Channel.SMS)
    original = template.body
    template.body = "{{ applicant_phone }}"
    with pytest.raises(ValidationError) as caught:
        message_template_save(actor=sysadmin(), template=template)
    assert caught.value.message_dict == {"body": ["模板中使用了未声明的变量：applicant_phone"]}
    template.refresh_from_db()
    assert template.body == original


def test_staff_without_the_permission_cannot_edit_templates_and_nothing_changes() -> None:
    template = MessageTemplate.objects.get(event="workflow.item_assigned", channel=Channel.SMS)
    original = template.body
    template.body = NEW_BODY
    with pytest.raises(AccessDenied):
        message_template_save(actor=StaffFactory(), template=template)
    template.refresh_from_db()
    assert template.body == original
    assert not AuditEntry.objects.filter(action__startswith="notify.template").exists()
