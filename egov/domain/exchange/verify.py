"""Offline verifier for exchange call evidence; needs only the ``cryptography`` package.

    python -m egov.domain.exchange.verify evidence.json [--body response.json]

Checks that the entry's hash matches its content, that the platform's signature over the call's digests is
valid for the public key in the file, that the next entry of the chain links to this one (when present) and,
with ``--body``, that the response body you received is the one that was signed. Compare the key id and
public key fingerprint it prints with the key the platform publishes.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from egov.domain.exchange.canonical import (
    CHAINED_FIELDS,
    EVIDENCE_FORMAT,
    SIGNATURE_ALGORITHM,
    entry_hash,
    signed_payload,
    sm3_hex,
)


def check(document: dict[str, Any], body: bytes | None = None) -> list[tuple[bool, str]]:
    """Each check as (passed, Chinese message)."""
    results: list[tuple[bool, str]] = []
    if document.get("format") != EVIDENCE_FORMAT:
        return [(False, f"不支持的存证格式：{document.get('format')!r}")]
    entry = document.get("entry") or {}
    missing = [name for name in (*CHAINED_FIELDS, "entry_hash") if name not in entry]
    if missing:
        return [(False, "存证缺少字段：" + "、".join(missing))]
    recomputed = entry_hash(entry)
    results.append(
        (
            recomputed == entry["entry_hash"],
            "日志条目哈希（SM3）与内容一致"
            if recomputed == entry["entry_hash"]
            else "日志条目哈希与内容不符：条目被修改",
        )
    )
    signature = document.get("signature") or {}
    if signature.get("algorithm") != SIGNATURE_ALGORITHM:
        results.append((False, f"不支持的签名算法：{signature.get('algorithm')!r}"))
        return results
    try:
        public_key = serialization.load_pem_public_key(str(signature.get("public_key_pem", "")).encode())
        raw_signature = base64.b64decode(str(entry["signature"]), validate=True)
    except ValueError:
        results.append((False, "公钥或签名格式不正确"))
        return results
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        results.append((False, "公钥不是椭圆曲线公钥"))
        return results
    try:
        public_key.verify(raw_signature, signed_payload(entry).encode(), ec.ECDSA(hashes.SHA256()))
        results.append((True, "平台签名有效（覆盖请求摘要、响应摘要与返回记录摘要）"))
    except InvalidSignature:
        results.append((False, "平台签名无效：摘要或签名被篡改"))
    following = (document.get("chain") or {}).get("next_prev_hash")
    if following is not None:
        linked = following == entry["entry_hash"]
        results.append((linked, "日志链中下一条目指向本条目" if linked else "日志链中下一条目未指向本条目"))
    if body is not None:
        same = sm3_hex(body) == entry["response_digest"]
        results.append((same, "响应内容与签名的响应摘要一致" if same else "响应内容与签名的响应摘要不符"))
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    results.append((True, f"签名密钥 {signature.get('key_id')}，公钥指纹（SM3）{sm3_hex(der)}"))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="离线验证数据交换调用存证")
    parser.add_argument("evidence", type=Path, help="存证 JSON 文件")
    parser.add_argument("--body", type=Path, help="收到的响应正文（可选）")
    args = parser.parse_args(argv)
    try:
        document = json.loads(args.evidence.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"无法读取存证文件：{exc}\n")
        return 2
    body = args.body.read_bytes() if args.body else None
    results = check(document, body)
    for passed, message in results:
        sys.stdout.write(("✔ " if passed else "✘ ") + message + "\n")
    ok = all(passed for passed, _message in results)
    sys.stdout.write("验证通过\n" if ok else "验证失败\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
