"""Factories for the notifications and files tests."""

from __future__ import annotations

from typing import Any

import factory

from egov.kernel.accounts.models import User, UserKind
from egov.kernel.notify.models import Channel, Message, MessageStatus
from egov.kernel.orgs.models import OrgKind, OrgUnit
from egov.kernel.orgs.services import org_unit_create


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"notify-user{n:04d}")
    real_name = factory.Sequence(lambda n: f"测试用户{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.gov.cn")
    kind = UserKind.PERSON
    password = factory.django.Password("Xam-2026-test!")


class StaffFactory(UserFactory):
    username = factory.Sequence(lambda n: f"notify-staff{n:04d}")
    kind = UserKind.STAFF


class OrgUnitFactory(factory.Factory[OrgUnit]):
    """Built through ``org_unit_create`` so ``path`` is what production computes."""

    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"测试机构{n}")
    code = factory.Sequence(lambda n: f"NOTIFY-{n:04d}")
    kind = OrgKind.DEPARTMENT
    division_code = "152200"
    parent = None

    @classmethod
    def _create(cls, model_class: type[OrgUnit], *args: Any, **kwargs: Any) -> OrgUnit:
        return org_unit_create(**kwargs)


class InAppMessageFactory(factory.django.DjangoModelFactory[Message]):
    class Meta:
        model = Message

    recipient = factory.SubFactory(UserFactory)
    channel = Channel.INAPP
    event = "workflow.item_assigned"
    subject = factory.Sequence(lambda n: f"新待办：测试办件{n}")
    body = "请及时办理。"
    status = MessageStatus.SENT
