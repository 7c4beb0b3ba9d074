"""The access log chain (tamper detection, append-only triggers) and the offline-verifiable evidence."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client

from egov.domain.exchange import chain, verify
from egov.domain.exchange.evidence import evidence_document
from egov.domain.exchange.models import AccessChain, AccessLogEntry
from egov.domain.exchange.tests.factories import application, approved_grant, call_headers, make_world

pytestmark = pytest.mark.django_db

TABLE = "exchange_accesslogentry"


def _calls(n: int) -> tuple[Any, list[Any]]:
    world = make_world()
    approved_grant(world)
    app, secret = application(world)
    path = f"/exchange/v1/resources/{world.entry.code}/rows"
    responses = [Client().get(path, **call_headers(app, secret, issue=f"XA-2026-{i:06d}")) for i in range(n)]
    return world, responses


def _drop_triggers() -> None:
    """What an attacker with database rights would do first (rolled back with the test)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # user triggers off
        else:
            for name in ("exchange_log_no_update", "exchange_log_no_delete", "exchange_chain_forward"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def _sql(statement: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_intact_log_verifies() -> None:
    _calls(5)
    result = chain.verify()
    assert result.ok and result.entries == 5 and result.chains == 1


def test_the_database_refuses_update_and_delete() -> None:
    _calls(2)
    entry = AccessLogEntry.objects.first()
    assert entry is not None
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).update(end_user="someone-else")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessChain.objects.update(last_seq=1)  # rewinding a head to hide a deleted tail
    assert chain.verify().ok


def test_an_edited_entry_is_detected() -> None:
    _calls(3)
    _drop_triggers()
    second = AccessLogEntry.objects.get(seq=2)
    _sql(f"UPDATE {TABLE} SET issue = %s WHERE id = %s", ["XA-2026-999999", second.pk])  # noqa: S608
    problems = chain.verify().problems
    assert [(p.seq, p.message) for p in problems] == [(2, "内容哈希不符（日志被修改）")]


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link() -> None:
    _calls(3)
    _drop_triggers()
    second = AccessLogEntry.objects.get(seq=2)
    values = chain.entry_values(second)
    values["row_count"] = 0
    from egov.domain.exchange.canonical import entry_hash

    _sql(f"UPDATE {TABLE} SET row_count = 0, entry_hash = %s WHERE id = %s", [entry_hash(values), second.pk])  # noqa: S608
    problems = chain.verify().problems
    assert [(p.seq, p.message) for p in problems] == [(3, "前序哈希不符（日志被删除、插入或调换顺序）")]


def test_a_deleted_entry_is_detected() -> None:
    _calls(3)
    _drop_triggers()
    _sql(f"DELETE FROM {TABLE} WHERE seq = 2", [])  # noqa: S608
    messages = [(p.seq, p.message) for p in chain.verify().problems]
    assert (3, "序号不连续：应为 2，实为 3（日志被删除或插入）") in messages
    assert (3, "前序哈希不符（日志被删除、插入或调换顺序）") in messages


def test_a_deleted_tail_is_detected_by_the_head() -> None:
    _calls(3)
    _drop_triggers()
    _sql(f"DELETE FROM {TABLE} WHERE seq = 3", [])  # noqa: S608
    assert [(p.seq, p.message) for p in chain.verify().problems] == [
        (2, "链尾与链头不符（链头记录第 3 条），末尾日志可能被删除")
    ]


def test_reordered_entries_are_detected() -> None:
    _calls(3)
    _drop_triggers()
    first, second = AccessLogEntry.objects.get(seq=1), AccessLogEntry.objects.get(seq=2)
    _sql(f"UPDATE {TABLE} SET seq = -1 WHERE id = %s", [first.pk])  # noqa: S608
    _sql(f"UPDATE {TABLE} SET seq = 1 WHERE id = %s", [second.pk])  # noqa: S608
    _sql(f"UPDATE {TABLE} SET seq = 2 WHERE id = %s", [first.pk])  # noqa: S608
    problems = chain.verify().problems
    assert problems and all("哈希" in p.message for p in problems)
    assert {p.seq for p in problems} >= {1, 2}


def test_verify_command_reports_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    _calls(2)
    call_command("exchange_verify_log")
    assert "✔ 访问日志完整，未发现篡改" in capsys.readouterr().out
    _drop_triggers()
    _sql(f"UPDATE {TABLE} SET end_user = 'x' WHERE seq = 1", [])  # noqa: S608
    with pytest.raises(CommandError, match="访问日志校验未通过"):
        call_command("exchange_verify_log", workers=2)  # inside the test's transaction: one pass
    assert "内容哈希不符" in capsys.readouterr().out


def test_evidence_verifies_offline_with_the_body(tmp_path: Path) -> None:
    _world, responses = _calls(2)
    response = responses[0]
    entry = AccessLogEntry.objects.get(call_id=response["X-Exchange-Call-Id"])
    document = evidence_document(entry)
    assert document["entry"]["signature"] == response["X-Exchange-Signature"]
    results = verify.check(document, response.content)
    assert all(passed for passed, _message in results), results
    # the command-line verifier, in a process that never loads Django
    evidence_file, body_file = tmp_path / "evidence.json", tmp_path / "body.json"
    evidence_file.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    body_file.write_bytes(response.content)
    run = subprocess.run(
        [sys.executable, "-m", "egov.domain.exchange.verify", str(evidence_file), "--body", str(body_file)],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path.cwd())},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "验证通过" in run.stdout


@pytest.mark.parametrize(
    ("field", "value", "failed"),
    [
        ("response_digest", "0" * 64, "平台签名无效：摘要或签名被篡改"),
        ("row_count", 999, "日志条目哈希与内容不符：条目被修改"),
        ("end_user", "someone-else", "日志条目哈希与内容不符：条目被修改"),
    ],
)
def test_tampered_evidence_fails(field: str, value: Any, failed: str) -> None:
    _calls(1)
    document = evidence_document(AccessLogEntry.objects.get())
    document["entry"][field] = value
    results = verify.check(document)
    assert (False, failed) in results


def test_a_changed_body_fails_and_a_foreign_key_fails() -> None:
    _world, responses = _calls(1)
    document = evidence_document(AccessLogEntry.objects.get())
    assert (False, "响应内容与签名的响应摘要不符") in verify.check(
        document, responses[0].content.replace(b"500", b"900")
    )
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    other = ec.generate_private_key(ec.SECP256R1()).public_key()
    document["signature"]["public_key_pem"] = other.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    assert (False, "平台签名无效：摘要或签名被篡改") in verify.check(document)


def test_denied_calls_are_signed_and_chained_too() -> None:
    world = make_world()
    app, secret = application(world)
    response = Client().get(f"/exchange/v1/resources/{world.entry.code}/rows", **call_headers(app, secret))
    assert response.status_code == 403
    document = evidence_document(AccessLogEntry.objects.get(call_id=response["X-Exchange-Call-Id"]))
    assert all(passed for passed, _message in verify.check(document, response.content))


def test_evidence_command(tmp_path: Path) -> None:
    _world, responses = _calls(1)
    output = tmp_path / "e.json"
    call_command("exchange_evidence", responses[0]["X-Exchange-Call-Id"], output=output)
    assert verify.main([str(output)]) == 0
    with pytest.raises(CommandError, match="未找到该调用记录"):
        call_command("exchange_evidence", "nope")


def test_the_log_keeps_no_index_another_one_already_covers() -> None:
    """Migration 0004: every index the queries use is there, the four redundant ones are not, and the
    append-only triggers (which a table rebuild would have dropped on SQLite) still hold."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    indexed = {tuple(c["columns"]) for c in constraints.values() if c["index"] or c["unique"]}
    assert {("chain_id", "seq"), ("call_id",), ("consumer_id", "at_us"), ("provider_id", "at_us")} <= indexed
    assert not {("chain_id",), ("consumer_id",), ("provider_id",)} & indexed
    assert not [name for name in constraints if name.endswith("_like")]
    test_the_database_refuses_update_and_delete()
