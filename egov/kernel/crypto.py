"""National commercial cryptography (GB/T 39786-2021) for the whole platform.

- SM3 for hashes (audit chain, digests);
- SM4-GCM for personal data at rest (a fresh 96-bit nonce per value; the ciphertext is authenticated);
- HMAC-SM3 as a keyed *blind index* so encrypted values can still be looked up by equality.

Keys come from settings (``EGOV_DATA_KEY``, ``EGOV_INDEX_KEY``); production refuses to start without them.
"""

from __future__ import annotations

import base64
import os
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

_VERSION = b"\x01"  # leading byte lets us rotate the algorithm or key later


def sm3_hex(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode()
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


@cache
def _data_key() -> bytes:
    key = bytes.fromhex(settings.EGOV_DATA_KEY)
    if len(key) != 16:
        raise ValueError("EGOV_DATA_KEY must be 32 hex characters (128-bit SM4 key)")
    return key


@cache
def _index_key() -> bytes:
    return bytes.fromhex(settings.EGOV_INDEX_KEY)


def encrypt(plaintext: str) -> str:
    """SM4-GCM encrypt; returns url-safe base64 of version | nonce | ciphertext | tag."""
    nonce = os.urandom(12)
    encryptor = Cipher(algorithms.SM4(_data_key()), modes.GCM(nonce)).encryptor()
    ciphertext = encryptor.update(plaintext.encode()) + encryptor.finalize()
    return base64.urlsafe_b64encode(_VERSION + nonce + ciphertext + encryptor.tag).decode()


class DecryptionError(ValueError):
    pass


def decrypt(token: str) -> str:
    raw = base64.urlsafe_b64decode(token.encode())
    if raw[:1] != _VERSION or len(raw) < 1 + 12 + 16:
        raise DecryptionError("unknown ciphertext format")
    nonce, body, tag = raw[1:13], raw[13:-16], raw[-16:]
    decryptor = Cipher(algorithms.SM4(_data_key()), modes.GCM(nonce, tag)).decryptor()
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode()
    except InvalidTag as exc:
        raise DecryptionError("ciphertext was altered or the key is wrong") from exc


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed HMAC-SM3 of a normalised value; ``purpose`` separates domains (id number vs phone)."""
    mac = hmac.HMAC(_index_key(), hashes.SM3())
    mac.update(purpose.encode() + b"\x00" + value.strip().upper().encode())
    return mac.finalize().hex()
