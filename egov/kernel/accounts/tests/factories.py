"""The one user factory of the project's tests (other apps re-export it): citizens, legal persons and staff
with valid, unique resident IDs, USCCs and phone numbers."""

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


class UserFactory(factory.django.DjangoModelFactory[User]):
    """A citizen without personal data by default; the traits make the other kinds of account.

    ``staff=True``: a civil servant; ``person=True``: a citizen with a resident ID; ``legal=True``: a company
    with a USCC; ``with_phone=True``: a unique mobile number. The password is ``PASSWORD`` unless given.
    """

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n:04d}")
    real_name = factory.Sequence(lambda n: f"测试人员{n}")
    kind = UserKind.PERSON
    phone = ""
    id_number = ""
    password = PASSWORD

    class Params:
        staff = factory.Trait(kind=UserKind.STAFF)
        person = factory.Trait(kind=UserKind.PERSON, id_number=factory.Sequence(lambda n: resident_id(n)))
        legal = factory.Trait(
            kind=UserKind.LEGAL,
            organization_name=factory.Sequence(lambda n: f"兴安盟测试有限公司{n}"),
            uscc=factory.Sequence(lambda n: uscc(n)),
            legal_representative="李四",
        )
        with_phone = factory.Trait(phone=factory.Sequence(lambda n: f"139{n:08d}"))

    @classmethod
    def _build(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        # phone and id_number are encrypted attributes, not model fields: set them after construction;
        # set_password (not a ready hash) so ``password_changed_at`` is stamped as in production.
        phone, id_number, password = kwargs.pop("phone"), kwargs.pop("id_number"), kwargs.pop("password")
        user = model_class(*args, **kwargs)
        user.phone = phone
        user.id_number = id_number
        user.set_password(password)
        return user

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        user = cls._build(model_class, *args, **kwargs)
        user.save()
        return user


class PersonFactory(UserFactory):
    """A registered citizen as the accounts tests need one: resident ID and mobile number."""

    person = True
    with_phone = True


class LegalFactory(UserFactory):
    legal = True
    with_phone = True


class StaffFactory(UserFactory):
    staff = True


class TOTPDeviceFactory(factory.django.DjangoModelFactory[TOTPDevice]):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory, staff=True)
    name = "default"
    confirmed = True
