"""ID and phone numbers: encrypted at rest, found through the blind index, masked on screen."""

from __future__ import annotations

import pytest
from django.db import connection

from egov.kernel.accounts.models import User
from egov.kernel.accounts.tests.factories import PersonFactory

ID_NUMBER = "15220119900101123X"
PHONE = "13912345678"


@pytest.mark.django_db
def test_the_database_never_holds_the_plain_id_or_phone_number() -> None:
    # given
    user = PersonFactory(id_number=ID_NUMBER, phone=PHONE)
    # when the row is read without the model
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_user WHERE id = %s", [user.pk])
        row = cursor.fetchone()
    # then no column contains either value, and the model decrypts both
    assert not any(ID_NUMBER in str(value) or PHONE in str(value) for value in row)
    fresh = User.objects.get(pk=user.pk)
    assert (fresh.id_number, fresh.phone) == (ID_NUMBER, PHONE)


@pytest.mark.django_db
def test_equal_plain_values_get_different_ciphertexts_but_the_same_index() -> None:
    first, second = PersonFactory(phone=PHONE, kind="staff"), PersonFactory(phone=PHONE, kind="staff")
    assert first.phone_cipher != second.phone_cipher
    assert first.phone_index == second.phone_index


@pytest.mark.django_db
def test_blind_index_finds_the_person_by_id_number_in_any_letter_case() -> None:
    user = PersonFactory(id_number=ID_NUMBER)
    PersonFactory()
    found = User.objects.filter(**User.id_number.lookup(ID_NUMBER.lower()))
    assert list(found) == [user]


@pytest.mark.django_db
def test_masked_forms() -> None:
    user = PersonFactory(id_number=ID_NUMBER, phone=PHONE, real_name="欧阳娜娜")
    assert user.id_number_masked == "1522**********123X"
    assert user.phone_masked == "139****5678"
    assert user.real_name_masked == "欧***"
