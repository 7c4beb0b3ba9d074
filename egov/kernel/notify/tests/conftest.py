from __future__ import annotations

from collections.abc import Iterator

import pytest

from egov.kernel.notify import sms


@pytest.fixture(autouse=True)
def _sms_outbox(settings: pytest.FixtureRequest, tmp_path: object) -> Iterator[list[sms.SmsMessage]]:
    """Console SMS backend writing into a throw-away directory; the in-memory outbox starts empty."""
    settings.SMS_BACKEND = "console"  # type: ignore[attr-defined]
    settings.VAR_DIR = tmp_path  # type: ignore[attr-defined]
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()
