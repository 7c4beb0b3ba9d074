"""Evidence for one exchange call (取证): the log entry with its chain position, the digests, the signature and
the public key, as one JSON document that ``python -m egov.domain.exchange.verify`` checks offline."""

from __future__ import annotations

from typing import Any

from egov.domain.exchange import chain
from egov.domain.exchange.canonical import CHAINED_FIELDS, EVIDENCE_FORMAT, signed_payload
from egov.domain.exchange.models import AccessChain, AccessLogEntry, SigningKey


def evidence_document(entry: AccessLogEntry) -> dict[str, Any]:
    values = chain.entry_values(entry)
    key = SigningKey.objects.filter(kid=entry.key_id).first()
    following = (
        AccessLogEntry.objects.filter(chain_id=entry.chain_id, seq=entry.seq + 1)
        .values_list("prev_hash", flat=True)
        .first()
    )
    head = AccessChain.objects.filter(pk=entry.chain_id).values("key", "last_seq", "last_hash").first()
    return {
        "format": EVIDENCE_FORMAT,
        "description": "兴安盟一体化电子政务平台数据交换调用存证：日志条目、摘要、签名与验签公钥",
        "entry": values,
        "chained_fields": list(CHAINED_FIELDS),
        "signed_payload": signed_payload(values),
        "signature": {
            "algorithm": key.algorithm if key else "",
            "key_id": entry.key_id,
            "value": entry.signature,
            "public_key_pem": key.public_pem if key else "",
        },
        "chain": {
            "key": head["key"] if head else "",
            "position": entry.seq,
            "next_prev_hash": following,
            "head_seq": head["last_seq"] if head else None,
        },
    }
