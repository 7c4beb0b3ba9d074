"""The platform's response-signing key (ECDSA P-256; docs/adr/0011 says why not SM2 yet).

The key pair is generated on first use and stored with the private half SM4-GCM encrypted under the platform
data key (``egov.kernel.crypto``); each process keeps the loaded key in memory.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.db import transaction

from egov.domain.exchange.canonical import SIGNATURE_ALGORITHM
from egov.domain.exchange.models import SigningKey
from egov.kernel.crypto import decrypt, encrypt


@dataclass(frozen=True)
class LoadedKey:
    kid: str
    private: ec.EllipticCurvePrivateKey
    public_pem: str

    def sign(self, payload: str) -> str:
        return base64.b64encode(self.private.sign(payload.encode(), ec.ECDSA(hashes.SHA256()))).decode()


def _generate() -> SigningKey:
    private = ec.generate_private_key(ec.SECP256R1())
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return SigningKey.objects.create(
        kid=f"xam-exchange-{secrets.token_hex(4)}",
        algorithm=SIGNATURE_ALGORITHM,
        public_pem=public_pem,
        private_encrypted=encrypt(private_pem),
    )


@lru_cache(maxsize=1)
def _load(kid: str) -> LoadedKey:
    row = SigningKey.objects.get(kid=kid)
    private = serialization.load_pem_private_key(decrypt(row.private_encrypted).encode(), password=None)
    if not isinstance(private, ec.EllipticCurvePrivateKey):  # pragma: no cover - only we write this table
        raise TypeError("signing key is not an EC key")
    return LoadedKey(kid=row.kid, private=private, public_pem=row.public_pem)


_current_kid: str | None = None


def current_key() -> LoadedKey:
    """The active signing key (created on first use)."""
    global _current_kid
    if _current_kid is not None:
        try:
            return _load(_current_kid)
        except SigningKey.DoesNotExist:  # a test database rolled back the key this process cached
            _load.cache_clear()
    row = SigningKey.objects.filter(is_active=True).order_by("-pk").first()
    if row is None:
        with transaction.atomic():
            row = _generate()
    _current_kid = row.kid
    return _load(row.kid)


def forget() -> None:
    """Drop the in-process key cache (tests, key rotation)."""
    global _current_kid
    _current_kid = None
    _load.cache_clear()


def public_key_pem(kid: str) -> str | None:
    row = SigningKey.objects.filter(kid=kid).values_list("public_pem", flat=True).first()
    return row
