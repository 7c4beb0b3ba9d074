from __future__ import annotations

from collections.abc import Iterator

import pytest

from egov.kernel.calendar import deadlines


@pytest.fixture(autouse=True)
def fresh_calendar_cache(db: None) -> Iterator[None]:
    """Each test starts and ends with an empty day-table cache: edits rolled back with a test's
    transaction must not leak into the next test (or into another app's tests)."""
    deadlines.invalidate()
    yield
    deadlines.invalidate()
