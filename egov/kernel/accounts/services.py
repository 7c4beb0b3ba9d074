"""Writes to accounts: registration, SMS codes, staff accounts, passwords, TOTP, sessions, personal data.

Every function is keyword-only, checks what it must, runs in one transaction and leaves an audit entry.
Errors are :class:`~egov.kernel.errors.Rejected` with a Chinese message and the form field it belongs to.
"""

from __future__ import annotations

import secrets
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.kernel.accounts.models import PasswordHistory, User, UserKind
from egov.kernel.crypto import blind_index
from egov.kernel.errors import Rejected
from egov.kernel.identifiers import validate_mobile, validate_resident_id, validate_uscc

SmsPurpose = Literal["register", "login"]
SMS_PURPOSES: frozenset[str] = frozenset({"register", "login"})
SMS_CODE_TTL_SECONDS = 5 * 60
SMS_COOLDOWN_SECONDS = 60
SMS_DAILY_LIMIT = 10
SMS_MAX_ATTEMPTS = 5
REVEALABLE_FIELDS: frozenset[str] = frozenset({"id_number", "phone"})
REVEAL_PERMISSION = "accounts.reveal_personal_data"


def _audit(**kwargs: Any) -> None:
    # Imported here: the audit app sits beside accounts in the kernel and imports the user model itself.
    from egov.kernel.audit.services import audit_record

    audit_record(**kwargs)


def _invalid(exc: ValidationError, field: str) -> Rejected:
    code = next((error.code for error in exc.error_list if error.code), "invalid")
    return Rejected(code, "；".join(exc.messages), field=field)


def _clean_id_number(value: str, *, field: str = "id_number") -> str:
    try:
        return validate_resident_id(value)
    except ValidationError as exc:
        raise _invalid(exc, field) from None


def _clean_phone(value: str) -> str:
    try:
        return validate_mobile(value)
    except ValidationError as exc:
        raise _invalid(exc, "phone") from None


def _clean_name(value: str, *, field: str, label: str, max_length: int = 50) -> str:
    value = value.strip()
    if not value:
        raise Rejected("required", _("请填写%(label)s") % {"label": label}, field=field)
    if len(value) > max_length:
        raise Rejected("too_long", _("%(label)s不能超过%(max)d个字") % {"label": label, "max": max_length}, field=field)
    return value


def _clean_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise _invalid(exc, "password") from None


def _clean_username(username: str | None, prefix: str) -> str:
    """Citizens may choose a user name; otherwise they get a random one and sign in with their phone."""
    username = (username or "").strip()
    if not username:
        return f"{prefix}{secrets.token_hex(5)}"
    try:
        User.username_validator(username)
    except ValidationError:
        raise Rejected("username_format", _("用户名只能包含字母、数字和 @ . + - _"), field="username") from None
    if len(username) < 4 or len(username) > 30:
        raise Rejected("username_length", _("用户名长度应为4至30个字符"), field="username")
    if username.isdigit():
        raise Rejected("username_digits", _("用户名不能全部为数字"), field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise Rejected("username_taken", _("该用户名已被使用"), field="username")
    return username


def _check_citizen_phone_free(phone: str) -> None:
    taken = User.objects.filter(kind__in=[UserKind.PERSON, UserKind.LEGAL], **User.phone.lookup(phone)).exists()
    if taken:
        raise Rejected("phone_taken", _("该手机号码已注册"), field="phone")


def record_password_history(user: User) -> None:
    """Remember the user's current password hash so HistoryValidator can refuse it later."""
    PasswordHistory.objects.create(user=user, password=user.password)


# --- SMS verification codes -------------------------------------------------------------------------


def _sms_keys(phone: str, purpose: str) -> tuple[str, str]:
    tag = blind_index(phone, purpose="phone")
    return f"accounts:sms:code:{purpose}:{tag}", f"accounts:sms:tries:{purpose}:{tag}"


def _sms_code_hash(phone: str, purpose: str, code: str) -> str:
    # Keyed, so a cache dump does not give away codes (a 6-digit space is trivial to search unkeyed).
    return blind_index(code, purpose=f"sms:{purpose}:{phone}")


def sms_code_send(*, phone: str, purpose: SmsPurpose | str) -> None:
    """Send a 6-digit code valid for 5 minutes; one per minute and ten per day per phone number."""
    from egov.kernel.notify.sms import SmsError, send_sms

    phone = _clean_phone(phone)
    if purpose not in SMS_PURPOSES:
        raise Rejected("sms_purpose", _("验证码用途不正确"))
    tag = blind_index(phone, purpose="phone")
    if not cache.add(f"accounts:sms:cooldown:{tag}", 1, SMS_COOLDOWN_SECONDS):
        raise Rejected("sms_too_frequent", _("验证码发送过于频繁，请60秒后再试"), field="sms_code")
    day_key = f"accounts:sms:day:{timezone.localdate().isoformat()}:{tag}"
    cache.add(day_key, 0, 24 * 3600)
    if cache.incr(day_key) > SMS_DAILY_LIMIT:
        raise Rejected("sms_daily_limit", _("该手机号码今日获取验证码次数已达上限，请明天再试"), field="sms_code")
    code = f"{secrets.randbelow(1_000_000):06d}"
    code_key, tries_key = _sms_keys(phone, purpose)
    cache.set(code_key, _sms_code_hash(phone, purpose, code), SMS_CODE_TTL_SECONDS)
    cache.set(tries_key, 0, SMS_CODE_TTL_SECONDS)
    try:
        send_sms(
            phone,
            _("【兴安盟政务服务】您的验证码为%(code)s，5分钟内有效。工作人员不会向您索要验证码，请勿泄露。")
            % {"code": code},
        )
    except SmsError:
        cache.delete_many([code_key, tries_key, f"accounts:sms:cooldown:{tag}"])
        raise Rejected("sms_unavailable", _("短信发送失败，请稍后重试"), field="sms_code") from None


def sms_code_verify(*, phone: str, purpose: SmsPurpose | str, code: str) -> None:
    """Accept a code once; five wrong tries (or five minutes) and a new code must be requested."""
    phone = _clean_phone(phone)
    code_key, tries_key = _sms_keys(phone, purpose)
    expected = cache.get(code_key)
    if expected is None:
        raise Rejected("sms_expired", _("验证码已失效，请重新获取"), field="sms_code")
    code = code.strip()
    if not secrets.compare_digest(expected, _sms_code_hash(phone, purpose, code)):
        cache.add(tries_key, 0, SMS_CODE_TTL_SECONDS)
        if cache.incr(tries_key) >= SMS_MAX_ATTEMPTS:
            cache.delete_many([code_key, tries_key])
            raise Rejected("sms_too_many_attempts", _("验证码错误次数过多，请重新获取"), field="sms_code")
        raise Rejected("sms_wrong", _("验证码错误，请重新输入"), field="sms_code")
    # Deleting is the claim: of two requests racing with the right code only one sees the key go.
    if not cache.delete(code_key):
        raise Rejected("sms_expired", _("验证码已失效，请重新获取"), field="sms_code")
    cache.delete(tries_key)


# --- registration -----------------------------------------------------------------------------------


def _save_new_citizen(user: User, password: str, *, duplicate_message: str, duplicate_field: str) -> User:
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Two registrations raced past the checks above; the database constraint decided.
        raise Rejected("duplicate", duplicate_message, field=duplicate_field) from None
    record_password_history(user)
    return user


@transaction.atomic
def person_register(
    *,
    real_name: str,
    id_number: str,
    phone: str,
    password: str,
    sms_code: str,
    username: str | None = None,
) -> User:
    """Self-registration of a natural person (自然人): real name, resident ID and a verified phone."""
    real_name = _clean_name(real_name, field="real_name", label=_("姓名"))
    id_number = _clean_id_number(id_number)
    phone = _clean_phone(phone)
    username = _clean_username(username, "zrr_")
    if User.objects.filter(kind=UserKind.PERSON, **User.id_number.lookup(id_number)).exists():
        raise Rejected("id_number_taken", _("该身份证号码已注册"), field="id_number")
    _check_citizen_phone_free(phone)
    user = User(username=username, kind=UserKind.PERSON, real_name=real_name)
    user.id_number = id_number
    user.phone = phone
    _clean_password(password, user)
    sms_code_verify(phone=phone, purpose="register", code=sms_code)
    user = _save_new_citizen(user, password, duplicate_message=_("该身份证号码已注册"), duplicate_field="id_number")
    _audit(actor=user, action="accounts.person_register", target=user, target_repr=user.real_name_masked)
    return user


@transaction.atomic
def legal_register(
    *,
    organization_name: str,
    uscc: str,
    legal_representative: str,
    real_name: str,
    phone: str,
    password: str,
    sms_code: str,
    id_number: str = "",
    username: str | None = None,
) -> User:
    """Self-registration of a legal person (法人): the organisation and the operator (经办人) who acts for it."""
    organization_name = _clean_name(organization_name, field="organization_name", label=_("单位名称"), max_length=120)
    try:
        uscc = validate_uscc(uscc)
    except ValidationError as exc:
        raise _invalid(exc, "uscc") from None
    legal_representative = _clean_name(legal_representative, field="legal_representative", label=_("法定代表人"))
    real_name = _clean_name(real_name, field="real_name", label=_("经办人姓名"))
    id_number = _clean_id_number(id_number) if id_number.strip() else ""
    phone = _clean_phone(phone)
    username = _clean_username(username, "fr_")
    if User.objects.filter(kind=UserKind.LEGAL, uscc=uscc).exists():
        raise Rejected("uscc_taken", _("该统一社会信用代码已注册"), field="uscc")
    _check_citizen_phone_free(phone)
    user = User(
        username=username,
        kind=UserKind.LEGAL,
        real_name=real_name,
        organization_name=organization_name,
        uscc=uscc,
        legal_representative=legal_representative,
    )
    user.id_number = id_number
    user.phone = phone
    _clean_password(password, user)
    sms_code_verify(phone=phone, purpose="register", code=sms_code)
    user = _save_new_citizen(user, password, duplicate_message=_("该统一社会信用代码已注册"), duplicate_field="uscc")
    _audit(actor=user, action="accounts.legal_register", target=user, target_repr=organization_name)
    return user


# --- staff ------------------------------------------------------------------------------------------


@transaction.atomic
def staff_create(
    *,
    username: str,
    real_name: str,
    password: str,
    phone: str = "",
    id_number: str = "",
    totp_key_hex: str | None = None,
    actor: User | None = None,
) -> User:
    """Create a staff account (公职人员). With ``totp_key_hex`` it gets a confirmed TOTP device with that key,
    so demo sign-ins are reproducible; without one the person enrols at the first sign-in.

    ``actor`` is None only for seeding and management commands; a person doing it needs
    ``accounts.manage_users``. The caller checks that the user name is free.
    """
    if actor is not None:
        from egov.kernel.access.policy import require

        require(actor, "accounts.manage_users")
    user = User(
        username=username.strip(),
        kind=UserKind.STAFF,
        real_name=_clean_name(real_name, field="real_name", label=_("姓名")),
    )
    user.phone = _clean_phone(phone) if phone.strip() else ""
    user.id_number = _clean_id_number(id_number) if id_number.strip() else ""
    _clean_password(password, user)
    user.set_password(password)
    user.save()
    record_password_history(user)
    if totp_key_hex is not None:
        TOTPDevice.objects.create(user=user, name="default", key=totp_key_hex, confirmed=True)
    _audit(actor=actor, action="accounts.staff_create", target=user, target_repr=user.real_name)
    return user


# --- passwords --------------------------------------------------------------------------------------


@transaction.atomic
def password_change(*, actor: User, old_password: str, new_password: str) -> User:
    """Change one's own password; the history and complexity rules apply, and the change is audited."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    if not user.check_password(old_password):
        raise Rejected("old_password_wrong", _("原密码不正确"), field="old_password")
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise _invalid(exc, "new_password") from None
    user.set_password(new_password)
    user.save(update_fields=["password", "password_changed_at"])
    record_password_history(user)
    _audit(actor=user, action="accounts.password_change", target=user, target_repr=user.username)
    actor.password = user.password
    actor.password_changed_at = user.password_changed_at
    return user


# --- TOTP (staff second factor) ---------------------------------------------------------------------


@transaction.atomic
def totp_enroll_start(*, actor: User) -> TOTPDevice:
    """The unconfirmed device whose QR code the person scans; reused until confirmed."""
    if not actor.is_staff_member:
        raise Rejected("not_staff", _("仅公职人员需要绑定动态口令"))
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name="default", confirmed=False)
    return device


def totp_code_matches(device: TOTPDevice, code: str) -> bool:
    """django-otp's check, which also throttles repeated failures and refuses a code used twice."""
    code = code.strip()
    return code.isdigit() and len(code) == device.digits and device.verify_token(code)


@transaction.atomic
def totp_enroll_confirm(*, actor: User, code: str) -> TOTPDevice:
    device = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False).order_by("pk").first()
    if device is None:
        raise Rejected("totp_no_device", _("请先获取绑定二维码"), field="code")
    if not totp_code_matches(device, code):
        raise Rejected("totp_wrong", _("动态口令不正确，请核对手机上的6位数字后重试"), field="code")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    _audit(actor=actor, action="accounts.totp_enroll", target=actor, target_repr=actor.username)
    return device


def totp_current_code(device: TOTPDevice) -> str:
    """The code the device shows now (for the demo_totp command)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


# --- sessions ---------------------------------------------------------------------------------------


@transaction.atomic
def sign_out_everywhere(*, actor: User) -> None:
    """End every session of the person, on every device (IdleSessionMiddleware honours the moment)."""
    now = timezone.now()
    User.objects.filter(pk=actor.pk).update(sessions_valid_after=now)
    actor.sessions_valid_after = now
    _audit(actor=actor, action="accounts.sign_out_everywhere", target=actor, target_repr=actor.username)


# --- preferences ------------------------------------------------------------------------------------


@transaction.atomic
def preferences_update(*, actor: User, elder_mode: bool | None = None, preferred_language: str | None = None) -> User:
    changed: dict[str, object] = {}
    if elder_mode is not None:
        changed["elder_mode"] = elder_mode
    if preferred_language is not None:
        if preferred_language and preferred_language not in dict(settings.LANGUAGES):
            raise Rejected("language_unknown", _("不支持所选的界面语言"), field="preferred_language")
        changed["preferred_language"] = preferred_language
    if not changed:
        return actor
    User.objects.filter(pk=actor.pk).update(**changed)
    for name, value in changed.items():
        setattr(actor, name, value)
    _audit(actor=actor, action="accounts.preferences_update", target=actor, target_repr=actor.username, detail=changed)
    return actor


# --- personal data ----------------------------------------------------------------------------------


def reveal_personal_data(*, actor: User, user: User, field: str) -> str:
    """The plain ID or phone number of ``user``, for someone allowed to see it; every reveal is audited.

    For a staff subject the permission must be held at one of the subject's units; for citizens (who
    belong to no unit) anywhere. The audit entry names the field, never the value.
    """
    from egov.kernel.access.policy import has_perm, require

    if field not in REVEALABLE_FIELDS:
        raise Rejected("field_unknown", _("不能查看该项信息"), field="field")
    units = [m.org_unit for m in user.memberships.select_related("org_unit")] if user.is_staff_member else []
    allowed_unit = next((unit for unit in units if has_perm(actor, REVEAL_PERMISSION, unit)), None)
    if allowed_unit is None:
        # Not held where it matters: require() raises and writes the denial to the audit log.
        require(actor, REVEAL_PERMISSION, units[0] if units else None, target=user)
    value: str = getattr(user, field)
    with transaction.atomic():
        _audit(
            actor=actor,
            action="accounts.reveal_personal_data",
            target=user,
            target_repr=user.real_name_masked or user.username,
            org_unit=allowed_unit,
            detail={"field": field},
        )
    return value
