"""Accounts for tests: citizens and staff with valid, unique resident IDs and phone numbers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.kernel.accounts.models import User, UserKind
from egov.kernel.identifiers import USCC_ALPHABET, resident_id_check_char, uscc_check_char

PASSWORD = "Xam#2024pass"


def resident_id(n: int, *, division: str = "152201", born: dt.date = dt.date(1990, 1, 1)) -> str:
    first17 = f"{division}{born:%Y%m%d}{n % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def uscc(n: int) -> str:
    body = "91152201MA" + "".join(USCC_ALPHABET[(n // 31**i) % 31] for i in range(7))
    return body + uscc_check_char(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n:04d}")
    real_name = "张三"
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    id_number = ""
    password = PASSWORD

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        # phone and id_number are encrypted attributes, not model fields: set them after construction.
        phone, id_number, password = kwargs.pop("phone"), kwargs.pop("id_number"), kwargs.pop("password")
        user = model_class(*args, **kwargs)
        user.phone = phone
        user.id_number = id_number
        user.set_password(password)
        user.save()
        return user


class PersonFactory(UserFactory):
    kind = UserKind.PERSON
    id_number = factory.Sequence(lambda n: resident_id(n))


class LegalFactory(UserFactory):
    kind = UserKind.LEGAL
    organization_name = factory.Sequence(lambda n: f"兴安盟测试有限公司{n}")
    uscc = factory.Sequence(lambda n: uscc(n))
    legal_representative = "李四"


class StaffFactory(UserFactory):
    kind = UserKind.STAFF
    username = factory.Sequence(lambda n: f"staff{n:04d}")
    real_name = "王五"


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(StaffFactory)
    name = "default"
    confirmed = True
