"""Password rules of 等保 2.0: complexity, no reuse of recent passwords, periodic change for staff."""

from __future__ import annotations

import datetime as dt
import string
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from egov.kernel.accounts.models import User

MIN_LENGTH = 8
MIN_CLASSES = 3


class ComplexityValidator:
    """At least 8 characters drawn from at least three of: upper case, lower case, digits, symbols."""

    def validate(self, password: str, user: User | None = None) -> None:
        if len(password) < MIN_LENGTH:
            raise ValidationError(_("密码长度至少为%(min)d位") % {"min": MIN_LENGTH}, code="password_too_short")
        classes = [
            any(c in string.ascii_uppercase for c in password),
            any(c in string.ascii_lowercase for c in password),
            any(c in string.digits for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < MIN_CLASSES:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少三类"), code="password_not_complex"
            )

    def get_help_text(self) -> str:
        return _("密码至少8位，须包含大写字母、小写字母、数字、符号中的至少三类")


class HistoryValidator:
    """The new password may not equal the current one nor any of the last ``history`` passwords."""

    def __init__(self, history: int = 5) -> None:
        self.history = history

    def validate(self, password: str, user: User | None = None) -> None:
        if user is None or user.pk is None:
            return
        earlier = [user.password, *user.password_history.values_list("password", flat=True)[: self.history]]
        if any(encoded and check_password(password, encoded) for encoded in earlier):
            raise ValidationError(
                _("新密码不能与最近%(count)d次使用过的密码相同") % {"count": self.history}, code="password_reused"
            )

    def get_help_text(self) -> str:
        return _("新密码不能与最近%(count)d次使用过的密码相同") % {"count": self.history}


def password_expired(user: User, *, now: dt.datetime | None = None) -> bool:
    """Staff passwords expire after PASSWORD_MAX_AGE_DAYS; citizens' do not (they sign in with an SMS code too)."""
    if not user.is_staff_member:
        return False
    if user.password_changed_at is None:
        return True
    age = (now or timezone.now()) - user.password_changed_at
    return age > dt.timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)
