"""The workflow state column (``egov.kernel.workflow.fields``): PostgreSQL ``json`` with lz4 where the server has
it, written by orjson and read back unchanged on both databases."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.utils.translation import gettext_lazy

from egov.kernel.workflow import engine
from egov.kernel.workflow.fields import dump_state
from egov.kernel.workflow.models import Case
from egov.kernel.workflow.services import work_item_complete
from egov.kernel.workflow.tests.conftest import World, start_case


@pytest.mark.django_db
def test_a_case_moves_on_from_the_state_it_stored(world: World) -> None:
    # given a case whose state went to the database and came back
    case = start_case(world)
    stored = Case.objects.get(pk=case.pk)
    assert stored.state == case.state
    assert [step.step for step in engine.ready_steps(engine.load(world.definition, stored.state))] == ["accept"]

    # when its first step is completed from that state
    work_item_complete(actor=world.handler, item=case.work_items.get(), outcome="accept", opinion="材料齐全")

    # then the state read back holds both 会签 branches, and the business data with its Chinese text
    restored = Case.objects.get(pk=case.pk)
    steps = engine.ready_steps(engine.load(world.definition, restored.state))
    assert sorted(step.step for step in steps) == ["review_czj", "review_fgw"]
    assert restored.data["opinion"] == "材料齐全"


@pytest.mark.django_db
def test_the_column_is_json_with_lz4_on_postgresql(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL 的列类型")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT format_type(atttypid, atttypmod), attcompression FROM pg_attribute "
            "WHERE attrelid = 'workflow_case'::regclass AND attname = 'state'"
        )
        column_type, compression = cursor.fetchone()
        cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        (lz4,) = cursor.fetchone()
    assert column_type == "json"
    assert compression == ("l" if lz4 else "")


def test_dump_state_writes_what_json_dumps_would_read_back_the_same() -> None:
    state = {"data": {"申请人": "张明", "金额": 3200.5, "件数": 3, "通过": True, "备注": None}, "tasks": [1, [2, {}]]}
    assert json.loads(dump_state(state)) == state


def test_dump_state_leaves_to_json_dumps_what_orjson_would_write_differently() -> None:
    # a lazy translation (not a str) and a date are refused exactly as json.dumps refuses them
    with pytest.raises(TypeError, match="not JSON serializable"):
        dump_state({"title": gettext_lazy("办结")})
    with pytest.raises(TypeError, match="not JSON serializable"):
        dump_state({"on": datetime.date(2026, 10, 9)})

    # a str subclass is written by json.dumps, as text
    class Code(str):
        pass

    assert json.loads(dump_state({"code": Code("XA")})) == {"code": "XA"}
