"""One user model for staff (公职人员), natural persons (自然人) and legal persons (法人)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone

from egov.kernel.identifiers import mask_mobile, mask_name, mask_resident_id
from egov.kernel.personal_data import EncryptedAttribute


class UserKind(models.TextChoices):
    STAFF = "staff", "公职人员"
    PERSON = "person", "自然人"
    LEGAL = "legal", "法人"


class User(AbstractUser):
    kind = models.CharField("用户类型", max_length=8, choices=UserKind.choices, default=UserKind.PERSON, db_index=True)
    real_name = models.CharField("姓名", max_length=50, blank=True)
    # Personal data: ciphertext (SM4-GCM) + blind index (HMAC-SM3); never stored in plain text.
    id_number_cipher = models.TextField(blank=True, editable=False)
    id_number_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_cipher = models.TextField(blank=True, editable=False)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    real_name_verified = models.BooleanField("已实名认证", default=False)
    # Legal persons: the organisation is public information, its USCC is not personal data.
    organization_name = models.CharField("单位名称", max_length=120, blank=True)
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True, db_index=True)
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    # Security and preferences.
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    sessions_valid_after = models.DateTimeField(
        "会话生效起点", null=True, blank=True, help_text="“退出所有设备”：早于此时刻登录的会话一律失效"
    )
    preferred_language = models.CharField("界面语言", max_length=8, blank=True)
    elder_mode = models.BooleanField("长辈模式", default=False)

    id_number = EncryptedAttribute("id_number_cipher", "id_number_index", purpose="id_number")
    phone = EncryptedAttribute("phone_cipher", "phone_index", purpose="phone")

    objects = UserManager()  # type: ignore[misc]  # AbstractUser declares it as a ClassVar in the stubs

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = (
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=~models.Q(id_number_index="") & models.Q(kind="person"),
                name="accounts_user_unique_person_id_number",
            ),
            # A citizen signs in with the phone number, so it must name one citizen account.
            models.UniqueConstraint(
                fields=["phone_index"],
                condition=~models.Q(phone_index="") & models.Q(kind__in=["person", "legal"]),
                name="accounts_user_unique_citizen_phone",
            ),
            models.UniqueConstraint(
                fields=["uscc"],
                condition=~models.Q(uscc="") & models.Q(kind="legal"),
                name="accounts_user_unique_legal_uscc",
            ),
        )

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == UserKind.LEGAL and self.organization_name:
            return self.organization_name
        return self.real_name or self.username

    @property
    def is_staff_member(self) -> bool:
        return self.kind == UserKind.STAFF

    # Masked forms for every screen; plain values only through accounts.services.reveal_personal_data.
    @property
    def id_number_masked(self) -> str:
        return mask_resident_id(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_mobile(self.phone)

    @property
    def real_name_masked(self) -> str:
        return mask_name(self.real_name)

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


class PasswordHistory(models.Model):
    """Hashes of earlier passwords, so a new password cannot repeat one of the last N."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]  # noqa: RUF012 - a tuple would make Django see a change of Meta options
        indexes = (models.Index(fields=["user", "-created_at"]),)

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d %H:%M}"
