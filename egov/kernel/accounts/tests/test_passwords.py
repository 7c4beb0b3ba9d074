from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from egov.kernel.accounts import services
from egov.kernel.accounts.models import PasswordHistory
from egov.kernel.accounts.passwords import ComplexityValidator, password_expired
from egov.kernel.accounts.tests.factories import PASSWORD, PersonFactory, StaffFactory
from egov.kernel.audit.models import AuditEntry
from egov.kernel.errors import Rejected


@pytest.mark.parametrize("password", ["Abcdefg1", "abcdefg1!", "ABCDEFG1!", "Abcdefg!", "兴安盟政务Ab1!"])
def test_three_of_four_character_classes_are_enough(password: str) -> None:
    ComplexityValidator().validate(password)


@pytest.mark.parametrize("password", ["abcdefgh1", "ABCDEFGH!", "abcdefgH", "12345678!"])
def test_two_character_classes_are_refused(password: str) -> None:
    with pytest.raises(ValidationError) as raised:
        ComplexityValidator().validate(password)
    assert raised.value.messages == ["密码须包含大写字母、小写字母、数字、符号中的至少三类"]


def test_short_password_is_refused_in_chinese() -> None:
    with pytest.raises(ValidationError) as raised:
        ComplexityValidator().validate("Ab1!")
    assert raised.value.messages == ["密码长度至少为8位"]


@pytest.mark.django_db
def test_all_configured_validators_speak_chinese() -> None:
    with pytest.raises(ValidationError) as raised:
        validate_password("12345678")
    assert raised.value.messages == [
        "这个密码太常见了。",
        "密码只包含数字。",
        "密码须包含大写字母、小写字母、数字、符号中的至少三类",
    ]


@pytest.mark.django_db
def test_password_change_refuses_the_last_five_passwords_but_allows_older_ones() -> None:
    # given a person who went through passwords P0 (current at creation) .. P5
    user = PersonFactory()
    services.record_password_history(user)
    passwords = [PASSWORD, *[f"Hinggan#{i}pw" for i in range(1, 6)]]
    for old, new in itertools.pairwise(passwords):
        services.password_change(actor=user, old_password=old, new_password=new)
    # when reusing P1 (one of the last five) then P0 (the sixth back)
    with pytest.raises(Rejected) as raised:
        services.password_change(actor=user, old_password=passwords[-1], new_password=passwords[1])
    assert raised.value.message == "新密码不能与最近5次使用过的密码相同"
    assert raised.value.field == "new_password"
    user.refresh_from_db()
    assert user.check_password(passwords[-1])
    services.password_change(actor=user, old_password=passwords[-1], new_password=passwords[0])
    # then
    user.refresh_from_db()
    assert user.check_password(passwords[0])
    assert PasswordHistory.objects.filter(user=user).count() == 7
    assert AuditEntry.objects.filter(action="accounts.password_change", actor_id=user.pk).count() == 6


@pytest.mark.django_db
def test_password_change_with_wrong_old_password_changes_nothing() -> None:
    user = PersonFactory()
    with pytest.raises(Rejected) as raised:
        services.password_change(actor=user, old_password="Wrong#123", new_password="Brand#New123")
    assert raised.value.message == "原密码不正确"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action="accounts.password_change").exists()


@pytest.mark.django_db
def test_staff_passwords_expire_after_ninety_days_citizen_passwords_do_not() -> None:
    staff, person = StaffFactory(), PersonFactory()
    later = timezone.now() + dt.timedelta(days=91)
    assert not password_expired(staff)
    assert password_expired(staff, now=later)
    assert not password_expired(person, now=later)
