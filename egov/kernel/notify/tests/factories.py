"""Factories for the notifications tests: the shared ones, with an e-mail address, and in-app messages."""

from __future__ import annotations

import factory

from egov.kernel.accounts.tests import factories as accounts_factories
from egov.kernel.notify.models import Channel, Message, MessageStatus
from egov.kernel.orgs.tests.factories import OrgUnitFactory

__all__ = ["InAppMessageFactory", "OrgUnitFactory", "StaffFactory", "UserFactory"]


class UserFactory(accounts_factories.UserFactory):
    """Recipients here have an e-mail address unless a test says otherwise: mail is one of the channels."""

    email = factory.Sequence(lambda n: f"user{n}@example.gov.cn")


class StaffFactory(UserFactory):
    staff = True


class InAppMessageFactory(factory.django.DjangoModelFactory[Message]):
    class Meta:
        model = Message

    recipient = factory.SubFactory(UserFactory)
    channel = Channel.INAPP
    event = "workflow.item_assigned"
    subject = factory.Sequence(lambda n: f"新待办：测试办件{n}")
    body = "请及时办理。"
    status = MessageStatus.SENT
