"""The byte formats of the access log chain and of response signatures, shared by the platform and the
offline verifier. Deliberately free of Django: ``python -m egov.domain.exchange.verify`` needs only
``cryptography``.

- ``entry_hash = SM3(canonical)``, where ``canonical`` joins the values of ``CHAINED_FIELDS`` (None as the
  empty string, integers in decimal) with U+001F. Stored text never contains control characters, so the join
  is unambiguous, and the database can build the same string in SQL (the fast verification path).
- A response signature covers ``signed_payload``: the call id, its time, the client and the SM3 digests of
  the request, the response body and the rows returned.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from cryptography.hazmat.primitives import hashes

SEPARATOR = "\x1f"
GENESIS_HASH = "0" * 64
SIGNATURE_ALGORITHM = "ECDSA-P256-SHA256"
PAYLOAD_VERSION = "egov-exchange/1"
EVIDENCE_FORMAT = "egov-exchange-evidence/1"

#: The chained columns of ``exchange_accesslogentry`` in hashing order (``entry_hash`` itself excluded).
CHAINED_FIELDS: tuple[str, ...] = (
    "chain_id",
    "seq",
    "at_us",
    "call_id",
    "client_id",
    "application_id",
    "consumer_id",
    "provider_id",
    "grant_id",
    "resource",
    "end_user",
    "issue",
    "method",
    "path",
    "query",
    "result",
    "status_code",
    "reason_code",
    "row_count",
    "rows_digest",
    "request_digest",
    "response_digest",
    "key_id",
    "signature",
    "prev_hash",
)


def _sm3_cryptography(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def _sm3_hashlib_factory() -> Callable[[bytes], str]:
    """hashlib's SM3 from a prepared context: copying one is a third cheaper than ``hashlib.new("sm3")``, which
    looks the algorithm up by name on every call (the verifier hashes each log entry once)."""
    prototype = hashlib.new("sm3")

    def sm3(data: bytes) -> str:
        digest = prototype.copy()
        digest.update(data)
        return digest.hexdigest()

    return sm3


def _fastest_sm3() -> Callable[[bytes], str]:
    """hashlib's SM3 when the OpenSSL under Python has it (cheaper per call: no Python-level object per digest)
    and agrees with ``cryptography`` on a test vector; otherwise ``cryptography``'s."""
    try:
        sm3 = _sm3_hashlib_factory()
        if sm3(b"abc") == _sm3_cryptography(b"abc"):
            return sm3
    except ValueError:  # this OpenSSL build has no SM3
        pass
    return _sm3_cryptography


sm3_bytes_hex: Callable[[bytes], str] = _fastest_sm3()


def sm3_hex(data: bytes | str) -> str:
    return sm3_bytes_hex(data.encode() if isinstance(data, str) else data)


def canonical(values: Mapping[str, Any]) -> str:
    return SEPARATOR.join("" if values[name] is None else str(values[name]) for name in CHAINED_FIELDS)


def entry_hash(values: Mapping[str, Any]) -> str:
    return sm3_hex(canonical(values))


def signed_payload(values: Mapping[str, Any]) -> str:
    """What the platform signs for one call (the fields come from the log entry)."""
    parts: Iterable[Any] = (
        PAYLOAD_VERSION,
        values["call_id"],
        values["at_us"],
        values["client_id"],
        values["request_digest"],
        values["response_digest"],
        values["rows_digest"],
    )
    return "\n".join(str(part) for part in parts)


def request_canonical(*, method: str, path: str, query: str, client: str, user_id: str, issue: str) -> str:
    """The request as digested: method, path, the query string with its parameters sorted, the X-Road headers."""
    return "\n".join(
        (method.upper(), path, query, f"X-Road-Client:{client}", f"X-Road-UserId:{user_id}", f"X-Road-Issue:{issue}")
    )
