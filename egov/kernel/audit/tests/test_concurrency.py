from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections

from egov.kernel.audit.models import AuditEntry
from egov.kernel.audit.services import audit_record


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_parallel_appends_keep_one_gap_free_chain() -> None:
    # given: four writers released at once
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            start.wait()
            for i in range(50):
                audit_record(actor=None, action=f"test.writer{number}", detail={"i": i})
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert errors == []
    assert list(AuditEntry.objects.order_by("id").values_list("id", flat=True)) == list(range(1, 201))
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert out.getvalue().strip() == "审计链完整：共 200 条记录"
