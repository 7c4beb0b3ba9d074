"""Personal data at rest: an attribute that stores SM4-GCM ciphertext in one column and a keyed blind
index in another, so models read and write plain values while the database never sees them.

    class User(models.Model):
        id_number_cipher = models.TextField(blank=True)
        id_number_index = models.CharField(max_length=64, blank=True, db_index=True)
        id_number = EncryptedAttribute("id_number_cipher", "id_number_index", purpose="id_number")

    User.objects.filter(id_number_index=blind_index("1522...", purpose="id_number"))
"""

from __future__ import annotations

from typing import Any

from egov.kernel.crypto import blind_index, decrypt, encrypt


class EncryptedAttribute:
    def __init__(self, cipher_field: str, index_field: str | None, *, purpose: str) -> None:
        self.cipher_field = cipher_field
        self.index_field = index_field
        self.purpose = purpose

    def __set_name__(self, owner: type, name: str) -> None:
        self.cache_name = f"_{name}_plain"

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        if self.cache_name not in instance.__dict__:
            token = getattr(instance, self.cipher_field)
            instance.__dict__[self.cache_name] = decrypt(token) if token else ""
        return instance.__dict__[self.cache_name]

    def __set__(self, instance: Any, value: str | None) -> None:
        value = (value or "").strip()
        instance.__dict__[self.cache_name] = value
        setattr(instance, self.cipher_field, encrypt(value) if value else "")
        if self.index_field:
            setattr(instance, self.index_field, blind_index(value, purpose=self.purpose) if value else "")

    def lookup(self, value: str) -> dict[str, str]:
        """Filter kwargs to find rows whose plain value equals ``value``."""
        if not self.index_field:
            raise TypeError(f"{self.cipher_field} has no blind index")
        return {self.index_field: blind_index(value, purpose=self.purpose)}
