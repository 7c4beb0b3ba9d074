"""Reads for accounts: finding a citizen by what they type at sign-in, and a staff member's TOTP device."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.kernel.accounts.models import User, UserKind
from egov.kernel.identifiers import validate_mobile

CITIZEN_KINDS = (UserKind.PERSON, UserKind.LEGAL)


def citizen_by_identifier(identifier: str) -> User | None:
    """A citizen account by phone number (through the blind index) or by user name."""
    identifier = identifier.strip()
    try:
        phone = validate_mobile(identifier)
    except ValidationError:
        return User.objects.filter(kind__in=CITIZEN_KINDS, username__iexact=identifier).first()
    return User.objects.filter(kind__in=CITIZEN_KINDS, **User.phone.lookup(phone)).first()


def confirmed_totp_devices(user: User) -> list[TOTPDevice]:
    return list(TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"))
